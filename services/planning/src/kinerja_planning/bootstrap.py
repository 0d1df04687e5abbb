"""The one place where the planning service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_kernel.blobs import blob_store
from kinerja_kernel.documents.desk import DocumentDesk
from kinerja_kernel.documents.inclusion import keys_of
from kinerja_kernel.documents.ranks import CAREER_HANDLERS, CAREER_TOPIC
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.runtime import BatchConsumerSpec, ConsumerSpec, ServiceRuntime
from kinerja_planning.adapters.read_models import EVALUATION_HANDLERS
from kinerja_planning.adapters.repository import plan_repository, realisation_repository, roster_repository
from kinerja_planning.application.documents import SkpDocuments, zone_reader
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.application.realisation import RealisationService
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.kafka import interactions_consumer


def build(runtime: ServiceRuntime) -> tuple[PlanningService, RealisationService]:
    plans = plan_repository(runtime.store)
    settings = runtime.settings
    realisations = realisation_repository(
        runtime.store, group_commit=settings.group_commit if isinstance(settings, PlanningSettings) else True)
    today = settings.today if isinstance(settings, PlanningSettings) else None
    planning = PlanningService(plans, roster_repository(runtime.store), today=today)
    realisation = RealisationService(plans, realisations, blob_store(settings),
                                     max_file_bytes=settings.max_evidence_bytes, today=today, acting=planning.acting)
    return planning, realisation


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec | BatchConsumerSpec]:
    app.state.planning, app.state.realisation = build(runtime)
    app.state.roster_admin = app.state.planning.acting
    desk = DocumentDesk(runtime.store, blob_store(runtime.settings), service="planning", db=runtime.db,
                        keys=keys_of(runtime))
    app.state.skp_documents = SkpDocuments(runtime.store, desk, zone_of=zone_reader(runtime.db), db=runtime.db)
    settings = runtime.settings
    assert isinstance(settings, PlanningSettings)
    return [interactions_consumer(app.state.realisation),
            ConsumerSpec(name=settings.consumer_group, topics=[events_topic("evaluation"), CAREER_TOPIC],
                         handlers={**EVALUATION_HANDLERS, **CAREER_HANDLERS})]
