"""Training catalog and individual development plans."""

import uuid
from decimal import Decimal

import pytest

from kinerja_career.domain.catalog import TrainingCatalog
from kinerja_career.domain.development_plan import DevelopmentPlan
from kinerja_kernel.contracts.career import (
    ActivityType,
    CatalogEntry,
    CatalogTrigger,
    DevelopmentActivity,
    DevelopmentPlanKind,
    TrainingCatalogEntrySet,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.errors import InvalidInput, NotFound

from .builders import EMPLOYEE, OFFICE


def activity(kind: ActivityType = ActivityType.PELATIHAN, hours: int = 10) -> DevelopmentActivity:
    return DevelopmentActivity(activity_id=uuid.uuid4(), title=f"Kegiatan {kind.value}", type=kind,
                               hours_planned=hours)


def plan(kind: DevelopmentPlanKind, *activities: DevelopmentActivity) -> DevelopmentPlan:
    return DevelopmentPlan.create(idp_id=uuid.uuid4(), employee_id=EMPLOYEE, office_id=OFFICE, year=2026, kind=kind,
                                  goals=["Meningkatkan layanan"], activities=list(activities), created_by="HR")


class TestCatalog:
    def test_a_value_training_names_its_value_and_a_change_keeps_the_previous_entry(self) -> None:
        catalog = TrainingCatalog()
        first = CatalogEntry(code="KOM", title="Komunikasi Publik", trigger=CatalogTrigger.NILAI,
                             value=BerAkhlak.BERORIENTASI_PELAYANAN, hours=24)
        catalog.set_entry(OFFICE, first, None)
        catalog.set_entry(OFFICE, first.model_copy(update={"hours": 32}), "durasi baru")
        assert isinstance(last := catalog.pending[-1], TrainingCatalogEntrySet) and last.previous == first
        with pytest.raises(InvalidInput) as info:
            catalog.set_entry(OFFICE, CatalogEntry(code="X", title="X", trigger=CatalogTrigger.NILAI, hours=1), None)
        assert info.value.field == "value"
        catalog.remove_entry(OFFICE, "KOM", None)
        assert catalog.entries == {}
        with pytest.raises(NotFound):
            catalog.remove_entry(OFFICE, "KOM", None)


class TestDevelopmentPlan:
    def test_an_improvement_plan_needs_coaching(self) -> None:
        with pytest.raises(InvalidInput) as info:
            plan(DevelopmentPlanKind.PERBAIKAN, activity())
        assert info.value.field == "activities"
        assert plan(DevelopmentPlanKind.PERBAIKAN, activity(ActivityType.COACHING)).kind is DevelopmentPlanKind.PERBAIKAN

    def test_progress_is_weighted_by_planned_hours_and_survives_a_revision(self) -> None:
        training, coaching = activity(hours=30), activity(ActivityType.COACHING, hours=10)
        p = plan(DevelopmentPlanKind.PENGEMBANGAN, training, coaching)
        p.progress(training.activity_id, hours_done=Decimal("15"), progress_percent=50, note=None)
        p.progress(coaching.activity_id, hours_done=Decimal("10"), progress_percent=100, note="selesai")
        assert (p.hours_planned, p.hours_done, p.progress_percent) == (40, Decimal("25"), 63)
        p.revise(["Meningkatkan layanan", "Menulis SOP"], [training, activity(ActivityType.MENTORING, 10)], "tambah")
        assert p.activities[training.activity_id].progress_percent == 50 and p.progress_percent == 38

    def test_progress_of_an_unknown_activity_or_outside_the_scale_is_refused(self) -> None:
        p = plan(DevelopmentPlanKind.PENGEMBANGAN, activity())
        with pytest.raises(NotFound):
            p.progress(uuid.uuid4(), hours_done=Decimal("1"), progress_percent=10, note=None)
        with pytest.raises(InvalidInput):
            p.progress(next(iter(p.activities)), hours_done=Decimal("1"), progress_percent=101, note=None)
