"""The daily log's calendar and the home page's deadlines, as plain functions of dates (no I/O)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal.i18n import label, translate


def parse_month(raw: str | None, today: date) -> date | None:
    """``2026-03`` -> 1 March 2026; empty -> this month; anything else (``Maret``, ``2026-13``) -> None."""
    if not raw:
        return today.replace(day=1)
    found = re.fullmatch(r"(\d{4})-(\d{2})", raw.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
        return None
    return date(int(found[1]), int(found[2]), 1)


def shift_month(first: date, months: int) -> date:
    """The first day of the month ``months`` away (negative: earlier)."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_name(lang: str, first: date) -> str:
    """``Maret 2026`` / ``March 2026``."""
    return f"{label(lang, 'month', str(first.month))} {first.year}"


def day_name(lang: str, day: date) -> str:
    """``Jumat, 13 Maret 2026`` / ``Friday, 13 March 2026``."""
    return f"{label(lang, 'weekday_long', str(day.weekday()))}, {day.day} {month_name(lang, day)}"


@dataclass(frozen=True)
class Day:
    """One calendar cell: the day, what was logged on it, and how it relates to today."""

    day: date
    entries: tuple[Mapping[str, Any], ...] = ()
    today: bool = False
    future: bool = False

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass
class Month:
    """A month of the daily log: weeks (Monday first; ``None`` outside the month) and counts."""

    first: date
    weeks: list[list[Day | None]] = field(default_factory=list)
    logged_days: int = 0
    working_days: int = 0  # Monday to Friday, up to today


def by_day(entries: Iterable[Mapping[str, Any]]) -> dict[date, list[Mapping[str, Any]]]:
    """Counted entries (not sent back or withdrawn) grouped by their day, in the order given."""
    found: dict[date, list[Mapping[str, Any]]] = {}
    for entry in entries:
        if entry.get("status", "counted") != "counted":
            continue
        try:
            day = date.fromisoformat(str(entry["occurred_on"]))
        except (KeyError, ValueError):
            continue
        found.setdefault(day, []).append(entry)
    return found


def month_of(first: date, entries: Iterable[Mapping[str, Any]], today: date) -> Month:
    """The calendar of ``first``'s month with each day's entries; days after ``today`` are marked future."""
    logged = by_day(entries)
    month = Month(first)
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row: list[Day | None] = []
        for day in week:
            if day.month != first.month:
                row.append(None)
                continue
            cell = Day(day, tuple(logged.get(day, ())), today=day == today, future=day > today)
            row.append(cell)
            if cell.entries:
                month.logged_days += 1
            if not cell.weekend and not cell.future:
                month.working_days += 1
        month.weeks.append(row)
    return month


def yesterday_entries(entries: Iterable[Mapping[str, Any]], today: date) -> list[Mapping[str, Any]]:
    """What was logged on the day before ``today`` (counted entries), for "copy from yesterday"."""
    return by_day(entries).get(today - timedelta(days=1), [])


def days_left(deadline: datetime | str, today: date, zone: TimeZone) -> int:
    """Whole days from ``today`` to the deadline's day in the office's zone (0: today; negative: passed)."""
    moment = datetime.fromisoformat(deadline.replace("Z", "+00:00")) if isinstance(deadline, str) else deadline
    return (zone.local_date(moment) - today).days


def days_left_text(lang: str, n: int) -> str:
    """``3 hari lagi``, ``1 hari lagi``, ``hari ini``, ``lewat 2 hari``."""
    if n == 0:
        return translate(lang, "next.today")
    if n == 1:
        return translate(lang, "next.day_left")
    if n < 0:
        return translate(lang, "next.overdue", n=-n)
    return translate(lang, "next.days_left", n=n)


def local_day(value: datetime | str, zone: TimeZone, lang: str) -> str:
    """An instant's day in the office's zone as people write it: ``31 Maret 2026``."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    day = zone.local_date(moment)
    return f"{day.day} {month_name(lang, day)}"
