"""Who may give feedback to, or hold a dialogue with, whom — from the office roster."""

from __future__ import annotations

from dataclasses import dataclass

from kinerja_kernel.contracts.feedback import AuthorRelation
from kinerja_kernel.errors import Forbidden, InvalidInput


@dataclass(frozen=True)
class Person:
    """An employee as the roster (``planning.EmployeeRegistered``) describes them."""

    employee_id: str
    office_id: str
    unit_id: str
    evaluator_id: str | None
    superior_id: str | None


def not_on_roster(employee_id: str, field: str = "employee_id") -> InvalidInput:
    return InvalidInput("feedback.employee.not-on-roster", field=field, employee_id=employee_id)


def feedback_relation(author_id: str, author: Person | None, employee: Person, *,
                      peer_feedback_allowed: bool) -> AuthorRelation:
    """The evaluator may give feedback to their own subordinates; peers (same evaluator) only where the
    office allows it. Anyone else is outside the author's reach."""
    if author_id == employee.employee_id:
        raise Forbidden("feedback.reach.oneself", field="employee_id")
    if employee.evaluator_id == author_id:
        return AuthorRelation.EVALUATOR
    is_peer = (author is not None and author.evaluator_id is not None and author.evaluator_id == employee.evaluator_id
               and author.office_id == employee.office_id)
    if is_peer and peer_feedback_allowed:
        return AuthorRelation.PEER
    if is_peer:
        raise Forbidden("feedback.reach.peers-not-allowed", field="employee_id")
    raise Forbidden("feedback.reach.outside", field="employee_id", employee_id=employee.employee_id)


def require_subordinate(evaluator_id: str, employee: Person) -> None:
    """A dialogue is held by the employee's evaluator (pejabat penilai) only."""
    if employee.evaluator_id != evaluator_id:
        raise Forbidden("feedback.reach.not-subordinate", field="employee_id", employee_id=employee.employee_id)
