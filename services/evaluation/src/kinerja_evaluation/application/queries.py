"""The evaluation service's queries: what each role may see, as typed views (``views``). The SQL lives in the
adapters (``read_models``, ``planning_facts``, ``feedback_context``); the appraisal itself is read from its
stream where the view needs every detail of it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_evaluation.adapters import feedback_context
from kinerja_evaluation.adapters import planning_facts as pf
from kinerja_evaluation.adapters import read_models as rm
from kinerja_evaluation.application.access import (
    READERS,
    acting_official,
    evaluator_or_hr,
    represented,
    require_reader,
)
from kinerja_evaluation.application.commands import Clock, appraisal_not_found
from kinerja_evaluation.application.ports import Facts
from kinerja_evaluation.application.views import (
    AppraisalRow,
    AppraisalView,
    BoardRow,
    BoundView,
    CalibrationView,
    ExplanationView,
    HistoryRow,
    MissingView,
    MyPeerInput,
    ObjectionRow,
    ObjectionView,
    OfficeView,
    PeerRequestRow,
    PeerView,
    PeriodRow,
    PreviousResult,
    RaterCandidate,
    RaterView,
    RatingView,
    RhkView,
    ValueView,
    ViewerActsFor,
    waiting_on,
)
from kinerja_evaluation.domain.appraisal import Appraisal
from kinerja_evaluation.domain.peers import PeerSummary, summarise
from kinerja_evaluation.domain.rules import CurveReport, check_curve, suggested_results_rating
from kinerja_kernel import messages
from kinerja_kernel.access import require_access, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    RATING_LABELS,
    EvaluationPeriod,
    Predicate,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.db import Database
from kinerja_kernel.errors import NotFound
from kinerja_kernel.repository import EventSourcedRepository


class AppraisalQueries:
    def __init__(self, db: Database, appraisals: EventSourcedRepository[Appraisal, Any], facts: Facts,
                 clock: Clock) -> None:
        self.db = db
        self.appraisals = appraisals
        self.facts = facts
        self.clock = clock

    # -- the office -----------------------------------------------------------------------------------
    async def office(self, office_id: str, by: Principal) -> OfficeView:
        by.require_office(office_id)
        async with self.db.connection() as conn:
            settings = await rm.office_settings(conn, office_id)
            periods = [PeriodRow.model_validate(dict(p)) for p in await rm.open_periods(conn, office_id)]
        return OfficeView(office_id=office_id, settings=settings, periods=periods)

    # -- boards ---------------------------------------------------------------------------------------
    async def my_appraisals(self, by: Principal) -> list[AppraisalRow]:
        async with self.db.connection() as conn:
            rows = within_offices(by, await rm.appraisals_of(conn, by.user_id))
        return [AppraisalRow.model_validate(dict(r)) for r in rows]

    async def team(self, period_key: str, by: Principal) -> list[BoardRow]:
        """The evaluator's team board (and the teams of those the caller acts for today): who each waits on."""
        EvaluationPeriod.parse(period_key)
        async with self.db.connection() as conn:
            rows = [_board_row(r) for r in within_offices(by, await rm.team(conn, by.user_id, period_key))]
            for absent_id in await self.represented(conn, by):
                rows += [_board_row(r, on_behalf_of=absent_id)
                         for r in within_offices(by, await rm.team(conn, absent_id, period_key))]
        return rows

    async def represented(self, conn: asyncpg.Connection, by: Principal) -> list[str]:
        """The officials the caller acts for today (Plt/Plh)."""
        return await represented(self.facts, by, self.clock(), conn)

    async def calibration(self, office_id: str, unit_id: str, period_key: str, by: Principal) -> CalibrationView:
        """The unit's predicates against the curve's bounds, with counts and the arithmetic."""
        require_office_role(by, office_id, Role.PENGELOLA_KEPEGAWAIAN, Role.ATASAN_PENILAI, Role.AUDITOR)
        EvaluationPeriod.parse(period_key)
        async with self.db.connection() as conn:
            members = await rm.unit_members(conn, office_id, unit_id, period_key)
            organisation = await rm.organisation_predicate(conn, office_id, unit_id, period_key)
            settings = await rm.office_settings(conn, office_id)
        predicates = [Predicate(m["predicate"]) if m["predicate"] else None for m in members]
        curve = check_curve(organisation, predicates) if organisation else None
        return CalibrationView(
            office_id=office_id, unit_id=unit_id, period_key=period_key, organisation_predicate=organisation,
            curve_enforcement=settings.curve_enforcement, total=len(members),
            pending=sum(1 for p in predicates if p is None),
            counts={p: sum(1 for m in predicates if m is p) for p in Predicate}, labels=dict(PREDICATE_LABELS),
            bounds=_bounds(curve), violations=list(curve.violations) if curve else [],
            message=None if organisation else messages.render("evaluation.calibration.no-organisation-predicate"),
            employees=[_board_row(m) for m in members])

    async def peer_requests(self, by: Principal) -> list[PeerRequestRow]:
        async with self.db.connection() as conn:
            rows = within_offices(by, await rm.peer_requests(conn, by.user_id))
        return [PeerRequestRow.model_validate(dict(r)) for r in rows]

    async def my_objections(self, by: Principal) -> list[ObjectionRow]:
        """Objections the caller decides (as the evaluator's superior) or explains (as the evaluator)."""
        async with self.db.connection() as conn:
            acting = await self.represented(conn, by)
            rows = within_offices(by, await rm.objections_for(conn, by.user_id, acting))
        return [ObjectionRow.model_validate(dict(r)) for r in rows]

    async def history(self, employee_id: str, by: Principal) -> list[HistoryRow]:
        """An employee's rating history: every published result, corrections naming what they replace."""
        async with self.db.connection() as conn:
            member = await pf.staff_member(conn, employee_id)
            rows = await rm.rating_history(conn, employee_id)
        offices = {str(r["office_id"]) for r in rows} | ({str(member["office_id"])} if member else set())
        parties = (employee_id, member["evaluator_id"], member["superior_id"]) if member else (employee_id,)
        for office_id in sorted(offices):  # a history that spans offices needs every one of them
            require_access(by, office_id, parties=parties, roles=READERS, code="evaluation.history.not-allowed")
        if not offices and by.user_id != employee_id:
            raise NotFound("evaluation.history.not-found", field="employee_id", employee_id=employee_id)
        return [HistoryRow.model_validate(dict(r)) for r in rows]

    # -- 360 ------------------------------------------------------------------------------------------
    async def rater_candidates(self, appraisal_id: uuid.UUID, by: Principal) -> list[RaterCandidate]:
        """Who may be assigned as a 360 rater (for those who assign): the roster's peers and subordinates,
        each saying whether they are assigned already."""
        appraisal = await self._load(appraisal_id, by)
        evaluator_or_hr(by, appraisal, "evaluation.raters.not-assigner")
        async with self.db.connection() as conn:
            rows = await pf.rater_candidates(conn, appraisal.employee_id)
        return [RaterCandidate(**dict(r), assigned=r["employee_id"] in appraisal.raters,
                               answered=r["employee_id"] in appraisal.peer_inputs) for r in rows]

    async def my_peer_input(self, appraisal_id: uuid.UUID, by: Principal) -> MyPeerInput:
        """The caller's own 360 request on this appraisal and, once sent, their answer (to revise it)."""
        appraisal = await self._load(appraisal_id, by)
        rater = appraisal.rater(by.user_id)
        async with self.db.connection() as conn:
            settings = await rm.office_settings(conn, appraisal.office_id)
            names = await pf.names_of(conn, [appraisal.employee_id])
        given = appraisal.peer_inputs.get(by.user_id)
        assert appraisal.period is not None
        return MyPeerInput(
            appraisal_id=appraisal_id, employee_id=appraisal.employee_id,
            employee_name=names.get(appraisal.employee_id), period_key=appraisal.period.key, relation=rater.relation,
            window_closes_at=appraisal.window_closes_at,
            time_zone=settings.time_zone, closed=not appraisal.accepts_peer_input(self.clock()),
            answered=given is not None, scores=dict(given.scores) if given else None,
            comments=dict(given.comments) if given else None)

    # -- the appraisal --------------------------------------------------------------------------------
    async def view(self, appraisal_id: uuid.UUID, by: Principal) -> AppraisalView:
        appraisal = await self._load(appraisal_id, by)
        now = self.clock()
        acts_for_evaluator = await acting_official(self.facts, by, appraisal.office_id, appraisal.evaluator_id,
                                                   None, now) is not None
        acts_for_superior = await acting_official(self.facts, by, appraisal.office_id, appraisal.superior_id,
                                                  None, now) is not None
        require_reader(by, appraisal, acting=acts_for_evaluator or acts_for_superior)
        is_employee = by.user_id == appraisal.employee_id
        is_evaluator = by.user_id == appraisal.evaluator_id or acts_for_evaluator
        oversight = (by.user_id == appraisal.superior_id or acts_for_superior
                     or by.has_role(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR))
        period, a, decided, plan_id = appraisal.period, appraisal, appraisal.objection, appraisal.plan_id
        assert period is not None
        assert plan_id is not None
        async with self.db.connection() as conn:
            settings = await rm.office_settings(conn, a.office_id)
            realisation = [] if is_employee and not (is_evaluator or oversight) else await pf.realisation_for(
                conn, plan_id, period.start, period.end)
            feedback = await feedback_context.feedback_for(conn, a.employee_id, period.start, period.end)
            people = [a.employee_id, a.evaluator_id, a.superior_id, *a.raters, a.finalised_by,
                      decided and decided.decided_by]
            names = await pf.names_of(conn, [p for p in people if p])
            kinds: dict[str, str | None] = {}  # plt / plh of the acting officials who finalised or decided
            for key, actor, absent in (("finalised", a.finalised_by, a.finalised_on_behalf_of),
                                       ("decided", decided and decided.decided_by,
                                        decided and decided.decided_on_behalf_of)):
                if actor and absent:
                    kinds[key] = await pf.acting_kind(conn, actor, absent)
        peer = summarise(a.peer_inputs, assigned=len(a.raters), threshold=settings.peer_threshold,
                         with_comments=(is_evaluator or oversight) and settings.peer_comments_to_evaluator)
        return appraisal_view(a, peer=peer, show_raters=not is_employee, names=names, extra={
            "realisation": realisation, "feedback": feedback, "time_zone": settings.time_zone,
            "viewer_acts_for": ViewerActsFor(evaluator=acts_for_evaluator, superior=acts_for_superior),
            "acting_kinds": kinds})

    async def _load(self, appraisal_id: uuid.UUID, by: Principal) -> Appraisal:
        appraisal = await self.appraisals.load(appraisal_id)
        if appraisal is None:
            raise appraisal_not_found(appraisal_id)
        by.require_office(appraisal.office_id)
        return appraisal


def _board_row(row: Any, *, on_behalf_of: str | None = None) -> BoardRow:
    return BoardRow.model_validate({**dict(row), "waiting_on": waiting_on(row), "on_behalf_of": on_behalf_of})


def _bounds(curve: CurveReport | None) -> list[BoundView]:
    if curve is None:
        return []
    return [BoundView(label=c.label, share=None if c.share is None else Decimal(str(c.share)), at_most=c.at_most,
                      count=c.count, limit=c.limit, violated=c.violated, explanation=c.explanation,
                      predicates=list(c.predicates)) for c in curve.checks]


def _rating(item: RhkRating | ValueRating | None) -> RatingView | None:
    if item is None:
        return None
    return RatingView(rating=item.rating, label=RATING_LABELS[item.rating], comment=item.comment)


def _peer(a: Appraisal, peer: PeerSummary, show_raters: bool, named: dict[str, str]) -> PeerView:
    return PeerView(
        assigned=peer.assigned, answered=peer.answered, threshold=peer.threshold, visible=peer.visible,
        averages=dict(peer.averages), comments=dict(peer.comments),
        message=None if peer.visible else messages.render("evaluation.peer.hidden", {
            "threshold": peer.threshold, "answered": peer.answered}),
        window_closes_at=a.window_closes_at, closed=a.peer_window_closed,
        raters=[RaterView(rater_id=r.rater_id, name=named.get(r.rater_id), relation=r.relation,
                          answered=r.rater_id in a.peer_inputs) for r in a.raters.values()] if show_raters else [])


def appraisal_view(appraisal: Appraisal, *, peer: PeerSummary, show_raters: bool, names: dict[str, str],
                   extra: dict[str, Any]) -> AppraisalView:
    """The appraisal as the caller may see it; ``names`` (from the roster) names its people and raters."""
    a, named, previous, objection = appraisal, names, appraisal.previous_result, appraisal.objection
    assert a.period is not None
    return AppraisalView.model_validate({
        "appraisal_id": a.appraisal_id, "version": a.version, "employee_id": a.employee_id, "office_id": a.office_id,
        "employee_name": named.get(a.employee_id), "evaluator_name": named.get(a.evaluator_id),
        "superior_name": named.get(a.superior_id) if a.superior_id else None,
        "unit_id": a.unit_id, "period": a.period, "plan_id": a.plan_id,
        "evaluator_id": a.evaluator_id, "superior_id": a.superior_id, "unit_head": a.unit_head,
        "position_type": a.position_type, "employment": a.employment, "status": a.status,
        "self_assessment_due": a.self_assessment_due, "rating_due": a.rating_due,
        "rhks": [RhkView(rhk_id=r.rhk_id, title=r.title, kind=r.kind, self=_rating(a.self_rhks.get(r.rhk_id)),
                         evaluator=_rating(a.rhk_ratings.get(r.rhk_id))) for r in a.rhks.values()],
        "values": [ValueView(value=v, self=_rating(a.self_values.get(v)), evaluator=_rating(a.value_ratings.get(v)))
                   for v in BerAkhlak],
        "self_summary": a.self_summary,
        "results_rating": a.results_rating, "behaviour_rating": a.behaviour_rating,
        "results_source": a.results_source, "organisation_predicate": a.organisation_predicate,
        "suggested_results_rating": suggested_results_rating(
            (a.rhks[rid].kind, r.rating) for rid, r in a.rhk_ratings.items()),
        "predicate": a.predicate, "predicate_label": PREDICATE_LABELS[a.predicate] if a.predicate else None,
        "missing": [MissingView(field=d.field, code=d.code, message=d.message) for d in a.missing_ratings()]
        if a.is_open else [],
        "peer": _peer(a, peer, show_raters, named),
        "finalised_by": a.finalised_by, "finalised_by_name": named.get(a.finalised_by or ""),
        "finalised_on_behalf_of": a.finalised_on_behalf_of,
        "objection_deadline": a.objection_deadline, "acknowledged": a.acknowledged, "corrected": a.corrected,
        "objection": None if objection is None else ObjectionView(
            objection_id=objection.objection_id, reasons=objection.reasons,
            explanations=[ExplanationView(author_id=author, role=role, text=text)
                          for author, role, text in objection.explanations],
            decision=objection.decision, decided_by=objection.decided_by,
            decided_by_name=named.get(objection.decided_by or ""),
            decided_on_behalf_of=objection.decided_on_behalf_of, reason=objection.decision_reason,
            previous=None if previous is None else PreviousResult(
                results_rating=previous.results_rating, behaviour_rating=previous.behaviour_rating,
                predicate=previous.predicate, predicate_label=PREDICATE_LABELS[previous.predicate])),
        **extra,
    })

