"""Individual development plans (IDP, stream ``idp-<id>``): goals, activities with hours, and progress.

An improvement plan (``perbaikan``), which a predicate of Butuh Perbaikan or worse calls for, must
include coaching.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.career import (
    ActivityType,
    DevelopmentActivity,
    DevelopmentActivityProgressed,
    DevelopmentPlanCreated,
    DevelopmentPlanKind,
    DevelopmentPlanRevised,
)
from kinerja_kernel.errors import InvalidInput, NotFound


def _check(kind: DevelopmentPlanKind, goals: Sequence[str], activities: Sequence[DevelopmentActivity]) -> None:
    if not goals:
        raise InvalidInput("career.idp.no-goals", field="goals")
    if not activities:
        raise InvalidInput("career.idp.no-activities", field="activities")
    if len({a.activity_id for a in activities}) != len(activities):
        raise InvalidInput("career.idp.duplicate-activities", field="activities")
    if kind is DevelopmentPlanKind.PERBAIKAN and not any(a.type is ActivityType.COACHING for a in activities):
        raise InvalidInput("career.idp.improvement-needs-coaching", field="activities")


def totals(activities: Iterable[DevelopmentActivity]) -> tuple[int, Decimal, int]:
    """Planned hours, hours done, and progress: the activities' progress weighted by their planned hours
    (whole percent, half up)."""
    items = list(activities)
    planned = sum(a.hours_planned for a in items)
    done = sum((a.hours_done for a in items), Decimal("0"))
    if not planned:
        return planned, done, 0
    weighted = Decimal(sum(a.progress_percent * a.hours_planned for a in items)) / planned
    return planned, done, int(weighted.quantize(Decimal(1), ROUND_HALF_UP))


class DevelopmentPlan(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.idp_id: uuid.UUID | None = None
        self.employee_id = ""
        self.office_id = ""
        self.year = 0
        self.kind = DevelopmentPlanKind.PENGEMBANGAN
        self.goals: tuple[str, ...] = ()
        self.activities: dict[uuid.UUID, DevelopmentActivity] = {}
        self.created_by = ""

    @classmethod
    def create(cls, *, idp_id: uuid.UUID, employee_id: str, office_id: str, year: int, kind: DevelopmentPlanKind,
               goals: Sequence[str], activities: Sequence[DevelopmentActivity], created_by: str) -> DevelopmentPlan:
        _check(kind, goals, activities)
        plan = cls()
        plan.record(DevelopmentPlanCreated(idp_id=idp_id, employee_id=employee_id, office_id=office_id, year=year,
                                           kind=kind, goals=tuple(goals), activities=tuple(activities),
                                           created_by=created_by))
        return plan

    def revise(self, goals: Sequence[str], activities: Sequence[DevelopmentActivity], reason: str) -> None:
        """Replace goals and activities; an activity that keeps its id keeps its progress."""
        kept = [a.model_copy(update={"hours_done": self.activities[a.activity_id].hours_done,
                                     "progress_percent": self.activities[a.activity_id].progress_percent})
                if a.activity_id in self.activities else a for a in activities]
        _check(self.kind, goals, kept)
        assert self.idp_id is not None
        self.record(DevelopmentPlanRevised(idp_id=self.idp_id, employee_id=self.employee_id, goals=tuple(goals),
                                           activities=tuple(kept), previous_goals=self.goals,
                                           previous_activities=tuple(self.activities.values()), reason=reason))

    def progress(self, activity_id: uuid.UUID, *, hours_done: Decimal, progress_percent: int, note: str | None) -> None:
        activity = self.activities.get(activity_id)
        if activity is None:
            raise NotFound("career.idp.activity-not-found", field="activity_id", activity_id=activity_id)
        if hours_done < 0:
            raise InvalidInput("career.idp.hours-negative", field="hours_done")
        if not 0 <= progress_percent <= 100:
            raise InvalidInput("career.idp.progress-out-of-range", field="progress_percent")
        if (hours_done, progress_percent) == (activity.hours_done, activity.progress_percent):
            return
        assert self.idp_id is not None
        self.record(DevelopmentActivityProgressed(
            idp_id=self.idp_id, employee_id=self.employee_id, activity_id=activity_id, hours_done=hours_done,
            progress_percent=progress_percent, previous_hours_done=activity.hours_done,
            previous_progress_percent=activity.progress_percent,
            reason=note or f"Kemajuan kegiatan '{activity.title}' diperbarui"))

    @property
    def hours_planned(self) -> int:
        return totals(self.activities.values())[0]

    @property
    def hours_done(self) -> Decimal:
        return totals(self.activities.values())[1]

    @property
    def progress_percent(self) -> int:
        return totals(self.activities.values())[2]

    def _on_DevelopmentPlanCreated(self, e: DevelopmentPlanCreated) -> None:  # noqa: N802
        self.idp_id, self.employee_id, self.office_id, self.year = e.idp_id, e.employee_id, e.office_id, e.year
        self.kind, self.goals, self.created_by = e.kind, e.goals, e.created_by
        self.activities = {a.activity_id: a for a in e.activities}

    def _on_DevelopmentPlanRevised(self, e: DevelopmentPlanRevised) -> None:  # noqa: N802
        self.goals = e.goals
        self.activities = {a.activity_id: a for a in e.activities}

    def _on_DevelopmentActivityProgressed(self, e: DevelopmentActivityProgressed) -> None:  # noqa: N802
        self.activities[e.activity_id] = self.activities[e.activity_id].model_copy(
            update={"hours_done": e.hours_done, "progress_percent": e.progress_percent})
