"""HTTP routes of the monitoring dashboards (planning's part): one request per team or office."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kinerja_kernel.http import CurrentPrincipal, PeriodYear
from kinerja_planning.application.dashboard import DashboardQueries
from kinerja_planning.application.dashboard_views import OfficeDashboardView, TeamDashboardView

router = APIRouter(prefix="/api/v1", tags=["Dasbor"])


def dashboard(request: Request) -> DashboardQueries:
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
