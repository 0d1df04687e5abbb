"""The one place where the evaluation service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_evaluation.adapters.facts import PostgresFacts
from kinerja_evaluation.adapters.read_models import PROJECTION
from kinerja_evaluation.application.commands import AppraisalCommands, Clock
from kinerja_evaluation.application.documents import EvaluationDocuments
from kinerja_evaluation.application.planning_policy import consumer_handlers
from kinerja_evaluation.application.queries import AppraisalQueries
from kinerja_evaluation.application.service import Evaluation
from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.domain.appraisal import Appraisal
from kinerja_evaluation.domain.office import Office, UnitPredicate
from kinerja_kernel.blobs import blob_store
from kinerja_kernel.documents.desk import DocumentDesk
from kinerja_kernel.documents.inclusion import keys_of
from kinerja_kernel.documents.ranks import CAREER_HANDLERS, CAREER_TOPIC
from kinerja_kernel.envelope import utcnow
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.runtime import ConsumerSpec, ServiceRuntime


def build(runtime: ServiceRuntime, clock: Clock = utcnow) -> Evaluation:
    store, facts = runtime.store, PostgresFacts(runtime.db)
    appraisals = EventSourcedRepository(store, Appraisal, prefix="penilaian", projection=PROJECTION)
    return Evaluation(
        commands=AppraisalCommands(
            appraisals, EventSourcedRepository(store, Office, prefix="kantor", projection=PROJECTION),
            EventSourcedRepository(store, UnitPredicate, prefix="predikat-organisasi", projection=PROJECTION),
            facts, clock=clock),
        queries=AppraisalQueries(runtime.db, appraisals, facts, clock),
    )


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    service = build(runtime, getattr(app.state, "clock", None) or utcnow)
    app.state.evaluation = service
    desk = DocumentDesk(runtime.store, blob_store(runtime.settings), service="evaluation", db=runtime.db,
                        keys=keys_of(runtime))
    app.state.evaluation_documents = EvaluationDocuments(runtime.store, desk, runtime.db)
    settings = runtime.settings
    assert isinstance(settings, EvaluationSettings)
    return [ConsumerSpec(name=settings.consumer_group,
                         topics=[events_topic("planning"), events_topic("feedback"), CAREER_TOPIC],
                         handlers={**consumer_handlers(service.commands), **CAREER_HANDLERS})]
