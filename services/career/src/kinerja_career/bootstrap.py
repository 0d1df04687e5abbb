"""The one place where the career service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_career.adapters.repository import career_repository, catalog_repository, plan_repository
from kinerja_career.application.career import CareerService
from kinerja_career.application.development import DevelopmentService
from kinerja_career.config import CareerSettings
from kinerja_kernel.contracts.evaluation import AppraisalCorrected, AppraisalFinalised
from kinerja_kernel.contracts.planning import EmployeeRegistered
from kinerja_kernel.runtime import ConsumerSpec, ServiceRuntime


def build(runtime: ServiceRuntime) -> tuple[CareerService, DevelopmentService]:
    catalogs = catalog_repository(runtime.store)
    return (CareerService(career_repository(runtime.store), catalogs, db=runtime.db),
            DevelopmentService(catalogs, plan_repository(runtime.store), db=runtime.db))


def consumers(career: CareerService, settings: CareerSettings) -> list[ConsumerSpec]:
    """One consumer group over evaluation's and planning's topics (one employee's events stay in order:
    both topics are keyed by NIP, and a record is handled once, in the same transaction as its effect)."""
    return [ConsumerSpec(
        name=settings.consumer_group,
        topics=[settings.evaluation_topic, settings.planning_topic],
        handlers={
            AppraisalFinalised.event_type: career.on_appraisal_finalised,
            AppraisalCorrected.event_type: career.on_appraisal_corrected,
            EmployeeRegistered.event_type: career.on_employee_registered,
        },
    )]


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    app.state.career, app.state.development = build(runtime)
    settings = runtime.settings
    assert isinstance(settings, CareerSettings)
    return consumers(app.state.career, settings)
