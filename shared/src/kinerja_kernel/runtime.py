"""What one service process runs besides its HTTP routes: database, event store, relay, consumers.

A service's ``bootstrap`` builds a ``ServiceRuntime``, adds its consumers, and its FastAPI lifespan
starts and stops it. Nothing here is created at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, Migration, migrate
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.inbox import TRANSIENT_ERRORS, DeadLetters, Handler, InboxConsumer, IncomingRecord
from kinerja_kernel.kafka import (
    TopicSpec,
    dead_letter_topic,
    ensure_topics,
    events_topic,
    idempotent_producer,
)
from kinerja_kernel.outbox import OutboxRelay
from kinerja_kernel.settings import ServiceSettings

log = structlog.get_logger(__name__)


BatchHandler = Callable[[list[IncomingRecord], DeadLetters], Awaitable[None]]


@dataclass(frozen=True)
class BatchConsumerSpec:
    """A consumer group reading plain records in batches (high-volume input, not our CloudEvents).

    The handler parks each unusable record with ``DeadLetters.park`` and applies the rest; the batch's
    offsets are committed only after it returns.
    """

    name: str
    topics: Sequence[str]
    handle: BatchHandler
    max_records: int = 500


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of this service: the topics it reads and a handler per event type."""

    name: str
    topics: Sequence[str]
    handlers: Mapping[str, Handler]


def attach_consumer(broker: KafkaBroker, consumer: InboxConsumer, topics: Sequence[str]) -> None:
    """Subscribe ``consumer`` with manual acknowledgement: the offset is committed after the effect."""

    async def on_record(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        assert not isinstance(raw, tuple)
        record = IncomingRecord(
            topic=raw.topic, partition=raw.partition, offset=raw.offset, key=raw.key, value=raw.value,
            headers=tuple(raw.headers or ()),
        )
        try:
            await consumer.process(record)
        except (*TRANSIENT_ERRORS, KafkaError) as exc:
            log.error("consumer.redeliver", consumer=consumer.name, offset=raw.offset, error=repr(exc))
            await msg.nack()
            return
        except Exception:
            # never let FastStream swallow a record: the next ack would commit past it
            log.exception("consumer.unexpected_error", consumer=consumer.name, offset=raw.offset)
            await msg.nack()
            raise
        await msg.ack()

    broker.subscriber(
        *topics, group_id=consumer.name, ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest",
        max_poll_interval_ms=300_000, decoder=_undecoded,
    )(on_record)


def attach_batch_consumer(broker: KafkaBroker, spec: BatchConsumerSpec, dead_letters: DeadLetters) -> None:
    """Subscribe a batch consumer with manual acknowledgement: offsets move after the batch is applied."""

    async def on_batch(msg: KafkaMessage) -> None:
        raws = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        records = [IncomingRecord(topic=r.topic, partition=r.partition, offset=r.offset, key=r.key, value=r.value,
                                  headers=tuple(r.headers or ())) for r in raws]
        try:
            await spec.handle(records, dead_letters)
        except (*TRANSIENT_ERRORS, KafkaError) as exc:
            log.error("consumer.redeliver_batch", consumer=spec.name, records=len(records), error=repr(exc))
            await msg.nack()
            return
        except Exception:
            log.exception("consumer.unexpected_error", consumer=spec.name, records=len(records))
            await msg.nack()
            raise
        await msg.ack()

    broker.subscriber(
        *spec.topics, group_id=spec.name, batch=True, max_records=spec.max_records, batch_timeout_ms=200,
        ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest", decoder=_undecoded,
    )(on_batch)


async def _undecoded(message: StreamMessage[Any]) -> Any:
    """Leave the body as bytes: a record that is not JSON must reach the consumer to be dead-lettered
    (FastStream's JSON decoding would fail before the handler and the record would be skipped)."""
    return message.body


class ServiceRuntime:
    """The infrastructure of one service process."""

    def __init__(self, *, service: str, settings: ServiceSettings, migrations: Sequence[Migration] = ()) -> None:
        self.service = service
        self.settings = settings
        self.migrations = migrations
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._db: Database | None = None
        self._producer: AIOKafkaProducer | None = None
        self._store: PostgresEventStore | None = None
        self.relay: OutboxRelay | None = None
        self.broker: KafkaBroker | None = None

    @property
    def topic(self) -> str:
        return events_topic(self.service)

    @property
    def db(self) -> Database:
        assert self._db is not None, "runtime not started"
        return self._db

    @property
    def store(self) -> PostgresEventStore:
        assert self._store is not None, "runtime not started"
        return self._store

    @property
    def producer(self) -> AIOKafkaProducer:
        assert self._producer is not None, "runtime not started"
        return self._producer

    def _topic_spec(self, name: str) -> TopicSpec:
        s = self.settings
        return TopicSpec(name, s.topic_partitions, replication_factor=s.topic_replication_factor)

    async def start(self) -> None:
        """Database with migrations, topics, producer, event store and (if enabled) the relay."""
        s = self.settings
        self._db = await Database.connect(s.database_url, min_size=s.db_pool_min, max_size=s.db_pool_max)
        async with self._db.connection() as conn:
            await migrate(conn, [*KERNEL_MIGRATIONS, *self.migrations])
        await ensure_topics(s.kafka_bootstrap_servers, [
            self._topic_spec(self.topic), self._topic_spec(dead_letter_topic(self.service)),
        ])
        self._producer = idempotent_producer(s.kafka_bootstrap_servers, client_id=f"kinerja-{self.service}")
        await self._producer.start()
        self._store = PostgresEventStore(self._db, source=f"/kinerja/{self.service}")
        if s.relay_enabled:
            self.relay = OutboxRelay(
                dsn=s.database_url, producer=self._producer, topic=self.topic, batch_size=s.relay_batch_size,
                idle_interval=s.relay_idle_interval_ms / 1000,
            )
            self._db.on_commit(self.relay.wake)
            self._tasks.append(asyncio.create_task(self.relay.run(self._stop), name=f"{self.service}-relay"))
        log.info("runtime.started", service=self.service, topic=self.topic)

    def run_background(self, name: str, work: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
        """Run ``work(stop)`` as a task of this process until shutdown: ``stop`` is set when the runtime
        stops, and the task is awaited (like the relay) before the producer and database close."""
        self._tasks.append(asyncio.create_task(work(self._stop), name=f"{self.service}-{name}"))

    async def start_consumers(self, specs: Sequence[ConsumerSpec | BatchConsumerSpec]) -> None:
        """Subscribe this service's consumer groups (their topics are created if missing)."""
        s = self.settings
        if not specs or not s.consumer_enabled:
            return
        topics = sorted({t for spec in specs for t in spec.topics})
        await ensure_topics(s.kafka_bootstrap_servers, [self._topic_spec(t) for t in topics])
        self.broker = KafkaBroker(s.kafka_bootstrap_servers, client_id=f"kinerja-{self.service}-consumer",
                                  logger=None)
        for spec in specs:
            if isinstance(spec, BatchConsumerSpec):
                sink = DeadLetters(consumer=spec.name, db=self.db, producer=self.producer,
                                   topic=dead_letter_topic(self.service))
                attach_batch_consumer(self.broker, spec, sink)
                continue
            consumer = InboxConsumer(
                name=spec.name, db=self.db, handlers=spec.handlers, producer=self.producer,
                dead_letter_topic=dead_letter_topic(self.service),
            )
            attach_consumer(self.broker, consumer, spec.topics)
        await self.broker.start()
        log.info("runtime.consumers_started", service=self.service, groups=[s.name for s in specs])

    async def stop(self) -> None:
        self._stop.set()
        if self.broker is not None:
            await self.broker.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=10)
        if self._producer is not None:
            await self._producer.stop()
        if self._db is not None:
            await self._db.close()
        log.info("runtime.stopped", service=self.service)
