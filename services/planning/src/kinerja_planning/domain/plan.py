"""The SKP (Sasaran Kinerja Pegawai) aggregate: one employee's performance plan for one period.

Lifecycle: draft -> submitted -> approved, or submitted -> returned (with comments) -> submitted again;
approved -> revising (with a reason) -> submitted -> approved; any state -> closed at period end.
Only the owner edits (in draft, returned or revising) and submits; only the evaluator returns or
approves. JA/JF RHKs must cite an RHK of the evaluator's approved SKP of the same period (cascading);
JPT and unit-head RHKs cite the unit's performance agreement or an assignment instead.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.planning import (
    Approach,
    BehaviourExpectationsSet,
    BerAkhlak,
    PlanAppendix,
    PlanAppendixSet,
    PlanApproved,
    PlanClosed,
    PlanDrafted,
    PlanReturned,
    PlanRevisionStarted,
    PlanSubmitted,
    PositionType,
    Rhk,
    RhkAdded,
    RhkKind,
    RhkRemoved,
    RhkUpdated,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.identity import check_nip
from kinerja_planning.domain.rules import Problem, rhk_problems

PLAN_NAMESPACE = uuid.UUID("6f1c8a52-2f7e-4d3f-9a57-6a8d0c6f3b11")


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REVISING = "revising"
    CLOSED = "closed"


EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.REVISING})
"""The statuses in which the owner edits the SKP's content and submits it (and its blockers are shown)."""


def is_editable_status(status: str) -> bool:
    """Whether an SKP in ``status`` (a ``PlanStatus`` or its value, e.g. from a read model) is editable."""
    return status in EDITABLE


def plan_id_for(employee_id: str, period_year: int) -> uuid.UUID:
    """The SKP id is derived from employee and period, so a second draft for a period conflicts."""
    return uuid.uuid5(PLAN_NAMESPACE, f"{employee_id}/{period_year}")


@dataclass(frozen=True)
class SupervisorPlan:
    """What the SKP needs to know about the plan an RHK cites (supplied by the application layer)."""

    plan_id: uuid.UUID
    owner_id: str
    period_year: int
    status: PlanStatus
    rhk_ids: frozenset[uuid.UUID]


def _fail(problems: list[Problem], summary: str, *, conflict: bool = False) -> None:
    """Refuse with the first problem (alone, or under the ``summary`` code when there are more), naming it
    and carrying the rest as details."""
    if not problems:
        return
    first, rest = problems[0], problems[1:]
    error = DomainRuleViolation if conflict else InvalidInput
    if not rest:
        raise error(first.code, field=first.field, **first.params)
    raise error(summary, field=first.field, details=rest, problem=first.message, problem_en=first.message_en)


class PerformancePlan(Aggregate):
    """An SKP."""

    def __init__(self) -> None:
        super().__init__()
        self.plan_id: uuid.UUID | None = None
        self.employee_id = ""
        self.office_id = ""
        self.unit_id = ""
        self.period_year = 0
        self.evaluator_id = ""
        self.superior_id: str | None = None
        self.position_type = PositionType.JA
        self.approach = Approach.KUANTITATIF
        self.status = PlanStatus.DRAFT
        self.rhks: dict[uuid.UUID, Rhk] = {}
        self.behaviour: dict[BerAkhlak, str | None] = dict.fromkeys(BerAkhlak)
        self.appendix = PlanAppendix()
        self.approved_by: str | None = None
        self.approved_on_behalf_of: str | None = None
        self.approved_acting_kind: str | None = None
        self.return_comments: str | None = None
        self.approval_comments: str | None = None
        self.revision_reasons: list[str] = []

    # -- decisions ----------------------------------------------------------------------------
    @classmethod
    def draft(
        cls, *, actor_id: str, employee_id: str, office_id: str, unit_id: str, period_year: int, evaluator_id: str,
        superior_id: str | None, position_type: PositionType, approach: Approach,
    ) -> PerformancePlan:
        check_nip(employee_id)
        try:
            check_nip(evaluator_id)
        except InvalidInput as exc:
            raise InvalidInput("planning.plan.evaluator-nip-invalid", field="evaluator_id",
                               problem=exc.params.get("problem", ""), value=evaluator_id) from exc
        if actor_id != employee_id:
            raise Forbidden("planning.plan.draft-not-own")
        if evaluator_id == employee_id:
            raise InvalidInput("planning.plan.evaluator-is-self", field="evaluator_id")
        plan = cls()
        plan.record(PlanDrafted(
            plan_id=plan_id_for(employee_id, period_year), employee_id=employee_id, office_id=office_id,
            unit_id=unit_id, period_year=period_year, evaluator_id=evaluator_id, superior_id=superior_id,
            position_type=position_type, approach=approach,
        ))
        return plan

    def add_rhk(self, *, actor_id: str, rhk: Rhk, cited: SupervisorPlan | None) -> None:
        self._require_editable_by_owner(actor_id)
        if rhk.rhk_id in self.rhks:
            raise DomainRuleViolation("planning.rhk.duplicate-id", field="rhk.rhk_id", rhk_id=str(rhk.rhk_id))
        self._check_rhk(rhk, cited)
        self.record(RhkAdded(plan_id=self._id, employee_id=self.employee_id, rhk=rhk))

    def update_rhk(self, *, actor_id: str, rhk: Rhk, cited: SupervisorPlan | None) -> None:
        self._require_editable_by_owner(actor_id)
        previous = self._rhk(rhk.rhk_id)
        self._check_rhk(rhk, cited)
        if previous != rhk:
            self.record(RhkUpdated(plan_id=self._id, employee_id=self.employee_id, previous=previous, rhk=rhk))

    def remove_rhk(self, *, actor_id: str, rhk_id: uuid.UUID) -> None:
        self._require_editable_by_owner(actor_id)
        previous = self._rhk(rhk_id)
        self.record(RhkRemoved(plan_id=self._id, employee_id=self.employee_id, rhk_id=rhk_id, previous=previous))

    def set_behaviour_expectations(self, *, actor_id: str, expectations: dict[BerAkhlak, str | None]) -> None:
        """The leader's expectations per value (the evaluator, or the owner agreeing them), before approval."""
        if actor_id not in (self.employee_id, self.evaluator_id):
            raise Forbidden("planning.behaviour.not-owner-or-evaluator")
        if not self.accepts_behaviour_expectations:
            raise DomainRuleViolation("planning.plan.not-changeable", field="status", status=self.status)
        merged = {**self.behaviour, **expectations}
        if merged != self.behaviour:
            self.record(BehaviourExpectationsSet(plan_id=self._id, employee_id=self.employee_id,
                                                 expectations=merged))

    def set_appendix(self, *, actor_id: str, appendix: PlanAppendix) -> None:
        """The appendix (resources, accountability, consequences): agreed like the leader's expectations, by the
        owner or the evaluator before approval; the same appendix again records nothing."""
        if actor_id not in (self.employee_id, self.evaluator_id):
            raise Forbidden("planning.behaviour.not-owner-or-evaluator")
        if not self.accepts_behaviour_expectations:
            raise DomainRuleViolation("planning.plan.not-changeable", field="status", status=self.status)
        if appendix != self.appendix:
            self.record(PlanAppendixSet(plan_id=self._id, employee_id=self.employee_id, appendix=appendix,
                                        previous=self.appendix))

    def submission_blockers(self, cited_by_evaluator: SupervisorPlan | None) -> list[Problem]:
        """Everything that stops this SKP from being submitted, given the evaluator's approved SKP."""
        problems: list[Problem] = []
        if not any(r.kind is RhkKind.UTAMA for r in self.rhks.values()):
            problems.append(Problem("rhks", "planning.plan.no-main-rhk"))
        if not self.position_type.cascades_from_supervisor:
            return problems
        if cited_by_evaluator is None or cited_by_evaluator.status is not PlanStatus.APPROVED:
            problems.append(Problem("evaluator_id", "planning.plan.evaluator-plan-not-approved",
                                    {"evaluator_id": self.evaluator_id, "period_year": self.period_year}))
        for rhk in self.rhks.values():
            where = f"rhks.{rhk.rhk_id}.intervention"
            if rhk.intervention is None:
                problems.append(Problem(where, "planning.rhk.not-cascaded", {"title": rhk.title}))
            elif cited_by_evaluator is not None and (
                rhk.intervention.plan_id != cited_by_evaluator.plan_id
                or rhk.intervention.rhk_id not in cited_by_evaluator.rhk_ids
            ):
                problems.append(Problem(where, "planning.rhk.cited-rhk-gone", {"title": rhk.title}))
        return problems

    def submit(self, *, actor_id: str, cited_by_evaluator: SupervisorPlan | None) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("planning.plan.submit-not-owner")
        if not self.is_editable:
            raise DomainRuleViolation("planning.plan.not-submittable", field="status", status=self.status)
        _fail(self.submission_blockers(cited_by_evaluator), "planning.plan.cannot-submit-yet", conflict=True)
        self.record(PlanSubmitted(plan_id=self._id, employee_id=self.employee_id, office_id=self.office_id,
                                  period_year=self.period_year, evaluator_id=self.evaluator_id))

    def return_to_employee(self, *, actor_id: str, comments: str, on_behalf_of: str | None = None) -> None:
        """The evaluator's (or, with ``on_behalf_of``, their acting official's) return with comments."""
        self._require_evaluator_on_submitted(actor_id, "mengembalikan", on_behalf_of)
        if not comments.strip():
            raise InvalidInput("planning.plan.return-comments-required", field="comments")
        self.record(PlanReturned(plan_id=self._id, employee_id=self.employee_id, office_id=self.office_id,
                                 period_year=self.period_year, evaluator_id=self.evaluator_id,
                                 comments=comments.strip(), on_behalf_of=on_behalf_of))

    def approve(self, *, actor_id: str, comments: str | None = None, on_behalf_of: str | None = None,
                acting_kind: str | None = None) -> None:
        """The evaluator's approval, with an optional comment for the employee (blank counts as none); an acting
        official (Plt/Plh) approves with ``on_behalf_of`` naming the absent evaluator."""
        self._require_evaluator_on_submitted(actor_id, "menyetujui", on_behalf_of)
        self.record(PlanApproved(plan_id=self._id, employee_id=self.employee_id, office_id=self.office_id,
                                 period_year=self.period_year, evaluator_id=self.evaluator_id, approved_by=actor_id,
                                 comments=(comments or "").strip() or None, on_behalf_of=on_behalf_of,
                                 acting_kind=acting_kind if on_behalf_of else None))

    def start_revision(self, *, actor_id: str, reason: str) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("planning.plan.revise-not-owner")
        if self.status is not PlanStatus.APPROVED:
            raise DomainRuleViolation("planning.plan.revise-not-approved", field="status", status=self.status)
        if not reason.strip():
            raise InvalidInput("planning.plan.revision-reason-required", field="reason")
        self.record(PlanRevisionStarted(plan_id=self._id, employee_id=self.employee_id, reason=reason.strip()))

    def close(self, *, reason: str) -> None:
        """End of period (decided by the office's HR administrator; the caller checks the role)."""
        if self.status is PlanStatus.CLOSED:
            raise DomainRuleViolation("planning.plan.already-closed", field="status")
        self.record(PlanClosed(plan_id=self._id, employee_id=self.employee_id, status_at_close=self.status.value,
                               reason=reason.strip() or "akhir periode"))

    # -- helpers ------------------------------------------------------------------------------
    # -- predicates -----------------------------------------------------------------------------
    @property
    def is_editable(self) -> bool:
        """The owner may change the content and submit (draft, returned or revising)."""
        return self.status in EDITABLE

    @property
    def accepts_behaviour_expectations(self) -> bool:
        """The leader's expectations may be set: while editable or submitted (before approval)."""
        return self.is_editable or self.status is PlanStatus.SUBMITTED

    # -- helpers ------------------------------------------------------------------------------
    @property
    def _id(self) -> uuid.UUID:
        assert self.plan_id is not None
        return self.plan_id

    def _rhk(self, rhk_id: uuid.UUID) -> Rhk:
        try:
            return self.rhks[rhk_id]
        except KeyError:
            raise InvalidInput("planning.rhk.not-found", field="rhk_id", rhk_id=str(rhk_id)) from None

    def _require_editable_by_owner(self, actor_id: str) -> None:
        if actor_id != self.employee_id:
            raise Forbidden("planning.plan.edit-not-owner")
        if not self.is_editable:
            raise DomainRuleViolation("planning.plan.not-editable", field="status", status=self.status)

    def _require_evaluator_on_submitted(self, actor_id: str, verb: str, on_behalf_of: str | None) -> None:
        if actor_id != self.evaluator_id and on_behalf_of != self.evaluator_id:
            raise Forbidden("planning.plan.decide-not-evaluator", field="evaluator_id", verb=verb)
        if self.status is not PlanStatus.SUBMITTED:
            raise DomainRuleViolation("planning.plan.not-decidable", field="status", status=self.status)

    def _check_rhk(self, rhk: Rhk, cited: SupervisorPlan | None) -> None:
        _fail(rhk_problems(rhk, approach=self.approach, position_type=self.position_type), "planning.rhk.incomplete")
        if rhk.intervention is None:
            return
        field = "rhk.intervention"
        if cited is None or cited.plan_id != rhk.intervention.plan_id:
            raise InvalidInput("planning.cascade.plan-not-found", field=f"{field}.plan_id")
        if cited.owner_id != self.evaluator_id:
            raise InvalidInput("planning.cascade.not-evaluators", field=f"{field}.plan_id",
                               evaluator_id=self.evaluator_id, owner_id=cited.owner_id)
        if cited.period_year != self.period_year:
            raise InvalidInput("planning.cascade.other-period", field=f"{field}.plan_id", period_year=self.period_year)
        if cited.status is not PlanStatus.APPROVED:
            raise InvalidInput("planning.cascade.not-approved", field=f"{field}.plan_id", status=cited.status)
        if rhk.intervention.rhk_id not in cited.rhk_ids:
            raise InvalidInput("planning.cascade.rhk-not-found", field=f"{field}.rhk_id")

    # -- state changes (no checks) --------------------------------------------------------------
    def _on_PlanDrafted(self, e: PlanDrafted) -> None:  # noqa: N802
        self.plan_id = e.plan_id
        self.employee_id = e.employee_id
        self.office_id = e.office_id
        self.unit_id = e.unit_id
        self.period_year = e.period_year
        self.evaluator_id = e.evaluator_id
        self.superior_id = e.superior_id
        self.position_type = e.position_type
        self.approach = e.approach
        self.status = PlanStatus.DRAFT

    def _on_RhkAdded(self, e: RhkAdded) -> None:  # noqa: N802
        self.rhks[e.rhk.rhk_id] = e.rhk

    def _on_RhkUpdated(self, e: RhkUpdated) -> None:  # noqa: N802
        self.rhks[e.rhk.rhk_id] = e.rhk

    def _on_RhkRemoved(self, e: RhkRemoved) -> None:  # noqa: N802
        self.rhks.pop(e.rhk_id, None)

    def _on_BehaviourExpectationsSet(self, e: BehaviourExpectationsSet) -> None:  # noqa: N802
        self.behaviour = {value: e.expectations.get(value) for value in BerAkhlak}

    def _on_PlanAppendixSet(self, e: PlanAppendixSet) -> None:  # noqa: N802
        self.appendix = e.appendix

    def _on_PlanSubmitted(self, e: PlanSubmitted) -> None:  # noqa: N802
        self.status = PlanStatus.SUBMITTED

    def _on_PlanReturned(self, e: PlanReturned) -> None:  # noqa: N802
        self.status = PlanStatus.RETURNED
        self.return_comments = e.comments

    def _on_PlanApproved(self, e: PlanApproved) -> None:  # noqa: N802
        self.status = PlanStatus.APPROVED
        self.approved_by = e.approved_by
        self.approved_on_behalf_of = e.on_behalf_of
        self.approved_acting_kind = e.acting_kind
        self.approval_comments = e.comments
        self.return_comments = None

    def _on_PlanRevisionStarted(self, e: PlanRevisionStarted) -> None:  # noqa: N802
        self.status = PlanStatus.REVISING
        self.revision_reasons.append(e.reason)

    def _on_PlanClosed(self, e: PlanClosed) -> None:  # noqa: N802
        self.status = PlanStatus.CLOSED
