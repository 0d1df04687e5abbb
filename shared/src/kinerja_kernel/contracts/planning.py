"""Events the planning service publishes on ``kinerja.planning.events`` (subject: the employee's NIP)."""

from __future__ import annotations

import enum
import uuid

from pydantic import Field

from kinerja_kernel.registry import DomainEvent, event


class Approach(enum.StrEnum):
    """How the SKP states its targets."""

    KUANTITATIF = "kuantitatif"
    KUALITATIF = "kualitatif"


@event("planning.PlanDrafted")
class PlanDrafted(DomainEvent):
    """An employee started the SKP for a period."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    period_year: int = Field(ge=2000, le=2100)
    evaluator_id: str
    approach: Approach


@event("planning.PlanSubmitted")
class PlanSubmitted(DomainEvent):
    """The employee sent the SKP to the evaluator for approval."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str


@event("planning.PlanApproved")
class PlanApproved(DomainEvent):
    """The evaluator approved the SKP."""

    plan_id: uuid.UUID
    employee_id: str
    office_id: str
    period_year: int
    evaluator_id: str
    approved_by: str
