"""Realisation (realisasi) of an SKP: progress per IKI with evidence, the evaluator's comments, and the
moment an IKI reaches its target.

Manual IKIs are realised by the employee's entries (summed); service IKIs are realised by the service
interactions the employee handled (counted, or averaged for satisfaction) — those are not reported by
hand. An IKI reaches its target once; a revised, higher target can be reached again.
"""

from __future__ import annotations

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
    RealisationRecorded,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
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


def evidence_problem(evidence: Evidence) -> str | None:
    if evidence.kind is EvidenceKind.LINK and not evidence.uri.startswith(("https://", "http://")):
        return "Tautan bukti dukung harus diawali http:// atau https://"
    if evidence.kind is EvidenceKind.FILE and evidence.sha256 is None:
        return "Berkas bukti dukung wajib disertai sha256 isinya"
    return None


class Realisation(Aggregate):
    """All realisation of one SKP (stream ``realisasi-<plan id>``)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[uuid.UUID, uuid.UUID] = {}  # entry id -> IKI id
        self.manual: dict[uuid.UUID, Decimal] = {}  # IKI id -> sum of entries
        self.achieved: dict[uuid.UUID, Decimal] = {}  # IKI id -> the target it reached
        self.comments: dict[uuid.UUID, list[tuple[str, str]]] = {}

    def report(self, *, actor_id: str, plan: PlanTargets, entries: list[NewEntry], origin: Origin) -> int:
        """Record entries (all or none); returns how many were new (an entry id seen before is skipped)."""
        if actor_id != plan.employee_id:
            raise Forbidden("Realisasi hanya dapat dilaporkan oleh pemilik SKP",
                            message_en="only the plan's owner reports realisation")
        if plan.status not in REALISABLE:
            raise DomainRuleViolation(f"Realisasi hanya dapat dilaporkan pada SKP yang disetujui (status: "
                                      f"{plan.status.value})", message_en="plan not approved", field="plan_id")
        problems: list[tuple[str, str]] = []
        for i, entry in enumerate(entries):
            target = plan.ikis.get(entry.iki_id)
            if target is None:
                problems.append((f"entries.{i}.iki_id", "IKI ini tidak ada di SKP Anda"))
            elif target.measure is not Measure.MANUAL:
                problems.append((f"entries.{i}.iki_id", "IKI ini dihitung otomatis dari interaksi layanan"))
            if entry.value <= 0:
                problems.append((f"entries.{i}.value", "Nilai realisasi harus lebih dari nol"))
            for j, evidence in enumerate(entry.evidence):
                if (problem := evidence_problem(evidence)) is not None:
                    problems.append((f"entries.{i}.evidence.{j}", problem))
        if problems:
            (first_field, first), rest = problems[0], problems[1:]
            raise InvalidInput(first, message_en="invalid realisation entries", field=first_field, details=rest)
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
            raise Forbidden("Hanya pejabat penilai yang dapat memberi catatan realisasi",
                            message_en="only the evaluator comments")
        if entry_id not in self.entries:
            raise InvalidInput("Entri realisasi tidak ditemukan", message_en="no such entry", field="entry_id")
        if not comment.strip():
            raise InvalidInput("Catatan wajib diisi", message_en="comment required", field="comment")
        comment_id = uuid.uuid4()
        self.record(RealisationCommented(plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id,
                                               comment_id=comment_id, author_id=actor_id, comment=comment.strip()))
        return comment_id

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
        self.entries[e.entry_id] = e.iki_id
        self.manual[e.iki_id] = self.manual.get(e.iki_id, Decimal(0)) + e.value

    def _on_RealisationCommented(self, e: RealisationCommented) -> None:  # noqa: N802
        self.comments.setdefault(e.entry_id, []).append((e.author_id, e.comment))

    def _on_IkiTargetAchieved(self, e: IkiTargetAchieved) -> None:  # noqa: N802
        self.achieved[e.iki_id] = e.target
