"""Policies turning other services' events into notifications, and the inbox queries."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import asyncpg

from kinerja_feedback.adapters.inbox_view import (
    NotificationView,
    insert_notification,
    list_notifications,
    mark_read,
)
from kinerja_feedback.domain.notifications import Notification, NotificationDraft
from kinerja_kernel.auth import Principal
from kinerja_kernel.envelope import Actor, EventEnvelope
from kinerja_kernel.errors import NotFound
from kinerja_kernel.repository import EventSourcedRepository

FEEDBACK_SYSTEM = Actor(id="kinerja-feedback", role="system")


class NotificationService:
    def __init__(self, notifications: EventSourcedRepository[Notification]) -> None:
        self.notifications = notifications

    def policy(self, decide: Callable[[Any], NotificationDraft]) -> Callable[..., Any]:
        """A consumer handler: decide the notification from the event, save it with its read model."""

        async def handle(conn: asyncpg.Connection, envelope: EventEnvelope, event: Any) -> None:
            draft = decide(event)
            notification = Notification.issue(draft, source_event_id=envelope.event_id,
                                              source_event_type=envelope.event_type)
            assert notification.notification_id is not None
            sealed = await self.notifications.save(
                notification.notification_id, notification, actor=FEEDBACK_SYSTEM, office_id=draft.office_id,
                subject=draft.recipient_id, conn=conn,
            )
            await insert_notification(conn, notification.notification_id, draft, sealed[0].recorded_at,
                                      envelope.event_id)

        return handle

    async def inbox(self, by: Principal, *, unread_only: bool, kind: str | None, limit: int) -> list[NotificationView]:
        async with self.notifications.store.db.connection() as conn:
            return await list_notifications(conn, by.user_id, unread_only=unread_only, kind=kind, limit=limit)

    async def read(self, notification_id: uuid.UUID, by: Principal) -> None:
        async with self.notifications.store.db.transaction() as conn:
            notification = await self.notifications.load(notification_id, conn=conn)
            if notification is None or notification.recipient_id != by.user_id:
                raise NotFound("Notifikasi tidak ditemukan", message_en="notification not found",
                               field="notification_id")
            notification.mark_read(actor_id=by.user_id)
            sealed = await self.notifications.save(
                notification_id, notification, actor=Actor(id=by.user_id, role="pegawai"),
                office_id=notification.office_id, subject=by.user_id, conn=conn,
            )
            await mark_read(conn, notification_id, sealed[0].recorded_at)
