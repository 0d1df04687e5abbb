"""Use cases of the evaluation service: load, decide, save — plus the views each role may see."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from kinerja_evaluation.adapters import feedback_context
from kinerja_evaluation.adapters import planning_facts as facts
from kinerja_evaluation.adapters import read_models as rm
from kinerja_evaluation.domain.appraisal import Appraisal, Ratings
from kinerja_evaluation.domain.office import Office, UnitPredicate, unit_predicate_key
from kinerja_evaluation.domain.peers import summarise
from kinerja_evaluation.domain.rules import (
    CurveReport,
    check_curve,
    suggested_results_rating,
)
from kinerja_kernel.access import require_access, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    RATING_LABELS,
    AppraisalFinalised,
    AppraisedRhk,
    EvaluationPeriod,
    ObjectionDecision,
    OfficeSettings,
    OrganisationPredicate,
    Predicate,
    Rater,
    RaterRelation,
    Rating,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind, acting_for
from kinerja_kernel.envelope import Actor, utcnow
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, Forbidden, NotFound
from kinerja_kernel.repository import EventSourcedRepository

EVALUATION_SYSTEM = Actor(id="kinerja-evaluation", role="system")
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Ref:
    appraisal_id: uuid.UUID
    version: int


class EvaluationService:
    def __init__(self, appraisals: EventSourcedRepository[Appraisal], offices: EventSourcedRepository[Office],
                 unit_predicates: EventSourcedRepository[UnitPredicate], clock: Clock = utcnow) -> None:
        self.appraisals = appraisals
        self.offices = offices
        self.unit_predicates = unit_predicates
        self.db = appraisals.store.db
        self.clock = clock

    # -- the office ---------------------------------------------------------------------------------
    async def configure_office(self, office_id: str, settings: OfficeSettings, reason: str, by: Principal) -> int:
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        by.require_office(office_id)
        office = await self.offices.load(office_id) or Office.for_office(office_id)
        office.change_settings(settings, reason=reason)
        await self.offices.save(office_id, office, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN), office_id=office_id,
                                subject=office_id)
        return office.version

    async def amend_office(self, office_id: str, changes: dict[str, Any], reason: str, by: Principal) -> int:
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        by.require_office(office_id)
        office = await self.offices.load(office_id) or Office.for_office(office_id)
        office.amend_settings(changes, reason=reason)
        await self.offices.save(office_id, office, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN), office_id=office_id,
                                subject=office_id)
        return office.version

    async def office(self, office_id: str, by: Principal) -> dict[str, Any]:
        by.require_office(office_id)
        async with self.db.connection() as conn:
            settings = await rm.office_settings(conn, office_id)
            periods = [rm.as_dict(p) for p in await rm.open_periods(conn, office_id)]
        return {"office_id": office_id, "settings": settings.model_dump(mode="json"), "periods": periods}

    async def open_period(self, office_id: str, period_key: str, by: Principal) -> dict[str, Any]:
        """Open a period and, in the same transaction, an appraisal for each employee of the office with
        an approved SKP of its year (an SKP approved later gets its appraisal when the approval arrives)."""
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        by.require_office(office_id)
        period = EvaluationPeriod.parse(period_key)
        async with self.db.transaction() as conn:
            await _lock_openings(conn, office_id, period.year)
            office = await self.offices.load(office_id, conn=conn) or Office.for_office(office_id)
            opened = office.open_period(period)
            await self.offices.save(office_id, office, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN),
                                    office_id=office_id, subject=office_id, conn=conn)
            count = await self._open_appraisals(conn, office_id, period, opened.self_assessment_due,
                                                opened.rating_due, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN))
        return {"office_id": office_id, "period": period.model_dump(mode="json"), "appraisals_opened": count,
                "self_assessment_due": opened.self_assessment_due.isoformat(),
                "rating_due": opened.rating_due.isoformat()}

    async def open_for_approved_plan(self, conn: asyncpg.Connection, plan_id: uuid.UUID) -> int:
        """Policy on ``planning.PlanApproved``: open the appraisals of periods already open for its year."""
        row = await conn.fetchrow("SELECT office_id, period_year FROM skp WHERE plan_id = $1", plan_id)
        if row is None:
            return 0
        await _lock_openings(conn, row["office_id"], row["period_year"])
        count = 0
        for p in await rm.open_periods(conn, row["office_id"], row["period_year"]):
            period = EvaluationPeriod.parse(p["period_key"])
            count += await self._open_appraisals(conn, row["office_id"], period, p["self_assessment_due"],
                                                 p["rating_due"], actor=EVALUATION_SYSTEM, plan_id=plan_id)
        return count

    async def _open_appraisals(self, conn: asyncpg.Connection, office_id: str, period: EvaluationPeriod,
                               self_assessment_due: datetime, rating_due: datetime, *, actor: Actor,
                               plan_id: uuid.UUID | None = None) -> int:
        plans = await facts.approved_plans(conn, office_id, period.year, plan_id)
        rhks = await facts.rhks_of_plans(conn, [p["plan_id"] for p in plans])
        existing = {r["employee_id"] for r in await conn.fetch(
            "SELECT employee_id FROM appraisals WHERE office_id = $1 AND period_key = $2", office_id, period.key)}
        opened = 0
        for p in plans:
            if p["employee_id"] in existing or not rhks.get(p["plan_id"]):
                continue
            appraisal = Appraisal.open(
                employee_id=p["employee_id"], office_id=office_id, unit_id=p["unit_id"], period=period,
                plan_id=p["plan_id"], evaluator_id=p["evaluator_id"], superior_id=p["superior_id"],
                position_type=PositionType(p["position_type"]), employment=Employment(p["employment"]),
                rhks=[AppraisedRhk(rhk_id=r["rhk_id"], title=r["title"], kind=RhkKind(r["kind"]))
                      for r in rhks[p["plan_id"]]],
                self_assessment_due=self_assessment_due, rating_due=rating_due)
            predicate = await rm.organisation_predicate(conn, office_id, p["unit_id"], period.key)
            if predicate is not None:
                appraisal.apply_organisation_predicate(predicate, reason="Ditetapkan sebelum penilaian dibuka")
            await self.appraisals.save(appraisal.appraisal_id, appraisal, actor=actor, office_id=office_id,
                                       subject=p["employee_id"], expected_version=0, conn=conn)
            opened += 1
        return opened

    # -- the employee -----------------------------------------------------------------------------
    async def my_appraisals(self, by: Principal) -> list[dict[str, Any]]:
        async with self.db.connection() as conn:
            return [rm.as_dict(r) for r in within_offices(by, await rm.appraisals_of(conn, by.user_id))]

    async def self_assess(self, appraisal_id: uuid.UUID, rhks: Sequence[RhkRating], values: Sequence[ValueRating],
                          summary: str | None, expected_version: int | None, by: Principal) -> Ref:
        return await self._change(appraisal_id, by, Role.PEGAWAI, expected_version, lambda a: a.self_assess(
            actor_id=by.user_id, rhk_ratings=rhks, value_ratings=values, summary=summary))

    async def acknowledge(self, appraisal_id: uuid.UUID, by: Principal) -> Ref:
        return await self._change(appraisal_id, by, Role.PEGAWAI, None,
                                  lambda a: a.acknowledge(actor_id=by.user_id))

    async def file_objection(self, appraisal_id: uuid.UUID, reasons: str, by: Principal) -> Ref:
        now = self.clock()
        async with self.db.connection() as conn:  # the roster's superior, where the SKP named none
            member = await facts.staff_member(conn, by.user_id)
        superior = member["superior_id"] if member is not None else None
        return await self._change(appraisal_id, by, Role.PEGAWAI, None,
                                  lambda a: a.object(actor_id=by.user_id, reasons=reasons, now=now,
                                                     roster_superior_id=superior))

    # -- 360 ----------------------------------------------------------------------------------------
    async def assign_raters(self, appraisal_id: uuid.UUID, raters: Sequence[Rater], window_closes_at: datetime | None,
                            by: Principal) -> Ref:
        appraisal = await self._load(appraisal_id, by)
        as_hr = by.has_role(Role.PENGELOLA_KEPEGAWAIAN)
        if not (as_hr or by.user_id == appraisal.evaluator_id):
            raise Forbidden("Penilai 360 ditugaskan oleh pejabat penilai atau pengelola kepegawaian",
                            message_en="only the evaluator or HR assigns raters")
        async with self.db.connection() as conn:
            found = await facts.relations_to(conn, appraisal.employee_id, [r.rater_id for r in raters])
            office = await self.offices.load(appraisal.office_id, conn=conn) or Office.for_office(appraisal.office_id)
        relations = {k: frozenset(RaterRelation(x) for x in v) for k, v in found.items()}
        assert appraisal.period is not None
        closes = window_closes_at or office.peer_window_default(appraisal.period)
        appraisal.assign_raters(assigned_by=by.user_id, raters=raters, window_closes_at=closes, now=self.clock(),
                                relations=relations)
        role = Role.PENGELOLA_KEPEGAWAIAN if as_hr else Role.PEJABAT_PENILAI
        return await self._save(appraisal_id, appraisal, by, role, None)

    async def peer_requests(self, by: Principal) -> list[dict[str, Any]]:
        async with self.db.connection() as conn:
            return [rm.as_dict(r) for r in within_offices(by, await rm.peer_requests(conn, by.user_id))]

    async def submit_peer_input(self, appraisal_id: uuid.UUID, scores: dict[BerAkhlak, int],
                                comments: dict[BerAkhlak, str], by: Principal) -> Ref:
        now = self.clock()
        return await self._change(appraisal_id, by, Role.PEGAWAI, None, lambda a: a.submit_peer_input(
            rater_id=by.user_id, scores=scores, comments=comments, now=now))

    async def close_peer_window(self, appraisal_id: uuid.UUID, by: Principal) -> Ref:
        appraisal = await self._load(appraisal_id, by)
        as_hr = by.has_role(Role.PENGELOLA_KEPEGAWAIAN)
        if not (as_hr or by.user_id == appraisal.evaluator_id):
            raise Forbidden("Masa 360 ditutup oleh pejabat penilai atau pengelola kepegawaian",
                            message_en="only the evaluator or HR closes the window")
        appraisal.close_peer_window_now(actor_id=by.user_id)
        role = Role.PENGELOLA_KEPEGAWAIAN if as_hr else Role.PEJABAT_PENILAI
        return await self._save(appraisal_id, appraisal, by, role, None)

    async def rater_candidates(self, appraisal_id: uuid.UUID, by: Principal) -> list[dict[str, Any]]:
        """Who may be assigned as a 360 rater (for those who assign): the roster's peers and subordinates,
        each saying whether they are assigned already."""
        appraisal = await self._load(appraisal_id, by)
        if not (by.has_role(Role.PENGELOLA_KEPEGAWAIAN) or by.user_id == appraisal.evaluator_id):
            raise Forbidden("Penilai 360 ditugaskan oleh pejabat penilai atau pengelola kepegawaian",
                            message_en="only the evaluator or HR assigns raters")
        async with self.db.connection() as conn:
            rows = await facts.rater_candidates(conn, appraisal.employee_id)
        return [{**rm.as_dict(r), "assigned": r["employee_id"] in appraisal.raters,
                 "answered": r["employee_id"] in appraisal.peer_inputs} for r in rows]

    async def my_peer_input(self, appraisal_id: uuid.UUID, by: Principal) -> dict[str, Any]:
        """The caller's own 360 request on this appraisal and, once sent, their answer (to revise it)."""
        appraisal = await self._load(appraisal_id, by)
        rater = appraisal.raters.get(by.user_id)
        if rater is None:
            raise Forbidden("Anda tidak ditugaskan sebagai penilai 360 untuk pegawai ini",
                            message_en="not an assigned rater", field="rater_id")
        async with self.db.connection() as conn:
            settings = await rm.office_settings(conn, appraisal.office_id)
            names = await facts.names_of(conn, [appraisal.employee_id])
        given = appraisal.peer_inputs.get(by.user_id)
        closed = appraisal.status.value != "open" or appraisal.peer_window_closed or (
            appraisal.window_closes_at is not None and self.clock() > appraisal.window_closes_at)
        assert appraisal.period is not None
        return {
            "appraisal_id": appraisal.appraisal_id, "employee_id": appraisal.employee_id,
            "employee_name": names.get(appraisal.employee_id), "period_key": appraisal.period.key,
            "relation": rater.relation.value, "window_closes_at": appraisal.window_closes_at,
            "time_zone": settings.time_zone.value, "closed": closed, "answered": given is not None,
            "scores": {k.value: v for k, v in given.scores.items()} if given else None,
            "comments": {k.value: v for k, v in given.comments.items()} if given else None,
        }

    # -- the evaluator ------------------------------------------------------------------------------
    async def rate(self, appraisal_id: uuid.UUID, ratings: Ratings, reason: str | None,
                   expected_version: int | None, by: Principal) -> Ref:
        appraisal = await self._load(appraisal_id, by)
        on_behalf_of = await self._acting_for(by, appraisal, appraisal.evaluator_id, Role.PEJABAT_PENILAI)
        return await self._change(appraisal_id, by, Role.PEJABAT_PENILAI, expected_version,
                                  lambda a: a.rate(actor_id=by.user_id, ratings=ratings, reason=reason,
                                                   on_behalf_of=on_behalf_of))

    async def finalise(self, appraisal_id: uuid.UUID, justification: str | None, expected_version: int | None,
                       by: Principal) -> Ref:
        async with self.db.transaction() as conn:
            appraisal = await self._load(appraisal_id, by, expected_version, conn=conn)
            on_behalf_of = await self._acting_for(by, appraisal, appraisal.evaluator_id, Role.PEJABAT_PENILAI,
                                                  conn=conn)
            settings = await rm.office_settings(conn, appraisal.office_id)
            curve = await self._curve(conn, appraisal.office_id, appraisal.unit_id, appraisal.period)
            appraisal.finalise(actor_id=by.user_id, curve=curve, enforcement=settings.curve_enforcement,
                               justification=justification, now=self.clock(), time_zone=settings.time_zone,
                               objection_window_days=settings.objection_window_days, on_behalf_of=on_behalf_of)
            return await self._save(appraisal_id, appraisal, by, Role.PEJABAT_PENILAI, expected_version, conn=conn)

    async def team(self, period_key: str, by: Principal) -> list[dict[str, Any]]:
        """The evaluator's team board: each appraisal and who it is waiting on."""
        EvaluationPeriod.parse(period_key)
        async with self.db.connection() as conn:
            rows = [{**rm.as_dict(r), "waiting_on": waiting_on(r)}
                    for r in within_offices(by, await rm.team(conn, by.user_id, period_key))]
            for absent_id in await self._represented(conn, by):  # the teams of those the caller acts for today
                rows += [{**rm.as_dict(r), "waiting_on": waiting_on(r), "on_behalf_of": absent_id}
                         for r in within_offices(by, await rm.team(conn, absent_id, period_key))]
        return rows

    # -- organisation predicate and calibration -------------------------------------------------------
    async def set_organisation_predicate(self, office_id: str, unit_id: str, period_key: str,
                                         predicate: OrganisationPredicate, reason: str, instructed_by: str | None,
                                         by: Principal) -> dict[str, Any]:
        by.require_office(office_id)
        EvaluationPeriod.parse(period_key)
        async with self.db.transaction() as conn:
            leaders = await rm.unit_leaders(conn, office_id, unit_id)
            if not leaders:
                raise DomainRuleViolation(f"Kepala unit {unit_id} belum tercatat di data kepegawaian, sehingga "
                                          "pimpinan unit di atasnya tidak diketahui", message_en="no unit head",
                                          field="unit_id")
            if by.user_id in leaders and by.has_role(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI):
                role, instructed_by = Role.PEJABAT_PENILAI, None
            elif by.has_role(Role.PENGELOLA_KEPEGAWAIAN):
                if instructed_by not in leaders:
                    raise Forbidden(f"Pengelola kepegawaian menetapkan predikat organisasi atas instruksi pimpinan "
                                    f"unit di atasnya ({', '.join(sorted(leaders))})",
                                    message_en="HR needs the leader's instruction", field="instructed_by")
                role = Role.PENGELOLA_KEPEGAWAIAN
            else:
                raise Forbidden("Predikat kinerja organisasi ditetapkan oleh pimpinan unit di atasnya",
                                message_en="only the leader of the unit above", field="unit_id")
            key = unit_predicate_key(office_id, unit_id, period_key)
            unit = await self.unit_predicates.load(key, conn=conn) or UnitPredicate()
            changed = unit.set(office_id=office_id, unit_id=unit_id, period_key=period_key, predicate=predicate,
                               reason=reason, set_by=by.user_id, instructed_by=instructed_by)
            await self.unit_predicates.save(key, unit, actor=by.actor(role), office_id=office_id,
                                            subject=f"{office_id}/{unit_id}", conn=conn)
            heads = 0
            if changed:
                for appraisal_id in await rm.unit_heads(conn, office_id, unit_id, period_key):
                    head = await self.appraisals.load(appraisal_id, conn=conn)
                    assert head is not None
                    head.apply_organisation_predicate(predicate, reason=reason)
                    if head.pending:
                        await self.appraisals.save(appraisal_id, head, actor=by.actor(role), office_id=office_id,
                                                   subject=head.employee_id, conn=conn)
                        heads += 1
        return {"unit_id": unit_id, "period_key": period_key, "predicate": predicate.value,
                "unit_heads_updated": heads}

    async def calibration(self, office_id: str, unit_id: str, period_key: str, by: Principal) -> dict[str, Any]:
        """The unit's predicates against the curve's bounds, with counts and the arithmetic."""
        require_office_role(by, office_id, Role.PENGELOLA_KEPEGAWAIAN, Role.ATASAN_PENILAI, Role.AUDITOR)
        period = EvaluationPeriod.parse(period_key)
        async with self.db.connection() as conn:
            members = await rm.unit_members(conn, office_id, unit_id, period_key)
            organisation = await rm.organisation_predicate(conn, office_id, unit_id, period_key)
            settings = await rm.office_settings(conn, office_id)
            curve = await self._curve(conn, office_id, unit_id, period)
        counts = {p.value: sum(1 for m in members if m["predicate"] == p.value) for p in Predicate}
        return {
            "office_id": office_id, "unit_id": unit_id, "period_key": period_key,
            "organisation_predicate": organisation.value if organisation else None,
            "curve_enforcement": settings.curve_enforcement.value, "total": len(members),
            "pending": sum(1 for m in members if m["predicate"] is None), "counts": counts,
            "labels": {p.value: PREDICATE_LABELS[p] for p in Predicate},
            "bounds": [{"label": c.label, "at_most": c.at_most, "count": c.count, "limit": c.limit,
                        "violated": c.violated, "explanation": c.explanation,
                        "predicates": [p.value for p in c.predicates]} for c in curve.checks] if curve else [],
            "violations": list(curve.violations) if curve else [],
            "message": None if organisation else "Predikat kinerja organisasi unit ini belum ditetapkan; kurva "
                                                 "distribusi belum dapat diterapkan",
            "employees": [{**rm.as_dict(m), "waiting_on": waiting_on(m)} for m in members],
        }

    async def calibrate(self, appraisal_id: uuid.UUID, results: Rating | None, behaviour: Rating | None, reason: str,
                        by: Principal) -> Ref:
        appraisal = await self._load(appraisal_id, by)
        if by.has_role(Role.PENGELOLA_KEPEGAWAIAN):
            role = Role.PENGELOLA_KEPEGAWAIAN
        elif by.user_id == appraisal.superior_id and by.has_role(Role.ATASAN_PENILAI):
            role = Role.ATASAN_PENILAI
        else:
            raise Forbidden("Kalibrasi dilakukan oleh pengelola kepegawaian atau atasan pejabat penilai",
                            message_en="only HR or the superior calibrates")
        appraisal.calibrate(results=results, behaviour=behaviour, reason=reason)
        return await self._save(appraisal_id, appraisal, by, role, None)

    async def _curve(self, conn: asyncpg.Connection, office_id: str, unit_id: str,
                     period: EvaluationPeriod | None) -> CurveReport | None:
        assert period is not None
        organisation = await rm.organisation_predicate(conn, office_id, unit_id, period.key)
        if organisation is None:
            return None
        members = await rm.unit_members(conn, office_id, unit_id, period.key)
        return check_curve(organisation, [Predicate(m["predicate"]) if m["predicate"] else None for m in members])

    # -- objection ----------------------------------------------------------------------------------
    async def my_objections(self, by: Principal) -> list[dict[str, Any]]:
        """Objections the caller decides (as the evaluator's superior) or explains (as the evaluator)."""
        async with self.db.connection() as conn:
            represented = await self._represented(conn, by)
            return [rm.as_dict(r) for r in within_offices(by, await rm.objections_for(conn, by.user_id,
                                                                                     represented))]

    async def explain(self, appraisal_id: uuid.UUID, text: str, by: Principal) -> Ref:
        appraisal = await self._load(appraisal_id, by)
        on_behalf_of = (None if by.user_id == appraisal.employee_id
                        else await self._acting_for(by, appraisal, appraisal.evaluator_id, None))
        return await self._change(appraisal_id, by, Role.PEGAWAI, None,
                                  lambda a: a.explain(actor_id=by.user_id, text=text, on_behalf_of=on_behalf_of))

    async def decide_objection(self, appraisal_id: uuid.UUID, decision: ObjectionDecision, reason: str,
                               results: Rating | None, behaviour: Rating | None, by: Principal) -> Ref:
        async with self.db.transaction() as conn:
            appraisal = await self._load(appraisal_id, by, conn=conn)
            on_behalf_of = await self._acting_for(by, appraisal, appraisal.superior_id, Role.ATASAN_PENILAI,
                                                  conn=conn)
            replaces = await self._finalised_event_id(appraisal_id, conn)
            appraisal.decide_objection(actor_id=by.user_id, decision=decision, reason=reason, results=results,
                                       behaviour=behaviour, replaces_event_id=replaces, on_behalf_of=on_behalf_of)
            return await self._save(appraisal_id, appraisal, by, Role.ATASAN_PENILAI, None, conn=conn)

    async def _finalised_event_id(self, appraisal_id: uuid.UUID, conn: asyncpg.Connection) -> uuid.UUID:
        for envelope in await self.appraisals.store.read_stream(self.appraisals.stream_id(appraisal_id), conn=conn):
            if envelope.event_type == AppraisalFinalised.event_type:
                return envelope.event_id
        raise DomainRuleViolation("Hasil penilaian belum difinalkan", message_en="not finalised", field="status")

    # -- reading ------------------------------------------------------------------------------------
    async def view(self, appraisal_id: uuid.UUID, by: Principal) -> dict[str, Any]:
        appraisal = await self._load(appraisal_id, by)
        acts_for_evaluator = await self._acting_for(by, appraisal, appraisal.evaluator_id, None) is not None
        acts_for_superior = await self._acting_for(by, appraisal, appraisal.superior_id, None) is not None
        is_employee = by.user_id == appraisal.employee_id
        is_evaluator = by.user_id == appraisal.evaluator_id or acts_for_evaluator
        oversight = (by.user_id == appraisal.superior_id or acts_for_superior
                     or by.has_role(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR))
        acting = (by.user_id,) if acts_for_evaluator or acts_for_superior else ()
        require_access(by, appraisal.office_id,
                       parties=(appraisal.employee_id, appraisal.evaluator_id, appraisal.superior_id, *acting),
                       roles=(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR), field="appraisal_id",
                       message="Anda tidak berhak melihat penilaian ini",
                       message_en="not allowed to read this appraisal")
        async with self.db.connection() as conn:
            settings = await rm.office_settings(conn, appraisal.office_id)
            assert appraisal.period is not None
            assert appraisal.plan_id is not None
            period = appraisal.period
            realisation = [] if is_employee and not (is_evaluator or oversight) else await facts.realisation_for(
                conn, appraisal.plan_id, period.start, period.end)
            feedback = await feedback_context.feedback_for(conn, appraisal.employee_id, period.start, period.end)
            people = [appraisal.employee_id, appraisal.evaluator_id, *([appraisal.superior_id] if appraisal.superior_id
                                                                       else []), *appraisal.raters,
                      *[p for p in (appraisal.finalised_by, appraisal.objection and appraisal.objection.decided_by)
                        if p]]
            names = await facts.names_of(conn, people)
            kinds = {}  # plt / plh of the acting officials who finalised or decided
            decided = appraisal.objection
            for key, actor, absent in (("finalised", appraisal.finalised_by, appraisal.finalised_on_behalf_of),
                                       ("decided", decided and decided.decided_by,
                                        decided and decided.decided_on_behalf_of)):
                if actor and absent:
                    kinds[key] = await facts.acting_kind(conn, actor, absent)
        peer = summarise(appraisal.peer_inputs, assigned=len(appraisal.raters), threshold=settings.peer_threshold,
                         with_comments=(is_evaluator or oversight) and settings.peer_comments_to_evaluator)
        return {**appraisal_view(appraisal, peer=peer, realisation=realisation, show_raters=not is_employee,
                                 names=names),
                "time_zone": settings.time_zone.value, "feedback": feedback,
                "viewer_acts_for": {"evaluator": acts_for_evaluator, "superior": acts_for_superior},
                "acting_kinds": kinds}

    async def history(self, employee_id: str, by: Principal) -> list[dict[str, Any]]:
        """An employee's rating history: every published result, corrections naming what they replace."""
        async with self.db.connection() as conn:
            member = await facts.staff_member(conn, employee_id)
            rows = await rm.rating_history(conn, employee_id)
        offices = {str(r["office_id"]) for r in rows} | ({str(member["office_id"])} if member else set())
        parties = (employee_id, member["evaluator_id"], member["superior_id"]) if member else (employee_id,)
        for office_id in sorted(offices):  # a history that spans offices needs every one of them
            require_access(by, office_id, parties=parties, roles=(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR),
                           message="Anda tidak berhak melihat riwayat penilaian pegawai ini",
                           message_en="not allowed to read this history")
        if not offices and by.user_id != employee_id:
            raise NotFound(f"Riwayat penilaian pegawai {employee_id} tidak ditemukan",
                           message_en="no rating history", field="employee_id")
        return [rm.as_dict(r) for r in rows]

    # -- helpers --------------------------------------------------------------------------------------
    async def _acting_for(self, by: Principal, appraisal: Appraisal, official_id: str | None, role: Role | None,
                          conn: asyncpg.Connection | None = None) -> str | None:
        """The absent official (``official_id``) the caller acts for today in the office's zone (Plt/Plh), or
        ``None`` when the caller is the official themself (who must then hold ``role``) or acts for nobody today."""
        if official_id is not None and by.user_id != official_id:
            async with self.db.connection() if conn is None else _Borrowed(conn) as c:
                windows = await facts.acting_windows(c, acting_id=by.user_id)
                zone = (await rm.office_settings(c, appraisal.office_id)).time_zone if windows else None
            if zone is not None and (found := acting_for(windows, actor_id=by.user_id, official_id=official_id,
                                                         day=zone.local_date(self.clock()))):
                return found
        if role is not None and by.user_id == official_id:
            by.require_role(role)
        return None  # anybody else is refused by the appraisal, naming the official's field

    async def _represented(self, conn: asyncpg.Connection, by: Principal) -> list[str]:
        """The officials the caller acts for today (Plt/Plh), each by its office's zone."""
        found = []
        for w in await facts.acting_windows(conn, acting_id=by.user_id):
            member = await facts.staff_member(conn, w.absent_id)
            if member is None or not by.in_office(member["office_id"]):
                continue
            zone = (await rm.office_settings(conn, member["office_id"])).time_zone
            if acting_for([w], actor_id=by.user_id, official_id=w.absent_id, day=zone.local_date(self.clock())):
                found.append(w.absent_id)
        return found

    async def _change(self, appraisal_id: uuid.UUID, by: Principal, role: Role, expected_version: int | None,
                      decide: Callable[[Appraisal], object]) -> Ref:
        appraisal = await self._load(appraisal_id, by, expected_version)
        decide(appraisal)
        return await self._save(appraisal_id, appraisal, by, role, expected_version)

    async def _load(self, appraisal_id: uuid.UUID, by: Principal, expected_version: int | None = None,
                    conn: asyncpg.Connection | None = None) -> Appraisal:
        appraisal = await self.appraisals.load(appraisal_id, conn=conn)
        if appraisal is None:
            raise NotFound(f"Penilaian {appraisal_id} tidak ditemukan", message_en="appraisal not found",
                           field="appraisal_id")
        by.require_office(appraisal.office_id)
        if expected_version is not None and expected_version != appraisal.version:
            raise ConcurrencyError(self.appraisals.stream_id(appraisal_id), expected_version,
                                   f"the appraisal is at {appraisal.version}")
        return appraisal

    async def _save(self, appraisal_id: uuid.UUID, appraisal: Appraisal, by: Principal, role: Role,
                    expected_version: int | None, conn: asyncpg.Connection | None = None) -> Ref:
        if appraisal.pending:
            await self.appraisals.save(appraisal_id, appraisal, actor=by.actor(role), office_id=appraisal.office_id,
                                       subject=appraisal.employee_id, expected_version=expected_version, conn=conn)
        return Ref(appraisal_id, appraisal.version)


async def _lock_openings(conn: asyncpg.Connection, office_id: str, year: int) -> None:
    """Opening a period and learning of an approval serialise per office and year: otherwise each could
    miss the other's uncommitted write and an approved SKP would get no appraisal."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"evaluation-open/{office_id}/{year}")


def waiting_on(row: Any) -> list[str]:
    """Who an appraisal is waiting on, for the team board (codes the web app translates)."""
    status = row["status"]
    if status == "objected":
        return ["keputusan_keberatan"]
    if status in ("finalised", "decided"):
        return [] if row["acknowledged_at"] is not None else ["tanda_terima_pegawai"]
    waiting = []
    if not row["self_assessed"]:
        waiting.append("penilaian_diri")
    if row["raters"] and row["peer_answered"] < row["raters"] and not row["peer_window_closed"]:
        waiting.append("penilaian_360")
    complete = (len(row["rated_rhks"]) >= row["rhk_count"] and len(row["rated_values"]) >= len(BerAkhlak)
                and row["results_rating"] is not None and row["behaviour_rating"] is not None)
    waiting.append("finalisasi" if complete else "penilaian_pejabat")
    return waiting


def appraisal_view(appraisal: Appraisal, *, peer: Any, realisation: list[dict[str, Any]],
                   show_raters: bool, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The appraisal as JSON; ``names`` (from the roster) names the employee, evaluator, superior and raters."""
    a = appraisal
    assert a.period is not None
    rating = _rating
    named = names or {}
    previous = a.previous_result
    return {
        "appraisal_id": a.appraisal_id, "version": a.version, "employee_id": a.employee_id, "office_id": a.office_id,
        "employee_name": named.get(a.employee_id), "evaluator_name": named.get(a.evaluator_id),
        "superior_name": named.get(a.superior_id) if a.superior_id else None,
        "unit_id": a.unit_id, "period": a.period.model_dump(mode="json"), "plan_id": a.plan_id,
        "evaluator_id": a.evaluator_id, "superior_id": a.superior_id, "unit_head": a.unit_head,
        "position_type": a.position_type.value, "employment": a.employment.value, "status": a.status.value,
        "self_assessment_due": a.self_assessment_due, "rating_due": a.rating_due,
        "rhks": [{"rhk_id": r.rhk_id, "title": r.title, "kind": r.kind.value,
                  "self": rating(a.self_rhks.get(r.rhk_id)), "evaluator": rating(a.rhk_ratings.get(r.rhk_id))}
                 for r in a.rhks.values()],
        "values": [{"value": v.value, "self": rating(a.self_values.get(v)),
                    "evaluator": rating(a.value_ratings.get(v))} for v in BerAkhlak],
        "self_summary": a.self_summary,
        "results_rating": a.results_rating, "behaviour_rating": a.behaviour_rating,
        "results_source": a.results_source, "organisation_predicate": a.organisation_predicate,
        "suggested_results_rating": suggested_results_rating(
            (a.rhks[rid].kind, r.rating) for rid, r in a.rhk_ratings.items()),
        "predicate": a.predicate, "predicate_label": PREDICATE_LABELS[a.predicate] if a.predicate else None,
        "missing": [{"field": f, "message": m} for f, m in a.missing_ratings()] if a.status.value == "open" else [],
        "peer": {"assigned": peer.assigned, "answered": peer.answered, "threshold": peer.threshold,
                 "visible": peer.visible, "averages": {k.value: str(v) for k, v in peer.averages.items()},
                 "comments": {k.value: v for k, v in peer.comments.items()}, "message": peer.message,
                 "window_closes_at": a.window_closes_at, "closed": a.peer_window_closed,
                 "raters": [{"rater_id": r.rater_id, "name": named.get(r.rater_id), "relation": r.relation.value,
                             "answered": r.rater_id in a.peer_inputs} for r in a.raters.values()]
                 if show_raters else []},
        "finalised_by": a.finalised_by, "finalised_by_name": named.get(a.finalised_by or ""),
        "finalised_on_behalf_of": a.finalised_on_behalf_of,
        "objection_deadline": a.objection_deadline, "acknowledged": a.acknowledged, "corrected": a.corrected,
        "objection": None if a.objection is None else {
            "objection_id": a.objection.objection_id, "reasons": a.objection.reasons,
            "explanations": [{"author_id": x[0], "role": x[1], "text": x[2]} for x in a.objection.explanations],
            "decision": a.objection.decision, "decided_by": a.objection.decided_by,
            "decided_by_name": named.get(a.objection.decided_by or ""),
            "decided_on_behalf_of": a.objection.decided_on_behalf_of,
            "reason": a.objection.decision_reason,
            "previous": None if previous is None else {
                "results_rating": previous.results_rating, "behaviour_rating": previous.behaviour_rating,
                "predicate": previous.predicate, "predicate_label": PREDICATE_LABELS[previous.predicate]}},
        "realisation": realisation,
    }


def _rating(item: RhkRating | ValueRating | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"rating": item.rating.value, "label": RATING_LABELS[item.rating], "comment": item.comment}


class _Borrowed:
    """A connection the caller already holds, used where a pool connection would be opened."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def __aenter__(self) -> asyncpg.Connection:
        return self.conn

    async def __aexit__(self, *exc: object) -> None:
        return None
