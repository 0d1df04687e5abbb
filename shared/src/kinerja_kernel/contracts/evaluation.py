"""Events the evaluation service publishes on ``kinerja.evaluation.events``.

Subject (and Kafka key): the appraised employee's NIP for appraisal events, the office id for office
settings and periods, ``<office>/<unit>`` for a unit's organisation predicate.

The results downstream systems (payroll, promotion, credit points, talent) act on are
``AppraisalFinalised`` and ``AppraisalCorrected``: both carry the whole ``AppraisalResult``, and a
correction names the event id of the result it replaces, so a consumer needs no other event.
Every rating change carries the previous value and the reason.
"""

from __future__ import annotations

import enum
import re
import uuid
from calendar import monthrange
from datetime import date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind
from kinerja_kernel.errors import InvalidInput
from kinerja_kernel.registry import DomainEvent, event

UnitId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
UnitName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- time and periods ------------------------------------------------------------------------------
class TimeZone(enum.StrEnum):
    """Indonesia's three zones (no daylight saving, so fixed offsets are exact)."""

    WIB = "WIB"
    WITA = "WITA"
    WIT = "WIT"

    @property
    def tzinfo(self) -> timezone:
        hours = {"WIB": 7, "WITA": 8, "WIT": 9}[self.value]
        return timezone(timedelta(hours=hours), self.value)

    @classmethod
    def of(cls, instant: datetime) -> TimeZone | None:
        """The zone an aware instant is expressed in (by its offset), if it is one of the three."""
        offset = instant.utcoffset()
        hours = offset.total_seconds() / 3600 if offset is not None else None
        return {7: cls.WIB, 8: cls.WITA, 9: cls.WIT}.get(int(hours)) if hours in (7, 8, 9) else None

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tzinfo).date()

    def end_of_day(self, day: date) -> datetime:
        """The last instant of ``day`` in this zone (a deadline "on" a day), as an aware datetime."""
        return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=self.tzinfo)


class PeriodKind(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|M(?P<month>0[1-9]|1[0-2])))?$")


class EvaluationPeriod(_Value):
    """An evaluation period: ``2026`` (annual), ``2026-Q2`` (quarter) or ``2026-M03`` (month)."""

    key: str
    kind: PeriodKind
    year: int = Field(ge=2000, le=2100)
    start: date
    end: date
    months: int = Field(ge=1, le=12, description="length in months (credit points are prorated by months/12)")

    @classmethod
    def parse(cls, key: str) -> EvaluationPeriod:
        match = _PERIOD_KEY.match(key)
        if match is None or not 2000 <= int(match["year"]) <= 2100:
            raise InvalidInput("kernel.period.unknown-key", field="period", key=key)
        year = int(match["year"])
        if match["quarter"]:
            first = (int(match["quarter"]) - 1) * 3 + 1
            kind, months = PeriodKind.QUARTERLY, 3
        elif match["month"]:
            first, kind, months = int(match["month"]), PeriodKind.MONTHLY, 1
        else:
            first, kind, months = 1, PeriodKind.ANNUAL, 12
        last = first + months - 1
        return cls(key=key, kind=kind, year=year, start=date(year, first, 1),
                   end=date(year, last, monthrange(year, last)[1]), months=months)


# -- scales ----------------------------------------------------------------------------------------
class Rating(enum.StrEnum):
    """Rating Hasil Kerja / Rating Perilaku Kerja (and the per-RHK and per-value ratings)."""

    DI_ATAS = "di_atas_ekspektasi"
    SESUAI = "sesuai_ekspektasi"
    DI_BAWAH = "di_bawah_ekspektasi"


class Predicate(enum.StrEnum):
    """Predikat kinerja pegawai (``kurang`` is the official "Kurang/Misconduct")."""

    SANGAT_BAIK = "sangat_baik"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


PREDICATE_LABELS: dict[Predicate, str] = {
    Predicate.SANGAT_BAIK: "Sangat Baik",
    Predicate.BAIK: "Baik",
    Predicate.BUTUH_PERBAIKAN: "Butuh Perbaikan",
    Predicate.KURANG: "Kurang/Misconduct",
    Predicate.SANGAT_KURANG: "Sangat Kurang",
}
"""The official names, as people read them."""

RATING_LABELS: dict[Rating, str] = {
    Rating.DI_ATAS: "Di Atas Ekspektasi",
    Rating.SESUAI: "Sesuai Ekspektasi",
    Rating.DI_BAWAH: "Di Bawah Ekspektasi",
}


class OrganisationPredicate(enum.StrEnum):
    """Predikat kinerja organisasi, set per unit and period by the leader of the unit above."""

    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


class CurveEnforcement(enum.StrEnum):
    """What finalising outside the distribution curve does: warn (needs a justification) or block."""

    WARN = "warn"
    BLOCK = "block"


class RaterRelation(enum.StrEnum):
    PEER = "peer"
    SUBORDINATE = "subordinate"


class RatingSource(enum.StrEnum):
    """Why a rating has the value it has."""

    EVALUATOR = "evaluator"
    ORGANISATION = "organisation"
    CALIBRATION = "calibration"
    OBJECTION = "objection"


# -- value types -----------------------------------------------------------------------------------
class OfficeSettings(_Value):
    """An office's evaluation settings and period calendar (the defaults are the regulation's)."""

    time_zone: TimeZone = TimeZone.WIB
    periodic_cadence: PeriodKind = Field(default=PeriodKind.QUARTERLY,
                                         description="monthly or quarterly periodic appraisals")
    plan_due_day_of_year: int = Field(default=31, ge=1, le=366, description="SKP due on this day of January..")
    self_assessment_due_days: int = Field(default=5, ge=0, le=60, description="days after the period ends")
    rating_due_days: int = Field(default=15, ge=0, le=90, description="days after the period ends")
    peer_threshold: int = Field(default=3, ge=1, le=20, description="360 answers needed before anyone sees them")
    peer_comments_to_evaluator: bool = True
    curve_enforcement: CurveEnforcement = CurveEnforcement.WARN
    objection_window_days: int = Field(default=14, ge=1, le=90, description="calendar days after finalisation")
    office_name: str | None = Field(default=None, min_length=1, max_length=200,
                                    description="the office's name as documents print it (instansi)")
    unit_names: dict[UnitId, UnitName] = Field(default={}, max_length=500,  # copied per instance by pydantic
                                               description="each unit's name as documents print it, by unit id")


class AppraisedRhk(_Value):
    """An RHK of the approved SKP, as the appraisal was opened with it."""

    rhk_id: uuid.UUID
    title: str
    kind: RhkKind


class RhkRating(_Value):
    rhk_id: uuid.UUID
    rating: Rating
    comment: str | None = Field(default=None, max_length=2000)


class ValueRating(_Value):
    value: BerAkhlak
    rating: Rating
    comment: str | None = Field(default=None, max_length=2000)


class Rater(_Value):
    rater_id: str
    relation: RaterRelation


class AppraisalResult(_Value):
    """A final appraisal result: everything a downstream system needs, in one value."""

    appraisal_id: uuid.UUID
    employee_id: str
    office_id: str
    unit_id: str
    period: EvaluationPeriod
    position_type: PositionType
    employment: Employment
    evaluator_id: str
    results_rating: Rating
    behaviour_rating: Rating
    predicate: Predicate
    rhk_ratings: tuple[RhkRating, ...]
    value_ratings: tuple[ValueRating, ...]
    organisation_predicate: OrganisationPredicate | None = None


# -- office ----------------------------------------------------------------------------------------
@event("evaluation.OfficeSettingsChanged")
class OfficeSettingsChanged(DomainEvent):
    """HR changed the office's evaluation settings and calendar (the previous settings and the reason)."""

    office_id: str
    settings: OfficeSettings
    previous: OfficeSettings | None
    reason: str


@event("evaluation.EvaluationPeriodOpened")
class EvaluationPeriodOpened(DomainEvent):
    """HR opened a period: appraisals open for every employee with an approved SKP of its year."""

    office_id: str
    period: EvaluationPeriod
    time_zone: TimeZone
    self_assessment_due: AwareDatetime
    rating_due: AwareDatetime


@event("evaluation.OrganisationPredicateSet")
class OrganisationPredicateSet(DomainEvent):
    """A unit's organisation predicate for a period, set by the leader of the unit above (or HR on instruction)."""

    office_id: str
    unit_id: str
    period_key: str
    predicate: OrganisationPredicate
    previous: OrganisationPredicate | None
    reason: str
    set_by: str
    instructed_by: str | None = Field(default=None, description="the leader, when HR sets it on instruction")


# -- the appraisal ---------------------------------------------------------------------------------
@event("evaluation.AppraisalOpened")
class AppraisalOpened(DomainEvent):
    """An appraisal opened for an employee with an approved SKP: the RHKs to rate, evaluator, superior, deadlines."""

    appraisal_id: uuid.UUID
    employee_id: str
    office_id: str
    unit_id: str
    period: EvaluationPeriod
    plan_id: uuid.UUID
    evaluator_id: str
    superior_id: str | None
    position_type: PositionType
    employment: Employment
    unit_head: bool
    rhks: tuple[AppraisedRhk, ...]
    self_assessment_due: AwareDatetime
    rating_due: AwareDatetime


@event("evaluation.SelfAssessmentSubmitted")
class SelfAssessmentSubmitted(DomainEvent):
    """The employee's self-assessment per RHK and per value; a revision carries the previous one."""

    appraisal_id: uuid.UUID
    employee_id: str
    rhk_ratings: tuple[RhkRating, ...]
    value_ratings: tuple[ValueRating, ...]
    previous_rhk_ratings: tuple[RhkRating, ...] | None
    previous_value_ratings: tuple[ValueRating, ...] | None
    summary: str | None = None
    reason: str


@event("evaluation.RatersAssigned")
class RatersAssigned(DomainEvent):
    """The 360 raters of an appraisal (the full list after the change)."""

    appraisal_id: uuid.UUID
    employee_id: str
    office_id: str
    raters: tuple[Rater, ...]
    previous: tuple[Rater, ...]
    window_closes_at: AwareDatetime
    assigned_by: str


@event("evaluation.PeerInputSubmitted")
class PeerInputSubmitted(DomainEvent):
    """One rater's 360 scores (1-5 per BerAKHLAK value); a revision carries the previous scores."""

    appraisal_id: uuid.UUID
    employee_id: str
    rater_id: str
    relation: RaterRelation
    scores: dict[BerAkhlak, int]
    comments: dict[BerAkhlak, str]
    previous_scores: dict[BerAkhlak, int] | None
    reason: str


@event("evaluation.PeerWindowClosed")
class PeerWindowClosed(DomainEvent):
    """No more 360 input for this appraisal (closed by the evaluator or HR, or at finalisation)."""

    appraisal_id: uuid.UUID
    employee_id: str
    answered: int
    reason: str


@event("evaluation.RhkRated")
class RhkRated(DomainEvent):
    """The evaluator (or an objection decision) rated one RHK, with the previous rating and the reason."""

    appraisal_id: uuid.UUID
    employee_id: str
    rhk_id: uuid.UUID
    rating: Rating
    previous: Rating | None
    comment: str | None
    source: RatingSource
    reason: str
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


@event("evaluation.BehaviourValueRated")
class BehaviourValueRated(DomainEvent):
    """The evaluator rated one BerAKHLAK value, with feedback, the previous rating and the reason."""

    appraisal_id: uuid.UUID
    employee_id: str
    value: BerAkhlak
    rating: Rating
    previous: Rating | None
    feedback: str | None
    source: RatingSource
    reason: str
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


@event("evaluation.ResultsRatingSet")
class ResultsRatingSet(DomainEvent):
    """The overall Rating Hasil Kerja (for a unit head: from the organisation predicate, named here)."""

    appraisal_id: uuid.UUID
    employee_id: str
    rating: Rating
    previous: Rating | None
    source: RatingSource
    reason: str
    organisation_predicate: OrganisationPredicate | None = None
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


@event("evaluation.BehaviourRatingSet")
class BehaviourRatingSet(DomainEvent):
    """The overall Rating Perilaku Kerja."""

    appraisal_id: uuid.UUID
    employee_id: str
    rating: Rating
    previous: Rating | None
    source: RatingSource
    reason: str
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


@event("evaluation.PredicateDetermined")
class PredicateDetermined(DomainEvent):
    """The predicate from the matrix changed because a rating changed."""

    appraisal_id: uuid.UUID
    employee_id: str
    predicate: Predicate
    previous: Predicate | None
    results_rating: Rating
    behaviour_rating: Rating
    reason: str


@event("evaluation.CurveOverrideJustified")
class CurveOverrideJustified(DomainEvent):
    """Finalised although the unit's distribution breaks the curve's bounds, with the justification."""

    appraisal_id: uuid.UUID
    employee_id: str
    unit_id: str
    period_key: str
    organisation_predicate: OrganisationPredicate
    violations: tuple[str, ...]
    justification: str


@event("evaluation.AppraisalFinalised")
class AppraisalFinalised(DomainEvent):
    """The published result (payroll, promotion, credit points, talent act on it)."""

    result: AppraisalResult
    finalised_by: str
    objection_deadline: AwareDatetime
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


@event("evaluation.ResultAcknowledged")
class ResultAcknowledged(DomainEvent):
    """The employee acknowledged receiving the final result."""

    appraisal_id: uuid.UUID
    employee_id: str


@event("evaluation.ObjectionFiled")
class ObjectionFiled(DomainEvent):
    """Keberatan, addressed to the evaluator's superior (Atasan Pejabat Penilai Kinerja)."""

    appraisal_id: uuid.UUID
    objection_id: uuid.UUID
    employee_id: str
    office_id: str
    evaluator_id: str
    superior_id: str
    reasons: str
    deadline: AwareDatetime


@event("evaluation.ObjectionExplanationGiven")
class ObjectionExplanationGiven(DomainEvent):
    """The employee or the evaluator explained their side of an objection to the superior."""

    appraisal_id: uuid.UUID
    objection_id: uuid.UUID
    employee_id: str
    author_id: str
    author_role: str
    text: str
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


class ObjectionDecision(enum.StrEnum):
    UPHELD = "upheld"
    CHANGED = "changed"


@event("evaluation.ObjectionDecided")
class ObjectionDecided(DomainEvent):
    """The superior's decision, final: upheld, or changed (followed by ``AppraisalCorrected``)."""

    appraisal_id: uuid.UUID
    objection_id: uuid.UUID
    employee_id: str
    office_id: str
    decision: ObjectionDecision
    decided_by: str
    reason: str
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")


@event("evaluation.AppraisalCorrected")
class AppraisalCorrected(DomainEvent):
    """A changed result: replaces the result published by event ``replaces_event_id``."""

    replaces_event_id: uuid.UUID
    objection_id: uuid.UUID
    previous: AppraisalResult
    result: AppraisalResult
    reason: str
    decided_by: str
    on_behalf_of: str | None = Field(default=None, description="the absent official a Plt/Plh acted for")
