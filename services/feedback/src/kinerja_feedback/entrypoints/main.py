"""``kinerja-feedback``: the feedback service process (HTTP, consumers, relay)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_feedback.adapters.inbox_view import MIGRATIONS
from kinerja_feedback.bootstrap import wire
from kinerja_feedback.config import FeedbackSettings
from kinerja_feedback.entrypoints.http import router
from kinerja_kernel.app import run, service_app


def create_app(settings: FeedbackSettings | None = None) -> FastAPI:
    return service_app(service="feedback", title="Kinerja — Umpan Balik & Notifikasi",
                       settings=settings or FeedbackSettings(), wire=wire, routers=[router], migrations=MIGRATIONS)


def main() -> None:
    settings = FeedbackSettings()
    run(create_app(settings), settings, "feedback")
