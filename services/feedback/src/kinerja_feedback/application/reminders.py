"""The reminder scheduler: builds plan-due reminders from the roster and each office's calendar, and
sends every due reminder once (``tick(now)``; the loop in the service process calls it with the clock,
tests call it with chosen instants)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

import structlog

from kinerja_feedback.adapters import directory, reminder_store
from kinerja_feedback.application.access import Clock
from kinerja_feedback.application.notifications import FEEDBACK_SYSTEM, NotificationService
from kinerja_feedback.domain.notifications import NotificationDraft
from kinerja_feedback.domain.reminders import (
    Reminder,
    due_offsets,
    plan_due_deadline,
    reminder_stream_id,
    reminder_text,
)
from kinerja_kernel.access import within_offices
from kinerja_kernel.auth import Principal
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.repository import EventSourcedRepository

log = structlog.get_logger(__name__)


class ReminderScheduler:
    def __init__(self, reminders: EventSourcedRepository[Reminder], notifications: NotificationService, *,
                 offsets: tuple[int, ...], clock: Clock, interval: float) -> None:
        self.reminders = reminders
        self.notifications = notifications
        self.db = reminders.store.db
        self.offsets = offsets
        self.clock = clock
        self.interval = interval
        self.horizon = timedelta(days=max(offsets, default=0) + 1)

    async def run(self, stop: asyncio.Event) -> None:
        """The loop of the service process: a tick every ``interval`` seconds until ``stop``."""
        while not stop.is_set():
            try:
                await self.tick(self.clock())
            except Exception:  # a failed tick is retried on the next one; reminders are idempotent
                log.exception("reminders.tick_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    async def tick(self, now: datetime) -> int:
        """Send the reminders due at ``now`` (each reminder offset once); returns how many were sent."""
        await self._plan_due(now)
        async with self.db.connection() as conn:
            rows = await reminder_store.due(conn, now, self.horizon)
        sent = 0
        for row in rows:
            zone = TimeZone(row["time_zone"])
            due = due_offsets(row["deadline"], tuple(row["offsets"]), zone, now)
            handled = set(row["handled"])
            if not due or due[0] in handled:
                continue
            sent += await self._send(row, due[0], [o for o in due[1:] if o not in handled], zone, now)
        if sent:
            log.info("reminders.sent", count=sent)
        return sent

    async def _plan_due(self, now: datetime) -> None:
        """Plan-due reminders for the roster of each office whose plan due date is near."""
        async with self.db.transaction() as conn:
            for office_id in await directory.offices_with_people(conn):
                cal = await directory.calendar(conn, office_id)
                year = cal.time_zone.local_date(now).year
                deadline = plan_due_deadline(year, cal.plan_due_day_of_year, cal.time_zone)
                if deadline - self.horizon <= now < deadline:
                    await reminder_store.schedule_plan_due(conn, office_id=office_id, year=year, deadline=deadline,
                                                           offsets=self.offsets, at=now)

    async def _send(self, row: dict[str, object], offset: int, stale: list[int], zone: TimeZone,
                    now: datetime) -> int:
        key, kind, reference = str(row["reminder_key"]), str(row["kind"]), str(row["reference"])
        deadline = row["deadline"]
        assert isinstance(deadline, datetime)
        async with self.db.transaction() as conn:
            if not await reminder_store.claim_send(conn, key, offset, "sent", now):
                return 0  # another replica (or an earlier tick) sent it
            for skipped in stale:  # an earlier offset whose moment passed unsent: one reminder is enough
                await reminder_store.claim_send(conn, key, skipped, "skipped", now)
            reminder = Reminder.send(reminder_key=key, recipient_id=str(row["recipient_id"]),
                                     office_id=str(row["office_id"]), kind=kind, deadline=deadline,
                                     offset_days=offset, reference=reference)
            sealed = await self.reminders.save(reminder_stream_id(key, offset), reminder, actor=FEEDBACK_SYSTEM,
                                               office_id=str(row["office_id"]), subject=str(row["recipient_id"]),
                                               conn=conn)
            text = reminder_text(kind, deadline=deadline, offset_days=offset, zone=zone, reference=reference)
            await self.notifications.issue(conn, [NotificationDraft(
                recipient_id=str(row["recipient_id"]), office_id=str(row["office_id"]), kind=f"reminder_{kind}",
                title=text.title, body=text.body, link=text.link, recipient_role=text.recipient_role)],
                source_event_id=sealed[0].event_id, source_event_type=sealed[0].event_type)
        return 1

    async def upcoming(self, by: Principal) -> list[reminder_store.ReminderView]:
        """The caller's upcoming deadlines in their offices."""
        async with self.db.connection() as conn:
            return within_offices(by, await reminder_store.upcoming(conn, by.user_id, self.clock()))
