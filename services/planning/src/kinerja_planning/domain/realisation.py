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


MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")


def day_id(day: date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def date_problem(occurred_on: date, plan: PlanTargets, today: date) -> tuple[str, str] | None:
    """Why an entry cannot be dated ``occurred_on`` (Indonesian, English), or None: not after today in the office's
    zone, and within the SKP's year."""
    if occurred_on > today:
        return (f"Tanggal realisasi tidak boleh setelah hari ini ({day_id(today)}, waktu kantor); laporkan "
                "kegiatan yang sudah dilakukan", f"the day is after today ({today.isoformat()}, office time)")
    if occurred_on.year != plan.period_year:
        return (f"Tanggal realisasi harus dalam tahun SKP {plan.period_year} (1 Januari–31 Desember "
                f"{plan.period_year})", f"the day is outside the plan's year {plan.period_year}")
    return None


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
            if (dated := date_problem(entry.occurred_on, plan, today)) is not None:
                problems.append((f"entries.{i}.occurred_on", dated[0]))
            for j, evidence in enumerate(entry.evidence):
                if (problem := evidence_problem(evidence)) is not None:
                    problems.append((f"entries.{i}.evidence.{j}", problem))
        _refuse(problems, "invalid realisation entries")
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
        self._entry(entry_id)
        if not comment.strip():
            raise InvalidInput("Catatan wajib diisi", message_en="comment required", field="comment")
        comment_id = uuid.uuid4()
        self.record(RealisationCommented(plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id,
                                               comment_id=comment_id, author_id=actor_id, comment=comment.strip()))
        return comment_id

    def return_entry(self, *, actor_id: str, plan: PlanTargets, entry_id: uuid.UUID, reason: str,
                     on_behalf_of: str | None = None) -> None:
        """The evaluator (or their acting official, Plt/Plh, with ``on_behalf_of`` = the evaluator) sends an entry
        back for correction, saying why (it stops counting until corrected)."""
        if plan.evaluator_id not in (actor_id, on_behalf_of):
            raise Forbidden("Hanya pejabat penilai (atau Plt/Plh-nya pada masa tugas) yang dapat mengembalikan entri "
                            "realisasi", message_en="only the evaluator or their acting official returns an entry",
                            field="evaluator_id")
        entry = self._entry(entry_id)
        if not reason.strip():
            raise InvalidInput("Alasan pengembalian wajib diisi: tulis apa yang harus diperbaiki",
                               message_en="reason required", field="reason")
        if entry.status is not EntryStatus.COUNTED:
            raise DomainRuleViolation("Entri ini sudah dikembalikan atau ditarik", message_en="entry not counted now",
                                      field="entry_id")
        self.record(RealisationReturned(plan_id=plan.plan_id, employee_id=plan.employee_id, entry_id=entry_id,
                                        evaluator_id=actor_id, reason=reason.strip(), on_behalf_of=on_behalf_of))

    def correct(self, *, actor_id: str, plan: PlanTargets, entry_id: uuid.UUID, value: Decimal, occurred_on: date,
                description: str, evidence: tuple[Evidence, ...], today: date, note: str | None = None) -> None:
        """The employee corrects an entry the evaluator sent back; it counts again with the new value."""
        self._owner(actor_id, plan)
        entry = self._entry(entry_id)
        if entry.status is not EntryStatus.RETURNED:
            raise DomainRuleViolation("Hanya entri yang dikembalikan pejabat penilai yang dapat diperbaiki",
                                      message_en="only a returned entry is corrected", field="entry_id")
        problems: list[tuple[str, str]] = []
        if value <= 0:
            problems.append(("value", "Nilai realisasi harus lebih dari nol"))
        if (dated := date_problem(occurred_on, plan, today)) is not None:
            problems.append(("occurred_on", dated[0]))
        if not description.strip():
            problems.append(("description", "Uraian kegiatan wajib diisi"))
        for j, item in enumerate(evidence):
            if (problem := evidence_problem(item)) is not None:
                problems.append((f"evidence.{j}", problem))
        _refuse(problems, "invalid correction")
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
            raise DomainRuleViolation("Entri ini sudah ditarik", message_en="entry already withdrawn",
                                      field="entry_id")
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
            raise InvalidInput("Entri realisasi tidak ditemukan", message_en="no such entry", field="entry_id")
        return entry

    @staticmethod
    def _owner(actor_id: str, plan: PlanTargets) -> None:
        if actor_id != plan.employee_id:
            raise Forbidden("Hanya pemilik SKP yang dapat memperbaiki atau menarik entri realisasi",
                            message_en="only the plan's owner corrects or withdraws entries")
        if plan.status not in REALISABLE:
            raise DomainRuleViolation(f"Realisasi hanya dapat diubah pada SKP yang disetujui (status: "
                                      f"{plan.status.value})", message_en="plan not approved", field="plan_id")

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


def _refuse(problems: list[tuple[str, str]], message_en: str) -> None:
    if problems:
        (first_field, first), rest = problems[0], problems[1:]
        raise InvalidInput(first, message_en=message_en, field=first_field, details=rest)
