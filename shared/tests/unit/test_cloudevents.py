"""The CloudEvents 1.0 Kafka binary-mode mapping, both directions."""

import json
import uuid
from datetime import UTC, datetime

import pytest

import kinerja_kernel.contracts  # noqa: F401 - registers every published event type
from kinerja_kernel.cloudevents import MalformedMessage, from_kafka, to_kafka
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.envelope import GENESIS_HASH, Actor, PendingEvent, seal
from kinerja_kernel.registry import REGISTRY, DomainEvent
from kinerja_kernel.testing.factories import EventFactory
from kinerja_kernel.testing.kafka_helpers import envelope_of

ALL_EVENT_TYPES = list(REGISTRY)


def sealed(event: DomainEvent, causation: str | None = "cause-1"):
    pending = PendingEvent(event_type=event.event_type, event_version=event.event_version,
                           subject="199001012015011001", office_id="KANTOR-A",
                           actor=Actor(id="198001012005011002", role="pejabat_penilai"),
                           correlation_id="corr-1", causation_id=causation, payload=REGISTRY.encode(event))
    return seal(pending, source="/kinerja/test", stream_id="s-1", stream_version=1, prev_hash=GENESIS_HASH,
                recorded_at=datetime.now(UTC))


class TestRoundTrip:
    def test_the_registry_knows_the_published_events(self) -> None:
        assert {"planning.PlanSubmitted", "planning.PlanApproved", "feedback.NotificationIssued"} <= {
            m.event_type for m in ALL_EVENT_TYPES
        }

    @pytest.mark.parametrize("model", ALL_EVENT_TYPES, ids=lambda m: m.event_type)
    def test_every_event_type_round_trips_unchanged(self, model: type[DomainEvent]) -> None:
        factory = EventFactory.create_factory(model)
        for _ in range(5):
            envelope = sealed(factory.build())
            record = to_kafka(envelope)
            back = from_kafka(record.value, record.headers)
            assert back == envelope
            assert back.computed_hash() == envelope.hash
            assert REGISTRY.decode(back.event_type, back.event_version, back.payload) == REGISTRY.decode(
                envelope.event_type, envelope.event_version, envelope.payload)

    def test_headers_follow_the_binary_mode_binding(self) -> None:
        model = REGISTRY.model("planning.PlanSubmitted")
        envelope = sealed(EventFactory.create_factory(model).build(), causation=None)
        record = to_kafka(envelope)
        headers = {k: v.decode() for k, v in record.headers}
        assert headers["ce_specversion"] == "1.0"
        assert headers["ce_id"] == str(envelope.event_id)
        assert headers["ce_type"] == "planning.PlanSubmitted"
        assert headers["content-type"] == "application/json"
        assert "ce_causationid" not in headers
        assert record.key == b"199001012015011001"
        assert json.loads(record.value) == envelope.payload
        assert all(k == "content-type" or (k.startswith("ce_") and k[3:].isalnum() and k[3:].islower())
                   for k in headers)


class TestMalformed:
    def good(self):
        model = REGISTRY.model("planning.PlanSubmitted")
        return to_kafka(sealed(EventFactory.create_factory(model).build()))

    def test_rejects_a_value_that_is_not_json(self) -> None:
        with pytest.raises(MalformedMessage, match="not JSON") as info:
            from_kafka(b"{not json", self.good().headers)
        assert info.value.field == "data"

    def test_rejects_a_record_without_specversion(self) -> None:
        headers = [h for h in self.good().headers if h[0] != "ce_specversion"]
        with pytest.raises(MalformedMessage, match="ce_specversion"):
            from_kafka(self.good().value, headers)

    def test_names_the_attribute_that_is_invalid(self) -> None:
        headers = [(k, b"not-a-uuid" if k == "ce_id" else v) for k, v in self.good().headers]
        with pytest.raises(MalformedMessage) as info:
            from_kafka(self.good().value, headers)
        assert info.value.field == "ce_id"


class TestTraceContext:
    """The CloudEvents distributed-tracing extension (issue 18): carried, never hashed, never fatal."""

    def _record(self, traceparent: str | None) -> tuple[bytes, list[tuple[str, bytes]]]:
        event = pl.PlanApproved(plan_id=uuid.uuid4(), employee_id="199001012015011001", office_id="K",
                                period_year=2031, evaluator_id="198001012005011002",
                                approved_by="198001012005011002")
        envelope = envelope_of(event, subject="199001012015011001", office_id="K", source="/kinerja/planning",
                               stream_id="skp-x").model_copy(update={"traceparent": traceparent})
        record = to_kafka(envelope)
        return record.value, record.headers

    def test_a_trace_context_travels_in_ce_traceparent_and_is_not_part_of_the_hash(self) -> None:
        traceparent = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"
        value, headers = self._record(traceparent)
        assert ("ce_traceparent", traceparent.encode()) in headers
        read = from_kafka(value, headers)
        assert read.traceparent == traceparent
        assert read.computed_hash() == read.hash  # the hash did not change with the trace context
        without = from_kafka(value, [h for h in headers if h[0] != "ce_traceparent"])
        assert without.traceparent is None and without.hash == read.hash

    def test_a_malformed_trace_context_is_dropped_and_the_event_kept(self) -> None:
        value, headers = self._record(None)
        read = from_kafka(value, [*headers, ("ce_traceparent", b"not-a-trace")])
        assert read.traceparent is None and read.computed_hash() == read.hash
