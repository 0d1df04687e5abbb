"""The career rules as tables, case by case."""

from datetime import date
from decimal import Decimal

import pytest

from kinerja_career.domain import rules
from kinerja_kernel.contracts.career import CatalogEntry, CatalogTrigger, Potential, RecommendationKind
from kinerja_kernel.contracts.evaluation import Predicate, Rating
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType

from .builders import entry

SB, B, BP, K, SK = (Predicate.SANGAT_BAIK, Predicate.BAIK, Predicate.BUTUH_PERBAIKAN, Predicate.KURANG,
                    Predicate.SANGAT_KURANG)


class TestCreditPoints:
    @pytest.mark.parametrize(("predicate", "amount"), [
        (SB, "18.75"), (B, "12.50"), (BP, "9.38"), (K, "6.25"), (SK, "3.13"),
    ])
    def test_annual_points_are_the_coefficient_times_the_predicate_factor(self, predicate: Predicate,
                                                                         amount: str) -> None:
        assert rules.credit_amount(Decimal("12.5"), predicate, 12) == Decimal(amount)

    def test_a_periodic_result_is_prorated_by_months_and_rounded_half_up_to_two_decimals(self) -> None:
        assert rules.credit_amount(Decimal("12.5"), B, 2) == Decimal("2.08")
        assert rules.credit_amount(Decimal("12.5"), B, 3) == Decimal("3.13")  # 3.125 rounds up
        assert rules.credit_amount(Decimal("25"), SB, 1) == Decimal("3.13")  # 3.125

    def test_periodic_points_count_until_the_years_annual_result_supersedes_them(self) -> None:
        coefficients = {2024: Decimal("12.5")}
        quarters = [entry("2025-Q1", B), entry("2025-Q2", SB)]
        points = rules.credit_points(quarters, coefficients)
        assert {k: (p.amount, p.counted) for k, p in points.items()} == {
            "2025-Q1": (Decimal("3.13"), True), "2025-Q2": (Decimal("4.69"), True)}
        assert rules.year_totals(points) == {2025: Decimal("7.82")}

        points = rules.credit_points([*quarters, entry("2025", B)], coefficients)
        assert {k: p.counted for k, p in points.items()} == {"2025-Q1": False, "2025-Q2": False, "2025": True}
        assert rules.year_totals(points) == {2025: Decimal("12.50")}

    def test_only_functional_positions_earn_points_and_only_from_the_coefficients_effective_year(self) -> None:
        coefficients = {2025: Decimal("25")}
        points = rules.credit_points([entry("2024", B), entry("2025", B),
                                      entry("2025", B, position_type=PositionType.JA)], coefficients)
        assert list(points) == ["2025"] and points["2025"].amount == Decimal("25.00")
        assert rules.coefficient_for(2027, {2024: Decimal("12.5"), 2026: Decimal("25")}) == Decimal("25")


class TestPromotion:
    def test_months_in_rank_count_a_month_once_its_day_is_reached(self) -> None:
        assert rules.months_between(date(2022, 4, 1), date(2026, 4, 1)) == 48
        assert rules.months_between(date(2022, 4, 2), date(2026, 4, 1)) == 47
        assert rules.months_between(date(2027, 1, 1), date(2026, 4, 1)) == 0

    def test_the_next_promotion_period_is_1_april_or_1_october(self) -> None:
        assert rules.next_promotion_period(date(2026, 1, 15)) == date(2026, 4, 1)
        assert rules.next_promotion_period(date(2026, 4, 1)) == date(2026, 4, 1)
        assert rules.next_promotion_period(date(2026, 11, 23)) == date(2027, 4, 1)

    def test_four_years_in_rank_and_baik_in_each_of_the_last_two_years_is_eligible(self) -> None:
        a = rules.assess_promotion(date(2022, 4, 1), {2025: B, 2024: SB}, date(2026, 4, 1))
        assert a.eligible and a.reasons == ()
        assert [c.message for c in a.checks] == [
            "Masa kerja dalam pangkat 4 tahun 0 bulan (minimal 4 tahun)", "Predikat 2025: Baik",
            "Predikat 2024: Sangat Baik"]

    def test_every_unmet_requirement_is_named_in_indonesian(self) -> None:
        a = rules.assess_promotion(date(2023, 2, 1), {2025: BP, 2023: B}, date(2026, 4, 1))
        assert not a.eligible
        assert a.reasons == ("Masa kerja dalam pangkat baru 3 tahun 2 bulan (minimal 4 tahun)",
                             "Predikat 2025: Butuh Perbaikan (minimal Baik)", "Belum ada predikat tahunan 2024")

    def test_without_a_recorded_rank_nobody_is_eligible(self) -> None:
        a = rules.assess_promotion(None, {2025: SB, 2024: SB}, date(2026, 10, 1))
        assert a.reasons == ("Pangkat dan TMT belum dicatat oleh pengelola kepegawaian",)


class TestTalentBox:
    @pytest.mark.parametrize(("performance", "potential", "box"), [
        (Rating.DI_ATAS, Potential.RENDAH, 4), (Rating.DI_ATAS, Potential.MENENGAH, 7),
        (Rating.DI_ATAS, Potential.TINGGI, 9), (Rating.SESUAI, Potential.RENDAH, 2),
        (Rating.SESUAI, Potential.MENENGAH, 5), (Rating.SESUAI, Potential.TINGGI, 8),
        (Rating.DI_BAWAH, Potential.RENDAH, 1), (Rating.DI_BAWAH, Potential.MENENGAH, 3),
        (Rating.DI_BAWAH, Potential.TINGGI, 6),
    ])
    def test_the_nine_box_follows_the_regulation(self, performance: Rating, potential: Potential, box: int) -> None:
        assert rules.talent_box(performance, potential) == box

    @pytest.mark.parametrize(("predicate", "performance"), [
        (SB, Rating.DI_ATAS), (B, Rating.SESUAI), (BP, Rating.DI_BAWAH), (K, Rating.DI_BAWAH),
        (SK, Rating.DI_BAWAH)])
    def test_performance_is_the_predicate_in_three_levels(self, predicate: Predicate, performance: Rating) -> None:
        assert rules.talent_performance(entry("2025", predicate)) == performance

    def test_the_latest_annual_result_wins_over_a_later_periodic_one(self) -> None:
        annual, later = entry("2025", B), entry("2026-Q1", SB)
        assert rules.performance_basis([later, annual]) == annual
        assert rules.performance_basis([entry("2026-Q1", B), later]) is not None
        assert rules.performance_basis([entry("2026-Q1", B), entry("2026-Q2", SB)]).period.key == "2026-Q2"  # type: ignore[union-attr]
        assert rules.performance_basis([]) is None


CATALOG = (
    CatalogEntry(code="KOMPUB", title="Pelatihan Komunikasi Publik", trigger=CatalogTrigger.NILAI,
                 value=BerAkhlak.BERORIENTASI_PELAYANAN, hours=24),
    CatalogEntry(code="MANKIN", title="Manajemen Kinerja dan Target", trigger=CatalogTrigger.HASIL_KERJA, hours=16),
)


class TestRecommendations:
    def test_a_weak_value_maps_to_the_offices_catalog_training(self) -> None:
        items = rules.recommend(entry("2025", B, weak_values=[BerAkhlak.BERORIENTASI_PELAYANAN]), CATALOG)
        assert [(i.kind, i.catalog_code, i.hours) for i in items] == [(RecommendationKind.PELATIHAN, "KOMPUB", 24)]
        assert "Berorientasi Pelayanan di bawah ekspektasi" in items[0].reason

    def test_a_weak_value_without_a_catalog_training_is_named_as_a_gap(self) -> None:
        [item] = rules.recommend(entry("2025", B, weak_values=[BerAkhlak.KOLABORATIF]), CATALOG)
        assert item.catalog_code is None and "katalog kantor belum memuat" in item.reason

    def test_weak_rhks_map_to_work_result_trainings(self) -> None:
        items = rules.recommend(entry("2025", B, rhks_below=1), CATALOG)
        assert [i.catalog_code for i in items] == ["MANKIN"] and "1 RHK di bawah ekspektasi" in items[0].reason

    def test_sangat_baik_leads_to_a_leadership_nomination(self) -> None:
        assert [i.kind for i in rules.recommend(entry("2025", SB), CATALOG)] == [
            RecommendationKind.PROGRAM_KEPEMIMPINAN]

    @pytest.mark.parametrize("predicate", [BP, K, SK])
    def test_butuh_perbaikan_or_worse_requires_an_improvement_plan(self, predicate: Predicate) -> None:
        kinds = [i.kind for i in rules.recommend(entry("2025", predicate), CATALOG)]
        assert RecommendationKind.RENCANA_PERBAIKAN in kinds

    def test_a_plain_baik_needs_nothing(self) -> None:
        assert rules.recommend(entry("2025", B), CATALOG) == ()

    def test_a_pppk_missing_agreed_targets_in_a_year_is_flagged_for_the_contract_decision(self) -> None:
        assert rules.contract_review_needed(entry("2025", BP, employment=Employment.PPPK)) is True
        assert rules.contract_review_needed(entry("2025", B, employment=Employment.PPPK)) is False
        assert rules.contract_review_needed(entry("2025", BP)) is None  # PNS
        assert rules.contract_review_needed(entry("2025-Q1", BP, employment=Employment.PPPK)) is None
