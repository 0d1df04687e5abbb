"""The PostgreSQL event store passes the event store's contract (``kinerja_kernel.testing.event_store_contract``),
plus what only PostgreSQL promises: commit order without gaps, append-only rows, tamper detection."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from kinerja_kernel.db import Database
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.eventstore import CommitCursor, PostgresEventStore
from kinerja_kernel.testing.event_store_contract import EventStoreContract, ev, sid
from kinerja_kernel.verification import verify_database

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    def store(self, pg_store: PostgresEventStore) -> PostgresEventStore:
        return pg_store

    async def test_commit_order_never_skips_a_transaction_that_commits_late(
        self, pg_store: PostgresEventStore, db: Database
    ) -> None:
        """The sequence-gap case: A takes the lower position but commits after B."""
        a_stream, b_stream = sid(), sid()
        cursor = await _end(pg_store)
        async with db.pool.acquire() as conn_a:
            tx = conn_a.transaction()
            await tx.start()
            [a] = await pg_store.append(a_stream, 0, [ev(1)], conn=conn_a)  # A: lower position, not committed
            [b] = await pg_store.append(b_stream, 0, [ev(2)])  # B: higher position, committed
            seen_while_a_open = await pg_store.read_committed(cursor)
            await tx.commit()
        seen_after = await pg_store.read_committed(cursor)
        positions = {s.event.event_id: s.cursor.position for s in seen_after}
        assert positions[a.event_id] < positions[b.event_id]
        assert seen_while_a_open == []  # B is held back while A may still commit below it
        assert [s.event.event_id for s in seen_after] == [a.event_id, b.event_id]

    async def test_a_writer_holding_an_older_transaction_id_cannot_append_behind_a_newer_head(
        self, pg_store: PostgresEventStore, db: Database
    ) -> None:
        s = sid()
        async with db.pool.acquire() as conn_a:
            tx = conn_a.transaction()
            await tx.start()
            await conn_a.fetchval("SELECT pg_current_xact_id()")  # A holds an older transaction id
            await pg_store.append(s, 0, [ev(1)])  # a newer transaction writes the head and commits
            with pytest.raises(ConcurrencyError):
                await pg_store.append(s, 1, [ev(2)], conn=conn_a)
            await tx.rollback()
        await pg_store.append(s, 1, [ev(2)])  # a retry in a fresh transaction succeeds
        assert [e.stream_version for e in await pg_store.read_stream(s)] == [1, 2]

    async def test_stored_events_cannot_be_updated_or_deleted(self, pg_store: PostgresEventStore, db: Database) -> None:
        s = sid()
        await pg_store.append(s, 0, [ev(1)])
        async with db.connection() as conn:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("UPDATE events SET payload = '{}' WHERE stream_id = $1", s)
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("DELETE FROM events WHERE stream_id = $1", s)

    async def test_changing_a_stored_payload_is_detected_by_chain_verification(
        self, pg_store: PostgresEventStore, db: Database, database_url: str
    ) -> None:
        s = sid()
        await pg_store.append(s, 0, [ev(1), ev(2), ev(3)])
        assert (await verify_database(database_url, stream_id=s)).ok
        async with db.connection() as conn:  # an attacker with owner rights bypasses the guard
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
            await conn.execute(
                "UPDATE events SET payload = '{\"n\": 200}' WHERE stream_id = $1 AND stream_version = 2", s)
            await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
        report = await verify_database(database_url, stream_id=s)
        assert [(b.stream_version, b.reason) for b in report.breaks] == [
            (2, "hash does not match the event's content")
        ]


async def _end(store: PostgresEventStore) -> CommitCursor:
    cursor = CommitCursor()
    while batch := await store.read_committed(cursor, limit=1000):
        cursor = batch[-1].cursor
    return cursor


class TestVerifyCommand:
    async def test_reports_a_tampered_event_and_exits_non_zero(self, pg_store: PostgresEventStore, db: Database,
                                                               database_url: str) -> None:
        from typer.testing import CliRunner

        from kinerja_kernel.cli import verify_app

        await pg_store.append("s-cli", 0, [ev(1), ev(2)])
        clean = await asyncio.to_thread(CliRunner().invoke, verify_app, ["--database-url", database_url])
        assert clean.exit_code == 0, clean.output
        assert "streams=1 events=2 breaks=0" in clean.output
        async with db.connection() as conn:
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
            await conn.execute("UPDATE events SET office_id = 'LAIN' WHERE stream_version = 1")
        tampered = await asyncio.to_thread(CliRunner().invoke, verify_app, ["--database-url", database_url])
        assert tampered.exit_code == 1
        assert "BREAK s-cli v1" in tampered.output


class TestCommitOrderQueryPlan:
    async def test_the_relay_query_walks_the_commit_order_index_without_sorting(
        self, pg_store: PostgresEventStore, db: Database
    ) -> None:
        """Sorting the remaining rows for every batch made catching up quadratic (an ORDER BY that named
        the select list's bigint cast instead of the indexed column)."""
        from kinerja_kernel.eventstore import COMMITTED_SQL

        for i in range(20):
            await pg_store.append(sid(), 0, [ev(n) for n in range(50)] if i % 2 else [ev(i)])
        async with db.connection() as conn:
            await conn.execute("ANALYZE events")
            await conn.execute("SET enable_sort = off")  # only a plan that needs no sort stays cheap
            plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {COMMITTED_SQL}", "0", 0, 1000)
            await conn.execute("RESET enable_sort")
        text = str(plan)
        assert "events_commit_order_idx" in text
        assert "'Node Type': 'Sort'" not in text and '"Node Type": "Sort"' not in text


class TestAppendNewStreams:
    async def test_starts_many_streams_at_once_and_skips_those_that_exist(
        self, pg_store: PostgresEventStore, db: Database, database_url: str
    ) -> None:
        existing = sid()
        await pg_store.append(existing, 0, [ev(0)])
        fresh = [sid() for _ in range(3)]
        async with db.transaction() as conn:
            written = await pg_store.append_new_streams([(s, ev(i)) for i, s in enumerate([*fresh, existing])],
                                                        conn=conn)
        assert sorted(e.stream_id for e in written) == sorted(fresh)
        assert [e.payload["n"] for e in await pg_store.read_stream(existing)] == [0]  # untouched
        async with db.transaction() as conn:
            again = await pg_store.append_new_streams([(fresh[0], ev(9))], conn=conn)
        assert again == []
        assert (await verify_database(database_url, stream_id=fresh[0])).ok

