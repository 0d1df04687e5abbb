"""What the planning service answers: typed views (pydantic), so its OpenAPI describes every response.

Decimal numbers (targets, realised values) are strings holding an exact decimal (``"12.5"``), marked
``format: decimal``; texts a person reads are rendered from message codes here, at the edge.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kinerja_kernel import messages
from kinerja_kernel.contracts.planning import (
    ActingKind,
    Approach,
    BerAkhlak,
    Employment,
    Evidence,
    Measure,
    Origin,
    PlanAppendix,
    PositionType,
    Rhk,
)
from kinerja_planning.domain.plan import PerformancePlan
from kinerja_planning.domain.rules import Problem

DecimalText = Annotated[Decimal, Field(json_schema_extra={"format": "decimal"},
                                       description="a decimal number as a string, e.g. \"12.5\"")]


# -- references answered by commands ---------------------------------------------------------------
class PlanRefView(BaseModel):
    plan_id: uuid.UUID
    version: int = Field(description="the SKP stream's version after the command")


class RhkChangedView(PlanRefView):
    rhk: Rhk = Field(description="the RHK as stored (with its id and its IKIs' ids)")


class EmployeeRegisteredView(BaseModel):
    employee_id: str
    version: int = Field(description="the roster entry's stream version")


class PeriodClosedView(BaseModel):
    closed: int = Field(description="how many SKPs of the office were closed")


class RosterImportedView(BaseModel):
    """What a roster import did (all rows or none)."""

    office_id: str
    rows: int
    changed: int
    unchanged: int = Field(description="rows identical to the roster (nothing recorded)")


class AppointmentRefView(BaseModel):
    appointment_id: uuid.UUID
    version: int


class ReportedView(BaseModel):
    recorded: int = Field(description="entries recorded now")
    skipped: int = Field(description="entries already recorded (the same entry_id)")


class CommentedView(BaseModel):
    comment_id: uuid.UUID


class EntryStatusView(BaseModel):
    entry_id: uuid.UUID
    status: Literal["counted", "returned", "withdrawn"]


class StoredFileRef(BaseModel):
    kind: Literal["file"] = "file"
    sha256: str
    name: str


class UploadedView(BaseModel):
    sha256: str
    name: str
    media_type: str
    size: int = Field(description="bytes")
    evidence: StoredFileRef = Field(description="what to put in an entry's evidence to cite the file")


class InteractionsRecordedView(BaseModel):
    accepted: int = Field(description="interactions recorded now")
    duplicates: int = Field(description="interaction ids already recorded, or repeated in the batch")


# -- the SKP ---------------------------------------------------------------------------------------
class ProblemView(BaseModel):
    """One thing that blocks a submission: the field, its code and parameters, and the Indonesian text."""

    field: str
    code: str = ""
    params: dict[str, object] = Field(default_factory=dict)
    message: str
    message_en: str = ""

    @classmethod
    def of(cls, problem: Problem) -> ProblemView:
        return cls(field=problem.field, code=problem.code, params=dict(problem.params), message=problem.message,
                   message_en=problem.message_en)


class PersonLabel(BaseModel):
    name: str
    position: str


class PlanHeader(BaseModel):
    """Whose SKP, of which period, where, evaluated by whom, in which status and at which version."""

    plan_id: uuid.UUID
    version: int = Field(description="the SKP stream's version (send it back as expected_version)")
    employee_id: str
    office_id: str
    unit_id: str
    period_year: int
    evaluator_id: str
    superior_id: str | None
    position_type: PositionType
    approach: Approach
    status: str = Field(description="draft, submitted, returned, approved, revising or closed")


class PlanView(PlanHeader):
    """An SKP with its content, who named in it, and what blocks its submission."""

    rhks: list[Rhk]
    behaviour: dict[BerAkhlak, str | None]
    appendix: PlanAppendix = Field(default_factory=PlanAppendix, description="the SKP's appendix (lampiran)")
    approved_by: str | None
    approved_on_behalf_of: str | None = Field(default=None, description="the absent evaluator an acting official "
                                              "(Plt/Plh) approved for; approved_by is the acting official")
    approved_acting_kind: str | None = Field(default=None, description="plt or plh, with approved_on_behalf_of")
    return_comments: str | None
    approval_comments: str | None = None
    revision_reasons: list[str]
    blockers: list[ProblemView] = Field(description="what stops submitting the SKP (only while it is editable)")
    people: dict[str, PersonLabel] = Field(default_factory=dict,
                                           description="name and position of each NIP the plan names")
    cited_rhk_titles: dict[str, str] = Field(default_factory=dict,
                                             description="title of each supervisor RHK an RHK supports, by RHK id")

    @classmethod
    def of(cls, plan: PerformancePlan, blockers: list[Problem]) -> PlanView:
        """The plan with what blocks its submission (the use case finds blockers only on an editable plan)."""
        assert plan.plan_id is not None
        return cls(plan_id=plan.plan_id, version=plan.version, employee_id=plan.employee_id,
                   office_id=plan.office_id, unit_id=plan.unit_id, period_year=plan.period_year,
                   evaluator_id=plan.evaluator_id, superior_id=plan.superior_id, position_type=plan.position_type,
                   approach=plan.approach, status=plan.status.value, rhks=list(plan.rhks.values()),
                   behaviour=plan.behaviour, appendix=plan.appendix, approved_by=plan.approved_by,
                   approved_on_behalf_of=plan.approved_on_behalf_of,
                   approved_acting_kind=plan.approved_acting_kind, return_comments=plan.return_comments,
                   approval_comments=plan.approval_comments, revision_reasons=plan.revision_reasons,
                   blockers=[ProblemView.of(p) for p in blockers])


# -- read models -----------------------------------------------------------------------------------
class RosterEmployeeView(BaseModel):
    """One employee on an office's roster."""

    employee_id: str
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: PositionType
    employment: Employment
    evaluator_id: str | None
    superior_id: str | None
    updated_at: str = Field(description="ISO 8601 date-time of the last change")


class PlanSummaryView(PlanHeader):
    """An SKP as listed (no content)."""

    rhk_count: int
    updated_at: str = Field(description="ISO 8601 date-time of the last change")


class MemberView(BaseModel):
    """An employee of a team or office with their SKP of the period (``not_started`` when there is none)."""

    employee_id: str
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: PositionType
    evaluator_id: str | None
    plan_id: uuid.UUID | None
    status: str = Field(description="not_started, draft, submitted, returned, approved, revising or closed")
    version: int | None
    rhk_count: int
    updated_at: str | None
    on_behalf_of: str | None = Field(default=None, description="the absent evaluator whose team member this is, "
                                     "for a caller acting for them today (Plt/Plh)")


class OfficeOverviewView(BaseModel):
    office_id: str
    period_year: int
    by_unit: dict[str, dict[str, int]] = Field(description="per unit: how many SKPs are in each status")
    employees: list[MemberView]


class RhkRowView(BaseModel):
    """An RHK as the read model holds it."""

    rhk_id: uuid.UUID
    plan_id: uuid.UUID
    title: str
    kind: str
    parent_plan_id: uuid.UUID | None
    parent_rhk_id: uuid.UUID | None
    source_kind: str | None
    source_ref: str | None
    perspective: str | None


class CascadeOptionsView(BaseModel):
    """The evaluator's approved RHKs the caller's RHKs may cite, or why there are none."""

    evaluator_id: str | None
    plan_id: uuid.UUID | None
    rhks: list[RhkRowView]
    code: str | None = Field(default=None, description="why there are none (a message code), with params")
    params: dict[str, object] = Field(default_factory=dict)
    message: str | None = Field(default=None, description="the same in Indonesian")

    @classmethod
    def of(cls, evaluator_id: str | None, plan_id: uuid.UUID | None, rhks: list[RhkRowView], code: str | None = None,
           **params: object) -> CascadeOptionsView:
        return cls(evaluator_id=evaluator_id, plan_id=plan_id, rhks=rhks, code=code, params=params,
                   message=messages.render(code, params) if code else None)


class CascadeNodeView(RhkRowView):
    """An RHK of the office with the RHKs that support it."""

    employee_id: str
    plan_status: str
    name: str | None
    supporting: list[CascadeNodeView] = Field(default_factory=list)


class BlockedView(BaseModel):
    employee_id: str
    name: str
    plan_id: uuid.UUID
    blockers: list[ProblemView]


class CascadeTreeView(BaseModel):
    office_id: str
    period_year: int
    tree: list[CascadeNodeView] = Field(description="leader RHKs, each with the RHKs that support it")
    blocked: list[BlockedView] = Field(description="employees whose editable SKP cannot be submitted, and why")


# -- acting officials ------------------------------------------------------------------------------
AppointmentStatus = Literal["aktif", "akan_datang", "selesai"]


class HeldAppointmentView(BaseModel):
    """A Plt/Plh appointment the caller holds, in force or to come."""

    appointment_id: uuid.UUID
    office_id: str
    absent_id: str
    acting_id: str
    kind: ActingKind
    starts_on: date
    ends_on: date
    absent_name: str | None
    absent_position: str | None
    status: AppointmentStatus


class AppointmentView(HeldAppointmentView):
    """One of an office's Plt/Plh appointments, with both names."""

    ended_early: bool
    reason: str
    end_reason: str | None
    decree_number: str | None
    appointed_by: str
    appointed_at: str = Field(description="ISO 8601 date-time")
    acting_name: str | None
    acting_position: str | None


# -- realisation -----------------------------------------------------------------------------------
class IkiProgressView(BaseModel):
    rhk_id: uuid.UUID
    iki_id: uuid.UUID
    description: str
    measure: Measure
    target: DecimalText | None = Field(description="the kuantitas target (none in a qualitative plan)")
    unit: str | None
    realised: DecimalText = Field(description="every counted entry of the year (not returned or withdrawn)")
    percent: float | None = Field(description="realised / target in percent, at most 999")
    achieved: bool = Field(description="the target is reached now")
    announced: bool = Field(description="reaching the target was announced (IkiTargetAchieved)")
    by_quarter: list[DecimalText] | None = Field(description="realised per quarter (manual IKIs)")
    realised_in_range: DecimalText | None = Field(default=None, description="between since and until, when given")


class CommentView(BaseModel):
    author_id: str
    comment: str


class ReturnedView(BaseModel):
    by: str = Field(description="who sent it back (the evaluator or their acting official)")
    on_behalf_of: str | None
    reason: str
    at: datetime


class CorrectionView(BaseModel):
    previous_value: DecimalText
    value: DecimalText
    previous_occurred_on: date
    occurred_on: date
    note: str | None
    reason: str | None = Field(description="why the entry had been sent back")
    at: datetime


class WithdrawnView(BaseModel):
    reason: str | None
    at: datetime


class EntryView(BaseModel):
    """A realisation entry as it stands now."""

    plan_id: uuid.UUID
    employee_id: str
    entry_id: uuid.UUID
    rhk_id: uuid.UUID
    iki_id: uuid.UUID
    value: DecimalText
    unit: str | None
    occurred_on: date
    description: str
    evidence: list[Evidence]
    origin: Origin
    recorded_at: datetime
    status: Literal["counted", "returned", "withdrawn"]
    returned: ReturnedView | None
    corrections: list[CorrectionView]
    withdrawn: WithdrawnView | None
    comments: list[CommentView]


class ProgressView(BaseModel):
    plan_id: uuid.UUID
    period_year: int
    today: date = Field(description="today in the office's time zone")
    since: date | None
    until: date | None
    ikis: list[IkiProgressView]
    entries: list[EntryView]
