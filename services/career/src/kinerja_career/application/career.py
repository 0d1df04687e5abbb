"""Career use cases: policies on evaluation and planning events, HR data entry, and the read models.

Every change of a career record is the kernel's use-case loop (``EventSourcedRepository.change``) under a
lock on its stream, so a consumer and an HR request touching the same employee queue instead of failing
with a conflict (a conflict inside a consumer would otherwise stop on a perfectly good appraisal event).
Commands need only an event store (PostgreSQL, or the in-memory one in application tests); the queries
read the read models in PostgreSQL (``db``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_career.adapters import read_models as rm
from kinerja_career.application import views as v
from kinerja_career.domain import rules
from kinerja_career.domain.career import CareerRecord
from kinerja_career.domain.catalog import TrainingCatalog
from kinerja_career.domain.results import entry_from_result
from kinerja_kernel import messages
from kinerja_kernel.access import OVERSIGHT, require_access, require_office_role
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.career import (
    CatalogEntry,
    EmployeeProfile,
    FunctionalPosition,
    PotentialAssessment,
    Rank,
)
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    AppraisalCorrected,
    AppraisalFinalised,
    Predicate,
    TimeZone,
)
from kinerja_kernel.contracts.planning import EmployeeRegistered
from kinerja_kernel.db import Database
from kinerja_kernel.envelope import Actor, EventEnvelope, utcnow
from kinerja_kernel.errors import Detail, Forbidden, InvalidInput, KinerjaError, NotFound
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.repository import EventSourcedRepository

CAREER_SYSTEM = Actor(id="kinerja-career", role="system")
HR = Role.PENGELOLA_KEPEGAWAIAN


def today() -> date:
    """Today in the easternmost zone (WIT): a date that is already today in any office is never refused
    as "in the future"."""
    return TimeZone.WIT.local_date(utcnow())


@dataclass(frozen=True)
class RankRow:
    """One row of a rank import (already shape-checked at the edge); ``line`` is its line in a CSV file."""

    employee_id: str
    rank: Rank
    line: int | None = None

    def where(self, index: int) -> tuple[str, str]:
        """The row as errors name it: the field prefix (``baris 3.`` in a CSV file, ``rows.2.`` in JSON)
        and the row as people read it (``Baris 3``)."""
        if self.line is not None:
            return f"baris {self.line}.", f"Baris {self.line}"
        return f"rows.{index}.", f"Baris {index + 1}"


MAX_IMPORT_ERRORS = 50
CSV_COLUMN_OF = {"employee_id": "nip", "grade": "golongan", "name": "pangkat", "tmt": "tmt"}


class CareerService:
    def __init__(self, records: EventSourcedRepository[CareerRecord, EventStore],
                 catalogs: EventSourcedRepository[TrainingCatalog, EventStore], clock: Callable[[], date] = today,
                 *, db: Database | None = None) -> None:
        self.records = records
        self.catalogs = catalogs
        self.store = records.store
        self._db = db
        self.clock = clock

    @property
    def db(self) -> Database:
        """The read models' database (queries only; commands use the event store)."""
        assert self._db is not None, "queries need the PostgreSQL read models"
        return self._db

    # -- policies on other services' events (run inside the inbox transaction) ---------------------------
    async def on_employee_registered(self, conn: Any, env: EventEnvelope, e: EmployeeRegistered
                                     ) -> None:
        profile = EmployeeProfile(name=e.name, office_id=e.office_id, unit_id=e.unit_id, position=e.position,
                                  position_type=e.position_type, employment=e.employment,
                                  evaluator_id=e.evaluator_id)
        await self._change(conn, e.employee_id, e.office_id, CAREER_SYSTEM,
                           lambda record: record.update_profile(profile, e.reason))

    async def on_appraisal_finalised(self, conn: Any, env: EventEnvelope, e: AppraisalFinalised
                                     ) -> None:
        entry = entry_from_result(e.result, source_event_id=env.event_id, subject=env.subject)
        catalog = await self._catalog(conn, entry.office_id)
        await self._change(conn, e.result.employee_id, entry.office_id, CAREER_SYSTEM,
                           lambda record: record.record_result(entry, catalog))

    async def on_appraisal_corrected(self, conn: Any, env: EventEnvelope, e: AppraisalCorrected
                                     ) -> None:
        if (e.previous.employee_id, e.previous.period) != (e.result.employee_id, e.result.period):
            raise InvalidInput("career.result.correction-changes-subject", field="result")
        entry = entry_from_result(e.result, source_event_id=env.event_id, subject=env.subject)
        catalog = await self._catalog(conn, entry.office_id)
        await self._change(conn, e.result.employee_id, entry.office_id, CAREER_SYSTEM,
                           lambda record: record.correct_result(
                               replaces_event_id=e.replaces_event_id, objection_id=e.objection_id, entry=entry,
                               why=e.reason, catalog=catalog))

    # -- HR data entry ------------------------------------------------------------------------------------
    async def record_rank(self, office_id: str, employee_id: str, rank: Rank, reason: str | None,
                          by: Principal) -> int:
        self._require_hr(by, office_id)
        record = await self._change(None, employee_id, office_id, by.actor(HR),
                                    lambda r: r.record_rank(rank, reason, today=self.clock()), office_check=True)
        return record.version

    async def import_ranks(self, office_id: str, rows: Sequence[RankRow], reason: str | None, by: Principal) -> int:
        """Record many ranks at once, all or nothing. Every row is tried; when any is refused nothing is
        saved and the error names each refused row and field (``baris 3.tmt`` in a CSV file, ``rows.2.tmt``
        in JSON), up to ``MAX_IMPORT_ERRORS``."""
        self._require_hr(by, office_id)
        changed = 0
        decided: list[bool] = []  # per row tried: did it record anything
        names: dict[str, str] = {}  # the people of the rows tried, as the roster names them
        refused: list[Detail] = []
        async with self.store.transaction() as conn:
            for index, row in enumerate(rows):
                def decide(record: CareerRecord, rank: Rank = row.rank) -> None:
                    if record.profile is not None:
                        names[record.employee_id] = record.profile.name
                    record.record_rank(rank, reason or "Impor data pangkat", today=self.clock())
                    decided.append(bool(record.pending))

                try:
                    await self._change(conn, row.employee_id, office_id, by.actor(HR), decide, office_check=True,
                                       save=not refused)
                except KinerjaError as exc:
                    prefix, where = row.where(index)
                    field = exc.field or "employee_id"
                    if row.line is not None:  # the CSV file's column names
                        field = CSV_COLUMN_OF.get(field, field)
                    name = names.get(row.employee_id)
                    refused.append(Detail(
                        prefix + field, "career.import.row-refused-named" if name else "career.import.row-refused",
                        {"row": where, "name": name, "employee_id": row.employee_id, "problem": exc.message,
                         "problem_en": exc.message_en}))
                    if len(refused) >= MAX_IMPORT_ERRORS:
                        break
                    continue
                changed += decided[-1]
            if refused:  # raising inside the transaction rolls back the rows already saved
                first, *more = refused
                raise InvalidInput(first.code, field=first.field, details=more, **first.params)
        return changed

    async def set_functional_position(self, office_id: str, employee_id: str, position: FunctionalPosition,
                                      reason: str | None, by: Principal) -> int:
        self._require_hr(by, office_id)
        record = await self._change(None, employee_id, office_id, by.actor(HR),
                                    lambda r: r.set_functional_position(position, reason), office_check=True)
        return record.version

    async def assess_potential(self, office_id: str, employee_id: str, assessment: PotentialAssessment,
                               reason: str | None, by: Principal) -> int:
        self._require_hr(by, office_id)
        record = await self._change(None, employee_id, office_id, by.actor(HR),
                                    lambda r: r.assess_potential(assessment, reason, today=self.clock()),
                                    office_check=True)
        return record.version

    # -- read models --------------------------------------------------------------------------------------
    async def career_page(self, employee_id: str, by: Principal, as_of: date | None) -> v.CareerPage:
        """Everything about one employee's career: history (with corrections), credit points, promotion
        eligibility as of a date and why, talent box, recommendations, contract flags, IDPs."""
        when = as_of or rules.next_promotion_period(self.clock())
        async with self.db.connection() as conn:
            row = await rm.employee(conn, employee_id)
            if row is None:
                if by.user_id == employee_id:
                    return v.CareerPage(employee_id=employee_id, known=False,
                                        message=messages.render("career.record.none-yet"))
                raise NotFound("career.record.not-found", field="employee_id", employee_id=employee_id)
            self._require_reader(by, row)
            results = [v.ResultView.model_validate(
                {**rm.as_dict(r), "predicate_label": PREDICATE_LABELS[Predicate(r["predicate"])]})
                for r in await rm.results_of(conn, employee_id)]
            points = [v.CreditPointEntry.model_validate(rm.as_dict(r))
                      for r in await rm.credit_points_of(conn, employee_id)]
            tracked = [v.TrackedEligibility.model_validate(rm.as_dict(r))
                       for r in await rm.eligibility_of(conn, employee_id)]
            recommendations = [v.RecommendationsView.model_validate(rm.as_dict(r))
                               for r in await rm.recommendations_of(conn, employee_id)]
            flags = [v.ContractFlag.model_validate(rm.as_dict(r))
                     for r in await rm.contract_flags_of(conn, employee_id)]
            plans = [v.PlanRow.model_validate(rm.as_dict(r)) for r in await rm.plans_of(conn, employee_id)]
            annual = (await rm.annual_predicates(conn, [employee_id])).get(employee_id, {})
        totals: dict[int, Decimal] = {}
        for p in points:
            totals.setdefault(p.year, Decimal("0"))
            if p.counted:
                totals[p.year] += p.amount
        return v.CareerPage(
            employee_id=employee_id, known=True, employee=v.EmployeeRow.model_validate(rm.as_dict(row)),
            rank=self._rank_view(row, when),
            history=results,
            credit_points=v.CreditPoints(entries=points, by_year={str(y): t for y, t in sorted(totals.items())},
                                         total=sum(totals.values(), Decimal("0"))),
            promotion=_assessment_view(row, annual, when),
            promotion_tracked=tracked,
            talent=_talent_view(row),
            recommendations=recommendations,
            improvement_plan=_improvement_plan(results, plans),
            contract_review=flags,
            development_plans=plans,
        )

    async def office_personnel(self, office_id: str, by: Principal) -> list[v.PersonnelView]:
        """The personnel data the service holds for each employee of the office: rank and TMT, functional
        position and coefficient, potential, talent box (what HR entered, and what follows from it)."""
        self._require_office_reader(by, office_id)
        async with self.db.connection() as conn:
            rows = await rm.office_employees(conn, office_id)
        return [v.PersonnelView(
            employee_id=r["employee_id"], name=r["name"], unit_id=r["unit_id"], position=r["position"],
            position_type=r["position_type"], employment=r["employment"],
            rank=None if r["rank_tmt"] is None else v.RankSummary(grade=r["rank_grade"], name=r["rank_name"],
                                                                  tmt=r["rank_tmt"]),
            functional_position=None if r["functional_level"] is None else v.FunctionalPositionView(
                level=r["functional_level"], coefficient=r["coefficient"], effective_year=r["coefficient_from"]),
            talent=_talent_view(r),
        ) for r in rows]

    async def talent_grid(self, office_id: str, by: Principal) -> v.TalentGrid:
        """The office's 9-box: who is in which box, the talent pool (7-9), the development group (1-6),
        and who has no box yet and why."""
        self._require_office_reader(by, office_id)
        async with self.db.connection() as conn:
            rows = await rm.office_employees(conn, office_id)
        grid: dict[str, list[v.TalentPerson]] = {str(b): [] for b in range(9, 0, -1)}
        incomplete: list[v.IncompleteTalent] = []
        for row in rows:
            person = v.TalentPerson(employee_id=row["employee_id"], name=row["name"], unit_id=row["unit_id"],
                                    **_talent_view(row).model_dump())
            if row["box"] is None:
                missing = []
                if row["potential"] is None:
                    missing.append("career.talent.potential-missing")
                if row["performance"] is None and row["potential"] is not None:
                    missing.append("career.talent.result-missing")
                elif row["potential"] is None:
                    missing.append("career.talent.box-needs-both")
                incomplete.append(v.IncompleteTalent(**person.model_dump(),
                                                     missing=[messages.render(code) for code in missing]))
                continue
            grid[str(row["box"])].append(person)
        pool = [p for b in ("9", "8", "7") for p in grid[b]]
        development = [p for b in ("6", "5", "4", "3", "2", "1") for p in grid[b]]
        return v.TalentGrid(office_id=office_id, grid=grid, talent_pool=pool, development_group=development,
                            incomplete=incomplete)

    async def promotions(self, office_id: str, by: Principal, as_of: date | None) -> v.Promotions:
        """Who in the office is eligible for regular promotion at ``as_of`` (default: the next promotion
        period) and why, or why not."""
        self._require_office_reader(by, office_id)
        when = as_of or rules.next_promotion_period(self.clock())
        async with self.db.connection() as conn:
            rows = await rm.office_employees(conn, office_id)
            annual = await rm.annual_predicates(conn, [r["employee_id"] for r in rows])
        eligible: list[v.PromotionCandidate] = []
        not_eligible: list[v.PromotionCandidate] = []
        for row in rows:
            view = v.PromotionCandidate(
                employee_id=row["employee_id"], name=row["name"], unit_id=row["unit_id"],
                rank=v.RankSummary(grade=row["rank_grade"], name=row["rank_name"], tmt=row["rank_tmt"]),
                **_assessment_view(row, annual.get(row["employee_id"], {}), when).model_dump())
            (eligible if view.eligible else not_eligible).append(view)
        return v.Promotions(office_id=office_id, as_of=when, eligible=eligible, not_eligible=not_eligible)

    # -- helpers ------------------------------------------------------------------------------------------
    async def _catalog(self, conn: Any, office_id: str) -> tuple[CatalogEntry, ...]:
        catalog = await self.catalogs.load(office_id, conn=conn)
        return tuple(catalog.entries.values()) if catalog else ()

    async def _change(self, conn: Any, employee_id: str, office_id: str, actor: Actor,
                      decide: Callable[[CareerRecord], None], *, office_check: bool = False,
                      save: bool = True) -> CareerRecord:
        """The use-case loop on one career record, under its stream lock in ``conn``'s transaction (its own
        when ``conn`` is None): a record
        not yet stored starts in ``office_id``; HR may change only records of its office (``office_check``);
        ``save=False`` only checks."""
        def same_office(record: CareerRecord) -> None:
            if office_check and record.version and record.office_id != office_id:
                raise Forbidden("career.record.other-office", field="employee_id", employee_id=employee_id,
                                record_office=record.office_id, office_id=office_id)

        return await self.records.change(
            employee_id, None, decide, start=lambda: CareerRecord.start(employee_id, office_id), check=same_office,
            actor=actor, office_id=lambda r: r.office_id or office_id, subject=employee_id, conn=conn, lock=True,
            save=save,
        )

    @staticmethod
    def _require_hr(by: Principal, office_id: str) -> None:
        require_office_role(by, office_id, HR)

    @staticmethod
    def _require_office_reader(by: Principal, office_id: str) -> None:
        require_office_role(by, office_id, *OVERSIGHT)

    @staticmethod
    def _require_reader(by: Principal, row: asyncpg.Record) -> None:
        """In the employee's office: the employee, their evaluator, or HR / auditors / superiors."""
        require_access(by, row["office_id"], parties=(row["employee_id"], row["evaluator_id"]), roles=OVERSIGHT,
                       code="career.record.not-allowed")

    @staticmethod
    def _rank_view(row: asyncpg.Record, when: date) -> v.RankInRank | None:
        if row["rank_tmt"] is None:
            return None
        months = rules.months_between(row["rank_tmt"], when)
        return v.RankInRank(grade=row["rank_grade"], name=row["rank_name"], tmt=row["rank_tmt"],
                            in_rank=f"{months // 12} tahun {months % 12} bulan", as_of=when)


def _assessment_view(row: asyncpg.Record, annual: Mapping[int, str], when: date) -> v.PromotionView:
    a = rules.assess_promotion(row["rank_tmt"], {y: Predicate(p) for y, p in annual.items()}, when)
    return v.PromotionView(as_of=when, eligible=a.eligible, reasons=list(a.reasons), checks=list(a.checks))


def _talent_view(row: asyncpg.Record) -> v.TalentView:
    box = row["box"]
    return v.TalentView(
        box=box, performance=row["performance"], potential=row["potential"], potential_source=row["potential_source"],
        potential_assessed_on=row["potential_assessed_on"], basis_period=row["box_basis"],
        group=None if box is None else ("talent_pool" if box in rules.TALENT_POOL_BOXES else "pengembangan"))


def _improvement_plan(results: list[v.ResultView], plans: list[v.PlanRow]) -> v.ImprovementPlan | None:
    """When the latest result is Butuh Perbaikan or worse: an improvement plan with coaching is required;
    says whether one exists for that year or later."""
    current = [r for r in results if r.status == "berlaku"]  # newest period first
    if not current or Predicate(current[0].predicate) not in rules.WEAK_PREDICATES:
        return None
    latest = current[0]
    plan = next((p for p in plans if p.kind == "perbaikan" and p.year >= latest.year), None)
    message = (messages.render("career.idp.improvement-written") if plan else messages.render(
        "career.idp.improvement-required", {"predicate": latest.predicate, "period_key": latest.period_key}))
    return v.ImprovementPlan(required_by=latest.period_key, idp_id=plan.idp_id if plan else None, message=message)
