"""Dead letters only for bad messages; a bug in a handler halts its consumer; redrive after a fix; inbox
pruning. On real Kafka and real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faststream.kafka import KafkaBroker
from typer.testing import CliRunner

from kinerja_kernel import messages
from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.db import Database
from kinerja_kernel.deadletters import redrive
from kinerja_kernel.deadletters_cli import app as deadletters_app
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError, RejectedMessage
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.inbox import HandlerFailed, InboxConsumer, IncomingRecord, Outcome, prune_inbox
from kinerja_kernel.kafka import TopicSpec, dead_letter_topic, ensure_topics, idempotent_producer
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.runtime import OffsetCommitter, attach_consumer

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

REGISTRY = EventRegistry()
BUG, REFUSED = 13, 99


@event("test.Tallied", registry=REGISTRY)
class Tallied(DomainEvent):
    n: int


def pending(n: int) -> PendingEvent:
    return PendingEvent(event_type="test.Tallied", event_version=1, subject="199001012015011001", office_id="K",
                        actor=Actor(id="tester", role="system"), correlation_id="corr", payload={"n": n})


if not messages.known("test.tally.refused"):
    messages.register({"test.tally.refused": ("Hitungan {n} ditolak", "not an acceptable tally")})

Handler = Callable[[asyncpg.Connection, EventEnvelope, Any], Any]


def handler(*, fixed: bool = False) -> Handler:
    """Counts ``n``; before the fix, ``n == 13`` hits a bug and ``n == 99`` is refused as a bad message."""
    async def count(conn: asyncpg.Connection, envelope: EventEnvelope, e: Tallied) -> None:
        if not fixed and e.n == BUG:
            raise KeyError("a bug in the handler")
        if not fixed and e.n == REFUSED:
            raise RejectedMessage("test.tally.refused", n=e.n)
        await conn.execute("INSERT INTO tallies (event_id, n) VALUES ($1, $2)", envelope.event_id, e.n)
    return count


@pytest_asyncio.fixture(loop_scope="session")
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    p = idempotent_producer(kafka_bootstrap, client_id="test-dlt-rules")
    await p.start()
    yield p
    await p.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def service(kafka_bootstrap: str, unique: str, db: Database) -> str:
    """A service name of its own (its topic and dead-letter topic), with the tallies table."""
    name = f"t{unique}"
    await ensure_topics(kafka_bootstrap, [TopicSpec(f"test.{name}.events", partitions=2),
                                          TopicSpec(dead_letter_topic(name), partitions=1)])
    async with db.connection() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS tallies (event_id uuid NOT NULL, n int NOT NULL)")
    return name


def topic_of(service: str) -> str:
    return f"test.{service}.events"


async def send(store: PostgresEventStore, producer: AIOKafkaProducer, topic: str, *ns: int) -> list[EventEnvelope]:
    sent = []
    for n in ns:
        [envelope] = await store.append(f"s-{uuid.uuid4()}", 0, [pending(n)])
        record = to_kafka(envelope)
        await producer.send_and_wait(topic, record.value, key=b"one-employee", headers=record.headers)
        sent.append(envelope)
    return sent


async def start(db: Database, producer: AIOKafkaProducer, bootstrap: str, service: str, consumer: str,
                *, fixed: bool = False) -> tuple[KafkaBroker, OffsetCommitter]:
    broker = KafkaBroker(bootstrap, logger=None)
    inbox = InboxConsumer(name=consumer, db=db, handlers={"test.Tallied": handler(fixed=fixed)}, producer=producer,
                          dead_letter_topic=dead_letter_topic(service), registry=REGISTRY, retry_delays=(0.05,))
    committer = attach_consumer(broker, inbox, [topic_of(service)])
    await broker.start()
    return broker, committer


async def tallies(db: Database) -> list[int]:
    async with db.connection() as conn:
        return [r["n"] for r in await conn.fetch("SELECT n FROM tallies ORDER BY n")]


async def eventually(check: Callable[[], Any], timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


class TestAHandlerBug:
    async def test_halts_the_consumer_before_the_record_and_the_fixed_consumer_resumes_there(
        self, pg_store: PostgresEventStore, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str,
        service: str, unique: str,
    ) -> None:
        # given: a good record, one that hits a bug, and a good one after it (same key: same partition, in order)
        consumer = f"bug-{unique}"
        first, buggy, after = await send(pg_store, producer, topic_of(service), 1, BUG, 2)
        # when
        broker, committer = await start(db, producer, kafka_bootstrap, service, consumer)
        try:
            async def halted() -> bool:
                return committer.halted is not None
            await eventually(halted)
            await asyncio.sleep(1.0)  # the record after the bug is not processed meanwhile
            # then: nothing after the bug, nothing dead-lettered, the offset stops before the buggy record
            assert await tallies(db) == [1]
            assert str(buggy.event_id) in (committer.halted or "")
        finally:
            await broker.stop()
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT count(*) FROM dead_letters WHERE consumer = $1", consumer) == 0
        view = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=consumer, enable_auto_commit=False)
        await view.start()
        try:
            committed = [await view.committed(TopicPartition(topic_of(service), p)) for p in range(2)]
        finally:
            await view.stop()
        assert sum(c or 0 for c in committed) == 1  # past the first record only
        # when the fix is deployed and the consumer restarts
        broker, committer = await start(db, producer, kafka_bootstrap, service, consumer, fixed=True)
        try:
            async def resumed() -> bool:
                return len(await tallies(db)) == 3
            await eventually(resumed)
        finally:
            await broker.stop()
        # then: the buggy record and the one after it are processed, the first one not again
        assert await tallies(db) == [1, 2, BUG]
        assert committer.halted is None
        assert first.event_id != after.event_id

    async def test_process_raises_handler_failed_and_never_parks_the_record(
        self, db: Database, producer: AIOKafkaProducer, service: str, unique: str, pg_store: PostgresEventStore,
    ) -> None:
        [envelope] = await pg_store.append(f"s-{uuid.uuid4()}", 0, [pending(BUG)])
        kafka = to_kafka(envelope)
        record = IncomingRecord(topic=topic_of(service), partition=0, offset=5, key=kafka.key, value=kafka.value,
                                headers=tuple(kafka.headers))
        inbox = InboxConsumer(name=f"direct-{unique}", db=db, handlers={"test.Tallied": handler()}, producer=producer,
                              dead_letter_topic=dead_letter_topic(service), registry=REGISTRY)
        with pytest.raises(HandlerFailed) as failed:
            await inbox.process(record)
        assert failed.value.envelope.event_id == envelope.event_id
        assert isinstance(failed.value.error, KeyError)
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", f"direct-{unique}") == 0


class TestARecordReusingASeenId:
    async def test_a_redelivery_is_skipped_but_other_content_under_the_same_id_is_refused(
        self, db: Database, producer: AIOKafkaProducer, service: str, unique: str, pg_store: PostgresEventStore,
    ) -> None:
        """Issue 16: a reader skips an id it has seen only if the record is the same (its hash); a forged record
        reusing the id is dead-lettered, never silently skipped."""
        [envelope] = await pg_store.append(f"s-{uuid.uuid4()}", 0, [pending(7)])

        def record_of(e: EventEnvelope, offset: int) -> IncomingRecord:
            kafka = to_kafka(e)
            return IncomingRecord(topic=topic_of(service), partition=0, offset=offset, key=kafka.key,
                                  value=kafka.value, headers=tuple(kafka.headers))

        inbox = InboxConsumer(name=f"forged-{unique}", db=db, handlers={"test.Tallied": handler()}, producer=producer,
                              dead_letter_topic=dead_letter_topic(service), registry=REGISTRY)
        assert await inbox.process(record_of(envelope, 10)) is Outcome.PROCESSED
        assert await inbox.process(record_of(envelope, 11)) is Outcome.DUPLICATE
        forged = envelope.model_copy(update={"payload": {"n": 700}})
        forged = forged.model_copy(update={"hash": forged.computed_hash()})  # a consistent record, other content
        assert await inbox.process(record_of(forged, 12)) is Outcome.DEAD_LETTERED
        async with db.connection() as conn:
            reason = await conn.fetchval("SELECT reason FROM dead_letters WHERE consumer = $1", f"forged-{unique}")
            assert await conn.fetchval("SELECT count(*) FROM tallies WHERE event_id = $1", envelope.event_id) == 1
        assert "forgery" in reason and str(envelope.event_id) in reason


class TestALostRace:
    async def test_is_retried_and_not_dead_lettered(
        self, db: Database, producer: AIOKafkaProducer, service: str, unique: str, pg_store: PostgresEventStore,
    ) -> None:
        attempts = 0

        async def racing(conn: asyncpg.Connection, envelope: EventEnvelope, e: Tallied) -> None:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                raise ConcurrencyError("s", 1, "lost a race")
            await conn.execute("INSERT INTO tallies (event_id, n) VALUES ($1, $2)", envelope.event_id, 500)

        [envelope] = await pg_store.append(f"s-{uuid.uuid4()}", 0, [pending(5)])
        kafka = to_kafka(envelope)
        record = IncomingRecord(topic=topic_of(service), partition=0, offset=6, key=kafka.key, value=kafka.value,
                                headers=tuple(kafka.headers))
        inbox = InboxConsumer(name=f"race-{unique}", db=db, handlers={"test.Tallied": racing}, producer=producer,
                              dead_letter_topic=dead_letter_topic(service), registry=REGISTRY, retry_delays=(0.01,))
        assert await inbox.process(record) is Outcome.PROCESSED
        assert attempts == 2


class TestRedrive:
    async def test_a_refused_message_is_parked_and_after_the_fix_redriven_once(
        self, pg_store: PostgresEventStore, db: Database, producer: AIOKafkaProducer, kafka_bootstrap: str,
        service: str, unique: str, database_url: str,
    ) -> None:
        # given: a message the handler refuses as such is dead-lettered, and the next one is processed
        consumer = f"redrive-{unique}"
        refused, good = await send(pg_store, producer, topic_of(service), REFUSED, 3)
        broker, committer = await start(db, producer, kafka_bootstrap, service, consumer)
        try:
            async def processed() -> bool:
                return 3 in await tallies(db)
            await eventually(processed)
        finally:
            await broker.stop()
        assert committer.halted is None
        async with db.connection() as conn:
            row = await conn.fetchrow("SELECT event_id, reason FROM dead_letters WHERE consumer = $1", consumer)
        assert row is not None and row["event_id"] == str(refused.event_id)
        assert row["reason"] == "not an acceptable tally"
        # when: the fix is deployed, the dead letter is redriven (a dry run first publishes nothing)
        dry = await redrive(db=db, bootstrap=kafka_bootstrap, service=service, consumer=consumer, dry_run=True)
        assert dry.published == [str(refused.event_id)]
        report = await redrive(db=db, bootstrap=kafka_bootstrap, service=service, consumer=consumer)
        assert report.published == [str(refused.event_id)]
        broker, _ = await start(db, producer, kafka_bootstrap, service, consumer, fixed=True)
        try:
            async def redriven() -> bool:
                return REFUSED in await tallies(db)
            await eventually(redriven)
            # and: redriving again publishes nothing (the command, through the CLI)
            again = await asyncio.to_thread(CliRunner().invoke, deadletters_app, [
                "redrive", "--database-url", database_url, "--bootstrap", kafka_bootstrap, "--service", service,
                "--consumer", consumer])
            assert again.exit_code == 0, again.output
            assert "published 0, already redriven 1" in again.output
            await asyncio.sleep(1.0)
        finally:
            await broker.stop()
        # then: one effect each
        assert await tallies(db) == [3, REFUSED]
        assert good.event_id != refused.event_id
        listed = await asyncio.to_thread(CliRunner().invoke, deadletters_app, [
            "list", "--database-url", database_url, "--consumer", consumer])
        assert "redriven" in listed.output and "1 dead letter(s)" in listed.output


class TestInboxRetention:
    async def test_prunes_only_rows_older_than_the_retention(self, db: Database, unique: str) -> None:
        consumer = f"prune-{unique}"
        async with db.connection() as conn:
            for age_days in (1, 40, 100):
                await conn.execute(
                    "INSERT INTO inbox (consumer, event_id, event_type, processed_at) "
                    "VALUES ($1, $2, 'test.Tallied', now() - make_interval(days => $3))",
                    consumer, uuid.uuid4(), age_days)
        assert await prune_inbox(db, older_than_days=30, consumer=consumer) == 2
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", consumer) == 1
