"""Sealing events into a stream and verifying the chain without a database."""

import uuid
from datetime import UTC, datetime

from kinerja_kernel.chain import verify_stream, verify_streams
from kinerja_kernel.envelope import GENESIS_HASH, Actor, EventEnvelope, PendingEvent, chain_hash, seal


def pending(n: int) -> PendingEvent:
    return PendingEvent(event_type="test.Happened", event_version=1, subject="199001012015011001",
                        office_id="KANTOR-A", actor=Actor(id="u1", role="pegawai"), correlation_id="c1",
                        payload={"n": n, "note": "catatan"})


def stream(count: int, stream_id: str = "s-1") -> list[EventEnvelope]:
    events, prev = [], GENESIS_HASH
    for i in range(1, count + 1):
        e = seal(pending(i), source="/kinerja/test", stream_id=stream_id, stream_version=i, prev_hash=prev,
                 recorded_at=datetime(2026, 1, 1, tzinfo=UTC))
        events.append(e)
        prev = e.hash
    return events


class TestHashChain:
    def test_an_untouched_stream_verifies(self) -> None:
        report = verify_stream(stream(5))
        assert report.ok and report.events == 5

    def test_the_hash_is_sha256_of_prev_hash_and_canonical_content(self) -> None:
        first = stream(1)[0]
        assert first.prev_hash == GENESIS_HASH
        assert first.hash == chain_hash(GENESIS_HASH, first.hashed_content())
        assert "hash" not in first.hashed_content()

    def test_a_changed_payload_is_detected_at_that_event(self) -> None:
        events = stream(4)
        events[2] = events[2].model_copy(update={"payload": {"n": 99, "note": "catatan"}})
        report = verify_stream(events)
        assert [(b.stream_version, b.reason) for b in report.breaks] == [
            (3, "hash does not match the event's content")
        ]

    def test_a_changed_actor_is_detected(self) -> None:
        events = stream(2)
        events[0] = events[0].model_copy(update={"actor_id": "someone-else"})
        assert not verify_stream(events).ok

    def test_a_removed_event_is_one_gap_and_verification_continues_after_it(self) -> None:
        events = stream(5)
        del events[1]
        events[3] = events[3].model_copy(update={"prev_hash": "ab" * 32})
        events[3] = events[3].model_copy(update={"hash": events[3].computed_hash()})
        breaks = [(b.stream_version, b.reason) for b in verify_stream(events).breaks]
        assert breaks == [(3, "expected version 2"),  # its prev_hash names the missing event: not a 2nd finding
                          (5, "prev_hash does not match the previous event's hash")]

    def test_a_rehashed_forgery_still_breaks_the_next_link(self) -> None:
        events = stream(3)
        forged = events[0].model_copy(update={"payload": {"n": 7, "note": "palsu"}})
        forged = forged.model_copy(update={"hash": forged.computed_hash()})
        events[0] = forged
        breaks = verify_stream(events).breaks
        assert [(b.stream_version, b.reason) for b in breaks] == [
            (2, "prev_hash does not match the previous event's hash")
        ]

    def test_many_interleaved_streams_verify_independently(self) -> None:
        a, b = stream(3, "s-a"), stream(2, "s-b")
        report = verify_streams([a[0], b[0], a[1], b[1], a[2]])
        assert report.ok and report.streams == 2 and report.events == 5

    def test_event_ids_differ(self) -> None:
        assert len({e.event_id for e in stream(3)}) == 3 and all(isinstance(e.event_id, uuid.UUID) for e in stream(1))
