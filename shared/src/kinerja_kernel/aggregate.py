"""Base of event-sourced aggregates: decide (check rules, record events), then apply (change state).

Pure: no I/O. ``apply`` never checks rules, so replaying yesterday's facts never runs today's rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from kinerja_kernel.registry import DomainEvent


class Aggregate:
    """An aggregate's state is a fold of its events; new events wait in ``pending`` until saved."""

    def __init__(self) -> None:
        self.version = 0
        self.pending: list[DomainEvent] = []

    @classmethod
    def replay(cls, events: Iterable[DomainEvent]) -> Self:
        aggregate = cls()
        for event in events:
            aggregate.apply(event)
            aggregate.version += 1
        return aggregate

    @property
    def loaded_version(self) -> int:
        """The stream version this instance was loaded at (the expected version when saving)."""
        return self.version - len(self.pending)

    def record(self, event: DomainEvent) -> None:
        """Apply a newly decided event and keep it for saving."""
        self.apply(event)
        self.version += 1
        self.pending.append(event)

    def apply(self, event: DomainEvent) -> None:
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is None:
            raise TypeError(f"{type(self).__name__} cannot apply {type(event).__name__}")
        handler(event)
