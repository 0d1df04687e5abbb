"""Command handlers and queries of the planning service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, Forbidden, NotFound
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.domain.commands import ApprovePlan, DraftPlan, SubmitPlan
from kinerja_planning.domain.plan import PerformancePlan, plan_id_for


@dataclass(frozen=True)
class PlanRef:
    plan_id: uuid.UUID
    version: int


class PlanningService:
    """The planning use cases; each loads the SKP, lets it decide, and saves its new events."""

    def __init__(self, plans: EventSourcedRepository[PerformancePlan]) -> None:
        self.plans = plans

    async def draft(self, cmd: DraftPlan, by: Principal) -> PlanRef:
        by.require_role(Role.PEGAWAI)
        by.require_office(cmd.office_id)
        plan = PerformancePlan.draft(
            actor_id=by.user_id, employee_id=cmd.employee_id, office_id=cmd.office_id,
            period_year=cmd.period_year, evaluator_id=cmd.evaluator_id, approach=cmd.approach,
        )
        plan_id = plan_id_for(cmd.employee_id, cmd.period_year)
        try:
            await self._save(plan_id, plan, by, Role.PEGAWAI, expected_version=0)
        except ConcurrencyError as exc:
            raise DomainRuleViolation(
                f"SKP periode {cmd.period_year} sudah ada", message_en="a plan for this period exists",
                field="period_year",
            ) from exc
        return PlanRef(plan_id, plan.version)

    async def submit(self, cmd: SubmitPlan, by: Principal) -> PlanRef:
        plan = await self._load(cmd.plan_id, by, cmd.expected_version)
        plan.submit(actor_id=by.user_id)
        await self._save(cmd.plan_id, plan, by, Role.PEGAWAI, expected_version=cmd.expected_version)
        return PlanRef(cmd.plan_id, plan.version)

    async def approve(self, cmd: ApprovePlan, by: Principal) -> PlanRef:
        by.require_role(Role.PEJABAT_PENILAI)
        plan = await self._load(cmd.plan_id, by, cmd.expected_version)
        plan.approve(actor_id=by.user_id)
        await self._save(cmd.plan_id, plan, by, Role.PEJABAT_PENILAI, expected_version=cmd.expected_version)
        return PlanRef(cmd.plan_id, plan.version)

    async def get(self, plan_id: uuid.UUID, by: Principal) -> PerformancePlan:
        plan = await self._load(plan_id, by)
        allowed = by.user_id in (plan.employee_id, plan.evaluator_id) or by.has_role(
            Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.ATASAN_PENILAI
        )
        if not allowed:
            raise Forbidden("Anda tidak berhak melihat SKP ini", message_en="not allowed to read this plan")
        return plan

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
        await self.plans.save(
            plan_id, plan, actor=by.actor(role), office_id=plan.office_id, subject=plan.employee_id,
            expected_version=expected_version,
        )
