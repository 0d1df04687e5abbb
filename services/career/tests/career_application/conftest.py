"""Career's use cases on the in-memory event store: no PostgreSQL, no Kafka (the queries, which read the
PostgreSQL read models, and the IDP use cases, which look the employee up there, stay in career_api)."""

from __future__ import annotations

from datetime import date

import pytest

from kinerja_career.adapters.repository import career_repository, catalog_repository, plan_repository
from kinerja_career.application.career import CareerService
from kinerja_career.application.development import DevelopmentService
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.testing.appraisals import EMPLOYEE, OFFICE
from kinerja_kernel.testing.memory_store import InMemoryEventStore

TODAY = date(2026, 11, 23)
HR_ID = "197501012000031001"


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore(source="/kinerja/career")


@pytest.fixture
def career(store: InMemoryEventStore) -> CareerService:
    return CareerService(career_repository(store, projection=None), catalog_repository(store, projection=None),
                         clock=lambda: TODAY)


@pytest.fixture
def development(store: InMemoryEventStore) -> DevelopmentService:
    return DevelopmentService(catalog_repository(store, projection=None), plan_repository(store, projection=None))


def hr(office_id: str = OFFICE) -> Principal:
    return Principal(user_id=HR_ID, roles=frozenset({Role.PENGELOLA_KEPEGAWAIAN}), offices=frozenset({office_id}))


def types(store: InMemoryEventStore, stream_id: str) -> list[str]:
    return [e.event_type for e in store.all_events() if e.stream_id == stream_id]


def stream(store: InMemoryEventStore, stream_id: str) -> list[EventEnvelope]:
    return [e for e in store.all_events() if e.stream_id == stream_id]


__all__ = ["EMPLOYEE", "HR_ID", "OFFICE", "TODAY", "hr", "stream", "types"]
