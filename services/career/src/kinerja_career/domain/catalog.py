"""An office's training catalog (stream ``katalog-<office>``): which training answers which weakness.

Configurable per office; the development recommendations read it when a result is recorded.
"""

from __future__ import annotations

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.career import (
    CatalogEntry,
    CatalogTrigger,
    TrainingCatalogEntryRemoved,
    TrainingCatalogEntrySet,
)
from kinerja_kernel.errors import InvalidInput, NotFound


class TrainingCatalog(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.office_id = ""
        self.entries: dict[str, CatalogEntry] = {}

    def set_entry(self, office_id: str, entry: CatalogEntry, reason: str | None) -> None:
        """Add or change an entry; a ``nilai`` entry names exactly one BerAKHLAK value."""
        if entry.trigger is CatalogTrigger.NILAI and entry.value is None:
            raise InvalidInput("career.catalog.value-needed", field="value")
        if entry.trigger is CatalogTrigger.HASIL_KERJA and entry.value is not None:
            raise InvalidInput("career.catalog.value-not-taken", field="value")
        previous = self.entries.get(entry.code)
        if previous == entry:
            return
        self.record(TrainingCatalogEntrySet(
            office_id=office_id, entry=entry, previous=previous,
            reason=reason or ("Pelatihan diubah" if previous else "Pelatihan ditambahkan ke katalog")))

    def remove_entry(self, office_id: str, code: str, reason: str | None) -> None:
        previous = self.entries.get(code)
        if previous is None:
            raise NotFound("career.catalog.entry-not-found", field="code", code=code)
        self.record(TrainingCatalogEntryRemoved(office_id=office_id, code=code, previous=previous,
                                                reason=reason or "Pelatihan dihapus dari katalog"))

    def _on_TrainingCatalogEntrySet(self, e: TrainingCatalogEntrySet) -> None:  # noqa: N802
        self.office_id = e.office_id
        self.entries[e.entry.code] = e.entry

    def _on_TrainingCatalogEntryRemoved(self, e: TrainingCatalogEntryRemoved) -> None:  # noqa: N802
        self.entries.pop(e.code, None)
