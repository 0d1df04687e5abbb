"""The office roster's rules."""

import pytest

from kinerja_kernel.contracts.planning import Employment, PositionType
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput
from kinerja_planning.domain.roster import RosterEntry

from .builders import EMPLOYEE, EVALUATOR


def register(entry: RosterEntry, **overrides: object) -> None:
    fields: dict[str, object] = {
        "employee_id": EMPLOYEE, "name": "Siti", "office_id": "K1", "unit_id": "U1", "position": "Analis",
        "position_type": PositionType.JA, "employment": Employment.PNS, "evaluator_id": EVALUATOR,
        "superior_id": None, "reason": None,
    }
    entry.register(**{**fields, **overrides})  # type: ignore[arg-type]


class TestRoster:
    def test_registering_the_same_data_twice_records_one_event(self) -> None:
        entry = RosterEntry()
        register(entry)
        register(entry)
        assert len(entry.pending) == 1

    def test_a_new_evaluator_is_a_new_event(self) -> None:
        entry = RosterEntry()
        register(entry)
        register(entry, evaluator_id="197502022001121004", reason="mutasi jabatan")
        assert entry.evaluator_id == "197502022001121004" and len(entry.pending) == 2

    def test_ja_staff_need_an_evaluator(self) -> None:
        with pytest.raises(InvalidInput) as info:
            register(RosterEntry(), evaluator_id=None)
        assert info.value.field == "evaluator_id"

    def test_a_malformed_evaluator_nip_is_named(self) -> None:
        with pytest.raises(InvalidInput) as info:
            register(RosterEntry(), evaluator_id="12345")
        assert info.value.field == "evaluator_id"

    def test_moving_to_another_office_is_not_done_here(self) -> None:
        entry = RosterEntry()
        register(entry)
        with pytest.raises(DomainRuleViolation):
            register(entry, office_id="K2")
