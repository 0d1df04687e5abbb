"""Realisation (realisasi) of an SKP: progress per IKI with evidence, the evaluator's comments, and the
moment an IKI reaches its target.

Manual IKIs are realised by the employee's entries (summed); service IKIs are realised by the service
interactions the employee handled (counted, or averaged for satisfaction) — those are not reported by
hand. An IKI reaches its target once; a revised, higher target can be reached again.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.planning import (
    Aspect,
    Evidence,
    EvidenceKind,
    IkiTargetAchieved,
    Measure,
    Origin,
    RealisationCommented,
    RealisationCorrected,
    RealisationRecorded,
    RealisationReturned,
    RealisationWithdrawn,
)
from kinerja_kernel.errors import Detail, DomainRuleViolation, Forbidden, InvalidInput
from kinerja_planning.domain.plan import PerformancePlan, PlanStatus

REALISABLE = frozenset({PlanStatus.APPROVED, PlanStatus.REVISING})


@dataclass(frozen=True)
class IkiTarget:
    rhk_id: uuid.UUID
    iki_id: uuid.UUID
    description: str
    measure: Measure
    service_type: str | None
    target: Decimal | None  # the kuantitas target (None in a qualitative plan)
    unit: str | None


@dataclass(frozen=True)
class PlanTargets:
    """What realisation needs to know about the SKP (taken from the plan by the application layer)."""

    plan_id: uuid.UUID
    employee_id: str
    evaluator_id: str
    office_id: str
    period_year: int
    status: PlanStatus
    ikis: dict[uuid.UUID, IkiTarget]

    @classmethod
    def of(cls, plan: PerformancePlan) -> PlanTargets:
        assert plan.plan_id is not None
        ikis = {}
        for rhk in plan.rhks.values():
            for iki in rhk.ikis:
                kuantitas = next((t for t in iki.targets if t.aspect is Aspect.KUANTITAS), None)
                ikis[iki.iki_id] = IkiTarget(
                    rhk_id=rhk.rhk_id, iki_id=iki.iki_id, description=iki.description, measure=iki.measure,
                    service_type=iki.service_type, target=kuantitas.value if kuantitas else None,
                    unit=kuantitas.unit if kuantitas else None)
        return cls(plan_id=plan.plan_id, employee_id=plan.employee_id, evaluator_id=plan.evaluator_id,
                   office_id=plan.office_id, period_year=plan.period_year, status=plan.status, ikis=ikis)


@dataclass(frozen=True)
class NewEntry:
    """One reported piece of progress, as given by the employee (or one row of an import)."""

    iki_id: uuid.UUID
    value: Decimal
    occurred_on: date
    description: str
    evidence: tuple[Evidence, ...] = ()
    entry_id: uuid.UUID | None = None


@dataclass
class ServiceTotals:
    """Interactions counted so far in the period, per service type."""

    count: dict[str, int] = field(default_factory=dict)
    satisfaction_sum: dict[str, int] = field(default_factory=dict)
    satisfaction_count: dict[str, int] = field(default_factory=dict)

    def realised(self, target: IkiTarget) -> Decimal:
        types = [target.service_type] if target.service_type else list(self.count)
        if target.measure is Measure.SERVICE_VOLUME:
            return Decimal(sum(self.count.get(t, 0) for t in types))
        rated = sum(self.satisfaction_count.get(t, 0) for t in types)
        total = sum(self.satisfaction_sum.get(t, 0) for t in types)
        return (Decimal(total) / Decimal(rated)).quantize(Decimal("0.01")) if rated else Decimal(0)


class EntryStatus(enum.StrEnum):
    """Where an entry stands: counted, sent back by the evaluator (not counted until corrected), withdrawn."""

    COUNTED = "counted"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


@dataclass
class EntryState:
    iki_id: uuid.UUID
    value: Decimal
    occurred_on: date
    status: EntryStatus = EntryStatus.COUNTED
    returned_reason: str | None = None


def date_problem(occurred_on: date, plan: PlanTargets, today: date, field: str) -> Detail | None:
    """Why an entry cannot be dated ``occurred_on``, or None: not after today in the office's zone, and within
    the SKP's year."""
    if occurred_on > today:
        return Detail(field, "planning.realisation.after-today", {"today": today})
    if occurred_on.year != plan.period_year:
        return Detail(field, "planning.realisation.outside-year", {"period_year": plan.period_year})
    return None


def evidence_problem(evidence: Evidence, field: str) -> Detail | None:
    if evidence.kind is EvidenceKind.LINK and not evidence.uri.startswith(("https://", "http://")):
        return Detail(field, "planning.evidence.link-scheme")
    if evidence.kind is EvidenceKind.FILE and evidence.sha256 is None:
        return Detail(field, "planning.evidence.sha256-required")
    return None


class Realisation(Aggregate):
    """All realisation of one SKP (stream ``realisasi-<plan id>``)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[uuid.UUID, EntryState] = {}
        self.manual: dict[uuid.UUID, Decimal] = {}  # IKI id -> sum of the counted entries
        self.achieved: dict[uuid.UUID, Decimal] = {}  # IKI id -> the target it reached
        self.comments: dict[uuid.UUID, list[tuple[str, str]]] = {}

    def report(self, *, actor_id: str, plan: PlanTargets, entries: list[NewEntry], origin: Origin,
               today: date) -> int:
        """Record entries (all or none); returns how many were new (an entry id seen before is skipped).
        ``today`` is the date in the office's time zone: an entry may not be dated after it, nor outside the
        SKP's year."""
        if actor_id != plan.employee_id:
            raise Forbidden("planning.realisation.report-not-owner")
        if plan.status not in REALISABLE:
            raise DomainRuleViolation("planning.realisation.report-not-approved", field="plan_id",
                                      status=plan.status.value)
        problems: list[Detail] = []
        for i, entry in enumerate(entries):
            target = plan.ikis.get(entry.iki_id)
            if target is None:
                problems.append(Detail(f"entries.{i}.iki_id", "planning.realisation.iki-not-on-plan"))
            elif target.measure is not Measure.MANUAL:
                problems.append(Detail(f"entries.{i}.iki_id", "planning.realisation.iki-counted-from-services"))
            if entry.value <= 0:
                problems.append(Detail(f"entries.{i}.value", "planning.realisation.value-not-positive",
                                       {"value": str(entry.value)}))
            if (dated := date_problem(entry.occurred_on, plan, today, f"entries.{i}.occurred_on")) is not None:
                problems.append(dated)
            for j, evidence in enumerate(entry.evidence):
                if (problem := evidence_problem(evidence, f"entries.{i}.evidence.{j}")) is not None:
                    problems.append(problem)
        _refuse(problems, "planning.realisation.invalid-entries")
        new = 0
        for entry in entries:
            entry_id = entry.entry_id or uuid.uuid4()
            if entry_id in self.entries:
                continue
            target = plan.ikis[entry.iki_id]
            self.record(RealisationRecorded(
                plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id, rhk_id=target.rhk_id,
                iki_id=entry.iki_id, value=entry.value, unit=target.unit, occurred_on=entry.occurred_on,
                description=entry.description, evidence=entry.evidence, origin=origin))
            new += 1
            self._check_achieved(plan, target, self.manual.get(entry.iki_id, Decimal(0)))
        return new

    def comment(self, *, actor_id: str, plan: PlanTargets, entry_id: uuid.UUID, comment: str) -> uuid.UUID:
        if actor_id != plan.evaluator_id:
            raise Forbidden("planning.realisation.comment-not-evaluator")
        self._entry(entry_id)
        if not comment.strip():
            raise InvalidInput("planning.realisation.comment-required", field="comment")
        comment_id = uuid.uuid4()
        self.record(RealisationCommented(plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id,
                                               comment_id=comment_id, author_id=actor_id, comment=comment.strip()))
        return comment_id

    def return_entry(self, *, actor_id: str, plan: PlanTargets, entry_id: uuid.UUID, reason: str,
                     on_behalf_of: str | None = None) -> None:
        """The evaluator (or their acting official, Plt/Plh, with ``on_behalf_of`` = the evaluator) sends an entry
        back for correction, saying why (it stops counting until corrected)."""
        if plan.evaluator_id not in (actor_id, on_behalf_of):
            raise Forbidden("planning.realisation.return-not-evaluator", field="evaluator_id")
        entry = self._entry(entry_id)
        if not reason.strip():
            raise InvalidInput("planning.realisation.return-reason-required", field="reason")
        if entry.status is not EntryStatus.COUNTED:
            raise DomainRuleViolation("planning.realisation.entry-not-counted", field="entry_id",
                                      status=entry.status.value)
        self.record(RealisationReturned(plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id,
                                        evaluator_id=actor_id, reason=reason.strip(), on_behalf_of=on_behalf_of))

    def correct(self, *, actor_id: str, plan: PlanTargets, entry_id: uuid.UUID, value: Decimal, occurred_on: date,
                description: str, evidence: tuple[Evidence, ...], today: date, note: str | None = None) -> None:
        """The employee corrects an entry the evaluator sent back; it counts again with the new value."""
        self._owner(actor_id, plan)
        entry = self._entry(entry_id)
        if entry.status is not EntryStatus.RETURNED:
            raise DomainRuleViolation("planning.realisation.entry-not-returned", field="entry_id",
                                      status=entry.status.value)
        problems: list[Detail] = []
        if value <= 0:
            problems.append(Detail("value", "planning.realisation.value-not-positive", {"value": str(value)}))
        if (dated := date_problem(occurred_on, plan, today, "occurred_on")) is not None:
            problems.append(dated)
        if not description.strip():
            problems.append(Detail("description", "planning.realisation.description-required"))
        for j, item in enumerate(evidence):
            if (problem := evidence_problem(item, f"evidence.{j}")) is not None:
                problems.append(problem)
        _refuse(problems, "planning.realisation.invalid-correction")
        target = plan.ikis[entry.iki_id]
        self.record(RealisationCorrected(
            plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id, iki_id=entry.iki_id, value=value,
            previous_value=entry.value, unit=target.unit, occurred_on=occurred_on,
            previous_occurred_on=entry.occurred_on, description=description.strip(), evidence=evidence,
            note=(note or "").strip() or None))
        self._check_achieved(plan, target, self.manual.get(entry.iki_id, Decimal(0)))

    def withdraw(self, *, actor_id: str, plan: PlanTargets, entry_id: uuid.UUID, reason: str | None = None) -> None:
        """The employee withdraws an entry (it stops counting for good)."""
        self._owner(actor_id, plan)
        entry = self._entry(entry_id)
        if entry.status is EntryStatus.WITHDRAWN:
            raise DomainRuleViolation("planning.realisation.already-withdrawn", field="entry_id")
        self.record(RealisationWithdrawn(plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id,
                                         iki_id=entry.iki_id, value=entry.value,
                                         reason=(reason or "").strip() or None))

    def service_totals_changed(self, *, plan: PlanTargets, totals: ServiceTotals) -> None:
        """Interactions were counted: announce the service IKIs that now reach their target."""
        if plan.status not in REALISABLE:
            return
        for target in plan.ikis.values():
            if target.measure is Measure.SERVICE_VOLUME:
                self._check_achieved(plan, target, totals.realised(target))

    def realised(self, target: IkiTarget, totals: ServiceTotals) -> Decimal:
        if target.measure is Measure.MANUAL:
            return self.manual.get(target.iki_id, Decimal(0))
        return totals.realised(target)

    # -- helpers ------------------------------------------------------------------------------
    def _entry(self, entry_id: uuid.UUID) -> EntryState:
        entry = self.entries.get(entry_id)
        if entry is None:
            raise InvalidInput("planning.realisation.entry-not-found", field="entry_id", entry_id=str(entry_id))
        return entry

    @staticmethod
    def _owner(actor_id: str, plan: PlanTargets) -> None:
        if actor_id != plan.employee_id:
            raise Forbidden("planning.realisation.change-not-owner")
        if plan.status not in REALISABLE:
            raise DomainRuleViolation("planning.realisation.change-not-approved", field="plan_id",
                                      status=plan.status.value)

    def _check_achieved(self, plan: PlanTargets, target: IkiTarget, realised: Decimal) -> None:
        if target.target is None or realised < target.target:
            return
        if self.achieved.get(target.iki_id, Decimal(-1)) >= target.target:
            return
        self.record(IkiTargetAchieved(
            plan_id=plan.plan_id, employee_id=plan.employee_id, evaluator_id=plan.evaluator_id,
            office_id=plan.office_id, period_year=plan.period_year, rhk_id=target.rhk_id, iki_id=target.iki_id,
            iki_description=target.description, target=target.target, realised=realised, unit=target.unit))

    # -- state changes ------------------------------------------------------------------------
    def _on_RealisationRecorded(self, e: RealisationRecorded) -> None:  # noqa: N802
        self.entries[e.entry_id] = EntryState(iki_id=e.iki_id, value=e.value, occurred_on=e.occurred_on)
        self._count(e.iki_id, e.value)

    def _on_RealisationReturned(self, e: RealisationReturned) -> None:  # noqa: N802
        entry = self.entries[e.entry_id]
        entry.status, entry.returned_reason = EntryStatus.RETURNED, e.reason
        self._count(entry.iki_id, -entry.value)

    def _on_RealisationCorrected(self, e: RealisationCorrected) -> None:  # noqa: N802
        entry = self.entries[e.entry_id]
        if entry.status is EntryStatus.COUNTED:
            self._count(entry.iki_id, -entry.value)
        entry.value, entry.occurred_on, entry.status = e.value, e.occurred_on, EntryStatus.COUNTED
        self._count(entry.iki_id, e.value)

    def _on_RealisationWithdrawn(self, e: RealisationWithdrawn) -> None:  # noqa: N802
        entry = self.entries[e.entry_id]
        if entry.status is EntryStatus.COUNTED:
            self._count(entry.iki_id, -entry.value)
        entry.status = EntryStatus.WITHDRAWN

    def _count(self, iki_id: uuid.UUID, value: Decimal) -> None:
        self.manual[iki_id] = self.manual.get(iki_id, Decimal(0)) + value

    def _on_RealisationCommented(self, e: RealisationCommented) -> None:  # noqa: N802
        self.comments.setdefault(e.entry_id, []).append((e.author_id, e.comment))

    def _on_IkiTargetAchieved(self, e: IkiTargetAchieved) -> None:  # noqa: N802
        self.achieved[e.iki_id] = e.target


def _refuse(problems: list[Detail], summary: str) -> None:
    """Refuse with every problem: the first names the field, the rest are details."""
    if problems:
        first, rest = problems[0], problems[1:]
        raise InvalidInput(summary, field=first.field, details=rest, problem=first.message,
                           problem_en=first.message_en, first=first.code)
