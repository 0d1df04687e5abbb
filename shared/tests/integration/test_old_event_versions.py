"""Old event versions on a real topic: a v1 ``planning.PlanDrafted`` published by an old producer is read by
today's code as v2, and its stream's hash chain still verifies (the hash covers the payload as published)."""

from __future__ import annotations

import uuid

import pytest

from kinerja_kernel.chain import verify_stream
from kinerja_kernel.cloudevents import from_kafka
from kinerja_kernel.contracts.planning import PlanDrafted, PositionType
from kinerja_kernel.envelope import GENESIS_HASH, Actor, PendingEvent, seal, utcnow
from kinerja_kernel.kafka import TopicSpec, ensure_topics
from kinerja_kernel.registry import REGISTRY
from kinerja_kernel.testing.kafka_helpers import publish, read_topic

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"


def old_producer_events(plan_id: uuid.UUID) -> list[PendingEvent]:
    """What the planning service recorded before PlanDrafted v2 existed: a v1 draft, then a submission."""
    common = {"subject": EMPLOYEE, "office_id": "KANWIL-DKI", "actor": Actor(id=EMPLOYEE, role="pegawai"),
              "correlation_id": str(uuid.uuid4())}
    return [
        PendingEvent(event_type="planning.PlanDrafted", event_version=1, **common, payload={
            "plan_id": str(plan_id), "employee_id": EMPLOYEE, "office_id": "KANWIL-DKI", "period_year": 2025,
            "evaluator_id": EVALUATOR, "approach": "kuantitatif"}),
        PendingEvent(event_type="planning.PlanSubmitted", event_version=1, **common, payload={
            "plan_id": str(plan_id), "employee_id": EMPLOYEE, "office_id": "KANWIL-DKI", "period_year": 2025,
            "evaluator_id": EVALUATOR}),
    ]


class TestOldEventsStillReplay:
    async def test_a_v1_plan_drafted_on_the_topic_decodes_as_v2_and_its_chain_verifies(
        self, kafka_bootstrap: str, unique: str
    ) -> None:
        # given a topic holding a stream an old producer published, starting with PlanDrafted v1
        topic = f"test.oldversions.{unique}"
        await ensure_topics(kafka_bootstrap, [TopicSpec(topic, partitions=3)])
        plan_id = uuid.uuid4()
        sealed, prev_hash = [], GENESIS_HASH
        for version, pending in enumerate(old_producer_events(plan_id), start=1):
            envelope = seal(pending, source="/kinerja/planning", stream_id=f"skp-{plan_id}", stream_version=version,
                            prev_hash=prev_hash, recorded_at=utcnow())
            sealed.append(envelope)
            prev_hash = envelope.hash
        await publish(kafka_bootstrap, topic, sealed)

        # when today's code reads the records back
        records = await read_topic(kafka_bootstrap, topic)
        envelopes = sorted((from_kafka(r.value, r.headers) for r in records), key=lambda e: e.stream_version)

        # then the record is still v1 as published, its hash and the stream's chain verify ...
        assert [(e.event_type, e.event_version) for e in envelopes] == [
            ("planning.PlanDrafted", 1), ("planning.PlanSubmitted", 1)]
        assert envelopes == sealed
        assert verify_stream(envelopes).ok
        # ... and the payload upcasts to the current model
        drafted = REGISTRY.decode(envelopes[0].event_type, envelopes[0].event_version, envelopes[0].payload)
        assert isinstance(drafted, PlanDrafted)
        assert (drafted.plan_id, drafted.unit_id, drafted.superior_id, drafted.position_type) == (
            plan_id, "KANWIL-DKI", None, PositionType.JA)

    async def test_the_hash_covers_the_payload_as_published_not_its_upcast_form(
        self, kafka_bootstrap: str, unique: str
    ) -> None:
        topic = f"test.oldversions.{unique}"
        await ensure_topics(kafka_bootstrap, [TopicSpec(topic, partitions=1)])
        plan_id = uuid.uuid4()
        pending = old_producer_events(plan_id)[0]
        envelope = seal(pending, source="/kinerja/planning", stream_id=f"skp-{plan_id}", stream_version=1,
                        prev_hash=GENESIS_HASH, recorded_at=utcnow())
        await publish(kafka_bootstrap, topic, [envelope])
        (record,) = await read_topic(kafka_bootstrap, topic)
        received = from_kafka(record.value, record.headers)

        upcast = REGISTRY.encode(REGISTRY.decode(received.event_type, received.event_version, received.payload))
        rewritten = received.model_copy(update={"payload": upcast, "event_version": PlanDrafted.event_version})

        assert received.computed_hash() == received.hash
        assert rewritten.computed_hash() != received.hash  # upcasting is a read-time view: never re-hash it
