"""Numbers inside notification texts read the Indonesian way: thousands with ``.``, decimals with ``,``."""

import uuid
from decimal import Decimal

import pytest

from kinerja_feedback.domain.notifications import angka, target_achieved
from kinerja_kernel.contracts.planning import IkiTargetAchieved

EMPLOYEE, EVALUATOR = "199001012015011001", "198001012005011002"


def achieved(target: str, realised: str, unit: str | None) -> IkiTargetAchieved:
    return IkiTargetAchieved(plan_id=uuid.uuid4(), employee_id=EMPLOYEE, evaluator_id=EVALUATOR, office_id="K1",
                             period_year=2026, rhk_id=uuid.uuid4(), iki_id=uuid.uuid4(),
                             iki_description="Dokumen kepegawaian terverifikasi", target=Decimal(target),
                             realised=Decimal(realised), unit=unit)


class TestTheTargetAchievedNotice:
    def test_a_thousand_reads_with_a_dot_for_thousands(self) -> None:
        draft = target_achieved(achieved("1000", "1000.00", "dokumen"), {EMPLOYEE: "Dewi Lestari"})
        assert "1.000 dokumen dari target 1.000 dokumen" in draft.body
        assert "1000" not in draft.body

    def test_a_fraction_reads_with_a_comma(self) -> None:
        draft = target_achieved(achieved("12.5", "12.50", "%"), {EMPLOYEE: "Dewi Lestari"})
        assert ": 12,5 % dari target 12,5 %" in draft.body and "12.5" not in draft.body


class TestNumbersAsIndonesiansReadThem:
    @pytest.mark.parametrize(("value", "text"), [
        (Decimal("1000"), "1.000"), (Decimal("12.5"), "12,5"), (Decimal("12.50"), "12,5"), (24, "24"),
        (Decimal("1234567.25"), "1.234.567,25"), (Decimal("0.125"), "0,125"), (Decimal("1.125"), "1,1250"),
        (Decimal("-3.5"), "-3,5"), (Decimal("0.00"), "0"), (Decimal("1E+3"), "1.000"),
    ])
    def test_thousands_and_decimals(self, value: Decimal | int, text: str) -> None:
        assert angka(value) == text
