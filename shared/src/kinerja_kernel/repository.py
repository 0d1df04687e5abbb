"""A generic event-sourced repository: load an aggregate from its stream, save its pending events, and
``change``: the one use-case loop (load -> check the expected version -> decide -> save, retried on a lost
race where the command allows it).

Inline projections (``Projection``) update a service's read-model tables in the same transaction as
the append, so a read model never disagrees with the store; they can be rebuilt from the events.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Generic

import asyncpg
import structlog
from typing_extensions import TypeVar

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.aggregate_cache import AggregateCache
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError
from kinerja_kernel.eventstore import EventStore, PostgresEventStore
from kinerja_kernel.group_commit import GroupCommit
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.registry import REGISTRY, DomainEvent, EventRegistry

log = structlog.get_logger(__name__)

A = TypeVar("A", bound=Aggregate)
S = TypeVar("S", bound=EventStore, default=PostgresEventStore)

RETRIES_ON_CONFLICT = 3
"""How often ``change`` decides again after losing a race (only for commands without an expected version)."""

ProjectionHandler = Callable[[asyncpg.Connection, EventEnvelope, Any], Awaitable[None]]
BatchProjection = Callable[[asyncpg.Connection, Sequence[EventEnvelope]], Awaitable[None]]
"""A set-based projection: one call for a run of events in commit order (one append's, or a rebuild's chunk)."""


class Projection:
    """Read-model updates by event type, applied inside the appending transaction.

    Per event (``handlers``: one call per event with its decoded model), or set-based (``Projection.batched``:
    one call for all the events of an append, and for each chunk of a rebuild: the touched rows can be read
    and written once per table instead of once per event). A batched projection still has ``handlers`` (each
    runs the batch on its one event), so callers that dispatch per event keep working.
    """

    def __init__(self, handlers: dict[str, ProjectionHandler], registry: EventRegistry = REGISTRY, *,
                 batch: BatchProjection | None = None) -> None:
        self.handlers = handlers
        self.registry = registry
        self.batch = batch

    @classmethod
    def batched(cls, event_types: Iterable[str], batch: BatchProjection,
                registry: EventRegistry = REGISTRY) -> Projection:
        """A set-based projection of ``event_types``; ``batch`` gets only events of those types."""

        async def one(conn: asyncpg.Connection, envelope: EventEnvelope, _event: Any) -> None:
            await batch(conn, [envelope])

        return cls(dict.fromkeys(event_types, one), registry, batch=batch)

    async def apply(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
        if self.batch is not None:
            known = [e for e in envelopes if e.event_type in self.handlers]
            if known:
                await self.batch(conn, known)
            return
        for envelope in envelopes:
            handler = self.handlers.get(envelope.event_type)
            if handler is not None:
                event = self.registry.decode(envelope.event_type, envelope.event_version, envelope.payload)
                await handler(conn, envelope, event)


@functools.cache
def _field_count(model: type[DomainEvent]) -> int:
    return len(model.model_fields)


def current_payload(envelope: EventEnvelope, registry: EventRegistry = REGISTRY) -> dict[str, Any]:
    """The payload as its type's current model encodes it (``registry.encode(registry.decode(...))``), without
    decoding when that changes nothing: a stored payload at the current version that names every field was
    validated and encoded so at append. An older version is upcast, a payload missing a field (one added since,
    with a default) gets it; both through the model (for set-based projections reading plain payloads)."""
    model = registry.model(envelope.event_type)
    payload = envelope.payload
    if envelope.event_version == model.event_version and len(payload) == _field_count(model):
        return payload
    return registry.encode(registry.decode(envelope.event_type, envelope.event_version, payload))


class EventSourcedRepository(Generic[A, S]):
    """Streams named ``<prefix>-<id>``; state rebuilt from events (upcast to current versions).

    ``store`` is any ``EventStore``: PostgreSQL in the services, ``InMemoryEventStore`` in application tests
    (then without a projection: projections write SQL).

    ``cache_size`` > 0 keeps that many aggregates as ``change`` saved them (``AggregateCache``), so the next
    ``change`` of the same stream reads and folds only what was written since; for long streams written
    often (an SKP's realisation). ``load`` always folds the whole stream.

    ``group_commit``: a save in its own transaction joins the next group of concurrent saves (``GroupCommit``:
    one transaction for them all, each keeping its own outcome).
    """

    def __init__(
        self, store: S, aggregate: type[A], *, prefix: str, registry: EventRegistry = REGISTRY,
        projection: Projection | None = None, cache_size: int = 0, group_commit: GroupCommit | None = None,
    ) -> None:
        self.store = store
        self.aggregate = aggregate
        self.prefix = prefix
        self.registry = registry
        self.projection = projection
        self.cache: AggregateCache[A] | None = AggregateCache(cache_size) if cache_size > 0 else None
        self.group_commit = group_commit

    def stream_id(self, aggregate_id: object) -> str:
        return f"{self.prefix}-{aggregate_id}"

    async def load(self, aggregate_id: object, *, conn: Any = None) -> A | None:
        envelopes = await self.store.read_stream(self.stream_id(aggregate_id), conn=conn)
        if not envelopes:
            return None
        return self.aggregate.replay(
            self.registry.decode(e.event_type, e.event_version, e.payload) for e in envelopes
        )

    async def _load_cached(self, aggregate_id: object, conn: Any) -> A | None:
        """``load``, from the cache when it holds the stream: only the events from its version on are read (that
        version's own event again, so the store knows the head it appends after) and the newer ones applied."""
        assert self.cache is not None
        stream_id = self.stream_id(aggregate_id)
        aggregate = self.cache.take(stream_id)
        if aggregate is None:
            return await self.load(aggregate_id, conn=conn)
        envelopes = await self.store.read_stream(stream_id, from_version=aggregate.version, conn=conn)
        if not envelopes or envelopes[0].stream_version != aggregate.version:
            return await self.load(aggregate_id, conn=conn)  # not the stream it was saved to: never trusted
        for e in envelopes[1:]:
            aggregate.apply(self.registry.decode(e.event_type, e.event_version, e.payload))
            aggregate.version += 1
        return aggregate

    async def history(self, aggregate_id: object) -> list[EventEnvelope]:
        return await self.store.read_stream(self.stream_id(aggregate_id))

    async def save(
        self, aggregate_id: object, aggregate: A, *, actor: Actor, office_id: str, subject: str,
        expected_version: int | None = None, conn: Any = None,
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
        if self.group_commit is not None and conn is None:
            sealed = await self.group_commit.append(self.stream_id(aggregate_id), expected, pending,
                                                    projection=self.projection)
        elif self.projection is not None and conn is None:
            async with self.store.transaction() as own:
                sealed = await self.store.append(self.stream_id(aggregate_id), expected, pending, conn=own)
                await self.projection.apply(own, sealed)
        else:
            sealed = await self.store.append(self.stream_id(aggregate_id), expected, pending, conn=conn)
            if self.projection is not None and conn is not None:
                await self.projection.apply(conn, sealed)
        aggregate.pending.clear()
        return sealed

    async def change(
        self, aggregate_id: object, expected_version: int | None, decide: Callable[[A], object], *,
        actor: Actor | Callable[[A], Actor], office_id: str | Callable[[A], str], subject: str | Callable[[A], str],
        start: Callable[[], A] | None = None, check: Callable[[A], object] | None = None,
        not_found: Callable[[], Exception] | None = None, conn: Any = None, lock: bool = False,
        retry_on_conflict: bool = False, save: bool = True,
    ) -> A:
        """The use-case loop: load -> check -> expected version -> decide -> save; returns the aggregate.

        - A stream that does not exist yet is ``start()``-ed, or ``not_found()`` is raised (a ``LookupError``
          by default); ``check(aggregate)`` runs next (e.g. the caller's office), before the version check.
        - ``expected_version`` (the version the client saw) that is not the stream's version is a
          ``ConcurrencyError`` (HTTP 409) before anything is decided; the append checks it again.
        - ``decide(aggregate)`` is the aggregate's command method: it raises a domain error or records events.
          A decision that records nothing appends nothing (and ``save=False`` only checks).
        - ``actor``, ``office_id`` and ``subject`` are values or functions of the decided aggregate.
        - ``conn`` joins the caller's transaction (a consumer's inbox transaction, an all-or-nothing import);
          ``lock`` serialises writers of the stream (``EventStore.lock_stream``) until that transaction ends,
          in a transaction of its own when no ``conn`` is given.
        - ``retry_on_conflict``: a command that states no expected version (its decision holds on any state)
          is decided again on the new state after a lost race, up to ``RETRIES_ON_CONFLICT`` times. Never
          inside a caller's transaction (``conn``): a failed statement there spoils the whole transaction.
        - With a cache, a change in its own transaction (no ``conn``) starts from the cached aggregate and keeps
          it again once committed; inside a caller's transaction the cache is not used.
        """
        retries = RETRIES_ON_CONFLICT if retry_on_conflict and expected_version is None and conn is None else 0
        cached = self.cache is not None and conn is None
        for attempt in range(retries + 1):
            try:
                if conn is None and lock:
                    async with self.store.transaction() as own:
                        aggregate = await self._change_once(
                            aggregate_id, expected_version, decide, actor=actor, office_id=office_id,
                            subject=subject, start=start, check=check, not_found=not_found, conn=own, lock=True,
                            save=save, cached=cached)
                else:
                    aggregate = await self._change_once(
                        aggregate_id, expected_version, decide, actor=actor, office_id=office_id, subject=subject,
                        start=start, check=check, not_found=not_found, conn=conn, lock=lock, save=save,
                        cached=cached)
                if cached and self.cache is not None:  # committed by now
                    self.cache.keep(self.stream_id(aggregate_id), aggregate)
                return aggregate
            except ConcurrencyError as exc:
                if attempt >= retries:
                    raise
                log.info("repository.retry_after_conflict", stream_id=self.stream_id(aggregate_id),
                         attempt=attempt + 1, error=exc.message_en)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _change_once(
        self, aggregate_id: object, expected_version: int | None, decide: Callable[[A], object], *,
        actor: Actor | Callable[[A], Actor], office_id: str | Callable[[A], str], subject: str | Callable[[A], str],
        start: Callable[[], A] | None, check: Callable[[A], object] | None, not_found: Callable[[], Exception] | None,
        conn: Any, lock: bool, save: bool, cached: bool = False,
    ) -> A:
        stream_id = self.stream_id(aggregate_id)
        if lock:
            await self.store.lock_stream(conn, stream_id)
        aggregate = await (self._load_cached(aggregate_id, conn) if cached else self.load(aggregate_id, conn=conn))
        if aggregate is None:
            if start is None:
                raise not_found() if not_found is not None else LookupError(f"stream {stream_id} does not exist")
            aggregate = start()
        if check is not None:
            check(aggregate)
        if expected_version is not None and expected_version != aggregate.loaded_version:
            raise ConcurrencyError(stream_id, expected_version, f"the stream is at {aggregate.loaded_version}")
        decide(aggregate)
        if aggregate.pending and save:
            await self.save(
                aggregate_id, aggregate, actor=_value(actor, aggregate), office_id=_value(office_id, aggregate),
                subject=_value(subject, aggregate), expected_version=expected_version, conn=conn,
            )
        return aggregate


T = TypeVar("T")


def _value(given: T | Callable[[A], T], aggregate: A) -> T:
    """A metadata value given as such or as a function of the decided aggregate."""
    return given(aggregate) if callable(given) else given
