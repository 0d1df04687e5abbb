"""The one place where the planning service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_kernel.kafka import events_topic
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.runtime import BatchConsumerSpec, ConsumerSpec, ServiceRuntime
from kinerja_planning.adapters.read_models import EVALUATION_HANDLERS
from kinerja_planning.adapters.repository import plan_repository, roster_repository
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.application.realisation import RealisationService
from kinerja_planning.config import PlanningSettings
from kinerja_planning.domain.realisation import Realisation
from kinerja_planning.entrypoints.kafka import interactions_consumer


def build(runtime: ServiceRuntime) -> tuple[PlanningService, RealisationService]:
    plans = plan_repository(runtime.store)
    realisations = EventSourcedRepository(runtime.store, Realisation, prefix="realisasi")
    return PlanningService(plans, roster_repository(runtime.store)), RealisationService(plans, realisations)


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec | BatchConsumerSpec]:
    app.state.planning, app.state.realisation = build(runtime)
    settings = runtime.settings
    assert isinstance(settings, PlanningSettings)
    return [interactions_consumer(app.state.realisation),
    app.state.roster_admin = app.state.planning.acting
            ConsumerSpec(name=settings.consumer_group, topics=[events_topic("evaluation")],
                         handlers=EVALUATION_HANDLERS)]
