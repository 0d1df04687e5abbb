"""``GroupCommit`` on real PostgreSQL: concurrent appends share transactions, and each keeps its own outcome —
a conflict or a failing projection fails only its own append, never the others of its group."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.group_commit import GroupCommit
from kinerja_kernel.logging import bind_correlation, correlation_id
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.repository import Projection
from kinerja_kernel.testing.event_store_contract import sid

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

REGISTRY = EventRegistry()
FAILS = -1


@event("test.GroupNoted", registry=REGISTRY)
class Noted(DomainEvent):
    n: int


def noted(n: int) -> PendingEvent:
    return PendingEvent(event_type="test.GroupNoted", event_version=1, subject="199001012015011001",
                        office_id="KANTOR-A", actor=Actor(id="199001012015011001", role="pegawai"),
                        correlation_id=correlation_id(), payload={"n": n})


class Recorder:
    """A projection that notes which append it saw in which request context, and fails on ``FAILS``."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, str | None]] = []
        self.projection = Projection({"test.GroupNoted": self.handle}, registry=REGISTRY)

    async def handle(self, conn: asyncpg.Connection, env: EventEnvelope, e: Any) -> None:
        if e.n == FAILS:
            await conn.execute("SELECT 1/0")  # a read-model update that fails: the transaction is spoiled
        self.seen.append((e.n, correlation_id()))


async def appended(group: GroupCommit, recorder: Recorder, stream: str, expected: int, n: int
                   ) -> list[EventEnvelope] | BaseException:
    """One request: its own correlation id, one append; the sealed events or the error it got."""
    with bind_correlation(f"request-{n}"):
        try:
            return await group.append(stream, expected, [noted(n)], projection=recorder.projection)
        except Exception as exc:
            return exc


async def versions(store: PostgresEventStore, stream: str) -> list[int]:
    return [e.payload["n"] for e in await store.read_stream(stream)]


async def test_concurrent_appends_commit_together_each_in_its_own_context(pg_store: PostgresEventStore) -> None:
    group, recorder = GroupCommit(pg_store, groups=1), Recorder()
    streams = [sid() for _ in range(20)]
    results = await asyncio.gather(*(appended(group, recorder, s, 0, n) for n, s in enumerate(streams)))
    assert all(isinstance(r, list) and r[0].stream_version == 1 for r in results)
    assert [await versions(pg_store, s) for s in streams] == [[n] for n in range(20)]
    assert group.committed_appends == 20 and group.committed_groups < 20  # shared transactions
    assert sorted(recorder.seen) == [(n, f"request-{n}") for n in range(20)]  # each in its request's context


async def test_a_conflict_fails_only_its_own_append(pg_store: PostgresEventStore) -> None:
    group, recorder = GroupCommit(pg_store, groups=1), Recorder()
    busy, stale, others = sid(), sid(), [sid() for _ in range(6)]
    await pg_store.append(stale, 0, [noted(100), noted(101)])
    jobs = [appended(group, recorder, s, 0, n) for n, s in enumerate(others)]
    jobs.insert(2, appended(group, recorder, busy, 0, 50))  # two appends racing for the same version:
    jobs.insert(4, appended(group, recorder, busy, 0, 51))  # a unique violation spoils the transaction
    jobs.insert(6, appended(group, recorder, stale, 1, 60))  # a stale expected version: the head moved
    results = await asyncio.gather(*jobs)
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 2 and all(isinstance(r, ConcurrencyError) for r in failed)
    assert isinstance(results[6], ConcurrencyError)
    assert [await versions(pg_store, s) for s in others] == [[n] for n in range(6)]
    assert await versions(pg_store, busy) in ([50], [51])
    assert await versions(pg_store, stale) == [100, 101]


async def test_a_failing_projection_fails_only_its_own_append(pg_store: PostgresEventStore) -> None:
    group, recorder = GroupCommit(pg_store, groups=1), Recorder()
    streams = [sid() for _ in range(5)]
    results = await asyncio.gather(*(appended(group, recorder, s, 0, FAILS if n == 2 else n)
                                     for n, s in enumerate(streams)))
    assert isinstance(results[2], asyncpg.DivisionByZeroError)
    assert [await versions(pg_store, s) for s in streams] == [[0], [1], [], [3], [4]]
    assert (await pg_store.read_stream(streams[2])) == []


async def test_a_lone_append_commits_at_once(pg_store: PostgresEventStore) -> None:
    group, recorder = GroupCommit(pg_store), Recorder()
    stream = sid()
    [sealed] = await asyncio.wait_for(group.append(stream, 0, [noted(7)], projection=recorder.projection), 10)
    assert sealed.stream_version == 1 and await versions(pg_store, stream) == [7]
    with pytest.raises(ConcurrencyError):
        await group.append(stream, 0, [noted(8)])
    assert await group.append(stream, 1, []) == []


async def test_an_append_cancelled_while_it_waits_is_not_stored(pg_store: PostgresEventStore) -> None:
    group = GroupCommit(pg_store, groups=1)
    kept, dropped = sid(), sid()
    first = asyncio.ensure_future(group.append(kept, 0, [noted(1)]))
    second = asyncio.ensure_future(group.append(dropped, 0, [noted(2)]))
    await asyncio.sleep(0)  # both wait for their group
    second.cancel()
    await first
    with pytest.raises(asyncio.CancelledError):
        await second
    assert await versions(pg_store, kept) == [1] and await versions(pg_store, dropped) == []
