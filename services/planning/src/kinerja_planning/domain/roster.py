"""The office roster: who works where, in which position, and who evaluates them.

Kept by the office's HR administrator; planning reads it to know an employee's evaluator, unit and
position type (wrong supervisor data blocks the whole cascade, so it is kept in one visible place).
"""

from __future__ import annotations

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.planning import EmployeeRegistered, Employment, PositionType
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput
from kinerja_kernel.identity import nip_problem


class RosterEntry(Aggregate):
    """One employee's roster data (stream per NIP)."""

    def __init__(self) -> None:
        super().__init__()
        self.employee_id = ""
        self.name = ""
        self.office_id = ""
        self.unit_id = ""
        self.position = ""
        self.position_type = PositionType.JA
        self.employment = Employment.PNS
        self.evaluator_id: str | None = None
        self.superior_id: str | None = None

    def register(
        self, *, employee_id: str, name: str, office_id: str, unit_id: str, position: str,
        position_type: PositionType, employment: Employment, evaluator_id: str | None, superior_id: str | None,
        reason: str | None,
    ) -> None:
        for field, value in (("employee_id", employee_id), ("evaluator_id", evaluator_id),
                             ("superior_id", superior_id)):
            if value is not None and (problem := nip_problem(value)) is not None:
                raise InvalidInput("planning.roster.nip-invalid", field=field, problem=problem, value=value)
        if employee_id in (evaluator_id, superior_id):
            raise InvalidInput("planning.roster.own-evaluator", field="evaluator_id")
        if position_type.cascades_from_supervisor and evaluator_id is None:
            raise InvalidInput("planning.roster.evaluator-required", field="evaluator_id")
        if self.version and self.office_id != office_id:
            raise DomainRuleViolation("planning.roster.other-office", field="office_id", office_id=self.office_id)
        event = EmployeeRegistered(
            employee_id=employee_id, name=name, office_id=office_id, unit_id=unit_id, position=position,
            position_type=position_type, employment=employment, evaluator_id=evaluator_id, superior_id=superior_id,
            reason=reason,
        )
        current = self._as_event(reason)
        if current is None or current != event:
            self.record(event)

    def _as_event(self, reason: str | None) -> EmployeeRegistered | None:
        if not self.version:
            return None
        return EmployeeRegistered(
            employee_id=self.employee_id, name=self.name, office_id=self.office_id, unit_id=self.unit_id,
            position=self.position, position_type=self.position_type, employment=self.employment,
            evaluator_id=self.evaluator_id, superior_id=self.superior_id, reason=reason,
        )

    def _on_EmployeeRegistered(self, e: EmployeeRegistered) -> None:  # noqa: N802
        self.employee_id = e.employee_id
        self.name = e.name
        self.office_id = e.office_id
        self.unit_id = e.unit_id
        self.position = e.position
        self.position_type = e.position_type
        self.employment = e.employment
        self.evaluator_id = e.evaluator_id
        self.superior_id = e.superior_id
