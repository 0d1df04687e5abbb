"""Traces across services with OpenTelemetry: HTTP request → event store → relay → Kafka → consumer.

HTTP server spans come from FastAPI's built-in telemetry (it continues a caller's ``traceparent``) once a
tracer provider is configured here. The W3C trace context of the request (or consumed event) that records
an event is stored with it and
travels in the CloudEvents distributed-tracing extension (Kafka header ``ce_traceparent``); the relay's
publish span and the consumer's span are its children, and what a consumer records carries the consumer's
context on to the next service. The trace context is transport metadata: it is not part of the event's
hash (docs/events/README.md).

Off by default: nothing is exported unless ``otlp_endpoint`` is set (an OTLP/HTTP collector, e.g.
``http://otel-collector:4318``); without it the API's no-op tracer costs next to nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Final, Protocol

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT_PATTERN: Final = r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
_TRACEPARENT: Final = re.compile(TRACEPARENT_PATTERN)
_PROPAGATOR: Final = TraceContextTextMapPropagator()
tracer: Final = trace.get_tracer("kinerja")
_configured: list[str] = []


class EventEnvelopeLike(Protocol):
    @property
    def event_type(self) -> str: ...
    @property
    def event_id(self) -> uuid.UUID: ...
    @property
    def traceparent(self) -> str | None: ...


def configure_tracing(service: str, endpoint: str | None) -> bool:
    """Export this process's spans to an OTLP/HTTP collector when ``endpoint`` is given (once per process;
    the service name becomes the resource's ``service.name``, ``kinerja-<service>``)."""
    if not endpoint or _configured:
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"kinerja-{service}"}))
    provider.add_span_processor(BatchSpanProcessor(
        OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces"), schedule_delay_millis=500))
    trace.set_tracer_provider(provider)
    _configured.append(service)
    return True


def enabled() -> bool:
    """Whether this process exports spans (hot paths skip making spans otherwise)."""
    return bool(_configured)


def shutdown_tracing() -> None:
    """Flush what is buffered (at process stop)."""
    provider = trace.get_tracer_provider()
    shutdown = getattr(provider, "shutdown", None)
    if callable(shutdown):
        shutdown()


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the active span, or ``None`` when no span is recording."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    value = carrier.get("traceparent")
    return value if value and _TRACEPARENT.match(value) else None


def context_of(traceparent: str | None) -> Context | None:
    """The parent context a ``traceparent`` names (``None`` for none or a malformed one)."""
    if not traceparent or not _TRACEPARENT.match(traceparent):
        return None
    return _PROPAGATOR.extract({"traceparent": traceparent})


@contextmanager
def span(name: str, *, kind: SpanKind = SpanKind.INTERNAL, parent: str | None = None,
         attributes: dict[str, str | int] | None = None) -> Iterator[Span]:
    """A span, child of ``parent`` (a traceparent) when given, else of the active span."""
    with tracer.start_as_current_span(name, context=context_of(parent), kind=kind,
                                      attributes=attributes or {}) as current:
        yield current


def consumer_span(envelope: EventEnvelopeLike, consumer: str) -> AbstractContextManager[object]:
    """The span of consuming one event, child of the context it was recorded in (nothing when off)."""
    if not enabled():
        return nullcontext()
    return span(f"consume {envelope.event_type}", kind=SpanKind.CONSUMER, parent=envelope.traceparent,
                attributes={"messaging.system": "kafka", "messaging.consumer.group.name": consumer,
                            "cloudevents.event_id": str(envelope.event_id)})
