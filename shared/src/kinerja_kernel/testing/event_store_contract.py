"""The event store's contract, as one abstract test class; each adapter's test is a short subclass that
says how to create the store (as the ``eventsourcing`` library does for each recorder).

Subclasses: ``shared/tests/integration/test_event_store_contract.py`` (PostgreSQL) and
``shared/tests/unit/test_memory_event_store.py`` (``InMemoryEventStore``). Tests are ``async``: the
subclass's module sets the asyncio mark.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest

from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.eventstore import EventStore


def ev(n: int = 0, subject: str = "199001012015011001") -> PendingEvent:
    return PendingEvent(event_type="test.Happened", event_version=1, subject=subject, office_id="KANTOR-A",
                        actor=Actor(id="199001012015011001", role="pegawai"), correlation_id="corr",
                        payload={"n": n})


def sid() -> str:
    return f"s-{uuid.uuid4()}"


class EventStoreContract:
    """Every event store adapter must pass these."""

    @pytest.fixture
    def store(self) -> EventStore:  # pragma: no cover - overridden
        raise NotImplementedError

    async def test_appends_and_reads_a_stream_in_version_order(self, store: EventStore) -> None:
        s = sid()
        await store.append(s, 0, [ev(1), ev(2)])
        await store.append(s, 2, [ev(3)])
        events = await store.read_stream(s)
        assert [(e.stream_version, e.payload["n"]) for e in events] == [(1, 1), (2, 2), (3, 3)]
        assert events[1].prev_hash == events[0].hash

    async def test_reads_from_a_version(self, store: EventStore) -> None:
        s = sid()
        await store.append(s, 0, [ev(1), ev(2), ev(3)])
        assert [e.stream_version for e in await store.read_stream(s, from_version=2)] == [2, 3]

    async def test_a_stale_expected_version_is_a_conflict(self, store: EventStore) -> None:
        s = sid()
        await store.append(s, 0, [ev(1)])
        await store.append(s, 1, [ev(2)])
        with pytest.raises(ConcurrencyError):
            await store.append(s, 1, [ev(3)])
        assert len(await store.read_stream(s)) == 2

    async def test_an_expected_version_ahead_of_the_stream_is_a_conflict(self, store: EventStore) -> None:
        s = sid()
        await store.append(s, 0, [ev(1)])
        with pytest.raises(ConcurrencyError):
            await store.append(s, 5, [ev(2)])

    async def test_two_concurrent_appends_at_the_same_version_one_wins(self, store: EventStore) -> None:
        s = sid()
        await store.append(s, 0, [ev(0)])
        results = await asyncio.gather(store.append(s, 1, [ev(1)]), store.append(s, 1, [ev(2)]),
                                       return_exceptions=True)
        assert sorted(type(r).__name__ for r in results) == ["ConcurrencyError", "list"]
        assert len(await store.read_stream(s)) == 2

    async def test_a_batch_is_atomic(self, store: EventStore) -> None:
        s = sid()
        duplicate = ev(1)
        await store.append(sid(), 0, [duplicate])
        with pytest.raises(ConcurrencyError):
            await store.append(s, 0, [ev(0), duplicate])  # second event's id already exists
        assert await store.read_stream(s) == []

    async def test_streams_are_isolated(self, store: EventStore) -> None:
        a, b = sid(), sid()
        await store.append(a, 0, [ev(1)])
        await store.append(b, 0, [ev(2)])
        assert [e.payload["n"] for e in await store.read_stream(a)] == [1]
        assert await store.read_stream(sid()) == []


    async def test_appends_in_a_transaction_are_seen_inside_it_and_kept_when_it_ends(self, store: EventStore) -> None:
        s = sid()
        async with store.transaction() as conn:
            await store.append(s, 0, [ev(1)], conn=conn)
            await store.append(s, 1, [ev(2)], conn=conn)
            assert [e.stream_version for e in await store.read_stream(s, conn=conn)] == [1, 2]
        assert [e.payload["n"] for e in await store.read_stream(s)] == [1, 2]

    async def test_appends_in_a_transaction_that_raises_are_dropped(self, store: EventStore) -> None:
        s = sid()

        async def use_case_failing_after_its_append() -> None:
            async with store.transaction() as conn:
                await store.append(s, 0, [ev(1)], conn=conn)
                raise RuntimeError("the use case failed after appending")

        with pytest.raises(RuntimeError):
            await use_case_failing_after_its_append()
        assert await store.read_stream(s) == []

    async def test_a_stream_lock_makes_a_second_writer_wait_for_the_first(self, store: EventStore) -> None:
        s = sid()
        order: list[str] = []
        first_has_lock = asyncio.Event()

        async def first() -> None:
            async with store.transaction() as conn:
                await store.lock_stream(conn, s)
                first_has_lock.set()
                await asyncio.sleep(0.05)
                await store.append(s, 0, [ev(1)], conn=conn)
                order.append("first")

        async def second() -> None:
            await first_has_lock.wait()
            async with store.transaction() as conn:
                await store.lock_stream(conn, s)
                version = len(await store.read_stream(s, conn=conn))
                await store.append(s, version, [ev(2)], conn=conn)
                order.append("second")

        await asyncio.gather(first(), second())
        assert order == ["first", "second"]
        assert [e.payload["n"] for e in await store.read_stream(s)] == [1, 2]
