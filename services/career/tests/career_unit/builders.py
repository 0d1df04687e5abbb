"""Appraisal results and history entries for career tests."""

from __future__ import annotations

import uuid

from kinerja_career.domain.results import entry_from_result
from kinerja_kernel.contracts.career import PerformanceEntry
from kinerja_kernel.contracts.evaluation import Predicate
from kinerja_kernel.testing.appraisals import EMPLOYEE, OFFICE, result

__all__ = ["EMPLOYEE", "OFFICE", "entry", "result"]


def entry(period: str, predicate: Predicate, **kwargs: object) -> PerformanceEntry:
    r = result(period, predicate, **kwargs)  # type: ignore[arg-type]
    return entry_from_result(r, source_event_id=uuid.uuid4(), subject=r.employee_id)
