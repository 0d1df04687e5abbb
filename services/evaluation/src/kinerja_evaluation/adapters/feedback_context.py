"""Continuous feedback an employee received (learned from the feedback service's events), shown in the
appraisal as context for the ratings. Table ``feedback_context``."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import asyncpg

from kinerja_kernel.contracts import feedback as fb
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.inbox import Handler

MIGRATIONS = (
    Migration("evaluation-feedback", 1, "continuous feedback as context of the appraisal", """
        CREATE TABLE feedback_context (
            feedback_id  uuid PRIMARY KEY,
            employee_id  text NOT NULL,
            author_id    text NOT NULL,
            relation     text NOT NULL,
            kind         text NOT NULL,
            rhk_id       uuid,
            iki_id       uuid,
            value        text,
            text         text NOT NULL,
            evidence     jsonb NOT NULL,
            given_on     date NOT NULL,
            response     text
        );
        CREATE INDEX feedback_context_employee_idx ON feedback_context (employee_id, given_on);
    """),
)


async def feedback_given(conn: asyncpg.Connection, env: EventEnvelope, e: fb.FeedbackGiven) -> None:
    await conn.execute(
        """INSERT INTO feedback_context VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, NULL)
           ON CONFLICT (feedback_id) DO NOTHING""",
        e.feedback_id, e.employee_id, e.author_id, e.relation.value, e.kind.value, e.rhk_id, e.iki_id,
        e.value.value if e.value else None, e.text, json.dumps([x.model_dump(mode="json") for x in e.evidence]),
        e.given_on)


async def feedback_responded(conn: asyncpg.Connection, env: EventEnvelope, e: fb.FeedbackResponded) -> None:
    await conn.execute("UPDATE feedback_context SET response = $2 WHERE feedback_id = $1", e.feedback_id, e.response)


HANDLERS: dict[str, Handler] = {fb.FeedbackGiven.event_type: feedback_given,
                                fb.FeedbackResponded.event_type: feedback_responded}


async def feedback_for(conn: asyncpg.Connection, employee_id: str, start: date, end: date) -> list[dict[str, Any]]:
    rows = await conn.fetch("SELECT * FROM feedback_context WHERE employee_id = $1 AND given_on BETWEEN $2 AND $3 "
                            "ORDER BY given_on", employee_id, start, end)
    return [{"feedback_id": str(r["feedback_id"]), "author_id": r["author_id"], "relation": r["relation"],
             "kind": r["kind"], "rhk_id": str(r["rhk_id"]) if r["rhk_id"] else None,
             "iki_id": str(r["iki_id"]) if r["iki_id"] else None, "value": r["value"], "text": r["text"],
             "evidence": json.loads(r["evidence"]), "given_on": r["given_on"].isoformat(), "response": r["response"]}
            for r in rows]
