"""Events the career service publishes on ``kinerja.career.events``.

Subject (and Kafka key): the employee's NIP for everything about one employee, the office id for an
office's training catalog. Every derived event (credit points, promotion eligibility, talent box,
development recommendations, contract review) is recorded while the career service handles the
appraisal event it derives from, so its envelope's ``causation_id`` is that appraisal event's id.
Every change of a value carries the previous value and the reason.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from kinerja_kernel.contracts.evaluation import EvaluationPeriod, Predicate, Rating
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType
from kinerja_kernel.registry import DomainEvent, event


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- scales ----------------------------------------------------------------------------------------
class Potential(enum.StrEnum):
    """Potential from a talent assessment (entered by HR)."""

    TINGGI = "tinggi"
    MENENGAH = "menengah"
    RENDAH = "rendah"


class FunctionalLevel(enum.StrEnum):
    """Jenjang jabatan fungsional; the default annual coefficient is in ``DEFAULT_COEFFICIENTS``."""

    AHLI_UTAMA = "ahli_utama"
    AHLI_MADYA = "ahli_madya"
    AHLI_MUDA = "ahli_muda"
    AHLI_PERTAMA = "ahli_pertama"
    PENYELIA = "penyelia"
    MAHIR = "mahir"
    TERAMPIL = "terampil"
    PEMULA = "pemula"


DEFAULT_COEFFICIENTS: dict[FunctionalLevel, Decimal] = {
    FunctionalLevel.AHLI_UTAMA: Decimal("50"),
    FunctionalLevel.AHLI_MADYA: Decimal("37.5"),
    FunctionalLevel.AHLI_MUDA: Decimal("25"),
    FunctionalLevel.AHLI_PERTAMA: Decimal("12.5"),
    FunctionalLevel.PENYELIA: Decimal("25"),
    FunctionalLevel.MAHIR: Decimal("12.5"),
    FunctionalLevel.TERAMPIL: Decimal("5"),
    FunctionalLevel.PEMULA: Decimal("3.75"),
}


class RecommendationKind(enum.StrEnum):
    PELATIHAN = "pelatihan"
    PROGRAM_KEPEMIMPINAN = "program_kepemimpinan"
    RENCANA_PERBAIKAN = "rencana_perbaikan"


class CatalogTrigger(enum.StrEnum):
    """What makes a catalog training recommended: a weak BerAKHLAK value, or weak work results."""

    NILAI = "nilai"
    HASIL_KERJA = "hasil_kerja"


class ActivityType(enum.StrEnum):
    PELATIHAN = "pelatihan"
    COACHING = "coaching"
    MENTORING = "mentoring"
    PENUGASAN = "penugasan"
    BELAJAR_MANDIRI = "belajar_mandiri"


class DevelopmentPlanKind(enum.StrEnum):
    """An ordinary IDP, or the improvement plan (with coaching) a weak predicate calls for."""

    PENGEMBANGAN = "pengembangan"
    PERBAIKAN = "perbaikan"


# -- value types -----------------------------------------------------------------------------------
class EmployeeProfile(_Value):
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: PositionType
    employment: Employment
    evaluator_id: str | None


class PerformanceEntry(_Value):
    """One appraisal result as kept in the performance history (what career rules need of it)."""

    source_event_id: uuid.UUID = Field(description="the evaluation event that published this result")
    appraisal_id: uuid.UUID
    period: EvaluationPeriod
    office_id: str
    unit_id: str
    position_type: PositionType
    employment: Employment
    results_rating: Rating
    behaviour_rating: Rating
    predicate: Predicate
    weak_values: tuple[BerAkhlak, ...] = Field(description="values rated below expectation")
    rhks_below: int = Field(ge=0, description="RHKs rated below expectation")


class Rank(_Value):
    """Pangkat/golongan and its TMT (terhitung mulai tanggal)."""

    grade: str = Field(description="golongan/ruang, e.g. III/c")
    name: str = Field(description="pangkat, e.g. Penata")
    tmt: date


class FunctionalPosition(_Value):
    level: FunctionalLevel
    coefficient: Decimal
    effective_year: int


class PotentialAssessment(_Value):
    potential: Potential
    source: str = Field(description="the assessment: e.g. assessment center, uji kompetensi")
    assessed_on: date


class CreditPoints(_Value):
    predicate: Predicate
    coefficient: Decimal
    factor: Decimal
    months: int
    amount: Decimal
    counted: bool


class PromotionCheck(_Value):
    rule: str = Field(description="masa_kerja_pangkat or predikat_<year>")
    met: bool
    message: str


class Recommendation(_Value):
    kind: RecommendationKind
    title: str
    reason: str
    catalog_code: str | None = None
    hours: int | None = None


class CatalogEntry(_Value):
    code: str
    title: str
    trigger: CatalogTrigger
    value: BerAkhlak | None = Field(default=None, description="the BerAKHLAK value (trigger nilai)")
    hours: int
    provider: str | None = None


class DevelopmentActivity(_Value):
    activity_id: uuid.UUID
    title: str
    type: ActivityType
    hours_planned: int
    due_on: date | None = None
    catalog_code: str | None = None
    hours_done: Decimal = Decimal("0")
    progress_percent: int = 0


# -- the employee's career record ------------------------------------------------------------------
@event("career.EmployeeProfileChanged")
class EmployeeProfileChanged(DomainEvent):
    """The roster data the career service knows (from planning's roster or an appraisal result)."""

    employee_id: str
    profile: EmployeeProfile
    previous: EmployeeProfile | None
    reason: str


@event("career.PerformanceRecorded")
class PerformanceRecorded(DomainEvent):
    """A final appraisal result entered the performance history (``replaces``: an earlier result of
    the same period, when the evaluation service finalised the period again)."""

    employee_id: str
    office_id: str
    entry: PerformanceEntry
    replaces: PerformanceEntry | None
    reason: str


@event("career.PerformanceCorrected")
class PerformanceCorrected(DomainEvent):
    """A result changed after an objection: the history keeps both, the new one counts."""

    employee_id: str
    office_id: str
    entry: PerformanceEntry
    previous: PerformanceEntry
    replaces_event_id: uuid.UUID
    objection_id: uuid.UUID
    reason: str


@event("career.RankRecorded")
class RankRecorded(DomainEvent):
    """HR entered (or imported) the employee's current rank and its TMT."""

    employee_id: str
    office_id: str
    rank: Rank
    previous: Rank | None
    reason: str


@event("career.FunctionalPositionSet")
class FunctionalPositionSet(DomainEvent):
    """HR set the functional level and its annual credit-point coefficient from a year on."""

    employee_id: str
    office_id: str
    position: FunctionalPosition
    previous: FunctionalPosition | None
    reason: str


@event("career.PotentialAssessed")
class PotentialAssessed(DomainEvent):
    employee_id: str
    office_id: str
    assessment: PotentialAssessment
    previous: PotentialAssessment | None
    reason: str


@event("career.CreditPointsCalculated")
class CreditPointsCalculated(DomainEvent):
    """Angka kredit of one period, new or recalculated; ``counted`` is false when the year's annual
    result supersedes a periodic one. ``year_total`` is the year's counted total after the change."""

    employee_id: str
    office_id: str
    period: EvaluationPeriod
    points: CreditPoints
    previous: CreditPoints | None
    year_total: Decimal
    previous_year_total: Decimal
    reason: str


@event("career.PromotionEligibilityChanged")
class PromotionEligibilityChanged(DomainEvent):
    """Eligibility for regular promotion (kenaikan pangkat reguler) at a promotion period changed."""

    employee_id: str
    office_id: str
    promotion_period: date
    eligible: bool
    checks: tuple[PromotionCheck, ...]
    reasons: tuple[str, ...] = Field(description="the unmet requirements, in Indonesian")
    previous_eligible: bool | None
    previous_reasons: tuple[str, ...]
    reason: str


@event("career.TalentBoxChanged")
class TalentBoxChanged(DomainEvent):
    """The employee's talent 9-box: performance x potential (7-9: talent pool, 1-6: development)."""

    employee_id: str
    office_id: str
    box: int = Field(ge=1, le=9)
    performance: Rating
    potential: Potential
    basis_period: str = Field(description="the period whose predicate gives the performance axis")
    talent_pool: bool
    previous_box: int | None
    reason: str


@event("career.DevelopmentRecommended")
class DevelopmentRecommended(DomainEvent):
    """Development recommended from a period's result (trainings, leadership programme, improvement plan)."""

    employee_id: str
    office_id: str
    period_key: str
    items: tuple[Recommendation, ...]
    previous: tuple[Recommendation, ...] | None
    reason: str


@event("career.ContractReviewFlagChanged")
class ContractReviewFlagChanged(DomainEvent):
    """A PPPK employee missed (or, after a correction, no longer missed) the agreed targets of a year."""

    employee_id: str
    office_id: str
    year: int
    flagged: bool
    previous: bool | None
    reason: str


# -- the office's training catalog -----------------------------------------------------------------
@event("career.TrainingCatalogEntrySet")
class TrainingCatalogEntrySet(DomainEvent):
    office_id: str
    entry: CatalogEntry
    previous: CatalogEntry | None
    reason: str


@event("career.TrainingCatalogEntryRemoved")
class TrainingCatalogEntryRemoved(DomainEvent):
    office_id: str
    code: str
    previous: CatalogEntry
    reason: str


# -- individual development plans ------------------------------------------------------------------
@event("career.DevelopmentPlanCreated")
class DevelopmentPlanCreated(DomainEvent):
    idp_id: uuid.UUID
    employee_id: str
    office_id: str
    year: int
    kind: DevelopmentPlanKind
    goals: tuple[str, ...]
    activities: tuple[DevelopmentActivity, ...]
    created_by: str


@event("career.DevelopmentPlanRevised")
class DevelopmentPlanRevised(DomainEvent):
    idp_id: uuid.UUID
    employee_id: str
    goals: tuple[str, ...]
    activities: tuple[DevelopmentActivity, ...]
    previous_goals: tuple[str, ...]
    previous_activities: tuple[DevelopmentActivity, ...]
    reason: str


@event("career.DevelopmentActivityProgressed")
class DevelopmentActivityProgressed(DomainEvent):
    idp_id: uuid.UUID
    employee_id: str
    activity_id: uuid.UUID
    hours_done: Decimal
    progress_percent: int = Field(ge=0, le=100)
    previous_hours_done: Decimal
    previous_progress_percent: int
    reason: str
