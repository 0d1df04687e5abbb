"""``kinerja-feedback``: the feedback service process (HTTP, consumers, relay, reminders, webhooks)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_feedback.adapters.schema import MIGRATIONS
from kinerja_feedback.bootstrap import wire
from kinerja_feedback.config import FeedbackSettings
from kinerja_feedback.entrypoints.http import router
from kinerja_feedback.entrypoints.http_dialogues import router as dialogues_router
from kinerja_feedback.entrypoints.http_feedback import router as feedback_router
from kinerja_feedback.entrypoints.http_webhooks import router as webhooks_router
from kinerja_feedback.entrypoints.limits import BodyLimit
from kinerja_kernel.app import run, service_app


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    settings = settings or FeedbackSettings()
    app = service_app(service="feedback", title="Kinerja — Umpan Balik & Notifikasi", settings=settings, wire=wire,
                      routers=[router, feedback_router, dialogues_router, webhooks_router], migrations=MIGRATIONS)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app


def main() -> None:
    settings = FeedbackSettings()
    run(create_app(settings), settings, "feedback")
