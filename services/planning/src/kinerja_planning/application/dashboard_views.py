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
