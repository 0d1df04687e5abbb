"""The monitoring dashboards' rules (no I/O): realisation per IKI and overall, why a member's SKP is not approved
yet, and when a member is marked as falling behind.

- An IKI's percentage is realised / target (kuantitas), shown up to 999 %; an IKI without a numeric target has
  none. The overall percentage is the mean over the IKIs that have one, each capped at 100 % (one IKI far
  above its target does not hide another far below).
- The share of the year elapsed is what a member "should" have realised by today; a member is behind when
  their overall percentage trails it by more than ``PROGRESS_TOLERANCE`` points, when their SKP of a running
  period is not approved, or when an approved SKP has had no report for ``SILENCE_DAYS`` days.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

PROGRESS_TOLERANCE = 15.0
SILENCE_DAYS = 30
APPROVED = frozenset({"approved", "revising", "closed"})


class PlanBlock(enum.StrEnum):
    """Why a member's SKP of the period is not approved (codes the portal words)."""

    NOT_STARTED = "belum_disusun"
    NO_EVALUATOR = "penilai_belum_tercatat"
    NO_RHK = "belum_ada_rhk"
    EVALUATOR_PLAN_PENDING = "skp_penilai_belum_disetujui"
    NOT_SUBMITTED = "belum_diajukan"
    AWAITING_APPROVAL = "menunggu_persetujuan"
    RETURNED = "dikembalikan"
    REVISING = "sedang_direvisi"


class Behind(enum.StrEnum):
    """Why a member is marked as falling behind."""

    PLAN_NOT_APPROVED = "skp_belum_disetujui"
    REALISATION_BEHIND = "realisasi_tertinggal"
    NOT_REPORTING = "tidak_melapor"


CASCADING = frozenset({"ja", "jf"})  # positions whose RHKs cite the evaluator's approved RHKs


def iki_percent(realised: Decimal, target: Decimal | None) -> float | None:
    if target is None or target <= 0:
        return None
    return float(min(realised / target * 100, Decimal(999)))


def overall_percent(percents: Iterable[float | None]) -> float | None:
    counted = [min(p, 100.0) for p in percents if p is not None]
    return round(sum(counted) / len(counted), 1) if counted else None


def expected_percent(today: date, year: int) -> float:
    """The share of ``year`` elapsed by ``today`` (0 before it starts, 100 after it ends)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if today < start:
        return 0.0
    if today >= end:
        return 100.0
    return round((today - start).days / (end - start).days * 100, 1)


def plan_block(status: str, *, rhk_count: int, has_evaluator: bool, position_type: str,
               evaluator_plan_status: str | None) -> PlanBlock | None:
    """Why the SKP is not approved (``None`` when it is, or has been and is being revised or closed)."""
    if status in APPROVED:
        return PlanBlock.REVISING if status == "revising" else None
    if status == "not_started":
        return PlanBlock.NO_EVALUATOR if not has_evaluator else PlanBlock.NOT_STARTED
    if status == "submitted":
        return PlanBlock.AWAITING_APPROVAL
    if status == "returned":
        return PlanBlock.RETURNED
    if not has_evaluator:
        return PlanBlock.NO_EVALUATOR
    if position_type in CASCADING and evaluator_plan_status not in APPROVED:
        return PlanBlock.EVALUATOR_PLAN_PENDING
    return PlanBlock.NO_RHK if rhk_count == 0 else PlanBlock.NOT_SUBMITTED


def behind(*, status: str, overall: float | None, expected: float, last_reported_on: date | None,
           today: date, year: int) -> list[Behind]:
    """The reasons a member is marked as falling behind (empty: on track, or the period has not started)."""
    if today < date(year, 1, 1):
        return []
    found = []
    if status not in APPROVED:
        found.append(Behind.PLAN_NOT_APPROVED)
        return found
    if overall is not None and overall + PROGRESS_TOLERANCE < expected:
        found.append(Behind.REALISATION_BEHIND)
    silent_since = last_reported_on or date(year, 1, 1)
    if today <= date(year, 12, 31) and (today - silent_since).days > SILENCE_DAYS:
        found.append(Behind.NOT_REPORTING)
    return found
