"""Reading a topic back in tests and tools: every record from the beginning up to its current end."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.envelope import GENESIS_HASH, Actor, EventEnvelope, PendingEvent, seal, utcnow
from kinerja_kernel.kafka import idempotent_producer
from kinerja_kernel.registry import REGISTRY, DomainEvent


@dataclass(frozen=True)
class TopicRecord:
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode("utf-8")
        return None


async def partitions_of(bootstrap: str, topic: str) -> list[int]:
    """The partition numbers of ``topic`` (empty if it does not exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(p["partition"] for t in described if t.get("error_code", 0) == 0 for p in t["partitions"])


async def read_topic(bootstrap: str, topic: str, *, timeout: float = 30.0) -> list[TopicRecord]:
    """All records of ``topic`` up to the end offsets seen when called, partition by partition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, auto_offset_reset="earliest",
        client_id=f"reader-{uuid.uuid4().hex[:6]}",
    )
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        records: list[TopicRecord] = []
        remaining = {tp for tp in tps if ends[tp] > 0}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while remaining and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, msgs in batch.items():
                for m in msgs:
                    if m.offset < ends[tp]:
                        records.append(TopicRecord(m.partition, m.offset, m.key, m.value, tuple(m.headers or ())))
                    if m.offset >= ends[tp] - 1:
                        remaining.discard(tp)
        return records
    finally:
        await consumer.stop()


async def wait_for_records(
    bootstrap: str, topic: str, predicate_count: int, *, timeout: float = 30.0
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


async def publish(bootstrap: str, topic: str, envelopes: Sequence[EventEnvelope]) -> None:
    """Publish envelopes as CloudEvents records (key: subject), in order, each acknowledged."""
    producer = idempotent_producer(bootstrap, client_id=f"test-publisher-{uuid.uuid4().hex[:6]}")
    await producer.start()
    try:
        for envelope in envelopes:
            record = to_kafka(envelope)
            await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
    finally:
        await producer.stop()
