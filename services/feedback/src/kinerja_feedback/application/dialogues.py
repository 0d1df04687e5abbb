"""Use cases of performance dialogues, and the missing-dialogue views for evaluators and HR."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg

from kinerja_feedback.adapters import directory, views
from kinerja_feedback.application.access import (
    Clock,
    require_office_reader,
    require_party_or_reader,
    require_reader,
)
from kinerja_feedback.application.notifications import NotificationService
from kinerja_feedback.domain.calendar import format_local
from kinerja_feedback.domain.dialogue import Dialogue, missing_dialogues, require_not_past
from kinerja_feedback.domain.notifications import NotificationDraft
from kinerja_feedback.domain.reach import not_on_roster, require_subordinate
from kinerja_kernel.access import within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import EvaluationPeriod, OfficeSettings, PeriodKind, TimeZone
from kinerja_kernel.contracts.feedback import AgreedAction, DialogueParty
from kinerja_kernel.errors import ConcurrencyError, NotFound
from kinerja_kernel.repository import EventSourcedRepository


def period_of(instant: datetime, calendar: OfficeSettings) -> str:
    """The office's periodic appraisal period (quarter or month) an instant falls in."""
    day = calendar.time_zone.local_date(instant)
    if calendar.periodic_cadence is PeriodKind.MONTHLY:
        return f"{day.year}-M{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


class DialogueService:
    def __init__(self, dialogues: EventSourcedRepository[Dialogue], notifications: NotificationService,
                 clock: Clock) -> None:
        self.dialogues = dialogues
        self.notifications = notifications
        self.db = dialogues.store.db
        self.clock = clock

    async def schedule(self, *, employee_id: str, scheduled_at: datetime, period: str | None, agenda: str | None,
                       by: Principal) -> tuple[uuid.UUID, int]:
        by.require_role(Role.PEJABAT_PENILAI)
        async with self.db.transaction() as conn:
            employee = await directory.person(conn, employee_id)
            if employee is None:
                raise not_on_roster(employee_id)
            by.require_office(employee.office_id)
            require_subordinate(by.user_id, employee)
            calendar = await directory.calendar(conn, employee.office_id)
            require_not_past(scheduled_at, self.clock(), calendar.time_zone)
            period_key = EvaluationPeriod.parse(period).key if period else period_of(scheduled_at, calendar)
            dialogue_id = uuid.uuid4()
            dialogue = Dialogue.schedule(dialogue_id=dialogue_id, employee_id=employee_id, evaluator_id=by.user_id,
                                         office_id=employee.office_id, period_key=period_key,
                                         scheduled_at=scheduled_at, agenda=agenda)
            sealed = await self.dialogues.save(dialogue_id, dialogue, actor=by.actor(Role.PEJABAT_PENILAI),
                                               office_id=employee.office_id, subject=employee_id, conn=conn)
            when = format_local(scheduled_at, calendar.time_zone)
            await self._tell(conn, sealed[0].event_id, sealed[0].event_type, dialogue, "dialogue_scheduled",
                             DialogueParty.EMPLOYEE, "Dialog kinerja dijadwalkan",
                             f"Pejabat penilai Anda ({by.user_id}) menjadwalkan dialog kinerja periode {period_key} "
                             f"pada {when}." + (f" Agenda: {agenda}" if agenda else ""))
        return dialogue_id, dialogue.version

    async def reschedule(self, dialogue_id: uuid.UUID, scheduled_at: datetime, reason: str, by: Principal,
                         expected_version: int | None) -> int:
        def decide(d: Dialogue, zone: TimeZone) -> None:
            d.reschedule(actor_id=by.user_id, scheduled_at=scheduled_at, reason=reason)
            require_not_past(scheduled_at, self.clock(), zone)

        async def then(conn: asyncpg.Connection, d: Dialogue, event_id: uuid.UUID, event_type: str) -> None:
            zone = await directory.zone_of(conn, d.office_id)
            await self._tell(conn, event_id, event_type, d, "dialogue_scheduled", DialogueParty.EMPLOYEE,
                             "Jadwal dialog kinerja diubah",
                             f"Dialog kinerja dipindahkan ke {format_local(scheduled_at, zone)}. Alasan: {reason}")
        return await self._change(dialogue_id, by, expected_version, decide, then)

    async def record_notes(self, dialogue_id: uuid.UUID, notes: str, actions: list[dict[str, Any]], by: Principal,
                           expected_version: int | None) -> int:
        def decide(d: Dialogue, zone: TimeZone) -> None:
            agreed = tuple(AgreedAction(action_id=a.get("action_id") or uuid.uuid4(), description=a["description"],
                                        owner_id=a.get("owner_id") or d.employee_id, due_on=a.get("due_on"))
                           for a in actions)
            held_on = zone.local_date(d.scheduled_at) if d.scheduled_at else None
            d.record_notes(actor_id=by.user_id, notes=notes, actions=agreed, held_on=held_on)

        async def then(conn: asyncpg.Connection, d: Dialogue, event_id: uuid.UUID, event_type: str) -> None:
            await self._tell(conn, event_id, event_type, d, "dialogue_notes_recorded", DialogueParty.EMPLOYEE,
                             "Catatan dialog kinerja menunggu tanggapan dan konfirmasi Anda",
                             f"Pejabat penilai mencatat hasil dialog kinerja periode {d.period_key} dengan "
                             f"{len(d.actions)} tindak lanjut. Silakan beri tanggapan lalu konfirmasi.")
        return await self._change(dialogue_id, by, expected_version, decide, then)

    async def respond(self, dialogue_id: uuid.UUID, response: str, by: Principal,
                      expected_version: int | None) -> int:
        return await self._change(dialogue_id, by, expected_version,
                                  lambda d, _: d.respond(actor_id=by.user_id, response=response))

    async def acknowledge(self, dialogue_id: uuid.UUID, by: Principal, expected_version: int | None) -> int:
        return await self._change(dialogue_id, by, expected_version, lambda d, _: d.acknowledge(actor_id=by.user_id))

    async def complete_action(self, dialogue_id: uuid.UUID, action_id: uuid.UUID, note: str | None,
                              by: Principal) -> int:
        return await self._change(dialogue_id, by, None,
                                  lambda d, _: d.complete_action(actor_id=by.user_id, action_id=action_id, note=note))

    # -- queries ----------------------------------------------------------------------------------
    async def get(self, dialogue_id: uuid.UUID, by: Principal) -> views.DialogueView:
        async with self.db.connection() as conn:
            found = await views.dialogue(conn, dialogue_id)
            employee = await directory.person(conn, found.employee_id) if found else None
        not_found = NotFound("Dialog kinerja tidak ditemukan", message_en="dialogue not found", field="dialogue_id")
        if found is None:
            raise not_found
        require_party_or_reader(by, found.office_id, (found.employee_id, found.evaluator_id), employee, not_found)
        return found

    async def of_employee(self, employee_id: str, period: str | None, by: Principal) -> list[views.DialogueView]:
        key = EvaluationPeriod.parse(period).key if period else None
        async with self.db.connection() as conn:
            employee = await directory.person(conn, employee_id)
            if employee is None:
                raise not_on_roster(employee_id)
            require_reader(by, employee)
            return await views.dialogues_of(conn, employee_id, key)

    async def my_actions(self, by: Principal) -> list[views.ActionView]:
        async with self.db.connection() as conn:
            return await views.open_actions(conn, by.user_id, sorted(by.offices))

    async def missing_for_team(self, period: str, by: Principal) -> dict[str, Any]:
        """The caller's subordinates with fewer held dialogues in ``period`` than their office expects."""
        key = EvaluationPeriod.parse(period).key
        async with self.db.connection() as conn:
            team = await directory.subordinates(conn, by.user_id)
            people = within_offices(by, [p for p in [await directory.person(conn, e) for e in team] if p is not None])
            required = {o: (await directory.feedback_settings(conn, o)).dialogues_per_period
                        for o in {p.office_id for p in people}}
            return await self._missing(conn, key, [(p.employee_id, p.office_id, p.evaluator_id) for p in people],
                                       required)

    async def missing_in_office(self, office_id: str, period: str, by: Principal) -> dict[str, Any]:
        require_office_reader(by, office_id)
        key = EvaluationPeriod.parse(period).key
        async with self.db.connection() as conn:
            people = [p for p in await directory.office_people(conn, office_id) if p["evaluator_id"]]
            required = {office_id: (await directory.feedback_settings(conn, office_id)).dialogues_per_period}
            return await self._missing(conn, key, [(str(p["employee_id"]), office_id, p["evaluator_id"])
                                                   for p in people], required)

    async def _missing(self, conn: asyncpg.Connection, key: str, people: list[tuple[str, str, str | None]],
                       required: dict[str, int]) -> dict[str, Any]:
        ids = [p[0] for p in people]
        held = await views.held_counts(conn, ids, key)
        names = await directory.names(conn, ids)
        scheduled = await views.scheduled_counts(conn, ids, key)
        missing = []
        for employee_id, office_id, evaluator_id in people:
            for who, count in missing_dialogues(held, [employee_id], required.get(office_id, 1)):
                missing.append({"employee_id": who, "name": names.get(who), "evaluator_id": evaluator_id,
                                "office_id": office_id, "held": count, "required": required.get(office_id, 1),
                                "scheduled": scheduled.get(who, 0)})
        return {"period": key, "employees": len(people), "missing": missing}

    # -- helpers ----------------------------------------------------------------------------------
    async def _change(
        self, dialogue_id: uuid.UUID, by: Principal, expected_version: int | None,
        decide: Callable[[Dialogue, TimeZone], None],
        then: Callable[[asyncpg.Connection, Dialogue, uuid.UUID, str], Any] | None = None,
    ) -> int:
        async with self.db.transaction() as conn:
            dialogue = await self.dialogues.load(dialogue_id, conn=conn)
            if dialogue is None:
                raise NotFound("Dialog kinerja tidak ditemukan", message_en="dialogue not found", field="dialogue_id")
            by.require_office(dialogue.office_id)
            if expected_version is not None and expected_version != dialogue.version:
                raise ConcurrencyError(self.dialogues.stream_id(dialogue_id), expected_version,
                                       f"the dialogue is at {dialogue.version}")
            decide(dialogue, await directory.zone_of(conn, dialogue.office_id))
            party = dialogue.party_of(by.user_id)
            role = Role.PEJABAT_PENILAI if party is DialogueParty.EVALUATOR else Role.PEGAWAI
            sealed = await self.dialogues.save(dialogue_id, dialogue, actor=by.actor(role),
                                               office_id=dialogue.office_id, subject=dialogue.employee_id, conn=conn,
                                               expected_version=expected_version)
            if then is not None:
                await then(conn, dialogue, sealed[0].event_id, sealed[0].event_type)
        return dialogue.version

    async def _tell(self, conn: asyncpg.Connection, event_id: uuid.UUID, event_type: str, d: Dialogue, kind: str,
                    to: DialogueParty, title: str, body: str) -> None:
        recipient = d.employee_id if to is DialogueParty.EMPLOYEE else d.evaluator_id
        role = "pegawai" if to is DialogueParty.EMPLOYEE else "pejabat_penilai"
        await self.notifications.issue(conn, [NotificationDraft(
            recipient_id=recipient, office_id=d.office_id, kind=kind, title=title, body=body,
            link=f"/dialog/{d.dialogue_id}", recipient_role=role)], source_event_id=event_id,
            source_event_type=event_type)
