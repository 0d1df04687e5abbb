"""Group commit: the appends of concurrent requests share one transaction (one ``BEGIN``, one ``COMMIT``, one
WAL flush) instead of one each.

A request hands its append (stream, expected version, events, and the inline projection to run with them) to
``GroupCommit.append`` and waits. Whatever is waiting when a group starts goes into it, up to ``max_group``;
appends that arrive meanwhile form the next group, so a group is as large as the load makes it and a lone
request commits at once. ``groups`` groups may commit at the same time (each on its own connection).

Each append keeps its own outcome, exactly as if it had committed alone:

- optimistic concurrency is the store's: the same expected-version check, the same ``ConcurrencyError``;
- an append that fails fails alone. A refusal that leaves the transaction usable (the stream's head moved)
  just leaves that append out. One that spoils the transaction (a unique violation, a projection's error)
  rolls the group back; that append gets its error and the others are committed in a new group, so
  one request's conflict never fails another's;
- the caller learns of success only after ``COMMIT``; if the commit itself fails, every append of the
  group gets that error (none of them is stored), as with a commit of its own;
- each append runs in its request's context (correlation and causation ids, the trace it belongs to).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncpg

from kinerja_kernel.envelope import EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.eventstore import PostgresEventStore

if TYPE_CHECKING:
    from kinerja_kernel.repository import Projection


@dataclass
class _Append:
    stream_id: str
    expected_version: int
    events: Sequence[PendingEvent]
    projection: Projection | None
    done: asyncio.Future[list[EventEnvelope]]
    context: contextvars.Context = field(default_factory=contextvars.copy_context)


class _Spoiled(Exception):
    """An append failed in a way that aborted the group's transaction."""

    def __init__(self, culprit: _Append, error: BaseException) -> None:
        super().__init__(repr(error))
        self.culprit = culprit
        self.error = error


class GroupCommit:
    """Commits concurrent appends to a ``PostgresEventStore`` in shared transactions."""

    def __init__(self, store: PostgresEventStore, *, max_group: int = 64, groups: int = 2) -> None:
        self.store = store
        self.max_group = max_group
        self.groups = groups
        self._waiting: list[_Append] = []
        self._running = 0
        self._drains: set[asyncio.Task[None]] = set()  # held: the loop keeps only weak references to tasks
        self.committed_groups = 0
        self.committed_appends = 0

    async def append(self, stream_id: str, expected_version: int, events: Sequence[PendingEvent], *,
                     projection: Projection | None = None) -> list[EventEnvelope]:
        """``store.append`` (and ``projection.apply`` on what it sealed) in the next group's transaction; returns
        the sealed events once that transaction has committed."""
        if not events:
            return []
        item = _Append(stream_id, expected_version, events, projection, asyncio.get_running_loop().create_future())
        self._waiting.append(item)
        if self._running < self.groups:
            self._running += 1
            drain = asyncio.get_running_loop().create_task(self._drain())
            self._drains.add(drain)
            drain.add_done_callback(self._drains.discard)
        return await item.done

    async def _drain(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting[:self.max_group], self._waiting[self.max_group:]
                await self._commit(group)
        except BaseException:  # cancelled (shutdown): nobody commits what still waits
            if self._running == 1:
                for item in self._waiting:
                    item.done.cancel()
                self._waiting.clear()
            raise
        finally:
            self._running -= 1

    async def _commit(self, group: list[_Append]) -> None:
        """Commit ``group`` (less what fails alone); on a spoiled transaction, commit the rest again."""
        while group:
            sealed: list[tuple[_Append, list[EventEnvelope]]] = []
            try:
                async with self.store.transaction() as conn:
                    for item in group:
                        result = await self._one(conn, item)
                        if result is not None:
                            sealed.append((item, result))
            except _Spoiled as spoiled:
                _settle(spoiled.culprit, error=spoiled.error)
                group = [i for i in group if i is not spoiled.culprit and not i.done.done()]
                continue
            except Exception as exc:  # the commit (or the connection) failed: nothing of the group is stored
                for item in group:
                    _settle(item, error=exc)
                return
            except BaseException:  # cancelled (shutdown): so are the appends waiting on this group
                for item in group:
                    item.done.cancel()
                raise
            self.committed_groups += 1
            self.committed_appends += len(sealed)
            for item, envelopes in sealed:
                _settle(item, result=envelopes)
            return

    async def _one(self, conn: asyncpg.Connection, item: _Append) -> list[EventEnvelope] | None:
        """One append (and its projection) in the group's transaction, in its request's context: its sealed
        events, or None when it was refused without spoiling the transaction (its error already given)."""
        if item.done.done():  # cancelled by its caller meanwhile: not appended
            return None
        task = asyncio.get_running_loop().create_task(self._append(conn, item), context=item.context)
        try:
            return await task
        except ConcurrencyError as exc:
            if isinstance(exc.__cause__, asyncpg.PostgresError):  # the statement failed: the transaction is spoiled
                raise _Spoiled(item, exc) from exc
            _settle(item, error=exc)  # the head moved: nothing was written, the transaction goes on
            return None
        except Exception as exc:
            raise _Spoiled(item, exc) from exc

    async def _append(self, conn: asyncpg.Connection, item: _Append) -> list[EventEnvelope]:
        sealed = await self.store.append(item.stream_id, item.expected_version, item.events, conn=conn)
        if item.projection is not None:
            await item.projection.apply(conn, sealed)
        return sealed


def _settle(item: _Append, *, result: list[EventEnvelope] | None = None, error: BaseException | None = None) -> None:
    if item.done.done():
        return
    if error is not None:
        item.done.set_exception(error)
    else:
        item.done.set_result(result or [])
