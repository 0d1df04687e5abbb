"""The outbox relay and the inbox consumer against real Kafka and real PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faststream.kafka import KafkaBroker

from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.db import Database
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.inbox import DeadLetters, InboxConsumer, IncomingRecord, Outcome
from kinerja_kernel.kafka import TopicSpec, ensure_topics, idempotent_producer
from kinerja_kernel.outbox import OutboxRelay
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.runtime import OffsetCommitter, attach_consumer
from kinerja_kernel.testing.kafka_helpers import read_topic, wait_for_records

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

REGISTRY = EventRegistry()


@event("test.Counted", registry=REGISTRY)
class Counted(DomainEvent):
    n: int


def pending(n: int, subject: str = "199001012015011001") -> PendingEvent:
    return PendingEvent(event_type="test.Counted", event_version=1, subject=subject, office_id="KANTOR-A",
                        actor=Actor(id="tester", role="system"), correlation_id="corr", payload={"n": n})


@pytest_asyncio.fixture(loop_scope="session")
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    p = idempotent_producer(kafka_bootstrap, client_id="test")
    await p.start()
    yield p
    await p.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def topic(kafka_bootstrap: str, unique: str) -> str:
    name = f"test.events.{unique}"
    await ensure_topics(kafka_bootstrap, [TopicSpec(name, partitions=3), TopicSpec(f"{name}.dlt", partitions=1)])
    return name


async def effects_table(db: Database) -> None:
    async with db.connection() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS effects (event_id uuid NOT NULL, n int NOT NULL)")


async def count_effect(conn: asyncpg.Connection, envelope: EventEnvelope, e: Any) -> None:
    await conn.execute("INSERT INTO effects (event_id, n) VALUES ($1, $2)", envelope.event_id, e.n)


@contextlib.asynccontextmanager
async def running_relay(database_url: str, producer: AIOKafkaProducer, topic: str) -> AsyncIterator[OutboxRelay]:
    relay = OutboxRelay(dsn=database_url, producer=producer, topic=topic, idle_interval=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        yield relay
    finally:
        stop.set()
        await task


class TestRelay:
    async def test_a_late_commit_with_a_lower_position_still_reaches_kafka_in_order(
        self, pg_store: PostgresEventStore, db: Database, database_url: str, producer: AIOKafkaProducer,
        topic: str, kafka_bootstrap: str,
    ) -> None:
        async with running_relay(database_url, producer, topic), db.pool.acquire() as conn_a:
            tx = conn_a.transaction()
            await tx.start()
            [a] = await pg_store.append("s-a", 0, [pending(1)], conn=conn_a)  # lower position, commits last
            [b] = await pg_store.append("s-b", 0, [pending(2)])
            await asyncio.sleep(0.5)  # the relay polls many times meanwhile
            assert await read_topic(kafka_bootstrap, topic) == []  # B must not overtake A
            await tx.commit()
            records = await wait_for_records(kafka_bootstrap, topic, 2)
        ids = [r.header("ce_id") for r in sorted(records, key=lambda r: r.offset)]
        assert ids == [str(a.event_id), str(b.event_id)]  # same subject: same partition, in commit order

    async def test_every_committed_event_is_published_in_stream_order(
        self, pg_store: PostgresEventStore, database_url: str, producer: AIOKafkaProducer, topic: str,
        kafka_bootstrap: str,
    ) -> None:
        async def writer(w: int) -> None:
            version = 0
            for i in range(50):
                await pg_store.append(f"s-{w}", version, [pending(i, subject=f"emp-{w}")])
                version += 1

        async with running_relay(database_url, producer, topic):
            await asyncio.gather(*(writer(w) for w in range(6)))
            records = await wait_for_records(kafka_bootstrap, topic, 300)
        assert len(records) == 300
        for w in range(6):
            mine = sorted((r for r in records if r.key == f"emp-{w}".encode()), key=lambda r: r.offset)
            assert [int(r.header("ce_streamversion") or 0) for r in mine] == list(range(1, 51))

    async def test_a_relay_killed_mid_batch_loses_nothing_and_duplicates_have_no_second_effect(
        self, pg_store: PostgresEventStore, db: Database, database_url: str, producer: AIOKafkaProducer,
        topic: str, kafka_bootstrap: str, unique: str,
    ) -> None:
        total = 20_000
        for chunk in range(total // 500):
            await pg_store.append(f"bulk-{chunk}", 0, [pending(chunk * 500 + i, f"emp-{chunk % 7}")
                                                     for i in range(500)])
        command = [sys.executable, "-m", "kinerja_kernel.cli_relay", "--database-url", database_url,
                   "--topic", topic, "--bootstrap", kafka_bootstrap, "--batch-size", "500"]
        # watch the topic's end offsets (cheap) rather than reading it: an idle machine's relay publishes the
        # 20,000 in about a second, faster than reading 2,000 records back
        watcher = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, enable_auto_commit=False)
        await watcher.start()
        partitions = [TopicPartition(topic, p) for p in range(3)]
        # the first relay publishes in small batches so that the kill lands mid-way even when a busy machine
        # delays the watcher (with 500 per batch it could finish all 20,000 between two looks)
        first = subprocess.Popen([*command[:-1], "50"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while sum((await watcher.end_offsets(partitions)).values()) < 2_000:
                assert first.poll() is None, "relay exited early"
                await asyncio.sleep(0.005)
        finally:
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
            await watcher.stop()
        published_before_restart = len(await read_topic(kafka_bootstrap, topic))
        assert published_before_restart < total  # it really died mid-way

        stored_ids = {str(s.event.event_id) for s in await pg_store.read_all(limit=total)}
        second = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:  # wait for every stored id, not a count: the records re-sent after the kill count twice
            deadline = asyncio.get_running_loop().time() + 120
            records = await wait_for_records(kafka_bootstrap, topic, total, timeout=120)
            while {r.header("ce_id") for r in records} != stored_ids \
                    and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.5)
                records = await read_topic(kafka_bootstrap, topic)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        published_ids = [r.header("ce_id") for r in records]
        assert set(published_ids) == stored_ids  # none lost, none invented

        await effects_table(db)
        consumer = InboxConsumer(name=f"test-{unique}", db=db, handlers={"test.Counted": count_effect},
                                 producer=producer, dead_letter_topic=f"{topic}.dlt", registry=REGISTRY)
        outcomes = [await consumer.process(IncomingRecord(topic, r.partition, r.offset, r.key, r.value, r.headers))
                    for r in records]
        async with db.connection() as conn:
            effects = await conn.fetchval("SELECT count(*) FROM effects")
            distinct = await conn.fetchval("SELECT count(DISTINCT event_id) FROM effects")
        assert effects == distinct == total
        # every record re-sent after the kill is a duplicate; on a busy machine a commit whose answer was lost
        # (connection closed) is retried and also found done: a duplicate too, never a second effect
        assert set(outcomes) <= {Outcome.PROCESSED, Outcome.DUPLICATE}
        assert outcomes.count(Outcome.DUPLICATE) >= len(records) - total


class TestConsumer:
    async def start_consumer(self, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str, topic: str,
                             unique: str) -> KafkaBroker:
        await effects_table(db)
        broker = KafkaBroker(kafka_bootstrap, logger=None)
        consumer = InboxConsumer(name=f"test-{unique}", db=db, handlers={"test.Counted": count_effect},
                                 producer=producer, dead_letter_topic=f"{topic}.dlt", registry=REGISTRY)
        attach_consumer(broker, consumer, [topic])
        await broker.start()
        return broker

    async def wait_for_effects(self, db: Database, count: int) -> int:
        for _ in range(200):
            async with db.connection() as conn:
                n = await conn.fetchval("SELECT count(*) FROM effects")
            if n >= count:
                return int(n)
            await asyncio.sleep(0.1)
        return int(n)

    async def test_the_same_event_delivered_twice_has_one_effect(
        self, pg_store: PostgresEventStore, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str,
        topic: str, unique: str,
    ) -> None:
        [sealed] = await pg_store.append("s-dup", 0, [pending(7)])
        marker_stream = await pg_store.append("s-marker", 0, [pending(8)])
        record = to_kafka(sealed)
        for _ in range(2):
            await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
        marker = to_kafka(marker_stream[0])  # processed after both copies (same key: same partition)
        await producer.send_and_wait(topic, marker.value, key=record.key, headers=marker.headers)
        broker = await self.start_consumer(db, producer, kafka_bootstrap, topic, unique)
        try:
            assert await self.wait_for_effects(db, 2) == 2
            await asyncio.sleep(0.5)
        finally:
            await broker.stop()
        async with db.connection() as conn:
            rows = await conn.fetch("SELECT event_id FROM effects ORDER BY n")
            inbox = await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", f"test-{unique}")
        assert [r["event_id"] for r in rows] == [sealed.event_id, marker_stream[0].event_id]
        assert inbox == 2

    async def test_a_malformed_message_is_dead_lettered_with_its_reason_and_the_next_one_processed(
        self, pg_store: PostgresEventStore, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str,
        topic: str, unique: str,
    ) -> None:
        [good] = await pg_store.append("s-good", 0, [pending(42)])
        [bad_shape] = await pg_store.append("s-bad", 0, [PendingEvent(**{
            **pending(0).model_dump(), "event_id": uuid.uuid4(), "payload": {"n": "not a number"}})])
        good_record, shape_record = to_kafka(good), to_kafka(bad_shape)
        key = good_record.key
        await producer.send_and_wait(topic, b"{this is not json", key=key, headers=good_record.headers)
        await producer.send_and_wait(topic, shape_record.value, key=key, headers=shape_record.headers)
        await producer.send_and_wait(topic, good_record.value, key=key, headers=good_record.headers)
        broker = await self.start_consumer(db, producer, kafka_bootstrap, topic, unique)
        try:
            assert await self.wait_for_effects(db, 1) == 1
        finally:
            await broker.stop()
        dead = await wait_for_records(kafka_bootstrap, f"{topic}.dlt", 2)
        reasons = sorted(r.header("kinerja_dlt_reason") or "" for r in dead)
        assert len(dead) == 2
        assert reasons[0].startswith("invalid payload: n:")
        assert reasons[1].startswith("value is not JSON")
        assert {r.header("kinerja_dlt_topic") for r in dead} == {topic}
        assert dead[0].header("ce_id") is not None  # the original headers travel with it
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT n FROM effects") == 42
            assert await conn.fetchval("SELECT count(*) FROM dead_letters") == 2


class TestOffsetCommits:
    """Offsets move in groups, only ever past processed records."""

    async def test_the_committer_commits_only_what_was_processed_in_groups_and_after_a_quiet_moment(
        self, producer: AIOKafkaProducer, kafka_bootstrap: str, topic: str, unique: str,
    ) -> None:
        for n in range(6):
            await producer.send_and_wait(topic, f"{n}".encode(), key=b"same-partition")
        group = f"committer-{unique}"
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, group_id=group,
                                    enable_auto_commit=False, auto_offset_reset="earliest")
        await consumer.start()
        try:
            records = [await consumer.getone() for _ in range(6)]  # all fetched: the position is past all six
            tp = TopicPartition(topic, records[0].partition)
            committer = OffsetCommitter(group, every=3, after_s=0.2)
            for r in records[:2]:
                await committer.processed(consumer, r.topic, r.partition, r.offset)
            assert await consumer.committed(tp) is None  # two of three: not yet
            await committer.processed(consumer, records[2].topic, records[2].partition, records[2].offset)
            assert await consumer.committed(tp) == records[2].offset + 1  # the group of three, not the position
            await committer.processed(consumer, records[3].topic, records[3].partition, records[3].offset)
            assert await consumer.committed(tp) == records[2].offset + 1
            await asyncio.sleep(0.5)  # quiet: the last processed record is committed without more traffic
            assert await consumer.committed(tp) == records[3].offset + 1
        finally:
            await consumer.stop()

    async def test_the_consumer_commits_past_what_it_processed_and_a_redelivery_has_no_second_effect(
        self, pg_store: PostgresEventStore, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str,
        topic: str, unique: str,
    ) -> None:
        sealed = [(await pg_store.append(f"s-c{n}", 0, [pending(n)]))[0] for n in range(5)]
        for envelope in sealed:
            record = to_kafka(envelope)
            await producer.send_and_wait(topic, record.value, key=b"one-employee", headers=record.headers)
        runtime_like = TestConsumer()  # its consumer set-up: the inbox consumer attached to a broker
        broker = await runtime_like.start_consumer(db, producer, kafka_bootstrap, topic, unique)
        try:
            assert await runtime_like.wait_for_effects(db, 5) == 5
            await asyncio.sleep(0.5)  # after a quiet moment the group has committed past all five
        finally:
            await broker.stop()
        admin_view = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=f"test-{unique}",
                                      enable_auto_commit=False)
        await admin_view.start()
        try:
            committed = [await admin_view.committed(TopicPartition(topic, p)) for p in range(3)]  # 3 partitions
        finally:
            await admin_view.stop()
        assert sum(c or 0 for c in committed) == 5
        # the same records again (a redelivery after a crash before the commit): no second effect
        for envelope in sealed:
            record = to_kafka(envelope)
            await producer.send_and_wait(topic, record.value, key=b"one-employee", headers=record.headers)
        broker = await runtime_like.start_consumer(db, producer, kafka_bootstrap, topic, unique)
        try:
            await asyncio.sleep(2)
        finally:
            await broker.stop()
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT count(*) FROM effects") == 5

    async def test_a_record_delivered_again_is_dead_lettered_once(
        self, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str, topic: str, unique: str,
    ) -> None:
        """Offsets are committed in groups, so a parked record can come again after a restart: it is not
        parked a second time (one dead-letter record, one row)."""
        sink = DeadLetters(consumer=f"test-{unique}", db=db, producer=producer, topic=f"{topic}.dlt")
        record = IncomingRecord(topic=topic, partition=1, offset=17, key=b"k", value=b"{not json", headers=())
        for _ in range(2):
            await sink.park(record, "value is not JSON", "JSONDecodeError")
        other = IncomingRecord(topic=topic, partition=1, offset=18, key=b"k", value=b"{nor this", headers=())
        await sink.park(other, "value is not JSON", "JSONDecodeError")
        dead = await wait_for_records(kafka_bootstrap, f"{topic}.dlt", 2)
        await asyncio.sleep(0.5)
        assert sorted(r.header("kinerja_dlt_offset") or "" for r in await read_topic(kafka_bootstrap,
                                                                                       f"{topic}.dlt")) == ["17", "18"]
        assert len(dead) == 2
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT count(*) FROM dead_letters WHERE consumer = $1", f"test-{unique}") == 2
