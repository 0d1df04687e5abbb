"""Versioned event names and upcasting of old payloads."""

import pytest

from kinerja_kernel.registry import DomainEvent, EventRegistry, UnknownEventType, event


def make_registry() -> EventRegistry:
    registry = EventRegistry()

    @event("test.Renamed", version=3, registry=registry)
    class Renamed(DomainEvent):
        full_name: str
        office_id: str

    registry.register_upcaster("test.Renamed", 1, lambda p: {**p, "office_id": "unknown"})
    registry.register_upcaster("test.Renamed", 2, lambda p: {"full_name": p["name"], "office_id": p["office_id"]})
    return registry


class TestUpcasting:
    def test_a_v1_payload_is_upcast_step_by_step_to_the_current_version(self) -> None:
        decoded = make_registry().decode("test.Renamed", 1, {"name": "Siti"})
        assert decoded.model_dump() == {"full_name": "Siti", "office_id": "unknown"}

    def test_the_current_version_is_read_as_is(self) -> None:
        decoded = make_registry().decode("test.Renamed", 3, {"full_name": "Budi", "office_id": "K1"})
        assert decoded.model_dump() == {"full_name": "Budi", "office_id": "K1"}

    def test_an_unknown_type_is_refused(self) -> None:
        with pytest.raises(UnknownEventType):
            make_registry().decode("test.Nope", 1, {})

    def test_a_version_newer_than_known_is_refused(self) -> None:
        with pytest.raises(UnknownEventType, match="newer"):
            make_registry().decode("test.Renamed", 4, {})

    def test_a_name_cannot_be_registered_for_two_models(self) -> None:
        registry = EventRegistry()

        @event("test.Once", registry=registry)
        class A(DomainEvent):
            pass

        with pytest.raises(ValueError, match="twice"):
            @event("test.Once", registry=registry)
            class B(DomainEvent):
                pass
