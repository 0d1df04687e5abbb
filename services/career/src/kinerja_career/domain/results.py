"""Turning a published appraisal result into a history entry, refusing what the career rules cannot use."""

from __future__ import annotations

import uuid

from kinerja_kernel.contracts.career import PerformanceEntry
from kinerja_kernel.contracts.evaluation import AppraisalResult, EvaluationPeriod, Rating
from kinerja_kernel.errors import InvalidInput
from kinerja_kernel.identity import nip_problem


def entry_from_result(result: AppraisalResult, *, source_event_id: uuid.UUID, subject: str) -> PerformanceEntry:
    """The history entry of ``result``; ``InvalidInput`` (the event is dead-lettered) when the employee
    id is not an NIP or is not the event's subject, or the period's fields contradict its key."""
    if (problem := nip_problem(result.employee_id)) is not None:
        raise InvalidInput("career.result.employee-not-nip", field="result.employee_id", problem=problem,
                           employee_id=result.employee_id)
    if subject != result.employee_id:
        raise InvalidInput("career.result.subject-differs", field="result.employee_id", subject=subject,
                           employee_id=result.employee_id)
    expected = EvaluationPeriod.parse(result.period.key)
    if expected != result.period:
        raise InvalidInput("career.result.period-contradicts-key", field="result.period", period_key=result.period.key,
                           period=result.period.model_dump(mode="json"), expected=expected.model_dump(mode="json"))
    return PerformanceEntry(
        source_event_id=source_event_id, appraisal_id=result.appraisal_id, period=result.period,
        office_id=result.office_id, unit_id=result.unit_id, position_type=result.position_type,
        employment=result.employment, results_rating=result.results_rating,
        behaviour_rating=result.behaviour_rating, predicate=result.predicate,
        weak_values=tuple(sorted({v.value for v in result.value_ratings if v.rating is Rating.DI_BAWAH})),
        rhks_below=sum(1 for r in result.rhk_ratings if r.rating is Rating.DI_BAWAH),
    )
