"""Reading a topic back (audits, rebuilds, tools): every record from the beginning up to its current end."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from kinerja_kernel.transport import KafkaTarget, kafka_config


@dataclass(frozen=True)
class TopicRecord:
    """One record of a topic as read back: place, key, value and headers."""

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


async def partitions_of(bootstrap: KafkaTarget, topic: str) -> list[int]:
    """The partition numbers of ``topic`` (empty if it does not exist)."""
    admin = AIOKafkaAdminClient(**kafka_config(bootstrap).client_kwargs())
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(p["partition"] for t in described if t.get("error_code", 0) == 0 for p in t["partitions"])


async def read_topic(bootstrap: KafkaTarget, topic: str, *, timeout: float = 30.0) -> list[TopicRecord]:
    """All records of ``topic`` up to the end offsets seen when called, partition by partition."""
    consumer = AIOKafkaConsumer(
        **kafka_config(bootstrap).client_kwargs(), group_id=None, enable_auto_commit=False,
        auto_offset_reset="earliest",
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
