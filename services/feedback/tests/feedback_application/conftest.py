"""Feedback's use cases on the in-memory event store: no PostgreSQL, no Kafka. The roster and office
calendar (``Directory``) and the inbox (``Notifier``) are in-memory stand-ins (the queries, which read the
PostgreSQL read models, stay in feedback_api)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from kinerja_feedback.application.clarifications import ClarificationService
from kinerja_feedback.application.dialogues import DialogueService
from kinerja_feedback.application.feedback import FeedbackService
from kinerja_feedback.application.notifications import NotificationService
from kinerja_feedback.domain.clarification import Clarification
from kinerja_feedback.domain.dialogue import Dialogue
from kinerja_feedback.domain.feedback import Feedback
from kinerja_feedback.domain.notifications import Notification, NotificationDraft, Settled
from kinerja_feedback.domain.reach import Person
from kinerja_feedback.domain.settings import OfficeFeedbackSettings
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import OfficeSettings, PeriodKind, TimeZone
from kinerja_kernel.contracts.feedback import FeedbackOfficeSettings
from kinerja_kernel.envelope import Actor, EventEnvelope
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.testing.memory_store import InMemoryEventStore

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 23 November 2026, 09.00 WIB
OFFICE = "KANREG-I"
EVALUATOR = "198001012005011002"
EMPLOYEE = "199001012015011001"
PEER = "199202022016012003"
OUTSIDER = "198503032010011004"
HR_ID = "197501012000031001"


@dataclass
class FakeDirectory:
    """The roster and office calendar the service learns from other services' events."""

    people: dict[str, tuple[Person, str]] = field(default_factory=dict)
    settings: dict[str, FeedbackOfficeSettings] = field(default_factory=dict)
    calendars: dict[str, OfficeSettings] = field(default_factory=dict)
    appraisals: dict[uuid.UUID, dict[str, object]] = field(default_factory=dict)

    def add(self, employee_id: str, name: str, *, evaluator_id: str | None = EVALUATOR,
            office_id: str = OFFICE) -> None:
        self.people[employee_id] = (Person(employee_id=employee_id, office_id=office_id, unit_id="UNIT-1",
                                           evaluator_id=evaluator_id, superior_id=None), name)

    async def person(self, conn: Any, employee_id: str, /) -> Person | None:
        found = self.people.get(employee_id)
        return found[0] if found else None

    async def names(self, conn: Any, employee_ids: list[str], /) -> dict[str, str]:
        return {e: self.people[e][1] for e in employee_ids if e in self.people}

    async def calendar(self, conn: Any, office_id: str, /) -> OfficeSettings:
        return self.calendars.get(office_id, OfficeSettings())

    async def zone_of(self, conn: Any, office_id: str, /) -> TimeZone:
        return (await self.calendar(conn, office_id)).time_zone

    async def feedback_settings(self, conn: Any, office_id: str, /) -> FeedbackOfficeSettings:
        return self.settings.get(office_id, FeedbackOfficeSettings())

    async def appraisal(self, conn: Any, appraisal_id: uuid.UUID, /) -> dict[str, object] | None:
        return self.appraisals.get(appraisal_id)


@dataclass
class FakeNotifier:
    """The inbox: what was issued (with the event that caused it) and what was settled."""

    issued: list[tuple[NotificationDraft, uuid.UUID, str]] = field(default_factory=list)
    settled: list[tuple[Settled, Actor]] = field(default_factory=list)

    async def issue(self, conn: Any, drafts: Sequence[NotificationDraft], *, source_event_id: uuid.UUID,
                    source_event_type: str) -> list[uuid.UUID]:
        self.issued += [(d, source_event_id, source_event_type) for d in drafts]
        return [uuid.uuid4() for _ in drafts]

    async def settle(self, conn: Any, settled: Sequence[Settled], *, actor: Actor) -> int:
        self.settled += [(s, actor) for s in settled]
        return len(settled)

    def kinds_for(self, recipient_id: str) -> list[str]:
        return [d.kind for d, _, _ in self.issued if d.recipient_id == recipient_id]


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore(source="/kinerja/feedback")


@pytest.fixture
def directory() -> FakeDirectory:
    d = FakeDirectory()
    d.add(EVALUATOR, "Budi Santoso", evaluator_id=None)
    d.add(EMPLOYEE, "Siti Rahma")
    d.add(PEER, "Agus Salim")
    d.add(OUTSIDER, "Dewi Lestari", evaluator_id=HR_ID)
    d.calendars[OFFICE] = OfficeSettings(time_zone=TimeZone.WIB, periodic_cadence=PeriodKind.QUARTERLY)
    return d


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def dialogues(store: InMemoryEventStore, directory: FakeDirectory, notifier: FakeNotifier) -> DialogueService:
    return DialogueService(EventSourcedRepository(store, Dialogue, prefix="dialog"), notifier, lambda: NOW,
                           directory=directory)


@pytest.fixture
def feedback(store: InMemoryEventStore, directory: FakeDirectory, notifier: FakeNotifier) -> FeedbackService:
    return FeedbackService(EventSourcedRepository(store, Feedback, prefix="umpan-balik"),
                           EventSourcedRepository(store, OfficeFeedbackSettings, prefix="pengaturan-umpan-balik"),
                           notifier, lambda: NOW, directory=directory)


@pytest.fixture
def clarifications(store: InMemoryEventStore, directory: FakeDirectory,
                   notifier: FakeNotifier) -> ClarificationService:
    return ClarificationService(EventSourcedRepository(store, Clarification, prefix="klarifikasi"), notifier,
                                directory=directory)


@pytest.fixture
def inbox(store: InMemoryEventStore) -> NotificationService:
    return NotificationService(EventSourcedRepository(store, Notification, prefix="notification"), lambda: NOW)


def person(user_id: str, *roles: Role, office_id: str = OFFICE) -> Principal:
    return Principal(user_id=user_id, roles=frozenset(roles or {Role.PEGAWAI}), offices=frozenset({office_id}))


def evaluator() -> Principal:
    return person(EVALUATOR, Role.PEGAWAI, Role.PEJABAT_PENILAI)


def hr(office_id: str = OFFICE) -> Principal:
    return person(HR_ID, Role.PENGELOLA_KEPEGAWAIAN, office_id=office_id)


def stream(store: InMemoryEventStore, stream_id: str) -> list[EventEnvelope]:
    return [e for e in store.all_events() if e.stream_id == stream_id]


def types(store: InMemoryEventStore, stream_id: str) -> list[str]:
    return [e.event_type for e in stream(store, stream_id)]
