"""The SKP's appendix (lampiran: resources, accountability scheme, consequences): agreed by the owner or the
evaluator before approval, the previous appendix recorded, the same appendix again a no-op."""

from __future__ import annotations

import pytest

from kinerja_kernel.contracts.planning import PlanAppendix, PlanAppendixSet
from kinerja_kernel.errors import DomainRuleViolation, Forbidden
from kinerja_planning.domain.plan import PerformancePlan

from .builders import EMPLOYEE, EVALUATOR
from .test_plan import ready_to_submit

APPENDIX = PlanAppendix(resources=("Akses aplikasi SIASN", "Anggaran perjalanan dinas 4 kali"),
                        accountability=("Laporan bulanan kepada Kepala Bidang",),
                        consequences=("Dasar pemberian tunjangan kinerja",))


def test_the_owner_and_the_evaluator_agree_the_appendix_before_approval() -> None:
    plan, supervisor = ready_to_submit()
    plan.set_appendix(actor_id=EMPLOYEE, appendix=APPENDIX)
    recorded = plan.pending[-1]
    assert isinstance(recorded, PlanAppendixSet) and recorded.previous == PlanAppendix()
    assert PerformancePlan.replay(plan.pending).appendix == APPENDIX
    count = len(plan.pending)
    plan.set_appendix(actor_id=EVALUATOR, appendix=APPENDIX)
    assert len(plan.pending) == count  # the same appendix again records nothing
    changed = APPENDIX.model_copy(update={"consequences": ()})
    plan.set_appendix(actor_id=EVALUATOR, appendix=changed)
    last = plan.pending[-1]
    assert isinstance(last, PlanAppendixSet) and last.previous == APPENDIX and last.appendix == changed
    with pytest.raises(Forbidden):
        plan.set_appendix(actor_id="197502022001121004", appendix=APPENDIX)
    plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=supervisor)
    plan.set_appendix(actor_id=EVALUATOR, appendix=APPENDIX)  # still open while submitted
    plan.approve(actor_id=EVALUATOR)
    with pytest.raises(DomainRuleViolation):
        plan.set_appendix(actor_id=EVALUATOR, appendix=PlanAppendix())
