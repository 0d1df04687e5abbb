"""Evaluation read models, updated in the same transaction as each append (and rebuildable from the
events): office settings and periods, organisation predicates, one row per appraisal (for my appraisal,
the evaluator's team board and the calibration view), the 360 requests per rater, and the rating history
(each published result, and which correction superseded it)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from kinerja_evaluation.adapters import read_model_rules as rules
from kinerja_evaluation.adapters.row_tables import Table
from kinerja_kernel.contracts.evaluation import OfficeSettings, OrganisationPredicate
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection, current_payload

MIGRATIONS: tuple[Migration, ...] = (
    Migration("evaluation", 1, "office settings, periods, organisation predicates, appraisals, rating history", """
        CREATE TABLE office_settings (
            office_id   text PRIMARY KEY,
            settings    jsonb NOT NULL,
            updated_at  timestamptz NOT NULL
        );

        CREATE TABLE periods (
            office_id            text NOT NULL,
            period_key           text NOT NULL,
            kind                 text NOT NULL,
            year                 integer NOT NULL,
            starts_on            date NOT NULL,
            ends_on              date NOT NULL,
            self_assessment_due  timestamptz NOT NULL,
            rating_due           timestamptz NOT NULL,
            opened_at            timestamptz NOT NULL,
            PRIMARY KEY (office_id, period_key)
        );

        CREATE TABLE organisation_predicates (
            office_id   text NOT NULL,
            unit_id     text NOT NULL,
            period_key  text NOT NULL,
            predicate   text NOT NULL,
            set_by      text NOT NULL,
            reason      text NOT NULL,
            updated_at  timestamptz NOT NULL,
            PRIMARY KEY (office_id, unit_id, period_key)
        );

        CREATE TABLE appraisals (
            appraisal_id          uuid PRIMARY KEY,
            employee_id           text NOT NULL,
            office_id             text NOT NULL,
            unit_id               text NOT NULL,
            period_key            text NOT NULL,
            period_kind           text NOT NULL,
            year                  integer NOT NULL,
            plan_id               uuid NOT NULL,
            evaluator_id          text NOT NULL,
            superior_id           text,
            unit_head             boolean NOT NULL,
            rhk_count             integer NOT NULL,
            status                text NOT NULL DEFAULT 'open',
            self_assessed         boolean NOT NULL DEFAULT false,
            raters                integer NOT NULL DEFAULT 0,
            peer_answered         integer NOT NULL DEFAULT 0,
            peer_window_closed    boolean NOT NULL DEFAULT false,
            rated_rhks            uuid[] NOT NULL DEFAULT '{}',
            rated_values          text[] NOT NULL DEFAULT '{}',
            results_rating        text,
            behaviour_rating      text,
            predicate             text,
            self_assessment_due   timestamptz NOT NULL,
            rating_due            timestamptz NOT NULL,
            finalised_at          timestamptz,
            objection_deadline    timestamptz,
            acknowledged_at       timestamptz,
            objection_status      text,
            version               integer NOT NULL,
            updated_at            timestamptz NOT NULL
        );
        CREATE UNIQUE INDEX appraisals_employee_period_key ON appraisals (employee_id, period_key);
        CREATE INDEX appraisals_evaluator_idx ON appraisals (evaluator_id, period_key);
        CREATE INDEX appraisals_unit_idx ON appraisals (office_id, unit_id, period_key);

        CREATE TABLE peer_requests (
            appraisal_id      uuid NOT NULL,
            rater_id          text NOT NULL,
            employee_id       text NOT NULL,
            relation          text NOT NULL,
            window_closes_at  timestamptz NOT NULL,
            answered          boolean NOT NULL DEFAULT false,
            PRIMARY KEY (appraisal_id, rater_id)
        );
        CREATE INDEX peer_requests_rater_idx ON peer_requests (rater_id);

        CREATE TABLE rating_history (
            event_id           uuid PRIMARY KEY,
            appraisal_id       uuid NOT NULL,
            employee_id        text NOT NULL,
            office_id          text NOT NULL,
            period_key         text NOT NULL,
            period_kind        text NOT NULL,
            year               integer NOT NULL,
            results_rating     text NOT NULL,
            behaviour_rating   text NOT NULL,
            predicate          text NOT NULL,
            recorded_at        timestamptz NOT NULL,
            replaces_event_id  uuid,
            superseded_by      uuid,
            reason             text
        );
        CREATE INDEX rating_history_employee_idx ON rating_history (employee_id, year, period_key);
    """),
    Migration("evaluation", 2, "objections awaiting the superior and the evaluator", """
        ALTER TABLE appraisals ADD COLUMN objection_filed_at timestamptz, ADD COLUMN objection_decided_at timestamptz,
          ADD COLUMN explanations integer NOT NULL DEFAULT 0;
        CREATE INDEX appraisals_superior_objection_idx ON appraisals (superior_id) WHERE objection_status IS NOT NULL;
    """),
)


# -- projection -----------------------------------------------------------------------------------
# The rules (row state + event -> new row state) are in read_model_rules; here the rows they touch are read
# once per table and the changed ones written back once per table, for an append's events (live) and for a
# rebuild's chunk alike.
TABLES: dict[str, Table] = {t.name: t for t in (
    Table(rules.APPRAISALS, (
        ("appraisal_id", "uuid"), ("employee_id", "text"), ("office_id", "text"), ("unit_id", "text"),
        ("period_key", "text"), ("period_kind", "text"), ("year", "integer"), ("plan_id", "uuid"),
        ("evaluator_id", "text"), ("superior_id", "text"), ("unit_head", "boolean"), ("rhk_count", "integer"),
        ("status", "text"), ("self_assessed", "boolean"), ("raters", "integer"), ("peer_answered", "integer"),
        ("peer_window_closed", "boolean"), ("rated_rhks", "uuid[]"), ("rated_values", "text[]"),
        ("results_rating", "text"), ("behaviour_rating", "text"), ("predicate", "text"),
        ("self_assessment_due", "timestamptz"), ("rating_due", "timestamptz"), ("finalised_at", "timestamptz"),
        ("objection_deadline", "timestamptz"), ("acknowledged_at", "timestamptz"), ("objection_status", "text"),
        ("version", "integer"), ("updated_at", "timestamptz"), ("objection_filed_at", "timestamptz"),
        ("objection_decided_at", "timestamptz"), ("explanations", "integer")), ("appraisal_id",)),
    Table(rules.PEERS, (
        ("appraisal_id", "uuid"), ("rater_id", "text"), ("employee_id", "text"), ("relation", "text"),
        ("window_closes_at", "timestamptz"), ("answered", "boolean")), ("appraisal_id", "rater_id"),
        read_by="appraisal_id"),
    Table(rules.HISTORY, (
        ("event_id", "uuid"), ("appraisal_id", "uuid"), ("employee_id", "text"), ("office_id", "text"),
        ("period_key", "text"), ("period_kind", "text"), ("year", "integer"), ("results_rating", "text"),
        ("behaviour_rating", "text"), ("predicate", "text"), ("recorded_at", "timestamptz"),
        ("replaces_event_id", "uuid"), ("superseded_by", "uuid"), ("reason", "text")), ("event_id",)),
    Table(rules.PERIODS, (
        ("office_id", "text"), ("period_key", "text"), ("kind", "text"), ("year", "integer"), ("starts_on", "date"),
        ("ends_on", "date"), ("self_assessment_due", "timestamptz"), ("rating_due", "timestamptz"),
        ("opened_at", "timestamptz")), ("office_id", "period_key")),
    Table(rules.SETTINGS, (("office_id", "text"), ("settings", "jsonb"), ("updated_at", "timestamptz")),
          ("office_id",)),
    Table(rules.PREDICATES, (
        ("office_id", "text"), ("unit_id", "text"), ("period_key", "text"), ("predicate", "text"),
        ("set_by", "text"), ("reason", "text"), ("updated_at", "timestamptz")), ("office_id", "unit_id", "period_key")),
)}


async def project(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope]) -> None:
    """Apply ``envelopes`` (in commit order, of the types in ``rules.RULES``) to the read models: the rows they
    touch that may exist are read once per table, every event's rule runs in memory, and the changed rows are
    written back once per table."""
    rows = rules.Rows()
    wanted: dict[str, list[Any]] = {table: [] for table in rows.known}
    runs = []
    for env in envelopes:
        touches, rule = rules.RULES[env.event_type]
        payload = current_payload(env)
        for touch in touches(payload):
            if touch.key not in rows.known[touch.table]:
                rows.known[touch.table].add(touch.key)
                if not touch.creates:
                    wanted[touch.table].append(touch.key)
        runs.append((rule, env, payload))
    for name, keys in wanted.items():
        if keys:
            table = TABLES[name]
            for row in await table.load(conn, keys):
                rows.loaded(name, table.key_of(row), row)
    for rule, env, payload in runs:
        rule(rows, env, payload)
    for name, table in TABLES.items():
        inserted: list[rules.Row] = []
        upserted: list[rules.Row] = []
        deleted: list[rules.Key] = []
        for key, changed, stored in rows.changes(name):
            if changed is None:
                if stored:
                    deleted.append(key)
            else:
                (upserted if stored else inserted).append(changed)
        await table.write(conn, inserted=inserted, upserted=upserted, deleted=deleted)


PROJECTION = Projection.batched(rules.RULES, project)


# -- queries --------------------------------------------------------------------------------------
async def office_settings(conn: asyncpg.Connection, office_id: str) -> OfficeSettings:
    raw = await conn.fetchval("SELECT settings FROM office_settings WHERE office_id = $1", office_id)
    return OfficeSettings.model_validate_json(raw) if raw else OfficeSettings()


async def open_periods(conn: asyncpg.Connection, office_id: str, year: int | None = None) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM periods WHERE office_id = $1 AND ($2::int IS NULL OR year = $2) ORDER BY starts_on, kind",
        office_id, year))


async def organisation_predicate(conn: asyncpg.Connection, office_id: str, unit_id: str,
                                 period_key: str) -> OrganisationPredicate | None:
    value = await conn.fetchval("SELECT predicate FROM organisation_predicates WHERE office_id = $1 AND unit_id = $2 "
                                "AND period_key = $3", office_id, unit_id, period_key)
    return OrganisationPredicate(value) if value else None


_BOARD = """
SELECT a.*, s.name, cardinality(a.rated_rhks) AS rated_rhk_count, cardinality(a.rated_values) AS rated_value_count
FROM appraisals a LEFT JOIN staff s USING (employee_id)
"""


async def appraisals_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(_BOARD + " WHERE a.employee_id = $1 ORDER BY a.year DESC, a.period_key DESC",
                                 employee_id))


async def team(conn: asyncpg.Connection, evaluator_id: str, period_key: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(_BOARD + " WHERE a.evaluator_id = $1 AND a.period_key = $2 ORDER BY s.name",
                                 evaluator_id, period_key))


async def unit_members(conn: asyncpg.Connection, office_id: str, unit_id: str, period_key: str
                       ) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        _BOARD + " WHERE a.office_id = $1 AND a.unit_id = $2 AND a.period_key = $3 ORDER BY s.name",
        office_id, unit_id, period_key))


async def unit_heads(conn: asyncpg.Connection, office_id: str, unit_id: str, period_key: str) -> list[uuid.UUID]:
    rows = await conn.fetch("SELECT appraisal_id FROM appraisals WHERE office_id = $1 AND unit_id = $2 "
                            "AND period_key = $3 AND unit_head", office_id, unit_id, period_key)
    return [r["appraisal_id"] for r in rows]


async def peer_requests(conn: asyncpg.Connection, rater_id: str) -> list[asyncpg.Record]:
    """The 360 inputs asked of ``rater_id``, with whether the window is closed and the office's zone."""
    return list(await conn.fetch(
        """SELECT q.*, a.office_id, a.period_key, a.status, s.name AS employee_name, a.peer_window_closed,
                  coalesce(o.settings->>'time_zone', 'WIB') AS time_zone
           FROM peer_requests q JOIN appraisals a USING (appraisal_id)
           LEFT JOIN staff s ON s.employee_id = q.employee_id
           LEFT JOIN office_settings o ON o.office_id = a.office_id
           WHERE q.rater_id = $1 ORDER BY q.window_closes_at""", rater_id))


async def objections_for(conn: asyncpg.Connection, person_id: str, acting_for: Sequence[str] = ()
                         ) -> list[asyncpg.Record]:
    """Objections where ``person_id`` is the superior who decides (or acts today for the superior, Plt/Plh:
    ``acting_for``) or the evaluator who explains: those awaiting a decision first (oldest first), then the
    decided ones (newest first)."""
    return list(await conn.fetch(
        """SELECT a.appraisal_id, a.employee_id, s.name, a.office_id, a.unit_id, a.period_key, a.status,
                  a.objection_status, a.objection_filed_at, a.objection_decided_at, a.objection_deadline,
                  a.explanations, a.evaluator_id, a.superior_id, a.results_rating, a.behaviour_rating, a.predicate,
                  CASE WHEN a.superior_id = $1 OR a.superior_id = ANY($2::text[]) THEN 'atasan_penilai'
                       ELSE 'pejabat_penilai' END AS my_role
           FROM appraisals a LEFT JOIN staff s USING (employee_id)
           WHERE a.objection_status IS NOT NULL
             AND (a.superior_id = $1 OR a.evaluator_id = $1 OR a.superior_id = ANY($2::text[]))
           ORDER BY a.objection_status <> 'filed', CASE WHEN a.objection_status = 'filed'
                    THEN a.objection_filed_at END, a.objection_decided_at DESC""", person_id, list(acting_for)))


async def rating_history(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM rating_history WHERE employee_id = $1 ORDER BY year, period_key, "
                                 "recorded_at", employee_id))


async def unit_leaders(conn: asyncpg.Connection, office_id: str, unit_id: str) -> set[str]:
    """Who leads the unit above: the evaluators of the unit's heads (per the roster)."""
    rows = await conn.fetch(
        "SELECT DISTINCT evaluator_id FROM staff WHERE office_id = $1 AND unit_id = $2 AND evaluator_id IS NOT NULL "
        "AND position_type IN ('kepala_unit', 'jpt')", office_id, unit_id)
    return {r["evaluator_id"] for r in rows}


def as_dict(row: asyncpg.Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in dict(row).items():
        if isinstance(v, datetime):
            v = v.isoformat()
        elif isinstance(v, list):
            v = [str(x) for x in v]
        elif isinstance(v, str) and k == "settings":
            v = json.loads(v)
        out[k] = v
    return out
