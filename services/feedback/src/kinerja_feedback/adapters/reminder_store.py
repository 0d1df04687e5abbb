"""The reminder schedule (recipient, kind, deadline, offsets) and the record of sends (one per
reminder and offset: the primary key makes a reminder go out once, even with several replicas)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from pydantic import BaseModel


async def schedule(conn: asyncpg.Connection, *, key: str, recipient_id: str, office_id: str, kind: str,
                   reference: str, deadline: datetime, offsets: tuple[int, ...], at: datetime) -> None:
    """Add a reminder, or move its deadline (a changed deadline re-arms it; sends already made stay)."""
    await conn.execute(
        "INSERT INTO reminder_schedule (reminder_key, recipient_id, office_id, kind, reference, deadline, offsets, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reminder_key) DO UPDATE "
        "SET deadline = $6, recipient_id = $2, cancelled_at = NULL",
        key, recipient_id, office_id, kind, reference, deadline, list(offsets), at,
    )


async def cancel(conn: asyncpg.Connection, key: str, at: datetime) -> None:
    await conn.execute("UPDATE reminder_schedule SET cancelled_at = $2 WHERE reminder_key = $1 "
                       "AND cancelled_at IS NULL", key, at)


async def schedule_plan_due(conn: asyncpg.Connection, *, office_id: str, year: int, deadline: datetime,
                            offsets: tuple[int, ...], at: datetime) -> None:
    """A plan-due reminder for everyone on the office's roster without an approved SKP for ``year``."""
    await conn.execute(
        "INSERT INTO reminder_schedule (reminder_key, recipient_id, office_id, kind, reference, deadline, offsets, "
        "created_at) SELECT 'plan_due/' || $2::integer::text || '/' || p.employee_id, p.employee_id, p.office_id, "
        "'plan_due', $2::integer::text, $3, $4, $5 FROM people p WHERE p.office_id = $1 AND NOT EXISTS "
        "(SELECT 1 FROM approved_plans a WHERE a.employee_id = p.employee_id AND a.period_year = $2::integer) "
        "ON CONFLICT (reminder_key) DO NOTHING",
        office_id, year, deadline, list(offsets), at,
    )


async def due(conn: asyncpg.Connection, now: datetime, horizon: timedelta) -> list[dict[str, Any]]:
    """Live reminders whose deadline is ahead but within ``horizon``, with the offsets already handled.
    A plan-due reminder of someone whose SKP has been approved meanwhile is left out."""
    rows = await conn.fetch(
        "SELECT s.reminder_key, s.recipient_id, s.office_id, s.kind, s.reference, s.deadline, s.offsets, "
        "coalesce(c.time_zone, 'WIB') AS time_zone, "
        "coalesce((SELECT array_agg(r.offset_days) FROM reminder_sends r WHERE r.reminder_key = s.reminder_key), "
        "'{}') AS handled FROM reminder_schedule s LEFT JOIN office_calendar c USING (office_id) "
        "WHERE s.cancelled_at IS NULL AND s.deadline > $1 AND s.deadline <= $2 "
        "AND NOT (s.kind = 'plan_due' AND EXISTS (SELECT 1 FROM approved_plans a WHERE a.employee_id = s.recipient_id "
        "AND a.period_year::text = s.reference)) ORDER BY s.deadline, s.reminder_key",
        now, now + horizon,
    )
    return [dict(r) for r in rows]


async def claim_send(conn: asyncpg.Connection, key: str, offset_days: int, status: str, at: datetime,
                     event_id: uuid.UUID | None = None) -> bool:
    """Record that an offset of a reminder was handled; False if it already was."""
    inserted = await conn.fetchval(
        "INSERT INTO reminder_sends (reminder_key, offset_days, status, at, event_id) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING RETURNING true", key, offset_days, status, at, event_id)
    return bool(inserted)


class ReminderView(BaseModel):
    reminder_key: str
    kind: str
    reference: str
    office_id: str
    deadline: datetime
    offsets: list[int]
    sent: list[int]


async def upcoming(conn: asyncpg.Connection, recipient_id: str, now: datetime) -> list[ReminderView]:
    rows = await conn.fetch(
        "SELECT s.reminder_key, s.kind, s.reference, s.office_id, s.deadline, s.offsets, "
        "coalesce((SELECT array_agg(r.offset_days ORDER BY r.offset_days DESC) FROM reminder_sends r "
        "WHERE r.reminder_key = s.reminder_key AND r.status = 'sent'), '{}') AS sent "
        "FROM reminder_schedule s WHERE s.recipient_id = $1 AND s.cancelled_at IS NULL AND s.deadline > $2 "
        "ORDER BY s.deadline", recipient_id, now)
    return [ReminderView(**dict(r)) for r in rows]
