"""``kinerja-career``: the career service process (HTTP, consumers, relay)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_career.adapters.read_models import MIGRATIONS, PROJECTION
from kinerja_career.bootstrap import wire
from kinerja_career.config import CareerSettings
from kinerja_career.domain.career import CareerRecord
from kinerja_career.domain.catalog import TrainingCatalog
from kinerja_career.domain.development_plan import DevelopmentPlan
from kinerja_career.entrypoints.http import router
from kinerja_kernel.app import run, service_app
from kinerja_kernel.audit_http import AuditSpec
from kinerja_kernel.rebuild import ReadModels

AUDIT = AuditSpec(aggregates={"karier": CareerRecord, "katalog": TrainingCatalog, "idp": DevelopmentPlan},
                  read_models=ReadModels("career", MIGRATIONS, PROJECTION))


def create_app(settings: CareerSettings | None = None) -> FastAPI:
    return service_app(
        service="career", title="Kinerja — Pengembangan Karier", settings=settings or CareerSettings(), wire=wire,
        routers=[router], migrations=MIGRATIONS, audit=AUDIT, bulk_routes=["/api/v1/offices/{office_id}/ranks/import"],
    )


def main() -> None:
    settings = CareerSettings()
    run(create_app(settings), settings, "career")
