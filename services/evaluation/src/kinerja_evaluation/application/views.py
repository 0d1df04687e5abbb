"""What the evaluation service answers, as typed models (OpenAPI documents each one): the appraisal as a role
may see it, the boards (my appraisals, the team, calibration), 360 requests, objections and the rating history.

Decimals (360 averages, a curve bound's share, realised amounts) are ``Decimal`` and written as strings
(``"3.50"``) so no digit is lost; their schema says ``format: decimal``.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kinerja_evaluation.domain.appraisal import Status
from kinerja_kernel.contracts.evaluation import (
    CurveEnforcement,
    EvaluationPeriod,
    ObjectionDecision,
    OfficeSettings,
    OrganisationPredicate,
    PeriodKind,
    Predicate,
    RaterRelation,
    Rating,
    RatingSource,
    TimeZone,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind

DecimalText = Annotated[Decimal, Field(json_schema_extra={"format": "decimal"},
                                       description="a decimal number, written as a string (\"3.50\")")]


class View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


# -- commands' answers --------------------------------------------------------------------------------
class AppraisalRef(View):
    """The appraisal a command changed and its version now (send it back as ``expected_version``)."""

    appraisal_id: uuid.UUID
    version: int


class OfficeVersion(View):
    office_id: str
    version: int


class PeriodOpenedView(View):
    office_id: str
    period: EvaluationPeriod
    appraisals_opened: int
    self_assessment_due: datetime
    rating_due: datetime


class OrganisationPredicateView(View):
    unit_id: str
    period_key: str
    predicate: OrganisationPredicate
    unit_heads_updated: int


# -- the office -------------------------------------------------------------------------------------
class PeriodRow(View):
    office_id: str
    period_key: str
    kind: PeriodKind
    year: int
    starts_on: date
    ends_on: date
    self_assessment_due: datetime
    rating_due: datetime
    opened_at: datetime


class OfficeView(View):
    office_id: str
    settings: OfficeSettings
    periods: list[PeriodRow]


# -- boards -----------------------------------------------------------------------------------------
class WaitingOn(enum.StrEnum):
    """Who an appraisal waits on (a code the web app words)."""

    SELF_ASSESSMENT = "penilaian_diri"
    PEER_INPUT = "penilaian_360"
    RATING = "penilaian_pejabat"
    FINALISATION = "finalisasi"
    OBJECTION_DECISION = "keputusan_keberatan"
    ACKNOWLEDGEMENT = "tanda_terima_pegawai"


class AppraisalRow(View):
    """One appraisal as the read model keeps it (my appraisals, the team board, calibration)."""

    appraisal_id: uuid.UUID
    employee_id: str
    name: str | None = Field(default=None, description="the employee's name (roster)")
    office_id: str
    unit_id: str
    period_key: str
    period_kind: PeriodKind
    year: int
    plan_id: uuid.UUID
    evaluator_id: str
    superior_id: str | None
    unit_head: bool
    rhk_count: int
    status: Status
    self_assessed: bool
    raters: int
    peer_answered: int
    peer_window_closed: bool
    rated_rhks: list[uuid.UUID]
    rated_values: list[BerAkhlak]
    rated_rhk_count: int
    rated_value_count: int
    results_rating: Rating | None
    behaviour_rating: Rating | None
    predicate: Predicate | None
    self_assessment_due: datetime
    rating_due: datetime
    finalised_at: datetime | None
    objection_deadline: datetime | None
    acknowledged_at: datetime | None
    objection_status: Literal["filed", "upheld", "changed"] | None
    objection_filed_at: datetime | None = None
    objection_decided_at: datetime | None = None
    explanations: int = 0
    version: int
    updated_at: datetime


class BoardRow(AppraisalRow):
    """A row of the team board or of calibration, with what it waits on."""

    waiting_on: list[WaitingOn]
    on_behalf_of: str | None = Field(default=None, description="the absent evaluator the caller acts for (Plt/Plh)")


def waiting_on(row: Any) -> list[WaitingOn]:
    """Who an appraisal (a row of the ``appraisals`` read model) is waiting on, for the team board."""
    status = row["status"]
    if status == "objected":
        return [WaitingOn.OBJECTION_DECISION]
    if status in ("finalised", "decided"):
        return [] if row["acknowledged_at"] is not None else [WaitingOn.ACKNOWLEDGEMENT]
    waiting = []
    if not row["self_assessed"]:
        waiting.append(WaitingOn.SELF_ASSESSMENT)
    if row["raters"] and row["peer_answered"] < row["raters"] and not row["peer_window_closed"]:
        waiting.append(WaitingOn.PEER_INPUT)
    complete = (len(row["rated_rhks"]) >= row["rhk_count"] and len(row["rated_values"]) >= len(BerAkhlak)
                and row["results_rating"] is not None and row["behaviour_rating"] is not None)
    waiting.append(WaitingOn.FINALISATION if complete else WaitingOn.RATING)
    return waiting


class BoundView(View):
    """One bound of the distribution curve applied to the unit."""

    label: str
    share: DecimalText | None = Field(description="the bound's share of the unit (0.70 = 70%); null for a count "
                                                  "bound (\"at least one employee\")")
    at_most: bool
    count: int = Field(description="employees already in the group")
    limit: int = Field(description="allowed (at most) or required (at least) in this unit")
    violated: bool
    explanation: str
    predicates: list[Predicate]


class CalibrationView(View):
    office_id: str
    unit_id: str
    period_key: str
    organisation_predicate: OrganisationPredicate | None
    curve_enforcement: CurveEnforcement
    total: int
    pending: int
    counts: dict[Predicate, int]
    labels: dict[Predicate, str]
    bounds: list[BoundView]
    violations: list[str]
    message: str | None
    employees: list[BoardRow]


class PeerRequestRow(View):
    appraisal_id: uuid.UUID
    rater_id: str
    employee_id: str
    employee_name: str | None
    relation: RaterRelation
    window_closes_at: datetime
    answered: bool
    office_id: str
    period_key: str
    status: Status
    peer_window_closed: bool
    time_zone: TimeZone


class ObjectionRow(View):
    appraisal_id: uuid.UUID
    employee_id: str
    name: str | None
    office_id: str
    unit_id: str
    period_key: str
    status: Status
    objection_status: Literal["filed", "upheld", "changed"]
    objection_filed_at: datetime | None
    objection_decided_at: datetime | None
    objection_deadline: datetime | None
    explanations: int
    evaluator_id: str
    superior_id: str | None
    results_rating: Rating | None
    behaviour_rating: Rating | None
    predicate: Predicate | None
    my_role: Literal["atasan_penilai", "pejabat_penilai"]


class HistoryRow(View):
    """A published result; a correction names the one it replaces (``superseded_by`` on the replaced one)."""

    event_id: uuid.UUID
    appraisal_id: uuid.UUID
    employee_id: str
    office_id: str
    period_key: str
    period_kind: PeriodKind
    year: int
    results_rating: Rating
    behaviour_rating: Rating
    predicate: Predicate
    recorded_at: datetime
    replaces_event_id: uuid.UUID | None
    superseded_by: uuid.UUID | None
    reason: str | None


# -- 360 --------------------------------------------------------------------------------------------
class RaterCandidate(View):
    employee_id: str
    name: str | None
    position: str | None
    unit_id: str | None
    relation: RaterRelation
    assigned: bool
    answered: bool


class MyPeerInput(View):
    appraisal_id: uuid.UUID
    employee_id: str
    employee_name: str | None
    period_key: str
    relation: RaterRelation
    window_closes_at: datetime | None
    time_zone: TimeZone
    closed: bool
    answered: bool
    scores: dict[BerAkhlak, int] | None
    comments: dict[BerAkhlak, str] | None


# -- the appraisal ----------------------------------------------------------------------------------
class RatingView(View):
    rating: Rating
    label: str
    comment: str | None


class RhkView(View):
    rhk_id: uuid.UUID
    title: str
    kind: RhkKind
    self: RatingView | None
    evaluator: RatingView | None


class ValueView(View):
    value: BerAkhlak
    self: RatingView | None
    evaluator: RatingView | None


class MissingView(View):
    field: str
    code: str
    message: str


class RaterView(View):
    rater_id: str
    name: str | None
    relation: RaterRelation
    answered: bool


class PeerView(View):
    assigned: int
    answered: int
    threshold: int
    visible: bool
    averages: dict[BerAkhlak, DecimalText]
    comments: dict[BerAkhlak, list[str]]
    message: str | None
    window_closes_at: datetime | None
    closed: bool
    raters: list[RaterView]


class PreviousResult(View):
    results_rating: Rating
    behaviour_rating: Rating
    predicate: Predicate
    predicate_label: str


class ExplanationView(View):
    author_id: str
    role: str
    text: str


class ObjectionView(View):
    objection_id: uuid.UUID
    reasons: str
    explanations: list[ExplanationView]
    decision: ObjectionDecision | None
    decided_by: str | None
    decided_by_name: str | None
    decided_on_behalf_of: str | None
    reason: str | None
    previous: PreviousResult | None


class RealisationEntry(View):
    model_config = ConfigDict(frozen=True, extra="allow")

    entry_id: uuid.UUID
    value: DecimalText
    unit: str | None = None
    occurred_on: date
    description: str | None = None
    evidence: list[Any] = Field(default_factory=list)
    comments: list[Any] = Field(default_factory=list)
    status: str
    returned_reason: str | None = None
    corrections: list[Any] = Field(default_factory=list)


class RealisationIki(View):
    """An IKI as its SKP defines it (targets, measure …) with what was realised in the period."""

    model_config = ConfigDict(frozen=True, extra="allow")

    iki_id: uuid.UUID
    description: str
    realised_in_period: DecimalText
    entries: list[RealisationEntry]


class RealisationRhk(View):
    rhk_id: uuid.UUID
    title: str
    kind: RhkKind
    ikis: list[RealisationIki]


class FeedbackItem(View):
    feedback_id: uuid.UUID
    author_id: str
    relation: str | None
    kind: str | None
    rhk_id: uuid.UUID | None
    iki_id: uuid.UUID | None
    value: str | None
    text: str
    evidence: list[Any]
    given_on: date
    response: str | None


class ViewerActsFor(View):
    evaluator: bool
    superior: bool


class AppraisalView(View):
    """The appraisal as the caller may see it (360 only as aggregates, from the office's threshold)."""

    appraisal_id: uuid.UUID
    version: int
    employee_id: str
    office_id: str
    employee_name: str | None
    evaluator_name: str | None
    superior_name: str | None
    unit_id: str
    period: EvaluationPeriod
    plan_id: uuid.UUID
    evaluator_id: str
    superior_id: str | None
    unit_head: bool
    position_type: PositionType
    employment: Employment
    status: Status
    self_assessment_due: datetime | None
    rating_due: datetime | None
    rhks: list[RhkView]
    values: list[ValueView]
    self_summary: str | None
    results_rating: Rating | None
    behaviour_rating: Rating | None
    results_source: RatingSource | None
    organisation_predicate: OrganisationPredicate | None
    suggested_results_rating: Rating | None
    predicate: Predicate | None
    predicate_label: str | None
    missing: list[MissingView]
    peer: PeerView
    finalised_by: str | None
    finalised_by_name: str | None
    finalised_on_behalf_of: str | None
    objection_deadline: datetime | None
    acknowledged: bool
    corrected: bool
    objection: ObjectionView | None
    realisation: list[RealisationRhk]
    time_zone: TimeZone
    feedback: list[FeedbackItem]
    viewer_acts_for: ViewerActsFor
    acting_kinds: dict[Literal["finalised", "decided"], str | None]
