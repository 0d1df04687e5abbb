"""Acting officials (Plt/Plh): who may act for whom on which day, and well-formed appointments."""

import uuid
from datetime import date

import pytest

from kinerja_kernel.contracts.planning import ActingKind, ActingWindow, acting_for
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput
from kinerja_planning.domain.acting import ActingAppointment

from .builders import EMPLOYEE, EVALUATOR

PLT = "199101012016011001"
WINDOW = ActingWindow(absent_id=EVALUATOR, acting_id=PLT, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))


def appoint(**overrides: object) -> ActingAppointment:
    fields: dict[str, object] = {
        "appointment_id": uuid.uuid4(), "office_id": "K1", "absent_id": EVALUATOR, "acting_id": PLT,
        "kind": ActingKind.PLH, "starts_on": date(2026, 3, 2), "ends_on": date(2026, 3, 6), "reason": "Cuti",
        "decree_number": None, "absent_on_roster": True, "acting_on_roster": True}
    return ActingAppointment.appoint(**{**fields, **overrides})  # type: ignore[arg-type]


class TestWhoMayActForWhom:
    @pytest.mark.parametrize(("day", "expected"), [
        (date(2026, 3, 1), None), (date(2026, 3, 2), EVALUATOR), (date(2026, 3, 6), EVALUATOR),
        (date(2026, 3, 7), None)])
    def test_the_acting_official_acts_only_from_the_first_to_the_last_day(self, day: date,
                                                                           expected: str | None) -> None:
        assert acting_for([WINDOW], actor_id=PLT, official_id=EVALUATOR, day=day) == expected

    def test_the_official_themself_and_strangers_act_for_nobody(self) -> None:
        day = date(2026, 3, 3)
        assert acting_for([WINDOW], actor_id=EVALUATOR, official_id=EVALUATOR, day=day) is None
        assert acting_for([WINDOW], actor_id=EMPLOYEE, official_id=EVALUATOR, day=day) is None
        assert acting_for([WINDOW], actor_id=PLT, official_id=EMPLOYEE, day=day) is None
        assert acting_for([WINDOW], actor_id=PLT, official_id=None, day=day) is None


class TestAppointments:
    def test_an_appointment_records_who_for_whom_and_when(self) -> None:
        appointment = appoint(decree_number="SP-1")
        [event] = appointment.pending
        assert (event.absent_id, event.acting_id, event.kind, event.decree_number) == (EVALUATOR, PLT,
                                                                                      ActingKind.PLH, "SP-1")
        assert appointment.window == WINDOW

    @pytest.mark.parametrize(("overrides", "field"), [
        ({"acting_id": EVALUATOR}, "acting_id"), ({"absent_on_roster": False}, "absent_id"),
        ({"acting_on_roster": False}, "acting_id"), ({"ends_on": date(2026, 3, 1)}, "ends_on"),
        ({"ends_on": date(2027, 3, 3)}, "ends_on"), ({"reason": "  "}, "reason")])
    def test_a_bad_appointment_is_refused_naming_the_field(self, overrides: dict[str, object], field: str) -> None:
        with pytest.raises(InvalidInput) as refused:
            appoint(**overrides)
        assert refused.value.field == field

    def test_ending_early_shortens_never_extends_and_the_same_end_records_nothing(self) -> None:
        appointment = appoint()
        appointment.end(ends_on=date(2026, 3, 3), reason="Kembali")
        assert appointment.ends_on == date(2026, 3, 3) and appointment.pending[-1].previous_ends_on == date(2026, 3, 6)
        count = len(appointment.pending)
        appointment.end(ends_on=date(2026, 3, 3), reason="Kembali")
        assert len(appointment.pending) == count
        with pytest.raises(DomainRuleViolation):
            appointment.end(ends_on=date(2026, 3, 9), reason="Diperpanjang")
        appointment.end(ends_on=date(2026, 3, 1), reason="Dibatalkan")  # the day before it starts: cancelled
        assert acting_for([appointment.window], actor_id=PLT, official_id=EVALUATOR, day=date(2026, 3, 2)) is None
