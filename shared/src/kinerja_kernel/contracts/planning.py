"""Events the planning service publishes on ``kinerja.planning.events`` (subject: the employee's NIP).

Value types used inside events (RHK, IKI, targets) are defined here too: they are part of the contract.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from kinerja_kernel.identity import Nip
from kinerja_kernel.registry import REGISTRY, DomainEvent, event


class Approach(enum.StrEnum):
    """How the SKP states its targets."""

    KUANTITATIF = "kuantitatif"
    KUALITATIF = "kualitatif"


class PositionType(enum.StrEnum):
    """JPT and unit heads cascade from the unit's agreement; JA/JF from their evaluator's RHKs."""

    JPT = "jpt"
    KEPALA_UNIT = "kepala_unit"
    JA = "ja"
    JF = "jf"

    @property
    def cascades_from_supervisor(self) -> bool:
        return self in (PositionType.JA, PositionType.JF)


class Employment(enum.StrEnum):
    PNS = "pns"
    PPPK = "pppk"


class RhkKind(enum.StrEnum):
    UTAMA = "utama"
    TAMBAHAN = "tambahan"


class Perspective(enum.StrEnum):
    """Balanced-scorecard perspective of a JPT's RHK."""

    PENERIMA_LAYANAN = "penerima_layanan"
    PROSES_BISNIS = "proses_bisnis"
    PENGUATAN_INTERNAL = "penguatan_internal"
    ANGGARAN = "anggaran"


class Aspect(enum.StrEnum):
    KUANTITAS = "kuantitas"
    KUALITAS = "kualitas"
    WAKTU = "waktu"
    BIAYA = "biaya"


class Measure(enum.StrEnum):
    """How an IKI's realisation is counted: reported by hand, or rolled up from service interactions."""

    MANUAL = "manual"
    SERVICE_VOLUME = "service_volume"
    SERVICE_SATISFACTION = "service_satisfaction"


class SourceKind(enum.StrEnum):
    PERJANJIAN_KINERJA = "perjanjian_kinerja"
    PENUGASAN = "penugasan"


class BerAkhlak(enum.StrEnum):
    """The seven core values (SE MenPAN-RB 20/2021)."""

    BERORIENTASI_PELAYANAN = "berorientasi_pelayanan"
    AKUNTABEL = "akuntabel"
    KOMPETEN = "kompeten"
    HARMONIS = "harmonis"
    LOYAL = "loyal"
    ADAPTIF = "adaptif"
    KOLABORATIF = "kolaboratif"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Target(_Value):
    """A target for one aspect: a number with its unit, or (kualitatif) an expectation in words."""

    aspect: Aspect
    value: Decimal | None = None
    unit: str | None = Field(default=None, max_length=40)
    description: str | None = Field(default=None, max_length=500)


class Iki(_Value):
    iki_id: uuid.UUID
    description: str = Field(min_length=1, max_length=500)
    targets: tuple[Target, ...]
    measure: Measure = Measure.MANUAL
    service_type: str | None = Field(default=None, max_length=80)


class Intervention(_Value):
    """The supervisor's RHK (in their approved SKP of the same period) that this RHK supports."""

    plan_id: uuid.UUID
    rhk_id: uuid.UUID


class RhkSource(_Value):
    """For JPT and unit heads: the performance agreement or assignment the RHK comes from."""

    kind: SourceKind
    reference: str = Field(min_length=1, max_length=300)


class Rhk(_Value):
    rhk_id: uuid.UUID
    title: str = Field(min_length=1, max_length=500)
    kind: RhkKind
    ikis: tuple[Iki, ...]
    intervention: Intervention | None = None
    source: RhkSource | None = None
    perspective: Perspective | None = None


# -- roster -------------------------------------------------------------------------------------
@event("planning.EmployeeRegistered")
class EmployeeRegistered(DomainEvent):
    """HR put an employee on the office roster, or changed their data (position, evaluator, ...)."""

    employee_id: str
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: PositionType
    employment: Employment
    evaluator_id: str | None
    superior_id: str | None
    reason: str | None = None


# -- the SKP ------------------------------------------------------------------------------------
@event("planning.PlanDrafted", version=2)
class PlanDrafted(DomainEvent):
    """An employee started the SKP for a period."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    unit_id: str
    period_year: int = Field(ge=2000, le=2100)
    evaluator_id: str
    superior_id: str | None
    position_type: PositionType
    approach: Approach


def _plan_drafted_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 knew neither unit, superior nor position type: the office stands for the unit, JA is assumed."""
    return {**payload, "unit_id": payload["office_id"], "superior_id": None, "position_type": PositionType.JA.value}


REGISTRY.register_upcaster("planning.PlanDrafted", 1, _plan_drafted_v1_to_v2)


@event("planning.RhkAdded")
class RhkAdded(DomainEvent):
    """An RHK with its IKIs and targets was added to a draft SKP."""

    plan_id: uuid.UUID
    employee_id: str
    rhk: Rhk


@event("planning.RhkUpdated")
class RhkUpdated(DomainEvent):
    """An RHK of a draft SKP changed (the previous RHK is included)."""

    plan_id: uuid.UUID
    employee_id: str
    previous: Rhk
    rhk: Rhk


@event("planning.RhkRemoved")
class RhkRemoved(DomainEvent):
    """An RHK was removed from a draft SKP (``previous``: the RHK as it was; absent on older events)."""

    plan_id: uuid.UUID
    employee_id: str
    rhk_id: uuid.UUID
    previous: Rhk | None = None


@event("planning.BehaviourExpectationsSet")
class BehaviourExpectationsSet(DomainEvent):
    """The leader's specific expectation (ekspektasi khusus pimpinan) per BerAKHLAK value."""

    plan_id: uuid.UUID
    employee_id: str
    expectations: dict[BerAkhlak, str | None]


AppendixItem = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class PlanAppendix(_Value):
    """The SKP's appendix (lampiran, PermenPAN-RB 6/2022 annex): what the organisation provides, how the
    employee accounts for the work, and what follows from meeting or missing it; each a list of points."""

    resources: tuple[AppendixItem, ...] = Field(default=(), max_length=20, description="dukungan sumber daya")
    accountability: tuple[AppendixItem, ...] = Field(default=(), max_length=20,
                                                     description="skema pertanggungjawaban")
    consequences: tuple[AppendixItem, ...] = Field(default=(), max_length=20, description="konsekuensi")


@event("planning.PlanAppendixSet")
class PlanAppendixSet(DomainEvent):
    """The SKP's appendix was agreed or changed (by the employee or the evaluator, before approval)."""

    plan_id: uuid.UUID
    employee_id: str
    appendix: PlanAppendix
    previous: PlanAppendix


@event("planning.PlanSubmitted")
class PlanSubmitted(DomainEvent):
    """The employee sent the SKP to the evaluator for approval."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str


@event("planning.PlanReturned")
class PlanReturned(DomainEvent):
    """The evaluator sent the SKP back with comments."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str
    comments: str
    on_behalf_of: str | None = Field(default=None, description="the absent evaluator, when an acting official "
                                     "(Plt/Plh) returned it; the actor is then the acting official")


@event("planning.PlanApproved")
class PlanApproved(DomainEvent):
    """The evaluator approved the SKP, optionally with a comment for the employee."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str
    approved_by: str
    comments: str | None = None
    on_behalf_of: str | None = Field(default=None, description="the absent evaluator, when an acting official "
                                     "(Plt/Plh) approved it; approved_by is then the acting official")
    acting_kind: str | None = Field(default=None, description="plt or plh: the acting official's appointment, "
                                    "with on_behalf_of")


@event("planning.PlanRevisionStarted")
class PlanRevisionStarted(DomainEvent):
    """An approved SKP is being revised (transfer, new assignment); it needs approval again."""

    plan_id: uuid.UUID
    employee_id: str
    reason: str


@event("planning.PlanClosed")
class PlanClosed(DomainEvent):
    """The period ended for this SKP; it can no longer change."""

    plan_id: uuid.UUID
    employee_id: str
    status_at_close: str
    reason: str


# -- realisation ---------------------------------------------------------------------------------
class EvidenceKind(enum.StrEnum):
    LINK = "link"
    FILE = "file"


class Evidence(_Value):
    """Bukti dukung: a link or a stored file's reference, its SHA-256 (so a rotten or swapped file shows)."""

    kind: EvidenceKind
    uri: str = Field(min_length=1, max_length=2000)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    description: str | None = Field(default=None, max_length=500)
    name: str | None = Field(default=None, max_length=255, description="a stored file's name as uploaded")
    media_type: str | None = Field(default=None, max_length=100,
                                   description="a stored file's type, found from its content (not the uploader's word)")
    size: int | None = Field(default=None, ge=0, description="a stored file's size in bytes")


class Origin(enum.StrEnum):
    MANUAL = "manual"
    IMPORT = "import"


@event("planning.RealisationRecorded")
class RealisationRecorded(DomainEvent):
    """The employee reported progress on an IKI (one entry: a day's or a month's work)."""

    plan_id: uuid.UUID
    employee_id: str
    entry_id: uuid.UUID
    rhk_id: uuid.UUID
    iki_id: uuid.UUID
    value: Decimal
    unit: str | None
    occurred_on: date
    description: str
    evidence: tuple[Evidence, ...] = ()
    origin: Origin = Origin.MANUAL


@event("planning.RealisationCommented")
class RealisationCommented(DomainEvent):
    """The evaluator commented on a realisation entry."""

    plan_id: uuid.UUID
    employee_id: str
    entry_id: uuid.UUID
    comment_id: uuid.UUID
    author_id: str
    comment: str


@event("planning.RealisationReturned")
class RealisationReturned(DomainEvent):
    """The evaluator sent a realisation entry back for correction, saying why; it counts for nothing until the
    employee corrects it (or withdraws it)."""

    plan_id: uuid.UUID
    employee_id: str
    entry_id: uuid.UUID
    evaluator_id: str = Field(description="who sent it back: the evaluator, or the acting official (Plt/Plh) "
                              "who took the evaluator's place (then named in on_behalf_of)")
    reason: str
    on_behalf_of: str | None = Field(default=None, description="the absent evaluator, when an acting official "
                                     "(Plt/Plh) sent the entry back")


@event("planning.RealisationCorrected")
class RealisationCorrected(DomainEvent):
    """The employee corrected a returned entry: its new value, day, description and evidence (the previous
    value and day kept beside them); it counts again."""

    plan_id: uuid.UUID
    employee_id: str
    entry_id: uuid.UUID
    iki_id: uuid.UUID
    value: Decimal
    previous_value: Decimal
    unit: str | None
    occurred_on: date
    previous_occurred_on: date
    description: str
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


@event("planning.RealisationWithdrawn")
class RealisationWithdrawn(DomainEvent):
    """The employee withdrew an entry (it no longer counts); ``value`` is what it counted for."""

    plan_id: uuid.UUID
    employee_id: str
    entry_id: uuid.UUID
    iki_id: uuid.UUID
    value: Decimal
    reason: str | None = None


@event("planning.IkiTargetAchieved")
class IkiTargetAchieved(DomainEvent):
    """An IKI's realisation reached its target (the evaluator is told)."""

    plan_id: uuid.UUID
    employee_id: str
    evaluator_id: str
    office_id: str
    period_year: int
    rhk_id: uuid.UUID
    iki_id: uuid.UUID
    iki_description: str
    target: Decimal
    realised: Decimal
    unit: str | None


class Channel(enum.StrEnum):
    LOKET = "loket"
    TELEPON = "telepon"
    EMAIL = "email"
    CHAT = "chat"
    DARING = "daring"
    LAINNYA = "lainnya"


class ServiceInteraction(_Value):
    """One public-service interaction an employee handled (input from counters, call centres, portals)."""

    interaction_id: uuid.UUID
    employee_id: Nip
    office_id: str = Field(min_length=1, max_length=64)
    channel: Channel
    service_type: str = Field(min_length=1, max_length=80)
    occurred_at: AwareDatetime
    satisfaction: int | None = Field(default=None, ge=1, le=5, description="citizen satisfaction 1-5")


@event("planning.ServiceInteractionRecorded")
class ServiceInteractionRecorded(DomainEvent):
    """A service interaction was recorded (stream ``interaksi-<id>``: recorded once)."""

    interaction: ServiceInteraction
    period_year: int


# -- acting officials (Plt / Plh) ----------------------------------------------------------------
class ActingKind(enum.StrEnum):
    """Pelaksana Tugas (a vacancy) or Pelaksana Harian (a temporary absence)."""

    PLT = "plt"
    PLH = "plh"


class ActingWindow(_Value):
    """Who acts for whom, from which day to which day (both inclusive, in the office's time zone).

    The rule itself is here, in the published language, because planning (SKP approval) and evaluation
    (rating, finalising, objections) must apply the same one to the appointments they learn."""

    absent_id: str
    acting_id: str
    starts_on: date
    ends_on: date

    def covers(self, *, acting_id: str, absent_id: str, day: date) -> bool:
        """Whether ``acting_id`` acts for ``absent_id`` on ``day``."""
        return self.acting_id == acting_id and self.absent_id == absent_id and self.starts_on <= day <= self.ends_on


def acting_for(windows: Iterable[ActingWindow], *, actor_id: str, official_id: str | None, day: date) -> str | None:
    """The official ``actor_id`` acts for when taking ``official_id``'s decision on ``day``: ``None`` when
    the actor is the official themself or no appointment covers that day (so the actor is refused)."""
    if official_id is None or actor_id == official_id:
        return None
    return official_id if any(w.covers(acting_id=actor_id, absent_id=official_id, day=day) for w in windows) else None


@event("planning.ActingOfficialAppointed")
class ActingOfficialAppointed(DomainEvent):
    """HR appointed an acting official (Plt/Plh) for an absent evaluator or superior, for a date range
    (stream ``plt-<appointment id>``)."""

    appointment_id: uuid.UUID
    office_id: str
    absent_id: Nip
    acting_id: Nip
    kind: ActingKind
    starts_on: date
    ends_on: date
    reason: str = Field(min_length=1, max_length=1000)
    decree_number: str | None = Field(default=None, max_length=100)


@event("planning.ActingAppointmentEnded")
class ActingAppointmentEnded(DomainEvent):
    """HR ended an acting appointment early: it no longer covers the days after ``ends_on``."""

    appointment_id: uuid.UUID
    office_id: str
    absent_id: Nip
    acting_id: Nip
    previous_ends_on: date
    ends_on: date
    reason: str = Field(min_length=1, max_length=1000)
