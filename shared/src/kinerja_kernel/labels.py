"""How codes read in the Indonesian (and English) messages people see: a BerAKHLAK value or a plan status in
a refusal is its label ("Berorientasi Pelayanan", "diajukan"), never its key (``berorientasi_pelayanan``)."""

from __future__ import annotations

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
