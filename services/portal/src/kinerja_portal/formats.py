"""Days, moments and file sizes as people read them: ``3 Desember 2026``, ``3 Desember 2026 09.30 WITA``
(``3 December 2026 09:30 WITA`` in English), ``12 KB``, ``1,5 MB``. Template filters ``tanggal`` (a day),
``waktu`` (a date-time, in the office's zone) and ``ukuran``."""

from __future__ import annotations

from datetime import date, datetime

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal.clients import LANGUAGE
from kinerja_portal.numbers import format_id_number

MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                 "November", "Desember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}


def _zone(zone: object) -> TimeZone | None:
    if isinstance(zone, TimeZone):
        return zone
    return TimeZone(zone) if isinstance(zone, str) and zone in TimeZone.__members__ else None


def _instant(value: object) -> datetime | None:
    """An aware instant from a ``datetime`` or an ISO 8601 text with a time; ``None`` for anything else."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _day_text(day: date, lang: str | None = None) -> str:
    months = MONTHS.get(lang or LANGUAGE.get(), MONTHS["id"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_day(value: object, zone: object = None) -> str:
    """A day (``date`` or ``YYYY-MM-DD``) in the request's language: ``3 Desember 2026``. An instant is first put
    in the office's ``zone`` (WIB when none is known: 23.30 UTC is already the next day). Anything else as it
    is (``—`` for none)."""
    if value is None or value == "":
        return "—"
    moment = _instant(value)
    if moment is not None:
        return _day_text(moment.astimezone((_zone(zone) or TimeZone.WIB).tzinfo).date())
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return _day_text(day)


def format_moment(value: object, zone: object = None, *, seconds: bool = False) -> str:
    """A date-time (an instant from a service) in the office's ``zone``, named: ``3 Desember 2026 09.30 WITA``
    (``09:30`` in English). Without a known zone it stays in the one the service expressed it in when that is
    WIB, WITA or WIT, else WIB. Anything that is not an instant as it is (``—`` for none)."""
    if value is None or value == "":
        return "—"
    moment = _instant(value)
    if moment is None:
        return str(value)
    tz = _zone(zone) or TimeZone.of(moment) or TimeZone.WIB
    local = moment.astimezone(tz.tzinfo)
    lang = LANGUAGE.get()
    separator = ":" if lang == "en" else "."
    clock = separator.join(f"{part:02d}" for part in (local.hour, local.minute, *((local.second,) if seconds else ())))
    return f"{_day_text(local.date(), lang)} {clock} {tz.value}"


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
