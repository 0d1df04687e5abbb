"""A set-based projection (``Projection.batched``) gets an append's events of its types in one call, and one
event at a time through its handlers; ``current_payload`` hands it plain payloads at the current version,
through the model only when the stored payload is older or lacks a field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.repository import Projection, current_payload


def _registry() -> EventRegistry:
    registry = EventRegistry()

    @event("test.Rated", version=2, registry=registry)
    class Rated(DomainEvent):
        full_name: str
        rating: str
        comment: str | None = None  # added later, with a default

    @event("test.Other", registry=registry)
    class Other(DomainEvent):
        note: str

    registry.register_upcaster("test.Rated", 1, lambda p: {"full_name": p["name"], "rating": p["rating"]})
    return registry


def _envelope(event_type: str, version: int, payload: dict[str, Any]) -> EventEnvelope:
    fields: dict[str, Any] = {"event_type": event_type, "event_version": version, "payload": payload}
    return EventEnvelope.model_construct(**fields)


def test_a_current_complete_payload_is_used_as_stored() -> None:
    payload = {"full_name": "Siti", "rating": "baik", "comment": None}
    assert current_payload(_envelope("test.Rated", 2, payload), _registry()) is payload


def test_an_old_version_is_upcast_and_a_missing_field_gets_its_default() -> None:
    registry = _registry()
    old = current_payload(_envelope("test.Rated", 1, {"name": "Budi", "rating": "kurang"}), registry)
    assert old == {"full_name": "Budi", "rating": "kurang", "comment": None}
    partial = current_payload(_envelope("test.Rated", 2, {"full_name": "Ani", "rating": "baik"}), registry)
    assert partial == {"full_name": "Ani", "rating": "baik", "comment": None}


async def test_a_batched_projection_gets_the_events_of_its_types_at_once_or_one_by_one() -> None:
    calls: list[list[str]] = []

    async def batch(conn: Any, envelopes: Sequence[EventEnvelope]) -> None:
        calls.append([e.payload["full_name"] for e in envelopes])

    projection = Projection.batched(["test.Rated"], batch, _registry())
    rated = [_envelope("test.Rated", 2, {"full_name": n, "rating": "baik", "comment": None}) for n in ("A", "B")]
    other = _envelope("test.Other", 1, {"note": "x"})
    await projection.apply(None, [rated[0], other, rated[1]])  # type: ignore[arg-type]
    await projection.apply(None, [other])  # type: ignore[arg-type]
    assert calls == [["A", "B"]]  # one call for the append; none without an event of its types
    await projection.handlers["test.Rated"](None, rated[1], None)  # type: ignore[arg-type]
    assert calls[-1] == ["B"] and set(projection.handlers) == {"test.Rated"}
