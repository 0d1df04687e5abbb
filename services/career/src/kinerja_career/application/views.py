"""What the career service answers: one typed model per HTTP response, so its OpenAPI tells an integrator
every field. Numbers that are decimals (credit points, coefficients, hours) are JSON strings with
``format: decimal`` (``"12.50"``: exact, never a float).

Views built from the read models validate a row (``read_models.as_dict``) and ignore columns they do not
show; views of the published contract reuse its value types (``PromotionCheck``, ``Recommendation``,
``DevelopmentActivity``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from kinerja_kernel.contracts.career import DevelopmentActivity, PromotionCheck, Recommendation

DecimalText = Annotated[Decimal, Field(json_schema_extra={"format": "decimal"},
                                       description="a decimal number as a string, e.g. \"12.50\"")]


# -- HR data entry and catalog answers ------------------------------------------------------------------
class RecordVersion(BaseModel):
    """An employee's career record after an HR change."""

    employee_id: str
    version: int = Field(description="the career record's stream version")


class FunctionalPositionSaved(RecordVersion):
    coefficient: DecimalText = Field(description="the annual credit-point coefficient in force")


class RankImport(BaseModel):
    office_id: str
    rows: int = Field(description="rows in the file or body")
    changed: int = Field(description="rows that changed an employee's rank (the others were already recorded)")


class CatalogVersion(BaseModel):
    code: str
    version: int = Field(description="the office catalog's stream version")


class CatalogEntryView(BaseModel):
    office_id: str
    code: str
    title: str
    trigger: str = Field(description="nilai (a weak BerAKHLAK value) or hasil_kerja (weak results)")
    value: str | None = Field(description="the BerAKHLAK value of a nilai entry")
    hours: int
    provider: str | None


# -- development plans ----------------------------------------------------------------------------------
class PlanView(BaseModel):
    """An individual development plan (IDP) with its activities and progress."""

    idp_id: uuid.UUID
    version: int
    employee_id: str
    office_id: str
    year: int
    kind: str = Field(description="pengembangan or perbaikan (an improvement plan, with coaching)")
    goals: list[str]
    activities: list[DevelopmentActivity]
    hours_planned: int
    hours_done: DecimalText
    progress_percent: int = Field(description="the activities' progress weighted by their planned hours")
    created_by: str


class PlanRow(PlanView):
    updated_at: datetime


# -- ranks, talent, promotion ---------------------------------------------------------------------------
class RankSummary(BaseModel):
    grade: str | None = Field(description="golongan, e.g. III/c")
    name: str | None = Field(description="pangkat, e.g. Penata")
    tmt: date | None = Field(description="the date the rank took effect")


class RankInRank(RankSummary):
    in_rank: str = Field(description="time in rank at as_of, e.g. '4 tahun 0 bulan'")
    as_of: date


class FunctionalPositionView(BaseModel):
    level: str
    coefficient: DecimalText
    effective_year: int | None


class TalentView(BaseModel):
    box: int | None = Field(description="the 9-box (1-9); none until potential and a result are known")
    performance: str | None = Field(description="the performance axis: di_atas, sesuai or di_bawah")
    potential: str | None
    potential_source: str | None
    potential_assessed_on: date | None
    basis_period: str | None = Field(description="the period of the result the performance axis comes from")
    group: Literal["talent_pool", "pengembangan"] | None


class PersonnelView(BaseModel):
    employee_id: str
    name: str | None
    unit_id: str | None
    position: str | None
    position_type: str | None
    employment: str | None
    rank: RankSummary | None
    functional_position: FunctionalPositionView | None
    talent: TalentView


class TalentPerson(TalentView):
    employee_id: str
    name: str | None
    unit_id: str | None


class IncompleteTalent(TalentPerson):
    missing: list[str] = Field(description="why there is no box yet")


class TalentGrid(BaseModel):
    office_id: str
    grid: dict[str, list[TalentPerson]] = Field(description="box '9' .. '1' -> who is in it")
    talent_pool: list[TalentPerson] = Field(description="boxes 9, 8, 7")
    development_group: list[TalentPerson] = Field(description="boxes 6 .. 1")
    incomplete: list[IncompleteTalent]


class PromotionView(BaseModel):
    """Regular promotion at a period: eligible or not, and every requirement met or not (Indonesian)."""

    as_of: date
    eligible: bool
    reasons: list[str] = Field(description="the requirements not met")
    checks: list[PromotionCheck]


class PromotionCandidate(PromotionView):
    employee_id: str
    name: str | None
    unit_id: str | None
    rank: RankSummary


class Promotions(BaseModel):
    office_id: str
    as_of: date
    eligible: list[PromotionCandidate]
    not_eligible: list[PromotionCandidate]


# -- the career page ------------------------------------------------------------------------------------
class EmployeeRow(BaseModel):
    """What the service knows of the employee (roster, HR data entry, derived talent box)."""

    employee_id: str
    office_id: str
    name: str | None
    unit_id: str | None
    position: str | None
    position_type: str | None
    employment: str | None
    evaluator_id: str | None
    rank_grade: str | None
    rank_name: str | None
    rank_tmt: date | None
    functional_level: str | None
    coefficient: DecimalText | None
    coefficient_from: int | None
    potential: str | None
    potential_source: str | None
    potential_assessed_on: date | None
    box: int | None
    performance: str | None
    box_basis: str | None
    version: int
    updated_at: datetime


class ResultView(BaseModel):
    """One appraisal result in the history (``status``: berlaku, dikoreksi or digantikan)."""

    employee_id: str
    source_event_id: uuid.UUID
    appraisal_id: uuid.UUID
    period_key: str
    kind: str
    year: int
    months: int
    period_end: date
    office_id: str
    unit_id: str
    position_type: str
    employment: str
    results_rating: str
    behaviour_rating: str
    predicate: str
    predicate_label: str
    weak_values: list[str]
    rhks_below: int
    status: str
    replaced_by: uuid.UUID | None
    replaced_reason: str | None
    recorded_at: datetime


class CreditPointEntry(BaseModel):
    employee_id: str
    period_key: str
    year: int
    kind: str
    months: int
    predicate: str
    coefficient: DecimalText
    factor: DecimalText
    amount: DecimalText
    counted: bool = Field(description="false for periodic points of a year that has an annual result")
    reason: str
    updated_at: datetime


class CreditPoints(BaseModel):
    entries: list[CreditPointEntry]
    by_year: dict[str, DecimalText] = Field(description="counted points per year")
    total: DecimalText


class TrackedEligibility(BaseModel):
    """Eligibility as recorded at a promotion period (``PromotionEligibilityChanged``)."""

    employee_id: str
    promotion_period: date
    eligible: bool
    checks: list[PromotionCheck]
    reason: str
    updated_at: datetime


class RecommendationsView(BaseModel):
    employee_id: str
    period_key: str
    items: list[Recommendation]
    reason: str
    updated_at: datetime


class ContractFlag(BaseModel):
    employee_id: str
    year: int
    flagged: bool = Field(description="a PPPK's annual result missed the agreed targets")
    reason: str
    updated_at: datetime


class ImprovementPlan(BaseModel):
    required_by: str = Field(description="the period whose result requires it")
    idp_id: uuid.UUID | None = Field(description="the improvement plan, once written")
    message: str


class CareerPage(BaseModel):
    """Everything about one employee's career. ``known`` is false (with a ``message``) when the service has
    no data about the caller yet; the other fields are then empty."""

    employee_id: str
    known: bool
    message: str | None = None
    employee: EmployeeRow | None = None
    rank: RankInRank | None = None
    history: list[ResultView] = Field(default_factory=list)
    credit_points: CreditPoints | None = None
    promotion: PromotionView | None = None
    promotion_tracked: list[TrackedEligibility] = Field(default_factory=list)
    talent: TalentView | None = None
    recommendations: list[RecommendationsView] = Field(default_factory=list)
    improvement_plan: ImprovementPlan | None = None
    contract_review: list[ContractFlag] = Field(default_factory=list)
    development_plans: list[PlanRow] = Field(default_factory=list)
