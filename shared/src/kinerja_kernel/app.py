"""One shape for every service process: FastAPI routes plus the runtime, started in the lifespan."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from starlette.responses import JSONResponse, Response

from kinerja_kernel.audit_http import AuditSpec, audit_router
from kinerja_kernel.auth import TokenVerifier
from kinerja_kernel.catalog import catalog_router
from kinerja_kernel.db import Migration
from kinerja_kernel.edge import RequestGuard
from kinerja_kernel.http import install_http_edge
from kinerja_kernel.logging import configure_logging
from kinerja_kernel.metrics import install_http_metrics, metrics_response, read_runtime
from kinerja_kernel.openapi import install_problem_docs
from kinerja_kernel.runtime import BatchConsumerSpec, ConsumerSpec, ServiceRuntime
from kinerja_kernel.settings import ServiceSettings
from kinerja_kernel.tracing import configure_tracing, shutdown_tracing
from kinerja_kernel.transparency.http import transparency_router

Wire = Callable[[FastAPI, ServiceRuntime], Awaitable[Sequence[ConsumerSpec | BatchConsumerSpec]]]


def service_app(
    *, service: str, title: str, settings: ServiceSettings, wire: Wire, routers: Sequence[APIRouter] = (),
    migrations: Sequence[Migration] = (), audit: AuditSpec | None = None, bulk_routes: Sequence[str] = (),
    route_limits: Mapping[str, int] | None = None,
) -> FastAPI:
    """Build a service's FastAPI app. ``wire`` is the service's bootstrap: it builds the use cases on
    the started runtime, stores them on ``app.state``, and returns the consumers to start. Every service
    also serves the audit API for its own store (``audit`` names its aggregates and read models).
    Request bodies are limited to ``settings.max_body_bytes``; the routes named in ``bulk_routes``
    (paths as declared, e.g. ``/api/v1/plans/{plan_id}/realisation/import``) to ``max_bulk_body_bytes``, and a
    route named in ``route_limits`` (e.g. a file upload) to its own limit."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = ServiceRuntime(service=service, settings=settings, migrations=migrations)
        await runtime.start()
        app.state.runtime = runtime
        try:
            await runtime.start_consumers(await wire(app, runtime))
            gc.freeze()  # start-up objects live forever: keep them out of every full collection
            yield
        finally:
            await runtime.stop()
            shutdown_tracing()

    app = FastAPI(title=title, version="0.1.0", lifespan=lifespan)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes,
                       route_limits={**dict.fromkeys(bulk_routes, settings.max_bulk_body_bytes),
                                     **(route_limits or {})})
    install_http_edge(app)  # after the guard: its correlation id and request log wrap the guard's refusals
    install_http_metrics(app, service)
    configure_tracing(service, settings.otlp_endpoint)  # FastAPI's own telemetry then makes the server spans
    install_problem_docs(app)
    app.state.settings = settings
    app.state.audit = audit or AuditSpec()
    app.state.token_verifier = TokenVerifier(
        secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
        public_key=settings.jwt_public_key, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
        max_lifetime=timedelta(seconds=settings.jwt_max_lifetime_seconds),
    )

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, Any]:
        runtime: ServiceRuntime | None = getattr(app.state, "runtime", None)
        relay = runtime.relay if runtime else None
        tlog = runtime.transparency if runtime else None
        halted = runtime.halted_consumers if runtime else {}
        return {
            "status": ("degraded" if halted else "ok") if runtime is not None else "starting",
            "service": service,
            "relay": {"leader": relay.is_leader, "published": relay.published} if relay else None,
            "halted_consumers": halted,
            "consumers": runtime.consumer_assignments() if runtime else {},
            "transparency": {"leader": tlog.is_leader, "size": tlog.size, "checkpoint_size": tlog.checkpoint_size,
                             "witness_refusals": tlog.witness_refusals} if tlog else None,
        }

    @app.get("/health/ready", tags=["ops"], responses={503: {"description": "not ready, with the reasons"}})
    async def ready() -> JSONResponse:
        """Readiness (the balancer sends traffic only when 200): started, the relay leading or standing by
        (it holds a database connection), every consumer started."""
        runtime: ServiceRuntime | None = getattr(app.state, "runtime", None)
        reasons = runtime.not_ready() if runtime is not None else ["starting"]
        return JSONResponse({"ready": not reasons, "reasons": reasons}, status_code=503 if reasons else 200)

    @app.get("/health/live", tags=["ops"], responses={503: {"description": "background work ended"}})
    async def live() -> JSONResponse:
        """Liveness (restart when failing): the event loop answers and no background task (relay, consumers'
        workers, the transparency log) ended before shutdown."""
        runtime: ServiceRuntime | None = getattr(app.state, "runtime", None)
        reasons = runtime.not_alive() if runtime is not None else []
        return JSONResponse({"alive": not reasons, "reasons": reasons}, status_code=503 if reasons else 200)

    @app.get("/metrics", tags=["ops"], response_class=Response,
             responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}})
    async def metrics() -> Response:
        """Prometheus metrics (no personal data: counts, latencies, lags)."""
        runtime: ServiceRuntime | None = getattr(app.state, "runtime", None)
        if runtime is not None:
            await read_runtime(runtime)
        return metrics_response()

    for router in (*routers, audit_router(service), transparency_router(service), catalog_router()):
        app.include_router(router)
    return app


def run(app: FastAPI, settings: ServiceSettings, service: str) -> None:
    """Serve the app with uvicorn (one process: HTTP, relay and consumers)."""
    configure_logging(service=service, json=settings.json_logs, level=settings.log_level)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)
