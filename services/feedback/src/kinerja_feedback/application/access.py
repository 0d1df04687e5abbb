"""Who may read an employee's feedback, dialogues and clarifications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kinerja_feedback.domain.reach import Person
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.errors import Forbidden, NotFound

Clock = Callable[[], datetime]


def require_reader(by: Principal, employee: Person) -> None:
    """The employee, their evaluator and the evaluator's superior, or HR and auditors of the office."""
    if by.user_id in (employee.employee_id, employee.evaluator_id, employee.superior_id):
        return
    if by.has_role(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.ATASAN_PENILAI) and by.in_office(employee.office_id):
        return
    raise Forbidden("Anda tidak berhak melihat data pegawai ini", message_en="not allowed to read this employee",
                    field="employee_id")


def require_party_or_reader(by: Principal, parties: tuple[str, ...], employee: Person | None,
                            not_found: NotFound) -> None:
    """One item about an employee (a feedback, a dialogue): its parties read it, and so does whoever may read
    the employee's record; an employee nobody knows here reads as the item not existing."""
    if by.user_id in parties:
        return
    if employee is None:
        raise not_found
    require_reader(by, employee)


def require_office_reader(by: Principal, office_id: str) -> None:
    by.require_role(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.ATASAN_PENILAI)
    by.require_office(office_id)
