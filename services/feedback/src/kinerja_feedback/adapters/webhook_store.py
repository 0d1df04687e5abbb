"""Webhook subscriptions (projection), their secrets, and the delivery queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from kinerja_kernel.contracts.feedback import WebhookSubscribed, WebhookUnsubscribed
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection


async def _subscribed(conn: asyncpg.Connection, env: EventEnvelope, e: WebhookSubscribed) -> None:
    await conn.execute(
        "INSERT INTO webhook_subscriptions (subscription_id, office_id, url, roles, kinds, description, "
        "secret_fingerprint, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8)",
        e.subscription_id, e.office_id, e.url, list(e.roles), list(e.kinds), e.description, e.secret_fingerprint,
        env.recorded_at,
    )


async def _unsubscribed(conn: asyncpg.Connection, env: EventEnvelope, e: WebhookUnsubscribed) -> None:
    await conn.execute("UPDATE webhook_subscriptions SET active = false WHERE subscription_id = $1", e.subscription_id)


PROJECTION = Projection({WebhookSubscribed.event_type: _subscribed, WebhookUnsubscribed.event_type: _unsubscribed})


class SubscriptionView(BaseModel):
    subscription_id: uuid.UUID
    office_id: str
    url: str
    roles: list[str]
    kinds: list[str]
    description: str | None
    secret_fingerprint: str
    active: bool
    created_at: datetime
    pending: int
    delivered: int
    parked: int


class DeliveryView(BaseModel):
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    notification_id: uuid.UUID
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    last_status: int | None
    created_at: datetime
    delivered_at: datetime | None


async def save_secret(conn: asyncpg.Connection, subscription_id: uuid.UUID, secret: str) -> None:
    await conn.execute("INSERT INTO webhook_secrets (subscription_id, secret) VALUES ($1, $2)", subscription_id, secret)


async def subscriptions(conn: asyncpg.Connection, office_id: str) -> list[SubscriptionView]:
    rows = await conn.fetch(
        "SELECT s.*, count(d.*) FILTER (WHERE d.status = 'pending') AS pending, "
        "count(d.*) FILTER (WHERE d.status = 'delivered') AS delivered, "
        "count(d.*) FILTER (WHERE d.status = 'parked') AS parked "
        "FROM webhook_subscriptions s LEFT JOIN webhook_deliveries d USING (subscription_id) "
        "WHERE s.office_id = $1 GROUP BY s.subscription_id ORDER BY s.created_at", office_id)
    return [SubscriptionView(**dict(r)) for r in rows]


async def subscription_office(conn: asyncpg.Connection, subscription_id: uuid.UUID) -> str | None:
    office: str | None = await conn.fetchval(
        "SELECT office_id FROM webhook_subscriptions WHERE subscription_id = $1", subscription_id)
    return office


async def enqueue(conn: asyncpg.Connection, notifications: list[tuple[uuid.UUID, str, str, str | None, str]],
                  at: datetime) -> None:
    """One pending delivery per (notification, active subscription of its office whose filters match),
    in one statement and in the notifications' own transaction: nothing is lost between inbox and queue.
    ``notifications``: (id, office, kind, recipient role, body)."""
    await conn.execute(
        "INSERT INTO webhook_deliveries (delivery_id, subscription_id, notification_id, kind, body, status, "
        "next_attempt_at, created_at) SELECT gen_random_uuid(), s.subscription_id, n.id, n.kind, n.body, 'pending', "
        "$6, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS n(id, office, kind, role, "
        "body) JOIN webhook_subscriptions s ON s.office_id = n.office AND s.active "
        "AND (cardinality(s.kinds) = 0 OR n.kind = ANY (s.kinds)) "
        "AND (cardinality(s.roles) = 0 OR n.role = ANY (s.roles)) ON CONFLICT DO NOTHING",
        *[list(c) for c in zip(*notifications, strict=True)], at,
    )


async def claim(conn: asyncpg.Connection, now: datetime, lease_until: datetime, busy: list[uuid.UUID],
                limit: int) -> list[dict[str, Any]]:
    """Take due deliveries of subscriptions not busy in this process (skipping rows another replica holds,
    and every subscription with a delivery still leased: a subscription's deliveries go out in order)."""
    rows = await conn.fetch(
        "UPDATE webhook_deliveries d SET lease_until = $2 FROM ("
        "  SELECT delivery_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1"
        "  AND (lease_until IS NULL OR lease_until <= $1) AND NOT (subscription_id = ANY ($3::uuid[]))"
        "  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o"
        "    WHERE o.subscription_id = webhook_deliveries.subscription_id AND o.status = 'pending'"
        "    AND o.lease_until > $1)"
        "  ORDER BY next_attempt_at, created_at LIMIT $4 FOR UPDATE SKIP LOCKED) c "
        "WHERE d.delivery_id = c.delivery_id "
        "RETURNING d.delivery_id, d.subscription_id, d.kind, d.body, d.attempts, d.created_at",
        now, lease_until, busy, limit,
    )
    return sorted((dict(r) for r in rows), key=lambda r: (r["created_at"], r["delivery_id"]))


async def targets(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    rows = await conn.fetch("SELECT s.subscription_id, s.url, s.active, k.secret FROM webhook_subscriptions s "
                            "JOIN webhook_secrets k USING (subscription_id) WHERE s.subscription_id = ANY ($1)", ids)
    return {r["subscription_id"]: dict(r) for r in rows}


async def start_attempt(conn: asyncpg.Connection, delivery_id: uuid.UUID, waiting: list[uuid.UUID],
                        lease_until: datetime) -> int:
    """Count the try before it is made (a crash after the POST cannot send the same attempt number twice)
    and renew the lease of this delivery and of those waiting behind it in this process for one try only."""
    await conn.execute("UPDATE webhook_deliveries SET lease_until = $2 WHERE delivery_id = ANY ($1) "
                       "AND status = 'pending'", waiting, lease_until)
    attempts = await conn.fetchval("UPDATE webhook_deliveries SET attempts = attempts + 1, lease_until = $2 "
                                   "WHERE delivery_id = $1 RETURNING attempts", delivery_id, lease_until)
    return int(attempts)


async def delivered(conn: asyncpg.Connection, delivery_id: uuid.UUID, status_code: int, at: datetime) -> None:
    await conn.execute("UPDATE webhook_deliveries SET status = 'delivered', last_status = $2, "
                       "delivered_at = $3, lease_until = NULL, last_error = NULL WHERE delivery_id = $1",
                       delivery_id, status_code, at)


async def failed(conn: asyncpg.Connection, delivery_id: uuid.UUID, subscription_id: uuid.UUID, *, attempts: int,
                 status: str, next_attempt_at: datetime | None, error: str, status_code: int | None) -> None:
    """Record a failed try; the subscription's other pending deliveries wait at least as long (the
    target is down: trying them now would only add timeouts)."""
    await conn.execute(
        "UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = coalesce($4, next_attempt_at), "
        "last_error = $5, last_status = $6, lease_until = NULL WHERE delivery_id = $1",
        delivery_id, status, attempts, next_attempt_at, error[:2000], status_code,
    )
    if next_attempt_at is not None:
        await conn.execute(
            "UPDATE webhook_deliveries SET next_attempt_at = greatest(next_attempt_at, $3) WHERE subscription_id = $1 "
            "AND status = 'pending' AND delivery_id <> $2", subscription_id, delivery_id, next_attempt_at)


async def release(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> None:
    await conn.execute("UPDATE webhook_deliveries SET lease_until = NULL WHERE delivery_id = ANY ($1)", ids)


async def deliveries(conn: asyncpg.Connection, subscription_id: uuid.UUID, status: str | None,
                     limit: int) -> list[DeliveryView]:
    rows = await conn.fetch(
        "SELECT delivery_id, subscription_id, notification_id, kind, status, attempts, "
        "CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at, last_error, last_status, "
        "created_at, delivered_at FROM webhook_deliveries WHERE subscription_id = $1 "
        "AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC LIMIT $3", subscription_id, status, limit)
    return [DeliveryView(**dict(r)) for r in rows]


async def redeliver(conn: asyncpg.Connection, subscription_id: uuid.UUID, delivery_id: uuid.UUID,
                    at: datetime) -> str | None:
    """Put a parked delivery back in the queue; returns its status before (None if unknown)."""
    before: str | None = await conn.fetchval(
        "SELECT status FROM webhook_deliveries WHERE delivery_id = $1 AND subscription_id = $2 FOR UPDATE",
        delivery_id, subscription_id)
    if before == "parked":
        await conn.execute("UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, "
                           "lease_until = NULL WHERE delivery_id = $1", delivery_id, at)
    return before
