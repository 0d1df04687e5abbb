"""The SKP aggregate's rules, without I/O."""

import pytest

from kinerja_kernel.contracts.planning import Approach, PlanApproved, PlanDrafted, PlanSubmitted
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_planning.domain.plan import PerformancePlan, PlanStatus, plan_id_for

EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"


def drafted() -> PerformancePlan:
    return PerformancePlan.draft(actor_id=EMPLOYEE, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                 evaluator_id=EVALUATOR, approach=Approach.KUANTITATIF)


class TestDraftPlan:
    def test_the_employee_drafts_their_own_plan(self) -> None:
        plan = drafted()
        assert plan.status is PlanStatus.DRAFT
        assert [type(e) for e in plan.pending] == [PlanDrafted]
        assert plan.plan_id == plan_id_for(EMPLOYEE, 2026)

    def test_nobody_drafts_for_someone_else(self) -> None:
        with pytest.raises(Forbidden):
            PerformancePlan.draft(actor_id=EVALUATOR, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                  evaluator_id=EVALUATOR, approach=Approach.KUANTITATIF)

    def test_an_employee_cannot_be_their_own_evaluator(self) -> None:
        with pytest.raises(InvalidInput) as info:
            PerformancePlan.draft(actor_id=EMPLOYEE, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                  evaluator_id=EMPLOYEE, approach=Approach.KUANTITATIF)
        assert info.value.field == "evaluator_id"

    def test_a_malformed_evaluator_nip_names_the_field(self) -> None:
        with pytest.raises(InvalidInput) as info:
            PerformancePlan.draft(actor_id=EMPLOYEE, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                  evaluator_id="123", approach=Approach.KUANTITATIF)
        assert info.value.field == "evaluator_id"
        assert "18 digit" in info.value.message


class TestSubmitAndApprove:
    def test_draft_then_submit_then_approve(self) -> None:
        plan = drafted()
        plan.submit(actor_id=EMPLOYEE)
        plan.approve(actor_id=EVALUATOR)
        assert plan.status is PlanStatus.APPROVED
        assert [type(e) for e in plan.pending] == [PlanDrafted, PlanSubmitted, PlanApproved]
        assert plan.version == 3 and plan.loaded_version == 0

    def test_only_the_owner_submits(self) -> None:
        with pytest.raises(Forbidden):
            drafted().submit(actor_id=EVALUATOR)

    def test_a_submitted_plan_cannot_be_submitted_again(self) -> None:
        plan = drafted()
        plan.submit(actor_id=EMPLOYEE)
        with pytest.raises(DomainRuleViolation):
            plan.submit(actor_id=EMPLOYEE)

    def test_only_the_evaluator_approves(self) -> None:
        plan = drafted()
        plan.submit(actor_id=EMPLOYEE)
        with pytest.raises(Forbidden):
            plan.approve(actor_id=EMPLOYEE)

    def test_a_draft_cannot_be_approved(self) -> None:
        with pytest.raises(DomainRuleViolation):
            drafted().approve(actor_id=EVALUATOR)

    def test_replaying_the_events_gives_the_same_state_without_rechecking_rules(self) -> None:
        plan = drafted()
        plan.submit(actor_id=EMPLOYEE)
        replayed = PerformancePlan.replay(plan.pending)
        assert (replayed.status, replayed.version, replayed.evaluator_id) == (PlanStatus.SUBMITTED, 2, EVALUATOR)
        assert replayed.pending == []
