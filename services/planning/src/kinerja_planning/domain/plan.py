"""The SKP (Sasaran Kinerja Pegawai) aggregate: one employee's performance plan for one period.

Lifecycle (this slice): draft -> submitted -> approved. Only the owner drafts and submits; only the
evaluator approves; an employee cannot be their own evaluator; one SKP per employee per period.
"""

from __future__ import annotations

import enum
import uuid

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.planning import Approach, PlanApproved, PlanDrafted, PlanSubmitted
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.identity import check_nip

PLAN_NAMESPACE = uuid.UUID("6f1c8a52-2f7e-4d3f-9a57-6a8d0c6f3b11")


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


def plan_id_for(employee_id: str, period_year: int) -> uuid.UUID:
    """The SKP id is derived from employee and period, so a second draft for a period conflicts."""
    return uuid.uuid5(PLAN_NAMESPACE, f"{employee_id}/{period_year}")


class PerformancePlan(Aggregate):
    """An SKP."""

    def __init__(self) -> None:
        super().__init__()
        self.plan_id: uuid.UUID | None = None
        self.employee_id = ""
        self.office_id = ""
        self.period_year = 0
        self.evaluator_id = ""
        self.approach = Approach.KUANTITATIF
        self.status = PlanStatus.DRAFT
        self.approved_by: str | None = None

    # -- decisions ----------------------------------------------------------------------------
    @classmethod
    def draft(
        cls, *, actor_id: str, employee_id: str, office_id: str, period_year: int, evaluator_id: str,
        approach: Approach,
    ) -> PerformancePlan:
        check_nip(employee_id)
        try:
            check_nip(evaluator_id)
        except InvalidInput as exc:
            raise InvalidInput(exc.message.replace("NIP", "NIP pejabat penilai", 1), field="evaluator_id") from exc
        if actor_id != employee_id:
            raise Forbidden("Hanya pegawai yang bersangkutan yang dapat menyusun SKP-nya",
                            message_en="only the employee drafts their own SKP")
        if evaluator_id == employee_id:
            raise InvalidInput("Pejabat penilai tidak boleh diri sendiri",
                               message_en="the evaluator cannot be the employee", field="evaluator_id")
        plan = cls()
        plan.record(PlanDrafted(
            plan_id=plan_id_for(employee_id, period_year), employee_id=employee_id, office_id=office_id,
            period_year=period_year, evaluator_id=evaluator_id, approach=approach,
        ))
        return plan

    def submit(self, *, actor_id: str) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("Hanya pemilik SKP yang dapat mengajukannya", message_en="only the owner submits")
        if self.status is not PlanStatus.DRAFT:
            raise DomainRuleViolation(
                f"SKP berstatus '{self.status.value}' tidak dapat diajukan; hanya draf yang dapat diajukan",
                message_en=f"cannot submit a plan in status {self.status.value}", field="status",
            )
        assert self.plan_id is not None
        self.record(PlanSubmitted(
            plan_id=self.plan_id, employee_id=self.employee_id, office_id=self.office_id,
            period_year=self.period_year, evaluator_id=self.evaluator_id,
        ))

    def approve(self, *, actor_id: str) -> None:
        if actor_id != self.evaluator_id:
            raise Forbidden("Hanya pejabat penilai SKP ini yang dapat menyetujuinya",
                            message_en="only the plan's evaluator approves")
        if self.status is not PlanStatus.SUBMITTED:
            raise DomainRuleViolation(
                f"SKP berstatus '{self.status.value}' tidak dapat disetujui; ajukan terlebih dahulu",
                message_en=f"cannot approve a plan in status {self.status.value}", field="status",
            )
        assert self.plan_id is not None
        self.record(PlanApproved(
            plan_id=self.plan_id, employee_id=self.employee_id, office_id=self.office_id,
            period_year=self.period_year, evaluator_id=self.evaluator_id, approved_by=actor_id,
        ))

    # -- state changes (no checks) --------------------------------------------------------------
    def _on_PlanDrafted(self, e: PlanDrafted) -> None:  # noqa: N802
        self.plan_id = e.plan_id
        self.employee_id = e.employee_id
        self.office_id = e.office_id
        self.period_year = e.period_year
        self.evaluator_id = e.evaluator_id
        self.approach = e.approach
        self.status = PlanStatus.DRAFT

    def _on_PlanSubmitted(self, e: PlanSubmitted) -> None:  # noqa: N802
        self.status = PlanStatus.SUBMITTED

    def _on_PlanApproved(self, e: PlanApproved) -> None:  # noqa: N802
        self.status = PlanStatus.APPROVED
        self.approved_by = e.approved_by
