"""The outbox relay: publishes every committed event to Kafka, in commit order, at least once.

The events table *is* the outbox. The relay reads it in gap-safe commit order (see
``eventstore``), sends a batch with an idempotent ``acks=all`` producer, waits for every
acknowledgement, and only then moves its checkpoint, in the same database. A crash between send and
checkpoint re-sends that batch on restart; consumers drop the duplicates by event id. One relay per
database publishes at a time (a PostgreSQL advisory lock elects it); others wait as standbys.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.db import _lock_key
from kinerja_kernel.eventstore import CommitCursor, StoredEvent, read_committed

log = structlog.get_logger(__name__)

Listener = Callable[[list[StoredEvent]], Awaitable[None] | None]


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
        self._wake = asyncio.Event()
        self._listeners: list[Listener] = []

    def wake(self) -> None:
        """Hint that events were committed (an after-commit hook); polling covers other writers."""
        self._wake.set()

    def add_listener(self, listener: Listener) -> None:
        """Called with each batch after Kafka acknowledged it (for metrics and benchmarks)."""
        self._listeners.append(listener)

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set; reconnect after database or Kafka failures."""
        while not stop.is_set():
            try:
                await self._lead(stop)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("relay.error", relay=self.name, error=repr(exc))
                self.is_leader = False
                await _sleep_or_stop(stop, 1.0)

    async def _lead(self, stop: asyncio.Event) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        try:
            while not stop.is_set():
                if await conn.fetchval("SELECT pg_try_advisory_lock($1)", _lock_key(f"kinerja:relay:{self.name}")):
                    break
                await _sleep_or_stop(stop, self.standby_interval)
            if stop.is_set():
                return
            self.is_leader = True
            log.info("relay.leading", relay=self.name, topic=self.topic)
            await conn.execute(
                "INSERT INTO relay_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", self.name
            )
            row = await conn.fetchrow("SELECT tx_id, position FROM relay_checkpoints WHERE name = $1", self.name)
            assert row is not None
            cursor = CommitCursor(row["tx_id"], row["position"])
            interval = self.idle_interval
            while not stop.is_set():
                woken = self._wake.is_set()
                self._wake.clear()
                cursor, sent = await self._publish_batch(conn, cursor)
                # activity: poll fast (a commit may wait behind xmin); idle: back off
                interval = self.idle_interval if sent or woken else min(interval * 2, self.max_idle_interval)
                if sent < self.batch_size:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=interval)
        finally:
            self.is_leader = False
            await conn.close()

    async def _publish_batch(self, conn: asyncpg.Connection, cursor: CommitCursor) -> tuple[CommitCursor, int]:
        batch = await read_committed(conn, cursor, limit=self.batch_size)
        if not batch:
            return cursor, 0
        started = time.perf_counter()
        futures = []
        for stored in batch:
            record = to_kafka(stored.event)
            futures.append(
                await self.producer.send(self.topic, value=record.value, key=record.key, headers=record.headers)
            )
        await asyncio.gather(*futures)
        last = batch[-1].cursor
        await conn.execute(
            "UPDATE relay_checkpoints SET tx_id = $2, position = $3, published = published + $4, "
            "updated_at = now() WHERE name = $1",
            self.name, last.tx_id, last.position, len(batch),
        )
        self.published += len(batch)
        log.debug("relay.published", relay=self.name, count=len(batch),
                  ms=round((time.perf_counter() - started) * 1000, 2))
        for listener in self._listeners:
            result = listener(batch)
            if result is not None:
                await result
        return last, len(batch)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
