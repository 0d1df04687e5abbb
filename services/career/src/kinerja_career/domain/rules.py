"""Career rules as tables and pure functions (domain.md, "Career development and downstream effects").

No I/O: every function takes the facts it needs (results, rank, catalog, a date) and returns a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from kinerja_kernel import messages
from kinerja_kernel.contracts.career import (
    CatalogEntry,
    CatalogTrigger,
    CreditPoints,
    PerformanceEntry,
    Potential,
    PromotionCheck,
    Recommendation,
    RecommendationKind,
)
from kinerja_kernel.contracts.evaluation import PREDICATE_LABELS, PeriodKind, Predicate, Rating
from kinerja_kernel.contracts.planning import Employment, PositionType
from kinerja_kernel.labels import value_label

# -- labels people read ------------------------------------------------------------------------------
POTENTIAL_LABELS: dict[Potential, str] = {
    Potential.TINGGI: "Tinggi", Potential.MENENGAH: "Menengah", Potential.RENDAH: "Rendah",
}

# best first: a predicate is "at least Baik" when its rank is <= Baik's
PREDICATE_ORDER: tuple[Predicate, ...] = (
    Predicate.SANGAT_BAIK, Predicate.BAIK, Predicate.BUTUH_PERBAIKAN, Predicate.KURANG, Predicate.SANGAT_KURANG,
)


def at_least(predicate: Predicate, minimum: Predicate) -> bool:
    return PREDICATE_ORDER.index(predicate) <= PREDICATE_ORDER.index(minimum)


# -- credit points (angka kredit, PerBKN 3/2023) ------------------------------------------------------
CREDIT_FACTORS: dict[Predicate, Decimal] = {
    Predicate.SANGAT_BAIK: Decimal("1.50"),
    Predicate.BAIK: Decimal("1.00"),
    Predicate.BUTUH_PERBAIKAN: Decimal("0.75"),
    Predicate.KURANG: Decimal("0.50"),
    Predicate.SANGAT_KURANG: Decimal("0.25"),
}
CENT = Decimal("0.01")


def credit_amount(coefficient: Decimal, predicate: Predicate, months: int) -> Decimal:
    """AK = coefficient x factor(predicate) x months/12, rounded once at the end to 2 decimals
    (ROUND_HALF_UP): 12.5 x 1.00 x 2/12 = 2.0833.. -> 2.08; annual (12 months) is exact."""
    return (coefficient * CREDIT_FACTORS[predicate] * Decimal(months) / Decimal(12)).quantize(CENT, ROUND_HALF_UP)


def coefficient_for(year: int, coefficients: Mapping[int, Decimal]) -> Decimal | None:
    """The coefficient in force in ``year``: the one set with the latest effective year <= ``year``."""
    years = [y for y in coefficients if y <= year]
    return coefficients[max(years)] if years else None


def credit_points(entries: Iterable[PerformanceEntry], coefficients: Mapping[int, Decimal]
                  ) -> dict[str, CreditPoints]:
    """The credit points of every JF result, by period key.

    No double counting: when a year has an annual result, the annual AK is the year's AK and the
    periodic (prorated) AK of that year stay on record but are not counted (``counted=False``). A
    year without an annual result counts its periodic AK (e.g. someone who left the JF mid-year).
    Results of non-JF positions and years without a coefficient give no AK.
    """
    jf = [e for e in entries if e.position_type is PositionType.JF]
    annual_years = {e.period.year for e in jf if e.period.kind is PeriodKind.ANNUAL}
    points: dict[str, CreditPoints] = {}
    for e in jf:
        coefficient = coefficient_for(e.period.year, coefficients)
        if coefficient is None:
            continue
        annual = e.period.kind is PeriodKind.ANNUAL
        points[e.period.key] = CreditPoints(
            predicate=e.predicate, coefficient=coefficient, factor=CREDIT_FACTORS[e.predicate], months=e.period.months,
            amount=credit_amount(coefficient, e.predicate, e.period.months),
            counted=annual or e.period.year not in annual_years,
        )
    return points


def year_totals(points: Mapping[str, CreditPoints]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for key, p in points.items():
        year = int(key[:4])
        totals[year] = totals.get(year, Decimal("0")) + (p.amount if p.counted else Decimal("0"))
    return totals


# -- promotion (kenaikan pangkat reguler) ---------------------------------------------------------------
MIN_MONTHS_IN_RANK = 48
MIN_PREDICATE = Predicate.BAIK
PROMOTION_MONTHS = (4, 10)  # regular promotion periods: 1 April and 1 October


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is before ``start``): a month counts once
    its day of month is reached (TMT 2022-04-01 -> 2026-04-01 is 48 months; 2026-03-31 is 47)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def promotion_periods(year: int) -> tuple[date, ...]:
    return tuple(date(year, month, 1) for month in PROMOTION_MONTHS)


def next_promotion_period(day: date) -> date:
    """The first promotion period on or after ``day``."""
    for candidate in (*promotion_periods(day.year), *promotion_periods(day.year + 1)):
        if candidate >= day:
            return candidate
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class PromotionAssessment:
    as_of: date
    eligible: bool
    checks: tuple[PromotionCheck, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(c.message for c in self.checks if not c.met)


def _check(rule: str, met: bool, code: str, **params: object) -> PromotionCheck:
    """One requirement, met or not. The published ``PromotionEligibilityChanged`` carries its Indonesian text,
    taken from the message catalog (``kinerja_career.messages``) when decided."""
    return PromotionCheck(rule=rule, met=met, message=messages.render(code, params))


def assess_promotion(rank_tmt: date | None, annual: Mapping[int, Predicate], as_of: date) -> PromotionAssessment:
    """At least 4 years in the current rank at ``as_of`` and an annual predicate of at least Baik in each
    of the 2 years before ``as_of``'s year (for 1 April 2026: 2025 and 2024)."""
    checks: list[PromotionCheck] = []
    if rank_tmt is None:
        checks.append(_check("masa_kerja_pangkat", False, "career.promotion.rank-not-recorded"))
    else:
        months = months_between(rank_tmt, as_of)
        met = months >= MIN_MONTHS_IN_RANK
        checks.append(_check("masa_kerja_pangkat", met, "career.promotion.time-in-rank-met" if met
                             else "career.promotion.time-in-rank-short", years=months // 12, months=months % 12))
    for year in (as_of.year - 1, as_of.year - 2):
        predicate = annual.get(year)
        if predicate is None:
            checks.append(_check(f"predikat_{year}", False, "career.promotion.annual-missing", year=year))
            continue
        met = at_least(predicate, MIN_PREDICATE)
        checks.append(_check(f"predikat_{year}", met, "career.promotion.predicate-met" if met
                             else "career.promotion.predicate-low", year=year, predicate=predicate))
    return PromotionAssessment(as_of=as_of, eligible=all(c.met for c in checks), checks=tuple(checks))


# -- talent 9-box -----------------------------------------------------------------------------------------
PERFORMANCE_BY_PREDICATE: dict[Predicate, Rating] = {
    Predicate.SANGAT_BAIK: Rating.DI_ATAS,
    Predicate.BAIK: Rating.SESUAI,
    Predicate.BUTUH_PERBAIKAN: Rating.DI_BAWAH,
    Predicate.KURANG: Rating.DI_BAWAH,
    Predicate.SANGAT_KURANG: Rating.DI_BAWAH,
}

NINE_BOX: dict[tuple[Rating, Potential], int] = {
    (Rating.DI_ATAS, Potential.RENDAH): 4, (Rating.DI_ATAS, Potential.MENENGAH): 7,
    (Rating.DI_ATAS, Potential.TINGGI): 9,
    (Rating.SESUAI, Potential.RENDAH): 2, (Rating.SESUAI, Potential.MENENGAH): 5,
    (Rating.SESUAI, Potential.TINGGI): 8,
    (Rating.DI_BAWAH, Potential.RENDAH): 1, (Rating.DI_BAWAH, Potential.MENENGAH): 3,
    (Rating.DI_BAWAH, Potential.TINGGI): 6,
}
TALENT_POOL_BOXES = frozenset({7, 8, 9})


def performance_basis(entries: Sequence[PerformanceEntry]) -> PerformanceEntry | None:
    """The result the 9-box performance axis comes from: the latest annual result, else the latest
    periodic one (by period end)."""
    annual = [e for e in entries if e.period.kind is PeriodKind.ANNUAL]
    pool = annual or list(entries)
    return max(pool, key=lambda e: (e.period.end, e.period.months)) if pool else None


def talent_performance(entry: PerformanceEntry) -> Rating:
    """Performance on the 9-box is the predicate mapped to three levels, not the results rating:
    Sangat Baik -> Di Atas, Baik -> Sesuai, Butuh Perbaikan / Kurang / Sangat Kurang -> Di Bawah.
    The predicate already carries the behaviour veto of the matrix, so an employee with excellent
    results but behaviour below expectation (Kurang/Misconduct) is never a succession candidate."""
    return PERFORMANCE_BY_PREDICATE[entry.predicate]


def talent_box(performance: Rating, potential: Potential) -> int:
    return NINE_BOX[(performance, potential)]


# -- development ------------------------------------------------------------------------------------------
WEAK_PREDICATES = frozenset({Predicate.BUTUH_PERBAIKAN, Predicate.KURANG, Predicate.SANGAT_KURANG})


def recommend(entry: PerformanceEntry, catalog: Sequence[CatalogEntry]) -> tuple[Recommendation, ...]:
    """Development for one result: a catalog training for each weak value (or for weak results), a
    leadership-programme nomination for Sangat Baik, an improvement plan with coaching for Butuh
    Perbaikan or worse. A weak value without a catalog training is still named, so the gap shows."""
    period = entry.period.key
    items: list[Recommendation] = []
    for value in entry.weak_values:
        label = value_label(value.value)
        matches = [c for c in catalog if c.trigger is CatalogTrigger.NILAI and c.value is value]
        reason = f"Nilai {label} di bawah ekspektasi pada periode {period}"
        items += [Recommendation(kind=RecommendationKind.PELATIHAN, title=c.title, reason=reason,
                                 catalog_code=c.code, hours=c.hours) for c in matches]
        if not matches:
            items.append(Recommendation(
                kind=RecommendationKind.PELATIHAN, title=f"Pengembangan kompetensi nilai {label}",
                reason=f"{reason}; katalog kantor belum memuat pelatihan untuk nilai ini"))
    if entry.results_rating is Rating.DI_BAWAH or entry.rhks_below:
        reason = (f"Hasil kerja periode {period}: {entry.rhks_below} RHK di bawah ekspektasi"
                  if entry.rhks_below else f"Rating hasil kerja periode {period} di bawah ekspektasi")
        items += [Recommendation(kind=RecommendationKind.PELATIHAN, title=c.title, reason=reason,
                                 catalog_code=c.code, hours=c.hours)
                  for c in catalog if c.trigger is CatalogTrigger.HASIL_KERJA]
    if entry.predicate is Predicate.SANGAT_BAIK:
        items.append(Recommendation(
            kind=RecommendationKind.PROGRAM_KEPEMIMPINAN, title="Nominasi program pelatihan kepemimpinan",
            reason=f"Predikat Sangat Baik pada periode {period}"))
    if entry.predicate in WEAK_PREDICATES:
        items.append(Recommendation(
            kind=RecommendationKind.RENCANA_PERBAIKAN, title="Rencana perbaikan kinerja dengan coaching",
            reason=f"Predikat {PREDICATE_LABELS[entry.predicate]} pada periode {period}"))
    return tuple(items)


def contract_review_needed(entry: PerformanceEntry) -> bool | None:
    """For a PPPK's annual result: missed the agreed targets (results below expectation) -> flag for the
    contract decision. ``None`` when the rule does not apply (PNS, or a periodic result)."""
    if entry.employment is not Employment.PPPK or entry.period.kind is not PeriodKind.ANNUAL:
        return None
    return entry.results_rating is Rating.DI_BAWAH
