"""The PostgreSQL event store: append with expected version, read a stream, read in commit order.

Commit order and the sequence-gap problem
-----------------------------------------
Positions come from an identity sequence, so a transaction can take position 10 and commit after
another one took 11: a reader that trusts positions would skip 10 for good. Each row therefore also
records ``tx_id = pg_current_xact_id()``, and readers in commit order (the outbox relay, catch-up
subscriptions) only read rows whose transaction is older than every transaction still running
(``tx_id < pg_snapshot_xmin(pg_current_snapshot())``), in ``(tx_id, position)`` order. Such rows can
no longer be joined by anything that sorts before them, so a cursor over ``(tx_id, position)`` never
skips a late commit.

Within one stream that order must agree with the stream's versions. An append therefore checks, in
the same statement, that the stream's head was written by a transaction with a transaction id not
above its own; the rare transaction that already held an older id before the head was written gets a
``ConcurrencyError`` and retries, like any other lost race.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
import orjson

from kinerja_kernel.db import Database
from kinerja_kernel.envelope import (
    GENESIS_HASH,
    EventEnvelope,
    PendingEvent,
    format_time,
    seal_with_payload,
    trusted_envelope,
    utcnow,
)
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.tracing import current_traceparent


@dataclass(frozen=True, order=True)
class CommitCursor:
    """A place in commit order: ``(transaction id, position)`` of the last event read."""

    tx_id: int = 0
    position: int = 0


@dataclass(frozen=True)
class StoredEvent:
    """An envelope with its place in the store."""

    cursor: CommitCursor
    event: EventEnvelope


_COLUMNS = (
    "position, tx_id::text::bigint AS tx_id, stream_id, stream_version, event_id, event_type, event_version, "
    "source, subject, office_id, actor_id, actor_role, occurred_at, recorded_at, correlation_id, "
    "causation_id, payload::text AS payload, prev_hash, hash, traceparent"
)

_APPEND_SQL = """
INSERT INTO events (stream_id, stream_version, event_id, event_type, event_version, source, subject,
                    office_id, actor_id, actor_role, occurred_at, recorded_at, correlation_id,
                    causation_id, payload, prev_hash, hash, traceparent)
SELECT $1, x.v, x.e, x.t, x.ev, $2, x.s, x.o, x.a, x.r, x.oc, x.rc, x.c, x.ca, x.p::json, x.ph, x.h, x.tp
FROM unnest($3::int[], $4::uuid[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
            $11::timestamptz[], $12::timestamptz[], $13::text[], $14::text[], $15::text[], $16::text[],
            $17::text[], $18::text[]) AS x(v, e, t, ev, s, o, a, r, oc, rc, c, ca, p, ph, h, tp)
WHERE $19::int = 0
   OR EXISTS (SELECT 1 FROM events
              WHERE stream_id = $1 AND stream_version = $19 AND hash = $20
                AND tx_id <= pg_current_xact_id())
"""


_APPEND_ONE_SQL = """
INSERT INTO events (stream_id, stream_version, event_id, event_type, event_version, source, subject,
                    office_id, actor_id, actor_role, occurred_at, recorded_at, correlation_id,
                    causation_id, payload, prev_hash, hash, traceparent)
SELECT $1, $3, $4, $5, $6, $2, $7, $8, $9, $10, $11, $12, $13, $14, $15::json, $16, $17, $18
WHERE $19::int = 0
   OR EXISTS (SELECT 1 FROM events
              WHERE stream_id = $1 AND stream_version = $19 AND hash = $20
                AND tx_id <= pg_current_xact_id())
"""


_APPEND_NEW_STREAMS_SQL = """
INSERT INTO events (stream_id, stream_version, event_id, event_type, event_version, source, subject,
                    office_id, actor_id, actor_role, occurred_at, recorded_at, correlation_id,
                    causation_id, payload, prev_hash, hash, traceparent)
SELECT x.sid, 1, x.e, x.t, x.ev, $1, x.s, x.o, x.a, x.r, x.oc, x.rc, x.c, x.ca, x.p::json, x.ph, x.h, x.tp
FROM unnest($2::text[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::text[],
            $16::text[], $17::text[]) AS x(sid, e, t, ev, s, o, a, r, oc, rc, c, ca, p, ph, h, tp)
ON CONFLICT ON CONSTRAINT events_stream_version_key DO NOTHING
RETURNING event_id
"""


def _row(e: EventEnvelope, payload_json: str) -> tuple[object, ...]:
    """An envelope's insert values after its stream id or version (the order of the append statements);
    ``payload_json`` is the payload's canonical text from sealing, stored as written (a ``json`` column)."""
    return (e.event_id, e.event_type, e.event_version, e.subject, e.office_id, e.actor_id, e.actor_role,
            e.occurred_at, e.recorded_at, e.correlation_id, e.causation_id, payload_json, e.prev_hash, e.hash,
            e.traceparent)


def row_to_envelope(row: asyncpg.Record) -> EventEnvelope:
    """Build an envelope from an ``events`` row selected with the store's columns."""
    return trusted_envelope({
        "event_id": row["event_id"],
        "event_type": row["event_type"],
        "event_version": row["event_version"],
        "source": row["source"],
        "stream_id": row["stream_id"],
        "stream_version": row["stream_version"],
        "subject": row["subject"],
        "office_id": row["office_id"],
        "actor_id": row["actor_id"],
        "actor_role": row["actor_role"],
        "occurred_at": row["occurred_at"],
        "recorded_at": row["recorded_at"],
        "correlation_id": row["correlation_id"],
        "causation_id": row["causation_id"],
        "payload": orjson.loads(row["payload"]),
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
        "traceparent": row.get("traceparent"),
    })


class EventStore(Protocol):
    """The port a repository needs: append with an expected version, read a stream, group work in a
    transaction, serialise writers of one stream. ``conn`` is the adapter's transaction handle (an
    ``asyncpg.Connection`` for PostgreSQL); adapters pass the same contract test
    (``kinerja_kernel.testing.event_store_contract``)."""

    source: str

    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[PendingEvent], *, conn: Any = None,
    ) -> list[EventEnvelope]: ...

    async def read_stream(self, stream_id: str, *, from_version: int = 1, conn: Any = None) -> list[EventEnvelope]: ...

    def transaction(self) -> contextlib.AbstractAsyncContextManager[Any]: ...

    async def lock_stream(self, conn: Any, stream_id: str) -> None: ...


class PostgresEventStore:
    """Append-only event store of one service, in that service's own database."""

    def __init__(self, db: Database, *, source: str, head_cache_size: int = 10_000) -> None:
        self.db = db
        self.source = source
        self._heads: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self._head_cache_size = head_cache_size

    # -- heads -------------------------------------------------------------------------------
    def _remember(self, stream_id: str, version: int, hash_: str) -> None:
        self._heads[stream_id] = (version, hash_)
        self._heads.move_to_end(stream_id)
        if len(self._heads) > self._head_cache_size:
            self._heads.popitem(last=False)

    async def _hash_at(self, conn: asyncpg.Connection, stream_id: str, version: int) -> str | None:
        if version == 0:
            return GENESIS_HASH
        cached = self._heads.get(stream_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        value: str | None = await conn.fetchval(
            "SELECT hash FROM events WHERE stream_id = $1 AND stream_version = $2", stream_id, version
        )
        return value

    # -- units of work -----------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection inside a transaction (commits on normal exit, rolls back on error)."""
        async with self.db.transaction() as conn:
            yield conn

    async def lock_stream(self, conn: asyncpg.Connection, stream_id: str) -> None:
        """Queue writers of one stream until ``conn``'s transaction ends (a transaction-scoped advisory lock):
        a consumer and a request changing the same aggregate wait for each other instead of conflicting."""
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", stream_id)

    # -- writing -----------------------------------------------------------------------------
    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[PendingEvent],
        *,
        conn: asyncpg.Connection | None = None,
    ) -> list[EventEnvelope]:
        """Append ``events`` after ``expected_version`` or raise ``ConcurrencyError``.

        Without ``conn`` the append is its own transaction (one round trip when the stream head is
        known); with ``conn`` it joins the caller's transaction (effect + inbox + events together).
        """
        if not events:
            return []
        if conn is None:
            async with self.db.connection() as own:
                sealed = await self._append(own, stream_id, expected_version, events)
            self._remember(stream_id, sealed[-1].stream_version, sealed[-1].hash)
            self.db.committed()
            return sealed
        return await self._append(conn, stream_id, expected_version, events)

    async def _append(
        self, conn: asyncpg.Connection, stream_id: str, expected_version: int, events: Sequence[PendingEvent]
    ) -> list[EventEnvelope]:
        prev_hash = await self._hash_at(conn, stream_id, expected_version)
        if prev_hash is None:
            raise ConcurrencyError(stream_id, expected_version, "the stream is behind the expected version")
        recorded_at = utcnow()
        recorded_text = format_time(recorded_at)
        traceparent = current_traceparent()
        sealed: list[EventEnvelope] = []
        rows: list[tuple[object, ...]] = []
        for offset, pending in enumerate(events, start=1):
            envelope, payload_json = seal_with_payload(
                pending, source=self.source, stream_id=stream_id, stream_version=expected_version + offset,
                prev_hash=prev_hash, recorded_at=recorded_at, traceparent=traceparent, recorded_text=recorded_text,
            )
            sealed.append(envelope)
            rows.append((envelope.stream_version, *_row(envelope, payload_json)))
            prev_hash = envelope.hash
        expected_hash = sealed[0].prev_hash
        # one event (the common case): plain parameters; several: one statement over unnest'ed arrays
        values: list[object]
        if len(rows) == 1:
            sql, values = _APPEND_ONE_SQL, list(rows[0])
        else:
            sql, values = _APPEND_SQL, [list(column) for column in zip(*rows, strict=True)]
        try:
            status = await conn.execute(sql, stream_id, self.source, *values, expected_version, expected_hash)
        except asyncpg.UniqueViolationError as exc:
            self._heads.pop(stream_id, None)
            raise ConcurrencyError(stream_id, expected_version, exc.constraint_name or "unique") from exc
        if status != f"INSERT 0 {len(sealed)}":
            self._heads.pop(stream_id, None)
            raise ConcurrencyError(stream_id, expected_version, "the stream head moved or a newer transaction wrote it")
        return sealed

    async def append_new_streams(
        self, items: Sequence[tuple[str, PendingEvent]], *, conn: asyncpg.Connection
    ) -> list[EventEnvelope]:
        """Start many one-event streams in one statement; a stream that already exists is skipped.

        For facts recorded once under a natural id (e.g. ``interaksi-<id>``): a redelivered or
        re-sent fact finds its stream and is not recorded twice. Returns the events really written.
        """
        if not items:
            return []
        recorded_at = utcnow()
        recorded_text = format_time(recorded_at)
        traceparent = current_traceparent()
        pairs = [seal_with_payload(p, source=self.source, stream_id=sid, stream_version=1, prev_hash=GENESIS_HASH,
                                   recorded_at=recorded_at, traceparent=traceparent, recorded_text=recorded_text)
                 for sid, p in items]
        sealed = [e for e, _ in pairs]
        columns = [list(c) for c in zip(*[(e.stream_id, *_row(e, text)) for e, text in pairs], strict=True)]
        written = {r["event_id"] for r in await conn.fetch(_APPEND_NEW_STREAMS_SQL, self.source, *columns)}
        return [e for e in sealed if e.event_id in written]

    # -- reading -----------------------------------------------------------------------------
    async def read_stream(
        self, stream_id: str, *, from_version: int = 1, conn: asyncpg.Connection | None = None
    ) -> list[EventEnvelope]:
        """The events of one stream in version order (empty if the stream does not exist)."""
        sql = f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version"  # noqa: S608
        if conn is None:
            async with self.db.connection() as own:
                rows = await own.fetch(sql, stream_id, from_version)
        else:
            rows = await conn.fetch(sql, stream_id, from_version)
        events = [row_to_envelope(r) for r in rows]
        if events and conn is None:
            self._remember(stream_id, events[-1].stream_version, events[-1].hash)
        return events

    async def read_committed(self, after: CommitCursor = CommitCursor(), *, limit: int = 1000) -> list[StoredEvent]:
        """Events after ``after`` in commit order, never skipping one whose transaction commits late."""
        async with self.db.connection() as conn:
            return await read_committed(conn, after, limit=limit)

    async def read_all(self, *, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Events after a position, in position order (for audits of what is stored; not gap-safe)."""
        sql = f"SELECT {_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2"  # noqa: S608
        async with self.db.connection() as conn:
            rows = await conn.fetch(sql, after_position, limit)
        return [StoredEvent(CommitCursor(r["tx_id"], r["position"]), row_to_envelope(r)) for r in rows]


# ORDER BY names the table's columns: the select list's ``tx_id`` is a bigint cast, and sorting by
# it would make PostgreSQL sort every remaining row instead of walking events_commit_order_idx.
COMMITTED_SQL = f"""
SELECT {_COLUMNS} FROM events
WHERE (events.tx_id, events.position) > ($1::text::xid8, $2)
  AND events.tx_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY events.tx_id, events.position
LIMIT $3
"""  # noqa: S608


async def read_committed(conn: asyncpg.Connection, after: CommitCursor, *, limit: int) -> list[StoredEvent]:
    """Gap-safe read in commit order on a given connection (must not be inside a writing transaction)."""
    rows = await conn.fetch(COMMITTED_SQL, str(after.tx_id), after.position, limit)
    return [StoredEvent(CommitCursor(r["tx_id"], r["position"]), row_to_envelope(r)) for r in rows]
