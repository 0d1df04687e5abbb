"""The outbox relay: publishes every committed event to Kafka, in commit order, at least once.

The events table *is* the outbox. The relay reads it in gap-safe commit order (see
``eventstore``), sends each batch with an idempotent ``acks=all`` producer, and moves its checkpoint
(in the same database) only after Kafka acknowledged every record of the batch. A crash between send
and checkpoint re-sends that batch on restart; consumers drop the duplicates by event id. One relay
per database publishes at a time (a PostgreSQL advisory lock elects it); others wait as standbys.

Speed: records are built straight from the rows, grouped per partition into producer batches (the
same murmur2 key partitioning as a keyed send, so one subject's events keep their order), and the
next batch is read and encoded while Kafka acknowledges the previous one.

Order across a failure: a partition's next producer batch is handed over only after the one before it on
that partition was acknowledged. Otherwise a batch that fails (expired while the brokers were away) could
be followed onto the topic by the batch after it, and the restart from the checkpoint would re-send the
failed events *after* later ones of the same stream (``tests/integration/test_relay_failed_batch.py``).
So what one relay puts on a partition is always a prefix of what it meant to, and the copies re-sent
after a failure or a fail-over only ever repeat events consumers have seen (and skip by event id).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry.trace import SpanKind

from kinerja_kernel import tracing
from kinerja_kernel.canonical import canonical_stored
from kinerja_kernel.cloudevents import kafka_record
from kinerja_kernel.db import _lock_key
from kinerja_kernel.eventstore import COMMITTED_SQL, CommitCursor

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PublishedBatch:
    """What Kafka acknowledged: the event ids in commit order and the checkpoint after them."""

    event_ids: list[str]
    cursor: CommitCursor
    acknowledged_at: float  # time.perf_counter()


Listener = Callable[[PublishedBatch], Awaitable[None] | None]
RowsListener = Callable[[tuple[int, int], list[asyncpg.Record]], None]
"""Called with each batch of rows as read (the cursor before them, the rows), before they are sent."""


_PARTITION_CACHE = 100_000  # keys (subjects) whose partition is remembered (least recently used forgotten)


@dataclass
class _InFlight:
    futures: list[asyncio.Future[object]]
    event_ids: list[str]
    cursor: CommitCursor


class OutboxRelay:
    """Moves committed events from one service's store to its Kafka topic."""

    def __init__(
        self,
        *,
        dsn: str,
        producer: AIOKafkaProducer,
        topic: str,
        name: str = "kafka",
        batch_size: int = 1000,
        idle_interval: float = 0.02,
        max_idle_interval: float = 0.5,
        standby_interval: float = 2.0,
    ) -> None:
        self.dsn = dsn
        self.producer = producer
        self.topic = topic
        self.name = name
        self.batch_size = batch_size
        self.idle_interval = idle_interval
        self.max_idle_interval = max(idle_interval, max_idle_interval)
        self.standby_interval = standby_interval
        self.published = 0
        self.is_leader = False
        self.connected = False
        """Holding a database connection: leading, or standing by for the lock (readiness)."""
        self._wake = asyncio.Event()
        self._listeners: list[Listener] = []
        self._rows_listeners: list[RowsListener] = []
        self._partitioner = DefaultPartitioner()
        self._partition_of: Callable[[bytes], int] = lambda key: 0  # key -> partition, cached while leading
        # (aiokafka's murmur2 is Python: µs per record); set with the topic's partitions on taking the lead
        self._last: dict[int, asyncio.Future[object]] = {}  # per partition: the batch handed over last

    def wake(self) -> None:
        """Hint that events were committed (an after-commit hook); polling covers other writers."""
        self._wake.set()

    def add_listener(self, listener: Listener) -> None:
        """Called with each batch after Kafka acknowledged it (for metrics and benchmarks)."""
        self._listeners.append(listener)

    def add_rows_listener(self, listener: RowsListener) -> None:
        """Called with each batch of rows as read in commit order (e.g. the transparency log appends them
        without reading the events again)."""
        self._rows_listeners.append(listener)

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set; reconnect after database or Kafka failures."""
        while not stop.is_set():
            try:
                await self._lead(stop)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, KafkaError) as exc:
                # e.g. a batch expired while the brokers were away: start again from the checkpoint
                log.warning("relay.error", relay=self.name, error=repr(exc))
                self.is_leader = False
                await _sleep_or_stop(stop, 1.0)

    async def _lead(self, stop: asyncio.Event) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        self.connected = True
        try:
            lock = _lock_key(f"kinerja:relay:{self.name}")
            while not stop.is_set():
                if await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock):
                    break
                await _sleep_or_stop(stop, self.standby_interval)
            if stop.is_set():
                return
            self.is_leader = True
            log.info("relay.leading", relay=self.name, topic=self.topic)
            partitions = sorted(await self.producer.partitions_for(self.topic))
            self._partition_of = functools.lru_cache(maxsize=_PARTITION_CACHE)(
                lambda key: self._partitioner(key, partitions, partitions))
            await conn.execute("INSERT INTO relay_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING", self.name)
            row = await conn.fetchrow("SELECT tx_id, position FROM relay_checkpoints WHERE name = $1", self.name)
            assert row is not None
            await self._pump(conn, CommitCursor(row["tx_id"], row["position"]), stop)
        finally:
            self.is_leader = self.connected = False
            await conn.close()

    async def _pump(self, conn: asyncpg.Connection, cursor: CommitCursor, stop: asyncio.Event) -> None:
        inflight: _InFlight | None = None
        interval = self.idle_interval
        self._last = {}
        try:
            while not stop.is_set():
                woken = self._wake.is_set()
                self._wake.clear()
                rows = await conn.fetch(COMMITTED_SQL, str(cursor.tx_id), cursor.position, self.batch_size)
                for hand_over in self._rows_listeners if rows else ():
                    hand_over((cursor.tx_id, cursor.position), rows)
                sent = await self._send(rows) if rows else None
                if sent is not None:
                    cursor = sent.cursor
                if inflight is not None:  # acknowledge the previous batch while this one is on its way
                    await self._confirm(conn, inflight)
                inflight = sent
                # activity: poll fast (a commit may wait behind xmin); idle: back off
                interval = self.idle_interval if rows or woken else min(interval * 2, self.max_idle_interval)
                if len(rows) < self.batch_size and inflight is None:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=interval)
            if inflight is not None:
                await self._confirm(conn, inflight)
        finally:
            # never leave futures unobserved when failing (those of a batch only partly handed over too)
            await asyncio.gather(*(inflight.futures if inflight else ()), *self._last.values(),
                                 return_exceptions=True)

    async def _send(self, rows: list[asyncpg.Record]) -> _InFlight:
        """Encode the rows and hand them to the producer, one batch per partition, in order."""
        builders: dict[int, Any] = {}  # aiokafka BatchBuilder (untyped)
        full: list[tuple[int, Any]] = []
        event_ids: list[str] = []
        traced = tracing.enabled()
        for row in rows:
            record = kafka_record(row, canonical_stored(row["payload"]))
            if traced and row["traceparent"]:
                with tracing.span(f"publish {self.topic}", kind=SpanKind.PRODUCER, parent=row["traceparent"],
                                  attributes={"messaging.system": "kafka", "messaging.destination.name": self.topic,
                                              "cloudevents.event_id": str(row["event_id"])}):
                    pass  # marks the hand-over to Kafka in the event's trace
            partition = self._partition_of(record.key)
            builder = builders.get(partition) or self.producer.create_batch()
            if builder.append(key=record.key, value=record.value, timestamp=None, headers=record.headers) is None:
                full.append((partition, builder))
                builder = self.producer.create_batch()
                builder.append(key=record.key, value=record.value, timestamp=None, headers=record.headers)
            builders[partition] = builder
            event_ids.append(str(row["event_id"]))
        futures = [await self._hand_over(partition, builder) for partition, builder in (*full, *builders.items())]
        last = rows[-1]
        return _InFlight(futures, event_ids, CommitCursor(last["tx_id"], last["position"]))

    async def _hand_over(self, partition: int, builder: Any) -> asyncio.Future[object]:
        """Give one producer batch to Kafka once the partition's previous one is acknowledged (its failure
        raises here, and this batch is never sent: the relay starts again from its checkpoint)."""
        previous = self._last.get(partition)
        if previous is not None:
            await previous
        future: asyncio.Future[object] = await self.producer.send_batch(builder, self.topic, partition=partition)
        self._last[partition] = future
        return future

    async def _confirm(self, conn: asyncpg.Connection, batch: _InFlight) -> None:
        """Wait for Kafka's acknowledgements, then move the checkpoint past the batch."""
        await asyncio.gather(*batch.futures)
        acknowledged = time.perf_counter()
        await conn.execute(
            "UPDATE relay_checkpoints SET tx_id = $2, position = $3, published = published + $4, "
            "updated_at = now() WHERE name = $1",
            self.name, batch.cursor.tx_id, batch.cursor.position, len(batch.event_ids),
        )
        self.published += len(batch.event_ids)
        published = PublishedBatch(batch.event_ids, batch.cursor, acknowledged)
        for listener in self._listeners:
            result = listener(published)
            if result is not None:
                await result


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
