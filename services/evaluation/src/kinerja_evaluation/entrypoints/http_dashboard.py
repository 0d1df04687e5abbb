"""HTTP routes of the monitoring dashboards (evaluation's part): one request per team or office."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kinerja_evaluation.application.dashboard import AppraisalDashboard
from kinerja_evaluation.application.dashboard_views import OfficeAppraisalDashboard, TeamAppraisalDashboard
from kinerja_kernel.http import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["Dasbor"])


async def dashboard(request: Request) -> AppraisalDashboard:
    return AppraisalDashboard(request.app.state.evaluation)


Dashboard = Annotated[AppraisalDashboard, Depends(dashboard)]
Period = Annotated[str, Query(min_length=4, max_length=10, description="periode: 2026, 2026-Q1, 2026-S1 …")]


@router.get("/team/appraisal-dashboard")
async def team_dashboard(period: Period, by: CurrentPrincipal, queries: Dashboard) -> TeamAppraisalDashboard:
    """The caller's team's appraisals of the period: self-assessment, 360, rating, predicate, objection and the
    days left to each deadline."""
    return TeamAppraisalDashboard.model_validate(await queries.team(period, by))


@router.get("/offices/{office_id}/appraisal-dashboard")
async def office_dashboard(office_id: str, period: Period, by: CurrentPrincipal, queries: Dashboard,
                           objections_only: Annotated[bool, Query(description=(
                               "only the appraisals with an objection (the units still count everyone): the "
                               "part a page lists, a small answer"))] = False,
                           final_first: Annotated[int | None, Query(ge=1, le=500, description=(
                               "with objections_only: also the first N final appraisals, by unit and name"))] = None,
                           unit: Annotated[str | None, Query(max_length=64, description=(
                               "only this unit's appraisals listed (the units still all)"))] = None,
                           ) -> OfficeAppraisalDashboard:
    """Every appraisal of the office's period, and per unit its progress and predicates against the curve."""
    return OfficeAppraisalDashboard.model_validate(await queries.office(
        office_id, period, by, objections_only=objections_only, final_first=final_first, unit=unit or None))
