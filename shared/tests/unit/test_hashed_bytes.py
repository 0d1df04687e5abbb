"""The hash chain's fast paths (content written directly, times by isoformat, envelopes built without
``model_construct``) must give exactly the bytes and objects of the general definitions."""

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_kernel.canonical import canonical_json, canonical_text
from kinerja_kernel.chain import RowVerifier, verify_stream
from kinerja_kernel.envelope import (
    GENESIS_HASH,
    Actor,
    EventEnvelope,
    PendingEvent,
    chain_hash,
    format_time,
    hashed_bytes,
    hashed_content,
    seal,
    seal_with_payload,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)
instants = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30),
                        timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-3))]))


def _strftime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class TestFastPaths:
    @settings(max_examples=300)
    @given(instants)
    def test_format_time_is_the_strftime_form(self, value: datetime) -> None:
        assert format_time(value) == _strftime(value)

    @settings(max_examples=300)
    @given(st.text(), st.text(min_size=1), st.one_of(st.none(), st.text()), st.dictionaries(st.text(), json_values,
           max_size=5), st.integers(min_value=1, max_value=2**31), instants, instants)
    def test_hashed_bytes_are_the_canonical_json_of_the_hashed_content(
        self, text: str, other: str, causation: str | None, payload: dict[str, object], version: int,
        occurred: datetime, recorded: datetime,
    ) -> None:
        fields = {"event_id": uuid.uuid4(), "event_type": text, "event_version": version, "source": other,
                  "stream_id": text + other, "stream_version": version, "subject": other, "office_id": text,
                  "actor_id": other, "actor_role": text, "occurred_at": occurred, "recorded_at": recorded,
                  "correlation_id": text, "causation_id": causation, "prev_hash": other}
        expected = rfc8785.dumps(hashed_content(**fields, payload=payload))  # type: ignore[arg-type]
        assert hashed_bytes(**fields, payload=payload, payload_json=canonical_text(payload)) == expected  # type: ignore[arg-type]
        assert canonical_text(payload).encode() == canonical_json(payload)

    def test_a_sealed_envelope_equals_a_validated_one_and_its_hash_the_general_one(self) -> None:
        pending = PendingEvent(event_type="test.Happened", event_version=1, subject="s", office_id="KANTOR-A",
                               actor=Actor(id="u1", role="pegawai"), correlation_id="c1", causation_id=None,
                               payload={"n": 1, "teks": "Déjà 😀", "x": [1.5, None, True]})
        envelope, payload_json = seal_with_payload(
            pending, source="/kinerja/test", stream_id="s-1", stream_version=1, prev_hash=GENESIS_HASH,
            recorded_at=datetime(2026, 1, 1, 7, tzinfo=timezone(timedelta(hours=7))), traceparent=None)
        assert envelope == EventEnvelope.model_validate(envelope.model_dump())
        assert envelope.model_fields_set == set(EventEnvelope.model_fields)
        assert envelope.hash == chain_hash(GENESIS_HASH, envelope.hashed_content()) == envelope.computed_hash()
        assert payload_json.encode() == canonical_json(pending.payload)
        assert envelope.recorded_at == datetime(2026, 1, 1, tzinfo=UTC)
        assert seal(pending, source="/kinerja/test", stream_id="s-1", stream_version=1, prev_hash=GENESIS_HASH,
                    recorded_at=datetime(2026, 1, 1, tzinfo=UTC)).hash == envelope.hash


def _row(e: EventEnvelope, *, stored_as_jsonb: bool = False) -> tuple[object, ...]:
    """An envelope as ``chain.ROW_COLUMNS`` selects it: times as text, the payload as stored (canonical text;
    or, for rows stored before the payload was kept as text, as jsonb printed it: other spacing and order)."""
    payload = (json.dumps(dict(sorted(e.payload.items(), key=lambda kv: (len(kv[0]), kv[0]))), separators=(", ", ": "))
               if stored_as_jsonb else canonical_text(e.payload))
    return (str(e.event_id), e.event_type, e.event_version, e.source, e.stream_id, e.stream_version, e.subject,
            e.office_id, e.actor_id, e.actor_role, format_time(e.occurred_at), format_time(e.recorded_at),
            e.correlation_id, e.causation_id, payload, e.prev_hash, e.hash)


def _stream(count: int, stream_id: str) -> list[EventEnvelope]:
    events, prev = [], GENESIS_HASH
    for i in range(1, count + 1):
        e = seal(PendingEvent(event_type="test.Happened", event_version=1, subject="s", office_id="KANTOR-A",
                              actor=Actor(id="u1", role="pegawai"), correlation_id="c1",
                              payload={"z": i, "a": "catatan ✓"}),
                 source="/kinerja/test", stream_id=stream_id, stream_version=i, prev_hash=prev,
                 recorded_at=datetime(2026, 1, 1, tzinfo=UTC))
        events.append(e)
        prev = e.hash
    return events


class TestRowVerifier:
    def test_same_findings_and_counts_as_verify_stream_chunk_after_chunk(self) -> None:
        a, b, c = _stream(4, "s-a"), _stream(5, "s-b"), _stream(2, "s-c")
        a[1] = a[1].model_copy(update={"payload": {"z": 99, "a": "catatan ✓"}})  # altered: one break
        del b[1]  # a gap
        b[2] = b[2].model_copy(update={"prev_hash": "ab" * 32})
        b[2] = b[2].model_copy(update={"hash": b[2].computed_hash()})  # re-hashed forgery: breaks the next link
        expected = [verify_stream(s) for s in (a, b, c)]
        verifier = RowVerifier()
        rows = [_row(e, stored_as_jsonb=i % 2 == 1) for i, e in enumerate(a + b + c)]
        verifier.add(rows[:3])
        verifier.add(rows[3:8])
        verifier.add(rows[8:])
        assert verifier.report.breaks == [x for r in expected for x in r.breaks]
        assert verifier.report.breaks  # the altered payload, the gap and the broken link were found
        assert (verifier.report.streams, verifier.report.events) == (3, sum(r.events for r in expected))

    def test_a_payload_text_that_is_not_the_canonical_one_of_another_value_is_a_break(self) -> None:
        [event] = _stream(1, "s-d")
        honest = _row(event, stored_as_jsonb=True)  # same value, other text: not a break
        forged = (*honest[:14], honest[14].replace("1", "2"), *honest[15:])  # other value: a break
        not_json = (*honest[:14], "[1, 2]", *honest[15:])
        found = []
        for row in (honest, forged, not_json):
            verifier = RowVerifier()
            verifier.add([row])
            found.append([b.reason for b in verifier.report.breaks])
        assert found == [[], ["hash does not match the event's content"], ["hash does not match the event's content"]]
