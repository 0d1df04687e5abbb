"""What of the feedback service's read models is rebuilt from its own events (``kinerja-audit rebuild``).

Rebuilt and compared: the inbox (``notifications``, from ``NotificationIssued``/``NotificationRead``),
feedback, dialogues with their actions, clarification threads and webhook subscriptions. Not rebuilt:
the tables mirroring other services (roster, calendar, appraisals: refilled by the consumers), the
reminder schedule, webhook secrets (never in an event) and the delivery queue (operational state).
"""

from __future__ import annotations

import asyncpg

from kinerja_feedback.adapters import views, webhook_store
from kinerja_feedback.adapters.schema import MIGRATIONS
from kinerja_kernel.contracts import feedback as fb
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.rebuild import ReadModels
from kinerja_kernel.repository import Projection


async def _issued(conn: asyncpg.Connection, env: EventEnvelope, e: fb.NotificationIssued) -> None:
    await conn.execute(
        "INSERT INTO notifications (notification_id, recipient_id, office_id, kind, title, body, link, "
        "source_event_id, created_at, recipient_role) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        e.notification_id, e.recipient_id, e.office_id, e.kind, e.title, e.body, e.link, e.source_event_id,
        env.recorded_at, e.recipient_role)


async def _read(conn: asyncpg.Connection, env: EventEnvelope, e: fb.NotificationRead) -> None:
    await conn.execute("UPDATE notifications SET read_at = $2 WHERE notification_id = $1", e.notification_id,
                       env.recorded_at)


READ_MODELS = ReadModels(
    "feedback", MIGRATIONS,
    Projection({fb.NotificationIssued.event_type: _issued, fb.NotificationRead.event_type: _read,
                **views.FEEDBACK_PROJECTION.handlers, **views.DIALOGUE_PROJECTION.handlers,
                **views.CLARIFICATION_PROJECTION.handlers, **webhook_store.PROJECTION.handlers}),
    tables=("notifications", "feedback", "dialogues", "dialogue_actions", "clarifications", "clarification_messages",
            "webhook_subscriptions"),
)
