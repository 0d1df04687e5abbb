"""The typed answers of the monitoring dashboards' evaluation part (``application/dashboard.py`` builds them):
per appraisal where it stands and the days left, per unit its progress against the curve."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from kinerja_evaluation.application.views import DecimalText, View, WaitingOn
from kinerja_evaluation.domain.appraisal import Status
from kinerja_kernel.contracts.evaluation import OrganisationPredicate, Predicate, Rating, TimeZone


class PeerProgress(View):
    state: Literal["no_raters", "complete", "closed", "waiting"]
    raters: int
    answered: int


class AppraisalDeadlines(View):
    self_assessment: datetime | None
    rating: datetime | None
    objection: datetime | None


class DaysLeft(View):
    """Days from today (the office's zone) to each deadline still ahead of the appraisal; ``null`` once done."""

    self_assessment: int | None
    rating: int | None
    objection: int | None


class DashboardAppraisal(View):
    appraisal_id: uuid.UUID
    employee_id: str
    name: str | None
    office_id: str
    unit_id: str
    evaluator_id: str
    evaluator_name: str | None
    status: Status
    self_assessed: bool
    peer: PeerProgress
    rating: Literal["final", "rated", "partial", "not_started"]
    results_rating: Rating | None
    behaviour_rating: Rating | None
    predicate: Predicate | None
    predicate_label: str | None
    objection_status: Literal["filed", "upheld", "changed"] | None
    finalised_at: datetime | None
    acknowledged_at: datetime | None
    waiting_on: list[WaitingOn]
    deadlines: AppraisalDeadlines
    days_left: DaysLeft


class TeamAppraisalDashboard(View):
    period: str
    today: date
    appraisals: list[DashboardAppraisal]


class DashboardBound(View):
    label: str
    share: DecimalText | None = Field(description="the bound's share of the unit (0.70 = 70%); null for a count "
                                                  "bound (\"at least one employee\")")
    at_most: bool
    count: int
    limit: int
    violated: bool
    explanation: str
    predicates: list[Predicate]


class UnitProgress(View):
    unit_id: str
    total: int
    by_status: dict[Status, int]
    self_assessed: int
    rated: int
    final: int
    counts: dict[Predicate, int]
    pending: int
    organisation_predicate: OrganisationPredicate | None
    objections_open: int
    objected: int
    bounds: list[DashboardBound]
    violations: list[str]


class OfficeDeadlines(View):
    plan: date
    self_assessment: datetime | None
    rating: datetime | None


class OfficeDaysLeft(View):
    plan: int
    self_assessment: int | None
    rating: int | None


class OfficeAppraisalDashboard(View):
    office_id: str
    period: str
    today: date
    time_zone: TimeZone
    labels: dict[Predicate, str]
    deadlines: OfficeDeadlines
    days_left: OfficeDaysLeft
    units: list[UnitProgress] = Field(description="per unit: progress and predicates against its curve")
    appraisals: list[DashboardAppraisal]
