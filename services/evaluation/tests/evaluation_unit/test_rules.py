"""The predicate matrix (all nine cases), the unit-head rule, the results guidance and every bound of
the distribution curve on a unit of realistic size (20 employees) and on a small one."""

from __future__ import annotations

import pytest

from kinerja_evaluation.domain.rules import (
    check_curve,
    predicate,
    results_rating_of_organisation,
    suggested_results_rating,
)
from kinerja_kernel.contracts.evaluation import OrganisationPredicate as Org
from kinerja_kernel.contracts.evaluation import Predicate as P  # noqa: N817
from kinerja_kernel.contracts.evaluation import Rating as R  # noqa: N817
from kinerja_kernel.contracts.planning import RhkKind


@pytest.mark.parametrize(("results", "behaviour", "expected"), [
    (R.DI_ATAS, R.DI_BAWAH, P.KURANG),
    (R.DI_ATAS, R.SESUAI, P.BAIK),
    (R.DI_ATAS, R.DI_ATAS, P.SANGAT_BAIK),
    (R.SESUAI, R.DI_BAWAH, P.KURANG),
    (R.SESUAI, R.SESUAI, P.BAIK),
    (R.SESUAI, R.DI_ATAS, P.BAIK),
    (R.DI_BAWAH, R.DI_BAWAH, P.SANGAT_KURANG),
    (R.DI_BAWAH, R.SESUAI, P.BUTUH_PERBAIKAN),
    (R.DI_BAWAH, R.DI_ATAS, P.BUTUH_PERBAIKAN),
])
def test_predicate_matrix(results: R, behaviour: R, expected: P) -> None:
    assert predicate(results, behaviour) is expected


def test_behaviour_below_is_a_veto_and_results_below_cap_at_butuh_perbaikan() -> None:
    assert {predicate(r, R.DI_BAWAH) for r in R} <= {P.KURANG, P.SANGAT_KURANG}
    assert {predicate(R.DI_BAWAH, b) for b in R} <= {P.BUTUH_PERBAIKAN, P.SANGAT_KURANG}


@pytest.mark.parametrize(("org", "rating"), [
    (Org.ISTIMEWA, R.DI_ATAS), (Org.BAIK, R.SESUAI), (Org.BUTUH_PERBAIKAN, R.DI_BAWAH), (Org.KURANG, R.DI_BAWAH),
    (Org.SANGAT_KURANG, R.DI_BAWAH),
])
def test_unit_head_results_rating_follows_the_organisation(org: Org, rating: R) -> None:
    assert results_rating_of_organisation(org) is rating


def test_results_guidance() -> None:
    u, t = RhkKind.UTAMA, RhkKind.TAMBAHAN
    assert suggested_results_rating([(u, R.DI_ATAS), (u, R.DI_ATAS), (t, R.SESUAI)]) is R.DI_ATAS
    # most above, but a main RHK below: not above
    assert suggested_results_rating([(u, R.DI_ATAS), (u, R.DI_ATAS), (u, R.DI_BAWAH)]) is R.SESUAI
    assert suggested_results_rating([(u, R.DI_BAWAH), (u, R.DI_BAWAH), (t, R.SESUAI)]) is R.DI_BAWAH
    assert suggested_results_rating([(u, R.SESUAI), (u, R.DI_BAWAH), (t, R.DI_ATAS)]) is R.SESUAI
    assert suggested_results_rating([]) is None


def unit(**counts: int) -> list[P | None]:
    """A unit as a list of predicates: ``unit(sangat_baik=14, baik=6)``; ``pending`` = not yet rated."""
    members: list[P | None] = []
    for name, n in counts.items():
        members += [None if name == "pending" else P(name)] * n
    return members


def violated(org: Org, members: list[P | None]) -> list[str]:
    return list(check_curve(org, members).violations)


# (organisation, a distribution of 20 at the bound, a distribution of 20 just past it, text of the bound)
BOUNDS = [
    (Org.ISTIMEWA, unit(sangat_baik=14, baik=6), unit(sangat_baik=15, baik=5), "Sangat Baik paling banyak 70%"),
    (Org.BAIK, unit(baik=14, sangat_baik=5, butuh_perbaikan=1), unit(baik=15, sangat_baik=4, butuh_perbaikan=1),
     "Baik paling banyak 70%"),
    (Org.BAIK, unit(baik=14, sangat_baik=5, kurang=1), unit(baik=14, sangat_baik=6),
     "minimal satu pegawai Butuh Perbaikan atau Kurang/Misconduct"),
    (Org.BUTUH_PERBAIKAN, unit(sangat_baik=2, butuh_perbaikan=12, baik=6),
     unit(sangat_baik=3, butuh_perbaikan=12, baik=5), "Sangat Baik paling banyak 10%"),
    (Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=12, baik=8), unit(butuh_perbaikan=11, baik=9),
     "Butuh Perbaikan paling sedikit 60%"),
    (Org.KURANG, unit(sangat_baik=2, butuh_perbaikan=2, kurang=12, baik=4),
     unit(sangat_baik=3, butuh_perbaikan=2, kurang=12, baik=3), "Sangat Baik paling banyak 10%"),
    (Org.KURANG, unit(butuh_perbaikan=2, kurang=12, baik=6), unit(butuh_perbaikan=1, kurang=12, baik=7),
     "Butuh Perbaikan paling sedikit 10%"),
    (Org.KURANG, unit(butuh_perbaikan=2, kurang=12, baik=6), unit(butuh_perbaikan=2, kurang=11, baik=7),
     "Kurang/Misconduct paling sedikit 60%"),
    (Org.SANGAT_KURANG, unit(sangat_kurang=12, butuh_perbaikan=2, baik=6),
     unit(sangat_kurang=12, butuh_perbaikan=2, baik=5, sangat_baik=1), "tidak ada Sangat Baik"),
    (Org.SANGAT_KURANG, unit(sangat_kurang=12, butuh_perbaikan=1, kurang=1, baik=6),
     unit(sangat_kurang=12, kurang=1, baik=7), "Butuh Perbaikan + Kurang/Misconduct paling sedikit 10%"),
    (Org.SANGAT_KURANG, unit(sangat_kurang=12, kurang=2, baik=6), unit(sangat_kurang=11, kurang=2, baik=7),
     "Sangat Kurang paling sedikit 60%"),
]


@pytest.mark.parametrize(("org", "at_bound", "past_bound", "label"), BOUNDS)
def test_each_curve_bound_on_a_unit_of_twenty(org: Org, at_bound: list[P | None], past_bound: list[P | None],
                                              label: str) -> None:
    assert len(at_bound) == len(past_bound) == 20
    assert violated(org, at_bound) == []
    broken = violated(org, past_bound)
    assert len(broken) == 1
    assert broken[0].startswith(label)


def test_the_arithmetic_is_shown() -> None:
    report = check_curve(Org.ISTIMEWA, unit(sangat_baik=15, baik=5))
    assert report.violations == ("Sangat Baik paling banyak 70%: 15 pegawai, batas 14",)
    assert report.total == 20
    assert report.counts[P.SANGAT_BAIK] == 15


def test_a_lower_bound_waits_for_pending_employees_but_an_upper_bound_does_not() -> None:
    # 20 in the unit, 8 rated Butuh Perbaikan, 4 still without a predicate: 60% (12) is still reachable
    assert violated(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=8, baik=8, pending=4)) == []
    # with only 3 pending it is not
    assert violated(Org.BUTUH_PERBAIKAN, unit(butuh_perbaikan=8, baik=9, pending=3)) == [
        "Butuh Perbaikan paling sedikit 60%: 8 pegawai (+3 belum dinilai), minimal 12"]
    # 3 Sangat Baik in an Istimewa unit of 4 is already over 70% (limit 2), whatever the last one gets
    assert violated(Org.ISTIMEWA, unit(sangat_baik=3, pending=1)) == [
        "Sangat Baik paling banyak 70%: 3 pegawai, batas 2"]


def test_small_units_are_coarse() -> None:
    # 70% of 3 is 2.1: at most 2 Sangat Baik; 10% of 3 rounds up to one required
    assert violated(Org.ISTIMEWA, unit(sangat_baik=2, baik=1)) == []
    assert violated(Org.SANGAT_KURANG, unit(sangat_kurang=2, baik=1)) == [
        "Butuh Perbaikan + Kurang/Misconduct paling sedikit 10%: 0 pegawai, minimal 1"]


def test_each_bound_carries_its_share_and_a_count_bound_none() -> None:
    baik = check_curve(Org.BAIK, [P.BAIK, P.BAIK, P.KURANG])
    assert [(c.share, c.at_most) for c in baik.checks] == [(0.70, True), (None, False)]
    sangat_kurang = check_curve(Org.SANGAT_KURANG, [P.SANGAT_KURANG])
    assert [c.share for c in sangat_kurang.checks] == [0, 0.10, 0.60]
