"""Appraisal results as the evaluation service publishes them, for tests of downstream consumers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from kinerja_kernel.contracts.evaluation import (
    AppraisalResult,
    EvaluationPeriod,
    Predicate,
    Rating,
    RhkRating,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType

EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"
OFFICE = "KANREG-I"

# a predicate and the (results, behaviour) ratings that give it in the matrix
RATINGS: dict[Predicate, tuple[Rating, Rating]] = {
    Predicate.SANGAT_BAIK: (Rating.DI_ATAS, Rating.DI_ATAS),
    Predicate.BAIK: (Rating.SESUAI, Rating.SESUAI),
    Predicate.BUTUH_PERBAIKAN: (Rating.DI_BAWAH, Rating.SESUAI),
    Predicate.KURANG: (Rating.SESUAI, Rating.DI_BAWAH),
    Predicate.SANGAT_KURANG: (Rating.DI_BAWAH, Rating.DI_BAWAH),
}


def result(period: str, predicate: Predicate, *, employee_id: str = EMPLOYEE, office_id: str = OFFICE,
           position_type: PositionType = PositionType.JF, employment: Employment = Employment.PNS,
           weak_values: Iterable[BerAkhlak] = (), rhks_below: int = 0,
           appraisal_id: uuid.UUID | None = None) -> AppraisalResult:
    """A final result with ``predicate`` for ``period``; ``weak_values`` and ``rhks_below`` rated below."""
    results_rating, behaviour_rating = RATINGS[predicate]
    weak = set(weak_values)
    return AppraisalResult(
        appraisal_id=appraisal_id or uuid.uuid4(), employee_id=employee_id, office_id=office_id, unit_id="UNIT-1",
        period=EvaluationPeriod.parse(period), position_type=position_type, employment=employment,
        evaluator_id=EVALUATOR, results_rating=results_rating, behaviour_rating=behaviour_rating,
        predicate=predicate,
        rhk_ratings=tuple(RhkRating(rhk_id=uuid.uuid4(), rating=Rating.DI_BAWAH if i < rhks_below else Rating.SESUAI)
                          for i in range(max(rhks_below, 2))),
        value_ratings=tuple(ValueRating(value=v, rating=Rating.DI_BAWAH if v in weak else Rating.SESUAI)
                            for v in BerAkhlak),
    )
