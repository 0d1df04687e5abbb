"""Issuing notifications (inbox row, event, webhook deliveries — one transaction), and the inbox queries."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import asyncpg

from kinerja_feedback.adapters import directory, webhook_store
from kinerja_feedback.adapters.inbox_view import (
    NotificationView,
    insert_notifications,
    list_notifications,
    settled_ids,
    unread_counts,
    unread_ids,
)
from kinerja_feedback.application.events import read_models
from kinerja_feedback.domain.acting import acting_copies, needs_acting_copy
from kinerja_feedback.domain.notifications import Notification, NotificationDraft, Settled
from kinerja_kernel.access import may_access
from kinerja_kernel.auth import Principal
from kinerja_kernel.canonical import canonical_json
from kinerja_kernel.db import Database
from kinerja_kernel.envelope import Actor, PendingEvent, format_time
from kinerja_kernel.errors import NotFound
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.repository import EventSourcedRepository

FEEDBACK_SYSTEM = Actor(id="kinerja-feedback", role="system")


def webhook_body(notification_id: uuid.UUID, draft: NotificationDraft, created_at: datetime) -> str:
    """The JSON a gateway receives for one notification (RFC 8785 canonical, so the signature is over
    exactly these bytes)."""
    return canonical_json({
        "type": "kinerja.notification", "notification_id": str(notification_id), "recipient_id": draft.recipient_id,
        "recipient_role": draft.recipient_role, "office_id": draft.office_id, "kind": draft.kind,
        "title": draft.title, "body": draft.body, "link": draft.link, "created_at": format_time(created_at),
    }).decode()


def utcnow() -> datetime:
    return datetime.now(UTC)


class NotificationService:
    def __init__(self, notifications: EventSourcedRepository[Notification, Any],
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.notifications = notifications
        self.clock = clock
        self.on_issued: list[Callable[[int], None]] = []  # e.g. the benchmark's and the webhook worker's wake-up

    @property
    def db(self) -> Database:
        """The read models' database (the queries; PostgreSQL only)."""
        return read_models(self.notifications)

    async def _acting_copies(self, conn: asyncpg.Connection,
                             drafts: Sequence[NotificationDraft]) -> list[NotificationDraft]:
        """Copies for the acting officials (Plt/Plh) of the absent officials a request is for, on today's date
        in the office's zone; their ids derive from the same source event, so a redelivery adds none."""
        wanted = [d for d in drafts if needs_acting_copy(d)]
        if not wanted:
            return []
        copies: list[NotificationDraft] = []
        for office_id in sorted({d.office_id for d in wanted}):
            day = (await directory.zone_of(conn, office_id)).local_date(self.clock())
            mine = [d for d in wanted if d.office_id == office_id]
            copies += acting_copies(mine, await directory.acting_on(conn, [d.recipient_id for d in mine], day))
        return copies

    @staticmethod
    async def _with_acting(conn: asyncpg.Connection, settled: Sequence[Settled]) -> list[Settled]:
        """The settled requests, and the copies an acting official (Plt/Plh) of their recipient was sent."""
        found = list(settled)
        for item in settled:
            if item.recipient_id:
                found += [replace(item, recipient_id=acting)
                          for acting in await directory.acting_officials_of(conn, item.recipient_id)]
        return found

    async def issue(self, conn: asyncpg.Connection, drafts: Sequence[NotificationDraft], *, source_event_id: uuid.UUID,
                    source_event_type: str) -> list[uuid.UUID]:
        """Put each draft in its recipient's inbox, inside the caller's transaction ``conn``.

        Notification ids are derived from (source event, kind, recipient) and each is a new one-event
        stream, so the same source event can never give one recipient two notifications of a kind (an
        existing stream is skipped). Three statements however many recipients: the events, the inbox
        rows, the webhook deliveries."""
        repo = self.notifications
        drafts = [*drafts, *await self._acting_copies(conn, drafts)]
        items: list[tuple[str, PendingEvent]] = []
        by_id: dict[uuid.UUID, NotificationDraft] = {}
        for draft in drafts:
            notification = Notification.issue(draft, source_event_id=source_event_id,
                                              source_event_type=source_event_type)
            assert notification.notification_id is not None
            [event] = notification.pending
            by_id[notification.notification_id] = draft
            items.append((repo.stream_id(notification.notification_id), PendingEvent(
                event_type=event.event_type, event_version=event.event_version, subject=draft.recipient_id,
                office_id=draft.office_id, actor=FEEDBACK_SYSTEM, correlation_id=correlation_id(),
                causation_id=causation_id(), payload=repo.registry.encode(event))))
        written = await repo.store.append_new_streams(items, conn=conn)
        if not written:
            return []
        at = written[0].recorded_at
        rows = [(uuid.UUID(str(e.payload["notification_id"])), by_id[uuid.UUID(str(e.payload["notification_id"]))])
                for e in written]
        await insert_notifications(conn, rows, at, source_event_id)
        await webhook_store.enqueue(conn, [(i, d.office_id, d.kind, d.recipient_role, webhook_body(i, d, at))
                                           for i, d in rows], at)
        for hook in self.on_issued:
            hook(len(rows))
        return [i for i, _ in rows]

    async def inbox(self, by: Principal, *, unread_only: bool, kind: str | None, limit: int,
                    since: datetime | None = None, office_id: str | None = None) -> list[NotificationView]:
        async with self.db.connection() as conn:
            return await list_notifications(conn, by.user_id, unread_only=unread_only, kind=kind, limit=limit,
                                            since=since, office_id=office_id, offices=sorted(by.offices))

    async def unread(self, by: Principal) -> dict[str, int]:
        async with self.db.connection() as conn:
            return await unread_counts(conn, by.user_id, sorted(by.offices))

    async def read(self, notification_id: uuid.UUID, by: Principal) -> None:
        """The recipient marks a notification read (again: nothing recorded); anyone else finds none."""
        def recipient_only(n: Notification) -> None:
            if not may_access(by, n.office_id, parties=(n.recipient_id,)):
                raise _not_found()

        await self.notifications.change(
            notification_id, None, lambda n: n.mark_read(actor_id=by.user_id), check=recipient_only,
            not_found=_not_found, actor=Actor(id=by.user_id, role="pegawai"), office_id=lambda n: n.office_id,
            subject=by.user_id)

    async def settle(self, conn: asyncpg.Connection, settled: Sequence[Settled], *, actor: Actor) -> int:
        """Mark read, in the caller's transaction, the unread notifications an action settled (the approval
        request once approved ...): one ``NotificationRead`` each, recorded with the acting person as actor
        (the event that settled it is the envelope's causation). Already read ones record nothing."""
        unread: dict[uuid.UUID, str] = {}
        for item in await self._with_acting(conn, settled):
            unread.update(await settled_ids(conn, item.recipient_id, list(item.kinds), item.link))
        for notification_id, recipient in unread.items():
            await self.notifications.change(notification_id, None, _read_by(recipient), not_found=_not_found,
                                            actor=actor, office_id=lambda n: n.office_id, subject=recipient,
                                            conn=conn)
        return len(unread)

    async def read_all(self, by: Principal, kind: str | None) -> int:
        """Mark every unread notification (of ``kind``) read: one event each."""
        async with self.db.connection() as conn:
            ids = await unread_ids(conn, by.user_id, kind, sorted(by.offices))
        for notification_id in ids:
            await self.read(notification_id, by)
        return len(ids)


def _read_by(recipient: str) -> Callable[[Notification], None]:
    return lambda n: n.mark_read(actor_id=recipient)


def _not_found() -> NotFound:
    return NotFound("feedback.notification.not-found", field="notification_id")
