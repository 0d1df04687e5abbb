"""Verification of a stream's hash chain, independent of where the events came from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kinerja_kernel.canonical import canonical_text, parse_canonical
from kinerja_kernel.envelope import GENESIS_HASH, EventEnvelope, content_bytes, hashed_bytes


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops being trustworthy, and why."""

    stream_id: str
    stream_version: int
    event_id: str
    reason: str


@dataclass
class ChainReport:
    """The outcome of verifying one or more streams."""

    streams: int = 0
    events: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_stream(events: Iterable[EventEnvelope]) -> ChainReport:
    """Verify events of ONE stream, in version order: versions, links and hashes (docs/events/README.md).

    The head moves to each event's stored ``hash`` (not the recomputed one), so an altered event is one break.
    After a gap the event's ``prev_hash`` points at a missing event and cannot be checked: the gap is the one
    finding, and verification continues from that event."""
    report = ChainReport(streams=1)
    expected_prev = GENESIS_HASH
    expected_version = 1
    for event in events:
        report.events += 1
        version = event.stream_version
        gap = version > expected_version
        if version != expected_version:
            report.breaks.append(ChainBreak(event.stream_id, version, str(event.event_id),
                                            f"expected version {expected_version}"))
        if not gap and event.prev_hash != expected_prev:
            report.breaks.append(ChainBreak(event.stream_id, version, str(event.event_id),
                                            "prev_hash does not match the previous event's hash"))
        if event.computed_hash() != event.hash:
            report.breaks.append(ChainBreak(event.stream_id, version, str(event.event_id),
                                            "hash does not match the event's content"))
        expected_prev = event.hash
        expected_version = version + 1
    return report


def _utc_text(column: str) -> str:
    """A ``timestamptz`` column as ``format_time``'s text, written by PostgreSQL (the hashed form)."""
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS {column}"""


# the members in ``content_bytes``' order, then the stored hash: a row is hashed as it comes
ROW_COLUMNS = (
    "event_id::text AS event_id, event_type, event_version, source, stream_id, stream_version, subject, office_id, "
    f"actor_id, actor_role, {_utc_text('occurred_at')}, {_utc_text('recorded_at')}, correlation_id, causation_id, "
    "payload::text AS payload, prev_hash, hash"
)


class RowVerifier:
    """``verify_stream`` over stored rows (``ROW_COLUMNS``, ordered by stream id and version), stream after
    stream, without building envelopes: the same checks, findings and counts, the same hash definition.

    The store keeps each payload as the canonical text the hash covers, so a row is hashed as read. Only
    when that does not match is the payload parsed and re-encoded (rows stored before the payload was kept
    as text hold jsonb's spacing and key order): a row is a break only if its canonical form does not hash
    to the stored hash either."""

    def __init__(self) -> None:
        self.report = ChainReport()
        self._stream: str | None = None
        self._prev = GENESIS_HASH
        self._version = 1

    def add(self, rows: Iterable[Any]) -> None:
        report, breaks = self.report, self.report.breaks
        stream, expected_prev, expected_version = self._stream, self._prev, self._version
        content_of, sha256 = content_bytes, hashlib.sha256
        streams = events = 0
        for row in rows:
            stream_id, version, prev_hash, stored_hash = row[4], row[5], row[15], row[16]
            if stream_id != stream:
                stream, expected_prev, expected_version = stream_id, GENESIS_HASH, 1
                streams += 1
            events += 1
            if version != expected_version:
                breaks.append(ChainBreak(stream_id, version, row[0], f"expected version {expected_version}"))
            if version <= expected_version and prev_hash != expected_prev:
                breaks.append(ChainBreak(stream_id, version, row[0],
                                         "prev_hash does not match the previous event's hash"))
            if (sha256(prev_hash.encode("ascii") + content_of(*row[:16])).hexdigest() != stored_hash
                    and _canonical_hash(row) != stored_hash):
                breaks.append(ChainBreak(stream_id, version, row[0], "hash does not match the event's content"))
            expected_prev, expected_version = stored_hash, version + 1
        report.streams += streams
        report.events += events
        self._stream, self._prev, self._version = stream, expected_prev, expected_version


def _canonical_hash(row: Any) -> str | None:
    """The hash of a row whose payload text is not canonical (parsed and re-encoded); ``None`` if the
    payload is not a JSON object."""
    try:
        payload = parse_canonical(row[14])
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    content = hashed_bytes(
        event_id=row[0], event_type=row[1], event_version=row[2], source=row[3], stream_id=row[4],
        stream_version=row[5], subject=row[6], office_id=row[7], actor_id=row[8], actor_role=row[9],
        occurred_at=row[10], recorded_at=row[11], correlation_id=row[12], causation_id=row[13], payload=payload,
        payload_json=canonical_text(payload), prev_hash=row[15])
    return hashlib.sha256(row[15].encode("ascii") + content).hexdigest()


def verify_streams(events: Iterable[EventEnvelope]) -> ChainReport:
    """Verify many streams; ``events`` grouped or interleaved, each stream in version order."""
    by_stream: dict[str, list[EventEnvelope]] = {}
    for event in events:
        by_stream.setdefault(event.stream_id, []).append(event)
    total = ChainReport()
    for stream_events in by_stream.values():
        part = verify_stream(sorted(stream_events, key=lambda e: e.stream_version))
        total.streams += 1
        total.events += part.events
        total.breaks.extend(part.breaks)
    return total
