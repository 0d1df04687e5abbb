"""The event envelope: one recorded fact with who, when, where, its causal links and its hash.

The hash chain (per stream) is defined here and in the README ("Events on the wire"):

    content = the envelope as JSON without the ``hash`` member (times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``)
    hash    = hex(sha256(ascii(prev_hash) || JCS(content)))

The first event of a stream has ``prev_hash`` = 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from kinerja_kernel.canonical import canonical_json, canonical_text
from kinerja_kernel.tracing import TRACEPARENT_PATTERN, current_traceparent

GENESIS_HASH = "0" * 64
HASH_PATTERN = r"^[0-9a-f]{64}$"
EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9]*\.[A-Z][A-Za-z0-9]*$"


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


def utcnow() -> datetime:
    """The current instant in UTC (the only clock the kernel reads)."""
    return datetime.now(UTC)


def format_time(value: datetime) -> str:
    """The one textual form of an instant in hashes and on the wire: UTC, microseconds, ``Z``."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    if value.year >= 1000:  # isoformat is the same text (strftime does not pad years below 1000), 3x faster
        return value.isoformat(timespec="microseconds")[:26] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Actor(BaseModel):
    """Who did it: a user id (NIP for people, a service name for machines) and the role they acted in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    role: str = Field(min_length=1, max_length=40)


class PendingEvent(BaseModel):
    """An event decided by an aggregate and wrapped with its metadata, before the store seals it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str = Field(pattern=EVENT_TYPE_PATTERN)
    event_version: int = Field(ge=1)
    subject: str = Field(min_length=1, max_length=64)
    office_id: str = Field(min_length=1, max_length=64)
    actor: Actor
    occurred_at: UtcDatetime = Field(default_factory=utcnow)
    correlation_id: str = Field(min_length=1, max_length=64)
    causation_id: str | None = Field(default=None, max_length=64)
    payload: dict[str, Any]


class EventEnvelope(BaseModel):
    """A sealed event as stored and published."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID
    event_type: str = Field(pattern=EVENT_TYPE_PATTERN)
    event_version: int = Field(ge=1)
    source: str = Field(min_length=1)
    stream_id: str = Field(min_length=1, max_length=200)
    stream_version: int = Field(ge=1)
    subject: str = Field(min_length=1, max_length=64)
    office_id: str = Field(min_length=1, max_length=64)
    actor_id: str = Field(min_length=1, max_length=64)
    actor_role: str = Field(min_length=1, max_length=40)
    occurred_at: UtcDatetime
    recorded_at: UtcDatetime
    correlation_id: str = Field(min_length=1, max_length=64)
    causation_id: str | None = None
    payload: dict[str, Any]
    prev_hash: str = Field(pattern=HASH_PATTERN)
    hash: str = Field(pattern=HASH_PATTERN)
    traceparent: str | None = Field(default=None, pattern=TRACEPARENT_PATTERN, description=(
        "W3C trace context of the request or message that recorded the event (transport metadata for "
        "distributed traces; not covered by the hash)"))

    @property
    def actor(self) -> Actor:
        return Actor(id=self.actor_id, role=self.actor_role)

    def hashed_content(self) -> dict[str, Any]:
        """The members the hash covers (everything but ``hash``), in their JSON form."""
        return hashed_content(
            event_id=self.event_id,
            event_type=self.event_type,
            event_version=self.event_version,
            source=self.source,
            stream_id=self.stream_id,
            stream_version=self.stream_version,
            subject=self.subject,
            office_id=self.office_id,
            actor_id=self.actor_id,
            actor_role=self.actor_role,
            occurred_at=self.occurred_at,
            recorded_at=self.recorded_at,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            payload=self.payload,
            prev_hash=self.prev_hash,
        )

    def computed_hash(self) -> str:
        """The hash this envelope should carry given its content and ``prev_hash``."""
        content = hashed_bytes(
            event_id=self.event_id, event_type=self.event_type, event_version=self.event_version, source=self.source,
            stream_id=self.stream_id, stream_version=self.stream_version, subject=self.subject,
            office_id=self.office_id, actor_id=self.actor_id, actor_role=self.actor_role,
            occurred_at=self.occurred_at, recorded_at=self.recorded_at, correlation_id=self.correlation_id,
            causation_id=self.causation_id, payload=self.payload, payload_json=canonical_text(self.payload),
            prev_hash=self.prev_hash)
        return hashlib.sha256(self.prev_hash.encode("ascii") + content).hexdigest()


def hashed_content(
    *,
    event_id: uuid.UUID,
    event_type: str,
    event_version: int,
    source: str,
    stream_id: str,
    stream_version: int,
    subject: str,
    office_id: str,
    actor_id: str,
    actor_role: str,
    occurred_at: datetime,
    recorded_at: datetime,
    correlation_id: str,
    causation_id: str | None,
    payload: dict[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    """Build the JSON object the hash is computed over."""
    return {
        "event_id": str(event_id),
        "event_type": event_type,
        "event_version": event_version,
        "source": source,
        "stream_id": stream_id,
        "stream_version": stream_version,
        "subject": subject,
        "office_id": office_id,
        "actor_id": actor_id,
        "actor_role": actor_role,
        "occurred_at": format_time(occurred_at),
        "recorded_at": format_time(recorded_at),
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "payload": payload,
        "prev_hash": prev_hash,
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """``hex(sha256(ascii(prev_hash) || JCS(content)))``."""
    digest = hashlib.sha256(prev_hash.encode("ascii"))
    digest.update(canonical_json(content))
    return digest.hexdigest()


_SAFE_INTEGER = 2**53 - 1
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _instant(value: datetime | str) -> datetime:
    return datetime.strptime(value, _TIME_FORMAT).replace(tzinfo=UTC) if isinstance(value, str) else value


_string = json.encoder.encode_basestring  # a JSON string exactly as RFC 8785 writes it (no key order involved)


def hashed_bytes(
    *,
    event_id: uuid.UUID | str,
    event_type: str,
    event_version: int,
    source: str,
    stream_id: str,
    stream_version: int,
    subject: str,
    office_id: str,
    actor_id: str,
    actor_role: str,
    occurred_at: datetime | str,
    recorded_at: datetime | str,
    correlation_id: str,
    causation_id: str | None,
    payload: dict[str, Any],
    payload_json: str,
    prev_hash: str,
) -> bytes:
    """``canonical_json(hashed_content(...))``, written directly: the members in RFC 8785 order (fixed ASCII
    names), strings and the payload's canonical text (``payload_json``) as JCS writes them; a time given as
    text is ``format_time``'s text. Anything outside that fast path (a version that is not a plain safe
    integer) goes the general way."""
    if (type(event_version) is not int or type(stream_version) is not int
            or not 0 <= event_version <= _SAFE_INTEGER or not 0 <= stream_version <= _SAFE_INTEGER):
        return canonical_json(hashed_content(
            event_id=uuid.UUID(str(event_id)), event_type=event_type, event_version=event_version, source=source,
            stream_id=stream_id, stream_version=stream_version, subject=subject, office_id=office_id,
            actor_id=actor_id, actor_role=actor_role, occurred_at=_instant(occurred_at),
            recorded_at=_instant(recorded_at), correlation_id=correlation_id, causation_id=causation_id,
            payload=payload, prev_hash=prev_hash))
    return content_bytes(
        str(event_id), event_type, event_version, source, stream_id, stream_version, subject, office_id, actor_id,
        actor_role, occurred_at if isinstance(occurred_at, str) else format_time(occurred_at),
        recorded_at if isinstance(recorded_at, str) else format_time(recorded_at), correlation_id, causation_id,
        payload_json, prev_hash)


def content_bytes(
    event_id: str, event_type: str, event_version: int, source: str, stream_id: str, stream_version: int,
    subject: str, office_id: str, actor_id: str, actor_role: str, occurred_at: str, recorded_at: str,
    correlation_id: str, causation_id: str | None, payload_json: str, prev_hash: str,
) -> bytes:
    """The hashed content's canonical bytes from its members as text, positionally (in the order of the
    store's columns): ``hashed_bytes``' fast path, for callers that already hold every member as text and
    the versions as safe integers (chain verification over stored rows)."""
    s = _string
    causation = "null" if causation_id is None else s(causation_id)
    return (
        f'{{"actor_id":{s(actor_id)},"actor_role":{s(actor_role)},"causation_id":{causation},'
        f'"correlation_id":{s(correlation_id)},"event_id":{s(event_id)},"event_type":{s(event_type)},'
        f'"event_version":{event_version},"occurred_at":"{occurred_at}",'
        f'"office_id":{s(office_id)},"payload":{payload_json},"prev_hash":{s(prev_hash)},'
        f'"recorded_at":"{recorded_at}","source":{s(source)},"stream_id":{s(stream_id)},'
        f'"stream_version":{stream_version},"subject":{s(subject)}}}'
    ).encode()


def seal(
    pending: PendingEvent, *, source: str, stream_id: str, stream_version: int, prev_hash: str,
    recorded_at: datetime,
) -> EventEnvelope:
    """Give a pending event its place in a stream and its hash."""
    return seal_with_payload(pending, source=source, stream_id=stream_id, stream_version=stream_version,
                             prev_hash=prev_hash, recorded_at=recorded_at, traceparent=current_traceparent())[0]


def seal_with_payload(
    pending: PendingEvent, *, source: str, stream_id: str, stream_version: int, prev_hash: str,
    recorded_at: datetime, traceparent: str | None, recorded_text: str | None = None,
) -> tuple[EventEnvelope, str]:
    """``seal`` for the store: also the payload's canonical JSON text (what the store writes to ``payload``;
    computed once for the hash), with the caller's ``traceparent`` (read once per append) and, optionally,
    ``recorded_at`` already as ``format_time``'s text (the same for every event of one append)."""
    if recorded_at.tzinfo is not UTC:
        recorded_at = recorded_at.astimezone(UTC)
        recorded_text = None
    payload_json = canonical_text(pending.payload)
    actor = pending.actor
    content = hashed_bytes(
        event_id=pending.event_id, event_type=pending.event_type, event_version=pending.event_version,
        source=source, stream_id=stream_id, stream_version=stream_version, subject=pending.subject,
        office_id=pending.office_id, actor_id=actor.id, actor_role=actor.role, occurred_at=pending.occurred_at,
        recorded_at=recorded_text or recorded_at, correlation_id=pending.correlation_id,
        causation_id=pending.causation_id, payload=pending.payload, payload_json=payload_json, prev_hash=prev_hash)
    envelope = trusted_envelope({
        "event_id": pending.event_id,
        "event_type": pending.event_type,
        "event_version": pending.event_version,
        "source": source,
        "stream_id": stream_id,
        "stream_version": stream_version,
        "subject": pending.subject,
        "office_id": pending.office_id,
        "actor_id": actor.id,
        "actor_role": actor.role,
        "occurred_at": pending.occurred_at,
        "recorded_at": recorded_at,
        "correlation_id": pending.correlation_id,
        "causation_id": pending.causation_id,
        "payload": pending.payload,
        "prev_hash": prev_hash,
        "hash": hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest(),
        "traceparent": traceparent,
    })
    return envelope, payload_json


_ENVELOPE_FIELDS = frozenset(EventEnvelope.model_fields)


def trusted_envelope(values: dict[str, Any]) -> EventEnvelope:
    """``EventEnvelope.model_construct(**values)`` for ``values`` holding every field (sealed here or read back
    from the store): what ``model_construct`` sets, without its per-field alias and default lookups."""
    envelope = EventEnvelope.__new__(EventEnvelope)
    object.__setattr__(envelope, "__dict__", values)
    object.__setattr__(envelope, "__pydantic_fields_set__", set(_ENVELOPE_FIELDS))
    object.__setattr__(envelope, "__pydantic_extra__", None)
    object.__setattr__(envelope, "__pydantic_private__", None)
    return envelope
