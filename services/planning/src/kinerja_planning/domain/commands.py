"""What people ask the planning service to do (imperative, plain values)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kinerja_kernel.contracts.planning import Approach


@dataclass(frozen=True)
class DraftPlan:
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str
    approach: Approach


@dataclass(frozen=True)
class SubmitPlan:
    plan_id: uuid.UUID
    expected_version: int | None = None


@dataclass(frozen=True)
class ApprovePlan:
    plan_id: uuid.UUID
    expected_version: int | None = None
