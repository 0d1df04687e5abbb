"""HR keeps the office's training catalog (on the in-memory store)."""

from __future__ import annotations

import pytest

from kinerja_career.application.development import DevelopmentService
from kinerja_kernel.contracts.career import CatalogEntry, CatalogTrigger
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.errors import Forbidden, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import OFFICE, hr, types

ENTRY = CatalogEntry(code="KOM", title="Komunikasi Publik", trigger=CatalogTrigger.NILAI,
                     value=BerAkhlak.BERORIENTASI_PELAYANAN, hours=24)


class TestSetCatalogEntry:
    async def test_hr_adds_an_entry_and_changes_it(self, development: DevelopmentService,
                                                   store: InMemoryEventStore) -> None:
        assert await development.set_catalog_entry(OFFICE, ENTRY, None, hr()) == 1
        assert await development.set_catalog_entry(OFFICE, ENTRY.model_copy(update={"hours": 32}), "baru", hr()) == 2
        assert types(store, f"katalog-{OFFICE}") == ["career.TrainingCatalogEntrySet"] * 2

    async def test_hr_of_another_office_is_refused(self, development: DevelopmentService,
                                                   store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden):
            await development.set_catalog_entry(OFFICE, ENTRY, None, hr("KANTOR-LAIN"))
        assert store.all_events() == []


class TestRemoveCatalogEntry:
    async def test_hr_removes_an_entry(self, development: DevelopmentService, store: InMemoryEventStore) -> None:
        await development.set_catalog_entry(OFFICE, ENTRY, None, hr())
        assert await development.remove_catalog_entry(OFFICE, "KOM", "tidak lagi", hr()) == 2
        assert types(store, f"katalog-{OFFICE}")[-1] == "career.TrainingCatalogEntryRemoved"

    async def test_removing_an_unknown_entry_is_not_found(self, development: DevelopmentService,
                                                          store: InMemoryEventStore) -> None:
        with pytest.raises(NotFound):
            await development.remove_catalog_entry(OFFICE, "TIDAK-ADA", None, hr())
        assert store.all_events() == []
