"""Recently saved aggregates of a repository, so that the next command on the same stream folds only the
events written since instead of the whole stream (a month of daily realisation entries is a few hundred).

The cache only ever holds an aggregate exactly as it stood after a save whose transaction committed (the
repository's own transaction, never a caller's that may still roll back), at that stream version. A
command *takes* it out (so two concurrent commands never share one instance), reads the events after that
version — the stream's newer events, e.g. another replica's or a consumer's — and applies them; the append's
expected-version check still guards against a writer that comes in between. A command that fails simply
does not put its aggregate back: the next one folds the stream from the start.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from kinerja_kernel.aggregate import Aggregate

A = TypeVar("A", bound=Aggregate)


class AggregateCache(Generic[A]):
    """At most ``size`` aggregates by stream id, the least recently saved forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, A] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def take(self, stream_id: str) -> A | None:
        """The aggregate saved last for ``stream_id`` (removed: the caller owns it now), or None."""
        found = self._items.pop(stream_id, None)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def keep(self, stream_id: str, aggregate: A) -> None:
        """Remember an aggregate whose events are all committed (nothing pending; version >= 1)."""
        if aggregate.pending or aggregate.version < 1 or self.size <= 0:
            return
        self._items[stream_id] = aggregate
        self._items.move_to_end(stream_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
