"""Performance dialogues: scheduled by the evaluator, notes and actions, response, acknowledgement."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kinerja_feedback.application.dialogues import DialogueService
from kinerja_kernel.contracts.evaluation import OfficeSettings, PeriodKind, TimeZone
from kinerja_kernel.errors import ConcurrencyError, DomainRuleViolation, Forbidden, InvalidInput, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import (
    EMPLOYEE,
    EVALUATOR,
    OFFICE,
    OUTSIDER,
    FakeDirectory,
    FakeNotifier,
    evaluator,
    person,
    stream,
    types,
)

WIB = timezone(timedelta(hours=7))
THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=WIB)


async def scheduled(dialogues: DialogueService) -> uuid.UUID:
    dialogue_id, _ = await dialogues.schedule(employee_id=EMPLOYEE, scheduled_at=THURSDAY, period=None,
                                              agenda="Capaian triwulan", by=evaluator())
    return dialogue_id


async def held(dialogues: DialogueService, due_on: date | None = None) -> tuple[uuid.UUID, uuid.UUID]:
    dialogue_id = await scheduled(dialogues)
    action_id = uuid.uuid4()
    await dialogues.record_notes(dialogue_id, "Target tercapai", [
        {"action_id": action_id, "description": "Ikut pelatihan", "owner_id": None, "due_on": due_on}],
        evaluator(), None)
    return dialogue_id, action_id


class TestScheduleDialogue:
    async def test_the_evaluator_schedules_in_the_offices_period_and_the_employee_is_told(
            self, dialogues: DialogueService, store: InMemoryEventStore, notifier: FakeNotifier) -> None:
        # when
        dialogue_id, version = await dialogues.schedule(employee_id=EMPLOYEE, scheduled_at=THURSDAY, period=None,
                                                        agenda=None, by=evaluator())
        # then
        [event] = stream(store, f"dialog-{dialogue_id}")
        assert (version, event.event_type, event.payload["period_key"]) == (1, "feedback.DialogueScheduled",
                                                                            "2026-Q4")
        assert (event.actor.id, event.actor.role, event.office_id) == (EVALUATOR, "pejabat_penilai", "KANREG-I")
        [(draft, source, _)] = notifier.issued
        assert (draft.recipient_id, draft.kind, source) == (EMPLOYEE, "dialogue_scheduled", event.event_id)
        assert "(Budi Santoso) menjadwalkan" in draft.body and "26 November 2026" in draft.body

    async def test_a_monthly_office_files_it_under_the_month_of_its_local_day(
            self, dialogues: DialogueService, store: InMemoryEventStore, directory: FakeDirectory) -> None:
        # given: an office in WIT appraising monthly; 30 November 20.00 UTC is already 1 December there
        directory.calendars[OFFICE] = OfficeSettings(time_zone=TimeZone.WIT, periodic_cadence=PeriodKind.MONTHLY)
        late = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
        dialogue_id, _ = await dialogues.schedule(employee_id=EMPLOYEE, scheduled_at=late, period=None, agenda=None,
                                                  by=evaluator())
        assert stream(store, f"dialog-{dialogue_id}")[0].payload["period_key"] == "2026-M12"

    async def test_a_day_already_past_in_the_offices_zone_is_refused(self, dialogues: DialogueService,
                                                                     store: InMemoryEventStore) -> None:
        with pytest.raises(InvalidInput) as refused:
            await dialogues.schedule(employee_id=EMPLOYEE, scheduled_at=THURSDAY - timedelta(days=4), period=None,
                                     agenda=None, by=evaluator())
        assert (refused.value.code, refused.value.field) == ("feedback.dialogue.date-past", "scheduled_at")
        assert refused.value.message.startswith("Tanggal dialog sudah lewat")
        assert store.all_events() == []

    async def test_only_the_employees_own_evaluator_schedules(self, dialogues: DialogueService,
                                                              store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden) as refused:
            await dialogues.schedule(employee_id=OUTSIDER, scheduled_at=THURSDAY, period=None, agenda=None,
                                     by=evaluator())
        assert refused.value.code == "feedback.reach.not-subordinate"
        assert refused.value.message == f"Pegawai {OUTSIDER} bukan bawahan yang Anda nilai"
        assert store.all_events() == []

    async def test_someone_not_on_the_roster_is_invalid_input(self, dialogues: DialogueService) -> None:
        with pytest.raises(InvalidInput) as refused:
            await dialogues.schedule(employee_id="199909092020091009", scheduled_at=THURSDAY, period=None,
                                     agenda=None, by=evaluator())
        assert refused.value.code == "feedback.employee.not-on-roster"


class TestRescheduleDialogue:
    async def test_the_evaluator_moves_it_and_the_employee_is_told(self, dialogues: DialogueService,
                                                                   store: InMemoryEventStore,
                                                                   notifier: FakeNotifier) -> None:
        dialogue_id = await scheduled(dialogues)
        version = await dialogues.reschedule(dialogue_id, THURSDAY + timedelta(days=1), "Rapat", evaluator(), 1)
        assert version == 2
        assert types(store, f"dialog-{dialogue_id}")[-1] == "feedback.DialogueRescheduled"
        assert notifier.issued[-1][0].title == "Jadwal dialog kinerja diubah"

    async def test_a_stale_version_is_a_conflict_and_records_nothing(self, dialogues: DialogueService,
                                                                     store: InMemoryEventStore) -> None:
        dialogue_id = await scheduled(dialogues)
        await dialogues.reschedule(dialogue_id, THURSDAY + timedelta(days=1), "Rapat", evaluator(), 1)
        with pytest.raises(ConcurrencyError):
            await dialogues.reschedule(dialogue_id, THURSDAY + timedelta(days=2), "Lagi", evaluator(), 1)
        assert len(stream(store, f"dialog-{dialogue_id}")) == 2

    async def test_a_held_dialogue_keeps_its_date(self, dialogues: DialogueService) -> None:
        dialogue_id, _ = await held(dialogues)
        with pytest.raises(DomainRuleViolation) as refused:
            await dialogues.reschedule(dialogue_id, THURSDAY + timedelta(days=1), "Rapat", evaluator(), None)
        assert refused.value.code == "feedback.dialogue.held"

    async def test_an_unknown_dialogue_is_not_found(self, dialogues: DialogueService) -> None:
        with pytest.raises(NotFound) as refused:
            await dialogues.reschedule(uuid.uuid4(), THURSDAY, "Rapat", evaluator(), None)
        assert (refused.value.code, refused.value.field) == ("feedback.dialogue.not-found", "dialogue_id")

    async def test_another_office_cannot_touch_it(self, dialogues: DialogueService) -> None:
        dialogue_id = await scheduled(dialogues)
        with pytest.raises(Forbidden):
            await dialogues.reschedule(dialogue_id, THURSDAY, "Rapat", person(EVALUATOR, office_id="LAIN"), None)


class TestRecordNotes:
    async def test_the_evaluator_records_notes_and_actions_owned_by_the_employee_by_default(
            self, dialogues: DialogueService, store: InMemoryEventStore, notifier: FakeNotifier) -> None:
        dialogue_id, action_id = await held(dialogues, due_on=date(2026, 12, 31))
        event = stream(store, f"dialog-{dialogue_id}")[-1]
        assert event.event_type == "feedback.DialogueNotesRecorded"
        assert [(a["action_id"], a["owner_id"]) for a in event.payload["actions"]] == [(str(action_id), EMPLOYEE)]
        assert notifier.kinds_for(EMPLOYEE)[-1] == "dialogue_notes_recorded"

    async def test_an_action_due_before_the_dialogues_day_is_refused_naming_the_day(
            self, dialogues: DialogueService, store: InMemoryEventStore) -> None:
        dialogue_id = await scheduled(dialogues)
        with pytest.raises(InvalidInput) as refused:
            await dialogues.record_notes(dialogue_id, "Catatan", [
                {"description": "Lapor", "due_on": date(2026, 11, 25)}], evaluator(), None)
        assert refused.value.field == "actions.0.due_on"
        assert refused.value.message.endswith("(26 November 2026)")
        assert refused.value.message_en.endswith("(2026-11-26)")
        assert len(stream(store, f"dialog-{dialogue_id}")) == 1

    async def test_the_employee_cannot_record_the_notes(self, dialogues: DialogueService) -> None:
        dialogue_id = await scheduled(dialogues)
        with pytest.raises(Forbidden) as refused:
            await dialogues.record_notes(dialogue_id, "Catatan", [], person(EMPLOYEE), None)
        assert refused.value.code == "feedback.dialogue.evaluator-only"


class TestRespondToDialogue:
    async def test_the_employee_responds_in_the_employees_role(self, dialogues: DialogueService,
                                                               store: InMemoryEventStore) -> None:
        dialogue_id, _ = await held(dialogues)
        assert await dialogues.respond(dialogue_id, "Setuju", person(EMPLOYEE), 2) == 3
        event = stream(store, f"dialog-{dialogue_id}")[-1]
        assert (event.event_type, event.actor.role) == ("feedback.DialogueResponseGiven", "pegawai")

    async def test_nothing_to_respond_to_before_the_notes(self, dialogues: DialogueService) -> None:
        dialogue_id = await scheduled(dialogues)
        with pytest.raises(DomainRuleViolation) as refused:
            await dialogues.respond(dialogue_id, "Setuju", person(EMPLOYEE), None)
        assert refused.value.code == "feedback.dialogue.no-notes"


class TestAcknowledgeDialogue:
    async def test_both_parties_acknowledge_once_and_the_record_is_closed(self, dialogues: DialogueService,
                                                                         store: InMemoryEventStore) -> None:
        dialogue_id, _ = await held(dialogues)
        await dialogues.acknowledge(dialogue_id, person(EMPLOYEE), None)
        await dialogues.acknowledge(dialogue_id, evaluator(), None)
        with pytest.raises(DomainRuleViolation) as twice:
            await dialogues.acknowledge(dialogue_id, person(EMPLOYEE), None)
        assert twice.value.code == "feedback.dialogue.already-acknowledged"
        with pytest.raises(DomainRuleViolation) as closed:
            await dialogues.record_notes(dialogue_id, "Ubah", [], evaluator(), None)
        assert closed.value.code == "feedback.dialogue.acknowledged"
        assert types(store, f"dialog-{dialogue_id}")[-2:] == ["feedback.DialogueAcknowledged"] * 2

    async def test_someone_outside_the_dialogue_cannot(self, dialogues: DialogueService) -> None:
        dialogue_id, _ = await held(dialogues)
        with pytest.raises(Forbidden) as refused:
            await dialogues.acknowledge(dialogue_id, person(OUTSIDER), None)
        assert refused.value.code == "feedback.dialogue.not-a-party"


class TestCompleteAction:
    async def test_the_owner_completes_an_action_once(self, dialogues: DialogueService,
                                                      store: InMemoryEventStore) -> None:
        dialogue_id, action_id = await held(dialogues)
        await dialogues.complete_action(dialogue_id, action_id, "Selesai", person(EMPLOYEE))
        with pytest.raises(DomainRuleViolation) as again:
            await dialogues.complete_action(dialogue_id, action_id, None, person(EMPLOYEE))
        assert again.value.code == "feedback.dialogue.action-done"
        assert types(store, f"dialog-{dialogue_id}")[-1] == "feedback.DialogueActionCompleted"

    async def test_an_unknown_action_is_not_found(self, dialogues: DialogueService) -> None:
        dialogue_id, _ = await held(dialogues)
        with pytest.raises(NotFound) as refused:
            await dialogues.complete_action(dialogue_id, uuid.uuid4(), None, evaluator())
        assert refused.value.field == "action_id"
