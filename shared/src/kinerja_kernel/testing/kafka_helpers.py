"""Test helpers over Kafka: wait for records, build and publish envelopes as another service would.

Reading a topic back lives in ``kinerja_kernel.topic_reader`` (production code uses it); it is
re-exported here for the tests that import it from this module.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.envelope import GENESIS_HASH, Actor, EventEnvelope, PendingEvent, seal, utcnow
from kinerja_kernel.kafka import idempotent_producer
from kinerja_kernel.registry import REGISTRY, DomainEvent
from kinerja_kernel.topic_reader import TopicRecord, partitions_of, read_topic
from kinerja_kernel.transport import KafkaTarget

__all__ = ["TopicRecord", "envelope_of", "partitions_of", "publish", "read_topic", "wait_for_records"]


async def wait_for_records(
    bootstrap: KafkaTarget, topic: str, predicate_count: int, *, timeout: float = 30.0
) -> list[TopicRecord]:
    """Poll ``topic`` until it holds at least ``predicate_count`` records (or the timeout passes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    records: list[TopicRecord] = []
    while loop.time() < deadline:
        records = await read_topic(bootstrap, topic, timeout=5)
        if len(records) >= predicate_count:
            return records
        await asyncio.sleep(0.2)
    return records


def envelope_of(
    event: DomainEvent, *, subject: str, office_id: str, source: str, stream_id: str, stream_version: int = 1,
    prev_hash: str = GENESIS_HASH, actor: Actor | None = None, correlation_id: str | None = None,
    causation_id: str | None = None,
) -> EventEnvelope:
    """A sealed envelope for ``event``, as another service would have stored and published it (tests
    feeding a consumer without running the producing service)."""
    pending = PendingEvent(
        event_type=event.event_type, event_version=event.event_version, subject=subject, office_id=office_id,
        actor=actor or Actor(id=source.rsplit("/", 1)[-1], role="system"),
        correlation_id=correlation_id or str(uuid.uuid4()), causation_id=causation_id,
        payload=REGISTRY.encode(event),
    )
    return seal(pending, source=source, stream_id=stream_id, stream_version=stream_version, prev_hash=prev_hash,
                recorded_at=utcnow())


async def publish(bootstrap: KafkaTarget, topic: str, envelopes: Sequence[EventEnvelope]) -> None:
    """Publish envelopes as CloudEvents records (key: subject), in order, each acknowledged."""
    producer = idempotent_producer(bootstrap, client_id=f"test-publisher-{uuid.uuid4().hex[:6]}")
    await producer.start()
    try:
        for envelope in envelopes:
            record = to_kafka(envelope)
            await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
    finally:
        await producer.stop()
