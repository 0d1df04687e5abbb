"""Verification of a stream's hash chain, independent of where the events came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kinerja_kernel.envelope import GENESIS_HASH, EventEnvelope


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
        where = (event.stream_id, event.stream_version, str(event.event_id))
        gap = event.stream_version > expected_version
        if event.stream_version != expected_version:
            report.breaks.append(ChainBreak(*where, f"expected version {expected_version}"))
        if not gap and event.prev_hash != expected_prev:
            report.breaks.append(ChainBreak(*where, "prev_hash does not match the previous event's hash"))
        if event.computed_hash() != event.hash:
            report.breaks.append(ChainBreak(*where, "hash does not match the event's content"))
        expected_prev = event.hash
        expected_version = event.stream_version + 1
    return report


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
