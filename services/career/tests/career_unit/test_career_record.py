"""An employee's career record over several years: history, corrections and everything derived."""

import uuid
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pytest

from kinerja_career.domain.career import CareerRecord
from kinerja_career.domain.results import entry_from_result
from kinerja_kernel.contracts import career as ev
from kinerja_kernel.contracts.career import (
    FunctionalLevel,
    FunctionalPosition,
    Potential,
    PotentialAssessment,
    Rank,
    RecommendationKind,
)
from kinerja_kernel.contracts.evaluation import EvaluationPeriod, Predicate, Rating
from kinerja_kernel.contracts.planning import Employment
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput
from kinerja_kernel.registry import DomainEvent

from .builders import EMPLOYEE, OFFICE, entry, result

SB, B, BP = Predicate.SANGAT_BAIK, Predicate.BAIK, Predicate.BUTUH_PERBAIKAN
TODAY = date(2026, 11, 23)


E = TypeVar("E", bound=DomainEvent)


def of(record: CareerRecord, kind: type[E]) -> list[E]:
    return [e for e in record.pending if isinstance(e, kind)]


def jf_with_history(*predicates: tuple[str, Predicate]) -> CareerRecord:
    """A JF employee (Ahli Pertama, 12.5 from 2023) in rank III/b since 1 April 2022, potential Menengah."""
    record = CareerRecord.start(EMPLOYEE, OFFICE)
    record.record_rank(Rank(grade="III/b", name="Penata Muda Tingkat I", tmt=date(2022, 4, 1)), None, today=TODAY)
    record.set_functional_position(FunctionalPosition(level=FunctionalLevel.AHLI_PERTAMA, coefficient=Decimal("12.5"),
                                                      effective_year=2023), None)
    record.assess_potential(PotentialAssessment(potential=Potential.MENENGAH, source="Assessment Center BKN",
                                                assessed_on=date(2025, 6, 10)), None, today=TODAY)
    for period, predicate in predicates:
        record.record_result(entry(period, predicate), ())
    return record


class TestHistory:
    def test_three_years_of_baik_make_the_employee_eligible_with_points_and_a_box(self) -> None:
        record = jf_with_history(("2023", B), ("2024", B), ("2025", B))
        assert sorted(record.results) == ["2023", "2024", "2025"]
        assert {k: p.amount for k, p in record.credit.items()} == {
            "2023": Decimal("12.50"), "2024": Decimal("12.50"), "2025": Decimal("12.50")}
        assert record.tracked_promotion_periods() == (date(2026, 4, 1), date(2026, 10, 1))
        assert record.eligibility[date(2026, 4, 1)] == (True, ())
        assert record.box == 5
        changes = of(record, ev.PromotionEligibilityChanged)
        assert [(c.promotion_period, c.eligible) for c in changes][-2:] == [
            (date(2026, 4, 1), True), (date(2026, 10, 1), True)]

    def test_a_correction_after_an_objection_flips_eligibility_credit_points_and_the_box(self) -> None:
        record = jf_with_history(("2023", B), ("2024", B))
        finalised = result("2025", B)
        source = uuid.uuid4()
        record.record_result(entry_from_result(finalised, source_event_id=source, subject=EMPLOYEE), ())
        assert record.eligibility[date(2026, 4, 1)] == (True, ()) and record.box == 5
        record.pending.clear()

        worse = finalised.model_copy(update={"predicate": BP, "results_rating": Rating.DI_BAWAH})
        record.correct_result(replaces_event_id=source, objection_id=uuid.uuid4(),
                              entry=entry_from_result(worse, source_event_id=uuid.uuid4(), subject=EMPLOYEE),
                              why="bukti dukung RHK 2 tidak sah", catalog=())

        [corrected] = of(record, ev.PerformanceCorrected)
        assert corrected.previous.predicate is B and corrected.entry.predicate is BP
        [points] = of(record, ev.CreditPointsCalculated)
        assert (points.previous.amount, points.points.amount) == (Decimal("12.50"), Decimal("9.38"))
        assert (points.previous_year_total, points.year_total) == (Decimal("12.50"), Decimal("9.38"))
        flips = of(record, ev.PromotionEligibilityChanged)
        assert [(f.promotion_period, f.previous_eligible, f.eligible) for f in flips] == [
            (date(2026, 4, 1), True, False), (date(2026, 10, 1), True, False)]
        assert flips[0].reasons == ("Predikat 2025: Butuh Perbaikan (minimal Baik)",)
        assert "dikoreksi setelah keberatan: bukti dukung RHK 2 tidak sah" in flips[0].reason
        [box] = of(record, ev.TalentBoxChanged)
        assert (box.previous_box, box.box, box.talent_pool) == (5, 3, False)
        [development] = of(record, ev.DevelopmentRecommended)
        assert [i.kind for i in development.items] == [RecommendationKind.RENCANA_PERBAIKAN]
        assert [e.period.key for e, _ in record.replaced] == ["2025"]

    def test_an_objection_that_raises_the_result_makes_the_employee_eligible_and_a_talent(self) -> None:
        record = jf_with_history(("2024", SB))
        source = uuid.uuid4()
        first = result("2025", BP)
        record.record_result(entry_from_result(first, source_event_id=source, subject=EMPLOYEE), ())
        assert record.eligibility[date(2026, 4, 1)][0] is False and record.box == 3
        better = first.model_copy(update={"predicate": SB, "results_rating": Rating.DI_ATAS,
                                          "behaviour_rating": Rating.DI_ATAS})
        record.correct_result(replaces_event_id=source, objection_id=uuid.uuid4(), catalog=(), why="bukti baru",
                              entry=entry_from_result(better, source_event_id=uuid.uuid4(), subject=EMPLOYEE))
        assert record.eligibility[date(2026, 4, 1)] == (True, ())
        assert record.box == 7 and record.credit["2025"].amount == Decimal("18.75")

    def test_the_next_years_result_moves_eligibility_to_the_next_promotion_rounds(self) -> None:
        record = jf_with_history(("2024", B), ("2025", B))
        record.pending.clear()
        record.record_result(entry("2026", BP), ())
        [april, october] = of(record, ev.PromotionEligibilityChanged)
        assert april.promotion_period == date(2027, 4, 1) and april.previous_eligible is None
        assert october.promotion_period == date(2027, 10, 1) and not october.eligible
        assert april.reasons == ("Predikat 2026: Butuh Perbaikan (minimal Baik)",)

    def test_the_rank_decides_when_four_years_are_reached(self) -> None:
        record = jf_with_history(("2024", B), ("2025", B))
        record.pending.clear()
        record.record_rank(Rank(grade="III/c", name="Penata", tmt=date(2022, 8, 1)), "kenaikan pangkat", today=TODAY)
        [april] = of(record, ev.PromotionEligibilityChanged)  # October: 4 years 2 months, still eligible
        assert april.promotion_period == date(2026, 4, 1)
        assert april.reasons == ("Masa kerja dalam pangkat baru 3 tahun 8 bulan (minimal 4 tahun)",)
        assert record.eligibility[date(2026, 10, 1)] == (True, ())

    def test_a_correction_of_an_unknown_result_cannot_be_used(self) -> None:
        record = jf_with_history(("2025", B))
        with pytest.raises(DomainRuleViolation) as info:
            record.correct_result(replaces_event_id=uuid.uuid4(), objection_id=uuid.uuid4(), entry=entry("2025", BP),
                                  why="x", catalog=())
        assert info.value.field == "replaces_event_id"

    def test_the_same_result_delivered_twice_is_recorded_once(self) -> None:
        record = CareerRecord.start(EMPLOYEE, OFFICE)
        e = entry("2025", B)
        record.record_result(e, ())
        record.record_result(e, ())
        assert len(of(record, ev.PerformanceRecorded)) == 1

    def test_replaying_the_events_gives_the_same_state(self) -> None:
        record = jf_with_history(("2023", B), ("2024", SB), ("2025-Q1", BP), ("2025", B))
        again = CareerRecord.replay(record.pending)
        assert (again.results, again.credit, again.eligibility, again.box, again.recommendations) == (
            record.results, record.credit, record.eligibility, record.box, record.recommendations)
        assert again.version == record.version


class TestCreditPointsOverTime:
    def test_the_annual_result_supersedes_the_years_periodic_points(self) -> None:
        record = jf_with_history(("2025-Q1", B), ("2025-Q2", B))
        assert record.credit["2025-Q1"].counted and record.credit["2025-Q2"].counted
        record.pending.clear()
        record.record_result(entry("2025", SB), ())
        changes = of(record, ev.CreditPointsCalculated)
        assert [(c.period.key, c.points.counted, c.year_total) for c in changes] == [
            ("2025", True, Decimal("18.75")), ("2025-Q1", False, Decimal("18.75")),
            ("2025-Q2", False, Decimal("18.75"))]
        assert changes[0].previous_year_total == Decimal("6.26")

    def test_a_coefficient_set_later_gives_points_to_results_already_recorded(self) -> None:
        record = CareerRecord.start(EMPLOYEE, OFFICE)
        record.record_result(entry("2025", B), ())
        assert record.credit == {}
        record.set_functional_position(FunctionalPosition(level=FunctionalLevel.AHLI_MUDA, coefficient=Decimal("25"),
                                                          effective_year=2025), None)
        assert record.credit["2025"].amount == Decimal("25.00")


class TestDevelopmentAndContracts:
    def test_a_pppk_missing_targets_is_flagged_and_a_correction_clears_the_flag(self) -> None:
        record = CareerRecord.start(EMPLOYEE, OFFICE)
        source = uuid.uuid4()
        missed = result("2025", BP, employment=Employment.PPPK)
        record.record_result(entry_from_result(missed, source_event_id=source, subject=EMPLOYEE), ())
        assert record.contract_flags == {2025: True}
        met = missed.model_copy(update={"predicate": B, "results_rating": Rating.SESUAI})
        record.correct_result(replaces_event_id=source, objection_id=uuid.uuid4(), why="target tercapai", catalog=(),
                              entry=entry_from_result(met, source_event_id=uuid.uuid4(), subject=EMPLOYEE))
        flags = of(record, ev.ContractReviewFlagChanged)
        assert [(f.flagged, f.previous) for f in flags] == [(True, None), (False, True)]

    def test_a_pns_or_a_pppk_meeting_targets_raises_no_flag(self) -> None:
        record = CareerRecord.start(EMPLOYEE, OFFICE)
        record.record_result(entry("2025", B, employment=Employment.PPPK), ())
        record.record_result(entry("2024", BP), ())
        assert of(record, ev.ContractReviewFlagChanged) == []

    def test_potential_and_rank_in_the_future_are_refused(self) -> None:
        record = CareerRecord.start(EMPLOYEE, OFFICE)
        with pytest.raises(InvalidInput) as info:
            record.assess_potential(PotentialAssessment(potential=Potential.TINGGI, source="AC",
                                                        assessed_on=date(2027, 1, 1)), None, today=TODAY)
        assert info.value.field == "assessed_on"
        with pytest.raises(InvalidInput) as info:
            record.record_rank(Rank(grade="III/a", name="Penata Muda", tmt=date(2027, 1, 1)), None, today=TODAY)
        assert info.value.field == "tmt"


class TestUnusableResults:
    def test_an_employee_id_that_is_not_an_nip_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as info:
            entry_from_result(result("2025", B, employee_id="12345"), source_event_id=uuid.uuid4(), subject="12345")
        assert info.value.field == "result.employee_id"

    def test_a_subject_other_than_the_employee_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            entry_from_result(result("2025", B), source_event_id=uuid.uuid4(), subject="198001012005011002")

    def test_a_period_contradicting_its_key_is_refused(self) -> None:
        bad = result("2025-Q1", B)
        bad = bad.model_copy(update={"period": EvaluationPeriod.parse("2025-Q1").model_copy(update={"months": 12})})
        with pytest.raises(InvalidInput) as info:
            entry_from_result(bad, source_event_id=uuid.uuid4(), subject=EMPLOYEE)
        assert info.value.field == "result.period"
