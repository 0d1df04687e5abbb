"""The objection (keberatan) use cases, given a finalised appraisal: filing it, explaining, the superior's
decision (also by an acting official) and the correction it publishes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_evaluation.application.ports import StaffMember
from kinerja_evaluation.domain.appraisal import appraisal_id_for
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import ObjectionDecision, Rating
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import (
    ACTING,
    APPRAISAL,
    EMPLOYEE_P,
    EVALUATOR,
    EVALUATOR_P,
    HR_P,
    OFFICE,
    PERIOD,
    STREAM,
    SUPERIOR,
    SUPERIOR_P,
    Clock,
    FakeFacts,
    acting_window,
    full,
    person,
    plan,
    stream,
    types,
)

REASONS = "Capaian RHK utama melampaui target namun dinilai sesuai ekspektasi"


@pytest.fixture(autouse=True)
async def given_a_finalised_appraisal(commands: AppraisalCommands, facts: FakeFacts) -> None:
    facts.plans = [(OFFICE, 2026, plan())]
    await commands.open_period(OFFICE, PERIOD.key, HR_P)
    await commands.rate(APPRAISAL, full(), None, None, EVALUATOR_P)
    await commands.finalise(APPRAISAL, None, None, EVALUATOR_P)


class TestFileObjection:
    async def test_the_employee_objects_once_within_the_window(self, commands: AppraisalCommands,
                                                               store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden) as other:
            await commands.file_objection(APPRAISAL, REASONS, EVALUATOR_P)
        assert other.value.code == "evaluation.objection.not-employee"
        await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        filed = stream(store, STREAM)[-1]
        assert (filed.event_type, filed.payload["superior_id"]) == ("evaluation.ObjectionFiled", SUPERIOR)
        with pytest.raises(DomainRuleViolation) as twice:
            await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        assert twice.value.code == "evaluation.objection.second"

    async def test_after_the_window_the_refusal_says_when_it_ended(self, commands: AppraisalCommands,
                                                                   clock: Clock) -> None:
        clock.now += timedelta(days=30)
        with pytest.raises(DomainRuleViolation) as late:
            await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        assert late.value.code == "evaluation.objection.window-closed"
        assert late.value.message == "Masa pengajuan keberatan telah berakhir pada 17 April 2026 23.59 WIB"


class TestFileObjectionWithoutASuperiorInTheSkp:
    @pytest.fixture(autouse=True)
    async def given_an_skp_without_a_superior(self, commands: AppraisalCommands, facts: FakeFacts) -> None:
        other = "199111112015111011"
        facts.plans = [(OFFICE, 2026, replace(plan(other), superior_id=None))]
        self.appraisal = appraisal_id_for(other, "2026")
        await commands.open_period(OFFICE, "2026", HR_P)
        self.employee = person(other, Role.PEGAWAI)
        await commands.rate(self.appraisal, full(), None, None, EVALUATOR_P)
        await commands.finalise(self.appraisal, None, None, EVALUATOR_P)

    async def test_the_rosters_superior_receives_it_and_without_one_it_is_refused(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        with pytest.raises(DomainRuleViolation) as nobody:
            await commands.file_objection(self.appraisal, REASONS, self.employee)
        assert nobody.value.code == "evaluation.objection.no-superior"
        facts.staff[self.employee.user_id] = StaffMember(employee_id=self.employee.user_id, office_id=OFFICE,
                                                         evaluator_id=EVALUATOR, superior_id=SUPERIOR)
        await commands.file_objection(self.appraisal, REASONS, self.employee)
        assert stream(store, f"penilaian-{self.appraisal}")[-1].payload["superior_id"] == SUPERIOR


class TestExplain:
    async def test_the_evaluator_and_the_employee_explain_others_do_not(self, commands: AppraisalCommands,
                                                                         store: InMemoryEventStore) -> None:
        with pytest.raises(DomainRuleViolation) as nothing:
            await commands.explain(APPRAISAL, "Penjelasan", EVALUATOR_P)
        assert nothing.value.code == "evaluation.objection.none-pending"
        await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        await commands.explain(APPRAISAL, "Target dinilai dari laporan triwulan", EVALUATOR_P)
        await commands.explain(APPRAISAL, "Laporan terlampir", EMPLOYEE_P)
        roles = [e.payload["author_role"] for e in stream(store, STREAM)
                 if e.event_type == "evaluation.ObjectionExplanationGiven"]
        assert roles == ["pejabat_penilai", "pegawai"]
        with pytest.raises(Forbidden) as stranger:
            await commands.explain(APPRAISAL, "x", HR_P)
        assert stranger.value.code == "evaluation.objection.not-a-party"


class TestDecideObjection:
    async def test_a_changed_decision_corrects_the_finalised_result_it_names(
            self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        await commands.decide_objection(APPRAISAL, ObjectionDecision.CHANGED, "Bukti capaian kuat", Rating.DI_ATAS,
                                        Rating.DI_ATAS, SUPERIOR_P)
        events = stream(store, STREAM)
        finalised = next(e for e in events if e.event_type == "evaluation.AppraisalFinalised")
        corrected = events[-1]
        assert corrected.event_type == "evaluation.AppraisalCorrected"
        assert corrected.payload["replaces_event_id"] == str(finalised.event_id)
        assert corrected.payload["result"]["predicate"] == "sangat_baik"

    async def test_upheld_with_ratings_and_the_evaluator_deciding_are_refused(
            self, commands: AppraisalCommands) -> None:
        await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        with pytest.raises(InvalidInput) as upheld:
            await commands.decide_objection(APPRAISAL, ObjectionDecision.UPHELD, "x", Rating.DI_ATAS, None,
                                            SUPERIOR_P)
        assert upheld.value.code == "evaluation.objection.upheld-with-ratings"
        with pytest.raises(Forbidden) as evaluator:
            await commands.decide_objection(APPRAISAL, ObjectionDecision.UPHELD, "x", None, None, EVALUATOR_P)
        assert evaluator.value.code == "evaluation.objection.not-superior"

    async def test_an_acting_official_decides_for_the_absent_superior(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        await commands.file_objection(APPRAISAL, REASONS, EMPLOYEE_P)
        facts.windows = [acting_window(ACTING, SUPERIOR)]
        await commands.decide_objection(APPRAISAL, ObjectionDecision.UPHELD, "Sudah sesuai", None, None,
                                        person(ACTING, Role.PEGAWAI))
        decided = stream(store, STREAM)[-1]
        assert (decided.event_type, decided.payload["on_behalf_of"]) == ("evaluation.ObjectionDecided", SUPERIOR)
        assert types(store, STREAM).count("evaluation.AppraisalCorrected") == 0
