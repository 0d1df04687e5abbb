"""Pangkat/golongan for the documents: career owns ranks (HR enters or imports them there, ``career.RankRecorded``);
planning and evaluation keep this small read model of each employee's current rank from career's topic, so the
SKP and the evaluation document print it for the employee, the evaluator and the evaluator's superior.

A rank is printed beside a document's hashed content, never part of it (like evaluation's names): a promotion
after a document was signed does not turn it into a new version, and the signed PDF keeps what it printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import asyncpg

from kinerja_kernel.contracts.career import RankRecorded
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.inbox import Handler
from kinerja_kernel.kafka import events_topic

RANK_MIGRATIONS: Final = (Migration("documents-ranks", 1, "current pangkat/golongan per employee (from career)", """
    CREATE TABLE document_ranks (
        employee_id  text PRIMARY KEY,
        grade        text NOT NULL,
        name         text NOT NULL,
        tmt          date NOT NULL,
        recorded_at  timestamptz NOT NULL
    );
"""),)

CAREER_TOPIC: Final = events_topic("career")


async def _rank_recorded(conn: asyncpg.Connection, env: EventEnvelope, e: RankRecorded) -> None:
    """The newest record wins (a redelivered older one changes nothing)."""
    await conn.execute(
        """INSERT INTO document_ranks VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (employee_id) DO UPDATE SET grade = excluded.grade, name = excluded.name, tmt = excluded.tmt,
               recorded_at = excluded.recorded_at WHERE document_ranks.recorded_at <= excluded.recorded_at""",
        e.employee_id, e.rank.grade, e.rank.name, e.rank.tmt, env.recorded_at)


CAREER_HANDLERS: Final[Mapping[str, Handler]] = {RankRecorded.event_type: _rank_recorded}


def rank_label(name: str, grade: str) -> str:
    """``Penata``, ``III/c`` -> ``Penata, III/c`` (as the annex prints PANGKAT/GOL. RUANG)."""
    return f"{name}, {grade}"


async def ranks_of(conn: asyncpg.Connection, employee_ids: Iterable[str | None]) -> dict[str, str]:
    """The printed rank of each employee career has told us about (the others are absent)."""
    wanted = sorted({e for e in employee_ids if e})
    rows = await conn.fetch("SELECT employee_id, grade, name FROM document_ranks WHERE employee_id = ANY($1::text[])",
                            wanted)
    return {r["employee_id"]: rank_label(r["name"], r["grade"]) for r in rows}


def with_ranks(people: Mapping[str, dict[str, Any]], ranks: Mapping[str, str], missing: str) -> dict[str, Any]:
    """Each person (a dict with ``nip``) with ``pangkat`` filled from ``ranks``."""
    return {key: {**person, "pangkat": ranks.get(person.get("nip") or "", missing)} for key, person in people.items()}


__all__ = ["CAREER_HANDLERS", "CAREER_TOPIC", "RANK_MIGRATIONS", "rank_label", "ranks_of", "with_ranks"]
