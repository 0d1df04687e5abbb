"""Showing instants to people in their office's time zone, in Indonesian."""

from __future__ import annotations

from datetime import datetime

from kinerja_kernel.contracts.evaluation import TimeZone

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def format_local(instant: datetime, zone: TimeZone) -> str:
    """``10 April 2026 pukul 23.59 WIB`` (the office's zone, never UTC)."""
    local = instant.astimezone(zone.tzinfo)
    return f"{local.day} {BULAN[local.month - 1]} {local.year} pukul {local:%H.%M} {zone.value}"


def format_day(instant: datetime, zone: TimeZone) -> str:
    local = instant.astimezone(zone.tzinfo)
    return f"{local.day} {BULAN[local.month - 1]} {local.year}"
