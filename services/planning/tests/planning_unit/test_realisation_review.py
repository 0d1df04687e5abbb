"""Realisation dates (not after the office's today, within the SKP's year) and the evaluator sending an entry back:
the employee corrects or withdraws it, and only counted entries add up."""

from datetime import date
from decimal import Decimal

import pytest

from kinerja_kernel.contracts.planning import (
    Origin,
    RealisationCorrected,
    RealisationReturned,
    RealisationWithdrawn,
)
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput
from kinerja_planning.domain.realisation import EntryStatus, Realisation

from .builders import EMPLOYEE, EVALUATOR
from .test_realisation import approved_targets, entry

TODAY = date(2026, 6, 15)


def reported(value: int = 5) -> tuple[Realisation, object]:
    plan = approved_targets()
    realisation = Realisation()
    new = entry(plan, value)
    realisation.report(actor_id=EMPLOYEE, plan=plan, entries=[new], origin=Origin.MANUAL, today=TODAY)
    realisation.pending.clear()
    return realisation, plan


class TestDates:
    def test_an_entry_dated_after_today_is_refused_naming_its_date(self) -> None:
        plan = approved_targets()
        with pytest.raises(InvalidInput) as refused:
            Realisation().report(actor_id=EMPLOYEE, plan=plan, origin=Origin.MANUAL, today=TODAY,
                                 entries=[entry(plan, 1), entry(plan, 1, occurred_on=date(2026, 6, 16))])
        assert refused.value.field == "entries.1.occurred_on"
        assert "setelah hari ini (15 Juni 2026" in refused.value.message

    def test_an_entry_outside_the_skp_year_is_refused(self) -> None:
        plan = approved_targets()
        with pytest.raises(InvalidInput) as refused:
            Realisation().report(actor_id=EMPLOYEE, plan=plan, origin=Origin.MANUAL, today=TODAY,
                                 entries=[entry(plan, 1, occurred_on=date(2025, 12, 31))])
        assert refused.value.field == "entries.0.occurred_on"
        assert "tahun SKP 2026" in refused.value.message

    def test_today_itself_is_accepted(self) -> None:
        plan = approved_targets()
        assert Realisation().report(actor_id=EMPLOYEE, plan=plan, origin=Origin.MANUAL, today=TODAY,
                                    entries=[entry(plan, 1, occurred_on=TODAY)]) == 1


class TestSendingBack:
    def test_a_returned_entry_stops_counting_until_corrected(self) -> None:
        realisation, plan = reported(5)
        entry_id = next(iter(realisation.entries))
        iki_id = realisation.entries[entry_id].iki_id
        realisation.return_entry(actor_id=EVALUATOR, plan=plan, entry_id=entry_id, reason="Lampirkan notulen")
        assert isinstance(realisation.pending[-1], RealisationReturned)
        assert realisation.entries[entry_id].status is EntryStatus.RETURNED
        assert realisation.manual[iki_id] == 0
        realisation.correct(actor_id=EMPLOYEE, plan=plan, entry_id=entry_id, value=Decimal(4),
                            occurred_on=date(2026, 3, 3), description="Rapat koordinasi", evidence=(), today=TODAY)
        corrected = realisation.pending[-1]
        assert isinstance(corrected, RealisationCorrected)
        assert (corrected.previous_value, corrected.value) == (Decimal(5), Decimal(4))
        assert realisation.manual[iki_id] == 4

    def test_only_the_evaluator_returns_and_says_why(self) -> None:
        realisation, plan = reported()
        entry_id = next(iter(realisation.entries))
        with pytest.raises(Forbidden):
            realisation.return_entry(actor_id=EMPLOYEE, plan=plan, entry_id=entry_id, reason="x")
        with pytest.raises(InvalidInput) as refused:
            realisation.return_entry(actor_id=EVALUATOR, plan=plan, entry_id=entry_id, reason="  ")
        assert refused.value.field == "reason"

    def test_a_counted_entry_cannot_be_corrected_and_a_correction_is_dated_like_an_entry(self) -> None:
        realisation, plan = reported()
        entry_id = next(iter(realisation.entries))
        with pytest.raises(DomainRuleViolation):
            realisation.correct(actor_id=EMPLOYEE, plan=plan, entry_id=entry_id, value=Decimal(1),
                                occurred_on=date(2026, 3, 3), description="x", evidence=(), today=TODAY)
        realisation.return_entry(actor_id=EVALUATOR, plan=plan, entry_id=entry_id, reason="Tanggal salah")
        with pytest.raises(InvalidInput) as refused:
            realisation.correct(actor_id=EMPLOYEE, plan=plan, entry_id=entry_id, value=Decimal(1),
                                occurred_on=date(2026, 7, 1), description="x", evidence=(), today=TODAY)
        assert refused.value.field == "occurred_on"

    def test_a_withdrawn_entry_counts_for_nothing_for_good(self) -> None:
        realisation, plan = reported(5)
        entry_id = next(iter(realisation.entries))
        realisation.withdraw(actor_id=EMPLOYEE, plan=plan, entry_id=entry_id, reason="Salah IKI")
        assert isinstance(realisation.pending[-1], RealisationWithdrawn)
        assert realisation.manual[realisation.entries[entry_id].iki_id] == 0
        with pytest.raises(DomainRuleViolation):
            realisation.withdraw(actor_id=EMPLOYEE, plan=plan, entry_id=entry_id)
        with pytest.raises(DomainRuleViolation):
            realisation.return_entry(actor_id=EVALUATOR, plan=plan, entry_id=entry_id, reason="x")
