"""Command handlers and queries of the planning service. Each command is one ``repository.change`` (load ->
office check -> expected version -> the aggregate decides -> save): a command of plain values in, the plan's
id and new version out."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kinerja_kernel.access import OVERSIGHT, require_access, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.planning import ActingKind, Rhk
from kinerja_kernel.db import Database
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, NotFound
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.adapters.directory import Directory, SqlDirectory
from kinerja_planning.adapters.repository import acting_repository
from kinerja_planning.application.roster_admin import ActingCheck, RosterAdmin, deciding_for
from kinerja_planning.application.views import (
    BlockedView,
    CascadeNodeView,
    CascadeOptionsView,
    CascadeTreeView,
    MemberView,
    OfficeOverviewView,
    PlanSummaryView,
    ProblemView,
    RhkRowView,
    RosterEmployeeView,
)
from kinerja_planning.domain.commands import (
    AddRhk,
    ApprovePlan,
    ClosePlan,
    DraftPlan,
    RegisterEmployee,
    RemoveRhk,
    ReturnPlan,
    SetBehaviourExpectations,
    SetPlanAppendix,
    StartRevision,
    SubmitPlan,
    UpdateRhk,
)
from kinerja_planning.domain.plan import (
    PerformancePlan,
    PlanStatus,
    SupervisorPlan,
    is_editable_status,
    plan_id_for,
)
from kinerja_planning.domain.roster import RosterEntry
from kinerja_planning.domain.rules import Problem


@dataclass(frozen=True)
class PlanRef:
    plan_id: uuid.UUID
    version: int


class PlanningService:
    """The planning use cases."""

    def __init__(self, plans: EventSourcedRepository[PerformancePlan, Any],
                 roster: EventSourcedRepository[RosterEntry, Any], acting: ActingCheck | None = None,
                 today: date | None = None, directory: Directory | None = None):
        self.plans = plans
        self.roster = roster
        self.acting: ActingCheck = acting or RosterAdmin(roster, acting_repository(plans.store), today=today)
        self.directory: Directory = directory or SqlDirectory(plans.store.db)

    @property
    def db(self) -> Database:
        """The read models (queries only; commands go through the repositories and the directory)."""
        db: Database = self.plans.store.db
        return db

    # -- roster -------------------------------------------------------------------------------
    async def register_employee(self, cmd: RegisterEmployee, by: Principal) -> int:
        require_office_role(by, cmd.office_id, Role.PENGELOLA_KEPEGAWAIAN)

        def leaving_office(entry: RosterEntry) -> None:  # moving someone between offices takes HR of both
            if entry.office_id:
                require_office_role(by, entry.office_id, Role.PENGELOLA_KEPEGAWAIAN)

        entry = await self.roster.change(
            cmd.employee_id, None, lambda entry: entry.register(
                employee_id=cmd.employee_id, name=cmd.name, office_id=cmd.office_id, unit_id=cmd.unit_id,
                position=cmd.position, position_type=cmd.position_type, employment=cmd.employment,
                evaluator_id=cmd.evaluator_id, superior_id=cmd.superior_id, reason=cmd.reason),
            start=RosterEntry, check=leaving_office, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN),
            office_id=cmd.office_id, subject=cmd.employee_id)
        return entry.version

    async def office_roster(self, office_id: str, by: Principal) -> list[RosterEmployeeView]:
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            return [RosterEmployeeView(**rm.as_dict(r)) for r in await rm.office_roster(conn, office_id)]

    # -- the SKP --------------------------------------------------------------------------------
    async def draft(self, cmd: DraftPlan, by: Principal) -> PlanRef:
        by.require_role(Role.PEGAWAI)
        placed = await self.directory.placement(cmd.employee_id)
        if placed is None or placed.evaluator_id is None:
            raise DomainRuleViolation("planning.plan.not-on-roster", field="employee_id")
        evaluator_id = placed.evaluator_id
        require_access(by, placed.office_id, parties=(cmd.employee_id,))

        def drafted() -> PerformancePlan:
            return PerformancePlan.draft(
                actor_id=by.user_id, employee_id=cmd.employee_id, office_id=placed.office_id,
                unit_id=placed.unit_id, period_year=cmd.period_year, evaluator_id=evaluator_id,
                superior_id=placed.superior_id, position_type=placed.position_type, approach=cmd.approach)

        try:  # a new stream only: the plan id is the employee's and the period's
            return await self._change(plan_id_for(cmd.employee_id, cmd.period_year), 0, by, Role.PEGAWAI,
                                      lambda plan: None, start=drafted)
        except ConcurrencyError as exc:
            raise DomainRuleViolation("planning.plan.exists", field="period_year",
                                      period_year=cmd.period_year) from exc

    async def add_rhk(self, cmd: AddRhk, by: Principal) -> PlanRef:
        cited = await self._cited(cmd.rhk)
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEGAWAI,
                                  lambda plan: plan.add_rhk(actor_id=by.user_id, rhk=cmd.rhk, cited=cited))

    async def update_rhk(self, cmd: UpdateRhk, by: Principal) -> PlanRef:
        cited = await self._cited(cmd.rhk)
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEGAWAI,
                                  lambda plan: plan.update_rhk(actor_id=by.user_id, rhk=cmd.rhk, cited=cited))

    async def remove_rhk(self, cmd: RemoveRhk, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEGAWAI,
                                  lambda plan: plan.remove_rhk(actor_id=by.user_id, rhk_id=cmd.rhk_id))

    async def set_behaviour(self, cmd: SetBehaviourExpectations, by: Principal) -> PlanRef:
        role = Role.PEJABAT_PENILAI if by.has_role(Role.PEJABAT_PENILAI) else Role.PEGAWAI
        return await self._change(cmd.plan_id, cmd.expected_version, by, role,
                                  lambda plan: plan.set_behaviour_expectations(actor_id=by.user_id,
                                                                               expectations=cmd.expectations))

    async def set_appendix(self, cmd: SetPlanAppendix, by: Principal) -> PlanRef:
        role = Role.PEJABAT_PENILAI if by.has_role(Role.PEJABAT_PENILAI) else Role.PEGAWAI
        return await self._change(cmd.plan_id, cmd.expected_version, by, role,
                                  lambda plan: plan.set_appendix(actor_id=by.user_id, appendix=cmd.appendix))

    async def submit(self, cmd: SubmitPlan, by: Principal) -> PlanRef:
        plan = await self._load(cmd.plan_id, by)
        cited = await self.directory.supervisor_plan(plan_id_for(plan.evaluator_id, plan.period_year))
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEGAWAI,
                                  lambda plan: plan.submit(actor_id=by.user_id, cited_by_evaluator=cited))

    async def return_plan(self, cmd: ReturnPlan, by: Principal) -> PlanRef:
        on_behalf_of, _ = await self._acting_for_evaluator(cmd.plan_id, by)
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEJABAT_PENILAI,
                                  lambda plan: plan.return_to_employee(actor_id=by.user_id, comments=cmd.comments,
                                                                       on_behalf_of=on_behalf_of))

    async def approve(self, cmd: ApprovePlan, by: Principal) -> PlanRef:
        on_behalf_of, kind = await self._acting_for_evaluator(cmd.plan_id, by)
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEJABAT_PENILAI,
                                  lambda plan: plan.approve(actor_id=by.user_id, comments=cmd.comments,
                                                            on_behalf_of=on_behalf_of,
                                                            acting_kind=kind.value if kind else None))

    async def _acting_for_evaluator(self, plan_id: uuid.UUID, by: Principal) -> tuple[str | None, ActingKind | None]:
        """The absent evaluator the caller acts for today (Plt/Plh) and by which kind of appointment, or
        ``None`` for the evaluator themself (who must hold the evaluator's role)."""
        plan = await self._load(plan_id, by)
        on_behalf_of = await deciding_for(self.acting, by, plan.office_id, plan.evaluator_id)
        if on_behalf_of is None:
            return None, None
        return on_behalf_of, await self.acting.acting_kind(by, plan.office_id, on_behalf_of)

    async def start_revision(self, cmd: StartRevision, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PEGAWAI,
                                  lambda plan: plan.start_revision(actor_id=by.user_id, reason=cmd.reason))

    async def close(self, cmd: ClosePlan, by: Principal) -> PlanRef:
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        return await self._change(cmd.plan_id, cmd.expected_version, by, Role.PENGELOLA_KEPEGAWAIAN,
                                  lambda plan: plan.close(reason=cmd.reason))

    async def close_period(self, office_id: str, period_year: int, reason: str, by: Principal) -> int:
        """Close every SKP of the office for the period (each its own event); returns how many."""
        require_office_role(by, office_id, Role.PENGELOLA_KEPEGAWAIAN)
        async with self.db.connection() as conn:
            plan_ids = await rm.open_plans(conn, office_id, period_year)
        for plan_id in plan_ids:
            await self.close(ClosePlan(plan_id=plan_id, reason=reason), by)
        return len(plan_ids)

    # -- queries --------------------------------------------------------------------------------
    async def my_plans(self, by: Principal) -> list[PlanSummaryView]:
        async with self.db.connection() as conn:
            return [PlanSummaryView(**rm.as_dict(r)) for r in within_offices(by, await rm.plans_of(conn, by.user_id))]

    async def get(self, plan_id: uuid.UUID, by: Principal) -> tuple[PerformancePlan, list[Problem]]:
        plan = await self._load(plan_id, by)
        acting = await self.acting.acting_parties(plan.office_id, (plan.evaluator_id, plan.superior_id))
        require_access(by, plan.office_id, parties=(plan.employee_id, plan.evaluator_id, plan.superior_id, *acting),
                       roles=(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR), field="plan_id",
                       code="planning.plan.not-readable")
        return plan, await self.blockers(plan)

    async def labels(self, plan: PerformancePlan) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """Names and positions of the people the plan names, and the titles of the supervisor RHKs it cites,
        so nobody reads a NIP or a UUID where a name exists."""
        nips = {n for n in (plan.employee_id, plan.evaluator_id, plan.superior_id, plan.approved_by) if n}
        cited = {r.intervention.plan_id for r in plan.rhks.values() if r.intervention is not None}
        async with self.db.connection() as conn:
            return await rm.people_named(conn, nips), await rm.rhk_titles(conn, cited)

    async def blockers(self, plan: PerformancePlan) -> list[Problem]:
        """What stops the plan from being submitted now (nothing unless it is editable)."""
        if not plan.is_editable:
            return []
        cited = await self.directory.supervisor_plan(plan_id_for(plan.evaluator_id, plan.period_year))
        return plan.submission_blockers(cited)

    async def cascade_options(self, by: Principal, period_year: int) -> CascadeOptionsView:
        """The approved RHKs of the caller's evaluator that the caller's RHKs may cite, or why there are none."""
        async with self.db.connection() as conn:
            entry = await rm.roster_entry(conn, by.user_id)
            if entry is None or entry["evaluator_id"] is None:
                return CascadeOptionsView.of(None, None, [], "planning.cascade.no-evaluator")
            require_access(by, entry["office_id"], parties=(by.user_id,))
            evaluator_id: str = entry["evaluator_id"]
            evaluator_plan = plan_id_for(evaluator_id, period_year)
            cited = await rm.supervisor_plan(conn, evaluator_plan)
            rhks = [RhkRowView(**rm.as_dict(r)) for r in await rm.rhks_of(conn, evaluator_plan)] if cited else []
            named = await rm.people_named(conn, [evaluator_id])
        who = named.get(evaluator_id, {}).get("name") or evaluator_id
        if cited is None:
            return CascadeOptionsView.of(evaluator_id, None, [], "planning.cascade.evaluator-has-no-plan", who=who,
                                         period_year=period_year)
        if cited.status is not PlanStatus.APPROVED:
            return CascadeOptionsView.of(evaluator_id, None, [], "planning.cascade.evaluator-plan-not-approved",
                                         who=who, status=cited.status)
        return CascadeOptionsView.of(evaluator_id, evaluator_plan if rhks else None, rhks)

    async def team(self, by: Principal, period_year: int) -> list[MemberView]:
        """The caller's team, and the team of every official the caller acts for today (Plt/Plh), marked with
        ``on_behalf_of``."""
        represented = await self.acting.represented(by)
        async with self.db.connection() as conn:
            rows = [MemberView(**rm.as_dict(r))
                    for r in within_offices(by, await rm.team_board(conn, by.user_id, period_year))]
            for absent_id, office_id in represented:
                if by.in_office(office_id):
                    rows += [MemberView(**rm.as_dict(r), on_behalf_of=absent_id) for r in
                             within_offices(by, await rm.team_board(conn, absent_id, period_year))
                             if r["employee_id"] != by.user_id]  # never one's own SKP to approve
        return rows

    async def office_overview(self, office_id: str, by: Principal, period_year: int) -> OfficeOverviewView:
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            members = [MemberView(**rm.as_dict(r)) for r in await rm.office_members(conn, office_id, period_year)]
        counts: dict[str, dict[str, int]] = {}
        for m in members:
            unit = counts.setdefault(m.unit_id, {})
            unit[m.status] = unit.get(m.status, 0) + 1
        return OfficeOverviewView(office_id=office_id, period_year=period_year, by_unit=counts, employees=members)

    async def cascade_tree(self, office_id: str, by: Principal, period_year: int) -> CascadeTreeView:
        """Which RHKs support which leader RHK, and for each blocked employee exactly what blocks them."""
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            rhks = [CascadeNodeView(**rm.as_dict(r)) for r in await rm.office_rhks(conn, office_id, period_year)]
            members = [MemberView(**rm.as_dict(r)) for r in await rm.office_members(conn, office_id, period_year)]
        by_id = {node.rhk_id: node for node in rhks}
        roots = []
        for node in rhks:
            parent = by_id.get(node.parent_rhk_id) if node.parent_rhk_id else None
            if parent is not None:
                parent.supporting.append(node)
            else:
                roots.append(node)
        blocked = []
        for m in members:
            if m.plan_id is None or not is_editable_status(m.status):
                continue
            plan = await self.plans.load(m.plan_id)
            if plan is not None and (problems := await self.blockers(plan)):
                blocked.append(BlockedView(employee_id=m.employee_id, name=m.name, plan_id=m.plan_id,
                                           blockers=[ProblemView.of(p) for p in problems]))
        return CascadeTreeView(office_id=office_id, period_year=period_year, tree=roots, blocked=blocked)

    # -- helpers --------------------------------------------------------------------------------
    async def _change(
        self, plan_id: uuid.UUID, expected_version: int | None, by: Principal, role: Role,
        decide: Callable[[PerformancePlan], object], *, start: Callable[[], PerformancePlan] | None = None,
    ) -> PlanRef:
        """The one use-case loop on an SKP: the caller's office first, then the version the client saw."""
        plan = await self.plans.change(
            plan_id, expected_version, decide, actor=by.actor(role), office_id=lambda p: p.office_id,
            subject=lambda p: p.employee_id, check=lambda p: by.require_office(p.office_id), start=start,
            not_found=lambda: _not_found(plan_id))
        return PlanRef(plan_id, plan.version)

    async def _load(self, plan_id: uuid.UUID, by: Principal) -> PerformancePlan:
        plan = await self.plans.load(plan_id)
        if plan is None:
            raise _not_found(plan_id)
        by.require_office(plan.office_id)
        return plan

    async def _cited(self, rhk: Rhk) -> SupervisorPlan | None:
        """The plan an RHK cites (cascading), as the decision needs it."""
        return None if rhk.intervention is None else await self.directory.supervisor_plan(rhk.intervention.plan_id)


def _not_found(plan_id: uuid.UUID) -> NotFound:
    return NotFound("planning.plan.not-found", field="plan_id", plan_id=str(plan_id))
