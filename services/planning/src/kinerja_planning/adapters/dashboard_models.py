"""Read models of the monitoring dashboards: every IKI of every SKP with its target and what has been realised
so far (manual entries; service IKIs add up ``interaction_totals`` at query time), and when each SKP was last
reported on. Updated in the same transaction as each append (the SKP's and the realisation's streams), so a
dashboard of a whole office is three indexed queries, whatever its size."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

import asyncpg

from kinerja_kernel.contracts import planning as ev
from kinerja_kernel.contracts.planning import Aspect, Rhk
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection, ProjectionHandler

DASHBOARD_MIGRATIONS: tuple[Migration, ...] = (
    Migration("planning-dashboard", 1, "IKI progress and last report per SKP, for the dashboards", """
        CREATE TABLE dashboard_ikis (
            iki_id        uuid PRIMARY KEY,
            plan_id       uuid NOT NULL,
            rhk_id        uuid NOT NULL,
            rhk_title     text NOT NULL,
            description   text NOT NULL,
            measure       text NOT NULL,
            service_type  text,
            target        numeric,
            unit          text,
            realised      numeric NOT NULL DEFAULT 0
        );
        CREATE INDEX plans_employee_idx ON plans (employee_id, period_year);
        CREATE INDEX dashboard_ikis_plan_idx ON dashboard_ikis (plan_id);
        CREATE INDEX dashboard_ikis_rhk_idx ON dashboard_ikis (rhk_id);

        CREATE TABLE dashboard_entries (
            entry_id  uuid PRIMARY KEY,
            plan_id   uuid NOT NULL,
            iki_id    uuid NOT NULL,
            value     numeric NOT NULL,
            counted   boolean NOT NULL
        );
        CREATE INDEX dashboard_entries_iki_idx ON dashboard_entries (iki_id) WHERE counted;

        CREATE TABLE dashboard_reports (
            plan_id           uuid PRIMARY KEY,
            last_reported_at  timestamptz NOT NULL,
            last_occurred_on  date NOT NULL,
            entries           integer NOT NULL
        );
    """),
)


async def _ikis(conn: asyncpg.Connection, plan_id: uuid.UUID, rhk: Rhk) -> None:
    kept = [iki.iki_id for iki in rhk.ikis]
    await conn.execute("DELETE FROM dashboard_ikis WHERE rhk_id = $1 AND NOT (iki_id = ANY($2::uuid[]))",
                       rhk.rhk_id, kept)
    for iki in rhk.ikis:
        kuantitas = next((t for t in iki.targets if t.aspect is Aspect.KUANTITAS), None)
        await conn.execute(
            """INSERT INTO dashboard_ikis VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (SELECT coalesce(sum(value), 0) FROM dashboard_entries WHERE iki_id = $1 AND counted))
               ON CONFLICT (iki_id) DO UPDATE SET rhk_title = $4, description = $5, measure = $6, service_type = $7,
                 target = $8, unit = $9""",
            iki.iki_id, plan_id, rhk.rhk_id, rhk.title, iki.description, iki.measure.value, iki.service_type,
            kuantitas.value if kuantitas else None, kuantitas.unit if kuantitas else None)


async def _rhk(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RhkAdded | ev.RhkUpdated) -> None:
    await _ikis(conn, e.plan_id, e.rhk)


async def _rhk_removed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RhkRemoved) -> None:
    await conn.execute("DELETE FROM dashboard_ikis WHERE rhk_id = $1", e.rhk_id)


async def _count(conn: asyncpg.Connection, iki_id: uuid.UUID, delta: Decimal) -> None:
    await conn.execute("UPDATE dashboard_ikis SET realised = realised + $2 WHERE iki_id = $1", iki_id, delta)


_RECORDED = """
WITH entry AS (INSERT INTO dashboard_entries VALUES ($1, $2, $3, $4, true) ON CONFLICT DO NOTHING),
     iki AS (UPDATE dashboard_ikis SET realised = realised + $4 WHERE iki_id = $3)
INSERT INTO dashboard_reports VALUES ($2, $5, $6, 1)
ON CONFLICT (plan_id) DO UPDATE SET last_reported_at = greatest(dashboard_reports.last_reported_at, $5),
  last_occurred_on = greatest(dashboard_reports.last_occurred_on, $6), entries = dashboard_reports.entries + 1
"""


async def _recorded(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationRecorded) -> None:
    """The entry, its IKI's sum and the SKP's last report, in one statement (one round trip per entry)."""
    await conn.execute(_RECORDED, e.entry_id, e.plan_id, e.iki_id, e.value, env.recorded_at, e.occurred_on)


async def _returned(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationReturned) -> None:
    row = await conn.fetchrow("UPDATE dashboard_entries SET counted = false WHERE entry_id = $1 AND counted "
                              "RETURNING iki_id, value", e.entry_id)
    if row is not None:
        await _count(conn, row["iki_id"], -row["value"])


async def _corrected(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationCorrected) -> None:
    row = await conn.fetchrow("SELECT value, counted FROM dashboard_entries WHERE entry_id = $1", e.entry_id)
    if row is not None and row["counted"]:
        await _count(conn, e.iki_id, -row["value"])
    await conn.execute("UPDATE dashboard_entries SET value = $2, counted = true WHERE entry_id = $1",
                       e.entry_id, e.value)
    await _count(conn, e.iki_id, e.value)


async def _withdrawn(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RealisationWithdrawn) -> None:
    row = await conn.fetchrow("UPDATE dashboard_entries SET counted = false WHERE entry_id = $1 AND counted "
                              "RETURNING iki_id, value", e.entry_id)
    if row is not None:
        await _count(conn, row["iki_id"], -row["value"])


DASHBOARD_HANDLERS: dict[str, ProjectionHandler] = {
    ev.RhkAdded.event_type: _rhk,
    ev.RhkUpdated.event_type: _rhk,
    ev.RhkRemoved.event_type: _rhk_removed,
    ev.RealisationRecorded.event_type: _recorded,
    ev.RealisationReturned.event_type: _returned,
    ev.RealisationCorrected.event_type: _corrected,
    ev.RealisationWithdrawn.event_type: _withdrawn,
}
DASHBOARD_PROJECTION = Projection(DASHBOARD_HANDLERS)


def chained(*tables: Mapping[str, ProjectionHandler]) -> dict[str, ProjectionHandler]:
    """One handler per event type that runs the handlers of every table, in order (a read model added beside
    another without touching its handlers)."""
    found: dict[str, list[ProjectionHandler]] = {}
    for table in tables:
        for event_type, handler in table.items():
            found.setdefault(event_type, []).append(handler)

    def run_all(handlers: list[ProjectionHandler]) -> ProjectionHandler:
        if len(handlers) == 1:
            return handlers[0]

        async def handle(conn: asyncpg.Connection, env: EventEnvelope, event: object) -> None:
            for handler in handlers:
                await handler(conn, env, event)

        return handle

    return {event_type: run_all(handlers) for event_type, handlers in found.items()}


# -- queries --------------------------------------------------------------------------------------
_MEMBERS = """
SELECT r.employee_id, r.name, r.office_id, r.unit_id, r.position, r.position_type, r.evaluator_id,
       ev.name AS evaluator_name, p.plan_id, coalesce(p.status, 'not_started') AS status,
       coalesce(p.rhk_count, 0) AS rhk_count, ep.status AS evaluator_plan_status,
       d.last_reported_at, d.last_occurred_on, coalesce(d.entries, 0) AS entries
FROM roster r
LEFT JOIN roster ev ON ev.employee_id = r.evaluator_id
LEFT JOIN plans p ON p.employee_id = r.employee_id AND p.period_year = $2
LEFT JOIN plans ep ON ep.employee_id = r.evaluator_id AND ep.period_year = $2
LEFT JOIN dashboard_reports d ON d.plan_id = p.plan_id
"""


async def office_members(conn: asyncpg.Connection, office_id: str, period_year: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(_MEMBERS + " WHERE r.office_id = $1 ORDER BY r.unit_id, r.name",
                                 office_id, period_year))


async def team_members(conn: asyncpg.Connection, evaluator_ids: list[str], period_year: int
                       ) -> list[asyncpg.Record]:
    return list(await conn.fetch(_MEMBERS + " WHERE r.evaluator_id = ANY($1::text[]) ORDER BY r.name",
                                 evaluator_ids, period_year))


async def ikis_of(conn: asyncpg.Connection, plan_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM dashboard_ikis WHERE plan_id = ANY($1::uuid[]) ORDER BY plan_id, rhk_title, description",
        plan_ids))


async def service_totals(conn: asyncpg.Connection, employee_ids: list[str], period_year: int
                         ) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM interaction_totals WHERE employee_id = ANY($1::text[]) AND period_year = $2",
        employee_ids, period_year))
