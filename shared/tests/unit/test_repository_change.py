"""``EventSourcedRepository.change``: the one use-case loop, on the in-memory event store."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, NotFound
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.repository import RETRIES_ON_CONFLICT, EventSourcedRepository
from kinerja_kernel.testing.memory_store import InMemoryEventStore, MemoryTransaction

pytestmark = pytest.mark.asyncio

REGISTRY = EventRegistry()
ACTOR = Actor(id="199001012015011001", role="pegawai")


@event("test.Added", registry=REGISTRY)
class Added(DomainEvent):
    amount: int


class Counter(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def add(self, amount: int) -> None:
        if amount <= 0:
            raise DomainRuleViolation("test.counter.not-positive", amount=amount)
        self.record(Added(amount=amount))

    def add_at_most_to(self, limit: int) -> None:
        """Records nothing once the limit is reached (an idempotent command)."""
        if self.total < limit:
            self.record(Added(amount=limit - self.total))

    def _on_Added(self, e: Added) -> None:  # noqa: N802 - handler named after the event
        self.total += e.amount


@pytest.fixture
def repo() -> EventSourcedRepository[Counter, InMemoryEventStore]:
    return EventSourcedRepository(InMemoryEventStore(), Counter, prefix="hitung", registry=REGISTRY)


class TestChange:
    async def test_starts_a_new_stream_decides_and_saves(self, repo: EventSourcedRepository[Counter, InMemoryEventStore]
                                                         ) -> None:
        counter = await repo.change("a", 0, lambda c: c.add(2), start=Counter, actor=ACTOR, office_id="KANTOR-A",
                                    subject=ACTOR.id)
        assert (counter.version, counter.total) == (1, 2)
        [stored] = await repo.history("a")
        assert (stored.event_type, stored.office_id, stored.actor_id) == ("test.Added", "KANTOR-A", ACTOR.id)

    async def test_a_missing_stream_without_start_is_not_found(
            self, repo: EventSourcedRepository[Counter, InMemoryEventStore]) -> None:
        with pytest.raises(NotFound):
            await repo.change("b", None, lambda c: c.add(1), not_found=lambda: NotFound("test.counter.missing"),
                              actor=ACTOR, office_id="KANTOR-A", subject=ACTOR.id)

    async def test_a_stale_expected_version_is_a_conflict_before_deciding(
            self, repo: EventSourcedRepository[Counter, InMemoryEventStore]) -> None:
        await repo.change("c", None, lambda c: c.add(1), start=Counter, actor=ACTOR, office_id="K", subject="s")
        decided: list[int] = []
        with pytest.raises(ConcurrencyError):
            await repo.change("c", 0, lambda c: decided.append(c.version), actor=ACTOR, office_id="K", subject="s")
        assert decided == []

    async def test_a_decision_that_records_nothing_appends_nothing(
            self, repo: EventSourcedRepository[Counter, InMemoryEventStore]) -> None:
        await repo.change("d", None, lambda c: c.add_at_most_to(5), start=Counter, actor=ACTOR, office_id="K",
                          subject="s")
        again = await repo.change("d", 1, lambda c: c.add_at_most_to(5), actor=ACTOR, office_id="K", subject="s")
        assert again.version == 1
        assert len(await repo.history("d")) == 1

    async def test_a_domain_error_saves_nothing(self, repo: EventSourcedRepository[Counter, InMemoryEventStore]
                                                ) -> None:
        with pytest.raises(DomainRuleViolation):
            await repo.change("e", 0, lambda c: c.add(-1), start=Counter, actor=ACTOR, office_id="K", subject="s")
        assert await repo.history("e") == []

    async def test_metadata_can_follow_from_the_decided_aggregate(
            self, repo: EventSourcedRepository[Counter, InMemoryEventStore]) -> None:
        await repo.change("f", 0, lambda c: c.add(3), start=Counter, actor=ACTOR,
                          office_id=lambda c: f"KANTOR-{c.total}", subject=lambda c: f"subjek-{c.version}")
        [stored] = await repo.history("f")
        assert (stored.office_id, stored.subject) == ("KANTOR-3", "subjek-1")


class RacedStore(InMemoryEventStore):
    """Lets another writer append to a stream just before our next append(s) to it (a lost race)."""

    def __init__(self) -> None:
        super().__init__()
        self.races = 0

    async def append(self, stream_id: str, expected_version: int, events: Sequence[PendingEvent], *,
                     conn: MemoryTransaction | None = None) -> list[EventEnvelope]:
        if self.races > 0 and expected_version > 0:
            self.races -= 1
            other = PendingEvent(event_type="test.Added", event_version=1, subject="s", office_id="K", actor=ACTOR,
                                 correlation_id="other", payload={"amount": 10})
            await super().append(stream_id, expected_version, [other])
        return await super().append(stream_id, expected_version, events, conn=conn)


class TestRetryOnConflict:
    @pytest.fixture
    def raced(self) -> EventSourcedRepository[Counter, RacedStore]:
        return EventSourcedRepository(RacedStore(), Counter, prefix="hitung", registry=REGISTRY)

    async def test_a_lost_race_is_decided_again_on_the_new_state_when_the_command_allows_it(
            self, raced: EventSourcedRepository[Counter, RacedStore]) -> None:
        await raced.change("r", 0, lambda c: c.add(1), start=Counter, actor=ACTOR, office_id="K", subject="s")
        raced.store.races = 1
        seen: list[int] = []

        def decide(c: Counter) -> None:
            seen.append(c.total)
            c.add(1)

        counter = await raced.change("r", None, decide, actor=ACTOR, office_id="K", subject="s",
                                     retry_on_conflict=True)
        assert seen == [1, 11]  # decided again on the state the other writer left
        assert counter.total == 12
        assert [e.payload["amount"] for e in await raced.history("r")] == [1, 10, 1]

    async def test_retries_are_bounded(self, raced: EventSourcedRepository[Counter, RacedStore]) -> None:
        await raced.change("t", 0, lambda c: c.add(1), start=Counter, actor=ACTOR, office_id="K", subject="s")
        raced.store.races = RETRIES_ON_CONFLICT + 1
        with pytest.raises(ConcurrencyError):
            await raced.change("t", None, lambda c: c.add(1), actor=ACTOR, office_id="K", subject="s",
                               retry_on_conflict=True)

    async def test_without_permission_a_lost_race_is_a_conflict(
            self, raced: EventSourcedRepository[Counter, RacedStore]) -> None:
        await raced.change("q", 0, lambda c: c.add(1), start=Counter, actor=ACTOR, office_id="K", subject="s")
        raced.store.races = 1
        with pytest.raises(ConcurrencyError):
            await raced.change("q", None, lambda c: c.add(1), actor=ACTOR, office_id="K", subject="s")

    async def test_a_command_with_an_expected_version_is_never_retried(
            self, raced: EventSourcedRepository[Counter, RacedStore]) -> None:
        await raced.change("v", 0, lambda c: c.add(1), start=Counter, actor=ACTOR, office_id="K", subject="s")
        raced.store.races = 1
        with pytest.raises(ConcurrencyError):
            await raced.change("v", 1, lambda c: c.add(1), actor=ACTOR, office_id="K", subject="s",
                               retry_on_conflict=True)
