"""Evaluation's final and corrected results reach the career record (policies, on the in-memory store)."""

from __future__ import annotations

import uuid

import pytest

from kinerja_career.application.career import CareerService
from kinerja_kernel.contracts.evaluation import AppraisalCorrected, AppraisalFinalised, AppraisalResult, Predicate
from kinerja_kernel.envelope import EventEnvelope, utcnow
from kinerja_kernel.errors import InvalidInput
from kinerja_kernel.testing.appraisals import EVALUATOR, result
from kinerja_kernel.testing.kafka_helpers import envelope_of
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import EMPLOYEE, OFFICE, types


def finalised(r: AppraisalResult) -> tuple[EventEnvelope, AppraisalFinalised]:
    e = AppraisalFinalised(result=r, finalised_by=EVALUATOR, objection_deadline=utcnow())
    return envelope_of(e, subject=r.employee_id, office_id=r.office_id, source="/kinerja/evaluation",
                       stream_id=f"penilaian-{r.appraisal_id}"), e


def corrected(replaced: EventEnvelope, previous: AppraisalResult, r: AppraisalResult
              ) -> tuple[EventEnvelope, AppraisalCorrected]:
    e = AppraisalCorrected(replaces_event_id=replaced.event_id, objection_id=uuid.uuid4(), previous=previous, result=r,
                           reason="keberatan dikabulkan", decided_by="196801011990031001")
    return envelope_of(e, subject=r.employee_id, office_id=r.office_id, source="/kinerja/evaluation",
                       stream_id=replaced.stream_id, stream_version=2, prev_hash=replaced.hash), e


class TestAppraisalFinalised:
    async def test_a_final_result_is_recorded_in_the_employees_history(self, career: CareerService,
                                                                       store: InMemoryEventStore) -> None:
        # given
        env, e = finalised(result("2025", Predicate.BAIK))
        # when
        async with store.transaction() as conn:
            await career.on_appraisal_finalised(conn, env, e)
        # then
        recorded = types(store, f"karier-{EMPLOYEE}")
        assert recorded[0] == "career.PerformanceRecorded"
        assert all(ev.office_id == OFFICE and ev.actor_role == "system" for ev in store.all_events())

    async def test_the_same_appraisal_event_twice_records_it_once(self, career: CareerService,
                                                                  store: InMemoryEventStore) -> None:
        env, e = finalised(result("2025", Predicate.BAIK))
        for _ in range(2):
            async with store.transaction() as conn:
                await career.on_appraisal_finalised(conn, env, e)
        assert types(store, f"karier-{EMPLOYEE}").count("career.PerformanceRecorded") == 1


class TestAppraisalCorrected:
    async def test_a_correction_replaces_the_result_it_names(self, career: CareerService,
                                                             store: InMemoryEventStore) -> None:
        # given
        first = result("2025", Predicate.BUTUH_PERBAIKAN)
        env, e = finalised(first)
        async with store.transaction() as conn:
            await career.on_appraisal_finalised(conn, env, e)
        # when
        better = first.model_copy(update={"predicate": Predicate.BAIK, "results_rating": result(
            "2025", Predicate.BAIK).results_rating})
        cenv, ce = corrected(env, first, better)
        async with store.transaction() as conn:
            await career.on_appraisal_corrected(conn, cenv, ce)
        # then
        assert "career.PerformanceCorrected" in types(store, f"karier-{EMPLOYEE}")

    async def test_a_correction_that_changes_the_employee_is_refused_and_records_nothing(
            self, career: CareerService, store: InMemoryEventStore) -> None:
        first = result("2025", Predicate.BAIK)
        env, _ = finalised(first)
        cenv, ce = corrected(env, first, result("2025", Predicate.BAIK, employee_id="199202022016022002"))
        with pytest.raises(InvalidInput):
            async with store.transaction() as conn:
                await career.on_appraisal_corrected(conn, cenv, ce)
        assert store.all_events() == []
