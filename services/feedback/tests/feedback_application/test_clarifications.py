"""Clarification threads about a rating point, before the result is final."""

from __future__ import annotations

import uuid

import pytest

from kinerja_feedback.application.clarifications import ClarificationService
from kinerja_kernel.contracts.feedback import ClarificationTopic, RatingAspect
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import EMPLOYEE, EVALUATOR, OFFICE, OUTSIDER, FakeDirectory, FakeNotifier, evaluator, person, stream

TOPIC = ClarificationTopic(aspect=RatingAspect.HASIL_KERJA)


@pytest.fixture
def appraisal(directory: FakeDirectory) -> uuid.UUID:
    appraisal_id = uuid.uuid4()
    directory.appraisals[appraisal_id] = {"appraisal_id": appraisal_id, "employee_id": EMPLOYEE,
                                          "office_id": OFFICE, "evaluator_id": EVALUATOR, "superior_id": None,
                                          "period_key": "2026-Q4", "final": False}
    return appraisal_id


class TestAskClarification:
    async def test_the_appraised_employee_asks_and_the_evaluator_is_told(
            self, clarifications: ClarificationService, appraisal: uuid.UUID, store: InMemoryEventStore,
            notifier: FakeNotifier) -> None:
        clarification_id, version = await clarifications.ask(appraisal, TOPIC, "Mengapa?", person(EMPLOYEE))
        [event] = stream(store, f"klarifikasi-{clarification_id}")
        assert (version, event.event_type, event.actor.role) == (1, "feedback.ClarificationRequested", "pegawai")
        [(draft, source, _)] = notifier.issued
        assert (draft.recipient_id, draft.kind, source) == (EVALUATOR, "clarification_asked", event.event_id)
        assert draft.body == "Pegawai Siti Rahma meminta klarifikasi atas penilaiannya: Mengapa?"

    async def test_only_the_appraised_employee_asks(self, clarifications: ClarificationService,
                                                    appraisal: uuid.UUID, store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden) as refused:
            await clarifications.ask(appraisal, TOPIC, "Mengapa?", person(OUTSIDER))
        assert (refused.value.code, refused.value.field) == ("feedback.clarification.appraised-asks", "appraisal_id")
        assert store.all_events() == []

    async def test_a_final_result_takes_an_objection_not_a_clarification(
            self, clarifications: ClarificationService, appraisal: uuid.UUID, directory: FakeDirectory) -> None:
        directory.appraisals[appraisal]["final"] = True
        with pytest.raises(DomainRuleViolation) as refused:
            await clarifications.ask(appraisal, TOPIC, "Mengapa?", person(EMPLOYEE))
        assert "keberatan" in refused.value.message

    async def test_an_appraisal_not_opened_is_not_found(self, clarifications: ClarificationService) -> None:
        with pytest.raises(NotFound) as refused:
            await clarifications.ask(uuid.uuid4(), TOPIC, "Mengapa?", person(EMPLOYEE))
        assert refused.value.code == "feedback.appraisal.not-found"


class TestReplyToClarification:
    async def test_the_evaluator_answers_in_the_evaluators_role_and_the_employee_is_told(
            self, clarifications: ClarificationService, appraisal: uuid.UUID, store: InMemoryEventStore,
            notifier: FakeNotifier) -> None:
        clarification_id, _ = await clarifications.ask(appraisal, TOPIC, "Mengapa?", person(EMPLOYEE))
        assert await clarifications.reply(clarification_id, "Karena target", evaluator()) == 2
        replied = stream(store, f"klarifikasi-{clarification_id}")[-1]
        assert (replied.event_type, replied.actor.role) == ("feedback.ClarificationReplied", "pejabat_penilai")
        draft, source, _ = notifier.issued[-1]
        assert (draft.recipient_id, draft.kind, source) == (EMPLOYEE, "clarification_answered", replied.event_id)
        assert draft.body == "Pejabat penilai (Budi Santoso) menjawab: Karena target"

    async def test_the_thread_closes_once_the_result_is_final(
            self, clarifications: ClarificationService, appraisal: uuid.UUID, directory: FakeDirectory,
            store: InMemoryEventStore) -> None:
        clarification_id, _ = await clarifications.ask(appraisal, TOPIC, "Mengapa?", person(EMPLOYEE))
        directory.appraisals[appraisal]["final"] = True
        with pytest.raises(DomainRuleViolation) as refused:
            await clarifications.reply(clarification_id, "Karena target", evaluator())
        assert refused.value.code == "feedback.clarification.final-reply"
        assert len(stream(store, f"klarifikasi-{clarification_id}")) == 1

    async def test_someone_else_cannot_reply(self, clarifications: ClarificationService,
                                             appraisal: uuid.UUID) -> None:
        clarification_id, _ = await clarifications.ask(appraisal, TOPIC, "Mengapa?", person(EMPLOYEE))
        with pytest.raises(Forbidden) as refused:
            await clarifications.reply(clarification_id, "Saya juga", person(OUTSIDER))
        assert refused.value.code == "feedback.clarification.parties-reply"
