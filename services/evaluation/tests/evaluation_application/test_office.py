"""The office's use cases: settings, opening a period (and the appraisals it opens), an SKP approved later,
and a unit's organisation predicate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_evaluation.application.ports import OpenPeriod
from kinerja_evaluation.domain.appraisal import appraisal_id_for
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import OfficeSettings, OrganisationPredicate, Rating
from kinerja_kernel.contracts.planning import PositionType
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import (
    EMPLOYEE,
    EVALUATOR_P,
    HEAD,
    HR_P,
    OFFICE,
    PEER,
    PERIOD,
    SUPERIOR,
    UNIT,
    FakeFacts,
    person,
    plan,
    stream,
    types,
)


class TestConfigureOffice:
    async def test_hr_sets_the_settings_once_and_the_same_settings_again_record_nothing(
            self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        settings = OfficeSettings(peer_threshold=4)
        first = await commands.configure_office(OFFICE, settings, "Kalender 2026", HR_P)
        again = await commands.configure_office(OFFICE, settings, "Kalender 2026", HR_P)
        assert (first.version, again.version) == (1, 1)
        assert types(store, f"kantor-{OFFICE}") == ["evaluation.OfficeSettingsChanged"]
        assert stream(store, f"kantor-{OFFICE}")[0].actor.role == Role.PENGELOLA_KEPEGAWAIAN

    async def test_another_offices_hr_and_an_employee_are_refused(self, commands: AppraisalCommands,
                                                                  store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden):
            await commands.configure_office(OFFICE, OfficeSettings(), "x", person("197501012000031002",
                                            Role.PENGELOLA_KEPEGAWAIAN, office_id="KANTOR-LAIN"))
        with pytest.raises(Forbidden):
            await commands.configure_office(OFFICE, OfficeSettings(), "x", EVALUATOR_P)
        assert store.all_events() == []


class TestAmendOffice:
    async def test_only_the_settings_sent_change(self, commands: AppraisalCommands,
                                                 store: InMemoryEventStore) -> None:
        await commands.configure_office(OFFICE, OfficeSettings(peer_threshold=4), "awal", HR_P)
        changed = await commands.amend_office(OFFICE, {"objection_window_days": 21}, "SE baru", HR_P)
        assert changed.version == 2
        settings = stream(store, f"kantor-{OFFICE}")[-1].payload["settings"]
        assert (settings["peer_threshold"], settings["objection_window_days"]) == (4, 21)


class TestOpenPeriod:
    async def test_opens_an_appraisal_for_each_approved_skp_once(self, commands: AppraisalCommands,
                                                                 facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.plans = [(OFFICE, 2026, plan()), (OFFICE, 2026, plan(PEER)), (OFFICE, 2026, plan(SUPERIOR, rhks=()))]
        opened = await commands.open_period(OFFICE, PERIOD.key, HR_P)
        assert opened.appraisals_opened == 3 - 1  # an SKP without an RHK gets no appraisal
        assert opened.rating_due > opened.self_assessment_due
        assert types(store, f"penilaian-{appraisal_id_for(EMPLOYEE, PERIOD.key)}") == ["evaluation.AppraisalOpened"]
        assert facts.locked == [(OFFICE, 2026)]
        with pytest.raises(DomainRuleViolation) as twice:
            await commands.open_period(OFFICE, PERIOD.key, HR_P)
        assert twice.value.code == "evaluation.period.already-open"
        assert twice.value.message == "Periode 2026-Q1 sudah dibuka"

    async def test_a_unit_heads_appraisal_opens_with_the_organisation_predicate_set_before(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.plans = [(OFFICE, 2026, plan(HEAD, position_type=PositionType.KEPALA_UNIT))]
        facts.organisation[(OFFICE, UNIT, PERIOD.key)] = OrganisationPredicate.ISTIMEWA
        await commands.open_period(OFFICE, PERIOD.key, HR_P)
        events = stream(store, f"penilaian-{appraisal_id_for(HEAD, PERIOD.key)}")
        assert [e.event_type for e in events] == ["evaluation.AppraisalOpened", "evaluation.ResultsRatingSet"]
        assert events[1].payload["rating"] == Rating.DI_ATAS.value

    async def test_a_period_that_breaks_the_cadence_is_refused_and_nothing_opens(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.plans = [(OFFICE, 2026, plan())]
        with pytest.raises(InvalidInput) as refused:
            await commands.open_period(OFFICE, "2026-M01", HR_P)
        assert (refused.value.code, refused.value.field) == ("evaluation.period.wrong-cadence", "period")
        assert refused.value.message == ("Kantor ini melakukan penilaian periodik triwulanan; periode 2026-M01 "
                                         "tidak sesuai pengaturan")
        assert store.all_events() == []


class TestOpenForApprovedPlan:
    async def test_an_skp_approved_after_the_period_opened_gets_its_appraisal(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        await commands.open_period(OFFICE, PERIOD.key, HR_P)
        late = plan()
        facts.plans = [(OFFICE, 2026, late)]
        due = datetime(2026, 4, 15, 16, 59, tzinfo=UTC)
        facts.periods[(OFFICE, 2026)] = [OpenPeriod(PERIOD, due, due)]
        async with store.transaction() as conn:
            assert await commands.open_for_approved_plan(conn, late.plan_id) == 1
        async with store.transaction() as conn:
            assert await commands.open_for_approved_plan(conn, late.plan_id) == 0  # redelivered: nothing new
        assert stream(store, f"penilaian-{appraisal_id_for(EMPLOYEE, PERIOD.key)}")[0].actor.role == "system"

    async def test_an_unknown_plan_opens_nothing(self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        async with store.transaction() as conn:
            assert await commands.open_for_approved_plan(conn, plan().plan_id) == 0


class TestSetOrganisationPredicate:
    async def test_the_leader_above_sets_it_and_the_unit_heads_results_rating_follows(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.plans = [(OFFICE, 2026, plan(HEAD, position_type=PositionType.KEPALA_UNIT)), (OFFICE, 2026, plan())]
        facts.leaders[(OFFICE, UNIT)] = {SUPERIOR}
        await commands.open_period(OFFICE, PERIOD.key, HR_P)
        leader = person(SUPERIOR, Role.ATASAN_PENILAI)
        result = await commands.set_organisation_predicate(OFFICE, UNIT, PERIOD.key, OrganisationPredicate.BAIK,
                                                           "Capaian unit", None, leader)
        assert (result.predicate, result.unit_heads_updated) == (OrganisationPredicate.BAIK, 1)
        again = await commands.set_organisation_predicate(OFFICE, UNIT, PERIOD.key, OrganisationPredicate.BAIK,
                                                          "Capaian unit", None, leader)
        assert again.unit_heads_updated == 0
        assert types(store, f"predikat-organisasi-{OFFICE}/{UNIT}/{PERIOD.key}") == [
            "evaluation.OrganisationPredicateSet"]

    async def test_hr_needs_the_leaders_instruction_and_others_are_refused(
            self, commands: AppraisalCommands, facts: FakeFacts) -> None:
        facts.leaders[(OFFICE, UNIT)] = {SUPERIOR}
        with pytest.raises(Forbidden) as hr:
            await commands.set_organisation_predicate(OFFICE, UNIT, PERIOD.key, OrganisationPredicate.BAIK, "x",
                                                      None, HR_P)
        assert (hr.value.code, hr.value.field) == ("evaluation.organisation-predicate.needs-instruction",
                                                   "instructed_by")
        assert SUPERIOR in hr.value.message
        done = await commands.set_organisation_predicate(OFFICE, UNIT, PERIOD.key, OrganisationPredicate.BAIK, "x",
                                                         SUPERIOR, HR_P)
        assert done.predicate is OrganisationPredicate.BAIK
        with pytest.raises(Forbidden) as other:
            await commands.set_organisation_predicate(OFFICE, UNIT, PERIOD.key, OrganisationPredicate.KURANG, "x",
                                                      None, EVALUATOR_P)
        assert other.value.code == "evaluation.organisation-predicate.not-leader"

    async def test_a_unit_without_a_recorded_head_is_refused(self, commands: AppraisalCommands) -> None:
        with pytest.raises(DomainRuleViolation) as refused:
            await commands.set_organisation_predicate(OFFICE, UNIT, PERIOD.key, OrganisationPredicate.BAIK, "x",
                                                      None, HR_P)
        assert refused.value.message.startswith(f"Kepala unit {UNIT} belum tercatat")

