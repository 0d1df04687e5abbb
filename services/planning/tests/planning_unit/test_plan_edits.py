"""Fixing an SKP in place (issue 19): removing an RHK keeps what it was, approving carries an optional comment,
and a change that changes nothing records nothing."""

from __future__ import annotations

import uuid

from kinerja_kernel.contracts.planning import BerAkhlak, PlanApproved, RhkRemoved, RhkUpdated
from kinerja_planning.domain.plan import PlanStatus

from .builders import EMPLOYEE, EVALUATOR, approved_supervisor_plan, drafted, rhk


def _plan_citing_the_supervisor():  # type: ignore[no-untyped-def]
    first, second = uuid.uuid4(), uuid.uuid4()
    supervisor = approved_supervisor_plan(first, second)
    plan = drafted()
    plan.add_rhk(actor_id=EMPLOYEE, rhk=rhk(parent=(supervisor.plan_id, first)), cited=supervisor)
    return plan, supervisor, second


class TestFixingAnRhk:
    def test_re_linking_the_cascade_records_the_previous_rhk(self) -> None:
        plan, supervisor, other = _plan_citing_the_supervisor()
        before = next(iter(plan.rhks.values()))
        relinked = before.model_copy(update={"intervention": before.intervention.model_copy(  # type: ignore[union-attr]
            update={"rhk_id": other})})
        plan.update_rhk(actor_id=EMPLOYEE, rhk=relinked, cited=supervisor)
        event = plan.pending[-1]
        assert isinstance(event, RhkUpdated) and event.previous == before and event.rhk.intervention.rhk_id == other  # type: ignore[union-attr]

    def test_saving_the_same_rhk_again_records_nothing(self) -> None:
        plan, supervisor, _ = _plan_citing_the_supervisor()
        count = len(plan.pending)
        plan.update_rhk(actor_id=EMPLOYEE, rhk=next(iter(plan.rhks.values())), cited=supervisor)
        assert len(plan.pending) == count

    def test_removing_an_rhk_records_what_it_was(self) -> None:
        plan, _, _ = _plan_citing_the_supervisor()
        before = next(iter(plan.rhks.values()))
        plan.remove_rhk(actor_id=EMPLOYEE, rhk_id=before.rhk_id)
        event = plan.pending[-1]
        assert isinstance(event, RhkRemoved) and event.previous == before and plan.rhks == {}


class TestApprovingWithAComment:
    def test_the_comment_is_recorded_on_the_approval(self) -> None:
        plan, supervisor, _ = _plan_citing_the_supervisor()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        plan.approve(actor_id=EVALUATOR, comments="  Target kuantitas sudah realistis  ")
        event = plan.pending[-1]
        assert isinstance(event, PlanApproved) and event.comments == "Target kuantitas sudah realistis"
        assert plan.status is PlanStatus.APPROVED and plan.approval_comments == "Target kuantitas sudah realistis"

    def test_a_blank_comment_is_no_comment(self) -> None:
        plan, supervisor, _ = _plan_citing_the_supervisor()
        plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
        plan.approve(actor_id=EVALUATOR, comments="   ")
        assert plan.pending[-1].comments is None  # type: ignore[attr-defined]


class TestBehaviourExpectations:
    def test_the_evaluator_sets_them_and_the_same_again_records_nothing(self) -> None:
        plan, _, _ = _plan_citing_the_supervisor()
        plan.set_behaviour_expectations(actor_id=EVALUATOR, expectations={BerAkhlak.AKUNTABEL: "Laporan tepat waktu"})
        count = len(plan.pending)
        plan.set_behaviour_expectations(actor_id=EVALUATOR, expectations={BerAkhlak.AKUNTABEL: "Laporan tepat waktu"})
        assert len(plan.pending) == count and plan.behaviour[BerAkhlak.AKUNTABEL] == "Laporan tepat waktu"
