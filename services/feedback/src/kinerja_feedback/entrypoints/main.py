"""``kinerja-feedback``: the feedback service process (HTTP, consumers, relay, reminders, webhooks)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_feedback.adapters.rebuild import READ_MODELS
from kinerja_feedback.adapters.schema import MIGRATIONS
from kinerja_feedback.bootstrap import wire
from kinerja_feedback.config import FeedbackSettings
from kinerja_feedback.domain.clarification import Clarification
from kinerja_feedback.domain.dialogue import Dialogue
from kinerja_feedback.domain.feedback import Feedback
from kinerja_feedback.domain.notifications import Notification
from kinerja_feedback.domain.reminders import Reminder
from kinerja_feedback.domain.settings import OfficeFeedbackSettings
from kinerja_feedback.domain.webhooks import WebhookSubscription
from kinerja_feedback.entrypoints.http import router
from kinerja_feedback.entrypoints.http_dashboard import router as dashboard_router
from kinerja_feedback.entrypoints.http_dialogues import router as dialogues_router
from kinerja_feedback.entrypoints.http_feedback import router as feedback_router
from kinerja_feedback.entrypoints.http_webhooks import router as webhooks_router
from kinerja_kernel.app import run, service_app
from kinerja_kernel.audit_http import AuditSpec

AUDIT = AuditSpec(aggregates={
    "notification": Notification, "umpan-balik": Feedback, "pengaturan-umpan-balik": OfficeFeedbackSettings,
    "dialog": Dialogue, "klarifikasi": Clarification, "pengingat": Reminder, "webhook": WebhookSubscription,
}, read_models=READ_MODELS)


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    settings = settings or FeedbackSettings()
    return service_app(service="feedback", title="Kinerja — Umpan Balik & Notifikasi", settings=settings, wire=wire,
                       routers=[router, feedback_router, dialogues_router, webhooks_router, dashboard_router],
                       migrations=MIGRATIONS, audit=AUDIT)


def main() -> None:
    settings = FeedbackSettings()
    run(create_app(settings), settings, "feedback")
