"""The SKP's use cases: draft, RHKs, submit, return, approve (also by a Plt/Plh), revise, close
(given / when / then, on the in-memory store)."""

from __future__ import annotations

import uuid

import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.planning import ActingKind, BerAkhlak
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, Forbidden, InvalidInput, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.domain.commands import (
    AddRhk,
    ApprovePlan,
    ClosePlan,
    RemoveRhk,
    ReturnPlan,
    SetBehaviourExpectations,
    StartRevision,
    SubmitPlan,
    UpdateRhk,
)
from kinerja_planning.domain.plan import PlanStatus, plan_id_for

from .conftest import (
    EMPLOYEE,
    EVALUATOR,
    OFFICE,
    PLH,
    YEAR,
    FixedActing,
    draft,
    employee,
    employee_plan_submitted,
    evaluator,
    evaluator_plan_approved,
    hr,
    office_roster,
    person,
    rhk,
    skp,
    stream,
    types,
)


@pytest.fixture(autouse=True)
async def _roster(planning: PlanningService) -> None:
    await office_roster(planning)


class TestDraftPlan:
    async def test_the_employee_drafts_with_office_unit_and_evaluator_from_the_roster(
            self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # when
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # then
        [drafted] = stream(store, skp())
        assert (ref.plan_id, ref.version) == (plan_id_for(EMPLOYEE, YEAR), 1)
        assert drafted.event_type == "planning.PlanDrafted"
        assert (drafted.payload["office_id"], drafted.payload["unit_id"], drafted.payload["evaluator_id"]) == (
            OFFICE, "UNIT-1", EVALUATOR)
        assert (drafted.actor_id, drafted.actor_role, drafted.subject) == (EMPLOYEE, "pegawai", EMPLOYEE)

    async def test_a_second_draft_for_the_period_is_refused(self, planning: PlanningService,
                                                            store: InMemoryEventStore) -> None:
        # given
        await planning.draft(draft(EMPLOYEE), employee())
        # when / then
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.draft(draft(EMPLOYEE), employee())
        assert (refused.value.code, refused.value.field) == ("planning.plan.exists", "period_year")
        assert refused.value.message == f"SKP periode {YEAR} sudah ada"
        assert types(store, skp()) == ["planning.PlanDrafted"]

    async def test_someone_not_on_the_roster_is_told_to_ask_hr(self, planning: PlanningService,
                                                               store: InMemoryEventStore) -> None:
        stranger = "199505052020121005"
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.draft(draft(stranger), person(stranger))
        assert refused.value.code == "planning.plan.not-on-roster"
        assert "hubungi pengelola kepegawaian" in refused.value.message
        assert types(store, skp(stranger)) == []

    async def test_nobody_drafts_another_employees_plan(self, planning: PlanningService,
                                                        store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden):
            await planning.draft(draft(EMPLOYEE), evaluator())
        assert types(store, skp()) == []


class TestAddRhk:
    async def test_an_rhk_citing_the_evaluators_approved_rhk_is_added(self, planning: PlanningService,
                                                                      store: InMemoryEventStore) -> None:
        # given
        parent = await evaluator_plan_approved(planning)
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # when
        added = await planning.add_rhk(AddRhk(plan_id=ref.plan_id, expected_version=1,
                                              rhk=rhk(cites=(plan_id_for(EVALUATOR, YEAR), parent))), employee())
        # then
        assert added.version == 2
        assert types(store, skp()) == ["planning.PlanDrafted", "planning.RhkAdded"]

    async def test_citing_a_plan_not_yet_approved_is_refused_with_its_status(
            self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # given: the evaluator's plan is only drafted
        evaluator_ref = await planning.draft(draft(EVALUATOR), evaluator())
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # when / then
        with pytest.raises(InvalidInput) as refused:
            await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=rhk(cites=(evaluator_ref.plan_id, uuid.uuid4()))),
                                   employee())
        assert (refused.value.code, refused.value.field) == ("planning.cascade.not-approved",
                                                             "rhk.intervention.plan_id")
        assert "masih berstatus 'draf'" in refused.value.message
        assert types(store, skp()) == ["planning.PlanDrafted"]

    async def test_a_stale_version_is_a_conflict_and_records_nothing(self, planning: PlanningService,
                                                                     store: InMemoryEventStore) -> None:
        # given
        ref = await planning.draft(draft(EVALUATOR), evaluator())
        await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=rhk(source="PK 2026")), evaluator())
        # when / then: the client still saw version 1
        with pytest.raises(ConcurrencyError):
            await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=rhk(source="PK 2026"), expected_version=1),
                                   evaluator())
        assert types(store, skp(EVALUATOR)) == ["planning.PlanDrafted", "planning.RhkAdded"]

    async def test_an_incomplete_rhk_names_every_problem(self, planning: PlanningService,
                                                         store: InMemoryEventStore) -> None:
        # given
        ref = await planning.draft(draft(EVALUATOR), evaluator())
        # when / then: a unit head's RHK needs a source, and may not cite a supervisor's RHK
        with pytest.raises(InvalidInput) as refused:
            await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=rhk(cites=(uuid.uuid4(), uuid.uuid4()))),
                                   evaluator())
        assert refused.value.code == "planning.rhk.incomplete"
        assert refused.value.field == "rhk.intervention"
        assert [(d.field, d.code) for d in refused.value.details] == [("rhk.source", "planning.rhk.source-required")]
        assert refused.value.message.startswith("RHK belum lengkap: RHK JPT/kepala unit mengacu")

    async def test_another_office_reads_as_forbidden_and_an_unknown_plan_as_not_found(
            self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # given
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # when / then
        with pytest.raises(Forbidden):
            await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=rhk(source="x")),
                                   person(EMPLOYEE, office_id="KANTOR-LAIN"))
        with pytest.raises(NotFound) as missing:
            await planning.add_rhk(AddRhk(plan_id=uuid.uuid4(), rhk=rhk(source="x")), employee())
        assert missing.value.code == "planning.plan.not-found"
        assert types(store, skp()) == ["planning.PlanDrafted"]


class TestRemoveRhk:
    async def test_the_owner_removes_an_rhk_of_a_draft(self, planning: PlanningService,
                                                       store: InMemoryEventStore) -> None:
        # given
        ref = await planning.draft(draft(EVALUATOR), evaluator())
        added = rhk(source="PK 2026")
        await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=added), evaluator())
        # when
        removed = await planning.remove_rhk(RemoveRhk(plan_id=ref.plan_id, rhk_id=added.rhk_id), evaluator())
        # then
        assert removed.version == 3
        assert types(store, skp(EVALUATOR))[-1] == "planning.RhkRemoved"


class TestSubmitPlan:
    async def test_blockers_refuse_the_submission_each_with_a_code(self, planning: PlanningService,
                                                                   store: InMemoryEventStore) -> None:
        # given: no RHK, and the evaluator has no approved plan
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # when / then
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.submit(SubmitPlan(plan_id=ref.plan_id), employee())
        assert (refused.value.code, refused.value.field) == ("planning.plan.cannot-submit-yet", "rhks")
        assert [(d.field, d.code) for d in refused.value.details] == [
            ("evaluator_id", "planning.plan.evaluator-plan-not-approved")]
        assert refused.value.message == "SKP belum dapat diajukan: SKP harus memiliki minimal satu RHK utama"
        assert types(store, skp()) == ["planning.PlanDrafted"]

    async def test_a_cascaded_plan_is_submitted(self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # when
        await employee_plan_submitted(planning)
        # then
        assert types(store, skp())[-1] == "planning.PlanSubmitted"

    async def test_the_blockers_are_listed_on_an_editable_plan_only(self, planning: PlanningService) -> None:
        # given
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # when
        _, blockers = await planning.get(ref.plan_id, employee())
        # then
        assert [b.code for b in blockers] == ["planning.plan.no-main-rhk", "planning.plan.evaluator-plan-not-approved"]
        assert blockers[1].message.startswith(f"Pejabat penilai ({EVALUATOR}) belum memiliki SKP periode {YEAR}")
        await evaluator_plan_approved(planning)
        plan, none = await planning.get(plan_id_for(EVALUATOR, YEAR), evaluator())
        assert (plan.status, none) == (PlanStatus.APPROVED, [])


class TestReturnPlan:
    async def test_the_evaluator_returns_with_comments(self, planning: PlanningService,
                                                       store: InMemoryEventStore) -> None:
        # given
        plan_id = await employee_plan_submitted(planning)
        # when
        await planning.return_plan(ReturnPlan(plan_id=plan_id, comments="Tambahkan IKI kualitas"), evaluator())
        # then
        [returned] = [e for e in stream(store, skp()) if e.event_type == "planning.PlanReturned"]
        assert (returned.payload["comments"], returned.actor_id, returned.actor_role) == (
            "Tambahkan IKI kualitas", EVALUATOR, "pejabat_penilai")

    async def test_another_employee_cannot_return_it(self, planning: PlanningService,
                                                     store: InMemoryEventStore) -> None:
        plan_id = await employee_plan_submitted(planning)
        with pytest.raises(Forbidden) as refused:
            await planning.return_plan(ReturnPlan(plan_id=plan_id, comments="x"), person(PLH, Role.PEJABAT_PENILAI))
        assert (refused.value.code, refused.value.field) == ("planning.plan.decide-not-evaluator", "evaluator_id")
        assert types(store, skp())[-1] == "planning.PlanSubmitted"


class TestApprovePlan:
    async def test_the_evaluator_approves(self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # given
        plan_id = await employee_plan_submitted(planning)
        # when
        ref = await planning.approve(ApprovePlan(plan_id=plan_id, comments="  "), evaluator())
        # then
        approved = stream(store, skp())[-1]
        assert approved.event_type == "planning.PlanApproved" and approved.stream_version == ref.version
        assert (approved.payload["approved_by"], approved.payload["comments"], approved.payload["on_behalf_of"]) == (
            EVALUATOR, None, None)

    async def test_the_evaluator_needs_the_evaluators_role(self, planning: PlanningService,
                                                           store: InMemoryEventStore) -> None:
        plan_id = await employee_plan_submitted(planning)
        with pytest.raises(Forbidden) as refused:
            await planning.approve(ApprovePlan(plan_id=plan_id), person(EVALUATOR, Role.PEGAWAI))
        assert refused.value.code == "kernel.access.role"
        assert types(store, skp())[-1] == "planning.PlanSubmitted"

    async def test_a_plh_approves_on_behalf_of_the_absent_evaluator(self, planning: PlanningService,
                                                                    acting: FixedActing,
                                                                    store: InMemoryEventStore) -> None:
        # given
        plan_id = await employee_plan_submitted(planning)
        acting.appointments.append((PLH, EVALUATOR, ActingKind.PLH))
        # when
        await planning.approve(ApprovePlan(plan_id=plan_id), person(PLH, Role.PEGAWAI))
        # then
        approved = stream(store, skp())[-1]
        assert (approved.payload["approved_by"], approved.payload["on_behalf_of"], approved.payload["acting_kind"]) == (
            PLH, EVALUATOR, "plh")

    async def test_a_stale_version_is_a_conflict(self, planning: PlanningService, store: InMemoryEventStore) -> None:
        plan_id = await employee_plan_submitted(planning)
        with pytest.raises(ConcurrencyError):
            await planning.approve(ApprovePlan(plan_id=plan_id, expected_version=2), evaluator())
        assert types(store, skp())[-1] == "planning.PlanSubmitted"


class TestStartRevision:
    async def test_an_approved_plan_is_revised_with_a_reason(self, planning: PlanningService,
                                                             store: InMemoryEventStore) -> None:
        # given
        plan_id = await employee_plan_submitted(planning)
        await planning.approve(ApprovePlan(plan_id=plan_id), evaluator())
        # when
        await planning.start_revision(StartRevision(plan_id=plan_id, reason="Tugas tambahan"), employee())
        # then
        plan, _ = await planning.get(plan_id, employee())
        assert plan.status is PlanStatus.REVISING and plan.is_editable

    async def test_a_plan_not_approved_is_not_revised(self, planning: PlanningService) -> None:
        plan_id = await employee_plan_submitted(planning)
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.start_revision(StartRevision(plan_id=plan_id, reason="x"), employee())
        assert refused.value.code == "planning.plan.revise-not-approved"


class TestClosePlan:
    async def test_hr_closes_a_plan_and_closing_again_is_refused(self, planning: PlanningService,
                                                                 store: InMemoryEventStore) -> None:
        # given
        ref = await planning.draft(draft(EMPLOYEE), employee())
        # when
        await planning.close(ClosePlan(plan_id=ref.plan_id, reason="akhir periode"), hr())
        # then
        closed = stream(store, skp())[-1]
        assert (closed.event_type, closed.payload["status_at_close"], closed.actor_role) == (
            "planning.PlanClosed", "draft", "pengelola_kepegawaian")
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.close(ClosePlan(plan_id=ref.plan_id, reason="lagi"), hr())
        assert refused.value.message == "SKP sudah ditutup"

    async def test_only_hr_closes(self, planning: PlanningService, store: InMemoryEventStore) -> None:
        ref = await planning.draft(draft(EMPLOYEE), employee())
        with pytest.raises(Forbidden):
            await planning.close(ClosePlan(plan_id=ref.plan_id, reason="x"), evaluator())
        assert types(store, skp()) == ["planning.PlanDrafted"]


class TestUpdateRhk:
    async def test_the_same_rhk_again_records_nothing_and_a_change_records_the_previous(
            self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # given
        ref = await planning.draft(draft(EVALUATOR), evaluator())
        added = rhk(source="PK 2026")
        await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=added), evaluator())
        # when
        same = await planning.update_rhk(UpdateRhk(plan_id=ref.plan_id, rhk=added), evaluator())
        renamed = await planning.update_rhk(UpdateRhk(plan_id=ref.plan_id, rhk=added.model_copy(
            update={"title": "Terwujudnya layanan kepegawaian prima"})), evaluator())
        # then
        assert (same.version, renamed.version) == (2, 3)
        updated = stream(store, skp(EVALUATOR))[-1]
        assert updated.event_type == "planning.RhkUpdated"
        assert updated.payload["previous"]["title"] == added.title

    async def test_an_rhk_not_on_the_plan_is_refused(self, planning: PlanningService) -> None:
        ref = await planning.draft(draft(EVALUATOR), evaluator())
        with pytest.raises(InvalidInput) as refused:
            await planning.update_rhk(UpdateRhk(plan_id=ref.plan_id, rhk=rhk(source="PK")), evaluator())
        assert (refused.value.code, refused.value.field) == ("planning.rhk.not-found", "rhk_id")


class TestSetBehaviourExpectations:
    async def test_the_evaluator_sets_expectations_on_a_submitted_plan_in_the_evaluators_role(
            self, planning: PlanningService, store: InMemoryEventStore) -> None:
        # given
        plan_id = await employee_plan_submitted(planning)
        # when
        await planning.set_behaviour(SetBehaviourExpectations(
            plan_id=plan_id, expectations={BerAkhlak.BERORIENTASI_PELAYANAN: "Ramah dan cepat"}), evaluator())
        # then
        event = stream(store, skp())[-1]
        assert (event.event_type, event.actor_role) == ("planning.BehaviourExpectationsSet", "pejabat_penilai")
        assert event.payload["expectations"]["berorientasi_pelayanan"] == "Ramah dan cepat"

    async def test_an_approved_plan_takes_no_expectations(self, planning: PlanningService,
                                                          store: InMemoryEventStore) -> None:
        # given
        plan_id = await employee_plan_submitted(planning)
        await planning.approve(ApprovePlan(plan_id=plan_id), evaluator())
        # when / then
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.set_behaviour(SetBehaviourExpectations(
                plan_id=plan_id, expectations={BerAkhlak.AKUNTABEL: "x"}), evaluator())
        assert refused.value.code == "planning.plan.not-changeable"
        assert refused.value.message == "SKP berstatus 'disetujui' tidak dapat diubah"
        assert types(store, skp())[-1] == "planning.PlanApproved"
