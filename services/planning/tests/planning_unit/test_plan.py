"""The SKP aggregate's rules, without I/O."""

import uuid
from decimal import Decimal

import pytest

from kinerja_kernel.contracts.planning import (
    Aspect,
    BerAkhlak,
    PlanApproved,
    PlanDrafted,
    PlanReturned,
    PlanSubmitted,
    PositionType,
    RhkAdded,
    RhkKind,
    Target,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.registry import REGISTRY
from kinerja_planning.domain.plan import PerformancePlan, PlanStatus, SupervisorPlan, plan_id_for

from .builders import EMPLOYEE, EVALUATOR, approved_supervisor_plan, drafted, iki, leader_rhk, rhk


def ready_to_submit() -> tuple[PerformancePlan, SupervisorPlan]:
    parent_rhk = uuid.uuid4()
    supervisor = approved_supervisor_plan(parent_rhk)
    plan = drafted()
    plan.add_rhk(actor_id=EMPLOYEE, rhk=rhk(parent=(supervisor.plan_id, parent_rhk)), cited=supervisor)
    return plan, supervisor


class TestDraftPlan:
    def test_the_employee_drafts_their_own_plan(self) -> None:
        plan = drafted()
        assert plan.status is PlanStatus.DRAFT
        assert [type(e) for e in plan.pending] == [PlanDrafted]
        assert plan.plan_id == plan_id_for(EMPLOYEE, 2026)
        assert plan.behaviour == dict.fromkeys(BerAkhlak)  # exactly the seven values, none set yet

    def test_nobody_drafts_for_someone_else(self) -> None:
        with pytest.raises(Forbidden):
            PerformancePlan.draft(actor_id=EVALUATOR, employee_id=EMPLOYEE, office_id="K1", unit_id="U1",
                                  period_year=2026, evaluator_id=EVALUATOR, superior_id=None,
                                  position_type=PositionType.JA, approach="kuantitatif")  # type: ignore[arg-type]

    def test_an_employee_cannot_be_their_own_evaluator(self) -> None:
        with pytest.raises(InvalidInput) as info:
            drafted(evaluator=EMPLOYEE)
        assert info.value.field == "evaluator_id"


class TestRhkContent:
    def test_an_rhk_without_iki_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as info:
            drafted(PositionType.KEPALA_UNIT).add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(ikis=()), cited=None)
        assert info.value.field == "rhk.ikis"

    def test_a_quantitative_target_needs_a_unit(self) -> None:
        no_unit = iki(targets=(Target(aspect=Aspect.KUANTITAS, value=Decimal(5)),))
        with pytest.raises(InvalidInput) as info:
            drafted(PositionType.KEPALA_UNIT).add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(ikis=(no_unit,)), cited=None)
        assert info.value.field == "rhk.ikis.0.targets.0.unit"
        assert "satuan" in info.value.message

    def test_every_problem_is_reported_at_once(self) -> None:
        bad = iki(targets=(Target(aspect=Aspect.KUALITAS, value=Decimal(-1)),))
        with pytest.raises(InvalidInput) as info:
            drafted(PositionType.KEPALA_UNIT).add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(ikis=(bad,)), cited=None)
        fields = [info.value.field] + [d.field for d in info.value.details]
        assert fields == ["rhk.ikis.0.targets", "rhk.ikis.0.targets.0.value", "rhk.ikis.0.targets.0.unit"]

    def test_a_qualitative_plan_accepts_targets_in_words(self) -> None:
        plan = drafted(PositionType.KEPALA_UNIT, approach="kualitatif")  # type: ignore[arg-type]
        words = iki(targets=(Target(aspect=Aspect.KUANTITAS, description="Seluruh layanan terdokumentasi"),))
        plan.add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(ikis=(words,)), cited=None)
        assert len(plan.rhks) == 1

    def test_a_jpt_rhk_needs_a_perspective_and_a_source(self) -> None:
        with pytest.raises(InvalidInput) as info:
            drafted(PositionType.JPT).add_rhk(actor_id=EMPLOYEE, rhk=rhk(), cited=None)
        fields = {info.value.field, *(d.field for d in info.value.details)}
        assert fields == {"rhk.source", "rhk.perspective"}

    def test_only_the_owner_edits(self) -> None:
        with pytest.raises(Forbidden):
            drafted(PositionType.KEPALA_UNIT).add_rhk(actor_id=EVALUATOR, rhk=leader_rhk(), cited=None)


class TestCascading:
    def test_a_ja_rhk_may_cite_an_rhk_of_the_evaluators_approved_plan(self) -> None:
        plan, _ = ready_to_submit()
        assert [type(e) for e in plan.pending] == [PlanDrafted, RhkAdded]

    def test_citing_another_persons_plan_is_refused(self) -> None:
        parent = uuid.uuid4()
        other = approved_supervisor_plan(parent, owner="197502022001121004")
        with pytest.raises(InvalidInput) as info:
            drafted().add_rhk(actor_id=EMPLOYEE, rhk=rhk(parent=(other.plan_id, parent)), cited=other)
        assert info.value.field == "rhk.intervention.plan_id"
        assert info.value.code == "planning.cascade.not-evaluators"
        assert "pejabat penilai Anda" in info.value.message

    def test_citing_a_draft_plan_is_refused(self) -> None:
        parent = uuid.uuid4()
        draft = approved_supervisor_plan(parent, status=PlanStatus.DRAFT)
        with pytest.raises(InvalidInput) as info:
            drafted().add_rhk(actor_id=EMPLOYEE, rhk=rhk(parent=(draft.plan_id, parent)), cited=draft)
        assert "berstatus 'draf'" in info.value.message

    def test_citing_an_rhk_that_is_not_in_the_plan_is_refused(self) -> None:
        supervisor = approved_supervisor_plan(uuid.uuid4())
        with pytest.raises(InvalidInput) as info:
            drafted().add_rhk(actor_id=EMPLOYEE, rhk=rhk(parent=(supervisor.plan_id, uuid.uuid4())), cited=supervisor)
        assert info.value.field == "rhk.intervention.rhk_id"

    def test_a_ja_plan_cannot_be_submitted_while_an_rhk_cites_nothing(self) -> None:
        plan, supervisor = ready_to_submit()
        plan.add_rhk(actor_id=EMPLOYEE, rhk=rhk(title="RHK tanpa intervensi"), cited=None)
        with pytest.raises(DomainRuleViolation) as info:
            plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        assert "RHK tanpa intervensi" in info.value.message

    def test_blockers_say_when_the_evaluator_has_no_approved_plan(self) -> None:
        plan, _ = ready_to_submit()
        blockers = plan.submission_blockers(None)
        assert [b.field for b in blockers] == ["evaluator_id"]
        assert "belum memiliki SKP" in blockers[0].message

    def test_blockers_say_when_the_cited_rhk_is_gone_after_the_evaluator_revised(self) -> None:
        plan, _ = ready_to_submit()
        revised = approved_supervisor_plan(uuid.uuid4())
        [blocker] = plan.submission_blockers(revised)
        assert "tidak ada lagi" in blocker.message

    def test_a_unit_head_cascades_from_the_agreement_not_the_supervisor(self) -> None:
        plan = drafted(PositionType.KEPALA_UNIT)
        plan.add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(), cited=None)
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=None)
        assert plan.status is PlanStatus.SUBMITTED

    def test_a_plan_needs_a_main_rhk(self) -> None:
        plan = drafted(PositionType.KEPALA_UNIT)
        plan.add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(kind=RhkKind.TAMBAHAN), cited=None)
        with pytest.raises(DomainRuleViolation) as info:
            plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=None)
        assert "RHK utama" in info.value.message


class TestLifecycle:
    def test_submit_return_resubmit_approve(self) -> None:
        plan, supervisor = ready_to_submit()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        plan.return_to_employee(actor_id=EVALUATOR, comments="Target kuantitas terlalu rendah")
        assert (plan.status, plan.return_comments) == (PlanStatus.RETURNED, "Target kuantitas terlalu rendah")
        changed = next(iter(plan.rhks.values())).model_copy(update={"title": "Tersusunnya 24 analisis jabatan"})
        plan.update_rhk(actor_id=EMPLOYEE, rhk=changed, cited=supervisor)
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        plan.approve(actor_id=EVALUATOR)
        assert plan.status is PlanStatus.APPROVED and plan.return_comments is None
        kinds = [type(e).__name__ for e in plan.pending]
        assert kinds == ["PlanDrafted", "RhkAdded", "PlanSubmitted", "PlanReturned", "RhkUpdated", "PlanSubmitted",
                         "PlanApproved"]

    def test_returning_needs_comments_and_the_evaluator(self) -> None:
        plan, supervisor = ready_to_submit()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        with pytest.raises(InvalidInput):
            plan.return_to_employee(actor_id=EVALUATOR, comments="  ")
        with pytest.raises(Forbidden):
            plan.return_to_employee(actor_id=EMPLOYEE, comments="x")

    def test_a_submitted_plan_cannot_be_edited(self) -> None:
        plan, supervisor = ready_to_submit()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        with pytest.raises(DomainRuleViolation):
            plan.remove_rhk(actor_id=EMPLOYEE, rhk_id=next(iter(plan.rhks)))

    def test_an_approved_plan_is_revised_with_a_reason_and_approved_again(self) -> None:
        plan, supervisor = ready_to_submit()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        plan.approve(actor_id=EVALUATOR)
        with pytest.raises(DomainRuleViolation):
            plan.add_rhk(actor_id=EMPLOYEE, rhk=rhk(), cited=None)
        plan.start_revision(actor_id=EMPLOYEE, reason="Penugasan baru dari Kepala Bidang")
        assert plan.status is PlanStatus.REVISING
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        plan.approve(actor_id=EVALUATOR)
        assert plan.revision_reasons == ["Penugasan baru dari Kepala Bidang"]

    def test_a_closed_plan_changes_no_more(self) -> None:
        plan, _ = ready_to_submit()
        plan.close(reason="akhir periode 2026")
        with pytest.raises(DomainRuleViolation):
            plan.close(reason="lagi")
        with pytest.raises(DomainRuleViolation):
            plan.add_rhk(actor_id=EMPLOYEE, rhk=rhk(), cited=None)

    def test_behaviour_expectations_keep_the_seven_values(self) -> None:
        plan, _ = ready_to_submit()
        plan.set_behaviour_expectations(actor_id=EVALUATOR, expectations={
            BerAkhlak.BERORIENTASI_PELAYANAN: "Menanggapi pengaduan dalam 1 hari kerja"})
        assert len(plan.behaviour) == 7
        assert plan.behaviour[BerAkhlak.BERORIENTASI_PELAYANAN] == "Menanggapi pengaduan dalam 1 hari kerja"
        with pytest.raises(Forbidden):
            plan.set_behaviour_expectations(actor_id="197502022001121004", expectations={})

    def test_replaying_the_events_gives_the_same_state_without_rechecking_rules(self) -> None:
        plan, supervisor = ready_to_submit()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        replayed = PerformancePlan.replay(plan.pending)
        assert (replayed.status, replayed.version, replayed.rhks) == (PlanStatus.SUBMITTED, 3, plan.rhks)
        assert isinstance(plan.pending[-1], PlanSubmitted)
        assert not any(isinstance(e, PlanApproved | PlanReturned) for e in replayed.pending)


class TestOldEvents:
    def test_a_v1_plan_drafted_event_is_upcast(self) -> None:
        v1 = {"plan_id": str(uuid.uuid4()), "employee_id": EMPLOYEE, "office_id": "K1", "period_year": 2025,
              "evaluator_id": EVALUATOR, "approach": "kuantitatif"}
        event = REGISTRY.decode("planning.PlanDrafted", 1, v1)
        assert isinstance(event, PlanDrafted)
        assert (event.unit_id, event.position_type, event.superior_id) == ("K1", PositionType.JA, None)
