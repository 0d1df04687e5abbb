"""Structured logging: JSON in production, readable in development, with the correlation id in every line
and never a secret (tokens, Authorization headers, passwords, webhook and session secrets)."""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TextIO

import structlog

if TYPE_CHECKING:
    from kinerja_kernel.envelope import EventEnvelope

_correlation_id: ContextVar[str | None] = ContextVar("kinerja_correlation_id", default=None)
_causation_id: ContextVar[str | None] = ContextVar("kinerja_causation_id", default=None)


REDACTED = "[REDACTED]"
# keys whose values are secrets whatever they look like (matched case-insensitively, anywhere in the key)
_SECRET_KEYS = re.compile(r"authori[sz]ation|token|secret|password|passwd|cookie|session|api[_-]?key|credential|"
                          r"signature|private[_-]?key|jwt", re.IGNORECASE)
# values that are secrets wherever they appear: JWTs (three base64url parts, the first a JSON header) and
# bearer credentials (also inside tracebacks and exception messages)
_SECRET_VALUES = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*|"
                            r"(?i:bearer)\s+[A-Za-z0-9._~+/=-]+")


def redact_text(text: str) -> str:
    """``text`` with every JWT and bearer credential replaced by ``[REDACTED]``."""
    return _SECRET_VALUES.sub(REDACTED, text)


def _redact(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if depth > 8:
        return value
    if isinstance(value, Mapping):
        return {k: REDACTED if isinstance(k, str) and _SECRET_KEYS.search(k) else _redact(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v, depth + 1) for v in value]
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", "replace"))
    if isinstance(value, BaseException):
        return redact_text(repr(value))
    return value


def redact_secrets(_: Any, __: str, event_dict: structlog.typing.EventDict) -> structlog.typing.EventDict:
    """structlog processor: no secret reaches a log line, in any mode. Values under a secret-sounding key
    (``authorization``, ``token``, ``password``, ``webhook_secret`` …) are replaced whole; JWTs and
    ``Bearer …`` credentials are cut out of every other string, the rendered traceback included."""
    for key, value in list(event_dict.items()):
        if key == "exc_info":
            continue
        if _SECRET_KEYS.search(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact(value)
    return event_dict


def configure_logging(*, service: str, json: bool, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Configure structlog and the standard library once per process. Tracebacks are rendered plainly
    (no local variables: slow to render and a way for secrets into the log), then redacted."""
    out = stream or sys.stderr
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    # format_exc_info turns exc_info into a plain "exception" string (traceback module: no locals),
    # which redact_secrets then cleans like every other value
    tail: list[structlog.typing.Processor] = [structlog.processors.format_exc_info, redact_secrets, renderer]
    structlog.configure(
        processors=[*shared, *tail],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # standard-library loggers (uvicorn, aiokafka, asyncpg) render through the same processors
    handler = logging.StreamHandler(out)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "faststream", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


MAX_CORRELATION_ID = 64  # EventEnvelope.correlation_id's max_length


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
    """Bind a correlation id (and causation id) for the duration of a request or message. A caller's id that
    cannot be an event's ``correlation_id`` (1-64 printable ASCII characters, docs/events/README.md) is
    replaced by a new one rather than failing the request when an event is recorded."""
    cid = value if value and len(value) <= MAX_CORRELATION_ID and value.isascii() and value.isprintable() \
        else str(uuid.uuid4())
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
