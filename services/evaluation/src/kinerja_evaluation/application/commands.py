"""The evaluation service's commands: each a short use case on ``EventSourcedRepository.change`` (load -> check
the office -> expected version -> the aggregate decides -> save). Plain values in, a reference out. What a
command needs besides its streams comes from ``Facts`` (the roster, SKPs, read models).

The queries (what each role may see) are in ``kinerja_evaluation.application.queries``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from kinerja_evaluation.application.access import HR, acting_official, calibrator, evaluator_or_hr
from kinerja_evaluation.application.ports import Facts, OpenPeriod
from kinerja_evaluation.application.views import (
    AppraisalRef,
    OfficeVersion,
    OrganisationPredicateView,
    PeriodOpenedView,
)
from kinerja_evaluation.domain.appraisal import Appraisal, Ratings, appraisal_id_for
from kinerja_evaluation.domain.office import Office, UnitPredicate, unit_predicate_key
from kinerja_evaluation.domain.rules import CurveReport, check_curve
from kinerja_kernel.access import require_office_role
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import (
    AppraisalFinalised,
    EvaluationPeriod,
    EvaluationPeriodOpened,
    ObjectionDecision,
    OfficeSettings,
    OrganisationPredicate,
    Rater,
    Rating,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.envelope import Actor, utcnow
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, NotFound
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.repository import EventSourcedRepository

EVALUATION_SYSTEM = Actor(id="kinerja-evaluation", role="system")
Clock = Callable[[], datetime]


def appraisal_not_found(appraisal_id: uuid.UUID) -> NotFound:
    return NotFound("evaluation.appraisal.not-found", field="appraisal_id", appraisal_id=appraisal_id)


class AppraisalCommands:
    def __init__(self, appraisals: EventSourcedRepository[Appraisal, Any], offices: EventSourcedRepository[Office, Any],
                 unit_predicates: EventSourcedRepository[UnitPredicate, Any], facts: Facts,
                 clock: Clock = utcnow) -> None:
        self.appraisals = appraisals
        self.offices = offices
        self.unit_predicates = unit_predicates
        self.facts = facts
        self.clock = clock

    @property
    def store(self) -> EventStore:
        store: EventStore = self.appraisals.store
        return store

    # -- the office ---------------------------------------------------------------------------------
    async def configure_office(self, office_id: str, settings: OfficeSettings, reason: str,
                               by: Principal) -> OfficeVersion:
        return await self._change_office(office_id, lambda o: o.change_settings(settings, reason=reason), by)

    async def amend_office(self, office_id: str, changes: Mapping[str, Any], reason: str,
                           by: Principal) -> OfficeVersion:
        return await self._change_office(office_id, lambda o: o.amend_settings(changes, reason=reason), by)

    async def open_period(self, office_id: str, period_key: str, by: Principal) -> PeriodOpenedView:
        """Open a period and, in the same transaction, an appraisal for each employee of the office with
        an approved SKP of its year (an SKP approved later gets its appraisal when the approval arrives)."""
        require_office_role(by, office_id, HR)
        period = EvaluationPeriod.parse(period_key)
        opened: list[EvaluationPeriodOpened] = []
        async with self.store.transaction() as conn:
            await self.facts.lock_openings(conn, office_id, period.year)
            await self.offices.change(office_id, None, lambda o: opened.append(o.open_period(period)),
                                      start=lambda: Office.for_office(office_id), actor=by.actor(HR),
                                      office_id=office_id, subject=office_id, conn=conn)
            event = opened[0]
            count = await self._open_appraisals(conn, office_id, OpenPeriod(period, event.self_assessment_due,
                                                                            event.rating_due), actor=by.actor(HR))
        return PeriodOpenedView(office_id=office_id, period=period, appraisals_opened=count,
                                self_assessment_due=event.self_assessment_due, rating_due=event.rating_due)

    async def open_for_approved_plan(self, conn: Any, plan_id: uuid.UUID) -> int:
        """Policy on ``planning.PlanApproved``: open the appraisals of periods already open for its year."""
        found = await self.facts.approved_plan_office(conn, plan_id)
        if found is None:
            return 0
        office_id, year = found
        await self.facts.lock_openings(conn, office_id, year)
        count = 0
        for period in await self.facts.open_periods(conn, office_id, year):
            count += await self._open_appraisals(conn, office_id, period, actor=EVALUATION_SYSTEM, plan_id=plan_id)
        return count

    async def _open_appraisals(self, conn: Any, office_id: str, period: OpenPeriod, *, actor: Actor,
                               plan_id: uuid.UUID | None = None) -> int:
        opened = 0
        for p in await self.facts.plans_to_appraise(conn, office_id, period.period, plan_id):
            if not p.rhks:  # nothing to appraise yet
                continue
            predicate = await self.facts.organisation_predicate(office_id, p.unit_id, period.period.key, conn)

            def start(p: Any = p) -> Appraisal:
                return Appraisal.open(
                    employee_id=p.employee_id, office_id=office_id, unit_id=p.unit_id, period=period.period,
                    plan_id=p.plan_id, evaluator_id=p.evaluator_id, superior_id=p.superior_id,
                    position_type=p.position_type, employment=p.employment, rhks=p.rhks,
                    self_assessment_due=period.self_assessment_due, rating_due=period.rating_due)

            def decide(a: Appraisal, predicate: OrganisationPredicate | None = predicate) -> None:
                if predicate is not None:
                    a.apply_organisation_predicate(predicate, reason="Ditetapkan sebelum penilaian dibuka")

            await self.appraisals.change(appraisal_id_for(p.employee_id, period.period.key), 0, decide, start=start,
                                         actor=actor, office_id=office_id, subject=p.employee_id, conn=conn)
            opened += 1
        return opened

    # -- the employee -----------------------------------------------------------------------------
    async def self_assess(self, appraisal_id: uuid.UUID, rhks: Sequence[RhkRating], values: Sequence[ValueRating],
                          summary: str | None, expected_version: int | None, by: Principal) -> AppraisalRef:
        return await self._change(appraisal_id, expected_version, lambda a: a.self_assess(
            actor_id=by.user_id, rhk_ratings=rhks, value_ratings=values, summary=summary), by, Role.PEGAWAI)

    async def acknowledge(self, appraisal_id: uuid.UUID, by: Principal) -> AppraisalRef:
        return await self._change(appraisal_id, None, lambda a: a.acknowledge(actor_id=by.user_id), by, Role.PEGAWAI)

    async def file_objection(self, appraisal_id: uuid.UUID, reasons: str, by: Principal) -> AppraisalRef:
        member = await self.facts.staff_member(by.user_id)  # the roster's superior, where the SKP named none
        superior = member.superior_id if member is not None else None
        now = self.clock()
        return await self._change(appraisal_id, None, lambda a: a.object(
            actor_id=by.user_id, reasons=reasons, now=now, roster_superior_id=superior), by, Role.PEGAWAI)

    # -- 360 ----------------------------------------------------------------------------------------
    async def assign_raters(self, appraisal_id: uuid.UUID, raters: Sequence[Rater], window_closes_at: datetime | None,
                            by: Principal) -> AppraisalRef:
        appraisal = await self._load(appraisal_id, by)
        role = evaluator_or_hr(by, appraisal, "evaluation.raters.not-assigner")
        relations = await self.facts.relations_to(appraisal.employee_id, [r.rater_id for r in raters])
        office = await self.offices.load(appraisal.office_id) or Office.for_office(appraisal.office_id)
        assert appraisal.period is not None
        closes = window_closes_at or office.peer_window_default(appraisal.period)
        now = self.clock()
        return await self._change(appraisal_id, None, lambda a: a.assign_raters(
            assigned_by=by.user_id, raters=raters, window_closes_at=closes, now=now, relations=relations), by, role)

    async def submit_peer_input(self, appraisal_id: uuid.UUID, scores: Mapping[BerAkhlak, int],
                                comments: Mapping[BerAkhlak, str], by: Principal) -> AppraisalRef:
        now = self.clock()
        return await self._change(appraisal_id, None, lambda a: a.submit_peer_input(
            rater_id=by.user_id, scores=scores, comments=comments, now=now), by, Role.PEGAWAI)

    async def close_peer_window(self, appraisal_id: uuid.UUID, by: Principal) -> AppraisalRef:
        role = evaluator_or_hr(by, await self._load(appraisal_id, by), "evaluation.peer-window.not-closer")
        return await self._change(appraisal_id, None, lambda a: a.close_peer_window_now(actor_id=by.user_id), by,
                                  role)

    # -- the evaluator ------------------------------------------------------------------------------
    async def rate(self, appraisal_id: uuid.UUID, ratings: Ratings, reason: str | None,
                   expected_version: int | None, by: Principal) -> AppraisalRef:
        appraisal = await self._load(appraisal_id, by)
        on_behalf_of = await self._acting(by, appraisal, appraisal.evaluator_id, Role.PEJABAT_PENILAI)
        return await self._change(appraisal_id, expected_version, lambda a: a.rate(
            actor_id=by.user_id, ratings=ratings, reason=reason, on_behalf_of=on_behalf_of), by, Role.PEJABAT_PENILAI)

    async def finalise(self, appraisal_id: uuid.UUID, justification: str | None, expected_version: int | None,
                       by: Principal) -> AppraisalRef:
        async with self.store.transaction() as conn:
            appraisal = await self._load(appraisal_id, by, conn)
            on_behalf_of = await self._acting(by, appraisal, appraisal.evaluator_id, Role.PEJABAT_PENILAI, conn)
            settings = await self.facts.office_settings(appraisal.office_id, conn)
            curve = await self._curve(appraisal, conn)
            now = self.clock()
            return await self._change(appraisal_id, expected_version, lambda a: a.finalise(
                actor_id=by.user_id, curve=curve, enforcement=settings.curve_enforcement, justification=justification,
                now=now, time_zone=settings.time_zone, objection_window_days=settings.objection_window_days,
                on_behalf_of=on_behalf_of), by, Role.PEJABAT_PENILAI, conn)

    async def _curve(self, appraisal: Appraisal, conn: Any) -> CurveReport | None:
        assert appraisal.period is not None
        key = appraisal.period.key
        organisation = await self.facts.organisation_predicate(appraisal.office_id, appraisal.unit_id, key, conn)
        if organisation is None:
            return None
        return check_curve(organisation, await self.facts.unit_predicates(appraisal.office_id, appraisal.unit_id,
                                                                          key, conn))

    # -- organisation predicate and calibration -------------------------------------------------------
    async def set_organisation_predicate(self, office_id: str, unit_id: str, period_key: str,
                                         predicate: OrganisationPredicate, reason: str, instructed_by: str | None,
                                         by: Principal) -> OrganisationPredicateView:
        by.require_office(office_id)
        EvaluationPeriod.parse(period_key)
        async with self.store.transaction() as conn:
            leaders = await self.facts.unit_leaders(office_id, unit_id, conn)
            role, instructed_by = _predicate_setter(by, leaders, instructed_by, unit_id)
            changed: list[bool] = []
            await self.unit_predicates.change(
                unit_predicate_key(office_id, unit_id, period_key), None, lambda u: changed.append(u.set(
                    office_id=office_id, unit_id=unit_id, period_key=period_key, predicate=predicate, reason=reason,
                    set_by=by.user_id, instructed_by=instructed_by)),
                start=UnitPredicate, actor=by.actor(role), office_id=office_id, subject=f"{office_id}/{unit_id}",
                conn=conn)
            updated: list[bool] = []

            def follow(head: Appraisal) -> None:
                head.apply_organisation_predicate(predicate, reason=reason)
                updated.append(bool(head.pending))

            for appraisal_id in await self.facts.unit_heads(office_id, unit_id, period_key, conn) if changed[0] else []:
                await self.appraisals.change(appraisal_id, None, follow, actor=by.actor(role), office_id=office_id,
                                             subject=lambda a: a.employee_id, conn=conn)
        return OrganisationPredicateView(unit_id=unit_id, period_key=period_key, predicate=predicate,
                                         unit_heads_updated=sum(updated))

    async def calibrate(self, appraisal_id: uuid.UUID, results: Rating | None, behaviour: Rating | None, reason: str,
                        by: Principal) -> AppraisalRef:
        role = calibrator(by, await self._load(appraisal_id, by))
        return await self._change(appraisal_id, None, lambda a: a.calibrate(
            results=results, behaviour=behaviour, reason=reason), by, role)

    # -- objection ----------------------------------------------------------------------------------
    async def explain(self, appraisal_id: uuid.UUID, text: str, by: Principal) -> AppraisalRef:
        appraisal = await self._load(appraisal_id, by)
        on_behalf_of = (None if by.user_id == appraisal.employee_id
                        else await self._acting(by, appraisal, appraisal.evaluator_id, None))
        return await self._change(appraisal_id, None, lambda a: a.explain(
            actor_id=by.user_id, text=text, on_behalf_of=on_behalf_of), by, Role.PEGAWAI)

    async def decide_objection(self, appraisal_id: uuid.UUID, decision: ObjectionDecision, reason: str,
                               results: Rating | None, behaviour: Rating | None, by: Principal) -> AppraisalRef:
        async with self.store.transaction() as conn:
            appraisal = await self._load(appraisal_id, by, conn)
            on_behalf_of = await self._acting(by, appraisal, appraisal.superior_id, Role.ATASAN_PENILAI, conn)
            replaces = await self._finalised_event_id(appraisal_id, conn)
            return await self._change(appraisal_id, None, lambda a: a.decide_objection(
                actor_id=by.user_id, decision=decision, reason=reason, results=results, behaviour=behaviour,
                replaces_event_id=replaces, on_behalf_of=on_behalf_of), by, Role.ATASAN_PENILAI, conn)

    async def _finalised_event_id(self, appraisal_id: uuid.UUID, conn: Any) -> uuid.UUID:
        for envelope in await self.store.read_stream(self.appraisals.stream_id(appraisal_id), conn=conn):
            if envelope.event_type == AppraisalFinalised.event_type:
                return envelope.event_id
        raise DomainRuleViolation("evaluation.appraisal.not-finalised", field="status")

    # -- the use-case loop ----------------------------------------------------------------------------
    async def _change(self, appraisal_id: uuid.UUID, expected_version: int | None,
                      decide: Callable[[Appraisal], object], by: Principal, role: Role, conn: Any = None
                      ) -> AppraisalRef:
        appraisal = await self.appraisals.change(
            appraisal_id, expected_version, decide, actor=by.actor(role), office_id=lambda a: a.office_id,
            subject=lambda a: a.employee_id, check=lambda a: by.require_office(a.office_id),
            not_found=lambda: appraisal_not_found(appraisal_id), conn=conn)
        return AppraisalRef(appraisal_id=appraisal_id, version=appraisal.version)

    async def _change_office(self, office_id: str, decide: Callable[[Office], object], by: Principal
                             ) -> OfficeVersion:
        require_office_role(by, office_id, HR)
        office = await self.offices.change(office_id, None, decide, start=lambda: Office.for_office(office_id),
                                           actor=by.actor(HR), office_id=office_id, subject=office_id)
        return OfficeVersion(office_id=office_id, version=office.version)

    async def _load(self, appraisal_id: uuid.UUID, by: Principal, conn: Any = None) -> Appraisal:
        """The appraisal as it is now, in the caller's office (to look up what a decision needs)."""
        appraisal = await self.appraisals.load(appraisal_id, conn=conn)
        if appraisal is None:
            raise appraisal_not_found(appraisal_id)
        by.require_office(appraisal.office_id)
        return appraisal

    async def _acting(self, by: Principal, appraisal: Appraisal, official_id: str | None, role: Role | None,
                      conn: Any = None) -> str | None:
        return await acting_official(self.facts, by, appraisal.office_id, official_id, role, self.clock(), conn)


def _predicate_setter(by: Principal, leaders: set[str], instructed_by: str | None, unit_id: str
                      ) -> tuple[Role, str | None]:
    """Who sets a unit's organisation predicate: the leader of the unit above (the evaluator of its heads), or HR
    on that leader's instruction. Returns the role and the instructing leader."""
    if not leaders:
        raise DomainRuleViolation("evaluation.unit.no-head", field="unit_id", unit_id=unit_id)
    if by.user_id in leaders and by.has_role(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI):
        return Role.PEJABAT_PENILAI, None
    if by.has_role(HR):
        if instructed_by not in leaders:
            raise Forbidden("evaluation.organisation-predicate.needs-instruction", field="instructed_by",
                            leaders=", ".join(sorted(leaders)))
        return HR, instructed_by
    raise Forbidden("evaluation.organisation-predicate.not-leader", field="unit_id")
