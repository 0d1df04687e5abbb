"""A repository with an ``AggregateCache``: ``change`` starts from the aggregate it saved last, reads only what
was written since, and never trusts an aggregate whose command failed (in-memory event store)."""

from __future__ import annotations

import pytest

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.envelope import Actor
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.testing.memory_store import InMemoryEventStore

pytestmark = pytest.mark.asyncio

REGISTRY = EventRegistry()
ACTOR = Actor(id="199001012015011001", role="pegawai")


@event("test.CacheAdded", registry=REGISTRY)
class Added(DomainEvent):
    amount: int


class Tally(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.total = 0
        self.folded = 0  # events applied to this instance (a fold from the start applies them all)

    def add(self, amount: int) -> None:
        if amount <= 0:
            raise DomainRuleViolation("test.tally.not-positive", amount=amount)
        self.record(Added(amount=amount))

    def _on_Added(self, e: Added) -> None:  # noqa: N802 - handler named after the event
        self.total += e.amount
        self.folded += 1


Repo = EventSourcedRepository[Tally, InMemoryEventStore]


def repos() -> tuple[Repo, Repo]:
    """A cached repository and an uncached one on the same store (another replica, a consumer)."""
    store = InMemoryEventStore()
    return (EventSourcedRepository(store, Tally, prefix="tally", registry=REGISTRY, cache_size=2),
            EventSourcedRepository(store, Tally, prefix="tally", registry=REGISTRY))


async def add(repo: Repo, key: str, amount: int, expected: int | None = None) -> Tally:
    return await repo.change(key, expected, lambda t: t.add(amount), start=Tally, actor=ACTOR, office_id="K1",
                             subject=ACTOR.id)


async def test_the_next_change_starts_from_the_saved_aggregate() -> None:
    cached, _ = repos()
    first = await add(cached, "a", 1)
    second = await add(cached, "a", 2)
    assert second is first and (second.version, second.total) == (2, 3)
    assert second.folded == 2  # never folded again from the start
    assert cached.cache is not None and (cached.cache.hits, cached.cache.misses) == (1, 1)
    assert (await cached.load("a")) is not None and (await cached.load("a")).total == 3  # type: ignore[union-attr]


async def test_what_another_writer_appended_is_applied_before_deciding() -> None:
    cached, other = repos()
    await add(cached, "a", 1)
    await add(other, "a", 10)  # another replica writes the stream
    tally = await add(cached, "a", 100)
    assert (tally.version, tally.total) == (3, 111)
    assert [e.payload["amount"] for e in await cached.history("a")] == [1, 10, 100]


async def test_a_refused_command_leaves_nothing_cached() -> None:
    cached, _ = repos()
    await add(cached, "a", 1)
    with pytest.raises(DomainRuleViolation):
        await add(cached, "a", -1)
    assert cached.cache is not None and len(cached.cache) == 0
    tally = await add(cached, "a", 2)  # folded from the start again
    assert (tally.version, tally.total, tally.folded) == (2, 3, 2)


async def test_a_stale_expected_version_is_still_a_conflict() -> None:
    cached, other = repos()
    await add(cached, "a", 1)
    await add(other, "a", 1)
    with pytest.raises(ConcurrencyError):
        await add(cached, "a", 1, expected=1)
    tally = await add(cached, "a", 1, expected=2)
    assert (tally.version, tally.total) == (3, 3)


async def test_the_least_recently_saved_is_forgotten() -> None:
    cached, _ = repos()
    for key in ("a", "b", "c"):
        await add(cached, key, 1)
    assert cached.cache is not None and len(cached.cache) == 2
    assert cached.cache.take("tally-a") is None and cached.cache.take("tally-c") is not None
