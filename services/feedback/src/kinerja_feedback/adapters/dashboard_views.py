"""The dialogue counts of the monitoring dashboards: per employee of a team or an office, the dialogues held and
still scheduled in a period (a year counts its quarters and months too). One grouped query on the indexed
``dialogues`` and ``people`` read models."""

from __future__ import annotations

import asyncpg

_COUNTS = """
SELECT p.employee_id, p.name, p.office_id, p.unit_id, p.evaluator_id,
       count(d.dialogue_id) FILTER (WHERE d.status <> 'scheduled') AS held,
       count(d.dialogue_id) FILTER (WHERE d.status = 'scheduled') AS scheduled,
       max(d.scheduled_at) FILTER (WHERE d.status <> 'scheduled') AS last_held_at
FROM people p
LEFT JOIN dialogues d ON d.employee_id = p.employee_id AND (d.period_key = $2 OR d.period_key LIKE $2 || '-%')
"""


async def team_counts(conn: asyncpg.Connection, evaluator_id: str, period_key: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(_COUNTS + " WHERE p.evaluator_id = $1 GROUP BY p.employee_id ORDER BY p.name",
                                 evaluator_id, period_key))


async def office_counts(conn: asyncpg.Connection, office_id: str, period_key: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(_COUNTS + " WHERE p.office_id = $1 GROUP BY p.employee_id "
                                 "ORDER BY p.unit_id, p.name", office_id, period_key))
