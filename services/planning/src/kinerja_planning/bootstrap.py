"""The one place where the planning service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_kernel.runtime import ConsumerSpec, ServiceRuntime
from kinerja_planning.adapters.repository import plan_repository, roster_repository
from kinerja_planning.application.handlers import PlanningService


def build(runtime: ServiceRuntime) -> PlanningService:
    return PlanningService(plan_repository(runtime.store), roster_repository(runtime.store))


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    app.state.planning = build(runtime)
    return ()
