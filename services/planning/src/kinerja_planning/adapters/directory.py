"""What a planning decision looks up besides its own stream: where an employee stands on the roster, and the
plan an RHK cites. ``SqlDirectory`` reads the read models (the service); ``StreamDirectory`` rebuilds the same
answers from the event streams (application tests on the in-memory store, tools)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from kinerja_kernel.contracts.planning import PositionType
from kinerja_kernel.db import Database
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.domain.plan import PerformancePlan, SupervisorPlan
from kinerja_planning.domain.roster import RosterEntry


@dataclass(frozen=True)
class Placement:
    """An employee's place on the roster: office, unit, position type and who evaluates them."""

    employee_id: str
    office_id: str
    unit_id: str
    position_type: PositionType
    evaluator_id: str | None
    superior_id: str | None


class Directory(Protocol):
    async def placement(self, employee_id: str) -> Placement | None: ...

    async def supervisor_plan(self, plan_id: uuid.UUID) -> SupervisorPlan | None: ...


class SqlDirectory:
    """The read models' answers (``roster``, ``plans`` and ``plan_rhks``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def placement(self, employee_id: str) -> Placement | None:
        async with self.db.connection() as conn:
            row = await rm.roster_entry(conn, employee_id)
        if row is None:
            return None
        return Placement(employee_id=employee_id, office_id=row["office_id"], unit_id=row["unit_id"],
                         position_type=PositionType(row["position_type"]), evaluator_id=row["evaluator_id"],
                         superior_id=row["superior_id"])

    async def supervisor_plan(self, plan_id: uuid.UUID) -> SupervisorPlan | None:
        async with self.db.connection() as conn:
            return await rm.supervisor_plan(conn, plan_id)


class StreamDirectory:
    """The same answers from the SKP and roster streams."""

    def __init__(self, plans: EventSourcedRepository[PerformancePlan, Any],
                 roster: EventSourcedRepository[RosterEntry, Any]) -> None:
        self.plans = plans
        self.roster = roster

    async def placement(self, employee_id: str) -> Placement | None:
        entry = await self.roster.load(employee_id)
        if entry is None:
            return None
        return Placement(employee_id=employee_id, office_id=entry.office_id, unit_id=entry.unit_id,
                         position_type=entry.position_type, evaluator_id=entry.evaluator_id,
                         superior_id=entry.superior_id)

    async def supervisor_plan(self, plan_id: uuid.UUID) -> SupervisorPlan | None:
        plan = await self.plans.load(plan_id)
        if plan is None:
            return None
        return SupervisorPlan(plan_id=plan_id, owner_id=plan.employee_id, period_year=plan.period_year,
                              status=plan.status, rhk_ids=frozenset(plan.rhks))
