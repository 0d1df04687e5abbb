"""Planning read models: the roster, SKP summaries and their RHKs (for team boards, the office
overview and the cascade tree). Updated in the same transaction as each append; rebuildable."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import asyncpg

from kinerja_kernel.contracts import planning as ev
from kinerja_kernel.contracts.evaluation import OfficeSettingsChanged, TimeZone
from kinerja_kernel.db import Migration
from kinerja_kernel.documents.ranks import CAREER_HANDLERS, CAREER_TOPIC, RANK_MIGRATIONS
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.inbox import Handler
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.rebuild import ReadModels
from kinerja_kernel.repository import Projection
from kinerja_planning.adapters.acting_models import ACTING_MIGRATIONS, ACTING_PROJECTION
from kinerja_planning.adapters.dashboard_models import DASHBOARD_HANDLERS, DASHBOARD_MIGRATIONS, chained
from kinerja_planning.domain.interactions import add_up
from kinerja_planning.domain.plan import PlanStatus, SupervisorPlan

MIGRATIONS: tuple[Migration, ...] = (
    Migration("planning", 1, "roster, plans and RHK read models", """
        CREATE TABLE roster (
            employee_id    text PRIMARY KEY,
            name           text NOT NULL,
            office_id      text NOT NULL,
            unit_id        text NOT NULL,
            position       text NOT NULL,
            position_type  text NOT NULL,
            employment     text NOT NULL,
            evaluator_id   text,
            superior_id    text,
            updated_at     timestamptz NOT NULL
        );
        CREATE INDEX roster_office_idx ON roster (office_id, unit_id);
        CREATE INDEX roster_evaluator_idx ON roster (evaluator_id);

        CREATE TABLE plans (
            plan_id        uuid PRIMARY KEY,
            employee_id    text NOT NULL,
            office_id      text NOT NULL,
            unit_id        text NOT NULL,
            period_year    integer NOT NULL,
            evaluator_id   text NOT NULL,
            superior_id    text,
            position_type  text NOT NULL,
            approach       text NOT NULL,
            status         text NOT NULL,
            version        integer NOT NULL,
            rhk_count      integer NOT NULL DEFAULT 0,
            updated_at     timestamptz NOT NULL
        );
        CREATE INDEX plans_office_idx ON plans (office_id, period_year);
        CREATE INDEX plans_evaluator_idx ON plans (evaluator_id, period_year);

        CREATE TABLE plan_rhks (
            rhk_id          uuid PRIMARY KEY,
            plan_id         uuid NOT NULL REFERENCES plans (plan_id),
            title           text NOT NULL,
            kind            text NOT NULL,
            parent_plan_id  uuid,
            parent_rhk_id   uuid,
            source_kind     text,
            source_ref      text,
            perspective     text
        );
        CREATE INDEX plan_rhks_plan_idx ON plan_rhks (plan_id);
        CREATE INDEX plan_rhks_parent_idx ON plan_rhks (parent_rhk_id);
    """),
)


MIGRATIONS = (*MIGRATIONS, Migration("planning", 2, "service interaction totals", """
    CREATE TABLE interaction_totals (
        employee_id         text NOT NULL,
        period_year         integer NOT NULL,
        service_type        text NOT NULL,
        count               bigint NOT NULL,
        satisfaction_sum    bigint NOT NULL,
        satisfaction_count  bigint NOT NULL,
        PRIMARY KEY (employee_id, period_year, service_type)
    );
"""))


async def add_interaction_totals(conn: asyncpg.Connection, totals: dict[tuple[str, int, str], tuple[int, int, int]]
                                 ) -> None:
    """Add a batch's counts (keys in a stable order, so concurrent batches lock rows in the same order)."""
    if not totals:
        return
    keys = list(totals)
    await conn.execute(
        """INSERT INTO interaction_totals AS t
           SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
           ON CONFLICT (employee_id, period_year, service_type) DO UPDATE SET
             count = t.count + excluded.count, satisfaction_sum = t.satisfaction_sum + excluded.satisfaction_sum,
             satisfaction_count = t.satisfaction_count + excluded.satisfaction_count""",
        [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [totals[k][0] for k in keys],
        [totals[k][1] for k in keys], [totals[k][2] for k in keys],
    )


MIGRATIONS = (*MIGRATIONS, Migration("planning", 3, "office time zones (from evaluation's office settings)", """
    CREATE TABLE office_time_zones (
        office_id   text PRIMARY KEY,
        time_zone   text NOT NULL,
        updated_at  timestamptz NOT NULL
    );
"""))


async def office_time_zones(conn: asyncpg.Connection, office_ids: Iterable[str]) -> dict[str, TimeZone]:
    """The zone of each office evaluation has told us about (the others are on WIB)."""
    rows = await conn.fetch("SELECT office_id, time_zone FROM office_time_zones WHERE office_id = ANY($1::text[])",
                            sorted(set(office_ids)))
    return {r["office_id"]: TimeZone(r["time_zone"]) for r in rows}


MIGRATIONS = (*MIGRATIONS, Migration("planning", 4, "office and unit names (from evaluation's office settings)", """
    ALTER TABLE office_time_zones ADD COLUMN office_name text, ADD COLUMN unit_names jsonb NOT NULL DEFAULT '{}';
"""))


async def office_names(conn: asyncpg.Connection, office_id: str) -> tuple[str | None, dict[str, str]]:
    """The office's name and its units' names as HR set them in evaluation's office settings (None, {}: not set)."""
    row = await conn.fetchrow("SELECT office_name, unit_names FROM office_time_zones WHERE office_id = $1", office_id)
    if row is None:
        return None, {}
    return row["office_name"], json.loads(row["unit_names"])


async def _office_settings(conn: asyncpg.Connection, env: EventEnvelope, e: OfficeSettingsChanged) -> None:
    await conn.execute(
        """INSERT INTO office_time_zones VALUES ($1, $2, $3, $4, $5::jsonb)
           ON CONFLICT (office_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = excluded.updated_at,
               office_name = excluded.office_name, unit_names = excluded.unit_names""",
        e.office_id, e.settings.time_zone.value, env.occurred_at, e.settings.office_name,
        json.dumps(e.settings.unit_names))


EVALUATION_HANDLERS: Mapping[str, Handler] = {OfficeSettingsChanged.event_type: _office_settings}
"""Planning reads one thing from evaluation's topic: each office's time zone (the year interactions count in) and
the office's and its units' names (printed on the SKP)."""


async def interaction_totals(conn: asyncpg.Connection, employee_id: str, period_year: int) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM interaction_totals WHERE employee_id = $1 AND period_year = $2",
                                 employee_id, period_year))


# -- projection -----------------------------------------------------------------------------------
async def _employee(conn: asyncpg.Connection, env: EventEnvelope, e: ev.EmployeeRegistered) -> None:
    await conn.execute(
        """INSERT INTO roster VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (employee_id) DO UPDATE SET name = $2, office_id = $3, unit_id = $4, position = $5,
             position_type = $6, employment = $7, evaluator_id = $8, superior_id = $9, updated_at = $10""",
        e.employee_id, e.name, e.office_id, e.unit_id, e.position, e.position_type.value, e.employment.value,
        e.evaluator_id, e.superior_id, env.recorded_at,
    )


async def _drafted(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PlanDrafted) -> None:
    await conn.execute(
        "INSERT INTO plans VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, 0, $11)",
        e.plan_id, e.employee_id, e.office_id, e.unit_id, e.period_year, e.evaluator_id, e.superior_id,
        e.position_type.value, e.approach.value, env.stream_version, env.recorded_at,
    )


async def _touch(conn: asyncpg.Connection, env: EventEnvelope, plan_id: uuid.UUID, status: str | None = None) -> None:
    await conn.execute(
        "UPDATE plans SET version = $2, updated_at = $3, status = coalesce($4, status), "
        "rhk_count = (SELECT count(*) FROM plan_rhks WHERE plan_id = $1) WHERE plan_id = $1",
        plan_id, env.stream_version, env.recorded_at, status,
    )


async def _rhk(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RhkAdded | ev.RhkUpdated) -> None:
    r = e.rhk
    await conn.execute(
        """INSERT INTO plan_rhks VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (rhk_id) DO UPDATE SET title = $3, kind = $4, parent_plan_id = $5, parent_rhk_id = $6,
             source_kind = $7, source_ref = $8, perspective = $9""",
        r.rhk_id, e.plan_id, r.title, r.kind.value,
        r.intervention.plan_id if r.intervention else None, r.intervention.rhk_id if r.intervention else None,
        r.source.kind.value if r.source else None, r.source.reference if r.source else None,
        r.perspective.value if r.perspective else None,
    )
    await _touch(conn, env, e.plan_id)


async def _rhk_removed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RhkRemoved) -> None:
    await conn.execute("DELETE FROM plan_rhks WHERE rhk_id = $1", e.rhk_id)
    await _touch(conn, env, e.plan_id)


def _status(status: PlanStatus) -> Any:
    async def handle(conn: asyncpg.Connection, env: EventEnvelope, e: Any) -> None:
        await _touch(conn, env, e.plan_id, status.value)

    return handle


async def _version_only(conn: asyncpg.Connection, env: EventEnvelope, e: Any) -> None:
    await _touch(conn, env, e.plan_id)


PROJECTION = Projection({
    ev.EmployeeRegistered.event_type: _employee,
    ev.PlanDrafted.event_type: _drafted,
    ev.RhkAdded.event_type: _rhk,
    ev.RhkUpdated.event_type: _rhk,
    ev.RhkRemoved.event_type: _rhk_removed,
    ev.BehaviourExpectationsSet.event_type: _version_only,
    ev.PlanAppendixSet.event_type: _version_only,
    ev.PlanSubmitted.event_type: _status(PlanStatus.SUBMITTED),
    ev.PlanReturned.event_type: _status(PlanStatus.RETURNED),
    ev.PlanApproved.event_type: _status(PlanStatus.APPROVED),
    ev.PlanRevisionStarted.event_type: _status(PlanStatus.REVISING),
    ev.PlanClosed.event_type: _status(PlanStatus.CLOSED),
})




async def _interaction(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ServiceInteractionRecorded) -> None:
    """Live, a batch adds its new interactions in one statement; a rebuild adds them one by one."""
    await add_interaction_totals(conn, add_up([(e.interaction, e.period_year)]))


MIGRATIONS = (*MIGRATIONS, *ACTING_MIGRATIONS, *DASHBOARD_MIGRATIONS, *RANK_MIGRATIONS)

READ_MODELS = ReadModels("planning", MIGRATIONS, Projection(chained({
    **PROJECTION.handlers, **ACTING_PROJECTION.handlers, ev.ServiceInteractionRecorded.event_type: _interaction},
    DASHBOARD_HANDLERS)),
    foreign={events_topic("evaluation"): EVALUATION_HANDLERS, CAREER_TOPIC: CAREER_HANDLERS})


# -- queries --------------------------------------------------------------------------------------
async def supervisor_plan(conn: asyncpg.Connection, plan_id: uuid.UUID) -> SupervisorPlan | None:
    row = await conn.fetchrow("SELECT employee_id, period_year, status FROM plans WHERE plan_id = $1", plan_id)
    if row is None:
        return None
    rhk_ids = frozenset(r["rhk_id"] for r in await conn.fetch("SELECT rhk_id FROM plan_rhks WHERE plan_id = $1",
                                                                plan_id))
    return SupervisorPlan(plan_id=plan_id, owner_id=row["employee_id"], period_year=row["period_year"],
                          status=PlanStatus(row["status"]), rhk_ids=rhk_ids)


async def roster_entry(conn: asyncpg.Connection, employee_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow("SELECT * FROM roster WHERE employee_id = $1", employee_id)
    return row


async def roster_offices(conn: asyncpg.Connection, employee_ids: Iterable[str]) -> dict[str, str]:
    """The office each of these employees is on the roster of (employees not on any roster are absent)."""
    rows = await conn.fetch("SELECT employee_id, office_id FROM roster WHERE employee_id = ANY($1::text[])",
                            sorted(set(employee_ids)))
    return {r["employee_id"]: r["office_id"] for r in rows}


async def office_roster(conn: asyncpg.Connection, office_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM roster WHERE office_id = $1 ORDER BY unit_id, name", office_id))


async def plans_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM plans WHERE employee_id = $1 ORDER BY period_year DESC", employee_id))


async def open_plans(conn: asyncpg.Connection, office_id: str, period_year: int) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT plan_id FROM plans WHERE office_id = $1 AND period_year = $2 AND status <> 'closed'",
        office_id, period_year)
    return [r["plan_id"] for r in rows]


async def rhks_of(conn: asyncpg.Connection, plan_id: uuid.UUID) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM plan_rhks WHERE plan_id = $1 ORDER BY kind, title", plan_id))


_MEMBERS = """
SELECT r.employee_id, r.name, r.office_id, r.unit_id, r.position, r.position_type, r.evaluator_id,
       p.plan_id, coalesce(p.status, 'not_started') AS status, p.version, coalesce(p.rhk_count, 0) AS rhk_count,
       p.updated_at
FROM roster r
LEFT JOIN plans p ON p.employee_id = r.employee_id AND p.period_year = $2
"""


async def team_board(conn: asyncpg.Connection, evaluator_id: str, period_year: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(_MEMBERS + " WHERE r.evaluator_id = $1 ORDER BY r.name", evaluator_id, period_year))


async def office_members(conn: asyncpg.Connection, office_id: str, period_year: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(_MEMBERS + " WHERE r.office_id = $1 ORDER BY r.unit_id, r.name",
                                 office_id, period_year))


async def office_rhks(conn: asyncpg.Connection, office_id: str, period_year: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        """SELECT k.*, p.employee_id, p.status AS plan_status, r.name
           FROM plan_rhks k JOIN plans p USING (plan_id) LEFT JOIN roster r ON r.employee_id = p.employee_id
           WHERE p.office_id = $1 AND p.period_year = $2 ORDER BY p.employee_id, k.kind, k.title""",
        office_id, period_year))


async def people_named(conn: asyncpg.Connection, employee_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Name and position of each of these employees on a roster (absent when not on any)."""
    rows = await conn.fetch("SELECT employee_id, name, position FROM roster WHERE employee_id = ANY($1::text[])",
                            sorted(set(employee_ids)))
    return {r["employee_id"]: {"name": r["name"], "position": r["position"] or ""} for r in rows}


async def rhk_titles(conn: asyncpg.Connection, plan_ids: Iterable[uuid.UUID]) -> dict[str, str]:
    """The title of every RHK of these plans, by RHK id (for "supports the supervisor's RHK ...")."""
    rows = await conn.fetch("SELECT rhk_id, title FROM plan_rhks WHERE plan_id = ANY($1::uuid[])",
                            sorted(set(plan_ids)))
    return {str(r["rhk_id"]): r["title"] for r in rows}


def as_dict(row: asyncpg.Record) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dict(row).items()}
