"""The Merkle log appends the rows the outbox relay hands over (no second read of the events) when they
continue the log, skips what it already holds, and reads the store itself after a gap (issue 16)."""

from __future__ import annotations

import asyncpg
import pytest

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import COMMITTED_SQL, PostgresEventStore
from kinerja_kernel.transparency.merkle import CompactRange
from kinerja_kernel.transparency.service import TransparencyLog
from kinerja_kernel.transparency.store import TRANSPARENCY_MIGRATIONS, MerkleLog, leaf_data, recompute_log

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


def _pending(n: int) -> PendingEvent:
    return PendingEvent(event_type="test.Scored", event_version=1, subject="199001012020011001", office_id="kantor-a",
                        actor=Actor(id="199001012020011002", role="atasan"), correlation_id="c", payload={"nilai": n})


async def _relay_reads(conn: asyncpg.Connection, after: tuple[int, int], limit: int) -> list[asyncpg.Record]:
    """A batch as the relay reads it (its cursor, its statement)."""
    return list(await conn.fetch(COMMITTED_SQL, str(after[0]), after[1], limit))


def _cursor(row: asyncpg.Record) -> tuple[int, int]:
    return row["tx_id"], row["position"]


async def test_handed_over_rows_are_appended_without_reading_and_equal_the_log_read_from_the_store(
    database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = await Database.connect(database_url, min_size=1, max_size=3)  # relay, log, writer
    try:
        async with db.connection() as conn:
            await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
        store = PostgresEventStore(db, source="/kinerja/test")
        for n in range(12):
            await store.append(f"skp-{n % 4}", n // 4, [_pending(n)])
        log = TransparencyLog(dsn=database_url, signer=None, producer=None, topic="unused", checkpoint_interval=0)
        read_by_log: list[int] = []
        real_append_committed = MerkleLog.append_committed

        async def counting(self: MerkleLog, conn: asyncpg.Connection, *, limit: int = 1000) -> int:
            n = await real_append_committed(self, conn, limit=limit)
            read_by_log.append(n)
            return n

        monkeypatch.setattr(MerkleLog, "append_committed", counting)
        async with db.connection() as relay, db.connection() as conn:
            merkle = await MerkleLog.load(conn)
            first = await _relay_reads(relay, (0, 0), 5)
            again = await _relay_reads(relay, _cursor(first[2]), 6)  # overlaps the first batch (a re-read)
            log.hand_over((0, 0), first)
            assert not log._handed  # only the leading log keeps what is handed over
            log.is_leader = True
            log.hand_over((0, 0), first)
            log.hand_over(_cursor(first[2]), again)
            await log.step(conn, merkle, None, final=True)
            assert merkle.size == 12 and read_by_log == [3]  # 9 handed over, the 3 not handed over read

            for n in range(12, 20):
                await store.append(f"skp-{n % 4}", n // 4, [_pending(n)])
            rest = await _relay_reads(relay, merkle.cursor, 100)
            log.hand_over(_cursor(rest[0]), rest[1:])  # starts after a row the log does not hold: a gap
            await log.step(conn, merkle, None, final=True)
            assert merkle.size == 20 and read_by_log == [3, 8] and not log._handed

            order = await _relay_reads(relay, (0, 0), 100)
            leaves = [r["event_id"] for r in await conn.fetch(
                "SELECT event_id FROM transparency_leaves ORDER BY leaf_index")]
            assert leaves == [r["event_id"] for r in order]  # commit order, each event once
            expected = CompactRange()
            expected.extend_data(leaf_data(r["hash"]) for r in order)
            assert (await recompute_log(conn, chunk=7)).root() == expected.root() == merkle.root()
    finally:
        await db.close()
