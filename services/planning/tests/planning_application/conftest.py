"""Planning's use cases on the in-memory event store: no PostgreSQL, no Kafka. The directory (roster places,
cited plans) is read from the streams (``StreamDirectory``) and acting appointments from a fixed list; the
queries, which read the PostgreSQL read models, stay in planning_api."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.planning import (
    ActingKind,
    Approach,
    Aspect,
    Employment,
    Iki,
    Intervention,
    PositionType,
    Rhk,
    RhkKind,
    RhkSource,
    SourceKind,
    Target,
)
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.testing.memory_store import InMemoryEventStore
from kinerja_planning.adapters.directory import StreamDirectory
from kinerja_planning.adapters.repository import plan_repository, realisation_repository, roster_repository
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.application.realisation import RealisationService
from kinerja_planning.domain.commands import (
    AddRhk,
    ApprovePlan,
    DraftPlan,
    RegisterEmployee,
    SubmitPlan,
)
from kinerja_planning.domain.plan import plan_id_for

OFFICE = "KANWIL-A"
YEAR = 2026
TODAY = date(2026, 6, 15)
EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"
SUPERIOR = "197001012000011003"
HR_ID = "197501012000031001"
PLH = "198502022010012004"


def rhk(*, cites: tuple[uuid.UUID, uuid.UUID] | None = None, source: str | None = None,
        title: str = "Tersusunnya analisis jabatan unit") -> Rhk:
    """A main RHK with one IKI (12 documents, 100 %, 12 months), citing a supervisor's RHK or a source."""
    iki = Iki(iki_id=uuid.uuid4(), description="Jumlah dokumen analisis jabatan yang disusun",
              targets=(Target(aspect=Aspect.KUANTITAS, value=Decimal(12), unit="dokumen"),
                       Target(aspect=Aspect.KUALITAS, value=Decimal(100), unit="%"),
                       Target(aspect=Aspect.WAKTU, value=Decimal(12), unit="bulan")))
    return Rhk(rhk_id=uuid.uuid4(), title=title, kind=RhkKind.UTAMA, ikis=(iki,),
               intervention=Intervention(plan_id=cites[0], rhk_id=cites[1]) if cites else None,
               source=RhkSource(kind=SourceKind.PERJANJIAN_KINERJA, reference=source) if source else None)


def draft(nip: str) -> DraftPlan:
    return DraftPlan(employee_id=nip, period_year=YEAR, approach=Approach.KUANTITATIF)


@dataclass
class FixedActing:
    """Acting appointments in force today: (acting official, absent official, kind)."""

    appointments: list[tuple[str, str, ActingKind]] = field(default_factory=list)

    async def acting_for(self, by: Principal, office_id: str, official_id: str | None) -> str | None:
        found = any(a == by.user_id and b == official_id for a, b, _ in self.appointments)
        return official_id if found and by.user_id != official_id else None

    async def acting_kind(self, by: Principal, office_id: str, absent_id: str) -> ActingKind | None:
        return next((k for a, b, k in self.appointments if a == by.user_id and b == absent_id), None)

    async def acting_parties(self, office_id: str, officials: Sequence[str | None]) -> list[str]:
        return sorted({a for a, b, _ in self.appointments if b in officials})

    async def represented(self, by: Principal) -> list[tuple[str, str]]:
        return [(b, OFFICE) for a, b, _ in self.appointments if a == by.user_id]


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore(source="/kinerja/planning")


@pytest.fixture
def acting() -> FixedActing:
    return FixedActing()


@pytest.fixture
def planning(store: InMemoryEventStore, acting: FixedActing) -> PlanningService:
    plans, roster = plan_repository(store, projection=None), roster_repository(store, projection=None)
    return PlanningService(plans, roster, acting=acting, directory=StreamDirectory(plans, roster))


@pytest.fixture
def realisation(store: InMemoryEventStore, acting: FixedActing) -> RealisationService:
    return RealisationService(plan_repository(store, projection=None), realisation_repository(store, projection=None),
                              today=TODAY, acting=acting)


def person(nip: str, *roles: Role, office_id: str = OFFICE) -> Principal:
    return Principal(user_id=nip, roles=frozenset(roles or {Role.PEGAWAI}), offices=frozenset({office_id}))


def employee() -> Principal:
    return person(EMPLOYEE, Role.PEGAWAI)


def evaluator() -> Principal:
    return person(EVALUATOR, Role.PEGAWAI, Role.PEJABAT_PENILAI)


def superior() -> Principal:
    return person(SUPERIOR, Role.PEGAWAI, Role.PEJABAT_PENILAI)


def hr(office_id: str = OFFICE) -> Principal:
    return person(HR_ID, Role.PENGELOLA_KEPEGAWAIAN, office_id=office_id)


def stream(store: InMemoryEventStore, stream_id: str) -> list[EventEnvelope]:
    return [e for e in store.all_events() if e.stream_id == stream_id]


def types(store: InMemoryEventStore, stream_id: str) -> list[str]:
    return [e.event_type for e in stream(store, stream_id)]


def skp(nip: str = EMPLOYEE) -> str:
    return f"skp-{plan_id_for(nip, YEAR)}"


async def registered(planning: PlanningService, nip: str, position_type: PositionType, evaluator_id: str | None,
                     superior_id: str | None = None, name: str = "Pegawai") -> None:
    await planning.register_employee(RegisterEmployee(
        employee_id=nip, name=name, office_id=OFFICE, unit_id="UNIT-1", position="Analis", position_type=position_type,
        employment=Employment.PNS, evaluator_id=evaluator_id, superior_id=superior_id), hr())


async def office_roster(planning: PlanningService) -> None:
    """Given: the head of division (evaluated by the head of office), and an analyst under them."""
    await registered(planning, SUPERIOR, PositionType.JPT, None, name="Kepala Kantor")
    await registered(planning, EVALUATOR, PositionType.KEPALA_UNIT, SUPERIOR, name="Kepala Bidang")
    await registered(planning, EMPLOYEE, PositionType.JA, EVALUATOR, SUPERIOR, name="Analis")
    await registered(planning, PLH, PositionType.JA, EVALUATOR, SUPERIOR, name="Plh")


async def evaluator_plan_approved(planning: PlanningService) -> uuid.UUID:
    """Given: the evaluator's SKP with one RHK from the performance agreement, approved; returns that RHK's id."""
    ref = await planning.draft(draft(EVALUATOR), evaluator())
    leader = rhk(source="PK Kepala Bidang 2026", title="Meningkatnya kualitas layanan kepegawaian")
    await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=leader), evaluator())
    await planning.submit(SubmitPlan(plan_id=ref.plan_id), evaluator())
    await planning.approve(ApprovePlan(plan_id=ref.plan_id), superior())
    return leader.rhk_id


async def employee_plan_submitted(planning: PlanningService) -> uuid.UUID:
    """Given: the analyst's SKP with an RHK supporting the evaluator's approved RHK, submitted."""
    parent = await evaluator_plan_approved(planning)
    ref = await planning.draft(draft(EMPLOYEE), employee())
    await planning.add_rhk(AddRhk(plan_id=ref.plan_id, rhk=rhk(cites=(plan_id_for(EVALUATOR, YEAR), parent))),
                           employee())
    await planning.submit(SubmitPlan(plan_id=ref.plan_id), employee())
    return ref.plan_id


__all__ = ["EMPLOYEE", "EVALUATOR", "HR_ID", "OFFICE", "PLH", "SUPERIOR", "TODAY", "YEAR", "FixedActing",
           "draft", "employee", "employee_plan_submitted", "evaluator", "evaluator_plan_approved", "hr", "office_roster",
           "person", "registered", "rhk", "skp", "stream", "superior", "types"]
