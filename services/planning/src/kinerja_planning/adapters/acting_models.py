"""Read model of acting appointments (Plt/Plh): table ``acting_appointments``, written in the appending
transaction by :data:`ACTING_PROJECTION` and rebuildable from ``planning.ActingOfficialAppointed`` /
``planning.ActingAppointmentEnded``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import asyncpg

from kinerja_kernel.contracts import planning as ev
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection

ACTING_MIGRATIONS: tuple[Migration, ...] = (
    Migration("planning-acting", 1, "acting officials (Plt/Plh)", """
        CREATE TABLE acting_appointments (
            appointment_id  uuid PRIMARY KEY,
            office_id       text NOT NULL,
            absent_id       text NOT NULL,
            acting_id       text NOT NULL,
            kind            text NOT NULL,
            starts_on       date NOT NULL,
            ends_on         date NOT NULL,
            ended_early     boolean NOT NULL DEFAULT false,
            reason          text NOT NULL,
            end_reason      text,
            decree_number   text,
            appointed_by    text NOT NULL,
            appointed_at    timestamptz NOT NULL
        );
        CREATE INDEX acting_appointments_office_idx ON acting_appointments (office_id, starts_on);
        CREATE INDEX acting_appointments_acting_idx ON acting_appointments (acting_id);
        CREATE INDEX acting_appointments_absent_idx ON acting_appointments (absent_id);
    """),
)


async def _appointed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ActingOfficialAppointed) -> None:
    await conn.execute(
        """INSERT INTO acting_appointments (appointment_id, office_id, absent_id, acting_id, kind, starts_on, ends_on,
                                            reason, decree_number, appointed_by, appointed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (appointment_id) DO NOTHING""",
        e.appointment_id, e.office_id, e.absent_id, e.acting_id, e.kind.value, e.starts_on, e.ends_on, e.reason,
        e.decree_number, env.actor_id, env.occurred_at)


async def _ended(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ActingAppointmentEnded) -> None:
    await conn.execute("UPDATE acting_appointments SET ends_on = $2, ended_early = true, end_reason = $3 "
                       "WHERE appointment_id = $1", e.appointment_id, e.ends_on, e.reason)


ACTING_PROJECTION = Projection({
    ev.ActingOfficialAppointed.event_type: _appointed,
    ev.ActingAppointmentEnded.event_type: _ended,
})


# -- queries --------------------------------------------------------------------------------------
async def windows_of(conn: asyncpg.Connection, acting_id: str) -> list[ev.ActingWindow]:
    """Every appointment ``acting_id`` holds (past, present, future): the rule picks the day."""
    rows = await conn.fetch("SELECT absent_id, acting_id, starts_on, ends_on FROM acting_appointments "
                            "WHERE acting_id = $1", acting_id)
    return [ev.ActingWindow(**dict(r)) for r in rows]


async def office_appointments(conn: asyncpg.Connection, office_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        """SELECT a.*, ab.name AS absent_name, ab.position AS absent_position, ac.name AS acting_name,
                  ac.position AS acting_position
           FROM acting_appointments a
           LEFT JOIN roster ab ON ab.employee_id = a.absent_id LEFT JOIN roster ac ON ac.employee_id = a.acting_id
           WHERE a.office_id = $1 ORDER BY a.ends_on DESC, a.starts_on DESC""", office_id))


async def held_by(conn: asyncpg.Connection, acting_id: str) -> list[asyncpg.Record]:
    """The appointments ``acting_id`` holds, with the absent official's name and position."""
    return list(await conn.fetch(
        """SELECT a.appointment_id, a.office_id, a.absent_id, a.acting_id, a.kind, a.starts_on, a.ends_on,
                  ab.name AS absent_name, ab.position AS absent_position
           FROM acting_appointments a LEFT JOIN roster ab ON ab.employee_id = a.absent_id
           WHERE a.acting_id = $1 ORDER BY a.starts_on""", acting_id))


async def covering(conn: asyncpg.Connection, absent_ids: Iterable[str]) -> list[ev.ActingWindow]:
    """The appointments of anybody acting for one of ``absent_ids`` (to add them as parties)."""
    rows = await conn.fetch("SELECT absent_id, acting_id, starts_on, ends_on FROM acting_appointments "
                            "WHERE absent_id = ANY($1::text[])", sorted({a for a in absent_ids if a}))
    return [ev.ActingWindow(**dict(r)) for r in rows]


async def appointment_office(conn: asyncpg.Connection, appointment_id: uuid.UUID) -> str | None:
    office: str | None = await conn.fetchval("SELECT office_id FROM acting_appointments WHERE appointment_id = $1",
                                             appointment_id)
    return office
