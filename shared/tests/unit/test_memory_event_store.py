"""The in-memory event store passes the same contract as PostgreSQL (no server: it runs with the unit tests)."""

from __future__ import annotations

import pytest

from kinerja_kernel.testing.event_store_contract import EventStoreContract
from kinerja_kernel.testing.memory_store import InMemoryEventStore

pytestmark = pytest.mark.asyncio


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryEventStore:
        return InMemoryEventStore()
