"""Evaluation's commands on the in-memory event store with a fake of their facts (the roster, SKPs, read
models): no PostgreSQL, no Kafka. The queries read the PostgreSQL read models and stay in evaluation_api."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_evaluation.application.ports import OpenPeriod, PlanToAppraise, StaffMember
from kinerja_evaluation.domain.appraisal import Appraisal, Ratings, appraisal_id_for
from kinerja_evaluation.domain.office import Office, UnitPredicate
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import (
    AppraisedRhk,
    EvaluationPeriod,
    OfficeSettings,
    OrganisationPredicate,
    Predicate,
    RaterRelation,
    Rating,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import ActingWindow, BerAkhlak, Employment, PositionType, RhkKind
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.testing.memory_store import InMemoryEventStore

OFFICE = "KANREG-I"
UNIT = "BIDANG-MUTASI"
PERIOD = EvaluationPeriod.parse("2026-Q1")
EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"
SUPERIOR = "196801011990031001"
PEER = "199202022016022002"
HR_ID = "197501012000031001"
ACTING = "198505052010011005"
HEAD = "197707072000071007"
RHK_1 = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
RHK_2 = uuid.UUID("00000000-0000-0000-0000-0000000000a2")
NOW = datetime(2026, 4, 3, 3, 0, tzinfo=UTC)
APPRAISAL = appraisal_id_for(EMPLOYEE, PERIOD.key)
"""The appraisal the open period gives ``EMPLOYEE`` (``plan()``)."""
STREAM = f"penilaian-{APPRAISAL}"


@dataclass
class FakeFacts:
    """What the commands read besides their streams, set by each test."""

    appraisals: EventSourcedRepository[Appraisal, Any]
    settings: dict[str, OfficeSettings] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    windows: list[ActingWindow] = field(default_factory=list)
    relations: dict[str, dict[str, frozenset[RaterRelation]]] = field(default_factory=dict)
    organisation: dict[tuple[str, str, str], OrganisationPredicate] = field(default_factory=dict)
    unit_members: dict[tuple[str, str, str], list[Predicate | None]] = field(default_factory=dict)
    leaders: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    plans: list[tuple[str, int, PlanToAppraise]] = field(default_factory=list)
    periods: dict[tuple[str, int], list[OpenPeriod]] = field(default_factory=dict)
    locked: list[tuple[str, int]] = field(default_factory=list)

    async def office_settings(self, office_id: str, conn: Any = None) -> OfficeSettings:
        return self.settings.get(office_id, OfficeSettings())

    async def staff_member(self, employee_id: str, conn: Any = None) -> StaffMember | None:
        return self.staff.get(employee_id)

    async def acting_windows(self, acting_id: str, conn: Any = None) -> list[ActingWindow]:
        return [w for w in self.windows if w.acting_id == acting_id]

    async def relations_to(self, employee_id: str, candidates: list[str],
                           conn: Any = None) -> dict[str, frozenset[RaterRelation]]:
        known = self.relations.get(employee_id, {})
        return {c: known[c] for c in candidates if c in known}

    async def organisation_predicate(self, office_id: str, unit_id: str, period_key: str,
                                     conn: Any = None) -> OrganisationPredicate | None:
        return self.organisation.get((office_id, unit_id, period_key))

    async def unit_predicates(self, office_id: str, unit_id: str, period_key: str,
                              conn: Any = None) -> list[Predicate | None]:
        return self.unit_members.get((office_id, unit_id, period_key), [])

    async def unit_leaders(self, office_id: str, unit_id: str, conn: Any = None) -> set[str]:
        return self.leaders.get((office_id, unit_id), set())

    async def unit_heads(self, office_id: str, unit_id: str, period_key: str, conn: Any = None) -> list[uuid.UUID]:
        return [appraisal_id_for(p.employee_id, period_key) for o, _, p in self.plans
                if o == office_id and p.unit_id == unit_id and p.position_type is PositionType.KEPALA_UNIT]

    async def lock_openings(self, conn: Any, office_id: str, year: int) -> None:
        self.locked.append((office_id, year))

    async def plans_to_appraise(self, conn: Any, office_id: str, period: EvaluationPeriod,
                                plan_id: uuid.UUID | None = None) -> list[PlanToAppraise]:
        return [p for o, year, p in self.plans if o == office_id and year == period.year
                and (plan_id is None or p.plan_id == plan_id)
                and await self.appraisals.load(appraisal_id_for(p.employee_id, period.key), conn=conn) is None]

    async def approved_plan_office(self, conn: Any, plan_id: uuid.UUID) -> tuple[str, int] | None:
        return next(((o, year) for o, year, p in self.plans if p.plan_id == plan_id), None)

    async def open_periods(self, conn: Any, office_id: str, year: int) -> list[OpenPeriod]:
        return self.periods.get((office_id, year), [])


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore(source="/kinerja/evaluation")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def facts(store: InMemoryEventStore) -> FakeFacts:
    return FakeFacts(EventSourcedRepository(store, Appraisal, prefix="penilaian"))


@pytest.fixture
def commands(store: InMemoryEventStore, facts: FakeFacts, clock: Clock) -> AppraisalCommands:
    return AppraisalCommands(EventSourcedRepository(store, Appraisal, prefix="penilaian"),
                             EventSourcedRepository(store, Office, prefix="kantor"),
                             EventSourcedRepository(store, UnitPredicate, prefix="predikat-organisasi"),
                             facts, clock=clock)


def person(user_id: str, *roles: Role, office_id: str = OFFICE) -> Principal:
    return Principal(user_id=user_id, roles=frozenset(roles or {Role.PEGAWAI}), offices=frozenset({office_id}))


EMPLOYEE_P = person(EMPLOYEE, Role.PEGAWAI)
EVALUATOR_P = person(EVALUATOR, Role.PEGAWAI, Role.PEJABAT_PENILAI)
SUPERIOR_P = person(SUPERIOR, Role.PEGAWAI, Role.ATASAN_PENILAI)
HR_P = person(HR_ID, Role.PENGELOLA_KEPEGAWAIAN)
PEER_P = person(PEER, Role.PEGAWAI)


def plan(employee_id: str = EMPLOYEE, *, position_type: PositionType = PositionType.JA,
         evaluator_id: str = EVALUATOR, rhks: tuple[AppraisedRhk, ...] | None = None) -> PlanToAppraise:
    return PlanToAppraise(
        plan_id=uuid.uuid5(uuid.NAMESPACE_URL, employee_id), employee_id=employee_id, unit_id=UNIT,
        evaluator_id=evaluator_id, superior_id=SUPERIOR, position_type=position_type, employment=Employment.PNS,
        rhks=rhks if rhks is not None else (AppraisedRhk(rhk_id=RHK_1, title="Layanan mutasi", kind=RhkKind.UTAMA),
                                            AppraisedRhk(rhk_id=RHK_2, title="Laporan bulanan",
                                                         kind=RhkKind.TAMBAHAN)))


def acting_window(acting_id: str, absent_id: str) -> ActingWindow:
    return ActingWindow(absent_id=absent_id, acting_id=acting_id, starts_on=date(2026, 4, 1),
                        ends_on=date(2026, 4, 30))


def stream(store: InMemoryEventStore, stream_id: str) -> list[EventEnvelope]:
    return [e for e in store.all_events() if e.stream_id == stream_id]


def types(store: InMemoryEventStore, stream_id: str) -> list[str]:
    return [e.event_type for e in stream(store, stream_id)]


def values(rating: Rating = Rating.SESUAI) -> list[ValueRating]:
    return [ValueRating(value=v, rating=rating) for v in BerAkhlak]


def rhks(rating: Rating = Rating.SESUAI) -> list[RhkRating]:
    return [RhkRating(rhk_id=RHK_1, rating=rating), RhkRating(rhk_id=RHK_2, rating=rating)]


def full(results: Rating = Rating.SESUAI, behaviour: Rating = Rating.SESUAI) -> Ratings:
    """Every RHK and value rated, with both overall ratings."""
    return Ratings(rhks=rhks(), values=values(), results=results, behaviour=behaviour)
