"""HTTP routes of the planning service: thin — parse, call a use case, answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, ConfigDict, Field

from kinerja_kernel.contracts.planning import Approach
from kinerja_kernel.http import CurrentPrincipal
from kinerja_kernel.identity import Nip
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.domain.commands import ApprovePlan, DraftPlan, SubmitPlan
from kinerja_planning.domain.plan import PerformancePlan

router = APIRouter(prefix="/api/v1", tags=["SKP"])


def planning(request: Request) -> PlanningService:
    service: PlanningService = request.app.state.planning
    return service


Planning = Annotated[PlanningService, Depends(planning)]


class DraftPlanBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    office_id: str = Field(min_length=1, max_length=64)
    period_year: int = Field(ge=2000, le=2100)
    evaluator_id: Nip
    approach: Approach = Approach.KUANTITATIF


class TransitionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_version: int | None = Field(default=None, ge=0, description="version the client last saw")


class PlanView(BaseModel):
    plan_id: uuid.UUID
    version: int
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str
    approach: Approach
    status: str
    approved_by: str | None

    @classmethod
    def of(cls, plan: PerformancePlan) -> PlanView:
        assert plan.plan_id is not None
        return cls(plan_id=plan.plan_id, version=plan.version, employee_id=plan.employee_id,
                   office_id=plan.office_id, period_year=plan.period_year, evaluator_id=plan.evaluator_id,
                   approach=plan.approach, status=plan.status.value, approved_by=plan.approved_by)


class PlanRefView(BaseModel):
    plan_id: uuid.UUID
    version: int


@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=PlanRefView)
async def draft_plan(body: DraftPlanBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    """Start the caller's SKP for a period (the caller is the employee)."""
    ref = await svc.draft(DraftPlan(employee_id=by.user_id, office_id=body.office_id, period_year=body.period_year,
                                    evaluator_id=body.evaluator_id, approach=body.approach), by)
    return PlanRefView(plan_id=ref.plan_id, version=ref.version)


@router.get("/plans/{plan_id}", response_model=PlanView)
async def get_plan(plan_id: uuid.UUID, by: CurrentPrincipal, svc: Planning) -> PlanView:
    return PlanView.of(await svc.get(plan_id, by))


@router.post("/plans/{plan_id}/submit", response_model=PlanRefView)
async def submit_plan(plan_id: uuid.UUID, body: TransitionBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    ref = await svc.submit(SubmitPlan(plan_id=plan_id, expected_version=body.expected_version), by)
    return PlanRefView(plan_id=ref.plan_id, version=ref.version)


@router.post("/plans/{plan_id}/approve", response_model=PlanRefView)
async def approve_plan(plan_id: uuid.UUID, body: TransitionBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    ref = await svc.approve(ApprovePlan(plan_id=plan_id, expected_version=body.expected_version), by)
    return PlanRefView(plan_id=ref.plan_id, version=ref.version)
