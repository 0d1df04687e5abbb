"""Rebuilding a service's read models from events, beside the live ones, and comparing the two.

The service's read-model migrations run again in a fresh schema (``rebuild_<id>``) with
``search_path = rebuild_<id>, public``: the same unqualified ``CREATE TABLE`` statements create empty
twins there, and the same projection fills them: set-based when it has a batch form (``Projection.batched``:
one call per chunk of ~1,000 events), else handler by handler. Sources, in this order:

1. other services' topics the service consumes (``foreign``), from the beginning, each event once;
2. the service's own events, from its own topic from the beginning (``source="kafka"``) or from its
   store in commit order (``source="store"``).

Then every twin is compared row by row with its live table (``EXCEPT ALL`` both ways). With ``apply``
the twins replace the live tables (stop the service first: live writes during the swap would be lost);
otherwise the schema is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import asyncpg

from kinerja_kernel.cloudevents import MalformedMessage, from_kafka
from kinerja_kernel.db import Migration
from kinerja_kernel.deferred import DeferredWrites
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.eventstore import CommitCursor, read_committed
from kinerja_kernel.inbox import Handler
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.registry import REGISTRY, EventRegistry
from kinerja_kernel.repository import BatchProjection, Projection
from kinerja_kernel.topic_reader import read_topic
from kinerja_kernel.transport import KafkaTarget

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CHUNK = 1000
"""Events applied per transaction (and read per query from the store)."""
GC_THRESHOLD = 50_000
"""The youngest generation's collection threshold while rebuilding (Python's default: 700). A rebuild makes
millions of short-lived dicts (payloads, envelopes, rows); collecting every 700 of them cost ~40 % of its CPU
(evaluation's rebuild of 10,200 events, load 8: 52 -> 30 us of CPU per event with it raised)."""


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's youngest generation collected every ``GC_THRESHOLD`` allocations instead of 700, in the block."""
    before = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True)
class ReadModels:
    """What a service's read models are made of: their migrations, the projection of its own events,
    and the table-only handlers of the foreign events it consumes (by topic; never policies that append)."""

    service: str
    migrations: Sequence[Migration]
    projection: Projection
    foreign: Mapping[str, Mapping[str, Handler]] = field(default_factory=dict)
    ignore_columns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    tables: Sequence[str] | None = None  # the tables rebuilt and compared (default: all the migrations create)


@dataclass
class TableComparison:
    table: str
    live: int
    rebuilt: int
    missing: int  # live rows the rebuild did not produce
    extra: int  # rebuilt rows that are not live

    @property
    def equal(self) -> bool:
        return self.missing == 0 and self.extra == 0


@dataclass
class RebuildReport:
    service: str
    source: str
    events: int
    seconds: float
    tables: list[TableComparison]
    applied: bool
    path: str = "per-event"  # how the service's own events were applied: "batch" or "per-event"
    phases: dict[str, float] = field(default_factory=dict)
    """seconds of: the shadow schema, waiting for the topics after it, the foreign events, the service's own"""

    @property
    def equal(self) -> bool:
        return all(t.equal for t in self.tables)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"service": self.service, "source": self.source, "events": self.events,
                "seconds": round(self.seconds, 3), "events_per_second": round(self.events_per_second),
                "equal": self.equal, "applied": self.applied, "path": self.path,
                "phases": {k: round(v, 3) for k, v in self.phases.items()},
                "tables": [{**vars(t), "equal": t.equal} for t in self.tables]}


async def rebuild(dsn: str, spec: ReadModels, *, source: Literal["store", "kafka"] = "store",
                  bootstrap: KafkaTarget | None = None, apply: bool = False, progress: Progress | None = None,
                  registry: EventRegistry = REGISTRY) -> RebuildReport:
    with fewer_collections():
        return await _rebuild(dsn, spec, source=source, bootstrap=bootstrap, apply=apply, progress=progress,
                              registry=registry)


async def _rebuild(dsn: str, spec: ReadModels, *, source: Literal["store", "kafka"], bootstrap: KafkaTarget | None,
                   apply: bool, progress: Progress | None, registry: EventRegistry) -> RebuildReport:
    if (source == "kafka" or spec.foreign) and not bootstrap:
        raise ValueError("a Kafka bootstrap address is needed to read topics")
    schema = f"rebuild_{uuid.uuid4().hex[:10]}"
    shadow = await asyncpg.connect(dsn)
    reader = await asyncpg.connect(dsn)
    started = time.perf_counter()
    events = 0
    applied = False
    # every topic is read at once (each reader waits mostly on Kafka), while the schema is made; applied in order
    topics = [*spec.foreign, *([events_topic(spec.service)] if source == "kafka" else [])]
    reading = asyncio.gather(*(read_topic(bootstrap, t, timeout=300) for t in topics)) if bootstrap else None
    try:
        await shadow.execute(f"CREATE SCHEMA {schema}")
        await shadow.execute(f"SET search_path TO {schema}, public")
        for step in sorted(spec.migrations, key=lambda m: (m.component, m.version)):
            await shadow.execute(step.sql)
        tables = [r["table_name"] for r in await shadow.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", schema)
            if spec.tables is None or r["table_name"] in spec.tables]
        phases = {"schema": time.perf_counter() - started}

        async def apply_events(phase: str, envelopes: Sequence[EventEnvelope], handlers: Mapping[str, Handler],
                               seen: set[uuid.UUID], batch: BatchProjection | None = None) -> None:
            nonlocal events
            if batch is not None:  # set-based: the chunk's events of the projection's types, in one call
                chosen = []
                for envelope in envelopes:
                    if envelope.event_type in handlers and envelope.event_id not in seen:
                        seen.add(envelope.event_id)
                        chosen.append(envelope)
                if chosen:
                    async with shadow.transaction():
                        await batch(shadow, chosen)
                events += len(chosen)
                if progress:
                    progress(phase, events, 0)
                return
            writes = DeferredWrites(shadow)  # the handlers' writes in batches: far fewer round trips
            conn = cast(asyncpg.Connection, writes)
            async with shadow.transaction():
                for envelope in envelopes:
                    handler = handlers.get(envelope.event_type)
                    if handler is None or envelope.event_id in seen:
                        continue
                    seen.add(envelope.event_id)
                    await handler(conn, envelope, registry.decode(envelope.event_type, envelope.event_version,
                                                                  envelope.payload))
                    events += 1
                await writes.flush()
            if progress:
                progress(phase, events, 0)

        read = await reading if reading is not None else []
        phases["topics"] = time.perf_counter() - started - phases["schema"]
        for (topic, handlers), records in zip(spec.foreign.items(), read, strict=False):
            await apply_events(topic, _envelopes(records), handlers, set())
        phases["foreign"] = time.perf_counter() - started - phases["schema"] - phases["topics"]
        own, batch = spec.projection.handlers, spec.projection.batch
        if source == "kafka":
            envelopes = _envelopes(read[-1])
            seen_topic: set[uuid.UUID] = set()
            for i in range(0, len(envelopes), CHUNK):
                await apply_events("topic", envelopes[i:i + CHUNK], own, seen_topic, batch)
        else:
            total = await reader.fetchval("SELECT count(*) FROM events")
            seen_store: set[uuid.UUID] = set()
            next_batch = asyncio.ensure_future(read_committed(reader, CommitCursor(), limit=CHUNK))
            try:
                while chunk := await next_batch:  # the next batch is read while this one is applied
                    next_batch = asyncio.ensure_future(read_committed(reader, chunk[-1].cursor, limit=CHUNK))
                    await apply_events("store", [s.event for s in chunk], own, seen_store, batch)
                    if progress:
                        progress("store", len(seen_store), total)
            finally:
                if not next_batch.done():
                    next_batch.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await next_batch
        seconds = time.perf_counter() - started
        phases["own"] = seconds - phases["schema"] - phases["topics"] - phases["foreign"]
        comparisons = [await _compare(shadow, schema, t, spec.ignore_columns.get(t, ())) for t in tables]
        if apply:
            async with shadow.transaction():
                for t in tables:
                    await shadow.execute(f"DROP TABLE public.{t} CASCADE")
                    await shadow.execute(f"ALTER TABLE {schema}.{t} SET SCHEMA public")
            applied = True
        return RebuildReport(spec.service, source, events, seconds, comparisons, applied,
                             "batch" if batch is not None else "per-event", phases)
    finally:
        if reading is not None and not reading.done():
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reading
        await shadow.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await shadow.close()
        await reader.close()


def _envelopes(records: Sequence[Any]) -> list[EventEnvelope]:
    """Topic records as envelopes (records that are not our CloudEvents are skipped: they were
    dead-lettered by the live consumer too)."""
    out = []
    for r in sorted(records, key=lambda x: (x.partition, x.offset)):
        try:
            out.append(from_kafka(r.value, r.headers))
        except MalformedMessage:
            continue
    return out


async def _compare(conn: asyncpg.Connection, schema: str, table: str, ignored: Sequence[str]) -> TableComparison:
    columns = [r["column_name"] for r in await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 "
        "ORDER BY ordinal_position", schema, table) if r["column_name"] not in ignored]
    cols = ", ".join(f'"{c}"' for c in columns)
    live = f"SELECT {cols} FROM public.{table}"  # noqa: S608 - names from information_schema
    rebuilt = f"SELECT {cols} FROM {schema}.{table}"  # noqa: S608
    row = await conn.fetchrow(
        f"SELECT (SELECT count(*) FROM public.{table}) AS live, (SELECT count(*) FROM {schema}.{table}) AS rebuilt, "  # noqa: S608
        f"(SELECT count(*) FROM ({live} EXCEPT ALL {rebuilt}) m) AS missing, "
        f"(SELECT count(*) FROM ({rebuilt} EXCEPT ALL {live}) x) AS extra")
    assert row is not None
    return TableComparison(table, row["live"], row["rebuilt"], row["missing"], row["extra"])
