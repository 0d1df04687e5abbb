"""A relay whose batch fails while the next one is already on its way never lets the later one overtake it.

The relay pipelines: batch B is read and handed to the producer while Kafka still acknowledges batch A. If
A then fails (e.g. it expired while the brokers were away) the relay starts again from its checkpoint and
re-sends A and B; had B reached the topic meanwhile, consumers would see B's events before A's (one
stream's version 6 before its version 1), which no event-id deduplication repairs. Real Kafka and real
PostgreSQL; only the first hand-over of a batch to the producer is made to fail.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError

from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.kafka import TopicSpec, ensure_topics, idempotent_producer
from kinerja_kernel.outbox import OutboxRelay
from kinerja_kernel.testing.kafka_helpers import read_topic

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


class FirstBatchFails:
    """The real producer, except that the first batch handed over is dropped and fails 0.3 s later."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer
        self.failed = False
        self.handed_over_while_failing = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.producer, name)

    async def send_batch(self, builder: Any, topic: str, *, partition: int) -> asyncio.Future[object]:
        if self.failed:
            return await self.producer.send_batch(builder, topic, partition=partition)
        self.failed = True
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.3, future.set_exception, KafkaTimeoutError("batch expired"))
        return future


@pytest_asyncio.fixture(loop_scope="session")
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    p = idempotent_producer(kafka_bootstrap, client_id="test-failed-batch")
    await p.start()
    yield p
    await p.stop()


async def test_a_failed_batch_is_re_sent_before_the_batch_after_it_reaches_the_topic(
    pg_store: PostgresEventStore, database_url: str, producer: AIOKafkaProducer, kafka_bootstrap: str, unique: str,
) -> None:
    topic = f"test.failed-batch.{unique}"
    await ensure_topics(kafka_bootstrap, [TopicSpec(topic, partitions=1)])
    actor = Actor(id="tester", role="system")
    await pg_store.append(f"stream-{unique}", 0, [
        PendingEvent(event_type="test.Counted", event_version=1, subject="199001012015011001", office_id="KANTOR-A",
                     actor=actor, correlation_id="corr", payload={"n": n}) for n in range(10)])
    flaky = FirstBatchFails(producer)
    relay = OutboxRelay(dsn=database_url, producer=cast(AIOKafkaProducer, flaky), topic=topic, name=f"r-{unique}",
                        batch_size=5, idle_interval=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        async with asyncio.timeout(30):
            while relay.published < 10:  # acknowledged and checkpointed: everything sent is on the topic
                await asyncio.sleep(0.05)
        records = await read_topic(kafka_bootstrap, topic)
    finally:
        stop.set()
        await task
    assert flaky.failed
    first_seen: list[int] = []
    for record in sorted(records, key=lambda r: r.offset):
        version = int(record.header("ce_streamversion") or 0)
        if version not in first_seen:
            first_seen.append(version)
    assert first_seen == list(range(1, 11))  # never version 6 before version 1
