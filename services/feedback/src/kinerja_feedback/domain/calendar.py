"""The office's calendar: instants shown to people in the office's time zone (in Indonesian), and the periodic
appraisal period an instant falls in."""

from __future__ import annotations

from datetime import datetime

from kinerja_kernel.contracts.evaluation import OfficeSettings, PeriodKind, TimeZone
from kinerja_kernel.labels import MONTHS_ID


def format_local(instant: datetime, zone: TimeZone) -> str:
    """``10 April 2026 pukul 23.59 WIB`` (the office's zone, never UTC)."""
    local = instant.astimezone(zone.tzinfo)
    return f"{local.day} {MONTHS_ID[local.month - 1]} {local.year} pukul {local:%H.%M} {zone.value}"


def format_day(instant: datetime, zone: TimeZone) -> str:
    local = instant.astimezone(zone.tzinfo)
    return f"{local.day} {MONTHS_ID[local.month - 1]} {local.year}"


def period_of(instant: datetime, calendar: OfficeSettings) -> str:
    """The office's periodic appraisal period (quarter or month) an instant falls in, by the office's day."""
    day = calendar.time_zone.local_date(instant)
    if calendar.periodic_cadence is PeriodKind.MONTHLY:
        return f"{day.year}-M{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
