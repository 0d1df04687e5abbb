"""An in-memory event store for application tests: the same contract as PostgreSQL, no server.

It seals events exactly like ``PostgresEventStore`` (hash chain, versions, envelopes), refuses a stale or
a future expected version and a reused event id with ``ConcurrencyError``, and groups appends in a
transaction: what a transaction appends is seen by its own reads, becomes visible to others when it ends
normally, and is dropped when it raises. ``lock_stream`` holds a per-stream lock until the transaction
ends. It passes ``kinerja_kernel.testing.event_store_contract.EventStoreContract``.

Not for production, and not for read models: a repository on this store has no projection.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from kinerja_kernel.envelope import GENESIS_HASH, EventEnvelope, PendingEvent, seal, utcnow
from kinerja_kernel.errors import ConcurrencyError


@dataclass
class MemoryTransaction:
    """The transaction handle (``conn``) of the in-memory store: appends waiting for the end."""

    staged: dict[str, list[EventEnvelope]] = field(default_factory=dict)
    locks: list[asyncio.Lock] = field(default_factory=list)


class InMemoryEventStore:
    """Streams in a dictionary; one instance per test (a fresh, empty store)."""

    def __init__(self, *, source: str = "/kinerja/test") -> None:
        self.source = source
        self._streams: dict[str, list[EventEnvelope]] = {}
        self._event_ids: set[uuid.UUID] = set()
        self._locks: dict[str, asyncio.Lock] = {}

    # -- units of work -----------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryTransaction]:
        """Appends through the yielded handle land together at the end, or not at all on an error."""
        tx = MemoryTransaction()
        try:
            yield tx
            for stream_id, staged in tx.staged.items():  # re-checked: another writer may have won meanwhile
                self._check_head(stream_id, staged[0].stream_version - 1, staged[0].prev_hash)
            for staged in tx.staged.values():
                self._check_ids(staged)
            for stream_id, staged in tx.staged.items():
                self._commit(stream_id, staged)
        finally:
            for lock in reversed(tx.locks):
                lock.release()

    async def lock_stream(self, conn: MemoryTransaction, stream_id: str) -> None:
        """Hold the stream's lock until ``conn``'s transaction ends (like PostgreSQL's advisory lock)."""
        lock = self._locks.setdefault(stream_id, asyncio.Lock())
        if lock in conn.locks:
            return
        await lock.acquire()
        conn.locks.append(lock)

    # -- writing -----------------------------------------------------------------------------
    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[PendingEvent], *,
        conn: MemoryTransaction | None = None,
    ) -> list[EventEnvelope]:
        """Append ``events`` after ``expected_version`` or raise ``ConcurrencyError``; with ``conn``, at the
        end of that transaction."""
        if not events:
            return []
        current = self._visible(stream_id, conn)
        head_hash = GENESIS_HASH if expected_version == 0 else (
            current[expected_version - 1].hash if 0 < expected_version <= len(current) else None)
        if head_hash is None or len(current) != expected_version:
            raise ConcurrencyError(stream_id, expected_version, f"the stream is at {len(current)}")
        recorded_at = utcnow()
        sealed: list[EventEnvelope] = []
        prev_hash = head_hash
        for offset, pending in enumerate(events, start=1):
            envelope = seal(pending, source=self.source, stream_id=stream_id,
                            stream_version=expected_version + offset, prev_hash=prev_hash, recorded_at=recorded_at)
            sealed.append(envelope)
            prev_hash = envelope.hash
        staged_ids = {e.event_id for batch in (conn.staged.values() if conn else ()) for e in batch}
        self._check_ids(sealed, also=staged_ids)
        if conn is None:
            self._commit(stream_id, sealed)
        else:
            conn.staged.setdefault(stream_id, []).extend(sealed)
        return sealed

    # -- reading -----------------------------------------------------------------------------
    async def read_stream(
        self, stream_id: str, *, from_version: int = 1, conn: MemoryTransaction | None = None,
    ) -> list[EventEnvelope]:
        """The events of one stream in version order (empty if the stream does not exist)."""
        return [e for e in self._visible(stream_id, conn) if e.stream_version >= from_version]

    def all_events(self) -> list[EventEnvelope]:
        """Every committed event, stream by stream (for assertions in tests)."""
        return [e for stream in self._streams.values() for e in stream]

    # -- internals ---------------------------------------------------------------------------
    def _visible(self, stream_id: str, conn: MemoryTransaction | None) -> list[EventEnvelope]:
        committed = self._streams.get(stream_id, [])
        return [*committed, *(conn.staged.get(stream_id, []) if conn else [])]

    def _check_head(self, stream_id: str, version: int, prev_hash: str) -> None:
        committed = self._streams.get(stream_id, [])
        head = committed[-1].hash if committed else GENESIS_HASH
        if len(committed) != version or head != prev_hash:
            raise ConcurrencyError(stream_id, version, "another writer appended first")

    def _check_ids(self, sealed: Sequence[EventEnvelope], also: set[uuid.UUID] | None = None) -> None:
        taken = self._event_ids | (also or set())
        for envelope in sealed:
            if envelope.event_id in taken:
                raise ConcurrencyError(envelope.stream_id, envelope.stream_version - 1, "event id already stored")

    def _commit(self, stream_id: str, sealed: Sequence[EventEnvelope]) -> None:
        self._streams.setdefault(stream_id, []).extend(sealed)
        self._event_ids.update(e.event_id for e in sealed)
