"""Queries of the monitoring dashboards (evaluation's part), on the indexed ``appraisals`` read model: a team's
or an office's appraisals of a period with the staff's names, the office's organisation predicates and period
deadlines. One query each, whatever the size of the office."""

from __future__ import annotations

import asyncpg

_APPRAISALS = """
SELECT a.appraisal_id, a.employee_id, s.name, a.office_id, a.unit_id, a.period_key, a.evaluator_id,
       e.name AS evaluator_name, a.status, a.self_assessed, a.raters, a.peer_answered, a.peer_window_closed,
       cardinality(a.rated_rhks) AS rated_rhk_count, cardinality(a.rated_values) AS rated_value_count,
       a.rhk_count, a.rated_rhks, a.rated_values, a.results_rating, a.behaviour_rating, a.predicate,
       a.self_assessment_due, a.rating_due, a.finalised_at, a.objection_deadline, a.acknowledged_at,
       a.objection_status, a.objection_filed_at, a.objection_decided_at
FROM appraisals a
LEFT JOIN staff s ON s.employee_id = a.employee_id
LEFT JOIN staff e ON e.employee_id = a.evaluator_id
"""


async def team_appraisals(conn: asyncpg.Connection, evaluator_ids: list[str], period_key: str
                          ) -> list[asyncpg.Record]:
    return list(await conn.fetch(_APPRAISALS + " WHERE a.evaluator_id = ANY($1::text[]) AND a.period_key = $2 "
                                 "ORDER BY s.name", evaluator_ids, period_key))


async def office_appraisals(conn: asyncpg.Connection, office_id: str, period_key: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(_APPRAISALS + " WHERE a.office_id = $1 AND a.period_key = $2 "
                                 "ORDER BY a.unit_id, s.name", office_id, period_key))


async def organisation_predicates(conn: asyncpg.Connection, office_id: str, period_key: str) -> dict[str, str]:
    rows = await conn.fetch("SELECT unit_id, predicate FROM organisation_predicates WHERE office_id = $1 "
                            "AND period_key = $2", office_id, period_key)
    return {r["unit_id"]: r["predicate"] for r in rows}


async def period(conn: asyncpg.Connection, office_id: str, period_key: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM periods WHERE office_id = $1 AND period_key = $2", office_id, period_key)
    return row
