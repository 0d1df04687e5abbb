"""HTTP routes of the planning service: thin — parse, call a use case, answer."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import Field

from kinerja_kernel.contracts.planning import (
    AppendixItem,
    Approach,
    Aspect,
    BerAkhlak,
    Employment,
    Iki,
    Intervention,
    Measure,
    Perspective,
    PlanAppendix,
    PositionType,
    Rhk,
    RhkKind,
    RhkSource,
    SourceKind,
    Target,
)
from kinerja_kernel.http import CurrentPrincipal, PeriodYear, RequestBody, StreamVersion, VersionedBody
from kinerja_kernel.identity import Nip
from kinerja_planning.application.handlers import PlanningService, PlanRef
from kinerja_planning.application.views import (
    CascadeOptionsView,
    CascadeTreeView,
    EmployeeRegisteredView,
    HeldAppointmentView,
    MemberView,
    OfficeOverviewView,
    PeriodClosedView,
    PersonLabel,
    PlanRefView,
    PlanSummaryView,
    PlanView,
    RhkChangedView,
    RosterEmployeeView,
)
from kinerja_planning.domain.commands import (
    AddRhk,
    ApprovePlan,
    ClosePlan,
    DraftPlan,
    RegisterEmployee,
    RemoveRhk,
    ReturnPlan,
    SetBehaviourExpectations,
    SetPlanAppendix,
    StartRevision,
    SubmitPlan,
    UpdateRhk,
)
from kinerja_planning.entrypoints.http_roster import Admin

router = APIRouter(prefix="/api/v1")


async def planning(request: Request) -> PlanningService:
    service: PlanningService = request.app.state.planning
    return service


Planning = Annotated[PlanningService, Depends(planning)]
Year = Annotated[PeriodYear, Query(description="periode (tahun)")]




# -- bodies ---------------------------------------------------------------------------------------
class EmployeeBody(RequestBody):
    """The whole roster entry: every field is stated (``null`` where there is no evaluator or superior), so
    a PUT never silently resets what was left out."""

    name: str = Field(min_length=1, max_length=200)
    unit_id: str = Field(min_length=1, max_length=64)
    position: str = Field(min_length=1, max_length=200)
    position_type: PositionType
    employment: Employment
    evaluator_id: Nip | None = Field(description="the evaluator's NIP, or null (the top of the office)")
    superior_id: Nip | None = Field(description="the evaluator's superior's NIP, or null")
    reason: str | None = Field(default=None, max_length=500)


class DraftPlanBody(RequestBody):
    period_year: PeriodYear
    approach: Approach = Approach.KUANTITATIF


class TargetBody(RequestBody):
    aspect: Aspect
    value: Decimal | None = Field(default=None, max_digits=18, decimal_places=4)
    unit: str | None = Field(default=None, max_length=40)
    description: str | None = Field(default=None, max_length=500)


class IkiBody(RequestBody):
    iki_id: uuid.UUID | None = Field(default=None, description="keep the id of an existing IKI when updating")
    description: str = Field(min_length=1, max_length=500)
    targets: list[TargetBody] = Field(max_length=4)
    measure: Measure = Measure.MANUAL
    service_type: str | None = Field(default=None, max_length=80)


class InterventionBody(RequestBody):
    plan_id: uuid.UUID
    rhk_id: uuid.UUID


class SourceBody(RequestBody):
    kind: SourceKind
    reference: str = Field(min_length=1, max_length=300)


class RhkBody(RequestBody):
    title: str = Field(min_length=1, max_length=500)
    kind: RhkKind = RhkKind.UTAMA
    ikis: list[IkiBody] = Field(max_length=20)
    intervention: InterventionBody | None = None
    source: SourceBody | None = None
    perspective: Perspective | None = None

    def to_rhk(self, rhk_id: uuid.UUID) -> Rhk:
        return Rhk(
            rhk_id=rhk_id, title=self.title, kind=self.kind,
            ikis=tuple(Iki(iki_id=i.iki_id or uuid.uuid4(), description=i.description, measure=i.measure,
                           service_type=i.service_type,
                           targets=tuple(Target(**t.model_dump()) for t in i.targets)) for i in self.ikis),
            intervention=Intervention(**self.intervention.model_dump()) if self.intervention else None,
            source=RhkSource(**self.source.model_dump()) if self.source else None, perspective=self.perspective,
        )


class RhkChange(RequestBody):
    rhk: RhkBody
    expected_version: StreamVersion | None = None




class BehaviourBody(VersionedBody):
    expectations: dict[BerAkhlak, Annotated[str, Field(max_length=1000)] | None]


class AppendixBody(VersionedBody):
    resources: list[AppendixItem] = Field(default_factory=list, max_length=20, description="dukungan sumber daya")
    accountability: list[AppendixItem] = Field(default_factory=list, max_length=20,
                                               description="skema pertanggungjawaban")
    consequences: list[AppendixItem] = Field(default_factory=list, max_length=20, description="konsekuensi")


class CommentsBody(VersionedBody):
    comments: str = Field(min_length=1, max_length=2000)


class ApproveBody(VersionedBody):
    comments: str | None = Field(default=None, max_length=2000, description="optional comment for the employee")


class ReasonBody(VersionedBody):
    reason: str = Field(min_length=1, max_length=1000)


def _ref(ref: PlanRef) -> PlanRefView:
    return PlanRefView(plan_id=ref.plan_id, version=ref.version)


# -- roster ---------------------------------------------------------------------------------------
@router.put("/offices/{office_id}/employees/{employee_id}", tags=["Roster"])
async def register_employee(office_id: str, employee_id: Nip, body: EmployeeBody, by: CurrentPrincipal,
                            svc: Planning) -> EmployeeRegisteredView:
    """Put an employee on the office roster, or change their data (HR administrator)."""
    version = await svc.register_employee(RegisterEmployee(employee_id=employee_id, office_id=office_id,
                                                           **body.model_dump()), by)
    return EmployeeRegisteredView(employee_id=employee_id, version=version)


@router.get("/offices/{office_id}/employees", tags=["Roster"])
async def office_roster(office_id: str, by: CurrentPrincipal, svc: Planning) -> list[RosterEmployeeView]:
    return await svc.office_roster(office_id, by)


# -- the SKP --------------------------------------------------------------------------------------
@router.post("/plans", status_code=status.HTTP_201_CREATED, response_model=PlanRefView, tags=["SKP"])
async def draft_plan(body: DraftPlanBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    """Start the caller's SKP for a period; office, unit and evaluator come from the roster."""
    return _ref(await svc.draft(DraftPlan(employee_id=by.user_id, period_year=body.period_year,
                                                    approach=body.approach), by))


@router.get("/plans/{plan_id}", response_model=PlanView, tags=["SKP"])
async def get_plan(plan_id: uuid.UUID, by: CurrentPrincipal, svc: Planning) -> PlanView:
    plan, blockers = await svc.get(plan_id, by)
    people, titles = await svc.labels(plan)
    view = PlanView.of(plan, blockers)
    view.people = {nip: PersonLabel(**found) for nip, found in people.items()}
    view.cited_rhk_titles = titles
    return view


@router.post("/plans/{plan_id}/rhks", status_code=status.HTTP_201_CREATED, tags=["SKP"])
async def add_rhk(plan_id: uuid.UUID, body: RhkChange, by: CurrentPrincipal, svc: Planning) -> RhkChangedView:
    rhk = body.rhk.to_rhk(uuid.uuid4())
    ref = await svc.add_rhk(AddRhk(plan_id=plan_id, rhk=rhk, expected_version=body.expected_version), by)
    return RhkChangedView(plan_id=ref.plan_id, version=ref.version, rhk=rhk)


@router.put("/plans/{plan_id}/rhks/{rhk_id}", tags=["SKP"])
async def update_rhk(plan_id: uuid.UUID, rhk_id: uuid.UUID, body: RhkChange, by: CurrentPrincipal,
                     svc: Planning) -> RhkChangedView:
    rhk = body.rhk.to_rhk(rhk_id)
    ref = await svc.update_rhk(UpdateRhk(plan_id=plan_id, rhk=rhk, expected_version=body.expected_version), by)
    return RhkChangedView(plan_id=ref.plan_id, version=ref.version, rhk=rhk)


@router.delete("/plans/{plan_id}/rhks/{rhk_id}", response_model=PlanRefView, tags=["SKP"])
async def remove_rhk(plan_id: uuid.UUID, rhk_id: uuid.UUID, by: CurrentPrincipal, svc: Planning,
                     expected_version: Annotated[StreamVersion | None, Query()] = None) -> PlanRefView:
    return _ref(await svc.remove_rhk(RemoveRhk(plan_id=plan_id, rhk_id=rhk_id,
                                                         expected_version=expected_version), by))


@router.put("/plans/{plan_id}/behaviour", response_model=PlanRefView, tags=["SKP"])
async def set_behaviour(plan_id: uuid.UUID, body: BehaviourBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    """The leader's expectation per BerAKHLAK value (null clears one)."""
    return _ref(await svc.set_behaviour(SetBehaviourExpectations(
        plan_id=plan_id, expectations=body.expectations, expected_version=body.expected_version), by))


@router.put("/plans/{plan_id}/appendix", response_model=PlanRefView, tags=["SKP"])
async def set_appendix(plan_id: uuid.UUID, body: AppendixBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    """The SKP's appendix (lampiran): resources, accountability scheme and consequences, each a list of points;
    by the employee or the evaluator before approval (the whole appendix; the same again records nothing)."""
    appendix = PlanAppendix(**body.model_dump(exclude={"expected_version"}))
    return _ref(await svc.set_appendix(SetPlanAppendix(plan_id=plan_id, appendix=appendix,
                                                       expected_version=body.expected_version), by))


@router.post("/plans/{plan_id}/submit", response_model=PlanRefView, tags=["SKP"])
async def submit_plan(plan_id: uuid.UUID, body: VersionedBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    return _ref(await svc.submit(SubmitPlan(plan_id=plan_id, expected_version=body.expected_version), by))


@router.post("/plans/{plan_id}/return", response_model=PlanRefView, tags=["SKP"])
async def return_plan(plan_id: uuid.UUID, body: CommentsBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    return _ref(await svc.return_plan(ReturnPlan(plan_id=plan_id, comments=body.comments,
                                                           expected_version=body.expected_version), by))


@router.post("/plans/{plan_id}/approve", response_model=PlanRefView, tags=["SKP"])
async def approve_plan(plan_id: uuid.UUID, body: ApproveBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    """Approve a submitted SKP (its evaluator), with an optional comment recorded on the event."""
    return _ref(await svc.approve(ApprovePlan(plan_id=plan_id, expected_version=body.expected_version,
                                                        comments=body.comments), by))


@router.post("/plans/{plan_id}/revise", response_model=PlanRefView, tags=["SKP"])
async def revise_plan(plan_id: uuid.UUID, body: ReasonBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    return _ref(await svc.start_revision(StartRevision(plan_id=plan_id, reason=body.reason,
                                                                 expected_version=body.expected_version), by))


@router.post("/plans/{plan_id}/close", response_model=PlanRefView, tags=["SKP"])
async def close_plan(plan_id: uuid.UUID, body: ReasonBody, by: CurrentPrincipal, svc: Planning) -> PlanRefView:
    return _ref(await svc.close(ClosePlan(plan_id=plan_id, reason=body.reason,
                                                    expected_version=body.expected_version), by))


@router.post("/offices/{office_id}/periods/{period_year}/close", tags=["SKP"])
async def close_period(office_id: str, period_year: PeriodYear, body: ReasonBody, by: CurrentPrincipal,
                       svc: Planning) -> PeriodClosedView:
    """End of period: close every SKP of the office for that year (HR administrator)."""
    return PeriodClosedView(closed=await svc.close_period(office_id, period_year, body.reason, by))


# -- read models ----------------------------------------------------------------------------------
@router.get("/me/plans", tags=["Read models"])
async def my_plans(by: CurrentPrincipal, svc: Planning) -> list[PlanSummaryView]:
    """The caller's SKPs, newest period first, with status and version."""
    return await svc.my_plans(by)


@router.get("/me/cascade-options", tags=["Read models"])
async def cascade_options(by: CurrentPrincipal, svc: Planning, period_year: Year) -> CascadeOptionsView:
    """The evaluator's approved RHKs the caller may cite, or a message saying why there are none."""
    return await svc.cascade_options(by, period_year)


@router.get("/me/acting-appointments", tags=["Roster"])
async def my_acting_appointments(by: CurrentPrincipal, admin: Admin) -> list[HeldAppointmentView]:
    """The caller's own Plt/Plh appointments in force today or still to come: for whom (name, position),
    which kind, from when to when, ``aktif`` or ``akan_datang``."""
    return await admin.my_appointments(by)


@router.get("/team/plans", tags=["Read models"])
async def team_plans(by: CurrentPrincipal, svc: Planning, period_year: Year) -> list[MemberView]:
    """The evaluator's team: each member's SKP status (not_started / draft / submitted / ...)."""
    return await svc.team(by, period_year)


@router.get("/offices/{office_id}/overview", tags=["Read models"])
async def office_overview(office_id: str, by: CurrentPrincipal, svc: Planning,
                          period_year: Year) -> OfficeOverviewView:
    return await svc.office_overview(office_id, by, period_year)


@router.get("/offices/{office_id}/cascade", tags=["Read models"])
async def cascade_tree(office_id: str, by: CurrentPrincipal, svc: Planning, period_year: Year) -> CascadeTreeView:
    return await svc.cascade_tree(office_id, by, period_year)
