"""Read models of feedback, dialogues and clarifications: inline projections (same transaction as the
append) and their queries."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from kinerja_kernel.contracts import feedback as fb
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection


# -- feedback --------------------------------------------------------------------------------------
async def _feedback_given(conn: asyncpg.Connection, env: EventEnvelope, e: fb.FeedbackGiven) -> None:
    await conn.execute(
        "INSERT INTO feedback (feedback_id, employee_id, office_id, author_id, relation, kind, rhk_id, iki_id, value, "
        "text, evidence, given_on, given_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14)",
        e.feedback_id, e.employee_id, e.office_id, e.author_id, e.relation.value, e.kind.value, e.rhk_id, e.iki_id,
        e.value.value if e.value else None, e.text, json.dumps([x.model_dump() for x in e.evidence]), e.given_on,
        env.recorded_at, env.stream_version,
    )


async def _feedback_responded(conn: asyncpg.Connection, env: EventEnvelope, e: fb.FeedbackResponded) -> None:
    await conn.execute("UPDATE feedback SET response = $2, responded_at = $3, version = $4 WHERE feedback_id = $1",
                       e.feedback_id, e.response, env.recorded_at, env.stream_version)


FEEDBACK_PROJECTION = Projection({fb.FeedbackGiven.event_type: _feedback_given,
                                  fb.FeedbackResponded.event_type: _feedback_responded})


class FeedbackView(BaseModel):
    feedback_id: uuid.UUID
    employee_id: str
    office_id: str
    author_id: str
    relation: str
    kind: str
    rhk_id: uuid.UUID | None
    iki_id: uuid.UUID | None
    value: str | None
    text: str
    evidence: list[dict[str, Any]]
    given_on: date
    given_at: datetime
    response: str | None
    responded_at: datetime | None
    version: int
    employee_name: str | None = None
    author_name: str | None = None


_FEEDBACK = ("SELECT f.*, e.name AS employee_name, a.name AS author_name FROM feedback f "
             "LEFT JOIN people e ON e.employee_id = f.employee_id LEFT JOIN people a ON a.employee_id = f.author_id ")


def _feedback(row: asyncpg.Record) -> FeedbackView:
    d = dict(row)
    d["evidence"] = json.loads(d["evidence"])
    return FeedbackView(**d)


async def feedback_of(conn: asyncpg.Connection, employee_id: str, start: date | None, end: date | None,
                      author_id: str | None = None) -> list[FeedbackView]:
    rows = await conn.fetch(
        _FEEDBACK + "WHERE f.employee_id = $1 AND ($2::date IS NULL OR given_on >= $2) "
        "AND ($3::date IS NULL OR given_on <= $3) AND ($4::text IS NULL OR author_id = $4) ORDER BY given_at DESC",
        employee_id, start, end, author_id)
    return [_feedback(r) for r in rows]


async def feedback_by(conn: asyncpg.Connection, author_id: str, start: date | None,
                      end: date | None) -> list[FeedbackView]:
    rows = await conn.fetch(
        _FEEDBACK + "WHERE author_id = $1 AND ($2::date IS NULL OR given_on >= $2) "
        "AND ($3::date IS NULL OR given_on <= $3) ORDER BY given_at DESC", author_id, start, end)
    return [_feedback(r) for r in rows]


async def one_feedback(conn: asyncpg.Connection, feedback_id: uuid.UUID) -> FeedbackView | None:
    row = await conn.fetchrow(_FEEDBACK + "WHERE f.feedback_id = $1", feedback_id)
    return _feedback(row) if row else None


# -- dialogues -------------------------------------------------------------------------------------
async def _dialogue_scheduled(conn: asyncpg.Connection, env: EventEnvelope, e: fb.DialogueScheduled) -> None:
    await conn.execute(
        "INSERT INTO dialogues (dialogue_id, employee_id, evaluator_id, office_id, period_key, scheduled_at, agenda, "
        "status, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'scheduled', $8, $9)",
        e.dialogue_id, e.employee_id, e.evaluator_id, e.office_id, e.period_key, e.scheduled_at, e.agenda,
        env.stream_version, env.recorded_at)


async def _touch(conn: asyncpg.Connection, env: EventEnvelope, dialogue_id: uuid.UUID, sql: str, *args: Any) -> None:
    # ``sql`` is one of this module's constant fragments, never input
    await conn.execute(f"UPDATE dialogues SET version = $2, updated_at = $3{sql} WHERE dialogue_id = $1",  # noqa: S608
                       dialogue_id, env.stream_version, env.recorded_at, *args)


async def _dialogue_rescheduled(conn: asyncpg.Connection, env: EventEnvelope, e: fb.DialogueRescheduled) -> None:
    await _touch(conn, env, e.dialogue_id, ", scheduled_at = $4", e.scheduled_at)


async def _dialogue_notes(conn: asyncpg.Connection, env: EventEnvelope, e: fb.DialogueNotesRecorded) -> None:
    await _touch(conn, env, e.dialogue_id, ", notes = $4, status = 'held'", e.notes)
    await conn.execute("DELETE FROM dialogue_actions WHERE dialogue_id = $1 AND NOT (action_id = ANY ($2::uuid[]))",
                       e.dialogue_id, [a.action_id for a in e.actions])
    for a in e.actions:
        await conn.execute(
            "INSERT INTO dialogue_actions (action_id, dialogue_id, description, owner_id, due_on) VALUES "
            "($1, $2, $3, $4, $5) ON CONFLICT (action_id) DO UPDATE SET description = $3, owner_id = $4, due_on = $5",
            a.action_id, e.dialogue_id, a.description, a.owner_id, a.due_on)


async def _dialogue_response(conn: asyncpg.Connection, env: EventEnvelope, e: fb.DialogueResponseGiven) -> None:
    await _touch(conn, env, e.dialogue_id, ", response = $4", e.response)


async def _dialogue_ack(conn: asyncpg.Connection, env: EventEnvelope, e: fb.DialogueAcknowledged) -> None:
    column = "employee_ack_at" if e.party is fb.DialogueParty.EMPLOYEE else "evaluator_ack_at"
    await _touch(conn, env, e.dialogue_id, f", {column} = $4", env.recorded_at)
    await conn.execute("UPDATE dialogues SET status = 'acknowledged' WHERE dialogue_id = $1 "
                       "AND employee_ack_at IS NOT NULL AND evaluator_ack_at IS NOT NULL", e.dialogue_id)


async def _dialogue_action_done(conn: asyncpg.Connection, env: EventEnvelope, e: fb.DialogueActionCompleted) -> None:
    await _touch(conn, env, e.dialogue_id, "")
    await conn.execute("UPDATE dialogue_actions SET done_at = $2, done_by = $3, note = $4 WHERE action_id = $1",
                       e.action_id, env.recorded_at, e.completed_by, e.note)


DIALOGUE_PROJECTION = Projection({
    fb.DialogueScheduled.event_type: _dialogue_scheduled,
    fb.DialogueRescheduled.event_type: _dialogue_rescheduled,
    fb.DialogueNotesRecorded.event_type: _dialogue_notes,
    fb.DialogueResponseGiven.event_type: _dialogue_response,
    fb.DialogueAcknowledged.event_type: _dialogue_ack,
    fb.DialogueActionCompleted.event_type: _dialogue_action_done,
})


class ActionView(BaseModel):
    action_id: uuid.UUID
    dialogue_id: uuid.UUID
    description: str
    owner_id: str
    due_on: date | None
    done_at: datetime | None
    done_by: str | None
    note: str | None


class DialogueView(BaseModel):
    dialogue_id: uuid.UUID
    employee_id: str
    evaluator_id: str
    office_id: str
    period_key: str
    scheduled_at: datetime
    agenda: str | None
    notes: str | None
    response: str | None
    status: str
    employee_ack_at: datetime | None
    evaluator_ack_at: datetime | None
    version: int
    actions: list[ActionView]
    employee_name: str | None = None
    evaluator_name: str | None = None


class MissingDialogue(BaseModel):
    """An employee with fewer held dialogues in the period than their office expects."""

    employee_id: str
    name: str | None = Field(description="from the roster")
    evaluator_id: str | None
    office_id: str
    held: int = Field(description="dialogues held (notes recorded) in the period")
    required: int = Field(description="dialogues the office expects per period")
    scheduled: int = Field(description="dialogues scheduled in the period, held or not")


class MissingDialogues(BaseModel):
    """Who misses dialogues in a period, out of ``employees`` looked at (a team or an office)."""

    period: str
    employees: int
    missing: list[MissingDialogue]


async def _with_actions(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> list[DialogueView]:
    ids = [r["dialogue_id"] for r in rows]
    actions: dict[uuid.UUID, list[ActionView]] = {i: [] for i in ids}
    for a in await conn.fetch("SELECT * FROM dialogue_actions WHERE dialogue_id = ANY ($1) ORDER BY due_on NULLS LAST, "
                              "description", ids):
        actions[a["dialogue_id"]].append(ActionView(**dict(a)))
    columns = set(DialogueView.model_fields) - {"actions", "employee_name", "evaluator_name"}
    names = {r["employee_id"]: r["name"] for r in await conn.fetch(
        "SELECT employee_id, name FROM people WHERE employee_id = ANY ($1)",
        list({r["employee_id"] for r in rows} | {r["evaluator_id"] for r in rows}))}
    return [DialogueView(**{k: v for k, v in dict(r).items() if k in columns}, actions=actions[r["dialogue_id"]],
                         employee_name=names.get(r["employee_id"]), evaluator_name=names.get(r["evaluator_id"]))
            for r in rows]


async def dialogue(conn: asyncpg.Connection, dialogue_id: uuid.UUID) -> DialogueView | None:
    rows = await conn.fetch("SELECT * FROM dialogues WHERE dialogue_id = $1", dialogue_id)
    found = await _with_actions(conn, rows)
    return found[0] if found else None


async def dialogues_of(conn: asyncpg.Connection, employee_id: str, period_key: str | None) -> list[DialogueView]:
    rows = await conn.fetch("SELECT * FROM dialogues WHERE employee_id = $1 AND ($2::text IS NULL OR period_key = $2) "
                            "ORDER BY scheduled_at DESC", employee_id, period_key)
    return await _with_actions(conn, rows)


async def dialogues_held_by(conn: asyncpg.Connection, evaluator_id: str, period_key: str | None,
                            offices: list[str]) -> list[DialogueView]:
    """The dialogues ``evaluator_id`` holds with the people of ``offices`` (in one period, or all), soonest first."""
    rows = await conn.fetch("SELECT * FROM dialogues WHERE evaluator_id = $1 AND ($2::text IS NULL OR period_key = $2) "
                            "AND office_id = ANY($3::text[]) ORDER BY scheduled_at", evaluator_id, period_key, offices)
    return await _with_actions(conn, rows)


async def held_counts(conn: asyncpg.Connection, employees: list[str], period_key: str) -> dict[str, int]:
    rows = await conn.fetch("SELECT employee_id, count(*) AS n FROM dialogues WHERE employee_id = ANY ($1) "
                            "AND period_key = $2 AND status <> 'scheduled' GROUP BY employee_id", employees, period_key)
    return {r["employee_id"]: r["n"] for r in rows}


async def scheduled_counts(conn: asyncpg.Connection, employees: list[str], period_key: str) -> dict[str, int]:
    rows = await conn.fetch("SELECT employee_id, count(*) AS n FROM dialogues WHERE employee_id = ANY ($1) "
                            "AND period_key = $2 AND status = 'scheduled' GROUP BY employee_id", employees, period_key)
    return {r["employee_id"]: r["n"] for r in rows}


async def open_actions(conn: asyncpg.Connection, owner_id: str, offices: list[str]) -> list[ActionView]:
    """The open actions ``owner_id`` owns in dialogues of ``offices``."""
    rows = await conn.fetch("SELECT a.* FROM dialogue_actions a JOIN dialogues d USING (dialogue_id) "
                            "WHERE a.owner_id = $1 AND a.done_at IS NULL AND d.office_id = ANY($2::text[]) "
                            "ORDER BY a.due_on NULLS LAST", owner_id, offices)
    return [ActionView(**dict(r)) for r in rows]


# -- clarifications --------------------------------------------------------------------------------
async def _clarification_requested(conn: asyncpg.Connection, env: EventEnvelope,
                                   e: fb.ClarificationRequested) -> None:
    await conn.execute(
        "INSERT INTO clarifications (clarification_id, appraisal_id, employee_id, evaluator_id, office_id, period_key, "
        "topic, status, created_at, updated_at, version) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, 'awaiting_answer', $8, $8, $9)",
        e.clarification_id, e.appraisal_id, e.employee_id, e.evaluator_id, e.office_id, e.period_key,
        e.topic.model_dump_json(exclude_none=True), env.recorded_at, env.stream_version)
    await conn.execute("INSERT INTO clarification_messages (clarification_id, seq, author_id, party, text, at) "
                       "VALUES ($1, 1, $2, 'employee', $3, $4)", e.clarification_id, e.employee_id, e.question,
                       env.recorded_at)


async def _clarification_replied(conn: asyncpg.Connection, env: EventEnvelope, e: fb.ClarificationReplied) -> None:
    status = "answered" if e.party is fb.DialogueParty.EVALUATOR else "awaiting_answer"
    await conn.execute("UPDATE clarifications SET status = $2, updated_at = $3, version = $4 "
                       "WHERE clarification_id = $1", e.clarification_id, status, env.recorded_at, env.stream_version)
    await conn.execute("INSERT INTO clarification_messages (clarification_id, seq, author_id, party, text, at) "
                       "VALUES ($1, $2, $3, $4, $5, $6)", e.clarification_id, env.stream_version, e.author_id,
                       e.party.value, e.text, env.recorded_at)


CLARIFICATION_PROJECTION = Projection({fb.ClarificationRequested.event_type: _clarification_requested,
                                       fb.ClarificationReplied.event_type: _clarification_replied})


class MessageView(BaseModel):
    seq: int
    author_id: str
    party: str
    text: str
    at: datetime


class ClarificationView(BaseModel):
    clarification_id: uuid.UUID
    appraisal_id: uuid.UUID
    employee_id: str
    evaluator_id: str
    office_id: str
    period_key: str
    topic: dict[str, Any]
    status: str
    created_at: datetime
    updated_at: datetime
    version: int
    messages: list[MessageView]
    closed: bool = False
    employee_name: str | None = None
    evaluator_name: str | None = None


async def _threads(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> list[ClarificationView]:
    ids = [r["clarification_id"] for r in rows]
    messages: dict[uuid.UUID, list[MessageView]] = {i: [] for i in ids}
    for m in await conn.fetch("SELECT * FROM clarification_messages WHERE clarification_id = ANY ($1) ORDER BY seq",
                              ids):
        messages[m["clarification_id"]].append(MessageView(**{k: v for k, v in dict(m).items()
                                                              if k != "clarification_id"}))
    return [ClarificationView(**{**dict(r), "topic": json.loads(r["topic"])}, messages=messages[r["clarification_id"]])
            for r in rows]


_THREADS = ("SELECT c.*, coalesce(a.final, false) AS closed, e.name AS employee_name, v.name AS evaluator_name "
            "FROM clarifications c LEFT JOIN appraisals a USING (appraisal_id) "
            "LEFT JOIN people e ON e.employee_id = c.employee_id LEFT JOIN people v ON v.employee_id = c.evaluator_id ")


async def clarification(conn: asyncpg.Connection, clarification_id: uuid.UUID) -> ClarificationView | None:
    found = await _threads(conn, await conn.fetch(_THREADS + "WHERE c.clarification_id = $1", clarification_id))
    return found[0] if found else None


async def clarifications_of(conn: asyncpg.Connection, appraisal_id: uuid.UUID) -> list[ClarificationView]:
    return await _threads(conn, await conn.fetch(_THREADS + "WHERE c.appraisal_id = $1 ORDER BY c.created_at",
                                                 appraisal_id))
