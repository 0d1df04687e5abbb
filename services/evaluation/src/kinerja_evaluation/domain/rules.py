"""The official rules of the appraisal, as pure functions: the predicate matrix, a unit head's results
rating from the organisation predicate, the results-rating guidance, and the distribution curve.

Sources: PermenPAN-RB 6/2022 and SE MenPAN-RB 3/2023 (see ``docs/domain.md``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kinerja_kernel.contracts.evaluation import PREDICATE_LABELS, OrganisationPredicate, Predicate, Rating
from kinerja_kernel.contracts.planning import PositionType, RhkKind

# -- the predicate matrix ------------------------------------------------------------------------
# rows: Rating Hasil Kerja, columns: Rating Perilaku Kerja
_MATRIX: dict[tuple[Rating, Rating], Predicate] = {
    (Rating.DI_ATAS, Rating.DI_BAWAH): Predicate.KURANG,
    (Rating.DI_ATAS, Rating.SESUAI): Predicate.BAIK,
    (Rating.DI_ATAS, Rating.DI_ATAS): Predicate.SANGAT_BAIK,
    (Rating.SESUAI, Rating.DI_BAWAH): Predicate.KURANG,
    (Rating.SESUAI, Rating.SESUAI): Predicate.BAIK,
    (Rating.SESUAI, Rating.DI_ATAS): Predicate.BAIK,
    (Rating.DI_BAWAH, Rating.DI_BAWAH): Predicate.SANGAT_KURANG,
    (Rating.DI_BAWAH, Rating.SESUAI): Predicate.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.DI_ATAS): Predicate.BUTUH_PERBAIKAN,
}

UNIT_HEADS = frozenset({PositionType.KEPALA_UNIT, PositionType.JPT})


def predicate(results: Rating, behaviour: Rating) -> Predicate:
    """The employee's predicate from the two ratings (behaviour below is a veto; results below cap it)."""
    return _MATRIX[(results, behaviour)]


def results_rating_of_organisation(organisation: OrganisationPredicate) -> Rating:
    """A unit head's Rating Hasil Kerja is the unit's achievement: Istimewa is above expectation,
    Baik meets it, anything lower is below."""
    if organisation is OrganisationPredicate.ISTIMEWA:
        return Rating.DI_ATAS
    if organisation is OrganisationPredicate.BAIK:
        return Rating.SESUAI
    return Rating.DI_BAWAH


def suggested_results_rating(rhk_ratings: Iterable[tuple[RhkKind, Rating]]) -> Rating | None:
    """The guidance for the overall results rating from the per-RHK ratings (a suggestion shown to the
    evaluator, who decides): above = most above and no main RHK below; below = most below; else meets."""
    ratings = list(rhk_ratings)
    if not ratings:
        return None
    counts = Counter(r for _, r in ratings)
    half = len(ratings) / 2
    main_below = any(kind is RhkKind.UTAMA and r is Rating.DI_BAWAH for kind, r in ratings)
    if counts[Rating.DI_ATAS] > half and not main_below:
        return Rating.DI_ATAS
    if counts[Rating.DI_BAWAH] > half:
        return Rating.DI_BAWAH
    return Rating.SESUAI


# -- the distribution curve -----------------------------------------------------------------------
@dataclass(frozen=True)
class Bound:
    """``at most`` or ``at least`` a share of the unit's employees in a group of predicates."""

    predicates: frozenset[Predicate]
    share: float  # 0..1
    at_most: bool

    @property
    def label(self) -> str:
        names = " + ".join(PREDICATE_LABELS[p] for p in Predicate if p in self.predicates)
        if self.at_most and self.share == 0:
            return f"tidak ada {names}"
        percent = round(self.share * 100)
        return f"{names} {'paling banyak' if self.at_most else 'paling sedikit'} {percent}%"

    def limit(self, n: int) -> int:
        """The count allowed (at most) or required (at least) in a unit of ``n`` employees."""
        return math.floor(self.share * n + 1e-9) if self.at_most else math.ceil(self.share * n - 1e-9)


_SB, _B, _BP, _K, _SK = (Predicate.SANGAT_BAIK, Predicate.BAIK, Predicate.BUTUH_PERBAIKAN, Predicate.KURANG,
                         Predicate.SANGAT_KURANG)


def _most(share: float, *p: Predicate) -> Bound:
    return Bound(frozenset(p), share, at_most=True)


def _least(share: float, *p: Predicate) -> Bound:
    return Bound(frozenset(p), share, at_most=False)


@dataclass(frozen=True)
class AtLeastOne(Bound):
    """"at least one employee in ..." (a count, not a share)."""

    @property
    def label(self) -> str:
        names = " atau ".join(PREDICATE_LABELS[p] for p in Predicate if p in self.predicates)
        return f"minimal satu pegawai {names}"

    def limit(self, n: int) -> int:
        return 1 if n else 0


CURVE: dict[OrganisationPredicate, tuple[Bound, ...]] = {
    OrganisationPredicate.ISTIMEWA: (_most(0.70, _SB),),
    OrganisationPredicate.BAIK: (_most(0.70, _B), AtLeastOne(frozenset({_BP, _K}), 0, at_most=False)),
    OrganisationPredicate.BUTUH_PERBAIKAN: (_most(0.10, _SB), _least(0.60, _BP)),
    OrganisationPredicate.KURANG: (_most(0.10, _SB), _least(0.10, _BP), _least(0.60, _K)),
    OrganisationPredicate.SANGAT_KURANG: (_most(0, _SB), _least(0.10, _BP, _K), _least(0.60, _SK)),
}


@dataclass(frozen=True)
class BoundCheck:
    """One bound applied to the unit, with the arithmetic people need to see why."""

    label: str
    at_most: bool
    count: int  # employees already in the group
    limit: int  # allowed (at most) or required (at least)
    pending: int  # employees without a predicate yet
    violated: bool
    predicates: tuple[Predicate, ...] = ()  # the group the bound counts, in the matrix's order
    share: float | None = None  # the bound's share of the unit (0..1); None for a count ("at least one")

    @property
    def explanation(self) -> str:
        if self.at_most:
            return f"{self.label}: {self.count} pegawai, batas {self.limit}"
        return (f"{self.label}: {self.count} pegawai (+{self.pending} belum dinilai), minimal {self.limit}"
                if self.pending else f"{self.label}: {self.count} pegawai, minimal {self.limit}")


@dataclass(frozen=True)
class CurveReport:
    organisation: OrganisationPredicate
    total: int
    counts: Mapping[Predicate, int]
    pending: int
    checks: tuple[BoundCheck, ...]

    @property
    def violations(self) -> tuple[str, ...]:
        return tuple(c.explanation for c in self.checks if c.violated)


def check_curve(organisation: OrganisationPredicate, predicates: Iterable[Predicate | None]) -> CurveReport:
    """Check a unit's predicates (``None`` = not yet determined) against the curve of its organisation
    predicate. An upper bound is broken as soon as too many are in the group; a lower bound only when it
    can no longer be met even if every employee still without a predicate ended up in the group."""
    listed = list(predicates)
    counts = Counter(p for p in listed if p is not None)
    pending = sum(1 for p in listed if p is None)
    n = len(listed)
    checks = []
    for bound in CURVE[organisation]:
        count = sum(counts[p] for p in bound.predicates)
        limit = bound.limit(n)
        violated = count > limit if bound.at_most else count + pending < limit
        checks.append(BoundCheck(label=bound.label, at_most=bound.at_most, count=count, limit=limit,
                                 pending=pending, violated=violated,
                                 predicates=tuple(p for p in Predicate if p in bound.predicates),
                                 share=None if isinstance(bound, AtLeastOne) else bound.share))
    return CurveReport(organisation=organisation, total=n, counts={p: counts[p] for p in Predicate},
                       pending=pending, checks=tuple(checks))
