"""The commands' facts (``kinerja_evaluation.application.ports.Facts``) read from PostgreSQL: the roster and
SKPs learned from planning (``planning_facts``) and evaluation's own read models (``read_models``)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from kinerja_evaluation.adapters import planning_facts as pf
from kinerja_evaluation.adapters import read_models as rm
from kinerja_evaluation.application.ports import OpenPeriod, PlanToAppraise, StaffMember
from kinerja_kernel.contracts.evaluation import (
    AppraisedRhk,
    EvaluationPeriod,
    OfficeSettings,
    OrganisationPredicate,
    Predicate,
    RaterRelation,
)
from kinerja_kernel.contracts.planning import ActingWindow, Employment, PositionType, RhkKind
from kinerja_kernel.db import Database


class PostgresFacts:
    def __init__(self, db: Database) -> None:
        self.db = db

    @contextlib.asynccontextmanager
    async def _conn(self, conn: asyncpg.Connection | None) -> AsyncIterator[asyncpg.Connection]:
        if conn is not None:
            yield conn
        else:
            async with self.db.connection() as own:
                yield own

    async def office_settings(self, office_id: str, conn: Any = None) -> OfficeSettings:
        async with self._conn(conn) as c:
            return await rm.office_settings(c, office_id)

    async def staff_member(self, employee_id: str, conn: Any = None) -> StaffMember | None:
        async with self._conn(conn) as c:
            row = await pf.staff_member(c, employee_id)
        return None if row is None else StaffMember(employee_id=row["employee_id"], office_id=row["office_id"],
                                                    evaluator_id=row["evaluator_id"], superior_id=row["superior_id"])

    async def acting_windows(self, acting_id: str, conn: Any = None) -> list[ActingWindow]:
        async with self._conn(conn) as c:
            return await pf.acting_windows(c, acting_id=acting_id)

    async def relations_to(self, employee_id: str, candidates: list[str],
                           conn: Any = None) -> dict[str, frozenset[RaterRelation]]:
        async with self._conn(conn) as c:
            found = await pf.relations_to(c, employee_id, candidates)
        return {k: frozenset(RaterRelation(x) for x in v) for k, v in found.items()}

    async def organisation_predicate(self, office_id: str, unit_id: str, period_key: str,
                                     conn: Any = None) -> OrganisationPredicate | None:
        async with self._conn(conn) as c:
            return await rm.organisation_predicate(c, office_id, unit_id, period_key)

    async def unit_predicates(self, office_id: str, unit_id: str, period_key: str,
                              conn: Any = None) -> list[Predicate | None]:
        async with self._conn(conn) as c:
            members = await rm.unit_members(c, office_id, unit_id, period_key)
        return [Predicate(m["predicate"]) if m["predicate"] else None for m in members]

    async def unit_leaders(self, office_id: str, unit_id: str, conn: Any = None) -> set[str]:
        async with self._conn(conn) as c:
            return await rm.unit_leaders(c, office_id, unit_id)

    async def unit_heads(self, office_id: str, unit_id: str, period_key: str, conn: Any = None) -> list[uuid.UUID]:
        async with self._conn(conn) as c:
            return await rm.unit_heads(c, office_id, unit_id, period_key)

    async def lock_openings(self, conn: Any, office_id: str, year: int) -> None:
        """Opening a period and learning of an approval serialise per office and year: otherwise each could
        miss the other's uncommitted write and an approved SKP would get no appraisal."""
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                           f"evaluation-open/{office_id}/{year}")

    async def plans_to_appraise(self, conn: Any, office_id: str, period: EvaluationPeriod,
                                plan_id: uuid.UUID | None = None) -> list[PlanToAppraise]:
        plans = await pf.approved_plans(conn, office_id, period.year, plan_id)
        rhks = await pf.rhks_of_plans(conn, [p["plan_id"] for p in plans])
        existing = {r["employee_id"] for r in await conn.fetch(
            "SELECT employee_id FROM appraisals WHERE office_id = $1 AND period_key = $2", office_id, period.key)}
        return [PlanToAppraise(
            plan_id=p["plan_id"], employee_id=p["employee_id"], unit_id=p["unit_id"], evaluator_id=p["evaluator_id"],
            superior_id=p["superior_id"], position_type=PositionType(p["position_type"]),
            employment=Employment(p["employment"]),
            rhks=tuple(AppraisedRhk(rhk_id=r["rhk_id"], title=r["title"], kind=RhkKind(r["kind"]))
                       for r in rhks.get(p["plan_id"], [])))
            for p in plans if p["employee_id"] not in existing]

    async def approved_plan_office(self, conn: Any, plan_id: uuid.UUID) -> tuple[str, int] | None:
        row = await conn.fetchrow("SELECT office_id, period_year FROM skp WHERE plan_id = $1", plan_id)
        return None if row is None else (row["office_id"], row["period_year"])

    async def open_periods(self, conn: Any, office_id: str, year: int) -> list[OpenPeriod]:
        return [OpenPeriod(period=EvaluationPeriod.parse(p["period_key"]), self_assessment_due=p["self_assessment_due"],
                           rating_due=p["rating_due"]) for p in await rm.open_periods(conn, office_id, year)]
