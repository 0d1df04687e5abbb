"""One appraisal's use cases, given an open appraisal: self-assessment, 360 (raters, input, closing the
window), the evaluator's ratings (also by an acting official), calibration, finalisation and acknowledgement."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_evaluation.domain.appraisal import Ratings
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import (
    CurveEnforcement,
    OfficeSettings,
    OrganisationPredicate,
    Predicate,
    Rater,
    RaterRelation,
    Rating,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, Forbidden, InvalidInput, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import (
    ACTING,
    APPRAISAL,
    EMPLOYEE,
    EMPLOYEE_P,
    EVALUATOR,
    EVALUATOR_P,
    HR_P,
    OFFICE,
    PEER,
    PEER_P,
    PERIOD,
    RHK_2,
    STREAM,
    SUPERIOR_P,
    UNIT,
    Clock,
    FakeFacts,
    acting_window,
    full,
    person,
    plan,
    rhks,
    stream,
    types,
    values,
)


@pytest.fixture(autouse=True)
async def given_an_open_appraisal(commands: AppraisalCommands, facts: FakeFacts) -> None:
    facts.plans = [(OFFICE, 2026, plan())]
    facts.relations[EMPLOYEE] = {PEER: frozenset({RaterRelation.PEER})}
    await commands.open_period(OFFICE, PERIOD.key, HR_P)


class TestSelfAssess:
    async def test_the_employee_self_assesses_and_the_same_again_records_nothing(
            self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        ref = await commands.self_assess(APPRAISAL, rhks(), values(), "Ringkasan", 1, EMPLOYEE_P)
        again = await commands.self_assess(APPRAISAL, rhks(), values(), "Ringkasan", None, EMPLOYEE_P)
        assert (ref.appraisal_id, ref.version, again.version) == (APPRAISAL, 2, 2)
        assert types(store, STREAM)[-1] == "evaluation.SelfAssessmentSubmitted"
        assert stream(store, STREAM)[-1].actor.id == EMPLOYEE

    async def test_a_stale_version_conflicts_before_anything_is_decided(self, commands: AppraisalCommands) -> None:
        with pytest.raises(ConcurrencyError):
            await commands.self_assess(APPRAISAL, rhks(), values(), None, 7, EMPLOYEE_P)

    async def test_a_missing_item_is_named_by_its_key_with_the_others_as_details(
            self, commands: AppraisalCommands) -> None:
        with pytest.raises(InvalidInput) as refused:
            await commands.self_assess(APPRAISAL, rhks()[:1], values()[1:], None, None, EMPLOYEE_P)
        assert (refused.value.code, refused.value.field) == ("evaluation.rating.rhk-missing", f"rhk_ratings.{RHK_2}")
        assert refused.value.message == "RHK 'Laporan bulanan' belum dinilai"
        assert [d.message for d in refused.value.details] == ["Perilaku 'Berorientasi Pelayanan' belum dinilai"]

    async def test_someone_else_another_office_and_an_unknown_appraisal_are_refused(
            self, commands: AppraisalCommands) -> None:
        with pytest.raises(Forbidden) as other:
            await commands.self_assess(APPRAISAL, rhks(), values(), None, None, EVALUATOR_P)
        assert other.value.code == "evaluation.self-assessment.not-employee"
        with pytest.raises(Forbidden):
            await commands.self_assess(APPRAISAL, rhks(), values(), None, None,
                                       person(EMPLOYEE, Role.PEGAWAI, office_id="KANTOR-LAIN"))
        with pytest.raises(NotFound) as unknown:
            await commands.self_assess(uuid.uuid4(), rhks(), values(), None, None, EMPLOYEE_P)
        assert unknown.value.code == "evaluation.appraisal.not-found"


class TestAssignRaters:
    async def test_the_evaluator_assigns_a_peer_until_the_offices_rating_deadline(
            self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        await commands.assign_raters(APPRAISAL, [Rater(rater_id=PEER, relation=RaterRelation.PEER)], None,
                                     EVALUATOR_P)
        assigned = stream(store, STREAM)[-1]
        assert (assigned.event_type, assigned.actor.role) == ("evaluation.RatersAssigned", Role.PEJABAT_PENILAI)
        assert assigned.payload["window_closes_at"].startswith("2026-04-15T23:59:59")

    async def test_hr_assigns_as_hr_and_a_stranger_is_refused(self, commands: AppraisalCommands,
                                                              store: InMemoryEventStore) -> None:
        await commands.assign_raters(APPRAISAL, [Rater(rater_id=PEER, relation=RaterRelation.PEER)], None, HR_P)
        assert stream(store, STREAM)[-1].actor.role == Role.PENGELOLA_KEPEGAWAIAN
        with pytest.raises(Forbidden) as stranger:
            await commands.assign_raters(APPRAISAL, [], None, PEER_P)
        assert stranger.value.code == "evaluation.raters.not-assigner"
        assert stranger.value.message == "Penilai 360 ditugaskan oleh pejabat penilai atau pengelola kepegawaian"

    async def test_a_rater_the_roster_does_not_relate_is_refused_by_name(self, commands: AppraisalCommands) -> None:
        with pytest.raises(InvalidInput) as refused:
            await commands.assign_raters(APPRAISAL, [Rater(rater_id=PEER, relation=RaterRelation.SUBORDINATE)],
                                         None, EVALUATOR_P)
        assert refused.value.field == "raters.0.relation"
        assert refused.value.message == f"{PEER} bukan bawahan langsung pegawai ini menurut data kepegawaian"


class TestSubmitPeerInput:
    async def test_an_assigned_rater_answers_until_the_window_closes(
            self, commands: AppraisalCommands, clock: Clock, store: InMemoryEventStore) -> None:
        closes = clock.now + timedelta(days=2)
        await commands.assign_raters(APPRAISAL, [Rater(rater_id=PEER, relation=RaterRelation.PEER)], closes,
                                     EVALUATOR_P)
        await commands.submit_peer_input(APPRAISAL, dict.fromkeys(BerAkhlak, 4), {}, PEER_P)
        assert types(store, STREAM)[-1] == "evaluation.PeerInputSubmitted"
        clock.now = closes + timedelta(seconds=1)
        with pytest.raises(DomainRuleViolation) as late:
            await commands.submit_peer_input(APPRAISAL, dict.fromkeys(BerAkhlak, 5), {}, PEER_P)
        assert late.value.code == "evaluation.peer.closed"

    async def test_someone_not_assigned_and_a_missing_value_are_refused(self, commands: AppraisalCommands) -> None:
        with pytest.raises(Forbidden) as stranger:
            await commands.submit_peer_input(APPRAISAL, dict.fromkeys(BerAkhlak, 4), {}, PEER_P)
        assert (stranger.value.code, stranger.value.field) == ("evaluation.peer.not-assigned", "rater_id")
        await commands.assign_raters(APPRAISAL, [Rater(rater_id=PEER, relation=RaterRelation.PEER)], None,
                                     EVALUATOR_P)
        with pytest.raises(InvalidInput) as missing:
            await commands.submit_peer_input(APPRAISAL, {BerAkhlak.AKUNTABEL: 4}, {}, PEER_P)
        assert missing.value.message.startswith("Nilai untuk Berorientasi Pelayanan, Kompeten")
        assert missing.value.message_en.startswith("missing values: berorientasi_pelayanan, kompeten")


class TestClosePeerWindow:
    async def test_the_evaluator_closes_it_once(self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        with pytest.raises(DomainRuleViolation) as nobody:
            await commands.close_peer_window(APPRAISAL, EVALUATOR_P)
        assert nobody.value.code == "evaluation.peer-window.no-raters"
        await commands.assign_raters(APPRAISAL, [Rater(rater_id=PEER, relation=RaterRelation.PEER)], None,
                                     EVALUATOR_P)
        await commands.close_peer_window(APPRAISAL, EVALUATOR_P)
        assert types(store, STREAM)[-1] == "evaluation.PeerWindowClosed"
        with pytest.raises(DomainRuleViolation) as twice:
            await commands.close_peer_window(APPRAISAL, HR_P)
        assert twice.value.code == "evaluation.peer-window.already-closed"

    async def test_the_employee_cannot_close_it(self, commands: AppraisalCommands) -> None:
        with pytest.raises(Forbidden) as refused:
            await commands.close_peer_window(APPRAISAL, EMPLOYEE_P)
        assert refused.value.code == "evaluation.peer-window.not-closer"


class TestRate:
    async def test_the_evaluator_rates_and_the_predicate_follows(self, commands: AppraisalCommands,
                                                                 store: InMemoryEventStore) -> None:
        await commands.rate(APPRAISAL, full(Rating.DI_ATAS, Rating.DI_ATAS), None, 1, EVALUATOR_P)
        determined = stream(store, STREAM)[-1]
        assert (determined.event_type, determined.payload["predicate"]) == ("evaluation.PredicateDetermined",
                                                                            Predicate.SANGAT_BAIK.value)

    async def test_an_acting_official_rates_for_the_absent_evaluator_on_the_days_appointed(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        plh = person(ACTING, Role.PEGAWAI)
        with pytest.raises(Forbidden) as before:
            await commands.rate(APPRAISAL, full(), None, None, plh)
        assert before.value.code == "evaluation.appraisal.not-evaluator"
        facts.windows = [acting_window(ACTING, EVALUATOR)]
        await commands.rate(APPRAISAL, full(), None, None, plh)
        rated = [e for e in stream(store, STREAM) if e.event_type == "evaluation.RhkRated"]
        assert {e.payload["on_behalf_of"] for e in rated} == {EVALUATOR}

    async def test_the_evaluator_needs_the_evaluators_role(self, commands: AppraisalCommands) -> None:
        with pytest.raises(Forbidden):
            await commands.rate(APPRAISAL, full(), None, None, person(EVALUATOR, Role.PEGAWAI))


class TestCalibrate:
    async def test_hr_and_the_superior_calibrate_the_evaluator_does_not(
            self, commands: AppraisalCommands, store: InMemoryEventStore) -> None:
        await commands.rate(APPRAISAL, full(), None, None, EVALUATOR_P)
        await commands.calibrate(APPRAISAL, Rating.DI_ATAS, None, "Kalibrasi unit", HR_P)
        assert stream(store, STREAM)[-1].actor.role == Role.PENGELOLA_KEPEGAWAIAN
        await commands.calibrate(APPRAISAL, None, Rating.DI_ATAS, "Kalibrasi atasan", SUPERIOR_P)
        assert stream(store, STREAM)[-1].actor.role == Role.ATASAN_PENILAI
        with pytest.raises(Forbidden) as evaluator:
            await commands.calibrate(APPRAISAL, Rating.SESUAI, None, "x", EVALUATOR_P)
        assert evaluator.value.code == "evaluation.calibration.not-allowed"
        with pytest.raises(DomainRuleViolation) as same:
            await commands.calibrate(APPRAISAL, Rating.DI_ATAS, None, "x", HR_P)
        assert same.value.code == "evaluation.calibration.no-change"


class TestFinalise:
    async def test_an_incomplete_appraisal_names_the_first_gap_and_counts_the_others(
            self, commands: AppraisalCommands) -> None:
        await commands.rate(APPRAISAL, Ratings(rhks=rhks()), None, None, EVALUATOR_P)
        with pytest.raises(DomainRuleViolation) as refused:
            await commands.finalise(APPRAISAL, None, None, EVALUATOR_P)
        assert refused.value.message == "Penilaian belum lengkap: Perilaku 'Berorientasi Pelayanan' belum dinilai " \
                                        "(dan 8 lainnya)"
        assert len(refused.value.details) == 8

    async def test_the_evaluator_finalises_with_the_offices_objection_window(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.settings[OFFICE] = OfficeSettings(objection_window_days=14)
        ref = await commands.rate(APPRAISAL, full(), None, None, EVALUATOR_P)
        await commands.finalise(APPRAISAL, None, ref.version, EVALUATOR_P)
        finalised = stream(store, STREAM)[-1]
        assert finalised.event_type == "evaluation.AppraisalFinalised"
        assert finalised.payload["objection_deadline"].startswith("2026-04-17T23:59:59")

    async def test_a_blocking_curve_refuses_and_a_warning_curve_needs_a_justification(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.organisation[(OFFICE, UNIT, PERIOD.key)] = OrganisationPredicate.BAIK
        facts.unit_members[(OFFICE, UNIT, PERIOD.key)] = [Predicate.BAIK, Predicate.BAIK]
        await commands.rate(APPRAISAL, full(), None, None, EVALUATOR_P)
        facts.settings[OFFICE] = OfficeSettings(curve_enforcement=CurveEnforcement.BLOCK)
        with pytest.raises(DomainRuleViolation) as blocked:
            await commands.finalise(APPRAISAL, "Sudah sesuai capaian", None, EVALUATOR_P)
        assert blocked.value.code == "evaluation.curve.blocked"
        facts.settings[OFFICE] = OfficeSettings(curve_enforcement=CurveEnforcement.WARN)
        with pytest.raises(DomainRuleViolation) as unjustified:
            await commands.finalise(APPRAISAL, None, None, EVALUATOR_P)
        assert unjustified.value.field == "justification"
        await commands.finalise(APPRAISAL, "Seluruh pegawai mencapai target", None, EVALUATOR_P)
        assert types(store, STREAM)[-3:] == ["evaluation.CurveOverrideJustified", "evaluation.PeerWindowClosed",
                                             "evaluation.AppraisalFinalised"]


class TestAcknowledge:
    async def test_the_employee_acknowledges_a_final_result_once(self, commands: AppraisalCommands,
                                                                 store: InMemoryEventStore) -> None:
        with pytest.raises(DomainRuleViolation) as early:
            await commands.acknowledge(APPRAISAL, EMPLOYEE_P)
        assert early.value.code == "evaluation.appraisal.not-finalised"
        await commands.rate(APPRAISAL, full(), None, None, EVALUATOR_P)
        await commands.finalise(APPRAISAL, None, None, EVALUATOR_P)
        with pytest.raises(Forbidden):
            await commands.acknowledge(APPRAISAL, EVALUATOR_P)
        await commands.acknowledge(APPRAISAL, EMPLOYEE_P)
        assert types(store, STREAM)[-1] == "evaluation.ResultAcknowledged"
        with pytest.raises(DomainRuleViolation) as twice:
            await commands.acknowledge(APPRAISAL, EMPLOYEE_P)
        assert twice.value.message == "Hasil penilaian sudah diterima"

