"""What the evaluation commands read besides their own streams: facts learned from planning (the roster, the
approved SKPs, acting appointments) and the office's read models. PostgreSQL answers in production
(``kinerja_evaluation.adapters.facts``); application tests give a fake of their own.

Every method takes ``conn``: the unit of work of the command (``EventStore.transaction()``), so what a
command reads and what it appends are one transaction; ``None`` reads outside of one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from kinerja_kernel.contracts.evaluation import (
    AppraisedRhk,
    EvaluationPeriod,
    OfficeSettings,
    OrganisationPredicate,
    Predicate,
    RaterRelation,
)
from kinerja_kernel.contracts.planning import ActingWindow, Employment, PositionType


@dataclass(frozen=True)
class StaffMember:
    """An employee as the roster (learned from planning) knows them."""

    employee_id: str
    office_id: str
    evaluator_id: str | None
    superior_id: str | None


@dataclass(frozen=True)
class PlanToAppraise:
    """An approved SKP whose employee gets an appraisal when a period of its year opens."""

    plan_id: uuid.UUID
    employee_id: str
    unit_id: str
    evaluator_id: str
    superior_id: str | None
    position_type: PositionType
    employment: Employment
    rhks: tuple[AppraisedRhk, ...]


@dataclass(frozen=True)
class OpenPeriod:
    period: EvaluationPeriod
    self_assessment_due: datetime
    rating_due: datetime


class Facts(Protocol):
    async def office_settings(self, office_id: str, conn: Any = None) -> OfficeSettings: ...

    async def staff_member(self, employee_id: str, conn: Any = None) -> StaffMember | None: ...

    async def acting_windows(self, acting_id: str, conn: Any = None) -> list[ActingWindow]:
        """The acting appointments (Plt/Plh) ``acting_id`` holds, any day."""
        ...

    async def relations_to(self, employee_id: str, candidates: list[str],
                           conn: Any = None) -> dict[str, frozenset[RaterRelation]]:
        """How each candidate relates to the employee per the roster (peer, subordinate)."""
        ...

    async def organisation_predicate(self, office_id: str, unit_id: str, period_key: str,
                                     conn: Any = None) -> OrganisationPredicate | None: ...

    async def unit_predicates(self, office_id: str, unit_id: str, period_key: str,
                              conn: Any = None) -> list[Predicate | None]:
        """The predicate of each appraisal of the unit's period (``None``: not determined yet)."""
        ...

    async def unit_leaders(self, office_id: str, unit_id: str, conn: Any = None) -> set[str]:
        """Who leads the unit above: the evaluators of the unit's heads."""
        ...

    async def unit_heads(self, office_id: str, unit_id: str, period_key: str, conn: Any = None) -> list[uuid.UUID]:
        """The appraisals of the unit's heads in the period."""
        ...

    async def lock_openings(self, conn: Any, office_id: str, year: int) -> None:
        """Serialise opening a period and learning of an approval, per office and year, until ``conn`` ends."""
        ...

    async def plans_to_appraise(self, conn: Any, office_id: str, period: EvaluationPeriod,
                                plan_id: uuid.UUID | None = None) -> list[PlanToAppraise]:
        """The approved SKPs of the office and the period's year (or only ``plan_id``) whose employee has no
        appraisal of the period yet."""
        ...

    async def approved_plan_office(self, conn: Any, plan_id: uuid.UUID) -> tuple[str, int] | None:
        """The office and year of an approved SKP."""
        ...

    async def open_periods(self, conn: Any, office_id: str, year: int) -> list[OpenPeriod]: ...
