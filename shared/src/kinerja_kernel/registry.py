"""Event types: stable versioned names, their pydantic models, and upcasters for old versions.

Stored and published events carry ``event_type`` (``"<service>.<PastTense>"``) and ``event_version``,
never a Python import path. Reading an old version runs small named upcaster functions, one version
step at a time, up to the model's current version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from kinerja_kernel.errors import KinerjaError


class DomainEvent(BaseModel):
    """Base of every event payload model: immutable, plain fields, no unknown members."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int]


class UnknownEventType(KinerjaError):
    """An event name or version this process has no model or upcaster for."""

    kind = "unknown-event-type"


E = TypeVar("E", bound=type[DomainEvent])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class EventRegistry:
    """Maps ``(event_type, version)`` to a model, with upcasters between versions."""

    def __init__(self) -> None:
        self._models: dict[str, type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, model: type[DomainEvent]) -> None:
        existing = self._models.get(model.event_type)
        if existing is not None and existing is not model:
            raise ValueError(f"event type {model.event_type} is registered twice")
        self._models[model.event_type] = model

    def register_upcaster(self, event_type: str, from_version: int, upcaster: Upcaster) -> None:
        """Register the function turning ``from_version`` payloads into ``from_version + 1``."""
        self._upcasters[(event_type, from_version)] = upcaster

    def model(self, event_type: str) -> type[DomainEvent]:
        try:
            return self._models[event_type]
        except KeyError:
            raise UnknownEventType("kernel.event.unknown-type", event_type=event_type) from None

    def __iter__(self) -> Iterator[type[DomainEvent]]:
        return iter(sorted(self._models.values(), key=lambda m: m.event_type))

    def decode(self, event_type: str, event_version: int, payload: dict[str, Any]) -> DomainEvent:
        """Upcast a stored payload to the current version and validate it into its model."""
        model = self.model(event_type)
        if event_version > model.event_version:
            raise UnknownEventType("kernel.event.version-too-new", event_type=event_type, version=event_version,
                                   known=model.event_version)
        version = event_version
        while version < model.event_version:
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise UnknownEventType("kernel.event.no-upcaster", event_type=event_type, version=version)
            payload = step(payload)
            version += 1
        return model.model_validate(payload)

    def encode(self, event: DomainEvent) -> dict[str, Any]:
        """The JSON payload of an event model."""
        return event.model_dump(mode="json")


REGISTRY = EventRegistry()


def event(name: str, version: int = 1, registry: EventRegistry = REGISTRY) -> Callable[[E], E]:
    """Class decorator naming an event model and registering it: ``@event("planning.PlanSubmitted")``."""

    def decorate(cls: E) -> E:
        cls.event_type = name
        cls.event_version = version
        registry.register(cls)
        return cls

    return decorate
