"""HTTP routes of the monitoring dashboards (planning's part): one request per team or office."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kinerja_kernel.http import CurrentPrincipal, PeriodYear
from kinerja_planning.application.dashboard import DashboardQueries
from kinerja_planning.application.dashboard_views import (
    OfficeDashboardSummaryView,
    OfficeDashboardView,
    TeamDashboardView,
)

router = APIRouter(prefix="/api/v1", tags=["Dasbor"])


async def dashboard(request: Request) -> DashboardQueries:
    planning = request.app.state.planning
    return DashboardQueries(planning.db, planning.acting, today=planning.acting.fixed_today)


Dashboard = Annotated[DashboardQueries, Depends(dashboard)]
Year = Annotated[PeriodYear, Query(description="periode (tahun)")]


@router.get("/team/dashboard")
async def team_dashboard(by: CurrentPrincipal, queries: Dashboard, period_year: Year) -> TeamDashboardView:
    """The caller's team for the period: each member's SKP status and why it is not approved, realisation per
    IKI and overall, the last report and the reasons the member is marked as falling behind."""
    return TeamDashboardView.model_validate(await queries.team(by, period_year))


@router.get("/offices/{office_id}/dashboard")
async def office_dashboard(office_id: str, by: CurrentPrincipal, queries: Dashboard, period_year: Year,
                           ikis: Annotated[bool, Query(description="each member's IKIs; false: ikis is empty (the "
                                                       "summary a page shows, a quarter of the size)")] = True
                           ) -> OfficeDashboardView:
    """The same for every employee of the office (HR, auditors and superiors of the office)."""
    return OfficeDashboardView.model_validate(await queries.office(office_id, by, period_year, ikis=ikis))


@router.get("/offices/{office_id}/dashboard/summary")
async def office_dashboard_summary(
        office_id: str, by: CurrentPrincipal, queries: Dashboard, period_year: Year,
        unit: Annotated[str | None, Query(max_length=64, description="only this unit's members in the lists")] = None,
        limit: Annotated[int, Query(ge=1, le=500, description="members per list")] = 100,
) -> OfficeDashboardSummaryView:
    """The office page's part: per unit the SKP statuses; who has no approved SKP and who has not reported this
    month, the first `limit` of each with the totals (the same rules as the office dashboard)."""
    return OfficeDashboardSummaryView.model_validate(
        await queries.office_summary(office_id, by, period_year, unit=unit or None, limit=limit))
