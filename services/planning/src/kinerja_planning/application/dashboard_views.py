"""The monitoring dashboards' answers (planning's part), typed so OpenAPI describes them. Realised values and
targets are decimal strings (``format: decimal``); percents are numbers."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from kinerja_kernel.contracts.planning import Measure, PositionType
from kinerja_planning.application.views import DecimalText
from kinerja_planning.domain.dashboard import Behind, PlanBlock


class DashboardIkiView(BaseModel):
    iki_id: uuid.UUID
    rhk_id: uuid.UUID
    rhk_title: str
    description: str
    measure: Measure
    target: DecimalText | None = Field(description="the kuantitas target (none in a qualitative plan)")
    unit: str | None
    realised: DecimalText = Field(description="counted entries, or the service interactions for a service IKI")
    percent: float | None = Field(description="realised / target in percent")


class DashboardMemberView(BaseModel):
    """One member: the SKP's status and why it is not approved, realisation, last report, falling behind."""

    employee_id: str
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: PositionType
    evaluator_id: str | None
    evaluator_name: str | None
    plan_id: uuid.UUID | None
    status: str = Field(description="not_started or the SKP's status")
    blocked_by: PlanBlock | None = Field(description="why the SKP is not approved yet (none once approved)")
    ikis: list[DashboardIkiView]
    overall_percent: float | None
    entries: int = Field(description="realisation entries reported")
    last_reported_at: datetime | None
    last_occurred_on: date | None = Field(description="the latest day of work reported (office calendar)")
    reported_this_month: bool
    behind: list[Behind] = Field(description="why the member is marked as falling behind")


class TeamDashboardView(BaseModel):
    period_year: int
    today: date = Field(description="today in the office's time zone")
    expected_percent: float = Field(description="the share of the year gone by, in percent")
    members: list[DashboardMemberView]


class OfficeDashboardView(TeamDashboardView):
    office_id: str


class UnitStatusesView(BaseModel):
    unit_id: str
    total: int
    by_status: dict[str, int] = Field(description="members per SKP status (not_started or the SKP's status)")


class MemberListView(BaseModel):
    total: int = Field(description="every member the list holds")
    members: list[DashboardMemberView] = Field(description="the first `limit`, by unit and name (IKIs left out)")


class OfficeDashboardSummaryView(BaseModel):
    """What a page of the office shows: per unit the SKP statuses, and the two lists HR acts on, each cut at
    ``limit`` with its total (the whole lists are the exports' business)."""

    office_id: str
    period_year: int
    today: date = Field(description="today in the office's time zone")
    expected_percent: float = Field(description="the share of the year gone by, in percent")
    units: list[UnitStatusesView] = Field(description="every unit of the office, whatever `unit` chooses")
    not_approved: MemberListView = Field(description="members whose SKP is not approved yet (or is blocked)")
    not_reported: MemberListView = Field(description="members with an approved SKP and no report this month")
