"""Hash-chain verification of what a service's database holds."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import asyncpg

from kinerja_kernel.chain import ROW_COLUMNS, ChainReport, RowVerifier

CHUNK = 5000


async def verify_rows(conn: asyncpg.Connection, where: str = "", args: Sequence[object] = ()) -> ChainReport:
    """Verify every stream of the rows ``where`` selects (whole streams: ``where`` should select by stream),
    read in one repeatable-read snapshot. The next chunk is asked for before this one is hashed, so
    PostgreSQL reads it while Python verifies (two cores at work instead of taking turns)."""
    verifier = RowVerifier()
    sql = f"SELECT {ROW_COLUMNS} FROM events {where} ORDER BY stream_id, stream_version"  # noqa: S608
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        cursor = await conn.cursor(sql, *args)
        pending: asyncio.Future[list[asyncpg.Record]] = asyncio.ensure_future(cursor.fetch(CHUNK))
        try:
            while rows := await pending:
                pending = asyncio.ensure_future(cursor.fetch(CHUNK))
                await asyncio.sleep(0)  # the next fetch goes out now
                verifier.add(rows)
        finally:
            if not pending.done():
                with contextlib.suppress(Exception):
                    await pending
    return verifier.report


async def verify_database(dsn: str, *, stream_id: str | None = None) -> ChainReport:
    """Verify one stream, or every stream, of the event store at ``dsn``."""
    conn = await asyncpg.connect(dsn)
    try:
        if stream_id:
            return await verify_rows(conn, "WHERE stream_id = $1", [stream_id])
        return await verify_rows(conn)
    finally:
        await conn.close()
