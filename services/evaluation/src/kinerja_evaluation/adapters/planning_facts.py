"""What evaluation knows of planning, learned only from planning events (never from its database):
the roster, each SKP with its RHKs and IKIs, and the realisation entries with their evidence.

Tables: ``staff``, ``skp``, ``skp_rhks``, ``realisations``. Written by the planning-events consumer in
the same transaction as its inbox row, so each planning event has its effect exactly once.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_kernel.contracts import planning as ev
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.inbox import Handler

MIGRATIONS: tuple[Migration, ...] = (
    Migration("evaluation-planning", 1, "roster, SKPs, RHKs and realisation learned from planning events", """
        CREATE TABLE staff (
            employee_id    text PRIMARY KEY,
            name           text NOT NULL,
            office_id      text NOT NULL,
            unit_id        text NOT NULL,
            position       text NOT NULL,
            position_type  text NOT NULL,
            employment     text NOT NULL,
            evaluator_id   text,
            superior_id    text
        );
        CREATE INDEX staff_evaluator_idx ON staff (evaluator_id);
        CREATE INDEX staff_unit_idx ON staff (office_id, unit_id);

        CREATE TABLE skp (
            plan_id        uuid PRIMARY KEY,
            employee_id    text NOT NULL,
            office_id      text NOT NULL,
            unit_id        text NOT NULL,
            period_year    integer NOT NULL,
            evaluator_id   text NOT NULL,
            superior_id    text,
            position_type  text NOT NULL,
            approved       boolean NOT NULL DEFAULT false,
            status         text NOT NULL
        );
        CREATE INDEX skp_office_idx ON skp (office_id, period_year);

        CREATE TABLE skp_rhks (
            rhk_id    uuid PRIMARY KEY,
            plan_id   uuid NOT NULL,
            title     text NOT NULL,
            kind      text NOT NULL,
            ikis      jsonb NOT NULL
        );
        CREATE INDEX skp_rhks_plan_idx ON skp_rhks (plan_id);

        CREATE TABLE realisations (
            entry_id     uuid PRIMARY KEY,
            plan_id      uuid NOT NULL,
            rhk_id       uuid NOT NULL,
            iki_id       uuid NOT NULL,
            value        numeric NOT NULL,
            unit         text,
            occurred_on  date NOT NULL,
            description  text NOT NULL,
            evidence     jsonb NOT NULL,
            comments     jsonb NOT NULL DEFAULT '[]'
        );
        CREATE INDEX realisations_plan_idx ON realisations (plan_id, occurred_on);
    """),
    Migration("evaluation-planning", 2, "realisation entries sent back, corrected or withdrawn", """
        ALTER TABLE realisations ADD COLUMN status text NOT NULL DEFAULT 'counted',
                                 ADD COLUMN returned_reason text,
                                 ADD COLUMN corrections jsonb NOT NULL DEFAULT '[]';
    """),
)


async def employee_registered(conn: asyncpg.Connection, env: EventEnvelope, e: ev.EmployeeRegistered) -> None:
    await conn.execute(
        """INSERT INTO staff VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (employee_id) DO UPDATE SET name = $2, office_id = $3, unit_id = $4, position = $5,
             position_type = $6, employment = $7, evaluator_id = $8, superior_id = $9""",
        e.employee_id, e.name, e.office_id, e.unit_id, e.position, e.position_type.value, e.employment.value,
        e.evaluator_id, e.superior_id,
    )


async def plan_drafted(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PlanDrafted) -> None:
    await conn.execute(
        """INSERT INTO skp VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, 'draft')
           ON CONFLICT (plan_id) DO NOTHING""",
        e.plan_id, e.employee_id, e.office_id, e.unit_id, e.period_year, e.evaluator_id, e.superior_id,
        e.position_type.value,
    )


async def rhk_changed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RhkAdded | ev.RhkUpdated) -> None:
    r = e.rhk
    ikis = json.dumps([i.model_dump(mode="json") for i in r.ikis])
    await conn.execute(
        """INSERT INTO skp_rhks VALUES ($1, $2, $3, $4, $5::jsonb)
           ON CONFLICT (rhk_id) DO UPDATE SET title = $3, kind = $4, ikis = $5::jsonb""",
        r.rhk_id, e.plan_id, r.title, r.kind.value, ikis,
    )


async def rhk_removed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RhkRemoved) -> None:
    await conn.execute("DELETE FROM skp_rhks WHERE rhk_id = $1", e.rhk_id)


def plan_status(status: str) -> Any:
    async def handle(conn: asyncpg.Connection, env: EventEnvelope, e: Any) -> None:
        await conn.execute("UPDATE skp SET status = $2, approved = approved OR $2 = 'approved' WHERE plan_id = $1",
                           e.plan_id, status)

    return handle


async def realisation_recorded(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationRecorded) -> None:
    await conn.execute(
        """INSERT INTO realisations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
           ON CONFLICT (entry_id) DO NOTHING""",
        e.entry_id, e.plan_id, e.rhk_id, e.iki_id, e.value, e.unit, e.occurred_on, e.description,
        json.dumps([x.model_dump(mode="json") for x in e.evidence]),
    )


async def realisation_commented(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationCommented) -> None:
    comment = json.dumps([{"author_id": e.author_id, "comment": e.comment}])
    await conn.execute("UPDATE realisations SET comments = comments || $2::jsonb WHERE entry_id = $1",
                       e.entry_id, comment)


async def realisation_returned(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationReturned) -> None:
    await conn.execute("UPDATE realisations SET status = 'returned', returned_reason = $2 WHERE entry_id = $1",
                       e.entry_id, e.reason)


async def realisation_corrected(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationCorrected) -> None:
    correction = json.dumps([{"previous_value": str(e.previous_value), "value": str(e.value),
                              "previous_occurred_on": e.previous_occurred_on.isoformat(), "note": e.note}])
    await conn.execute(
        """UPDATE realisations SET status = 'counted', value = $2, occurred_on = $3, description = $4,
             evidence = $5::jsonb, corrections = corrections || $6::jsonb WHERE entry_id = $1""",
        e.entry_id, e.value, e.occurred_on, e.description, json.dumps([x.model_dump(mode="json") for x in e.evidence]),
        correction)


async def realisation_withdrawn(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationWithdrawn) -> None:
    await conn.execute("UPDATE realisations SET status = 'withdrawn' WHERE entry_id = $1", e.entry_id)


HANDLERS: dict[str, Handler] = {
    ev.EmployeeRegistered.event_type: employee_registered,
    ev.PlanDrafted.event_type: plan_drafted,
    ev.RhkAdded.event_type: rhk_changed,
    ev.RhkUpdated.event_type: rhk_changed,
    ev.RhkRemoved.event_type: rhk_removed,
    ev.PlanSubmitted.event_type: plan_status("submitted"),
    ev.PlanReturned.event_type: plan_status("returned"),
    ev.PlanApproved.event_type: plan_status("approved"),
    ev.PlanRevisionStarted.event_type: plan_status("revising"),
    ev.PlanClosed.event_type: plan_status("closed"),
    ev.RealisationRecorded.event_type: realisation_recorded,
    ev.RealisationCommented.event_type: realisation_commented,
    ev.RealisationReturned.event_type: realisation_returned,
    ev.RealisationCorrected.event_type: realisation_corrected,
    ev.RealisationWithdrawn.event_type: realisation_withdrawn,
}


# -- queries --------------------------------------------------------------------------------------
async def staff_member(conn: asyncpg.Connection, employee_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow("SELECT * FROM staff WHERE employee_id = $1", employee_id)
    return row


async def approved_plans(conn: asyncpg.Connection, office_id: str, year: int,
                         plan_id: uuid.UUID | None = None) -> list[asyncpg.Record]:
    """The approved SKPs of an office and year (or just ``plan_id``), with the roster's employment."""
    return list(await conn.fetch(
        """SELECT p.*, coalesce(s.employment, 'pns') AS employment
           FROM skp p LEFT JOIN staff s USING (employee_id)
           WHERE p.office_id = $1 AND p.period_year = $2 AND p.approved AND ($3::uuid IS NULL OR p.plan_id = $3)
           ORDER BY p.employee_id""", office_id, year, plan_id))


async def rhks_of_plans(conn: asyncpg.Connection, plan_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[asyncpg.Record]]:
    rows = await conn.fetch("SELECT * FROM skp_rhks WHERE plan_id = ANY($1::uuid[]) ORDER BY kind DESC, title",
                            plan_ids)
    found: dict[uuid.UUID, list[asyncpg.Record]] = {}
    for row in rows:
        found.setdefault(row["plan_id"], []).append(row)
    return found


async def relations_to(conn: asyncpg.Connection, employee_id: str, candidates: list[str]) -> dict[str, set[str]]:
    """How each candidate relates to the employee per the roster: ``peer`` (same evaluator, same office)
    or ``subordinate`` (evaluated by the employee)."""
    rows = await conn.fetch(
        """SELECT c.employee_id,
                  (c.evaluator_id IS NOT NULL AND c.evaluator_id = e.evaluator_id AND c.office_id = e.office_id)
                    AS peer,
                  (c.evaluator_id = e.employee_id) AS subordinate
           FROM staff c JOIN staff e ON e.employee_id = $1
           WHERE c.employee_id = ANY($2::text[])""", employee_id, candidates)
    return {r["employee_id"]: {k for k in ("peer", "subordinate") if r[k]} for r in rows}


async def rater_candidates(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    """Who may give 360 input on ``employee_id`` per the roster (the same relations ``relations_to`` checks):
    peers (same evaluator, same office) and subordinates (evaluated by the employee), never the employee."""
    return list(await conn.fetch(
        """SELECT c.employee_id, c.name, c.position, c.unit_id,
                  CASE WHEN c.evaluator_id = e.employee_id THEN 'subordinate' ELSE 'peer' END AS relation
           FROM staff c JOIN staff e ON e.employee_id = $1
           WHERE c.employee_id <> e.employee_id
             AND (c.evaluator_id = e.employee_id
                  OR (c.evaluator_id IS NOT NULL AND c.evaluator_id = e.evaluator_id AND c.office_id = e.office_id))
           ORDER BY relation, c.name, c.employee_id""", employee_id))


async def names_of(conn: asyncpg.Connection, ids: list[str]) -> dict[str, str]:
    """The roster's names of ``ids`` (those it knows)."""
    rows = await conn.fetch("SELECT employee_id, name FROM staff WHERE employee_id = ANY($1::text[])", ids)
    return {r["employee_id"]: r["name"] for r in rows}


async def realisation_for(conn: asyncpg.Connection, plan_id: uuid.UUID, start: date, end: date
                          ) -> list[dict[str, Any]]:
    """Each RHK of the plan with its IKIs, targets and the realisation entries (with evidence) dated in the period;
    ``realised_in_period`` adds up the counted ones (not sent back, not withdrawn): the same entries planning's
    realisation page counts for those days (``GET /plans/{id}/realisation?since=&until=``)."""
    rhks = await conn.fetch("SELECT * FROM skp_rhks WHERE plan_id = $1 ORDER BY kind DESC, title", plan_id)
    entries = await conn.fetch(
        "SELECT * FROM realisations WHERE plan_id = $1 AND occurred_on BETWEEN $2 AND $3 ORDER BY occurred_on",
        plan_id, start, end)
    by_iki: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for e in entries:
        by_iki.setdefault(e["iki_id"], []).append({
            "entry_id": str(e["entry_id"]), "value": str(e["value"]), "unit": e["unit"],
            "occurred_on": e["occurred_on"].isoformat(), "description": e["description"],
            "evidence": json.loads(e["evidence"]), "comments": json.loads(e["comments"]), "status": e["status"],
            "returned_reason": e["returned_reason"], "corrections": json.loads(e["corrections"])})
    result = []
    for r in rhks:
        ikis = []
        for iki in json.loads(r["ikis"]):
            listed = by_iki.get(uuid.UUID(iki["iki_id"]), [])
            total = sum((Decimal(x["value"]) for x in listed if x["status"] == "counted"), Decimal(0))
            ikis.append({**iki, "realised_in_period": str(total), "entries": listed})
        result.append({"rhk_id": str(r["rhk_id"]), "title": r["title"], "kind": r["kind"], "ikis": ikis})
    return result


# -- acting officials (Plt/Plh), learned from planning --------------------------------------------
MIGRATIONS = (*MIGRATIONS, Migration("evaluation-acting", 1, "acting officials (Plt/Plh) learned from planning", """
    CREATE TABLE acting_appointments (
        appointment_id  uuid PRIMARY KEY,
        office_id       text NOT NULL,
        absent_id       text NOT NULL,
        acting_id       text NOT NULL,
        kind            text NOT NULL,
        starts_on       date NOT NULL,
        ends_on         date NOT NULL
    );
    CREATE INDEX acting_appointments_acting_idx ON acting_appointments (acting_id);
    CREATE INDEX acting_appointments_absent_idx ON acting_appointments (absent_id);
"""))


async def acting_appointed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ActingOfficialAppointed) -> None:
    await conn.execute("INSERT INTO acting_appointments VALUES ($1, $2, $3, $4, $5, $6, $7) "
                       "ON CONFLICT (appointment_id) DO NOTHING", e.appointment_id, e.office_id, e.absent_id,
                       e.acting_id, e.kind.value, e.starts_on, e.ends_on)


async def acting_ended(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ActingAppointmentEnded) -> None:
    await conn.execute("UPDATE acting_appointments SET ends_on = $2 WHERE appointment_id = $1", e.appointment_id,
                       e.ends_on)


HANDLERS = {**HANDLERS, ev.ActingOfficialAppointed.event_type: acting_appointed,
            ev.ActingAppointmentEnded.event_type: acting_ended}


async def acting_windows(conn: asyncpg.Connection, *, acting_id: str | None = None,
                         absent_ids: list[str] | None = None) -> list[ev.ActingWindow]:
    """The appointments ``acting_id`` holds, or those covering one of ``absent_ids`` (any day: the rule,
    :func:`kinerja_kernel.contracts.planning.acting_for`, picks the day)."""
    rows = await conn.fetch(
        "SELECT absent_id, acting_id, starts_on, ends_on FROM acting_appointments "
        "WHERE acting_id = $1 OR absent_id = ANY($2::text[])", acting_id, absent_ids or [])
    return [ev.ActingWindow(**dict(r)) for r in rows]


async def acting_kind(conn: asyncpg.Connection, acting_id: str, absent_id: str) -> str | None:
    """``plt`` or ``plh``: the kind of the latest appointment of ``acting_id`` for ``absent_id``."""
    kind: str | None = await conn.fetchval(
        "SELECT kind FROM acting_appointments WHERE acting_id = $1 AND absent_id = $2 ORDER BY starts_on DESC "
        "LIMIT 1", acting_id, absent_id)
    return kind
