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
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import ConsumerStoppedError, KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, Migration, migrate
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.inbox import (
    TRANSIENT_ERRORS,
    DeadLetters,
    Handler,
    HandlerFailed,
    InboxConsumer,
    IncomingRecord,
    prune_inbox,
)
from kinerja_kernel.kafka import (
    TopicSpec,
    dead_letter_topic,
    ensure_topics,
    events_topic,
    idempotent_producer,
)
from kinerja_kernel.metrics import Probe
from kinerja_kernel.outbox import OutboxRelay
from kinerja_kernel.settings import ServiceSettings
from kinerja_kernel.transparency.metrics import transparency_probe
from kinerja_kernel.transparency.note import Signer, Verifier
from kinerja_kernel.transparency.service import TransparencyLog, WitnessConfig, checkpoints_topic
from kinerja_kernel.transparency.store import TRANSPARENCY_MIGRATIONS

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


COMMIT_EVERY = 200
"""Records processed before their offsets are committed at the latest."""
COMMIT_AFTER_S = 0.1
"""Seconds after the last processed record before its offset is committed at the latest."""


class OffsetCommitter:
    """Commits the offsets of processed records in groups instead of one round trip per record.

    It commits explicit offsets (the record after the last processed one, per partition), never the
    consumer's position, so a record that was fetched but not yet processed is never committed past. It
    commits every ``COMMIT_EVERY`` records and ``COMMIT_AFTER_S`` after the last one, one commit at a time
    (so a later commit never lands before an earlier one). What was processed but not yet committed when
    the process stops or a rebalance moves the partition is delivered again, and the inbox skips it: the
    handler's effect and the inbox row are one transaction.
    """

    def __init__(self, name: str, *, every: int = COMMIT_EVERY, after_s: float = COMMIT_AFTER_S) -> None:
        self.name, self.every, self.after_s = name, every, after_s
        self._pending: dict[TopicPartition, int] = {}
        self._count = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._timer: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self.halted: str | None = None
        """Why the consumer stopped (a bug in a handler), or None while it runs."""
        self.stopping: asyncio.Task[None] | None = None
        self.subscriber: Any = None
        """The FastStream subscriber (its ``consumer`` is the Kafka consumer once started)."""

    @property
    def consumer(self) -> AIOKafkaConsumer | None:
        """The Kafka consumer, once started (for lag figures and assignments)."""
        started = getattr(self.subscriber, "consumer", None)
        return started if isinstance(started, AIOKafkaConsumer) else self._consumer

    async def processed(self, consumer: AIOKafkaConsumer, topic: str, partition: int, offset: int) -> None:
        self._consumer = consumer
        self._pending[TopicPartition(topic, partition)] = offset + 1
        self._count += 1
        if self._count >= self.every:
            await self.flush()
        elif self._timer is None or self._timer.done():
            self._timer = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.after_s)
        await self.flush()

    async def flush(self) -> None:
        async with self._lock:
            if not self._pending or self._consumer is None:
                return
            offsets, self._pending, self._count = self._pending, {}, 0
            try:
                await self._consumer.commit(offsets)
            except (KafkaError, ConsumerStoppedError) as exc:  # e.g. partitions reassigned, or stopping
                log.warning("consumer.commit_failed", consumer=self.name, offsets=len(offsets), error=repr(exc))


def attach_consumer(broker: KafkaBroker, consumer: InboxConsumer, topics: Sequence[str], *,
                    session_timeout_ms: int = 10_000, heartbeat_interval_ms: int = 3_000) -> OffsetCommitter:
    """Subscribe ``consumer`` with manual acknowledgement: an offset is committed only after the record's
    effect, in groups (``OffsetCommitter``).

    A bug in a handler (``HandlerFailed``) halts the consumer: an error log names the event, what was
    processed before it is committed, the record's offset is not, and the subscriber stops; after the fix
    and a restart the group receives the record again (``committer.halted`` says why meanwhile).
    """
    committer = OffsetCommitter(consumer.name)

    async def on_record(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        assert not isinstance(raw, tuple)
        if committer.halted is not None:
            return  # halted: nothing more is processed or committed until a restart
        record = IncomingRecord(
            topic=raw.topic, partition=raw.partition, offset=raw.offset, key=raw.key, value=raw.value,
            headers=tuple(raw.headers or ()),
        )
        try:
            await consumer.process(record)
        except HandlerFailed as exc:
            committer.halted = str(exc)
            log.error("consumer.halted", consumer=consumer.name, event_id=str(exc.envelope.event_id),
                      event_type=exc.envelope.event_type, topic=raw.topic, partition=raw.partition,
                      offset=raw.offset, error=repr(exc.error), exc_info=exc.error)
            await committer.flush()
            committer.stopping = asyncio.get_running_loop().create_task(subscriber.stop())
            return
        except (*TRANSIENT_ERRORS, ConcurrencyError, KafkaError) as exc:
            log.error("consumer.redeliver", consumer=consumer.name, offset=raw.offset, error=repr(exc))
            await msg.nack()
            return
        except Exception:
            # never let FastStream swallow a record: the next ack would commit past it
            log.exception("consumer.unexpected_error", consumer=consumer.name, offset=raw.offset)
            await msg.nack()
            raise
        kafka_consumer = getattr(msg, "consumer", None)
        if isinstance(kafka_consumer, AIOKafkaConsumer):
            await committer.processed(kafka_consumer, raw.topic, raw.partition, raw.offset)
        else:
            await msg.ack()

    subscriber = broker.subscriber(
        *topics, group_id=consumer.name, ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest",
        max_poll_interval_ms=300_000, session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=heartbeat_interval_ms, decoder=_undecoded,
    )
    subscriber(on_record)
    committer.subscriber = subscriber
    return committer


class Backoff:
    """Exponential delays for redelivering after an infrastructure failure (0.2 s doubling up to 5 s, like
    the per-event consumers' retries), reset by a success."""

    def __init__(self, first: float = 0.2, limit: float = 5.0) -> None:
        self.first, self.limit, self._failures = first, limit, 0

    def next(self) -> float:
        delay: float = min(self.limit, self.first * 2.0 ** self._failures)
        self._failures += 1
        return delay

    def reset(self) -> None:
        self._failures = 0


def attach_batch_consumer(broker: KafkaBroker, spec: BatchConsumerSpec, dead_letters: DeadLetters, *,
                          session_timeout_ms: int = 10_000, heartbeat_interval_ms: int = 3_000) -> None:
    """Subscribe a batch consumer with manual acknowledgement: offsets move after the batch is applied."""

    backoff = Backoff()

    async def on_batch(msg: KafkaMessage) -> None:
        raws = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        records = [IncomingRecord(topic=r.topic, partition=r.partition, offset=r.offset, key=r.key, value=r.value,
                                  headers=tuple(r.headers or ())) for r in raws]
        try:
            await spec.handle(records, dead_letters)
        except (*TRANSIENT_ERRORS, KafkaError) as exc:
            delay = backoff.next()
            log.error("consumer.redeliver_batch", consumer=spec.name, records=len(records), error=repr(exc),
                      retry_in_s=delay)
            await asyncio.sleep(delay)  # the database or broker is down: do not refetch hundreds of times a second
            await msg.nack()
            return
        except Exception:
            log.exception("consumer.unexpected_error", consumer=spec.name, records=len(records))
            await msg.nack()
            raise
        backoff.reset()
        await msg.ack()

    broker.subscriber(
        *spec.topics, group_id=spec.name, batch=True, max_records=spec.max_records, batch_timeout_ms=200,
        ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest", session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=heartbeat_interval_ms, decoder=_undecoded,
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
        self._committers: list[OffsetCommitter] = []
        self._db: Database | None = None
        self._producer: AIOKafkaProducer | None = None
        self._store: PostgresEventStore | None = None
        self.relay: OutboxRelay | None = None
        self.transparency: TransparencyLog | None = None
        self.broker: KafkaBroker | None = None
        self.metric_probes: list[Probe] = []
        """The service's own figures for ``/metrics`` (``kinerja_kernel.metrics.declare_gauge``)."""

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
        self._db = await Database.connect(s.database_dsn, min_size=s.db_pool_min, max_size=s.db_pool_max)
        async with self._db.connection() as conn:
            await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS, *self.migrations])
        await ensure_topics(s.kafka, [
            self._topic_spec(self.topic), self._topic_spec(dead_letter_topic(self.service)),
            TopicSpec(checkpoints_topic(self.service), 1, replication_factor=s.topic_replication_factor),
        ])
        self._producer = idempotent_producer(s.kafka, client_id=f"kinerja-{self.service}")
        await self._producer.start()
        self._store = PostgresEventStore(self._db, source=f"/kinerja/{self.service}")
        if s.relay_enabled:
            self.relay = OutboxRelay(
                dsn=s.database_dsn, producer=self._producer, topic=self.topic, batch_size=s.relay_batch_size,
                idle_interval=s.relay_idle_interval_ms / 1000,
            )
            self._db.on_commit(self.relay.wake)
            self._tasks.append(asyncio.create_task(self.relay.run(self._stop), name=f"{self.service}-relay"))
        if s.transparency_enabled:
            self._start_transparency()
        log.info("runtime.started", service=self.service, topic=self.topic)

    def _start_transparency(self) -> None:
        """The Merkle log of this service's events, its checkpoints and their witness (issue 16)."""
        s = self.settings
        key = s.transparency_signing_key
        signer = Signer.parse(key.get_secret_value()) if key else None
        if signer is None:
            log.warning("transparency.no_signing_key", service=self.service)
        witness = (WitnessConfig(s.transparency_witness_url,
                                 Verifier.parse(s.transparency_witness_key) if s.transparency_witness_key else None)
                   if s.transparency_witness_url else None)
        self.transparency = TransparencyLog(
            dsn=s.database_dsn, signer=signer, producer=self._producer, topic=checkpoints_topic(self.service),
            witness=witness, checkpoint_interval=s.transparency_checkpoint_interval_s)
        assert self._db is not None
        self._db.on_commit(self.transparency.wake)
        self.metric_probes.append(transparency_probe(self._db, witnessed=witness is not None))
        if self.relay is not None:  # the rows the relay reads continue the log: no second read of the events
            self.relay.add_rows_listener(self.transparency.hand_over)
        self._tasks.append(asyncio.create_task(self.transparency.run(self._stop), name=f"{self.service}-transparency"))

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
        await ensure_topics(s.kafka, [self._topic_spec(t) for t in topics])
        self.broker = KafkaBroker(**s.kafka.broker_kwargs(), client_id=f"kinerja-{self.service}-consumer", logger=None)
        group = {"session_timeout_ms": s.consumer_session_timeout_ms,
                 "heartbeat_interval_ms": s.consumer_heartbeat_interval_ms}
        for spec in specs:
            if isinstance(spec, BatchConsumerSpec):
                sink = DeadLetters(consumer=spec.name, db=self.db, producer=self.producer,
                                   topic=dead_letter_topic(self.service))
                attach_batch_consumer(self.broker, spec, sink, **group)
                continue
            consumer = InboxConsumer(
                name=spec.name, db=self.db, handlers=spec.handlers, producer=self.producer,
                dead_letter_topic=dead_letter_topic(self.service),
            )
            self._committers.append(attach_consumer(self.broker, consumer, spec.topics, **group))
        await self.broker.start()
        if s.inbox_retention_days > 0:
            self.run_background("inbox-pruning", self._prune_inbox)
        log.info("runtime.consumers_started", service=self.service, groups=[s.name for s in specs])

    def consumer_states(self) -> dict[str, str | None]:
        """Each per-event consumer and why it halted (``None`` while it runs)."""
        return {c.name: c.halted for c in self._committers}

    def not_ready(self) -> list[str]:
        """Why this instance should get no traffic now (empty: ready): the relay holds no database connection
        (it neither leads nor stands by), or a consumer has not started (joined its group)."""
        reasons = []
        if self.relay is not None and not self.relay.connected:
            reasons.append("relay: no database connection (neither leading nor standing by)")
        reasons += [f"consumer {c.name}: not started" for c in self._committers if c.consumer is None]
        return reasons

    def not_alive(self) -> list[str]:
        """Background work that ended before shutdown (a relay, a worker): only a restart brings it back."""
        if self._stop.is_set():
            return []
        return [f"{task.get_name()}: ended" for task in self._tasks if task.done()]

    def consumer_assignments(self) -> dict[str, list[str]]:
        """The partitions each per-event consumer of this process is assigned now (``topic/partition``);
        an empty list while it has none (still joining its group, or more instances than partitions)."""
        assigned: dict[str, list[str]] = {}
        for committer in self._committers:
            consumer = committer.consumer
            tps = consumer.assignment() if consumer is not None else set()
            assigned[committer.name] = sorted(f"{tp.topic}/{tp.partition}" for tp in tps)
        return assigned

    async def consumer_lag(self) -> dict[tuple[str, str, int], int]:
        """Records behind the end of each partition a consumer of this process is assigned (known once the
        consumer has fetched from it)."""
        lag: dict[tuple[str, str, int], int] = {}
        for committer in self._committers:
            consumer = committer.consumer
            if consumer is None:
                continue
            for tp in consumer.assignment():
                end = consumer.highwater(tp)
                if end is not None:
                    lag[(committer.name, tp.topic, tp.partition)] = max(0, end - await consumer.position(tp))
        return lag

    @property
    def halted_consumers(self) -> dict[str, str]:
        """Consumers stopped by a bug in a handler, and why (``/health`` reports them)."""
        return {c.name: c.halted for c in self._committers if c.halted is not None}

    async def _prune_inbox(self, stop: asyncio.Event) -> None:
        """Delete inbox rows older than ``inbox_retention_days`` now and then (hourly)."""
        while not stop.is_set():
            try:
                await prune_inbox(self.db, older_than_days=self.settings.inbox_retention_days)
            except TRANSIENT_ERRORS as exc:
                log.warning("inbox.prune_failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=3600)

    async def stop(self) -> None:
        self._stop.set()
        for committer in self._committers:
            await committer.flush()  # what was processed so far (anything after is delivered again and skipped)
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
