"""Which appraisals an office dashboard lists for a page: everyone, only the objections, or the objections and
the first final ones; of one unit when asked (the units' counts are computed from every row elsewhere)."""

from __future__ import annotations

from typing import Any

from kinerja_evaluation.application.dashboard import _listed


def row(n: int, unit: str, status: str, objection: str | None = None) -> dict[str, Any]:
    return {"appraisal_id": n, "unit_id": unit, "status": status, "objection_status": objection}


ROWS = [row(1, "A", "finalised"), row(2, "A", "rating"), row(3, "A", "finalised", "filed"),
        row(4, "B", "decided", "changed"), row(5, "B", "finalised"), row(6, "B", "finalised")]


def ids(found: list[Any]) -> list[int]:
    return [r["appraisal_id"] for r in found]


def test_everyone_unless_asked_otherwise() -> None:
    assert ids(_listed(ROWS, False, None, None)) == [1, 2, 3, 4, 5, 6]  # type: ignore[arg-type]
    assert ids(_listed(ROWS, False, None, "B")) == [4, 5, 6]  # type: ignore[arg-type]


def test_objections_and_the_first_final_ones_in_order() -> None:
    assert ids(_listed(ROWS, True, None, None)) == [3, 4]  # type: ignore[arg-type]
    assert ids(_listed(ROWS, True, 2, None)) == [1, 3, 4]  # type: ignore[arg-type]  # 1 and 3 are the first final
    assert ids(_listed(ROWS, True, 4, None)) == [1, 3, 4, 5]  # type: ignore[arg-type]
    assert ids(_listed(ROWS, True, 1, "B")) == [4]  # type: ignore[arg-type]  # 4 is final (decided) and objected
    assert ids(_listed(ROWS, True, 2, "B")) == [4, 5]  # type: ignore[arg-type]
