"""Who may read an employee's feedback, dialogues and clarifications: the kernel's access rule applied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kinerja_feedback.domain.reach import Person
from kinerja_kernel.access import OVERSIGHT, require_access, require_office_role
from kinerja_kernel.auth import Principal
from kinerja_kernel.errors import Forbidden, NotFound

Clock = Callable[[], datetime]


def require_reader(by: Principal, employee: Person) -> None:
    """In the employee's office: the employee, their evaluator and superior, or HR, auditors and superiors."""
    require_access(by, employee.office_id, parties=(employee.employee_id, employee.evaluator_id, employee.superior_id),
                   roles=OVERSIGHT, code="feedback.employee.not-allowed")


def require_party_or_reader(by: Principal, office_id: str, parties: tuple[str, ...], employee: Person | None,
                            not_found: NotFound | Forbidden) -> None:
    """One item about an employee (a feedback, a dialogue, a clarification) in ``office_id`` (the item's
    own): its parties read it, and so does whoever may read the employee's record; an employee nobody
    knows here reads as the item not existing."""
    by.require_office(office_id)
    if by.user_id in parties:
        return
    if employee is None:
        raise not_found
    require_reader(by, employee)


def require_office_reader(by: Principal, office_id: str) -> None:
    """Office-wide feedback data: HR, auditors and superiors of the office."""
    require_office_role(by, office_id, *OVERSIGHT)
