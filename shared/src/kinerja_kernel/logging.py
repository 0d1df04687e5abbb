"""Structured logging: JSON in production, readable in development, with the correlation id in every line."""

from __future__ import annotations

import contextlib
import logging
import sys
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from kinerja_kernel.envelope import EventEnvelope

_correlation_id: ContextVar[str | None] = ContextVar("kinerja_correlation_id", default=None)
_causation_id: ContextVar[str | None] = ContextVar("kinerja_causation_id", default=None)


def configure_logging(*, service: str, json: bool, level: str = "INFO") -> None:
    """Configure structlog and the standard library once per process."""
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer] if json else [*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # standard-library loggers (uvicorn, aiokafka, asyncpg) render through the same processors
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *([structlog.processors.format_exc_info] if json else []), renderer],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "faststream", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def correlation_id() -> str:
    """The correlation id of the current request or message (a new one if there is none)."""
    current = _correlation_id.get()
    if current is None:
        current = str(uuid.uuid4())
        _correlation_id.set(current)
        structlog.contextvars.bind_contextvars(correlation_id=current)
    return current


def causation_id() -> str | None:
    """The id of the event being handled, if any: the cause of whatever is decided now."""
    return _causation_id.get()


@contextlib.contextmanager
def bind_correlation(value: str | None, causation: str | None = None) -> Iterator[str]:
    """Bind a correlation id (and causation id) for the duration of a request or message."""
    cid = value or str(uuid.uuid4())
    token_c = _correlation_id.set(cid)
    token_k = _causation_id.set(causation)
    with structlog.contextvars.bound_contextvars(correlation_id=cid, causation_id=causation):
        try:
            yield cid
        finally:
            _correlation_id.reset(token_c)
            _causation_id.reset(token_k)


@contextlib.contextmanager
def bind_event_context(envelope: EventEnvelope) -> Iterator[str]:
    """While handling an event: its correlation id continues, and it becomes the causation id."""
    with bind_correlation(envelope.correlation_id, str(envelope.event_id)) as cid:
        yield cid
