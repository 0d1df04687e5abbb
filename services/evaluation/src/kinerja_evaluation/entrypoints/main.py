"""``kinerja-evaluation``: the evaluation service process (HTTP, consumers, relay)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_evaluation.bootstrap import wire
from kinerja_evaluation.config import EvaluationSettings
from kinerja_kernel.app import run, service_app


def create_app(settings: EvaluationSettings | None = None) -> FastAPI:
    return service_app(
        service="evaluation", title="Kinerja — Penilaian Kinerja", settings=settings or EvaluationSettings(), wire=wire
    )


def main() -> None:
    settings = EvaluationSettings()
    run(create_app(settings), settings, "evaluation")
