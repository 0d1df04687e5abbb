"""Prometheus metrics of a service process (``GET /metrics``, text exposition format).

- ``kinerja_http_request_duration_seconds{service,method,route,status}``: a histogram per route *template*
  (``/api/v1/plans/{plan_id}``), so ids never become labels.
- Read when scraped, from the process and its database: relay lag (``kinerja_relay_unpublished_events``,
  ``kinerja_relay_oldest_unpublished_age_seconds``), whether this instance leads the relay, events
  published, consumer lag per partition (``kinerja_consumer_lag_records``), halted consumers, dead
  letters, the connection pool, and whatever the service adds with ``add_probe`` (feedback: the webhook
  queue and parked deliveries; the transparency log: the checkpoint's age).

Metric objects are module-level (one registry per process); the ``service`` label tells processes apart
when several apps share one (tests). A service adds its own figures with ``declare_gauge`` and a probe
appended to ``runtime.metric_probes``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

import structlog
from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from kinerja_kernel.runtime import ServiceRuntime

log = structlog.get_logger(__name__)

Probe = Callable[[], Awaitable[dict[str, float]]]
"""A service's own figures, read at each scrape: ``{"kinerja_webhook_queue_deliveries": 3, ...}``; each
name must be declared with ``declare_gauge`` first."""

HTTP_SECONDS: Final = Histogram(
    "kinerja_http_request_duration_seconds", "HTTP request latency by route template",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0))
HTTP_REQUESTS: Final = Counter("kinerja_http_requests", "HTTP requests by route template and status",
                               ["service", "method", "route", "status"])
RELAY_UNPUBLISHED: Final = Gauge("kinerja_relay_unpublished_events",
                                 "events committed to the store but not yet published to Kafka", ["service"])
RELAY_OLDEST_AGE: Final = Gauge("kinerja_relay_oldest_unpublished_age_seconds",
                                "age of the oldest event not yet published (0 when none)", ["service"])
RELAY_LEADER: Final = Gauge("kinerja_relay_leader", "1 when this instance leads its service's relay", ["service"])
RELAY_PUBLISHED: Final = Gauge("kinerja_relay_published_events",
                               "events this instance has published since it started", ["service"])
CONSUMER_LAG: Final = Gauge("kinerja_consumer_lag_records", "records behind the partition's end",
                            ["service", "consumer", "topic", "partition"])
CONSUMER_HALTED: Final = Gauge("kinerja_consumer_halted", "1 when a consumer stopped on a handler bug",
                               ["service", "consumer"])
DEAD_LETTERS: Final = Gauge("kinerja_dead_letters", "dead-lettered messages kept, by consumer",
                            ["service", "consumer"])
POOL_SIZE: Final = Gauge("kinerja_db_pool_connections", "database pool connections by state",
                         ["service", "state"])
SCRAPE_ERRORS: Final = Counter("kinerja_metrics_scrape_errors", "scrapes that could not read a figure",
                               ["service", "figure"])
_GAUGES: dict[str, Gauge] = {}
_LAG_LABELS: dict[str, set[tuple[str, str, str, str]]] = {}


def declare_gauge(name: str, documentation: str) -> Gauge:
    """A per-service gauge a probe sets (labelled by ``service``); declared once per process."""
    if name not in _GAUGES:
        _GAUGES[name] = Gauge(name, documentation, ["service"])
    return _GAUGES[name]


def install_http_metrics(app: FastAPI, service: str) -> None:
    """Time every request by its route template (requests that match no route count as ``unmatched``)."""
    app.add_middleware(TimingMiddleware, service=service)


class TimingMiddleware:
    """``kinerja_http_request_duration_seconds`` and ``kinerja_http_requests`` per route template and status
    (plain ASGI: ``BaseHTTPMiddleware`` costs an extra task and stream per request)."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = "500"

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")  # the router sets it on the shared scope
            if route != "/metrics":
                labels = (self.service, scope["method"], route, status)
                HTTP_SECONDS.labels(*labels).observe(time.perf_counter() - started)
                HTTP_REQUESTS.labels(*labels).inc()


def metrics_response() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def read_runtime(runtime: ServiceRuntime) -> None:
    """Set the gauges read from the runtime and its database (each figure on its own: one that fails is
    counted in ``kinerja_metrics_scrape_errors`` and the others are still reported)."""
    service = runtime.service
    relay = runtime.relay
    RELAY_LEADER.labels(service).set(1 if relay is not None and relay.is_leader else 0)
    RELAY_PUBLISHED.labels(service).set(relay.published if relay is not None else 0)
    for name, reason in runtime.consumer_states().items():
        CONSUMER_HALTED.labels(service, name).set(1 if reason else 0)
    with _figure(service, "consumer_lag"):
        now: set[tuple[str, str, str, str]] = set()
        for (consumer, topic, partition), lag in (await runtime.consumer_lag()).items():
            labels = (service, consumer, topic, str(partition))
            CONSUMER_LAG.labels(*labels).set(lag)
            now.add(labels)
        for gone in _LAG_LABELS.get(service, set()) - now:  # a partition moved to another replica: not ours now
            CONSUMER_LAG.remove(*gone)
        _LAG_LABELS[service] = now
    pool: Any = runtime.db.pool
    POOL_SIZE.labels(service, "open").set(pool.get_size())
    POOL_SIZE.labels(service, "idle").set(pool.get_idle_size())
    POOL_SIZE.labels(service, "max").set(pool.get_max_size())
    async with contextlib.AsyncExitStack() as stack:
        with _figure(service, "database"):
            conn = await stack.enter_async_context(runtime.db.connection())
            if relay is not None:
                row = await conn.fetchrow(UNPUBLISHED_SQL, relay.name)
                if row is not None:
                    RELAY_UNPUBLISHED.labels(service).set(row["n"])
                    RELAY_OLDEST_AGE.labels(service).set(float(row["age"]))
            for r in await conn.fetch("SELECT consumer, count(*) AS n FROM dead_letters GROUP BY consumer"):
                DEAD_LETTERS.labels(service, r["consumer"]).set(r["n"])
    for probe in runtime.metric_probes:
        with _figure(service, getattr(probe, "__name__", "probe")):
            for name, value in (await probe()).items():
                _GAUGES[name].labels(service).set(value)


# Past the relay's checkpoint in commit order, as the relay reads (not by position alone: a transaction
# with an older id can hold higher positions than the checkpoint's row, and those events are published)
UNPUBLISHED_SQL = """
SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(e.recorded_at)), 0) AS age
FROM events e
WHERE (e.tx_id, e.position) > coalesce((SELECT (tx_id::text::xid8, position) FROM relay_checkpoints
                                        WHERE name = $1), ('0'::xid8, 0::bigint))
"""


@contextlib.contextmanager
def _figure(service: str, figure: str) -> Any:
    try:
        yield
    except Exception as exc:  # a scrape never fails: the figure is missing and counted
        SCRAPE_ERRORS.labels(service, figure).inc()
        log.warning("metrics.figure_failed", figure=figure, error=repr(exc))
