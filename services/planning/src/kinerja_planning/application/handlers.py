"""Command handlers and queries of the planning service: load, decide, save (a dozen lines each)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kinerja_kernel.access import OVERSIGHT, require_access, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, NotFound
from kinerja_kernel.labels import plan_status_label
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.adapters.repository import acting_repository
from kinerja_planning.application.roster_admin import RosterAdmin
from kinerja_planning.domain.commands import (
    AddRhk,
    ApprovePlan,
    ClosePlan,
    DraftPlan,
    RegisterEmployee,
    RemoveRhk,
    ReturnPlan,
    SetBehaviourExpectations,
    StartRevision,
    SubmitPlan,
    UpdateRhk,
)
from kinerja_planning.domain.plan import PerformancePlan, SupervisorPlan, plan_id_for
from kinerja_planning.domain.roster import RosterEntry
from kinerja_planning.domain.rules import Problem


@dataclass(frozen=True)
class PlanRef:
    plan_id: uuid.UUID
    version: int


class PlanningService:
    """The planning use cases."""

    def __init__(self, plans: EventSourcedRepository[PerformancePlan], roster: EventSourcedRepository[RosterEntry],
                 acting: RosterAdmin | None = None, today: date | None = None):
        self.plans = plans
        self.roster = roster
        self.db = plans.store.db
        self.acting = acting or RosterAdmin(roster, acting_repository(plans.store), today=today)

    # -- roster -------------------------------------------------------------------------------
    async def register_employee(self, cmd: RegisterEmployee, by: Principal) -> int:
        require_office_role(by, cmd.office_id, Role.PENGELOLA_KEPEGAWAIAN)
        entry = await self.roster.load(cmd.employee_id) or RosterEntry()
        if entry.office_id:  # moving someone between offices takes HR of the office they leave too
            require_office_role(by, entry.office_id, Role.PENGELOLA_KEPEGAWAIAN)
        entry.register(employee_id=cmd.employee_id, name=cmd.name, office_id=cmd.office_id, unit_id=cmd.unit_id,
                       position=cmd.position, position_type=cmd.position_type, employment=cmd.employment,
                       evaluator_id=cmd.evaluator_id, superior_id=cmd.superior_id, reason=cmd.reason)
        await self.roster.save(cmd.employee_id, entry, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN),
                               office_id=cmd.office_id, subject=cmd.employee_id)
        return entry.version

    async def office_roster(self, office_id: str, by: Principal) -> list[dict[str, Any]]:
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            return [rm.as_dict(r) for r in await rm.office_roster(conn, office_id)]

    # -- the SKP --------------------------------------------------------------------------------
    async def draft(self, cmd: DraftPlan, by: Principal) -> PlanRef:
        by.require_role(Role.PEGAWAI)
        async with self.db.connection() as conn:
            entry = await rm.roster_entry(conn, cmd.employee_id)
        if entry is None or entry["evaluator_id"] is None:
            raise DomainRuleViolation(
                "Data Anda (atau pejabat penilai Anda) belum tercatat di roster kantor; hubungi pengelola "
                "kepegawaian", message_en="employee or evaluator missing from the roster", field="employee_id")
        require_access(by, entry["office_id"], parties=(cmd.employee_id,))
        plan = PerformancePlan.draft(
            actor_id=by.user_id, employee_id=cmd.employee_id, office_id=entry["office_id"], unit_id=entry["unit_id"],
            period_year=cmd.period_year, evaluator_id=entry["evaluator_id"], superior_id=entry["superior_id"],
            position_type=entry["position_type"], approach=cmd.approach,
        )
        plan_id = plan_id_for(cmd.employee_id, cmd.period_year)
        try:
            await self._save(plan_id, plan, by, Role.PEGAWAI, expected_version=0)
        except ConcurrencyError as exc:
            raise DomainRuleViolation(f"SKP periode {cmd.period_year} sudah ada",
                                      message_en="a plan for this period exists", field="period_year") from exc
        return PlanRef(plan_id, plan.version)

    async def add_rhk(self, cmd: AddRhk, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, by, Role.PEGAWAI, cmd.expected_version,
                                  lambda plan, cited: plan.add_rhk(actor_id=by.user_id, rhk=cmd.rhk, cited=cited),
                                  cite=cmd.rhk.intervention.plan_id if cmd.rhk.intervention else None)

    async def update_rhk(self, cmd: UpdateRhk, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, by, Role.PEGAWAI, cmd.expected_version,
                                  lambda plan, cited: plan.update_rhk(actor_id=by.user_id, rhk=cmd.rhk, cited=cited),
                                  cite=cmd.rhk.intervention.plan_id if cmd.rhk.intervention else None)

    async def remove_rhk(self, cmd: RemoveRhk, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, by, Role.PEGAWAI, cmd.expected_version,
                                  lambda plan, _: plan.remove_rhk(actor_id=by.user_id, rhk_id=cmd.rhk_id))

    async def set_behaviour(self, cmd: SetBehaviourExpectations, by: Principal) -> PlanRef:
        def decide(plan: PerformancePlan, _: SupervisorPlan | None) -> None:
            plan.set_behaviour_expectations(actor_id=by.user_id, expectations=cmd.expectations)

        role = Role.PEJABAT_PENILAI if by.has_role(Role.PEJABAT_PENILAI) else Role.PEGAWAI
        return await self._change(cmd.plan_id, by, role, cmd.expected_version, decide)

    async def submit(self, cmd: SubmitPlan, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, by, Role.PEGAWAI, cmd.expected_version,
                                  lambda plan, cited: plan.submit(actor_id=by.user_id, cited_by_evaluator=cited),
                                  cite_evaluator=True)

    async def return_plan(self, cmd: ReturnPlan, by: Principal) -> PlanRef:
        on_behalf_of = await self._acting_for_evaluator(cmd.plan_id, by)
        return await self._change(cmd.plan_id, by, Role.PEJABAT_PENILAI, cmd.expected_version,
                                  lambda plan, _: plan.return_to_employee(actor_id=by.user_id, comments=cmd.comments,
                                                                          on_behalf_of=on_behalf_of))

    async def approve(self, cmd: ApprovePlan, by: Principal) -> PlanRef:
        on_behalf_of = await self._acting_for_evaluator(cmd.plan_id, by)
        kind = None
        if on_behalf_of is not None:
            plan = await self._load(cmd.plan_id, by)
            kind = await self.acting.acting_kind(by, plan.office_id, on_behalf_of)
        return await self._change(cmd.plan_id, by, Role.PEJABAT_PENILAI, cmd.expected_version,
                                  lambda plan, _: plan.approve(actor_id=by.user_id, comments=cmd.comments,
                                                               on_behalf_of=on_behalf_of,
                                                               acting_kind=kind.value if kind else None))

    async def _acting_for_evaluator(self, plan_id: uuid.UUID, by: Principal) -> str | None:
        """The absent evaluator the caller acts for today (Plt/Plh), or ``None`` for the evaluator themself
        (who must hold the evaluator's role)."""
        plan = await self._load(plan_id, by)
        on_behalf_of = await self.acting.acting_for(by, plan.office_id, plan.evaluator_id)
        if on_behalf_of is None and by.user_id == plan.evaluator_id:
            by.require_role(Role.PEJABAT_PENILAI)  # anybody else is refused by the plan, naming evaluator_id
        return on_behalf_of

    async def start_revision(self, cmd: StartRevision, by: Principal) -> PlanRef:
        return await self._change(cmd.plan_id, by, Role.PEGAWAI, cmd.expected_version,
                                  lambda plan, _: plan.start_revision(actor_id=by.user_id, reason=cmd.reason))

    async def close(self, cmd: ClosePlan, by: Principal) -> PlanRef:
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        return await self._change(cmd.plan_id, by, Role.PENGELOLA_KEPEGAWAIAN, cmd.expected_version,
                                  lambda plan, _: plan.close(reason=cmd.reason))

    async def close_period(self, office_id: str, period_year: int, reason: str, by: Principal) -> int:
        """Close every SKP of the office for the period (each its own event); returns how many."""
        require_office_role(by, office_id, Role.PENGELOLA_KEPEGAWAIAN)
        async with self.db.connection() as conn:
            plan_ids = await rm.open_plans(conn, office_id, period_year)
        for plan_id in plan_ids:
            await self.close(ClosePlan(plan_id=plan_id, reason=reason), by)
        return len(plan_ids)

    # -- queries --------------------------------------------------------------------------------
    async def my_plans(self, by: Principal) -> list[dict[str, Any]]:
        async with self.db.connection() as conn:
            return [rm.as_dict(r) for r in within_offices(by, await rm.plans_of(conn, by.user_id))]

    async def get(self, plan_id: uuid.UUID, by: Principal) -> tuple[PerformancePlan, list[Problem]]:
        plan = await self._load(plan_id, by)
        acting = await self.acting.acting_parties(plan.office_id, (plan.evaluator_id, plan.superior_id))
        require_access(by, plan.office_id, parties=(plan.employee_id, plan.evaluator_id, plan.superior_id, *acting),
                       roles=(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR), field="plan_id",
                       message="Anda tidak berhak melihat SKP ini", message_en="not allowed to read this plan")
        return plan, await self.blockers(plan)

    async def labels(self, plan: PerformancePlan) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """Names and positions of the people the plan names, and the titles of the supervisor RHKs it cites,
        so nobody reads a NIP or a UUID where a name exists."""
        nips = {n for n in (plan.employee_id, plan.evaluator_id, plan.superior_id, plan.approved_by) if n}
        cited = {r.intervention.plan_id for r in plan.rhks.values() if r.intervention is not None}
        async with self.db.connection() as conn:
            return await rm.people_named(conn, nips), await rm.rhk_titles(conn, cited)

    async def blockers(self, plan: PerformancePlan) -> list[Problem]:
        async with self.db.connection() as conn:
            cited = await rm.supervisor_plan(conn, plan_id_for(plan.evaluator_id, plan.period_year))
        return plan.submission_blockers(cited)

    async def cascade_options(self, by: Principal, period_year: int) -> dict[str, Any]:
        """The approved RHKs of the caller's evaluator that the caller's RHKs may cite."""
        async with self.db.connection() as conn:
            entry = await rm.roster_entry(conn, by.user_id)
            if entry is None or entry["evaluator_id"] is None:
                return {"evaluator_id": None, "plan_id": None, "rhks": [],
                        "message": "Pejabat penilai Anda belum tercatat di roster kantor"}
            require_access(by, entry["office_id"], parties=(by.user_id,))
            evaluator_plan = plan_id_for(entry["evaluator_id"], period_year)
            cited = await rm.supervisor_plan(conn, evaluator_plan)
            rhks = [rm.as_dict(r) for r in await rm.rhks_of(conn, evaluator_plan)] if cited else []
            named = await rm.people_named(conn, [entry["evaluator_id"]])
        who = named.get(entry["evaluator_id"], {}).get("name") or entry["evaluator_id"]
        message = None
        if cited is None:
            message = f"Pejabat penilai ({who}) belum menyusun SKP periode {period_year}"
        elif cited.status.value != "approved":
            message = (f"SKP pejabat penilai ({who}) masih berstatus '{plan_status_label(cited.status)}'; "
                       "RHK-nya dapat diacu setelah disetujui")
            rhks = []
        return {"evaluator_id": entry["evaluator_id"], "plan_id": evaluator_plan if rhks else None, "rhks": rhks,
                "message": message}

    async def team(self, by: Principal, period_year: int) -> list[dict[str, Any]]:
        """The caller's team, and the team of every official the caller acts for today (Plt/Plh), marked with
        ``on_behalf_of``."""
        represented = await self.acting.represented(by)
        async with self.db.connection() as conn:
            rows = [rm.as_dict(r) for r in within_offices(by, await rm.team_board(conn, by.user_id, period_year))]
            for absent_id, office_id in represented:
                if by.in_office(office_id):
                    rows += [{**rm.as_dict(r), "on_behalf_of": absent_id} for r in
                             within_offices(by, await rm.team_board(conn, absent_id, period_year))
                             if r["employee_id"] != by.user_id]  # never one's own SKP to approve
        return rows

    async def office_overview(self, office_id: str, by: Principal, period_year: int) -> dict[str, Any]:
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            members = [rm.as_dict(r) for r in await rm.office_members(conn, office_id, period_year)]
        counts: dict[str, dict[str, int]] = {}
        for m in members:
            unit = counts.setdefault(m["unit_id"], {})
            unit[m["status"]] = unit.get(m["status"], 0) + 1
        return {"office_id": office_id, "period_year": period_year, "by_unit": counts, "employees": members}

    async def cascade_tree(self, office_id: str, by: Principal, period_year: int) -> dict[str, Any]:
        """Which RHKs support which leader RHK, and for each blocked employee exactly what blocks them."""
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            rhks = [rm.as_dict(r) for r in await rm.office_rhks(conn, office_id, period_year)]
            members = [rm.as_dict(r) for r in await rm.office_members(conn, office_id, period_year)]
        by_id = {r["rhk_id"]: {**r, "supporting": []} for r in rhks}
        roots = []
        for node in by_id.values():
            parent = by_id.get(node["parent_rhk_id"])
            if parent is not None:
                parent["supporting"].append(node)
            else:
                roots.append(node)
        blocked = []
        for m in members:
            if m["plan_id"] is None or m["status"] not in ("draft", "returned", "revising"):
                continue
            plan = await self.plans.load(m["plan_id"])
            if plan is not None and (problems := await self.blockers(plan)):
                blocked.append({"employee_id": m["employee_id"], "name": m["name"], "plan_id": m["plan_id"],
                                "blockers": [{"field": p.field, "message": p.message} for p in problems]})
        return {"office_id": office_id, "period_year": period_year, "tree": roots, "blocked": blocked}

    # -- helpers --------------------------------------------------------------------------------
    async def _change(
        self, plan_id: uuid.UUID, by: Principal, role: Role, expected_version: int | None,
        decide: Callable[[PerformancePlan, SupervisorPlan | None], None], *, cite: uuid.UUID | None = None,
        cite_evaluator: bool = False,
    ) -> PlanRef:
        plan = await self._load(plan_id, by, expected_version)
        cited = None
        if cite is not None or cite_evaluator:
            async with self.db.connection() as conn:
                cited = await rm.supervisor_plan(conn, cite or plan_id_for(plan.evaluator_id, plan.period_year))
        decide(plan, cited)
        await self._save(plan_id, plan, by, role, expected_version=expected_version)
        return PlanRef(plan_id, plan.version)

    async def _load(self, plan_id: uuid.UUID, by: Principal, expected_version: int | None = None) -> PerformancePlan:
        plan = await self.plans.load(plan_id)
        if plan is None:
            raise NotFound(f"SKP {plan_id} tidak ditemukan", message_en=f"plan {plan_id} not found", field="plan_id")
        by.require_office(plan.office_id)
        if expected_version is not None and expected_version != plan.version:
            raise ConcurrencyError(self.plans.stream_id(plan_id), expected_version, f"the plan is at {plan.version}")
        return plan

    async def _save(
        self, plan_id: uuid.UUID, plan: PerformancePlan, by: Principal, role: Role, *, expected_version: int | None
    ) -> None:
        await self.plans.save(plan_id, plan, actor=by.actor(role), office_id=plan.office_id, subject=plan.employee_id,
                              expected_version=expected_version)
