"""The notification inbox read model (table ``notifications``), rebuilt from events when needed."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
from pydantic import BaseModel

from kinerja_feedback.domain.notifications import NotificationDraft
from kinerja_kernel.contracts.feedback import NotificationRead
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection

MIGRATIONS = (
    Migration("feedback", 1, "notification inbox", """
        CREATE TABLE notifications (
            notification_id  uuid PRIMARY KEY,
            recipient_id     text NOT NULL,
            office_id        text NOT NULL,
            kind             text NOT NULL,
            title            text NOT NULL,
            body             text NOT NULL,
            link             text,
            source_event_id  uuid NOT NULL,
            created_at       timestamptz NOT NULL,
            read_at          timestamptz
        );
        CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC);
    """),
)


class NotificationView(BaseModel):
    notification_id: uuid.UUID
    kind: str
    title: str
    body: str
    link: str | None
    office_id: str
    recipient_role: str | None
    created_at: datetime
    read: bool


async def mark_read(conn: asyncpg.Connection, notification_id: uuid.UUID, at: datetime) -> None:
    await conn.execute("UPDATE notifications SET read_at = $2 WHERE notification_id = $1", notification_id, at)


async def _notification_read(conn: asyncpg.Connection, env: EventEnvelope, e: NotificationRead) -> None:
    await mark_read(conn, e.notification_id, env.recorded_at)


READ_PROJECTION = Projection({NotificationRead.event_type: _notification_read})
"""The inbox row marked read in the transaction that records ``NotificationRead``."""


async def list_notifications(
    conn: asyncpg.Connection, recipient_id: str, *, unread_only: bool, kind: str | None, limit: int,
    since: datetime | None = None, office_id: str | None = None, offices: list[str],
) -> list[NotificationView]:
    """The recipient's notifications in ``offices`` (the caller's), filtered."""
    rows = await conn.fetch(
        "SELECT notification_id, kind, title, body, link, office_id, recipient_role, created_at, "
        "read_at IS NOT NULL AS read FROM notifications WHERE recipient_id = $1 "
        "AND ($2::bool IS FALSE OR read_at IS NULL) AND ($3::text IS NULL OR kind = $3) "
        "AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::text IS NULL OR office_id = $6) "
        "AND office_id = ANY($7::text[]) ORDER BY created_at DESC LIMIT $4",
        recipient_id, unread_only, kind, limit, since, office_id, offices,
    )
    return [NotificationView(**dict(r)) for r in rows]


async def unread_counts(conn: asyncpg.Connection, recipient_id: str, offices: list[str]) -> dict[str, int]:
    rows = await conn.fetch("SELECT kind, count(*) AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL "
                            "AND office_id = ANY($2::text[]) GROUP BY kind", recipient_id, offices)
    return {r["kind"]: r["n"] for r in rows}


async def unread_ids(conn: asyncpg.Connection, recipient_id: str, kind: str | None, offices: list[str]
                     ) -> list[uuid.UUID]:
    rows = await conn.fetch("SELECT notification_id FROM notifications WHERE recipient_id = $1 AND read_at IS NULL "
                            "AND ($2::text IS NULL OR kind = $2) AND office_id = ANY($3::text[]) ORDER BY created_at",
                            recipient_id, kind, offices)
    return [r["notification_id"] for r in rows]


async def settled_ids(conn: asyncpg.Connection, recipient_id: str | None, kinds: list[str], link: str
                      ) -> list[tuple[uuid.UUID, str]]:
    """Unread notifications of ``kinds`` pointing at ``link`` (of one recipient, or of anyone): (id, recipient)."""
    rows = await conn.fetch("SELECT notification_id, recipient_id FROM notifications WHERE read_at IS NULL "
                            "AND ($1::text IS NULL OR recipient_id = $1) AND kind = ANY($2::text[]) AND link = $3 "
                            "ORDER BY created_at", recipient_id, kinds, link)
    return [(r["notification_id"], r["recipient_id"]) for r in rows]


async def insert_notifications(conn: asyncpg.Connection, rows: list[tuple[uuid.UUID, NotificationDraft]],
                               created_at: datetime, source_event_id: uuid.UUID) -> None:
    """Many inbox rows in one statement."""
    await conn.execute(
        "INSERT INTO notifications (notification_id, recipient_id, office_id, kind, title, body, link, "
        "source_event_id, created_at, recipient_role) SELECT n.id, n.recipient, n.office, n.kind, n.title, n.body, "
        "n.link, $8, $9, n.role FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
        "$7::text[], $10::text[]) AS n(id, recipient, office, kind, title, body, link, role)",
        [i for i, _ in rows], [d.recipient_id for _, d in rows], [d.office_id for _, d in rows],
        [d.kind for _, d in rows], [d.title for _, d in rows], [d.body for _, d in rows], [d.link for _, d in rows],
        source_event_id, created_at, [d.recipient_role for _, d in rows],
    )
