"""The audit API every service serves for its own store (read-only; auditors and HR, scoped to their
offices): timeline, a stream's state at a moment, chain verification, store-vs-topic reconciliation and
evidence packs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kinerja_kernel import audit
from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.http import CurrentPrincipal, content_disposition
from kinerja_kernel.rebuild import ReadModels
from kinerja_kernel.runtime import ServiceRuntime


@dataclass(frozen=True)
class AuditSpec:
    """What a service tells the audit tools: its aggregates by stream prefix (for point-in-time state)
    and how its read models are rebuilt."""

    aggregates: Mapping[str, type[Aggregate]] = field(default_factory=dict)
    read_models: ReadModels | None = None


Since = Annotated[datetime | None, Query(description="recorded at or after (ISO 8601)")]
Until = Annotated[datetime | None, Query(description="recorded at or before (ISO 8601)")]


def _scope(by: Principal, *, subject: str | None = None, office_id: str | None = None, unit_id: str | None = None,
           kinds: list[str] | None = None, since: datetime | None = None, until: datetime | None = None) -> audit.Scope:
    by.require_role(Role.AUDITOR, Role.PENGELOLA_KEPEGAWAIAN)
    if office_id is not None:
        by.require_office(office_id)
    return audit.Scope(offices=by.offices, subject=subject, office_id=office_id, unit_id=unit_id,
                       kinds=tuple(kinds or ()), since=since, until=until)


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def audit_router(service: str) -> APIRouter:
    router = APIRouter(prefix="/api/v1/audit", tags=["Audit"])

    @router.get("/timeline")
    async def timeline(request: Request, by: CurrentPrincipal, subject: str | None = None,
                       office_id: str | None = None, unit_id: str | None = None,
                       kind: Annotated[list[str] | None, Query(description="event type or its last part")] = None,
                       since: Since = None, until: Until = None,
                       limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000) -> dict[str, Any]:
        """Who did what, when, in which office, old value, new value, reason — from the events."""
        scope = _scope(by, subject=subject, office_id=office_id, unit_id=unit_id, kinds=kind, since=since,
                       until=until)
        async with _runtime(request).db.connection() as conn:
            entries = await audit.timeline(conn, scope, limit=limit)
        return {"service": service, "count": len(entries), "entries": entries}

    @router.get("/streams/{stream_id}")
    async def stream_state(request: Request, stream_id: str, by: CurrentPrincipal, at: Until = None
                           ) -> dict[str, Any]:
        """The stream's state as it stood at ``at`` (default: now), by folding its events up to then."""
        by.require_role(Role.AUDITOR, Role.PENGELOLA_KEPEGAWAIAN)
        spec: AuditSpec = request.app.state.audit
        async with _runtime(request).db.connection() as conn:
            found = await audit.state_at(conn, stream_id, at, spec.aggregates)
        if found["office_id"] is not None:
            by.require_office(found["office_id"])
        return {"service": service, **found}

    @router.get("/verify")
    async def verify(request: Request, by: CurrentPrincipal, stream_id: str | None = None,
                     office_id: str | None = None, subject: str | None = None) -> dict[str, Any]:
        """Recompute the hash chains of one stream, an office, a subject, or everything in scope."""
        scope = _scope(by, subject=subject, office_id=office_id)
        async with _runtime(request).db.connection() as conn:
            report = await audit.verify(conn, scope, stream_id=stream_id)
        return {"service": service, **report.as_dict()}

    @router.get("/reconcile")
    async def reconcile(request: Request, by: CurrentPrincipal, office_id: str | None = None) -> dict[str, Any]:
        """Compare the store with the service's Kafka topic: same events, same content, same order."""
        scope = _scope(by, office_id=office_id)
        runtime = _runtime(request)
        async with runtime.db.connection() as conn:
            report = await audit.reconcile(conn, runtime.settings.kafka, runtime.topic, scope)
        return {"service": service, **report.as_dict()}

    @router.get("/evidence-pack", response_class=Response,
                responses={200: {"content": {"application/zip": {}}}})
    async def evidence_pack(request: Request, by: CurrentPrincipal, subject: str | None = None,
                            office_id: str | None = None, unit_id: str | None = None, since: Since = None,
                            until: Until = None) -> Response:
        """A zip of the events (JSON lines), their verification and a readable report."""
        scope = _scope(by, subject=subject, office_id=office_id, unit_id=unit_id, since=since, until=until)
        async with _runtime(request).db.connection() as conn:
            body = await audit.evidence_pack(conn, scope, service=service, requested_by=by.user_id)
        name = f"bukti-{service}-{subject or unit_id or office_id or 'semua'}.zip"
        return Response(body, media_type="application/zip",
                        headers={"Content-Disposition": content_disposition(name)})

    return router
