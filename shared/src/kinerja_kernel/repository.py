"""A generic event-sourced repository: load an aggregate from its stream, save its pending events."""

from __future__ import annotations

from typing import Generic, TypeVar

import asyncpg

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.registry import REGISTRY, EventRegistry

A = TypeVar("A", bound=Aggregate)


class EventSourcedRepository(Generic[A]):
    """Streams named ``<prefix>-<id>``; state rebuilt from events (upcast to current versions)."""

    def __init__(
        self, store: PostgresEventStore, aggregate: type[A], *, prefix: str, registry: EventRegistry = REGISTRY
    ) -> None:
        self.store = store
        self.aggregate = aggregate
        self.prefix = prefix
        self.registry = registry

    def stream_id(self, aggregate_id: object) -> str:
        return f"{self.prefix}-{aggregate_id}"

    async def load(self, aggregate_id: object, *, conn: asyncpg.Connection | None = None) -> A | None:
        envelopes = await self.store.read_stream(self.stream_id(aggregate_id), conn=conn)
        if not envelopes:
            return None
        return self.aggregate.replay(
            self.registry.decode(e.event_type, e.event_version, e.payload) for e in envelopes
        )

    async def history(self, aggregate_id: object) -> list[EventEnvelope]:
        return await self.store.read_stream(self.stream_id(aggregate_id))

    async def save(
        self, aggregate_id: object, aggregate: A, *, actor: Actor, office_id: str, subject: str,
        expected_version: int | None = None, conn: asyncpg.Connection | None = None,
    ) -> list[EventEnvelope]:
        """Append the aggregate's pending events, wrapped with who/where/why metadata.

        ``expected_version`` (e.g. from the client) overrides the version the aggregate was loaded at,
        so a stale client gets a conflict even if the server loaded a newer state.
        """
        expected = aggregate.loaded_version if expected_version is None else expected_version
        pending = [
            PendingEvent(
                event_type=e.event_type, event_version=e.event_version, subject=subject, office_id=office_id,
                actor=actor, correlation_id=correlation_id(), causation_id=causation_id(),
                payload=self.registry.encode(e),
            )
            for e in aggregate.pending
        ]
        sealed = await self.store.append(self.stream_id(aggregate_id), expected, pending, conn=conn)
        aggregate.pending.clear()
        return sealed
