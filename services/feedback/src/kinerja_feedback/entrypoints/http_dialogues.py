"""HTTP routes of performance dialogues (dialog kinerja)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import AwareDatetime, BaseModel, Field

from kinerja_feedback.adapters.views import ActionView, DialogueView, MissingDialogues
from kinerja_feedback.entrypoints.http import App
from kinerja_kernel.http import CurrentPrincipal, RequestBody, StreamVersion
from kinerja_kernel.identity import Nip

router = APIRouter(prefix="/api/v1", tags=["Dialog kinerja"])
PeriodQ = Annotated[str, Query(max_length=8, description="periode: 2026-Q1, 2026-M03 atau 2026")]




class ScheduleBody(RequestBody):
    employee_id: Nip
    scheduled_at: AwareDatetime
    period: str | None = Field(default=None, max_length=8, description="default: the office's period of scheduled_at")
    agenda: str | None = Field(default=None, max_length=2000)


class RescheduleBody(RequestBody):
    scheduled_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=1000)
    expected_version: StreamVersion | None = None


class ActionBody(RequestBody):
    action_id: uuid.UUID | None = Field(default=None, description="keep an existing action's id when revising")
    description: str = Field(min_length=1, max_length=1000)
    owner_id: Nip | None = Field(default=None, description="default: the employee")
    due_on: date | None = None


class NotesBody(RequestBody):
    notes: str = Field(min_length=1, max_length=10_000)
    actions: list[ActionBody] = Field(default_factory=list, max_length=30)
    expected_version: StreamVersion | None = None


class TextBody(RequestBody):
    response: str = Field(min_length=1, max_length=4000)
    expected_version: StreamVersion | None = None


class AckBody(RequestBody):
    expected_version: StreamVersion | None = None


class DoneBody(RequestBody):
    note: str | None = Field(default=None, max_length=1000)


class Created(BaseModel):
    id: uuid.UUID
    version: int


class Versioned(BaseModel):
    version: int


@router.post("/dialogues", status_code=status.HTTP_201_CREATED, response_model=Created)
async def schedule(body: ScheduleBody, by: CurrentPrincipal, svc: App) -> Created:
    """The evaluator schedules a one-on-one with a subordinate."""
    dialogue_id, version = await svc.dialogues.schedule(employee_id=body.employee_id, scheduled_at=body.scheduled_at,
                                                        period=body.period, agenda=body.agenda, by=by)
    return Created(id=dialogue_id, version=version)


@router.get("/dialogues/{dialogue_id}", response_model=DialogueView)
async def get_dialogue(dialogue_id: uuid.UUID, by: CurrentPrincipal, svc: App) -> DialogueView:
    return await svc.dialogues.get(dialogue_id, by)


@router.post("/dialogues/{dialogue_id}/reschedule", response_model=Versioned)
async def reschedule(dialogue_id: uuid.UUID, body: RescheduleBody, by: CurrentPrincipal, svc: App) -> Versioned:
    return Versioned(version=await svc.dialogues.reschedule(dialogue_id, body.scheduled_at, body.reason, by,
                                                            body.expected_version))


@router.post("/dialogues/{dialogue_id}/notes", response_model=Versioned)
async def record_notes(dialogue_id: uuid.UUID, body: NotesBody, by: CurrentPrincipal, svc: App) -> Versioned:
    """The evaluator records the notes and the agreed actions (revisable until acknowledged)."""
    actions: list[dict[str, Any]] = [a.model_dump() for a in body.actions]
    return Versioned(version=await svc.dialogues.record_notes(dialogue_id, body.notes, actions, by,
                                                              body.expected_version))


@router.post("/dialogues/{dialogue_id}/response", response_model=Versioned)
async def respond(dialogue_id: uuid.UUID, body: TextBody, by: CurrentPrincipal, svc: App) -> Versioned:
    """The employee's own response to the notes."""
    return Versioned(version=await svc.dialogues.respond(dialogue_id, body.response, by, body.expected_version))


@router.post("/dialogues/{dialogue_id}/acknowledge", response_model=Versioned)
async def acknowledge(dialogue_id: uuid.UUID, by: CurrentPrincipal, svc: App, body: AckBody | None = None) -> Versioned:
    """Each party confirms the record; with both confirmations it is closed."""
    return Versioned(version=await svc.dialogues.acknowledge(dialogue_id, by, body.expected_version if body else None))


@router.post("/dialogues/{dialogue_id}/actions/{action_id}/complete", response_model=Versioned)
async def complete_action(dialogue_id: uuid.UUID, action_id: uuid.UUID, by: CurrentPrincipal, svc: App,
                          body: DoneBody | None = None) -> Versioned:
    return Versioned(version=await svc.dialogues.complete_action(dialogue_id, action_id, body.note if body else None,
                                                                 by))


@router.get("/employees/{employee_id}/dialogues", response_model=list[DialogueView])
async def employee_dialogues(employee_id: Nip, by: CurrentPrincipal, svc: App,
                             period: Annotated[str | None, Query(max_length=8)] = None) -> list[DialogueView]:
    return await svc.dialogues.of_employee(employee_id, period, by)


@router.get("/team/dialogues", response_model=list[DialogueView])
async def team_dialogues(by: CurrentPrincipal, svc: App,
                         period: Annotated[str | None, Query(max_length=8)] = None) -> list[DialogueView]:
    """The dialogues the caller holds as evaluator (with people of the caller's offices), soonest first."""
    return await svc.dialogues.held_by_me(period, by)


@router.get("/me/actions", response_model=list[ActionView])
async def my_actions(by: CurrentPrincipal, svc: App) -> list[ActionView]:
    """Agreed actions the caller owns that are not done yet."""
    return await svc.dialogues.my_actions(by)


@router.get("/team/dialogues/missing", response_model=MissingDialogues)
async def team_missing(period: PeriodQ, by: CurrentPrincipal, svc: App) -> MissingDialogues:
    """The evaluator's subordinates without the expected number of held dialogues in the period."""
    return await svc.dialogues.missing_for_team(period, by)


@router.get("/offices/{office_id}/dialogues/missing", response_model=MissingDialogues)
async def office_missing(office_id: str, period: PeriodQ, by: CurrentPrincipal, svc: App) -> MissingDialogues:
    """HR's view of the same for the whole office."""
    return await svc.dialogues.missing_in_office(office_id, period, by)
