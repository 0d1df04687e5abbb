"""Use cases of performance dialogues, and the missing-dialogue views for evaluators and HR."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg

from kinerja_feedback.adapters import directory as directory_adapter
from kinerja_feedback.adapters import views
from kinerja_feedback.application.access import (
    Clock,
    require_office_reader,
    require_party_or_reader,
    require_reader,
)
from kinerja_feedback.application.events import appended, read_models
from kinerja_feedback.application.ports import Directory, Notifier
from kinerja_feedback.domain.calendar import format_local, period_of
from kinerja_feedback.domain.dialogue import Dialogue, missing_dialogues, require_not_past
from kinerja_feedback.domain.notifications import NotificationDraft, named
from kinerja_feedback.domain.reach import not_on_roster, require_subordinate
from kinerja_kernel.access import within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import EvaluationPeriod, TimeZone
from kinerja_kernel.contracts.feedback import AgreedAction, DialogueParty
from kinerja_kernel.db import Database
from kinerja_kernel.errors import NotFound
from kinerja_kernel.repository import EventSourcedRepository


class DialogueService:
    def __init__(self, dialogues: EventSourcedRepository[Dialogue, Any], notifications: Notifier, clock: Clock,
                 directory: Directory = directory_adapter) -> None:
        self.dialogues = dialogues
        self.notifications = notifications
        self.directory = directory
        self.clock = clock

    @property
    def db(self) -> Database:
        """The read models' database (the queries; PostgreSQL only)."""
        return read_models(self.dialogues)

    # -- commands ---------------------------------------------------------------------------------
    async def schedule(self, *, employee_id: str, scheduled_at: datetime, period: str | None, agenda: str | None,
                       by: Principal) -> tuple[uuid.UUID, int]:
        """The evaluator schedules a dialogue with a subordinate, today or later in the office's zone."""
        by.require_role(Role.PEJABAT_PENILAI)
        async with self.dialogues.store.transaction() as conn:
            employee = await self.directory.person(conn, employee_id)
            if employee is None:
                raise not_on_roster(employee_id)
            by.require_office(employee.office_id)
            require_subordinate(by.user_id, employee)
            calendar = await self.directory.calendar(conn, employee.office_id)
            require_not_past(scheduled_at, self.clock(), calendar.time_zone)
            period_key = EvaluationPeriod.parse(period).key if period else period_of(scheduled_at, calendar)
            dialogue_id = uuid.uuid4()
            dialogue = Dialogue.schedule(dialogue_id=dialogue_id, employee_id=employee_id, evaluator_id=by.user_id,
                                         office_id=employee.office_id, period_key=period_key,
                                         scheduled_at=scheduled_at, agenda=agenda)
            await self.dialogues.save(dialogue_id, dialogue, actor=by.actor(Role.PEJABAT_PENILAI),
                                      office_id=employee.office_id, subject=employee_id, expected_version=0, conn=conn)
            when = format_local(scheduled_at, calendar.time_zone)
            names = await self.directory.names(conn, [by.user_id])
            await self._tell(conn, dialogue, "dialogue_scheduled", "Dialog kinerja dijadwalkan",
                             f"Pejabat penilai Anda ({named(names, by.user_id)}) menjadwalkan dialog kinerja periode "
                             f"{period_key} pada {when}." + (f" Agenda: {agenda}" if agenda else ""))
        return dialogue_id, dialogue.version

    async def reschedule(self, dialogue_id: uuid.UUID, scheduled_at: datetime, reason: str, by: Principal,
                         expected_version: int | None) -> int:
        """The evaluator moves a dialogue not held yet (to today or later)."""
        def decide(d: Dialogue) -> None:
            d.reschedule(actor_id=by.user_id, scheduled_at=scheduled_at, reason=reason)
            require_not_past(scheduled_at, self.clock(), zone)

        async with self.dialogues.store.transaction() as conn:
            zone = await self._zone(conn, dialogue_id)
            dialogue = await self._change(conn, dialogue_id, expected_version, decide, by)
            await self._tell(conn, dialogue, "dialogue_scheduled", "Jadwal dialog kinerja diubah",
                             f"Dialog kinerja dipindahkan ke {format_local(scheduled_at, zone)}. Alasan: {reason}")
        return dialogue.version

    async def record_notes(self, dialogue_id: uuid.UUID, notes: str, actions: list[dict[str, Any]], by: Principal,
                           expected_version: int | None) -> int:
        """The evaluator records the notes and the agreed actions (none due before the dialogue's day)."""
        def decide(d: Dialogue) -> None:
            agreed = tuple(AgreedAction(action_id=a.get("action_id") or uuid.uuid4(), description=a["description"],
                                        owner_id=a.get("owner_id") or d.employee_id, due_on=a.get("due_on"))
                           for a in actions)
            held_on = zone.local_date(d.scheduled_at) if d.scheduled_at else None
            d.record_notes(actor_id=by.user_id, notes=notes, actions=agreed, held_on=held_on)

        async with self.dialogues.store.transaction() as conn:
            zone = await self._zone(conn, dialogue_id)
            d = await self._change(conn, dialogue_id, expected_version, decide, by)
            await self._tell(conn, d, "dialogue_notes_recorded",
                             "Catatan dialog kinerja menunggu tanggapan dan konfirmasi Anda",
                             f"Pejabat penilai mencatat hasil dialog kinerja periode {d.period_key} dengan "
                             f"{len(d.actions)} tindak lanjut. Silakan beri tanggapan lalu konfirmasi.")
        return d.version

    async def respond(self, dialogue_id: uuid.UUID, response: str, by: Principal,
                      expected_version: int | None) -> int:
        """The employee's own response to the notes."""
        async with self.dialogues.store.transaction() as conn:
            d = await self._change(conn, dialogue_id, expected_version,
                                   lambda d: d.respond(actor_id=by.user_id, response=response), by)
        return d.version

    async def acknowledge(self, dialogue_id: uuid.UUID, by: Principal, expected_version: int | None) -> int:
        """A party confirms the record (closed once both have)."""
        async with self.dialogues.store.transaction() as conn:
            d = await self._change(conn, dialogue_id, expected_version,
                                   lambda d: d.acknowledge(actor_id=by.user_id), by)
        return d.version

    async def complete_action(self, dialogue_id: uuid.UUID, action_id: uuid.UUID, note: str | None,
                              by: Principal) -> int:
        """The action's owner (or the evaluator) marks an agreed action done."""
        async with self.dialogues.store.transaction() as conn:
            d = await self._change(conn, dialogue_id, None,
                                   lambda d: d.complete_action(actor_id=by.user_id, action_id=action_id, note=note), by)
        return d.version

    # -- queries ----------------------------------------------------------------------------------
    async def get(self, dialogue_id: uuid.UUID, by: Principal) -> views.DialogueView:
        async with self.db.connection() as conn:
            found = await views.dialogue(conn, dialogue_id)
            employee = await self.directory.person(conn, found.employee_id) if found else None
        if found is None:
            raise _not_found()
        require_party_or_reader(by, found.office_id, (found.employee_id, found.evaluator_id), employee, _not_found())
        return found

    async def of_employee(self, employee_id: str, period: str | None, by: Principal) -> list[views.DialogueView]:
        key = EvaluationPeriod.parse(period).key if period else None
        async with self.db.connection() as conn:
            employee = await self.directory.person(conn, employee_id)
            if employee is None:
                raise not_on_roster(employee_id)
            require_reader(by, employee)
            return await views.dialogues_of(conn, employee_id, key)

    async def held_by_me(self, period: str | None, by: Principal) -> list[views.DialogueView]:
        """The dialogues the caller holds as evaluator with people of the caller's offices."""
        key = EvaluationPeriod.parse(period).key if period else None
        async with self.db.connection() as conn:
            return await views.dialogues_held_by(conn, by.user_id, key, sorted(by.offices))

    async def my_actions(self, by: Principal) -> list[views.ActionView]:
        async with self.db.connection() as conn:
            return await views.open_actions(conn, by.user_id, sorted(by.offices))

    async def missing_for_team(self, period: str, by: Principal) -> views.MissingDialogues:
        """The caller's subordinates with fewer held dialogues in ``period`` than their office expects."""
        key = EvaluationPeriod.parse(period).key
        async with self.db.connection() as conn:
            team = await directory_adapter.subordinates(conn, by.user_id)
            people = within_offices(by, [p for p in [await self.directory.person(conn, e) for e in team]
                                         if p is not None])
            required = {o: (await self.directory.feedback_settings(conn, o)).dialogues_per_period
                        for o in {p.office_id for p in people}}
            return await self._missing(conn, key, [(p.employee_id, p.office_id, p.evaluator_id) for p in people],
                                       required)

    async def missing_in_office(self, office_id: str, period: str, by: Principal) -> views.MissingDialogues:
        require_office_reader(by, office_id)
        key = EvaluationPeriod.parse(period).key
        async with self.db.connection() as conn:
            people = [p for p in await directory_adapter.office_people(conn, office_id) if p["evaluator_id"]]
            required = {office_id: (await self.directory.feedback_settings(conn, office_id)).dialogues_per_period}
            return await self._missing(conn, key, [(str(p["employee_id"]), office_id, p["evaluator_id"])
                                                   for p in people], required)

    async def _missing(self, conn: asyncpg.Connection, key: str, people: list[tuple[str, str, str | None]],
                       required: dict[str, int]) -> views.MissingDialogues:
        ids = [p[0] for p in people]
        held = await views.held_counts(conn, ids, key)
        names = await self.directory.names(conn, ids)
        scheduled = await views.scheduled_counts(conn, ids, key)
        missing: list[views.MissingDialogue] = []
        for employee_id, office_id, evaluator_id in people:
            for who, count in missing_dialogues(held, [employee_id], required.get(office_id, 1)):
                missing.append(views.MissingDialogue(
                    employee_id=who, name=names.get(who), evaluator_id=evaluator_id, office_id=office_id, held=count,
                    required=required.get(office_id, 1), scheduled=scheduled.get(who, 0)))
        return views.MissingDialogues(period=key, employees=len(people), missing=missing)

    # -- helpers ----------------------------------------------------------------------------------
    async def _change(self, conn: Any, dialogue_id: uuid.UUID, expected_version: int | None,
                      decide: Callable[[Dialogue], None], by: Principal) -> Dialogue:
        """The use-case loop on one dialogue in ``conn``'s transaction: in the caller's office, at the version
        the caller saw, recorded in the role of the party who acted."""
        return await self.dialogues.change(
            dialogue_id, expected_version, decide, check=lambda d: by.require_office(d.office_id),
            not_found=_not_found, actor=lambda d: by.actor(_role_of(d, by.user_id)),
            office_id=lambda d: d.office_id, subject=lambda d: d.employee_id, conn=conn)

    async def _zone(self, conn: Any, dialogue_id: uuid.UUID) -> TimeZone:
        """The time zone of the dialogue's office (its day, and its actions' due dates, are local)."""
        dialogue = await self.dialogues.load(dialogue_id, conn=conn)
        if dialogue is None:
            raise _not_found()
        return await self.directory.zone_of(conn, dialogue.office_id)

    async def _tell(self, conn: Any, d: Dialogue, kind: str, title: str, body: str) -> None:
        """Notify the employee of the event the use case just appended."""
        event = await appended(self.dialogues, d.dialogue_id, d.version, conn)
        await self.notifications.issue(conn, [NotificationDraft(
            recipient_id=d.employee_id, office_id=d.office_id, kind=kind, title=title, body=body,
            link=f"/dialog/{d.dialogue_id}", recipient_role="pegawai")], source_event_id=event.event_id,
            source_event_type=event.event_type)


def _role_of(d: Dialogue, user_id: str) -> Role:
    return Role.PEJABAT_PENILAI if d.party_of(user_id) is DialogueParty.EVALUATOR else Role.PEGAWAI


def _not_found() -> NotFound:
    return NotFound("feedback.dialogue.not-found", field="dialogue_id")
