"""``kinerja-evaluation``: the evaluation service process (HTTP, planning-events consumer, relay)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_evaluation.adapters.planning_facts import MIGRATIONS as FACT_MIGRATIONS
from kinerja_evaluation.adapters.read_models import MIGRATIONS
from kinerja_evaluation.application.appraisals import Clock
from kinerja_evaluation.bootstrap import wire
from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.entrypoints.http import router
from kinerja_kernel.app import run, service_app


def create_app(settings: EvaluationSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """``clock`` replaces the wall clock (tests of windows and deadlines)."""
    app = service_app(service="evaluation", title="Kinerja — Penilaian Kinerja",
                      settings=settings or EvaluationSettings(), wire=wire, routers=[router],
                      migrations=[*FACT_MIGRATIONS, *MIGRATIONS])
    app.state.clock = clock
    return app


def main() -> None:
    settings = EvaluationSettings()
    run(create_app(settings), settings, "evaluation")
