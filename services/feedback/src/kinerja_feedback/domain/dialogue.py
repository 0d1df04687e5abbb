"""Performance dialogues (dialog kinerja, one-on-one): scheduled by the evaluator with a subordinate,
notes and agreed actions recorded, the employee's own response, acknowledged by both, actions done."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.feedback import (
    AgreedAction,
    DialogueAcknowledged,
    DialogueActionCompleted,
    DialogueNotesRecorded,
    DialogueParty,
    DialogueRescheduled,
    DialogueResponseGiven,
    DialogueScheduled,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput, NotFound


class DialogueStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"  # notes recorded
    ACKNOWLEDGED = "acknowledged"  # by both


class Dialogue(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.dialogue_id: uuid.UUID | None = None
        self.employee_id = ""
        self.evaluator_id = ""
        self.office_id = ""
        self.period_key = ""
        self.scheduled_at: datetime | None = None
        self.notes: str | None = None
        self.response: str | None = None
        self.actions: dict[uuid.UUID, AgreedAction] = {}
        self.done: set[uuid.UUID] = set()
        self.acknowledged: set[DialogueParty] = set()

    @property
    def status(self) -> DialogueStatus:
        if len(self.acknowledged) == 2:
            return DialogueStatus.ACKNOWLEDGED
        return DialogueStatus.HELD if self.notes is not None else DialogueStatus.SCHEDULED

    @classmethod
    def schedule(cls, *, dialogue_id: uuid.UUID, employee_id: str, evaluator_id: str, office_id: str,
                 period_key: str, scheduled_at: datetime, agenda: str | None) -> Dialogue:
        d = cls()
        d.record(DialogueScheduled(dialogue_id=dialogue_id, employee_id=employee_id, evaluator_id=evaluator_id,
                                   office_id=office_id, period_key=period_key, scheduled_at=scheduled_at,
                                   agenda=agenda))
        return d

    def party_of(self, actor_id: str) -> DialogueParty:
        if actor_id == self.employee_id:
            return DialogueParty.EMPLOYEE
        if actor_id == self.evaluator_id:
            return DialogueParty.EVALUATOR
        raise Forbidden("feedback.dialogue.not-a-party", field="dialogue_id")

    def _require_evaluator(self, actor_id: str) -> None:
        if self.party_of(actor_id) is not DialogueParty.EVALUATOR:
            raise Forbidden("feedback.dialogue.evaluator-only")

    def _require_open(self) -> None:
        if self.acknowledged:
            raise DomainRuleViolation("feedback.dialogue.acknowledged")

    def reschedule(self, *, actor_id: str, scheduled_at: datetime, reason: str) -> None:
        self._require_evaluator(actor_id)
        if self.notes is not None:
            raise DomainRuleViolation("feedback.dialogue.held", field="scheduled_at")
        assert self.dialogue_id is not None
        assert self.scheduled_at is not None
        self.record(DialogueRescheduled(dialogue_id=self.dialogue_id, employee_id=self.employee_id,
                                        scheduled_at=scheduled_at, previous=self.scheduled_at, reason=reason))

    def record_notes(self, *, actor_id: str, notes: str, actions: tuple[AgreedAction, ...],
                     held_on: date | None = None) -> None:
        """``held_on``: the dialogue's day in the office's zone; no agreed action falls due before it."""
        self._require_evaluator(actor_id)
        self._require_open()
        if not notes.strip():
            raise InvalidInput("feedback.dialogue.notes-empty", field="notes")
        if len({a.action_id for a in actions}) != len(actions):
            raise InvalidInput("feedback.dialogue.duplicate-actions", field="actions")
        for i, a in enumerate(actions):
            if a.owner_id not in (self.employee_id, self.evaluator_id):
                raise InvalidInput("feedback.dialogue.action-owner-not-party", field=f"actions.{i}.owner_id")
            if held_on is not None and a.due_on is not None and a.due_on < held_on:
                raise InvalidInput("feedback.dialogue.action-due-before", field=f"actions.{i}.due_on", held_on=held_on)
        assert self.dialogue_id is not None
        self.record(DialogueNotesRecorded(dialogue_id=self.dialogue_id, employee_id=self.employee_id,
                                          notes=notes.strip(), actions=actions, previous_notes=self.notes))

    def respond(self, *, actor_id: str, response: str) -> None:
        if self.party_of(actor_id) is not DialogueParty.EMPLOYEE:
            raise Forbidden("feedback.dialogue.employee-only")
        if self.notes is None:
            raise DomainRuleViolation("feedback.dialogue.no-notes", field="response")
        self._require_open()
        assert self.dialogue_id is not None
        self.record(DialogueResponseGiven(dialogue_id=self.dialogue_id, employee_id=self.employee_id,
                                          response=response.strip(), previous=self.response))

    def acknowledge(self, *, actor_id: str) -> None:
        party = self.party_of(actor_id)
        if self.notes is None:
            raise DomainRuleViolation("feedback.dialogue.nothing-to-acknowledge")
        if party in self.acknowledged:
            raise DomainRuleViolation("feedback.dialogue.already-acknowledged")
        assert self.dialogue_id is not None
        self.record(DialogueAcknowledged(dialogue_id=self.dialogue_id, employee_id=self.employee_id, party=party,
                                         party_id=actor_id))

    def complete_action(self, *, actor_id: str, action_id: uuid.UUID, note: str | None) -> None:
        self.party_of(actor_id)
        action = self.actions.get(action_id)
        if action is None:
            raise NotFound("feedback.dialogue.action-not-found", field="action_id")
        if actor_id not in (action.owner_id, self.evaluator_id):
            raise Forbidden("feedback.dialogue.action-owner-or-evaluator", field="action_id")
        if action_id in self.done:
            raise DomainRuleViolation("feedback.dialogue.action-done", field="action_id")
        assert self.dialogue_id is not None
        self.record(DialogueActionCompleted(dialogue_id=self.dialogue_id, employee_id=self.employee_id,
                                            action_id=action_id, completed_by=actor_id, note=note))

    def _on_DialogueScheduled(self, e: DialogueScheduled) -> None:  # noqa: N802
        self.dialogue_id, self.employee_id, self.evaluator_id = e.dialogue_id, e.employee_id, e.evaluator_id
        self.office_id, self.period_key, self.scheduled_at = e.office_id, e.period_key, e.scheduled_at

    def _on_DialogueRescheduled(self, e: DialogueRescheduled) -> None:  # noqa: N802
        self.scheduled_at = e.scheduled_at

    def _on_DialogueNotesRecorded(self, e: DialogueNotesRecorded) -> None:  # noqa: N802
        self.notes = e.notes
        self.actions = {a.action_id: a for a in e.actions}
        self.done &= set(self.actions)

    def _on_DialogueResponseGiven(self, e: DialogueResponseGiven) -> None:  # noqa: N802
        self.response = e.response

    def _on_DialogueAcknowledged(self, e: DialogueAcknowledged) -> None:  # noqa: N802
        self.acknowledged.add(e.party)

    def _on_DialogueActionCompleted(self, e: DialogueActionCompleted) -> None:  # noqa: N802
        self.done.add(e.action_id)


def require_not_past(scheduled_at: datetime, now: datetime, zone: TimeZone) -> None:
    """A dialogue is scheduled for today or later in the office's zone (today: one held this morning)."""
    if zone.local_date(scheduled_at) < zone.local_date(now):
        raise InvalidInput("feedback.dialogue.date-past", field="scheduled_at")


def missing_dialogues(held: dict[str, int], subordinates: list[str], required: int) -> list[tuple[str, int]]:
    """Employees with fewer held dialogues in the period than the office requires: (employee, held)."""
    return [(e, held.get(e, 0)) for e in subordinates if held.get(e, 0) < required]
