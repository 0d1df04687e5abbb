"""A generic event-sourced repository: load an aggregate from its stream, save its pending events.

Inline projections (``Projection``) update a service's read-model tables in the same transaction as
the append, so a read model never disagrees with the store; they can be rebuilt from the events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import asyncpg

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.registry import REGISTRY, EventRegistry

A = TypeVar("A", bound=Aggregate)

ProjectionHandler = Callable[[asyncpg.Connection, EventEnvelope, Any], Awaitable[None]]


class Projection:
    """Read-model updates by event type, applied inside the appending transaction."""

    def __init__(self, handlers: dict[str, ProjectionHandler], registry: EventRegistry = REGISTRY) -> None:
        self.handlers = handlers
        self.registry = registry

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        for envelope in envelopes:
            handler = self.handlers.get(envelope.event_type)
            if handler is not None:
                event = self.registry.decode(envelope.event_type, envelope.event_version, envelope.payload)
                await handler(conn, envelope, event)


class EventSourcedRepository(Generic[A]):
    """Streams named ``<prefix>-<id>``; state rebuilt from events (upcast to current versions)."""

    def __init__(
        self, store: PostgresEventStore, aggregate: type[A], *, prefix: str, registry: EventRegistry = REGISTRY,
        projection: Projection | None = None,
    ) -> None:
        self.store = store
        self.aggregate = aggregate
        self.prefix = prefix
        self.registry = registry
        self.projection = projection

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
        if self.projection is not None and conn is None:
            async with self.store.db.transaction() as own:
                sealed = await self.store.append(self.stream_id(aggregate_id), expected, pending, conn=own)
                await self.projection.apply(own, sealed)
        else:
            sealed = await self.store.append(self.stream_id(aggregate_id), expected, pending, conn=conn)
            if self.projection is not None and conn is not None:
                await self.projection.apply(conn, sealed)
        aggregate.pending.clear()
        return sealed
