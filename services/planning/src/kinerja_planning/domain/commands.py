"""What people ask the planning service to do (imperative, plain values)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kinerja_kernel.contracts.planning import Approach, BerAkhlak, Employment, PlanAppendix, PositionType, Rhk


@dataclass(frozen=True)
class RegisterEmployee:
    employee_id: str
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: PositionType
    employment: Employment
    evaluator_id: str | None
    superior_id: str | None
    reason: str | None = None


@dataclass(frozen=True)
class DraftPlan:
    employee_id: str
    period_year: int
    approach: Approach


@dataclass(frozen=True)
class AddRhk:
    plan_id: uuid.UUID
    rhk: Rhk
    expected_version: int | None = None


@dataclass(frozen=True)
class UpdateRhk:
    plan_id: uuid.UUID
    rhk: Rhk
    expected_version: int | None = None


@dataclass(frozen=True)
class RemoveRhk:
    plan_id: uuid.UUID
    rhk_id: uuid.UUID
    expected_version: int | None = None


@dataclass(frozen=True)
class SetBehaviourExpectations:
    plan_id: uuid.UUID
    expectations: dict[BerAkhlak, str | None]
    expected_version: int | None = None


@dataclass(frozen=True)
class SetPlanAppendix:
    plan_id: uuid.UUID
    appendix: PlanAppendix
    expected_version: int | None = None


@dataclass(frozen=True)
class SubmitPlan:
    plan_id: uuid.UUID
    expected_version: int | None = None


@dataclass(frozen=True)
class ReturnPlan:
    plan_id: uuid.UUID
    comments: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ApprovePlan:
    plan_id: uuid.UUID
    expected_version: int | None = None
    comments: str | None = None


@dataclass(frozen=True)
class StartRevision:
    plan_id: uuid.UUID
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ClosePlan:
    plan_id: uuid.UUID
    reason: str
    expected_version: int | None = None
