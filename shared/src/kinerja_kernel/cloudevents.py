"""CloudEvents 1.0 Kafka protocol binding, binary content mode, in both directions.

Key: the event's subject (the employee id), so one employee's events keep their order in a topic.
Value: the payload as RFC 8785 canonical JSON. Headers: ``ce_*`` attributes (UTF-8), extension
attribute names lower-case letters and digits only, ``content-type: application/json``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson
from pydantic import ValidationError

from kinerja_kernel.canonical import canonical_json
from kinerja_kernel.envelope import EventEnvelope, format_time
from kinerja_kernel.errors import KinerjaError
from kinerja_kernel.tracing import TRACEPARENT_PATTERN

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"

# envelope field -> CloudEvents extension attribute (lower-case letters and digits, <= 20 chars)
EXTENSIONS: dict[str, str] = {
    "event_version": "eventversion",
    "stream_id": "streamid",
    "stream_version": "streamversion",
    "office_id": "office",
    "actor_id": "actorid",
    "actor_role": "actorrole",
    "recorded_at": "recordedtime",
    "correlation_id": "correlationid",
    "causation_id": "causationid",
    "prev_hash": "prevhash",
    "hash": "hash",
    "traceparent": "traceparent",  # the CloudEvents distributed-tracing extension (not hashed)
}
# The exact text of the headers the hash takes verbatim (docs/events/README.md): a verifier that hashes the
# header text and one that parses and re-formats it agree only on these forms, so ``from_kafka`` refuses any
# other. The published AsyncAPI document states the same patterns.
UUID_LOWER_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"
VERSION_PATTERN = r"^[1-9][0-9]*$"
HASH_HEADER_PATTERN = r"^[0-9a-f]{64}$"
HEADER_PATTERNS: dict[str, str] = {
    "ce_traceparent": TRACEPARENT_PATTERN,
    "ce_id": UUID_LOWER_PATTERN,
    "ce_time": TIME_PATTERN,
    "ce_recordedtime": TIME_PATTERN,
    "ce_eventversion": VERSION_PATTERN,
    "ce_streamversion": VERSION_PATTERN,
    "ce_prevhash": HASH_HEADER_PATTERN,
    "ce_hash": HASH_HEADER_PATTERN,
}
_HEADER_REGEXES = {name: re.compile(pattern) for name, pattern in HEADER_PATTERNS.items()}
_CORE_ATTRIBUTES = {"event_id": "id", "event_type": "type", "occurred_at": "time", "source": "source",
                    "subject": "subject", "payload": "data"}
_INT_FIELDS = {"event_version", "stream_version"}


class MalformedMessage(KinerjaError):
    """A Kafka record that is not a valid Kinerja CloudEvent."""

    kind = "malformed-message"


@dataclass(frozen=True)
class KafkaRecord:
    """What goes onto (or came from) a Kafka topic."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


_CONSTANT_HEADERS = [("ce_specversion", SPEC_VERSION.encode()), ("content-type", CONTENT_TYPE.encode())]
_EXTENSION_HEADERS = [(field_name, f"ce_{attribute}") for field_name, attribute in EXTENSIONS.items()]
_EXTENSION_FIELDS = [(field_name, header, field_name in _INT_FIELDS) for field_name, header in _EXTENSION_HEADERS]
_OUR_HEADERS = ("ce_", "content-type")


def to_kafka(event: EventEnvelope) -> KafkaRecord:
    """Map an envelope to a binary-mode CloudEvents Kafka record."""
    return kafka_record(event.__dict__, canonical_json(event.payload))


class FieldSource(Protocol):
    """Anything indexable by envelope field names: an envelope's ``__dict__`` or a stored row."""

    def __getitem__(self, key: str, /) -> Any: ...


def kafka_record(fields: FieldSource, value: bytes) -> KafkaRecord:
    """The record for an event given as any mapping with the envelope's field names (an envelope's
    fields or a stored row), so the relay need not build an envelope per event; ``value`` is the
    payload's canonical JSON."""
    headers = [
        *_CONSTANT_HEADERS,
        ("ce_id", str(fields["event_id"]).encode()),
        ("ce_source", fields["source"].encode()),
        ("ce_type", fields["event_type"].encode()),
        ("ce_subject", fields["subject"].encode()),
        ("ce_time", format_time(fields["occurred_at"]).encode()),
    ]
    for field_name, header in _EXTENSION_HEADERS:
        member: Any = fields[field_name]
        if member is None:
            continue
        text = format_time(member) if isinstance(member, datetime) else str(member)
        headers.append((header, text.encode("utf-8")))
    return KafkaRecord(key=fields["subject"].encode("utf-8"), value=value, headers=headers)


def from_kafka(value: bytes | None, headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...]) -> EventEnvelope:
    """Map a binary-mode CloudEvents Kafka record back to an envelope, or raise ``MalformedMessage``."""
    try:
        attrs = {name: raw.decode("utf-8") for name, raw in headers if name.startswith(_OUR_HEADERS)}
    except UnicodeDecodeError as exc:
        raise MalformedMessage("kernel.message.header-not-utf8", error=str(exc)) from exc
    if attrs.get("ce_specversion") != SPEC_VERSION:
        raise MalformedMessage("kernel.message.not-cloudevents", field="ce_specversion")
    content_type = attrs.get("content-type", CONTENT_TYPE)
    if content_type.split(";")[0].strip() != CONTENT_TYPE:
        raise MalformedMessage("kernel.message.content-type", field="content-type", content_type=content_type)
    if value is None:
        raise MalformedMessage("kernel.message.no-value", field="data")
    try:
        payload = orjson.loads(value)  # strict JSON: NaN, Infinity and invalid UTF-8 are refused
    except orjson.JSONDecodeError as exc:
        raise MalformedMessage("kernel.message.not-json", field="data", error=str(exc)) from exc
    if not isinstance(payload, dict):
        raise MalformedMessage("kernel.message.not-object", field="data")
    traceparent = attrs.get("ce_traceparent")
    if traceparent is not None and not _HEADER_REGEXES["ce_traceparent"].fullmatch(traceparent):
        del attrs["ce_traceparent"]  # transport metadata: a bad trace context is dropped, never the event
    for header, regex in _HEADER_REGEXES.items():
        text = attrs.get(header)
        if text is not None and not regex.fullmatch(text):
            raise MalformedMessage("kernel.message.bad-attribute", field=header, attribute=header.removeprefix("ce_"),
                                   reason=f"{text!r} does not match {regex.pattern}")
    fields: dict[str, Any] = {
        "event_id": attrs.get("ce_id"),
        "source": attrs.get("ce_source"),
        "event_type": attrs.get("ce_type"),
        "subject": attrs.get("ce_subject"),
        "occurred_at": attrs.get("ce_time"),
        "payload": payload,
    }
    for field_name, header, is_int in _EXTENSION_FIELDS:
        raw = attrs.get(header)
        fields[field_name] = int(raw) if is_int and raw is not None else raw
    try:
        return EventEnvelope.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        attribute = EXTENSIONS.get(name, _CORE_ATTRIBUTES.get(name, name))
        raise MalformedMessage("kernel.message.bad-attribute", field=f"ce_{attribute}", attribute=attribute,
                               reason=str(first["msg"])) from exc


def event_id_of(headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...]) -> uuid.UUID | None:
    """The ``ce_id`` of a record, if it has a readable one (for logging bad messages)."""
    for name, raw in headers:
        if name == "ce_id":
            try:
                return uuid.UUID(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return None
    return None
