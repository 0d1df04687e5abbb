"""What the feedback service knows of other services' facts: the roster, each office's calendar and
feedback settings, approved SKPs and open appraisals (fed by consumed events; rebuildable)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import asyncpg

from kinerja_feedback.domain.reach import Person
from kinerja_kernel.contracts.evaluation import OfficeSettings, PeriodKind, TimeZone
from kinerja_kernel.contracts.feedback import FeedbackOfficeSettings, FeedbackSettingsChanged
from kinerja_kernel.contracts.planning import ActingAppointmentEnded, ActingOfficialAppointed, EmployeeRegistered
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection


async def upsert_person(conn: asyncpg.Connection, e: EmployeeRegistered, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO people (employee_id, name, office_id, unit_id, evaluator_id, superior_id, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (employee_id) DO UPDATE SET name = $2, office_id = $3, "
        "unit_id = $4, evaluator_id = $5, superior_id = $6, updated_at = $7",
        e.employee_id, e.name, e.office_id, e.unit_id, e.evaluator_id, e.superior_id, at,
    )


async def person(conn: asyncpg.Connection, employee_id: str) -> Person | None:
    row = await conn.fetchrow("SELECT employee_id, office_id, unit_id, evaluator_id, superior_id FROM people "
                              "WHERE employee_id = $1", employee_id)
    return Person(**dict(row)) if row else None


async def names(conn: asyncpg.Connection, employee_ids: list[str]) -> dict[str, str]:
    rows = await conn.fetch("SELECT employee_id, name FROM people WHERE employee_id = ANY ($1)", employee_ids)
    return {r["employee_id"]: r["name"] for r in rows}


async def subordinates(conn: asyncpg.Connection, evaluator_id: str) -> list[str]:
    rows = await conn.fetch("SELECT employee_id FROM people WHERE evaluator_id = $1 ORDER BY employee_id", evaluator_id)
    return [r["employee_id"] for r in rows]


async def office_people(conn: asyncpg.Connection, office_id: str) -> list[dict[str, str | None]]:
    rows = await conn.fetch("SELECT employee_id, name, unit_id, evaluator_id FROM people WHERE office_id = $1 "
                            "ORDER BY unit_id, employee_id", office_id)
    return [dict(r) for r in rows]


async def upsert_calendar(conn: asyncpg.Connection, office_id: str, s: OfficeSettings, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO office_calendar (office_id, time_zone, periodic_cadence, plan_due_day_of_year, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (office_id) DO UPDATE SET time_zone = $2, periodic_cadence = $3, "
        "plan_due_day_of_year = $4, updated_at = $5",
        office_id, s.time_zone.value, s.periodic_cadence.value, s.plan_due_day_of_year, at,
    )


async def set_time_zone(conn: asyncpg.Connection, office_id: str, zone: TimeZone, at: datetime) -> None:
    d = OfficeSettings()
    await conn.execute(
        "INSERT INTO office_calendar (office_id, time_zone, periodic_cadence, plan_due_day_of_year, updated_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (office_id) DO UPDATE SET time_zone = $2, updated_at = $5",
        office_id, zone.value, d.periodic_cadence.value, d.plan_due_day_of_year, at,
    )


async def calendar(conn: asyncpg.Connection, office_id: str) -> OfficeSettings:
    """The office's calendar as far as the feedback service needs it (the regulation's defaults if unknown)."""
    row = await conn.fetchrow("SELECT time_zone, periodic_cadence, plan_due_day_of_year FROM office_calendar "
                              "WHERE office_id = $1", office_id)
    if row is None:
        return OfficeSettings()
    return OfficeSettings(time_zone=TimeZone(row["time_zone"]), periodic_cadence=PeriodKind(row["periodic_cadence"]),
                          plan_due_day_of_year=row["plan_due_day_of_year"])


async def zone_of(conn: asyncpg.Connection, office_id: str) -> TimeZone:
    value = await conn.fetchval("SELECT time_zone FROM office_calendar WHERE office_id = $1", office_id)
    return TimeZone(value) if value else TimeZone.WIB


async def offices_with_people(conn: asyncpg.Connection) -> list[str]:
    return [r["office_id"] for r in await conn.fetch("SELECT DISTINCT office_id FROM people")]


async def upsert_feedback_settings(conn: asyncpg.Connection, office_id: str, s: FeedbackOfficeSettings,
                                   at: datetime) -> None:
    await conn.execute(
        "INSERT INTO office_feedback_settings (office_id, peer_feedback_allowed, dialogues_per_period, updated_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (office_id) DO UPDATE SET peer_feedback_allowed = $2, "
        "dialogues_per_period = $3, updated_at = $4",
        office_id, s.peer_feedback_allowed, s.dialogues_per_period, at,
    )


async def _settings_changed(conn: asyncpg.Connection, env: EventEnvelope, e: FeedbackSettingsChanged) -> None:
    await upsert_feedback_settings(conn, e.office_id, e.settings, env.recorded_at)


SETTINGS_PROJECTION = Projection({FeedbackSettingsChanged.event_type: _settings_changed})
"""The office's feedback settings table, updated in the transaction that records a change."""


async def feedback_settings(conn: asyncpg.Connection, office_id: str) -> FeedbackOfficeSettings:
    row = await conn.fetchrow("SELECT peer_feedback_allowed, dialogues_per_period FROM office_feedback_settings "
                              "WHERE office_id = $1", office_id)
    return FeedbackOfficeSettings(**dict(row)) if row else FeedbackOfficeSettings()


async def plan_approved(conn: asyncpg.Connection, employee_id: str, year: int, at: datetime) -> None:
    await conn.execute("INSERT INTO approved_plans (employee_id, period_year, approved_at) VALUES ($1, $2, $3) "
                       "ON CONFLICT DO NOTHING", employee_id, year, at)


async def upsert_appraisal(conn: asyncpg.Connection, *, appraisal_id: uuid.UUID, employee_id: str, office_id: str,
                           evaluator_id: str, superior_id: str | None, period_key: str, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO appraisals (appraisal_id, employee_id, office_id, evaluator_id, superior_id, period_key, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (appraisal_id) DO UPDATE SET evaluator_id = $4, "
        "superior_id = coalesce($5, appraisals.superior_id), updated_at = $7",
        appraisal_id, employee_id, office_id, evaluator_id, superior_id, period_key, at,
    )


async def appraisal_final(conn: asyncpg.Connection, appraisal_id: uuid.UUID, at: datetime) -> None:
    await conn.execute("UPDATE appraisals SET final = true, updated_at = $2 WHERE appraisal_id = $1", appraisal_id, at)


async def appraisal(conn: asyncpg.Connection, appraisal_id: uuid.UUID) -> dict[str, object] | None:
    row = await conn.fetchrow("SELECT appraisal_id, employee_id, office_id, evaluator_id, superior_id, period_key, "
                              "final FROM appraisals WHERE appraisal_id = $1", appraisal_id)
    return dict(row) if row else None


async def acting_appointed(conn: asyncpg.Connection, e: ActingOfficialAppointed, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO acting_appointments (appointment_id, office_id, absent_id, acting_id, kind, starts_on, ends_on, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (appointment_id) DO NOTHING",
        e.appointment_id, e.office_id, e.absent_id, e.acting_id, e.kind.value, e.starts_on, e.ends_on, at)


async def acting_ended(conn: asyncpg.Connection, e: ActingAppointmentEnded, at: datetime) -> None:
    await conn.execute("UPDATE acting_appointments SET ends_on = $2, updated_at = $3 WHERE appointment_id = $1",
                       e.appointment_id, e.ends_on, at)


async def acting_on(conn: asyncpg.Connection, absent_ids: list[str], day: date) -> list[dict[str, object]]:
    """The appointments covering ``day`` in which one of ``absent_ids`` is the absent official."""
    rows = await conn.fetch(
        "SELECT a.absent_id, a.acting_id, a.kind, a.starts_on, a.ends_on, p.name AS absent_name FROM "
        "acting_appointments a LEFT JOIN people p ON p.employee_id = a.absent_id "
        "WHERE a.absent_id = ANY ($1) AND a.starts_on <= $2 AND $2 <= a.ends_on ORDER BY a.starts_on", absent_ids, day)
    return [dict(r) for r in rows]


async def acting_officials_of(conn: asyncpg.Connection, absent_id: str) -> list[str]:
    """Everyone ever appointed to act for ``absent_id`` (copies of their requests may sit in those inboxes)."""
    rows = await conn.fetch("SELECT DISTINCT acting_id FROM acting_appointments WHERE absent_id = $1", absent_id)
    return [r["acting_id"] for r in rows]
