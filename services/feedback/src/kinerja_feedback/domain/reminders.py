"""Deadline reminders: when each one is sent (ahead of and on the deadline, in the office's zone) and
what it says. Pure: the scheduler passes the current instant in."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kinerja_feedback.domain.calendar import format_local
from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.feedback import ReminderSent

SEND_AT = time(8, 0)  # reminders go out at 08.00 office time


@dataclass(frozen=True)
class ReminderText:
    kind: str
    title: str
    body: str
    link: str | None
    recipient_role: str


def send_instant(deadline: datetime, offset_days: int, zone: TimeZone) -> datetime:
    """08.00 office time, ``offset_days`` before the deadline's day (never after the deadline itself)."""
    day = zone.local_date(deadline) - timedelta(days=offset_days)
    return min(datetime.combine(day, SEND_AT, tzinfo=zone.tzinfo), deadline)


def due_offsets(deadline: datetime, offsets: tuple[int, ...], zone: TimeZone, now: datetime) -> list[int]:
    """The offsets whose sending instant has come while the deadline has not passed, latest first."""
    if now >= deadline:
        return []
    return sorted(o for o in set(offsets) if send_instant(deadline, o, zone) <= now)


def plan_due_deadline(year: int, day_of_year: int, zone: TimeZone) -> datetime:
    """The SKP is due at the end of the office's plan-due day of January.. of ``year``."""
    day = date(year, 1, 1) + timedelta(days=day_of_year - 1)
    if day.year != year:  # day 366 of a common year
        day = date(year, 12, 31)
    return zone.end_of_day(day)


def when(offset_days: int) -> str:
    if offset_days == 0:
        return "hari ini"
    return "besok" if offset_days == 1 else f"{offset_days} hari lagi"


def reminder_text(kind: str, *, deadline: datetime, offset_days: int, zone: TimeZone, reference: str) -> ReminderText:
    """Indonesian title and body of a reminder of ``kind`` (``reference``: the year, or the appraisal id)."""
    at = format_local(deadline, zone)
    soon = when(offset_days)
    if kind == "plan_due":
        return ReminderText(kind, f"Pengingat: batas penyusunan SKP {soon}",
                            f"SKP periode {reference} Anda belum disetujui. Batas waktu: {at}. Susun dan ajukan SKP "
                            "kepada pejabat penilai sebelum batas waktu.", "/skp", "pegawai")
    if kind == "self_assessment_due":
        return ReminderText(kind, f"Pengingat: batas penilaian diri {soon}",
                            f"Penilaian diri Anda belum dikirim. Batas waktu: {at}.",
                            f"/penilaian/{reference}/penilaian-diri", "pegawai")
    if kind == "rating_due":
        return ReminderText(kind, f"Pengingat: batas pemberian rating {soon}",
                            f"Penilaian kinerja bawahan Anda belum ditetapkan. Batas waktu: {at}.",
                            f"/penilaian/{reference}", "pejabat_penilai")
    if kind == "objection_window_closing":
        return ReminderText(kind, f"Pengingat: masa keberatan berakhir {soon}",
                            f"Jika Anda tidak sependapat dengan hasil penilaian kinerja, keberatan dapat diajukan "
                            f"paling lambat {at}.", f"/penilaian/{reference}/keberatan", "pegawai")
    raise ValueError(f"unknown reminder kind {kind}")


REMINDER_KINDS = ("plan_due", "self_assessment_due", "rating_due", "objection_window_closing")


class Reminder(Aggregate):
    """One reminder offset sent (stream per reminder key and offset: it can only be sent once)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = False

    @classmethod
    def send(cls, *, reminder_key: str, recipient_id: str, office_id: str, kind: str, deadline: datetime,
             offset_days: int, reference: str) -> Reminder:
        r = cls()
        r.record(ReminderSent(reminder_key=reminder_key, recipient_id=recipient_id, office_id=office_id, kind=kind,
                              deadline=deadline, offset_days=offset_days, reference=reference))
        return r

    def _on_ReminderSent(self, e: ReminderSent) -> None:  # noqa: N802
        self.sent = True


REMINDER_NAMESPACE = uuid.UUID("5d7c1f0e-2b8e-4c55-9a51-6b0f3e9d2c11")


def reminder_stream_id(reminder_key: str, offset_days: int) -> uuid.UUID:
    return uuid.uuid5(REMINDER_NAMESPACE, f"{reminder_key}/{offset_days}")
