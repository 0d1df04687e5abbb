"""The appraisal aggregate: one employee's evaluation for one period (penilaian periodik or tahunan).

Lifecycle: ``open`` (self-assessment, 360 input, evaluator ratings, calibration) -> ``finalised``
(acknowledged by the employee; objection window open) -> ``objected`` -> ``decided`` (final). A result
is also final once the objection window has passed.

Who may do what: only the employee self-assesses, acknowledges and objects; only assigned raters give
360 input; only the evaluator (Pejabat Penilai) rates and finalises; calibration belongs to the HR
administrator or the evaluator's superior; only the superior (Atasan Pejabat Penilai) decides an
objection. Every rating change records the previous value and the reason.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kinerja_evaluation.domain.rules import (
    UNIT_HEADS,
    CurveReport,
    predicate,
    results_rating_of_organisation,
)
from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    AppraisalCorrected,
    AppraisalFinalised,
    AppraisalOpened,
    AppraisalResult,
    AppraisedRhk,
    BehaviourRatingSet,
    BehaviourValueRated,
    CurveEnforcement,
    CurveOverrideJustified,
    EvaluationPeriod,
    ObjectionDecided,
    ObjectionDecision,
    ObjectionExplanationGiven,
    ObjectionFiled,
    OrganisationPredicate,
    PeerInputSubmitted,
    PeerWindowClosed,
    Predicate,
    PredicateDetermined,
    Rater,
    RaterRelation,
    RatersAssigned,
    Rating,
    RatingSource,
    ResultAcknowledged,
    ResultsRatingSet,
    RhkRated,
    RhkRating,
    SelfAssessmentSubmitted,
    TimeZone,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType
from kinerja_kernel.errors import Detail, DomainRuleViolation, Forbidden, InvalidInput

APPRAISAL_NAMESPACE = uuid.UUID("0b7f3c0e-5d1a-4c59-8f0e-3f3e6c2a9d41")
PEER_SCALE = range(1, 6)


def appraisal_id_for(employee_id: str, period_key: str) -> uuid.UUID:
    """One appraisal per employee and period: the id is derived, so opening twice conflicts."""
    return uuid.uuid5(APPRAISAL_NAMESPACE, f"{employee_id}/{period_key}")


class Status(enum.StrEnum):
    OPEN = "open"
    FINALISED = "finalised"
    OBJECTED = "objected"
    DECIDED = "decided"


@dataclass(frozen=True)
class PeerInput:
    relation: RaterRelation
    scores: Mapping[BerAkhlak, int]
    comments: Mapping[BerAkhlak, str]


@dataclass(frozen=True)
class Ratings:
    """What the evaluator gives in one go (any part may be left out)."""

    rhks: Sequence[RhkRating] = ()
    values: Sequence[ValueRating] = ()
    results: Rating | None = None
    behaviour: Rating | None = None


@dataclass(frozen=True)
class Objection:
    objection_id: uuid.UUID
    reasons: str
    explanations: tuple[tuple[str, str, str], ...] = ()  # (author id, role, text)
    decision: ObjectionDecision | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    decided_on_behalf_of: str | None = None  # the absent superior a Plt/Plh decided for


DEFAULT_REASON = "Penilaian oleh pejabat penilai"


def _missing_items(rhks: Mapping[uuid.UUID, AppraisedRhk], rated: set[uuid.UUID], given: set[BerAkhlak], *,
                   prefix: str) -> list[Detail]:
    """The RHKs and BerAKHLAK values not rated yet, each named by its key."""
    missing = [Detail(f"{prefix}rhk_ratings.{rid}", "evaluation.rating.rhk-missing", {"title": rhk.title})
               for rid, rhk in rhks.items() if rid not in rated]
    missing += [Detail(f"{prefix}value_ratings.{value.value}", "evaluation.rating.value-missing", {"value": value})
                for value in BerAkhlak if value not in given]
    return missing


class Appraisal(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.appraisal_id: uuid.UUID | None = None
        self.employee_id = ""
        self.office_id = ""
        self.unit_id = ""
        self.period: EvaluationPeriod | None = None
        self.plan_id: uuid.UUID | None = None
        self.evaluator_id = ""
        self.superior_id: str | None = None
        self.position_type = PositionType.JA
        self.employment = Employment.PNS
        self.unit_head = False
        self.rhks: dict[uuid.UUID, AppraisedRhk] = {}
        self.self_assessment_due: datetime | None = None
        self.rating_due: datetime | None = None
        self.status = Status.OPEN
        self.self_rhks: dict[uuid.UUID, RhkRating] = {}
        self.self_values: dict[BerAkhlak, ValueRating] = {}
        self.self_summary: str | None = None
        self.raters: dict[str, Rater] = {}
        self.window_closes_at: datetime | None = None
        self.peer_window_closed = False
        self.peer_inputs: dict[str, PeerInput] = {}
        self.rhk_ratings: dict[uuid.UUID, RhkRating] = {}
        self.value_ratings: dict[BerAkhlak, ValueRating] = {}
        self.results_rating: Rating | None = None
        self.behaviour_rating: Rating | None = None
        self.results_source: RatingSource | None = None
        self.predicate: Predicate | None = None
        self.organisation_predicate: OrganisationPredicate | None = None
        self.result: AppraisalResult | None = None
        self.objection_deadline: datetime | None = None
        self.finalised_by: str | None = None
        self.finalised_on_behalf_of: str | None = None  # the absent evaluator a Plt/Plh finalised for
        self.acknowledged = False
        self.objection: Objection | None = None
        self.corrected = False
        self.previous_result: AppraisalResult | None = None  # what the objection decision replaced

    # -- opening ----------------------------------------------------------------------------------
    @classmethod
    def open(
        cls, *, employee_id: str, office_id: str, unit_id: str, period: EvaluationPeriod, plan_id: uuid.UUID,
        evaluator_id: str, superior_id: str | None, position_type: PositionType, employment: Employment,
        rhks: Sequence[AppraisedRhk], self_assessment_due: datetime, rating_due: datetime,
    ) -> Appraisal:
        if not rhks:
            raise DomainRuleViolation("evaluation.appraisal.no-rhk", field="plan_id")
        appraisal = cls()
        appraisal.record(AppraisalOpened(
            appraisal_id=appraisal_id_for(employee_id, period.key), employee_id=employee_id, office_id=office_id,
            unit_id=unit_id, period=period, plan_id=plan_id, evaluator_id=evaluator_id, superior_id=superior_id,
            position_type=position_type, employment=employment, unit_head=position_type in UNIT_HEADS,
            rhks=tuple(rhks), self_assessment_due=self_assessment_due, rating_due=rating_due,
        ))
        return appraisal

    # -- self-assessment ----------------------------------------------------------------------------
    def self_assess(self, *, actor_id: str, rhk_ratings: Sequence[RhkRating], value_ratings: Sequence[ValueRating],
                    summary: str | None) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("evaluation.self-assessment.not-employee")
        self._require_open("self-assessment")
        self._check_complete(rhk_ratings, value_ratings, prefix="")
        rhks, values = tuple(rhk_ratings), tuple(sorted(value_ratings, key=lambda v: list(BerAkhlak).index(v.value)))
        previous_rhks = tuple(self.self_rhks.values()) if self.self_rhks else None
        previous_values = tuple(self.self_values.values()) if self.self_values else None
        if previous_rhks == rhks and previous_values == values and summary == self.self_summary:
            return
        self.record(SelfAssessmentSubmitted(
            appraisal_id=self._id, employee_id=self.employee_id, rhk_ratings=rhks, value_ratings=values,
            previous_rhk_ratings=previous_rhks, previous_value_ratings=previous_values, summary=summary,
            reason="Penilaian diri pegawai" if previous_rhks is None else "Penilaian diri diperbarui",
        ))

    # -- 360 -----------------------------------------------------------------------------------------
    def assign_raters(self, *, assigned_by: str, raters: Sequence[Rater], window_closes_at: datetime,
                      now: datetime, relations: Mapping[str, frozenset[RaterRelation]]) -> None:
        """Replace the rater list. ``relations`` says how each proposed rater actually relates to the
        employee (from the roster): a peer shares the evaluator, a subordinate is evaluated by them."""
        self._require_open("assign-raters")
        if self.peer_window_closed:
            raise DomainRuleViolation("evaluation.raters.window-closed", field="raters")
        if window_closes_at <= now:
            raise InvalidInput("evaluation.raters.window-in-past", field="window_closes_at")
        seen: set[str] = set()
        for i, rater in enumerate(raters):
            where = f"raters.{i}.rater_id"
            if rater.rater_id == self.employee_id:
                raise InvalidInput("evaluation.raters.self-rating", field=where)
            if rater.rater_id in seen:
                raise InvalidInput("evaluation.raters.duplicate", field=where)
            seen.add(rater.rater_id)
            if rater.relation not in relations.get(rater.rater_id, frozenset()):
                raise InvalidInput("evaluation.raters.not-related", field=f"raters.{i}.relation",
                                   rater_id=rater.rater_id, relation=rater.relation)
        dropped = [r for r in self.raters if r not in seen and r in self.peer_inputs]
        if dropped:
            raise DomainRuleViolation("evaluation.raters.answered-removed", field="raters", raters=", ".join(dropped))
        if {r.rater_id: r for r in raters} == self.raters and (not raters or window_closes_at == self.window_closes_at):
            return  # the same raters (and window), or still none: nothing changes, nothing is recorded
        self.record(RatersAssigned(
            appraisal_id=self._id, employee_id=self.employee_id, office_id=self.office_id, raters=tuple(raters),
            previous=tuple(self.raters.values()), window_closes_at=window_closes_at, assigned_by=assigned_by,
        ))

    def submit_peer_input(self, *, rater_id: str, scores: Mapping[BerAkhlak, int],
                          comments: Mapping[BerAkhlak, str], now: datetime) -> None:
        rater = self.rater(rater_id)
        if not self.accepts_peer_input(now):
            raise DomainRuleViolation("evaluation.peer.closed", field="scores")
        missing = [v.value for v in BerAkhlak if v not in scores]
        if missing:
            raise InvalidInput("evaluation.peer.values-missing", field=f"scores.{missing[0]}",
                               values=", ".join(missing))
        for value, score in scores.items():
            if score not in PEER_SCALE:
                raise InvalidInput("evaluation.peer.score-out-of-scale", field=f"scores.{value.value}")
        previous = self.peer_inputs.get(rater_id)
        ordered = {v: scores[v] for v in BerAkhlak}
        if previous is not None and dict(previous.scores) == ordered and dict(previous.comments) == dict(comments):
            return
        self.record(PeerInputSubmitted(
            appraisal_id=self._id, employee_id=self.employee_id, rater_id=rater_id, relation=rater.relation,
            scores=ordered, comments=dict(comments), previous_scores=dict(previous.scores) if previous else None,
            reason="Masukan 360" if previous is None else "Masukan 360 direvisi",
        ))

    def close_peer_window_now(self, *, actor_id: str) -> None:
        """The evaluator or HR closes the 360 window before its deadline (no more input or revisions)."""
        self._require_open("close-peer-window")
        if not self.raters:
            raise DomainRuleViolation("evaluation.peer-window.no-raters", field="raters")
        if self.peer_window_closed:
            raise DomainRuleViolation("evaluation.peer-window.already-closed", field="raters")
        self.close_peer_window(reason=f"Ditutup oleh {actor_id}")

    def close_peer_window(self, *, reason: str) -> None:
        if self.peer_window_closed:
            return
        self.record(PeerWindowClosed(appraisal_id=self._id, employee_id=self.employee_id,
                                     answered=len(self.peer_inputs), reason=reason))

    # -- the evaluator's ratings ----------------------------------------------------------------------
    def rate(self, *, actor_id: str, ratings: Ratings, reason: str | None, on_behalf_of: str | None = None) -> None:
        """The evaluator's ratings; an acting official (Plt/Plh) rates with ``on_behalf_of`` = the evaluator."""
        self._require_evaluator(actor_id, on_behalf_of)
        self._require_open("rating")
        if ratings.results is not None and self.unit_head:
            raise DomainRuleViolation("evaluation.rating.unit-head-results-by-evaluator", field="results_rating")
        self._check_items(ratings.rhks, ratings.values, prefix="")
        why = reason or DEFAULT_REASON
        for r in ratings.rhks:
            old = self.rhk_ratings.get(r.rhk_id)
            if old != r:
                self.record(RhkRated(appraisal_id=self._id, employee_id=self.employee_id, rhk_id=r.rhk_id,
                                     rating=r.rating, previous=old.rating if old else None, comment=r.comment,
                                     source=RatingSource.EVALUATOR, reason=why, on_behalf_of=on_behalf_of))
        for v in ratings.values:
            prev = self.value_ratings.get(v.value)
            if prev != v:
                self.record(BehaviourValueRated(
                    appraisal_id=self._id, employee_id=self.employee_id, value=v.value, rating=v.rating,
                    previous=prev.rating if prev else None, feedback=v.comment, source=RatingSource.EVALUATOR,
                    reason=why, on_behalf_of=on_behalf_of))
        self._set_overall(ratings.results, ratings.behaviour, RatingSource.EVALUATOR, why, on_behalf_of)

    def apply_organisation_predicate(self, organisation: OrganisationPredicate, *, reason: str) -> None:
        """A unit head's results rating follows the unit's organisation predicate (while still open)."""
        if not self.unit_head or self.status is not Status.OPEN or organisation == self.organisation_predicate:
            return
        why = f"Predikat kinerja organisasi: {organisation.value}. {reason}"
        self.record(ResultsRatingSet(appraisal_id=self._id, employee_id=self.employee_id,
                                     rating=results_rating_of_organisation(organisation), previous=self.results_rating,
                                     source=RatingSource.ORGANISATION, reason=why, organisation_predicate=organisation))
        self._set_overall(None, None, RatingSource.ORGANISATION, why)

    def calibrate(self, *, results: Rating | None, behaviour: Rating | None, reason: str) -> None:
        """A change made in calibration (HR administrator or the evaluator's superior), with its reason."""
        self._require_open("calibration")
        if results is not None and self.unit_head:
            raise DomainRuleViolation("evaluation.rating.unit-head-results", field="results_rating")
        if results is None and behaviour is None:
            raise InvalidInput("evaluation.calibration.nothing", field="results_rating")
        if (results or self.results_rating) == self.results_rating and (
                behaviour or self.behaviour_rating) == self.behaviour_rating:
            raise DomainRuleViolation("evaluation.calibration.no-change", field="results_rating")
        self._set_overall(results, behaviour, RatingSource.CALIBRATION, f"Kalibrasi: {reason}")

    def missing_ratings(self) -> list[Detail]:
        """What must still be rated before finalising (a field, a message code and its parameters each)."""
        missing = _missing_items(self.rhks, set(self.rhk_ratings), set(self.value_ratings), prefix="")
        if self.results_rating is None:
            missing.append(Detail("results_rating", "evaluation.rating.unit-head-results-missing" if self.unit_head
                                  else "evaluation.rating.results-missing"))
        if self.behaviour_rating is None:
            missing.append(Detail("behaviour_rating", "evaluation.rating.behaviour-missing"))
        return missing

    # -- predicates (what the application asks of the appraisal) ----------------------------------------
    @property
    def is_open(self) -> bool:
        """Still being assessed and rated (not finalised, objected or decided)."""
        return self.status is Status.OPEN

    def accepts_peer_input(self, now: datetime) -> bool:
        """Whether the 360 window takes input (or a revision) at ``now``: the appraisal is open, the window was
        not closed early and its deadline has not passed."""
        return self.is_open and not self.peer_window_closed and (
            self.window_closes_at is None or now <= self.window_closes_at)

    def rater(self, rater_id: str) -> Rater:
        """The assigned 360 rater ``rater_id`` (refused when not assigned)."""
        rater = self.raters.get(rater_id)
        if rater is None:
            raise Forbidden("evaluation.peer.not-assigned", field="rater_id")
        return rater

    def is_party(self, person_id: str) -> bool:
        """The employee, the evaluator or the superior of this appraisal."""
        return person_id in (self.employee_id, self.evaluator_id, self.superior_id)

    # -- finalisation -------------------------------------------------------------------------------
    def finalise(self, *, actor_id: str, curve: CurveReport | None, enforcement: CurveEnforcement,
                 justification: str | None, now: datetime, time_zone: TimeZone, objection_window_days: int,
                 on_behalf_of: str | None = None) -> None:
        self._require_evaluator(actor_id, on_behalf_of)
        self._require_open("finalisation")
        missing = self.missing_ratings()
        if missing:
            first = missing[0]
            raise DomainRuleViolation("evaluation.finalise.incomplete", field=first.field, details=missing[1:],
                                      first=first.message, first_en=first.message_en, more=len(missing) - 1)
        if curve is not None and curve.violations:
            arithmetic = "; ".join(curve.violations)
            if enforcement is CurveEnforcement.BLOCK:
                raise DomainRuleViolation("evaluation.curve.blocked", field="curve", arithmetic=arithmetic)
            if not justification:
                raise DomainRuleViolation("evaluation.curve.justification-needed", field="justification",
                                          arithmetic=arithmetic)
            self.record(CurveOverrideJustified(
                appraisal_id=self._id, employee_id=self.employee_id, unit_id=self.unit_id,
                period_key=self._period.key, organisation_predicate=curve.organisation,
                violations=curve.violations, justification=justification))
        self.close_peer_window(reason="Penilaian difinalkan")
        deadline = time_zone.end_of_day(time_zone.local_date(now) + timedelta(days=objection_window_days))
        self.record(AppraisalFinalised(result=self._current_result(), finalised_by=actor_id,
                                       objection_deadline=deadline, on_behalf_of=on_behalf_of))

    def acknowledge(self, *, actor_id: str) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("evaluation.acknowledge.not-employee")
        if self.status is Status.OPEN:
            raise DomainRuleViolation("evaluation.appraisal.not-finalised", field="status")
        if self.acknowledged:
            raise DomainRuleViolation("evaluation.acknowledge.already", field="status")
        self.record(ResultAcknowledged(appraisal_id=self._id, employee_id=self.employee_id))

    # -- objection (keberatan) ----------------------------------------------------------------------
    def object(self, *, actor_id: str, reasons: str, now: datetime, roster_superior_id: str | None = None) -> uuid.UUID:
        """The employee's objection, addressed to the superior the SKP named or, when it named none (a vacant or
        late post), to the superior the roster names now: a missing superior never blocks for good."""
        if actor_id != self.employee_id:
            raise Forbidden("evaluation.objection.not-employee")
        if self.objection is not None:
            raise DomainRuleViolation("evaluation.objection.second", field="reasons")
        if self.status is not Status.FINALISED:
            raise DomainRuleViolation("evaluation.objection.not-finalised", field="status")
        assert self.objection_deadline is not None
        if now > self.objection_deadline:
            zone = TimeZone.of(self.objection_deadline)
            raise DomainRuleViolation("evaluation.objection.window-closed", field="reasons",
                                      deadline=self.objection_deadline, zone=zone.value if zone else "UTC")
        superior_id = self.superior_id or roster_superior_id
        if not superior_id:
            raise DomainRuleViolation("evaluation.objection.no-superior", field="superior_id")
        objection_id = uuid.uuid5(self._id, "keberatan")
        self.record(ObjectionFiled(
            appraisal_id=self._id, objection_id=objection_id, employee_id=self.employee_id, office_id=self.office_id,
            evaluator_id=self.evaluator_id, superior_id=superior_id, reasons=reasons,
            deadline=self.objection_deadline))
        return objection_id

    def explain(self, *, actor_id: str, text: str, on_behalf_of: str | None = None) -> None:
        """The evaluator's (or their acting official's) or the employee's explanation, asked for by the superior."""
        objection = self._pending_objection()
        if actor_id == self.employee_id:
            role = "pegawai"
        elif self.evaluator_id in (actor_id, on_behalf_of):
            role = "pejabat_penilai"
        else:
            raise Forbidden("evaluation.objection.not-a-party")
        self.record(ObjectionExplanationGiven(appraisal_id=self._id, objection_id=objection.objection_id,
                                              employee_id=self.employee_id, author_id=actor_id, author_role=role,
                                              text=text, on_behalf_of=on_behalf_of if role != "pegawai" else None))

    def decide_objection(self, *, actor_id: str, decision: ObjectionDecision, reason: str,
                         results: Rating | None, behaviour: Rating | None, replaces_event_id: uuid.UUID,
                         on_behalf_of: str | None = None) -> None:
        """The superior's final decision; an acting official (Plt/Plh) decides with ``on_behalf_of`` = the superior."""
        objection = self._pending_objection()
        if not self.superior_id or self.superior_id not in (actor_id, on_behalf_of):
            raise Forbidden("evaluation.objection.not-superior", field="superior_id")
        if decision is ObjectionDecision.UPHELD:
            if results is not None or behaviour is not None:
                raise InvalidInput("evaluation.objection.upheld-with-ratings", field="results_rating")
        else:
            if results is not None and self.unit_head:
                raise DomainRuleViolation("evaluation.rating.unit-head-results", field="results_rating")
            if (results or self.results_rating) == self.results_rating and (
                    behaviour or self.behaviour_rating) == self.behaviour_rating:
                raise InvalidInput("evaluation.objection.changed-without-change", field="results_rating")
        self.record(ObjectionDecided(
            appraisal_id=self._id, objection_id=objection.objection_id, employee_id=self.employee_id,
            office_id=self.office_id, decision=decision, decided_by=actor_id, reason=reason,
            on_behalf_of=on_behalf_of))
        if decision is ObjectionDecision.CHANGED:
            previous = self._current_result()
            self._set_overall(results, behaviour, RatingSource.OBJECTION, f"Keputusan keberatan: {reason}",
                              on_behalf_of)
            self.record(AppraisalCorrected(
                replaces_event_id=replaces_event_id, objection_id=objection.objection_id, previous=previous,
                result=self._current_result(), reason=reason, decided_by=actor_id, on_behalf_of=on_behalf_of))

    # -- helpers ---------------------------------------------------------------------------------------
    @property
    def _id(self) -> uuid.UUID:
        assert self.appraisal_id is not None
        return self.appraisal_id

    @property
    def _period(self) -> EvaluationPeriod:
        assert self.period is not None
        return self.period

    def _require_open(self, step: str) -> None:
        if not self.is_open:
            raise DomainRuleViolation("evaluation.appraisal.final", field="status", step=step)

    def _require_evaluator(self, actor_id: str, on_behalf_of: str | None = None) -> None:
        if self.evaluator_id not in (actor_id, on_behalf_of):
            raise Forbidden("evaluation.appraisal.not-evaluator", field="evaluator_id")

    def _pending_objection(self) -> Objection:
        if self.objection is None or self.status is not Status.OBJECTED:
            raise DomainRuleViolation("evaluation.objection.none-pending", field="objection")
        return self.objection

    def _check_items(self, rhks: Sequence[RhkRating], values: Sequence[ValueRating], *, prefix: str) -> None:
        for i, r in enumerate(rhks):
            if r.rhk_id not in self.rhks:
                raise InvalidInput("evaluation.rating.unknown-rhk", field=f"{prefix}rhk_ratings.{i}.rhk_id")
        if len({r.rhk_id for r in rhks}) != len(rhks):
            raise InvalidInput("evaluation.rating.duplicate-rhk", field=f"{prefix}rhk_ratings")
        if len({v.value for v in values}) != len(values):
            raise InvalidInput("evaluation.rating.duplicate-value", field=f"{prefix}value_ratings")

    def _check_complete(self, rhks: Sequence[RhkRating], values: Sequence[ValueRating], *, prefix: str) -> None:
        self._check_items(rhks, values, prefix=prefix)
        # a missing item has no index in what was sent: each is named by its key (as ``missing_ratings``)
        missing = _missing_items(self.rhks, {r.rhk_id for r in rhks}, {v.value for v in values}, prefix=prefix)
        if missing:
            first = missing[0]
            raise InvalidInput(first.code, field=first.field, details=missing[1:], **first.params)

    def _set_overall(self, results: Rating | None, behaviour: Rating | None, source: RatingSource,
                     reason: str, on_behalf_of: str | None = None) -> None:
        if results is not None and results != self.results_rating:
            self.record(ResultsRatingSet(appraisal_id=self._id, employee_id=self.employee_id, rating=results,
                                         previous=self.results_rating, source=source, reason=reason,
                                         on_behalf_of=on_behalf_of))
        if behaviour is not None and behaviour != self.behaviour_rating:
            self.record(BehaviourRatingSet(appraisal_id=self._id, employee_id=self.employee_id, rating=behaviour,
                                           previous=self.behaviour_rating, source=source, reason=reason,
                                           on_behalf_of=on_behalf_of))
        if self.results_rating is not None and self.behaviour_rating is not None:
            new = predicate(self.results_rating, self.behaviour_rating)
            if new != self.predicate:
                self.record(PredicateDetermined(
                    appraisal_id=self._id, employee_id=self.employee_id, predicate=new, previous=self.predicate,
                    results_rating=self.results_rating, behaviour_rating=self.behaviour_rating,
                    reason=f"{reason} → {PREDICATE_LABELS[new]}"))

    def _current_result(self) -> AppraisalResult:
        assert self.results_rating is not None
        assert self.behaviour_rating is not None
        assert self.predicate is not None
        return AppraisalResult(
            appraisal_id=self._id, employee_id=self.employee_id, office_id=self.office_id, unit_id=self.unit_id,
            period=self._period, position_type=self.position_type, employment=self.employment,
            evaluator_id=self.evaluator_id, results_rating=self.results_rating,
            behaviour_rating=self.behaviour_rating, predicate=self.predicate,
            rhk_ratings=tuple(self.rhk_ratings[r] for r in self.rhks if r in self.rhk_ratings),
            value_ratings=tuple(self.value_ratings[v] for v in BerAkhlak if v in self.value_ratings),
            organisation_predicate=self.organisation_predicate,
        )

    # -- state changes ----------------------------------------------------------------------------------
    def _on_AppraisalOpened(self, e: AppraisalOpened) -> None:  # noqa: N802
        self.appraisal_id, self.employee_id, self.office_id, self.unit_id = (
            e.appraisal_id, e.employee_id, e.office_id, e.unit_id)
        self.period, self.plan_id, self.evaluator_id, self.superior_id = (
            e.period, e.plan_id, e.evaluator_id, e.superior_id)
        self.position_type, self.employment, self.unit_head = e.position_type, e.employment, e.unit_head
        self.rhks = {r.rhk_id: r for r in e.rhks}
        self.self_assessment_due, self.rating_due = e.self_assessment_due, e.rating_due

    def _on_SelfAssessmentSubmitted(self, e: SelfAssessmentSubmitted) -> None:  # noqa: N802
        self.self_rhks = {r.rhk_id: r for r in e.rhk_ratings}
        self.self_values = {v.value: v for v in e.value_ratings}
        self.self_summary = e.summary

    def _on_RatersAssigned(self, e: RatersAssigned) -> None:  # noqa: N802
        self.raters = {r.rater_id: r for r in e.raters}
        self.window_closes_at = e.window_closes_at

    def _on_PeerInputSubmitted(self, e: PeerInputSubmitted) -> None:  # noqa: N802
        self.peer_inputs[e.rater_id] = PeerInput(relation=e.relation, scores=e.scores, comments=e.comments)

    def _on_PeerWindowClosed(self, e: PeerWindowClosed) -> None:  # noqa: N802
        self.peer_window_closed = True

    def _on_RhkRated(self, e: RhkRated) -> None:  # noqa: N802
        self.rhk_ratings[e.rhk_id] = RhkRating(rhk_id=e.rhk_id, rating=e.rating, comment=e.comment)

    def _on_BehaviourValueRated(self, e: BehaviourValueRated) -> None:  # noqa: N802
        self.value_ratings[e.value] = ValueRating(value=e.value, rating=e.rating, comment=e.feedback)

    def _on_ResultsRatingSet(self, e: ResultsRatingSet) -> None:  # noqa: N802
        self.results_rating, self.results_source = e.rating, e.source
        if e.organisation_predicate is not None:
            self.organisation_predicate = e.organisation_predicate

    def _on_BehaviourRatingSet(self, e: BehaviourRatingSet) -> None:  # noqa: N802
        self.behaviour_rating = e.rating

    def _on_PredicateDetermined(self, e: PredicateDetermined) -> None:  # noqa: N802
        self.predicate = e.predicate

    def _on_CurveOverrideJustified(self, e: CurveOverrideJustified) -> None:  # noqa: N802
        pass

    def _on_AppraisalFinalised(self, e: AppraisalFinalised) -> None:  # noqa: N802
        self.status = Status.FINALISED
        self.result = e.result
        self.organisation_predicate = e.result.organisation_predicate
        self.objection_deadline = e.objection_deadline
        self.finalised_by, self.finalised_on_behalf_of = e.finalised_by, e.on_behalf_of

    def _on_ResultAcknowledged(self, e: ResultAcknowledged) -> None:  # noqa: N802
        self.acknowledged = True

    def _on_ObjectionFiled(self, e: ObjectionFiled) -> None:  # noqa: N802
        self.status = Status.OBJECTED
        self.objection = Objection(objection_id=e.objection_id, reasons=e.reasons)
        self.superior_id = e.superior_id

    def _on_ObjectionExplanationGiven(self, e: ObjectionExplanationGiven) -> None:  # noqa: N802
        assert self.objection is not None
        self.objection = Objection(objection_id=self.objection.objection_id, reasons=self.objection.reasons,
                                   explanations=(*self.objection.explanations, (e.author_id, e.author_role, e.text)))

    def _on_ObjectionDecided(self, e: ObjectionDecided) -> None:  # noqa: N802
        assert self.objection is not None
        self.status = Status.DECIDED
        self.objection = Objection(objection_id=self.objection.objection_id, reasons=self.objection.reasons,
                                   explanations=self.objection.explanations, decision=e.decision,
                                   decided_by=e.decided_by, decision_reason=e.reason,
                                   decided_on_behalf_of=e.on_behalf_of)

    def _on_AppraisalCorrected(self, e: AppraisalCorrected) -> None:  # noqa: N802
        self.previous_result = e.previous
        self.result = e.result
        self.corrected = True
