"""Career read models: employees (profile, rank, functional position, potential, box), the performance
history, credit points, tracked promotion eligibility, recommendations, contract flags, the office
training catalog and development plans. Updated in the same transaction as each append (inline
projection); every table can be rebuilt from the career events.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_career.domain.development_plan import totals
from kinerja_kernel.contracts import career as ev
from kinerja_kernel.contracts.career import DevelopmentActivity, PerformanceEntry
from kinerja_kernel.db import Migration
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.repository import Projection

MIGRATIONS: tuple[Migration, ...] = (
    Migration("career", 1, "career read models", """
        CREATE TABLE career_employees (
            employee_id            text PRIMARY KEY,
            office_id              text NOT NULL,
            name                   text,
            unit_id                text,
            position               text,
            position_type          text,
            employment             text,
            evaluator_id           text,
            rank_grade             text,
            rank_name              text,
            rank_tmt               date,
            functional_level       text,
            coefficient            numeric,
            coefficient_from       integer,
            potential              text,
            potential_source       text,
            potential_assessed_on  date,
            box                    integer,
            performance            text,
            box_basis              text,
            version                integer NOT NULL,
            updated_at             timestamptz NOT NULL
        );
        CREATE INDEX career_employees_office_idx ON career_employees (office_id);

        CREATE TABLE career_results (
            source_event_id   uuid PRIMARY KEY,
            employee_id       text NOT NULL,
            appraisal_id      uuid NOT NULL,
            period_key        text NOT NULL,
            kind              text NOT NULL,
            year              integer NOT NULL,
            months            integer NOT NULL,
            period_end        date NOT NULL,
            office_id         text NOT NULL,
            unit_id           text NOT NULL,
            position_type     text NOT NULL,
            employment        text NOT NULL,
            results_rating    text NOT NULL,
            behaviour_rating  text NOT NULL,
            predicate         text NOT NULL,
            weak_values       text[] NOT NULL,
            rhks_below        integer NOT NULL,
            status            text NOT NULL,  -- berlaku | dikoreksi | digantikan
            replaced_by       uuid,
            replaced_reason   text,
            recorded_at       timestamptz NOT NULL
        );
        CREATE INDEX career_results_employee_idx ON career_results (employee_id, year);

        CREATE TABLE career_credit_points (
            employee_id  text NOT NULL,
            period_key   text NOT NULL,
            year         integer NOT NULL,
            kind         text NOT NULL,
            months       integer NOT NULL,
            predicate    text NOT NULL,
            coefficient  numeric NOT NULL,
            factor       numeric NOT NULL,
            amount       numeric NOT NULL,
            counted      boolean NOT NULL,
            reason       text NOT NULL,
            updated_at   timestamptz NOT NULL,
            PRIMARY KEY (employee_id, period_key)
        );

        CREATE TABLE career_eligibility (
            employee_id       text NOT NULL,
            promotion_period  date NOT NULL,
            eligible          boolean NOT NULL,
            checks            jsonb NOT NULL,
            reason            text NOT NULL,
            updated_at        timestamptz NOT NULL,
            PRIMARY KEY (employee_id, promotion_period)
        );

        CREATE TABLE career_recommendations (
            employee_id  text NOT NULL,
            period_key   text NOT NULL,
            items        jsonb NOT NULL,
            reason       text NOT NULL,
            updated_at   timestamptz NOT NULL,
            PRIMARY KEY (employee_id, period_key)
        );

        CREATE TABLE career_contract_flags (
            employee_id  text NOT NULL,
            year         integer NOT NULL,
            flagged      boolean NOT NULL,
            reason       text NOT NULL,
            updated_at   timestamptz NOT NULL,
            PRIMARY KEY (employee_id, year)
        );

        CREATE TABLE training_catalog (
            office_id  text NOT NULL,
            code       text NOT NULL,
            title      text NOT NULL,
            trigger    text NOT NULL,
            value      text,
            hours      integer NOT NULL,
            provider   text,
            PRIMARY KEY (office_id, code)
        );

        CREATE TABLE development_plans (
            idp_id            uuid PRIMARY KEY,
            employee_id       text NOT NULL,
            office_id         text NOT NULL,
            year              integer NOT NULL,
            kind              text NOT NULL,
            goals             jsonb NOT NULL,
            activities        jsonb NOT NULL,
            hours_planned     integer NOT NULL,
            hours_done        numeric NOT NULL,
            progress_percent  integer NOT NULL,
            created_by        text NOT NULL,
            version           integer NOT NULL,
            updated_at        timestamptz NOT NULL
        );
        CREATE INDEX development_plans_employee_idx ON development_plans (employee_id, year);
    """),
)


# -- projection: employees ----------------------------------------------------------------------------
async def _employee(conn: asyncpg.Connection, env: EventEnvelope, **columns: Any) -> None:
    """Upsert the employee row (the office is the record's office, the envelope's) and set ``columns``
    (names from this module only)."""
    names = list(columns)
    sets = "".join(f", {n} = ${i + 5}" for i, n in enumerate(names))
    await conn.execute(
        f"""INSERT INTO career_employees (employee_id, office_id, version, updated_at{''.join(', ' + n for n in names)})
            VALUES ($1, $2, $3, $4{''.join(f', ${i + 5}' for i in range(len(names)))})
            ON CONFLICT (employee_id) DO UPDATE SET office_id = $2, version = $3, updated_at = $4{sets}""",  # noqa: S608
        env.subject, env.office_id, env.stream_version, env.recorded_at, *columns.values(),
    )


async def _profile(conn: asyncpg.Connection, env: EventEnvelope, e: ev.EmployeeProfileChanged) -> None:
    p = e.profile
    await _employee(conn, env, name=p.name, unit_id=p.unit_id,
                    position=p.position, position_type=p.position_type.value, employment=p.employment.value,
                    evaluator_id=p.evaluator_id)


async def _insert_result(conn: asyncpg.Connection, env: EventEnvelope, entry: PerformanceEntry) -> None:
    p = entry.period
    await conn.execute(
        """INSERT INTO career_results VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                                              $16, $17, 'berlaku', NULL, NULL, $18)
           ON CONFLICT (source_event_id) DO NOTHING""",
        entry.source_event_id, env.subject, entry.appraisal_id, p.key, p.kind.value, p.year, p.months, p.end,
        entry.office_id, entry.unit_id, entry.position_type.value, entry.employment.value,
        entry.results_rating.value, entry.behaviour_rating.value, entry.predicate.value,
        [v.value for v in entry.weak_values], entry.rhks_below, env.recorded_at,
    )


async def _replace_result(conn: asyncpg.Connection, old: PerformanceEntry, new: PerformanceEntry, status: str,
                          reason: str) -> None:
    await conn.execute(
        "UPDATE career_results SET status = $2, replaced_by = $3, replaced_reason = $4 WHERE source_event_id = $1",
        old.source_event_id, status, new.source_event_id, reason)


async def _recorded(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PerformanceRecorded) -> None:
    await _employee(conn, env)
    await _insert_result(conn, env, e.entry)
    if e.replaces is not None:
        await _replace_result(conn, e.replaces, e.entry, "digantikan", e.reason)


async def _corrected(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PerformanceCorrected) -> None:
    await _employee(conn, env)
    await _insert_result(conn, env, e.entry)
    await _replace_result(conn, e.previous, e.entry, "dikoreksi", e.reason)


async def _rank(conn: asyncpg.Connection, env: EventEnvelope, e: ev.RankRecorded) -> None:
    await _employee(conn, env, rank_grade=e.rank.grade, rank_name=e.rank.name, rank_tmt=e.rank.tmt)


async def _functional(conn: asyncpg.Connection, env: EventEnvelope, e: ev.FunctionalPositionSet) -> None:
    p = e.position
    await _employee(conn, env, functional_level=p.level.value, coefficient=p.coefficient,
                    coefficient_from=p.effective_year)


async def _potential(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PotentialAssessed) -> None:
    a = e.assessment
    await _employee(conn, env, potential=a.potential.value, potential_source=a.source,
                    potential_assessed_on=a.assessed_on)


async def _box(conn: asyncpg.Connection, env: EventEnvelope, e: ev.TalentBoxChanged) -> None:
    await _employee(conn, env, box=e.box, performance=e.performance.value, box_basis=e.basis_period)


async def _credit(conn: asyncpg.Connection, env: EventEnvelope, e: ev.CreditPointsCalculated) -> None:
    await _employee(conn, env)
    p = e.points
    await conn.execute(
        """INSERT INTO career_credit_points VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (employee_id, period_key) DO UPDATE SET predicate = $6, coefficient = $7, factor = $8,
             amount = $9, counted = $10, reason = $11, updated_at = $12""",
        env.subject, e.period.key, e.period.year, e.period.kind.value, e.period.months, p.predicate.value,
        p.coefficient, p.factor, p.amount, p.counted, e.reason, env.recorded_at,
    )


async def _eligibility(conn: asyncpg.Connection, env: EventEnvelope, e: ev.PromotionEligibilityChanged) -> None:
    await _employee(conn, env)
    checks = json.dumps([c.model_dump(mode="json") for c in e.checks])
    await conn.execute(
        """INSERT INTO career_eligibility VALUES ($1, $2, $3, $4::jsonb, $5, $6)
           ON CONFLICT (employee_id, promotion_period) DO UPDATE SET eligible = $3, checks = $4::jsonb,
             reason = $5, updated_at = $6""",
        env.subject, e.promotion_period, e.eligible, checks, e.reason, env.recorded_at,
    )


async def _recommended(conn: asyncpg.Connection, env: EventEnvelope, e: ev.DevelopmentRecommended) -> None:
    await _employee(conn, env)
    items = json.dumps([i.model_dump(mode="json") for i in e.items])
    await conn.execute(
        """INSERT INTO career_recommendations VALUES ($1, $2, $3::jsonb, $4, $5)
           ON CONFLICT (employee_id, period_key) DO UPDATE SET items = $3::jsonb, reason = $4, updated_at = $5""",
        env.subject, e.period_key, items, e.reason, env.recorded_at,
    )


async def _contract(conn: asyncpg.Connection, env: EventEnvelope, e: ev.ContractReviewFlagChanged) -> None:
    await _employee(conn, env)
    await conn.execute(
        """INSERT INTO career_contract_flags VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (employee_id, year) DO UPDATE SET flagged = $3, reason = $4, updated_at = $5""",
        env.subject, e.year, e.flagged, e.reason, env.recorded_at,
    )


# -- projection: catalog and development plans ------------------------------------------------------------
async def _catalog_set(conn: asyncpg.Connection, env: EventEnvelope, e: ev.TrainingCatalogEntrySet) -> None:
    c = e.entry
    await conn.execute(
        """INSERT INTO training_catalog VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (office_id, code) DO UPDATE SET title = $3, trigger = $4, value = $5, hours = $6,
             provider = $7""",
        e.office_id, c.code, c.title, c.trigger.value, c.value.value if c.value else None, c.hours, c.provider,
    )


async def _catalog_removed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.TrainingCatalogEntryRemoved) -> None:
    await conn.execute("DELETE FROM training_catalog WHERE office_id = $1 AND code = $2", e.office_id, e.code)


def _activities_json(activities: Sequence[DevelopmentActivity]) -> str:
    return json.dumps([a.model_dump(mode="json") for a in activities])


async def _plan_activities(conn: asyncpg.Connection, env: EventEnvelope, idp_id: uuid.UUID,
                           activities: Sequence[DevelopmentActivity], goals: Sequence[str] | None = None) -> None:
    planned, done, percent = totals(activities)
    await conn.execute(
        """UPDATE development_plans SET activities = $2::jsonb, hours_planned = $3, hours_done = $4,
             progress_percent = $5, goals = coalesce($6::jsonb, goals), version = $7, updated_at = $8
           WHERE idp_id = $1""",
        idp_id, _activities_json(activities), planned, done, percent,
        json.dumps(list(goals)) if goals is not None else None, env.stream_version, env.recorded_at,
    )


async def _plan_created(conn: asyncpg.Connection, env: EventEnvelope, e: ev.DevelopmentPlanCreated) -> None:
    planned, done, percent = totals(e.activities)
    await conn.execute(
        """INSERT INTO development_plans VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12,
                                                 $13)""",
        e.idp_id, e.employee_id, e.office_id, e.year, e.kind.value, json.dumps(list(e.goals)),
        _activities_json(e.activities), planned, done, percent, e.created_by, env.stream_version, env.recorded_at,
    )


async def _plan_revised(conn: asyncpg.Connection, env: EventEnvelope, e: ev.DevelopmentPlanRevised) -> None:
    await _plan_activities(conn, env, e.idp_id, e.activities, e.goals)


async def _plan_progressed(conn: asyncpg.Connection, env: EventEnvelope, e: ev.DevelopmentActivityProgressed
                           ) -> None:
    raw = await conn.fetchval("SELECT activities FROM development_plans WHERE idp_id = $1", e.idp_id)
    activities = [DevelopmentActivity.model_validate(a) for a in json.loads(raw)]
    updated = [a.model_copy(update={"hours_done": e.hours_done, "progress_percent": e.progress_percent})
               if a.activity_id == e.activity_id else a for a in activities]
    await _plan_activities(conn, env, e.idp_id, updated)


PROJECTION = Projection({
    ev.EmployeeProfileChanged.event_type: _profile,
    ev.PerformanceRecorded.event_type: _recorded,
    ev.PerformanceCorrected.event_type: _corrected,
    ev.RankRecorded.event_type: _rank,
    ev.FunctionalPositionSet.event_type: _functional,
    ev.PotentialAssessed.event_type: _potential,
    ev.TalentBoxChanged.event_type: _box,
    ev.CreditPointsCalculated.event_type: _credit,
    ev.PromotionEligibilityChanged.event_type: _eligibility,
    ev.DevelopmentRecommended.event_type: _recommended,
    ev.ContractReviewFlagChanged.event_type: _contract,
    ev.TrainingCatalogEntrySet.event_type: _catalog_set,
    ev.TrainingCatalogEntryRemoved.event_type: _catalog_removed,
    ev.DevelopmentPlanCreated.event_type: _plan_created,
    ev.DevelopmentPlanRevised.event_type: _plan_revised,
    ev.DevelopmentActivityProgressed.event_type: _plan_progressed,
})


# -- queries ----------------------------------------------------------------------------------------------
def as_dict(row: asyncpg.Record) -> dict[str, Any]:
    """A row as JSON-ready values (dates as ISO strings, numbers as strings, jsonb decoded)."""
    out: dict[str, Any] = {}
    for key, value in dict(row).items():
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal | uuid.UUID):
            value = str(value)
        elif key in {"checks", "items", "goals", "activities"} and isinstance(value, str):
            value = json.loads(value)
        out[key] = value
    return out


async def employee(conn: asyncpg.Connection, employee_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow("SELECT * FROM career_employees WHERE employee_id = $1",
                                                     employee_id)
    return row


async def office_employees(conn: asyncpg.Connection, office_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM career_employees WHERE office_id = $1 ORDER BY unit_id NULLS LAST, name NULLS LAST, "
        "employee_id", office_id))


async def results_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM career_results WHERE employee_id = $1 ORDER BY period_end DESC, months DESC, recorded_at",
        employee_id))


async def annual_predicates(conn: asyncpg.Connection, employee_ids: Sequence[str]) -> dict[str, dict[int, str]]:
    """The current annual predicate per year of each employee."""
    rows = await conn.fetch(
        "SELECT employee_id, year, predicate FROM career_results "
        "WHERE employee_id = ANY($1::text[]) AND kind = 'annual' AND status = 'berlaku'", list(employee_ids))
    out: dict[str, dict[int, str]] = {}
    for r in rows:
        out.setdefault(r["employee_id"], {})[r["year"]] = r["predicate"]
    return out


async def credit_points_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM career_credit_points WHERE employee_id = $1 ORDER BY year DESC, period_key", employee_id))


async def eligibility_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM career_eligibility WHERE employee_id = $1 ORDER BY promotion_period DESC", employee_id))


async def recommendations_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM career_recommendations WHERE employee_id = $1 ORDER BY period_key DESC", employee_id))


async def contract_flags_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM career_contract_flags WHERE employee_id = $1 ORDER BY year DESC", employee_id))


async def catalog_of(conn: asyncpg.Connection, office_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch("SELECT * FROM training_catalog WHERE office_id = $1 ORDER BY code", office_id))


async def plans_of(conn: asyncpg.Connection, employee_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(
        "SELECT * FROM development_plans WHERE employee_id = $1 ORDER BY year DESC, updated_at DESC", employee_id))
