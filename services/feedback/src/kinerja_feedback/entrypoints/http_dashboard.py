"""HTTP routes of the monitoring dashboards (feedback's part): dialogues held per member, one request per team
or office."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from kinerja_feedback.adapters import dashboard_views as dv
from kinerja_feedback.adapters import directory
from kinerja_feedback.application.access import require_office_reader
from kinerja_feedback.entrypoints.http import App
from kinerja_kernel.access import within_offices
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import EvaluationPeriod
from kinerja_kernel.http import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["Dasbor"])
Period = Annotated[str, Query(min_length=4, max_length=8, description="periode: 2026, 2026-Q1 atau 2026-M03")]


class MemberDialogues(BaseModel):
    """One employee's dialogues in the period."""

    employee_id: str
    name: str | None
    office_id: str
    unit_id: str | None
    evaluator_id: str | None
    held: int = Field(description="dialogues held (notes recorded) in the period")
    scheduled: int = Field(description="dialogues scheduled and not held yet")
    last_held_at: datetime | None
    required: int = Field(description="dialogues the office expects per period")


class TeamDialogueSummary(BaseModel):
    period: str
    members: list[MemberDialogues]


class OfficeDialogueSummary(TeamDialogueSummary):
    office_id: str


def _rows(rows: list[Any], required: int) -> list[dict[str, Any]]:
    return [{"employee_id": r["employee_id"], "name": r["name"], "office_id": r["office_id"],
             "unit_id": r["unit_id"], "evaluator_id": r["evaluator_id"], "held": r["held"],
             "scheduled": r["scheduled"], "last_held_at": r["last_held_at"], "required": required}
            for r in rows]


@router.get("/team/dialogue-summary", response_model=TeamDialogueSummary)
async def team_summary(period: Period, by: CurrentPrincipal, app: App) -> dict[str, Any]:
    """Per member of the caller's team: the dialogues held and scheduled in the period."""
    by.require_role(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI)
    key = EvaluationPeriod.parse(period).key
    async with app.dialogues.db.connection() as conn:
        rows = within_offices(by, await dv.team_counts(conn, by.user_id, key))
        office = min(by.offices, default="")
        required = (await directory.feedback_settings(conn, office)).dialogues_per_period if office else 1
    return {"period": key, "members": _rows(rows, required)}


@router.get("/offices/{office_id}/dialogue-summary", response_model=OfficeDialogueSummary)
async def office_summary(office_id: str, period: Period, by: CurrentPrincipal, app: App) -> dict[str, Any]:
    """Per employee of the office (HR, auditors and superiors of the office)."""
    require_office_reader(by, office_id)
    key = EvaluationPeriod.parse(period).key
    async with app.dialogues.db.connection() as conn:
        rows = await dv.office_counts(conn, office_id, key)
        required = (await directory.feedback_settings(conn, office_id)).dialogues_per_period
    return {"office_id": office_id, "period": key, "members": _rows(rows, required)}
