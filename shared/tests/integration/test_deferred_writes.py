"""Projection writes sent in batches (the rebuild's path) leave the tables exactly as one by one, with far
fewer round trips; a read sees every write queued before it."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from kinerja_kernel.deferred import DeferredWrites

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

SCHEMA = """
CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL, seen text[] NOT NULL DEFAULT '{}');
CREATE TABLE totals (id int PRIMARY KEY, total int NOT NULL);
"""


async def _handle(conn: Any, i: int) -> None:
    """A projection-like handler: upserts, an update that depends on earlier writes, a read, an insert from it."""
    if i < 3:
        await conn.execute("INSERT INTO counters (id, n) VALUES ($1, 0) ON CONFLICT (id) DO NOTHING", i)
    await conn.execute("UPDATE counters SET n = n + $2, seen = seen || $3 WHERE id = $1", i % 3, i, [f"e{i}"])
    if i % 8 == 7:
        await conn.executemany("UPDATE counters SET n = n * 2 WHERE id = $1", [(0,), (1,)])
        total = await conn.fetchval("SELECT sum(n) FROM counters")
        await conn.execute("INSERT INTO totals VALUES ($1, $2)", i, total)


async def _state(conn: asyncpg.Connection) -> list[list[tuple[Any, ...]]]:
    return [[tuple(r) for r in await conn.fetch(f"SELECT * FROM {t} ORDER BY id")] for t in ("counters", "totals")]


async def test_batched_writes_leave_the_tables_as_one_by_one(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f"CREATE SCHEMA one; SET search_path TO one; {SCHEMA}")
        async with conn.transaction():
            for i in range(40):
                await _handle(conn, i)
        direct = await _state(conn)

        await conn.execute(f"CREATE SCHEMA batched; SET search_path TO batched; {SCHEMA}")
        writes = DeferredWrites(conn)
        async with conn.transaction():
            for i in range(40):
                await _handle(writes, i)
            await writes.flush()
        assert await _state(conn) == direct
        assert direct[1] and direct[0][0][1] != 0  # the reads saw the queued writes (totals are not all zero)
        assert writes.round_trips == 25  # one by one: 58 (consecutive writes of one statement go together)

        writes = DeferredWrites(conn)
        await writes.execute("INSERT INTO totals VALUES ($1, $2)", 7, 0)  # already there: fails when sent
        with pytest.raises(asyncpg.UniqueViolationError):
            await writes.flush()
    finally:
        await conn.close()
