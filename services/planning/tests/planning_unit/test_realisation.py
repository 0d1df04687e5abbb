"""Realisation rules without I/O: entries, evidence, comments, and reaching a target once."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import (
    Aspect,
    Channel,
    Evidence,
    EvidenceKind,
    IkiTargetAchieved,
    Measure,
    Origin,
    PositionType,
    RealisationCommented,
    RealisationRecorded,
    ServiceInteraction,
    Target,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_planning.domain.interactions import add_up, period_year_of
from kinerja_planning.domain.realisation import NewEntry, PlanTargets, Realisation, ServiceTotals

from .builders import EMPLOYEE, EVALUATOR, drafted, iki, leader_rhk

SHA = "a" * 64
TODAY = date(2026, 12, 31)  # the office's day; the plans are of 2026


def approved_targets(*ikis: object) -> PlanTargets:
    plan = drafted(PositionType.KEPALA_UNIT)
    plan.add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(ikis=ikis or (iki(),)), cited=None)
    plan.submit(actor_id=EMPLOYEE, cited_by_evaluator=None)
    plan.approve(actor_id=EVALUATOR)
    return PlanTargets.of(plan)


def entry(target: PlanTargets, value: int, **overrides: object) -> NewEntry:
    fields: dict[str, object] = {"iki_id": next(iter(target.ikis)), "value": Decimal(value),
                                 "occurred_on": date(2026, 3, 2), "description": "Menyusun dokumen"}
    return NewEntry(**{**fields, **overrides})  # type: ignore[arg-type]


class TestReporting:
    def test_entries_add_up_and_the_target_is_announced_once(self) -> None:
        plan = approved_targets()  # kuantitas target: 12 dokumen
        realisation = Realisation()
        realisation.report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 5), entry(plan, 7)], origin=Origin.MANUAL)
        realisation.report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 3)], origin=Origin.MANUAL)
        kinds = [type(e) for e in realisation.pending]
        assert kinds == [RealisationRecorded, RealisationRecorded, IkiTargetAchieved, RealisationRecorded]
        achieved = realisation.pending[2]
        assert isinstance(achieved, IkiTargetAchieved)
        assert (achieved.realised, achieved.target, achieved.evaluator_id) == (Decimal(12), Decimal(12), EVALUATOR)
        assert realisation.realised(next(iter(plan.ikis.values())), ServiceTotals()) == Decimal(15)

    def test_an_entry_sent_twice_is_kept_once(self) -> None:
        plan = approved_targets()
        realisation = Realisation()
        same = entry(plan, 2, entry_id=uuid.uuid4())
        assert realisation.report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[same], origin=Origin.IMPORT) == 1
        assert realisation.report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[same], origin=Origin.IMPORT) == 0

    def test_an_iki_of_another_plan_is_refused(self) -> None:
        plan = approved_targets()
        with pytest.raises(InvalidInput) as info:
            Realisation().report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 1, iki_id=uuid.uuid4())],
                                 origin=Origin.MANUAL)
        assert info.value.field == "entries.0.iki_id"

    def test_only_the_owner_reports_and_only_on_an_approved_plan(self) -> None:
        plan = approved_targets()
        with pytest.raises(Forbidden):
            Realisation().report(today=TODAY, actor_id=EVALUATOR, plan=plan, entries=[entry(plan, 1)], origin=Origin.MANUAL)
        draft = drafted(PositionType.KEPALA_UNIT)
        draft.add_rhk(actor_id=EMPLOYEE, rhk=leader_rhk(), cited=None)
        draft_targets = PlanTargets.of(draft)
        with pytest.raises(DomainRuleViolation):
            Realisation().report(today=TODAY, actor_id=EMPLOYEE, plan=draft_targets, entries=[entry(draft_targets, 1)],
                                 origin=Origin.MANUAL)

    def test_evidence_must_be_a_web_link_or_a_file_with_its_hash(self) -> None:
        plan = approved_targets()
        bad = [Evidence(kind=EvidenceKind.LINK, uri="ftp://arsip/laporan.pdf"),
               Evidence(kind=EvidenceKind.FILE, uri="berkas/laporan.pdf")]
        with pytest.raises(InvalidInput) as info:
            Realisation().report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 1, evidence=tuple(bad))],
                                 origin=Origin.MANUAL)
        assert [info.value.field, *(d.field for d in info.value.details)] == ["entries.0.evidence.0", "entries.0.evidence.1"]
        good = (Evidence(kind=EvidenceKind.FILE, uri="s3://bukti/laporan.pdf", sha256=SHA, description="Laporan"),)
        assert Realisation().report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 1, evidence=good)],
                                    origin=Origin.MANUAL) == 1

    def test_a_bad_row_rejects_the_whole_batch(self) -> None:
        plan = approved_targets()
        realisation = Realisation()
        with pytest.raises(InvalidInput) as info:
            realisation.report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 1), entry(plan, 0)],
                               origin=Origin.IMPORT)
        assert info.value.field == "entries.1.value"
        assert realisation.pending == []

    def test_service_iki_is_not_reported_by_hand(self) -> None:
        plan = approved_targets(iki(measure=Measure.SERVICE_VOLUME, targets=(
            Target(aspect=Aspect.KUANTITAS, value=Decimal(100), unit="layanan"),)))
        with pytest.raises(InvalidInput, match="invalid realisation"):
            Realisation().report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[entry(plan, 1)], origin=Origin.MANUAL)


class TestComments:
    def test_the_evaluator_comments_on_an_entry(self) -> None:
        plan = approved_targets()
        realisation = Realisation()
        given = entry(plan, 1, entry_id=uuid.uuid4())
        realisation.report(today=TODAY, actor_id=EMPLOYEE, plan=plan, entries=[given], origin=Origin.MANUAL)
        realisation.comment(actor_id=EVALUATOR, plan=plan, entry_id=given.entry_id, comment="Lampirkan notulen")  # type: ignore[arg-type]
        assert isinstance(realisation.pending[-1], RealisationCommented)
        assert realisation.comments[given.entry_id] == [(EVALUATOR, "Lampirkan notulen")]  # type: ignore[index]
        with pytest.raises(Forbidden):
            realisation.comment(actor_id=EMPLOYEE, plan=plan, entry_id=given.entry_id, comment="x")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput):
            realisation.comment(actor_id=EVALUATOR, plan=plan, entry_id=uuid.uuid4(), comment="x")


def interaction(satisfaction: int | None, service_type: str = "konsultasi",
                at: datetime = datetime(2026, 5, 1, 9, tzinfo=UTC)) -> ServiceInteraction:
    return ServiceInteraction(interaction_id=uuid.uuid4(), employee_id=EMPLOYEE, office_id="K1",
                              channel=Channel.LOKET, service_type=service_type, occurred_at=at,
                              satisfaction=satisfaction)


class TestServiceInteractions:
    def test_a_batch_adds_up_per_employee_period_and_service_type(self) -> None:
        batch = [interaction(5), interaction(3), interaction(None), interaction(4, "pengaduan")]
        totals = add_up([(i, 2026) for i in batch] + [(interaction(2), 2027)])
        assert totals == {(EMPLOYEE, 2026, "konsultasi"): (3, 8, 2), (EMPLOYEE, 2026, "pengaduan"): (1, 4, 1),
                          (EMPLOYEE, 2027, "konsultasi"): (1, 2, 1)}

    def test_an_interaction_counts_in_the_year_of_the_office_zone(self) -> None:
        new_year_in_wib = datetime(2026, 12, 31, 18, tzinfo=UTC)  # 01:00 WIB on 1 January 2027
        assert period_year_of(interaction(5, at=new_year_in_wib)) == 2027
        half_past_eleven_wib = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 WITA, 01:30 WIT
        assert [period_year_of(interaction(5, at=half_past_eleven_wib), zone) for zone in TimeZone] == [
            2026, 2027, 2027]

    def test_satisfaction_outside_one_to_five_is_refused(self) -> None:
        with pytest.raises(ValueError, match="satisfaction"):
            interaction(6)

    def test_volume_iki_reaches_its_target_from_interactions(self) -> None:
        plan = approved_targets(
            iki(measure=Measure.SERVICE_VOLUME, service_type="konsultasi",
                targets=(Target(aspect=Aspect.KUANTITAS, value=Decimal(3), unit="layanan"),)),
            iki(measure=Measure.SERVICE_SATISFACTION,
                targets=(Target(aspect=Aspect.KUANTITAS, value=Decimal(4), unit="skor"),)))
        realisation = Realisation()
        totals = ServiceTotals(count={"konsultasi": 2, "pengaduan": 9}, satisfaction_sum={"konsultasi": 9},
                               satisfaction_count={"konsultasi": 2})
        realisation.service_totals_changed(plan=plan, totals=totals)
        assert realisation.pending == []  # 2 of 3 consultations: other services do not count
        totals.count["konsultasi"] = 3
        realisation.service_totals_changed(plan=plan, totals=totals)
        realisation.service_totals_changed(plan=plan, totals=totals)
        assert [type(e) for e in realisation.pending] == [IkiTargetAchieved]
        satisfaction = next(t for t in plan.ikis.values() if t.measure is Measure.SERVICE_SATISFACTION)
        assert realisation.realised(satisfaction, totals) == Decimal("4.50")
