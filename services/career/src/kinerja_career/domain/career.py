"""An employee's career record (stream ``karier-<NIP>``): the performance history and what follows from it.

Facts come in (appraisal results and their corrections, the roster, HR's rank, functional position and
potential entries); after each fact the record re-derives credit points, promotion eligibility, the
talent box, development recommendations and the PPPK contract flag, and records an event for each
derived value that changed (with the previous value and the reason). Apply methods only change state.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from kinerja_career.domain import rules
from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.career import (
    CatalogEntry,
    ContractReviewFlagChanged,
    CreditPoints,
    CreditPointsCalculated,
    DevelopmentRecommended,
    EmployeeProfile,
    EmployeeProfileChanged,
    FunctionalPosition,
    FunctionalPositionSet,
    PerformanceCorrected,
    PerformanceEntry,
    PerformanceRecorded,
    PotentialAssessed,
    PotentialAssessment,
    PromotionEligibilityChanged,
    Rank,
    RankRecorded,
    Recommendation,
    TalentBoxChanged,
)
from kinerja_kernel.contracts.evaluation import PeriodKind, Predicate
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput


class CareerRecord(Aggregate):
    """One employee's career facts and derived values."""

    def __init__(self) -> None:
        super().__init__()
        self.employee_id = ""
        self.office_id = ""
        self.profile: EmployeeProfile | None = None
        self.results: dict[str, PerformanceEntry] = {}  # current result per period key
        self.replaced: list[tuple[PerformanceEntry, str]] = []  # (earlier result, why it no longer counts)
        self.known_events: dict[uuid.UUID, str] = {}  # every evaluation event id that held a result -> period
        self.rank: Rank | None = None
        self.functional: FunctionalPosition | None = None
        self.coefficients: dict[int, Decimal] = {}
        self.potential: PotentialAssessment | None = None
        self.credit: dict[str, CreditPoints] = {}
        self.eligibility: dict[date, tuple[bool, tuple[str, ...]]] = {}
        self.box: int | None = None
        self.recommendations: dict[str, tuple[Recommendation, ...]] = {}
        self.contract_flags: dict[int, bool] = {}

    @classmethod
    def start(cls, employee_id: str, office_id: str) -> CareerRecord:
        """A record not yet in the store (its first event sets the identity for good)."""
        record = cls()
        record.employee_id, record.office_id = employee_id, office_id
        return record

    # -- facts -----------------------------------------------------------------------------------
    def update_profile(self, profile: EmployeeProfile, reason: str | None) -> None:
        if profile == self.profile:
            return
        self.record(EmployeeProfileChanged(employee_id=self.employee_id, profile=profile, previous=self.profile,
                                           reason=reason or "Data pegawai di roster kantor berubah"))

    def record_result(self, entry: PerformanceEntry, catalog: Sequence[CatalogEntry]) -> None:
        """A finalised result enters the history (a second one for the same period replaces the first)."""
        if entry.source_event_id in self.known_events:
            return
        key = entry.period.key
        replaces = self.results.get(key)
        reason = f"Hasil penilaian periode {key} difinalisasi" + (
            " (menggantikan hasil sebelumnya untuk periode yang sama)" if replaces else "")
        self.record(PerformanceRecorded(employee_id=self.employee_id, office_id=entry.office_id, entry=entry,
                                        replaces=replaces, reason=reason))
        self._derive(reason, catalog, changed=entry)

    def correct_result(self, *, replaces_event_id: uuid.UUID, objection_id: uuid.UUID, entry: PerformanceEntry,
                       why: str, catalog: Sequence[CatalogEntry]) -> None:
        """A result changed after an objection: it replaces the result published by ``replaces_event_id``."""
        if entry.source_event_id in self.known_events:
            return
        key = self.known_events.get(replaces_event_id)
        if key is None:
            raise DomainRuleViolation("career.result.correction-unknown", field="replaces_event_id",
                                      replaces_event_id=replaces_event_id)
        if key != entry.period.key:
            raise InvalidInput("career.result.correction-other-period", field="period", period_key=entry.period.key,
                               replaced=key)
        reason = f"Hasil penilaian periode {key} dikoreksi setelah keberatan: {why}"
        self.record(PerformanceCorrected(employee_id=self.employee_id, office_id=entry.office_id, entry=entry,
                                         previous=self.results[key], replaces_event_id=replaces_event_id,
                                         objection_id=objection_id, reason=reason))
        self._derive(reason, catalog, changed=entry)

    def record_rank(self, rank: Rank, reason: str | None, *, today: date) -> None:
        if rank.tmt > today:
            raise InvalidInput("career.rank.tmt-in-future", field="tmt", tmt=rank.tmt.isoformat())
        if rank == self.rank:
            return
        why = reason or f"Pangkat {rank.grade} TMT {rank.tmt.isoformat()} dicatat pengelola kepegawaian"
        self.record(RankRecorded(employee_id=self.employee_id, office_id=self.office_id, rank=rank,
                                 previous=self.rank, reason=why))
        self._derive(why, ())

    def set_functional_position(self, position: FunctionalPosition, reason: str | None) -> None:
        if position.coefficient <= 0:
            raise InvalidInput("career.position.coefficient-not-positive", field="coefficient")
        if position == self.functional:
            return
        why = reason or (f"Jenjang jabatan fungsional {position.level.value}, koefisien {position.coefficient} "
                         f"berlaku mulai {position.effective_year}")
        self.record(FunctionalPositionSet(employee_id=self.employee_id, office_id=self.office_id, position=position,
                                          previous=self.functional, reason=why))
        self._derive(why, ())

    def assess_potential(self, assessment: PotentialAssessment, reason: str | None, *, today: date) -> None:
        if assessment.assessed_on > today:
            raise InvalidInput("career.potential.assessed-in-future", field="assessed_on")
        if assessment == self.potential:
            return
        why = reason or (f"Potensi {rules.POTENTIAL_LABELS[assessment.potential]} dari {assessment.source} "
                         f"({assessment.assessed_on.isoformat()})")
        self.record(PotentialAssessed(employee_id=self.employee_id, office_id=self.office_id, assessment=assessment,
                                      previous=self.potential, reason=why))
        self._derive(why, ())

    # -- derived values --------------------------------------------------------------------------
    def annual_predicates(self) -> dict[int, Predicate]:
        return {e.period.year: e.predicate for e in self.results.values() if e.period.kind is PeriodKind.ANNUAL}

    def tracked_promotion_periods(self) -> tuple[date, ...]:
        """The promotion periods the record publishes eligibility for: those of the year after the latest
        annual result (the rounds that result feeds)."""
        annual = self.annual_predicates()
        return rules.promotion_periods(max(annual) + 1) if annual else ()

    def _derive(self, reason: str, catalog: Sequence[CatalogEntry], changed: PerformanceEntry | None = None) -> None:
        self._derive_credit_points(reason)
        self._derive_eligibility(reason)
        self._derive_box(reason)
        if changed is not None:
            self._derive_development(changed, catalog, reason)

    def _derive_credit_points(self, reason: str) -> None:
        desired = rules.credit_points(self.results.values(), self.coefficients)
        changed = {k: p for k, p in desired.items() if self.credit.get(k) != p}
        if not changed:
            return
        before = rules.year_totals(self.credit)
        after = rules.year_totals({**self.credit, **desired})
        for key in sorted(changed):
            entry = self.results[key]
            year = entry.period.year
            self.record(CreditPointsCalculated(
                employee_id=self.employee_id, office_id=self.office_id, period=entry.period, points=changed[key],
                previous=self.credit.get(key), year_total=after[year],
                previous_year_total=before.get(year, Decimal("0.00")), reason=reason))

    def _derive_eligibility(self, reason: str) -> None:
        annual = self.annual_predicates()
        for as_of in self.tracked_promotion_periods():
            assessment = rules.assess_promotion(self.rank.tmt if self.rank else None, annual, as_of)
            previous = self.eligibility.get(as_of)
            if previous == (assessment.eligible, assessment.reasons):
                continue
            self.record(PromotionEligibilityChanged(
                employee_id=self.employee_id, office_id=self.office_id, promotion_period=as_of,
                eligible=assessment.eligible, checks=assessment.checks, reasons=assessment.reasons,
                previous_eligible=previous[0] if previous else None,
                previous_reasons=previous[1] if previous else (), reason=reason))

    def _derive_box(self, reason: str) -> None:
        basis = rules.performance_basis(list(self.results.values()))
        if basis is None or self.potential is None:
            return
        performance = rules.talent_performance(basis)
        box = rules.talent_box(performance, self.potential.potential)
        if box == self.box:
            return
        self.record(TalentBoxChanged(
            employee_id=self.employee_id, office_id=self.office_id, box=box, performance=performance,
            potential=self.potential.potential, basis_period=basis.period.key,
            talent_pool=box in rules.TALENT_POOL_BOXES, previous_box=self.box, reason=reason))

    def _derive_development(self, entry: PerformanceEntry, catalog: Sequence[CatalogEntry], reason: str) -> None:
        key = entry.period.key
        items = rules.recommend(entry, catalog)
        previous = self.recommendations.get(key)
        if items != previous and (items or previous):
            self.record(DevelopmentRecommended(employee_id=self.employee_id, office_id=self.office_id,
                                               period_key=key, items=items, previous=previous, reason=reason))
        flag = rules.contract_review_needed(entry)
        year = entry.period.year
        previous_flag = self.contract_flags.get(year)
        if flag is not None and flag != previous_flag and (flag or previous_flag is not None):
            self.record(ContractReviewFlagChanged(employee_id=self.employee_id, office_id=self.office_id, year=year,
                                                  flagged=flag, previous=previous_flag, reason=reason))

    # -- apply -----------------------------------------------------------------------------------
    def _on_EmployeeProfileChanged(self, e: EmployeeProfileChanged) -> None:  # noqa: N802
        self.employee_id = e.employee_id
        self.profile = e.profile
        self.office_id = e.profile.office_id

    def _on_PerformanceRecorded(self, e: PerformanceRecorded) -> None:  # noqa: N802
        self.employee_id = e.employee_id
        if e.replaces is not None:
            self.replaced.append((e.replaces, e.reason))
        self.results[e.entry.period.key] = e.entry
        self.known_events[e.entry.source_event_id] = e.entry.period.key
        if self.profile is None or not self.office_id:
            self.office_id = e.office_id

    def _on_PerformanceCorrected(self, e: PerformanceCorrected) -> None:  # noqa: N802
        self.replaced.append((e.previous, e.reason))
        self.results[e.entry.period.key] = e.entry
        self.known_events[e.entry.source_event_id] = e.entry.period.key

    def _on_RankRecorded(self, e: RankRecorded) -> None:  # noqa: N802
        self.employee_id = e.employee_id
        self.office_id = self.office_id or e.office_id
        self.rank = e.rank

    def _on_FunctionalPositionSet(self, e: FunctionalPositionSet) -> None:  # noqa: N802
        self.employee_id = e.employee_id
        self.office_id = self.office_id or e.office_id
        self.functional = e.position
        self.coefficients[e.position.effective_year] = e.position.coefficient

    def _on_PotentialAssessed(self, e: PotentialAssessed) -> None:  # noqa: N802
        self.employee_id = e.employee_id
        self.office_id = self.office_id or e.office_id
        self.potential = e.assessment

    def _on_CreditPointsCalculated(self, e: CreditPointsCalculated) -> None:  # noqa: N802
        self.credit[e.period.key] = e.points

    def _on_PromotionEligibilityChanged(self, e: PromotionEligibilityChanged) -> None:  # noqa: N802
        self.eligibility[e.promotion_period] = (e.eligible, e.reasons)

    def _on_TalentBoxChanged(self, e: TalentBoxChanged) -> None:  # noqa: N802
        self.box = e.box

    def _on_DevelopmentRecommended(self, e: DevelopmentRecommended) -> None:  # noqa: N802
        self.recommendations[e.period_key] = e.items

    def _on_ContractReviewFlagChanged(self, e: ContractReviewFlagChanged) -> None:  # noqa: N802
        self.contract_flags[e.year] = e.flagged
