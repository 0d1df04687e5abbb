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

from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts.evaluation import OfficeSettings, OrganisationPredicate
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection

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
async def _settings(conn: asyncpg.Connection, env: EventEnvelope, e: ev.OfficeSettingsChanged) -> None:
    await conn.execute(
        """INSERT INTO office_settings VALUES ($1, $2::jsonb, $3)
           ON CONFLICT (office_id) DO UPDATE SET settings = $2::jsonb, updated_at = $3""",
        e.office_id, e.settings.model_dump_json(), env.recorded_at)


async def _period(conn: asyncpg.Connection, env: EventEnvelope, e: ev.EvaluationPeriodOpened) -> None:
    p = e.period
    await conn.execute("INSERT INTO periods VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", e.office_id, p.key,
                       p.kind.value, p.year, p.start, p.end, e.self_assessment_due, e.rating_due, env.recorded_at)


async def _organisation(conn: asyncpg.Connection, env: EventEnvelope, e: ev.OrganisationPredicateSet) -> None:
    await conn.execute(
        """INSERT INTO organisation_predicates VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (office_id, unit_id, period_key) DO UPDATE SET predicate = $4, set_by = $5, reason = $6,
             updated_at = $7""",
        e.office_id, e.unit_id, e.period_key, e.predicate.value, e.set_by, e.reason, env.recorded_at)


async def _opened(conn: asyncpg.Connection, env: EventEnvelope, e: ev.AppraisalOpened) -> None:
    await conn.execute(
        """INSERT INTO appraisals (appraisal_id, employee_id, office_id, unit_id, period_key, period_kind, year,
             plan_id, evaluator_id, superior_id, unit_head, rhk_count, self_assessment_due, rating_due, version,
             updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)""",
        e.appraisal_id, e.employee_id, e.office_id, e.unit_id, e.period.key, e.period.kind.value, e.period.year,
        e.plan_id, e.evaluator_id, e.superior_id, e.unit_head, len(e.rhks), e.self_assessment_due, e.rating_due,
        env.stream_version, env.recorded_at)


def _update(sql: str, *values: Any) -> Any:
    """A handler running ``UPDATE appraisals SET <sql>, version, updated_at WHERE appraisal_id``; ``values``
    are attribute names of the event (``$4``, ``$5``, ... in ``sql``)."""

    async def handle(conn: asyncpg.Connection, env: EventEnvelope, e: Any) -> None:
        args = [_plain(getattr(e, v)) for v in values]
        assignments = f"{sql}, " if sql else ""
        await conn.execute(f"UPDATE appraisals SET {assignments}version = $2, updated_at = $3 "  # noqa: S608
                           "WHERE appraisal_id = $1", e.appraisal_id, env.stream_version, env.recorded_at, *args)

    return handle


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, uuid.UUID) else value


async def _raters(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RatersAssigned) -> None:
    ids = [r.rater_id for r in e.raters]
    await conn.execute("DELETE FROM peer_requests WHERE appraisal_id = $1 AND NOT rater_id = ANY($2::text[])",
                       e.appraisal_id, ids)
    await conn.executemany(
        """INSERT INTO peer_requests VALUES ($1, $2, $3, $4, $5, false)
           ON CONFLICT (appraisal_id, rater_id) DO UPDATE SET relation = $4, window_closes_at = $5""",
        [(e.appraisal_id, r.rater_id, e.employee_id, r.relation.value, e.window_closes_at) for r in e.raters])
    await conn.execute("UPDATE appraisals SET raters = $3, version = $2, updated_at = $4 WHERE appraisal_id = $1",
                       e.appraisal_id, env.stream_version, len(ids), env.recorded_at)


async def _peer_input(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PeerInputSubmitted) -> None:
    await conn.execute("UPDATE peer_requests SET answered = true WHERE appraisal_id = $1 AND rater_id = $2",
                       e.appraisal_id, e.rater_id)
    await conn.execute(
        "UPDATE appraisals SET peer_answered = (SELECT count(*) FROM peer_requests WHERE appraisal_id = $1 "
        "AND answered), version = $2, updated_at = $3 WHERE appraisal_id = $1", e.appraisal_id, env.stream_version,
        env.recorded_at)


async def _finalised(conn: asyncpg.Connection, env: EventEnvelope, e: ev.AppraisalFinalised) -> None:
    r = e.result
    await conn.execute(
        "UPDATE appraisals SET status = 'finalised', finalised_at = $3, objection_deadline = $4, version = $2, "
        "updated_at = $3 WHERE appraisal_id = $1", r.appraisal_id, env.stream_version, env.recorded_at,
        e.objection_deadline)
    await _history(conn, env, r, replaces=None, reason=None)


async def _corrected(conn: asyncpg.Connection, env: EventEnvelope, e: ev.AppraisalCorrected) -> None:
    await _history(conn, env, e.result, replaces=e.replaces_event_id, reason=e.reason)
    await conn.execute("UPDATE rating_history SET superseded_by = $2 WHERE event_id = $1", e.replaces_event_id,
                       env.event_id)
    await _update("")(conn, env, e.result)


async def _history(conn: asyncpg.Connection, env: EventEnvelope, r: ev.AppraisalResult, *,
                   replaces: uuid.UUID | None, reason: str | None) -> None:
    await conn.execute(
        "INSERT INTO rating_history VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13)",
        env.event_id, r.appraisal_id, r.employee_id, r.office_id, r.period.key, r.period.kind.value, r.period.year,
        r.results_rating.value, r.behaviour_rating.value, r.predicate.value, env.recorded_at, replaces, reason)


async def _acknowledged(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ResultAcknowledged) -> None:
    await conn.execute("UPDATE appraisals SET acknowledged_at = $3, version = $2, updated_at = $3 "
                       "WHERE appraisal_id = $1", e.appraisal_id, env.stream_version, env.recorded_at)


PROJECTION = Projection({
    ev.OfficeSettingsChanged.event_type: _settings,
    ev.EvaluationPeriodOpened.event_type: _period,
    ev.OrganisationPredicateSet.event_type: _organisation,
    ev.AppraisalOpened.event_type: _opened,
    ev.SelfAssessmentSubmitted.event_type: _update("self_assessed = true"),
    ev.RatersAssigned.event_type: _raters,
    ev.PeerInputSubmitted.event_type: _peer_input,
    ev.PeerWindowClosed.event_type: _update("peer_window_closed = true"),
    ev.RhkRated.event_type: _update(
        "rated_rhks = CASE WHEN $4 = ANY(rated_rhks) THEN rated_rhks ELSE rated_rhks || $4 END", "rhk_id"),
    ev.BehaviourValueRated.event_type: _update(
        "rated_values = CASE WHEN $4 = ANY(rated_values) THEN rated_values ELSE rated_values || $4 END", "value"),
    ev.ResultsRatingSet.event_type: _update("results_rating = $4", "rating"),
    ev.BehaviourRatingSet.event_type: _update("behaviour_rating = $4", "rating"),
    ev.PredicateDetermined.event_type: _update("predicate = $4", "predicate"),
    ev.CurveOverrideJustified.event_type: _update(""),
    ev.AppraisalFinalised.event_type: _finalised,
    ev.ResultAcknowledged.event_type: _acknowledged,
    ev.ObjectionFiled.event_type: _update("status = 'objected', objection_status = 'filed', "
                                          "objection_filed_at = $3, superior_id = $4", "superior_id"),
    ev.ObjectionExplanationGiven.event_type: _update("explanations = explanations + 1"),
    ev.ObjectionDecided.event_type: _update("status = 'decided', objection_status = $4, objection_decided_at = $3",
                                            "decision"),
    ev.AppraisalCorrected.event_type: _corrected,
})


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
