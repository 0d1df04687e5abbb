"""The dashboards' rules: percentages per IKI and overall, why an SKP is not approved, and who is behind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kinerja_planning.domain.dashboard import (
    Behind,
    PlanBlock,
    behind,
    expected_percent,
    iki_percent,
    overall_percent,
    plan_block,
)


def test_an_iki_percentage_needs_a_numeric_target_and_overall_caps_each_at_100() -> None:
    assert iki_percent(Decimal(6), Decimal(12)) == 50.0
    assert iki_percent(Decimal(6), None) is None and iki_percent(Decimal(6), Decimal(0)) is None
    assert iki_percent(Decimal(10_000), Decimal(1)) == 999.0
    assert overall_percent([250.0, 0.0, None]) == 50.0  # far above on one IKI does not hide the other
    assert overall_percent([None]) is None


def test_the_share_of_the_year_gone() -> None:
    assert expected_percent(date(2025, 12, 31), 2026) == 0.0
    assert expected_percent(date(2026, 7, 2), 2026) == pytest.approx(50.0, abs=0.1)
    assert expected_percent(date(2027, 1, 5), 2026) == 100.0


@pytest.mark.parametrize(("status", "rhks", "evaluator", "kind", "evaluator_plan", "expected"), [
    ("not_started", 0, True, "ja", None, PlanBlock.NOT_STARTED),
    ("not_started", 0, False, "ja", None, PlanBlock.NO_EVALUATOR),
    ("draft", 0, True, "ja", "submitted", PlanBlock.EVALUATOR_PLAN_PENDING),
    ("draft", 0, True, "kepala_unit", None, PlanBlock.NO_RHK),  # a unit head cites the agreement, not a plan
    ("draft", 2, True, "jf", "approved", PlanBlock.NOT_SUBMITTED),
    ("submitted", 2, True, "ja", "approved", PlanBlock.AWAITING_APPROVAL),
    ("returned", 2, True, "ja", "approved", PlanBlock.RETURNED),
    ("revising", 2, True, "ja", "approved", PlanBlock.REVISING),
    ("approved", 2, True, "ja", "approved", None),
    ("closed", 2, True, "ja", "approved", None),
])
def test_why_an_skp_is_not_approved(status: str, rhks: int, evaluator: bool, kind: str, evaluator_plan: str | None,
                                    expected: PlanBlock | None) -> None:
    assert plan_block(status, rhk_count=rhks, has_evaluator=evaluator, position_type=kind,
                      evaluator_plan_status=evaluator_plan) is expected


def test_who_is_behind() -> None:
    june = date(2026, 6, 30)
    on_track = behind(status="approved", overall=40.0, expected=49.5, last_reported_on=date(2026, 6, 20),
                      today=june, year=2026)
    assert on_track == []  # within 15 points of the year gone, reported ten days ago
    assert behind(status="approved", overall=30.0, expected=49.5, last_reported_on=date(2026, 6, 20), today=june,
                  year=2026) == [Behind.REALISATION_BEHIND]
    assert behind(status="approved", overall=60.0, expected=49.5, last_reported_on=date(2026, 5, 1), today=june,
                  year=2026) == [Behind.NOT_REPORTING]
    assert behind(status="draft", overall=None, expected=49.5, last_reported_on=None, today=june,
                  year=2026) == [Behind.PLAN_NOT_APPROVED]
    assert behind(status="draft", overall=None, expected=0.0, last_reported_on=None, today=date(2025, 12, 1),
                  year=2026) == []  # the year has not started
