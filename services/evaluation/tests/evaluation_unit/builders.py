"""Builders for appraisal unit tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from kinerja_evaluation.domain.appraisal import Appraisal, Ratings
from kinerja_kernel.contracts.evaluation import AppraisedRhk, EvaluationPeriod, Rating, RhkRating, ValueRating
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind

EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"
SUPERIOR = "196801011990031001"
PEER = "199202022016022002"
PEER_2 = "199303032017031003"
PEER_3 = "199404042018042004"
RHK_1 = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
RHK_2 = uuid.UUID("00000000-0000-0000-0000-0000000000a2")
NOW = datetime(2026, 4, 3, 3, 0, tzinfo=UTC)


def opened(*, position_type: PositionType = PositionType.JA, superior: str | None = SUPERIOR,
           keep_events: bool = False) -> Appraisal:
    appraisal = Appraisal.open(
        employee_id=EMPLOYEE, office_id="KANREG-I", unit_id="BIDANG-MUTASI", period=EvaluationPeriod.parse("2026-Q1"),
        plan_id=uuid.uuid4(), evaluator_id=EVALUATOR, superior_id=superior, position_type=position_type,
        employment=Employment.PNS,
        rhks=[AppraisedRhk(rhk_id=RHK_1, title="Layanan mutasi", kind=RhkKind.UTAMA),
              AppraisedRhk(rhk_id=RHK_2, title="Laporan bulanan", kind=RhkKind.TAMBAHAN)],
        self_assessment_due=datetime(2026, 4, 5, 16, 59, tzinfo=UTC),
        rating_due=datetime(2026, 4, 15, 16, 59, tzinfo=UTC),
    )
    if not keep_events:
        appraisal.pending.clear()
    return appraisal


def all_values(rating: Rating) -> list[ValueRating]:
    return [ValueRating(value=v, rating=rating) for v in BerAkhlak]


def full_ratings(results: Rating | None = Rating.SESUAI, behaviour: Rating = Rating.SESUAI) -> Ratings:
    return Ratings(rhks=[RhkRating(rhk_id=RHK_1, rating=Rating.SESUAI), RhkRating(rhk_id=RHK_2, rating=Rating.DI_ATAS)],
                   values=all_values(Rating.SESUAI), results=results, behaviour=behaviour)


def scores(score: int = 4) -> dict[BerAkhlak, int]:
    return dict.fromkeys(BerAkhlak, score)
