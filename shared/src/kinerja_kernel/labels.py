"""How codes read in the Indonesian (and English) messages people see: a BerAKHLAK value or a plan status in
a refusal is its label ("Berorientasi Pelayanan", "diajukan"), never its key (``berorientasi_pelayanan``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

VALUE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "berorientasi_pelayanan": ("Berorientasi Pelayanan", "Service orientation"),
    "akuntabel": ("Akuntabel", "Accountable"),
    "kompeten": ("Kompeten", "Competent"),
    "harmonis": ("Harmonis", "Harmonious"),
    "loyal": ("Loyal", "Loyal"),
    "adaptif": ("Adaptif", "Adaptive"),
    "kolaboratif": ("Kolaboratif", "Collaborative"),
}

PLAN_STATUS_LABELS: Final[dict[str, tuple[str, str]]] = {
    "draft": ("draf", "draft"),
    "submitted": ("diajukan", "submitted"),
    "returned": ("dikembalikan", "returned"),
    "approved": ("disetujui", "approved"),
    "revising": ("sedang direvisi", "being revised"),
    "closed": ("ditutup", "closed"),
}


def value_label(code: str, lang: str = "id") -> str:
    """A BerAKHLAK value's name (``berorientasi_pelayanan`` -> ``Berorientasi Pelayanan``); unknown codes as given."""
    found = VALUE_LABELS.get(str(code))
    return code if found is None else found[0 if lang == "id" else 1]


def plan_status_label(code: str, lang: str = "id") -> str:
    """A plan status as a word of the message's language (``submitted`` -> ``diajukan``)."""
    found = PLAN_STATUS_LABELS.get(str(code))
    return code if found is None else found[0 if lang == "id" else 1]


MONTHS_ID: Final[tuple[str, ...]] = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                                    "September", "Oktober", "November", "Desember")


def tanggal(day: date) -> str:
    """A day as an Indonesian message writes it: ``3 Desember 2026``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def tanggal_waktu(moment: datetime) -> str:
    """A moment in its own zone as an Indonesian message writes it: ``16 April 2026 23.59``."""
    return f"{tanggal(moment.date())} {moment:%H.%M}"
