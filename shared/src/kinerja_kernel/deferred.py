"""Writes of projection handlers sent in batches (the rebuild's path: thousands of events, one transaction).

A handler writes one or two statements per event; sent one by one, each costs a round trip to PostgreSQL.
``DeferredWrites`` stands in for the connection: writes (``execute`` with arguments, ``executemany``) are
queued, and consecutive writes of the same statement go out as one pipelined ``executemany`` (one round
trip for the lot). Everything queued is sent, in the order the handlers wrote it, before any read
(``fetch``, ``fetchrow``, ``fetchval``) and at ``flush()``, so every statement sees the tables exactly as
it would have one by one. What a handler cannot have is a write's status string (projections use none)
and a failing write's error at the line that wrote it: it is raised by the next read or ``flush()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg


class DeferredWrites:
    """A connection for projection handlers whose writes are batched (see the module's docstring)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._runs: list[tuple[str, list[Sequence[Any]]]] = []
        self.round_trips = 0

    def _queue(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        if self._runs and self._runs[-1][0] == query:
            self._runs[-1][1].extend(rows)
        else:
            self._runs.append((query, list(rows)))

    async def flush(self) -> None:
        """Send every queued write, in order."""
        runs, self._runs = self._runs, []
        for query, rows in runs:
            self.round_trips += 1
            if len(rows) == 1:
                await self._conn.execute(query, *rows[0])
            else:
                await self._conn.executemany(query, rows)

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        if not args or timeout is not None:  # a script (possibly several statements) or a deadline: now
            await self.flush()
            self.round_trips += 1
            result: str = await self._conn.execute(query, *args, timeout=timeout)
            return result
        self._queue(query, [args])
        return ""

    async def executemany(self, command: str, args: Iterable[Sequence[Any]], *, timeout: float | None = None) -> None:
        if timeout is not None:
            await self.flush()
            await self._conn.executemany(command, args, timeout=timeout)
            return
        self._queue(command, args)

    async def fetch(self, query: str, *args: Any, timeout: float | None = None) -> list[asyncpg.Record]:
        await self.flush()
        self.round_trips += 1
        return list(await self._conn.fetch(query, *args, timeout=timeout))

    async def fetchrow(self, query: str, *args: Any, timeout: float | None = None) -> asyncpg.Record | None:
        await self.flush()
        self.round_trips += 1
        return await self._conn.fetchrow(query, *args, timeout=timeout)

    async def fetchval(self, query: str, *args: Any, column: int = 0, timeout: float | None = None) -> Any:
        await self.flush()
        self.round_trips += 1
        return await self._conn.fetchval(query, *args, column=column, timeout=timeout)
