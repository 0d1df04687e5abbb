"""HR puts employees on the roster (given / when / then, on the in-memory store)."""

from __future__ import annotations

import pytest

from kinerja_kernel.contracts.planning import Employment, PositionType
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_kernel.testing.memory_store import InMemoryEventStore
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.domain.commands import RegisterEmployee

from .conftest import EMPLOYEE, EVALUATOR, HR_ID, OFFICE, hr, registered, stream, types


def moved(office_id: str) -> RegisterEmployee:
    return RegisterEmployee(employee_id=EMPLOYEE, name="Analis", office_id=office_id, unit_id="UNIT-9",
                            position="Analis", position_type=PositionType.JA, employment=Employment.PNS,
                            evaluator_id=EVALUATOR, superior_id=None)


class TestRegisterEmployee:
    async def test_hr_registers_an_employee_with_who_and_where(self, planning: PlanningService,
                                                               store: InMemoryEventStore) -> None:
        # when
        await registered(planning, EMPLOYEE, PositionType.JA, EVALUATOR)
        # then
        [event] = stream(store, f"pegawai-{EMPLOYEE}")
        assert (event.event_type, event.office_id, event.actor_id, event.actor_role, event.subject) == (
            "planning.EmployeeRegistered", OFFICE, HR_ID, "pengelola_kepegawaian", EMPLOYEE)

    async def test_the_same_data_again_records_nothing(self, planning: PlanningService,
                                                       store: InMemoryEventStore) -> None:
        # given
        await registered(planning, EMPLOYEE, PositionType.JA, EVALUATOR)
        # when
        await registered(planning, EMPLOYEE, PositionType.JA, EVALUATOR)
        # then
        assert types(store, f"pegawai-{EMPLOYEE}") == ["planning.EmployeeRegistered"]

    async def test_hr_of_another_office_is_refused(self, planning: PlanningService,
                                                   store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden):
            await planning.register_employee(moved(OFFICE), hr("KANTOR-LAIN"))
        assert store.all_events() == []

    async def test_moving_to_another_office_takes_hr_of_the_office_left(self, planning: PlanningService,
                                                                        store: InMemoryEventStore) -> None:
        # given
        await registered(planning, EMPLOYEE, PositionType.JA, EVALUATOR)
        # when / then: HR of the new office alone may not take the employee
        with pytest.raises(Forbidden):
            await planning.register_employee(moved("KANWIL-B"), hr("KANWIL-B"))
        # and HR of both offices is told the move is recorded by the office left
        both = hr(OFFICE).model_copy(update={"offices": frozenset({OFFICE, "KANWIL-B"})})
        with pytest.raises(DomainRuleViolation) as refused:
            await planning.register_employee(moved("KANWIL-B"), both)
        assert (refused.value.code, refused.value.field) == ("planning.roster.other-office", "office_id")
        assert types(store, f"pegawai-{EMPLOYEE}") == ["planning.EmployeeRegistered"]

    async def test_an_analyst_without_an_evaluator_is_refused_naming_the_field(
            self, planning: PlanningService, store: InMemoryEventStore) -> None:
        with pytest.raises(InvalidInput) as refused:
            await registered(planning, EMPLOYEE, PositionType.JA, None)
        assert (refused.value.code, refused.value.field) == ("planning.roster.evaluator-required", "evaluator_id")
        assert refused.value.message == "Pegawai JA/JF wajib memiliki pejabat penilai"
        assert store.all_events() == []
