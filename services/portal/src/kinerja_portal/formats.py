"""Days and file sizes as people read them: ``10 Maret 2026`` (``10 March 2026`` in English), ``12 KB``,
``1,5 MB``. Template filters ``tanggal`` and ``ukuran``."""

from __future__ import annotations

from datetime import date

from kinerja_portal.clients import LANGUAGE
from kinerja_portal.numbers import format_id_number

MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                 "November", "Desember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}


def format_day(value: object) -> str:
    """A day (``date`` or ``YYYY-MM-DD``) in the request's language; anything else as it is (``—`` for none)."""
    if value is None or value == "":
        return "—"
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {MONTHS.get(LANGUAGE.get(), MONTHS['id'])[day.month - 1]} {day.year}"


def format_size(value: object) -> str:
    """A size in bytes: ``800 B``, ``12 KB``, ``1,5 MB`` (Indonesian decimals)."""
    try:
        size = int(str(value))
    except ValueError:
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{format_id_number(round(size / 1024 / 1024, 1))} MB"
