"""``kinerja-planning``: the planning service process (HTTP, relay)."""

from __future__ import annotations

from fastapi import FastAPI

import kinerja_kernel.contracts  # noqa: F401 - registers the published event types
from kinerja_kernel.app import run, service_app
from kinerja_kernel.audit_http import AuditSpec
from kinerja_kernel.documents.record import OfficialDocument
from kinerja_planning.adapters.read_models import MIGRATIONS, READ_MODELS
from kinerja_planning.bootstrap import wire
from kinerja_planning.config import PlanningSettings
from kinerja_planning.domain.acting import ActingAppointment
from kinerja_planning.domain.plan import PerformancePlan
from kinerja_planning.domain.realisation import Realisation
from kinerja_planning.domain.roster import RosterEntry
from kinerja_planning.entrypoints.http import router
from kinerja_planning.entrypoints.http_dashboard import router as dashboard_router
from kinerja_planning.entrypoints.http_documents import router as documents_router
from kinerja_planning.entrypoints.http_evidence import MULTIPART_ALLOWANCE, UPLOAD_ROUTE
from kinerja_planning.entrypoints.http_evidence import router as evidence_router
from kinerja_planning.entrypoints.http_realisation import router as realisation_router
from kinerja_planning.entrypoints.http_roster import router as roster_router

AUDIT = AuditSpec(aggregates={"skp": PerformancePlan, "pegawai": RosterEntry, "realisasi": Realisation,
                              "plt": ActingAppointment, "dokumen": OfficialDocument},
                  read_models=READ_MODELS)

# thousands of entries, interactions or roster rows at once: max_bulk_body_bytes
BULK_ROUTES = ("/api/v1/plans/{plan_id}/realisation", "/api/v1/plans/{plan_id}/realisation/import",
               "/api/v1/interactions", "/api/v1/offices/{office_id}/roster/import")


def create_app(settings: PlanningSettings | None = None) -> FastAPI:
    settings = settings or PlanningSettings()
    return service_app(service="planning", title="Kinerja — Perencanaan (SKP)",
                       settings=settings, wire=wire,
                       routers=[router, realisation_router, roster_router, evidence_router, dashboard_router,
                                documents_router],
                       migrations=MIGRATIONS, audit=AUDIT, bulk_routes=BULK_ROUTES,
                       route_limits={UPLOAD_ROUTE: settings.max_evidence_bytes + MULTIPART_ALLOWANCE})


def main() -> None:
    settings = PlanningSettings()
    run(create_app(settings), settings, "planning")
