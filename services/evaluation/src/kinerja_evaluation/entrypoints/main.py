"""``kinerja-evaluation``: the evaluation service process (HTTP, planning-events consumer, relay)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_evaluation.adapters import feedback_context, planning_facts
from kinerja_evaluation.adapters.read_models import MIGRATIONS, PROJECTION
from kinerja_evaluation.application.commands import Clock
from kinerja_evaluation.bootstrap import wire
from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.domain.appraisal import Appraisal
from kinerja_evaluation.domain.office import Office, UnitPredicate
from kinerja_evaluation.entrypoints.http import router
from kinerja_evaluation.entrypoints.http_dashboard import router as dashboard_router
from kinerja_evaluation.entrypoints.http_documents import router as documents_router
from kinerja_kernel.app import run, service_app
from kinerja_kernel.audit_http import AuditSpec
from kinerja_kernel.documents.ranks import CAREER_HANDLERS, CAREER_TOPIC, RANK_MIGRATIONS
from kinerja_kernel.documents.record import OfficialDocument
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.rebuild import ReadModels

READ_MODELS = ReadModels("evaluation", [*planning_facts.MIGRATIONS, *feedback_context.MIGRATIONS, *MIGRATIONS,
                                        *RANK_MIGRATIONS],
                         PROJECTION, foreign={events_topic("planning"): planning_facts.HANDLERS,
                                              events_topic("feedback"): feedback_context.HANDLERS,
                                              CAREER_TOPIC: CAREER_HANDLERS})
AUDIT = AuditSpec(aggregates={"penilaian": Appraisal, "kantor": Office, "predikat-organisasi": UnitPredicate,
                              "dokumen": OfficialDocument},
                  read_models=READ_MODELS)


def create_app(settings: EvaluationSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """``clock`` replaces the wall clock (tests of windows and deadlines)."""
    app = service_app(service="evaluation", title="Kinerja — Penilaian Kinerja",
                      settings=settings or EvaluationSettings(), wire=wire,
                      routers=[router, dashboard_router, documents_router],
                      migrations=READ_MODELS.migrations, audit=AUDIT)
    app.state.clock = clock
    return app


def main() -> None:
    settings = EvaluationSettings()
    run(create_app(settings), settings, "evaluation")
