"""The downstream example (examples/downstream_payroll) as its own process on a real broker: it keeps the
appraisal results from evaluation events sealed and published exactly as the evaluation service's relay does,
applies a correction, ignores a redelivery, verifies every hash with only the documented recipe, and reports
tampered and forged records instead of applying them."""

from __future__ import annotations

import ast
import asyncio
import json
import sqlite3
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kinerja_kernel.contracts.evaluation import (
    AppraisalCorrected,
    AppraisalFinalised,
    AppraisalOpened,
    AppraisalResult,
    AppraisedRhk,
    EvaluationPeriod,
    EvaluationPeriodOpened,
    ObjectionDecided,
    ObjectionDecision,
    ObjectionFiled,
    Predicate,
    Rating,
    ResultAcknowledged,
    RhkRating,
    TimeZone,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind
from kinerja_kernel.envelope import GENESIS_HASH, Actor, EventEnvelope, utcnow
from kinerja_kernel.kafka import TopicSpec, ensure_topics
from kinerja_kernel.registry import DomainEvent
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

ROOT = Path(__file__).resolve().parents[2]
CONSUMER = ROOT / "examples" / "downstream_payroll" / "consumer.py"
OFFICE = "KANWIL-JATIM"
EVALUATOR = "198001012005011002"
SUPERIOR = "197501012000031001"
SOURCE = "/kinerja/evaluation"


class Stream:
    """Seals one stream's events in order, as the evaluation service's store does."""

    def __init__(self, stream_id: str, subject: str) -> None:
        self.stream_id, self.subject = stream_id, subject
        self.events: list[EventEnvelope] = []

    def add(self, event: DomainEvent, actor: str = EVALUATOR, role: str = "pejabat_penilai",
            causation: EventEnvelope | None = None) -> EventEnvelope:
        envelope = envelope_of(
            event, subject=self.subject, office_id=OFFICE, source=SOURCE, stream_id=self.stream_id,
            stream_version=len(self.events) + 1, prev_hash=self.events[-1].hash if self.events else GENESIS_HASH,
            actor=Actor(id=actor, role=role), causation_id=str(causation.event_id) if causation else None)
        self.events.append(envelope)
        return envelope


def result(employee: str, appraisal_id: uuid.UUID, predicate: Predicate, results: Rating,
           behaviour: Rating = Rating.SESUAI) -> AppraisalResult:
    return AppraisalResult(
        appraisal_id=appraisal_id, employee_id=employee, office_id=OFFICE, unit_id="BIDANG-1",
        period=EvaluationPeriod.parse("2026"), position_type=PositionType.JF, employment=Employment.PNS,
        evaluator_id=EVALUATOR, results_rating=results, behaviour_rating=behaviour, predicate=predicate,
        rhk_ratings=(RhkRating(rhk_id=uuid.uuid4(), rating=results),),
        value_ratings=tuple(ValueRating(value=v, rating=behaviour) for v in BerAkhlak))


def appraisal(employee: str) -> tuple[Stream, uuid.UUID]:
    appraisal_id = uuid.uuid4()
    stream = Stream(f"penilaian-{appraisal_id}", employee)
    due = utcnow() + timedelta(days=30)
    stream.add(AppraisalOpened(
        appraisal_id=appraisal_id, employee_id=employee, office_id=OFFICE, unit_id="BIDANG-1",
        period=EvaluationPeriod.parse("2026"), plan_id=uuid.uuid4(), evaluator_id=EVALUATOR, superior_id=SUPERIOR,
        position_type=PositionType.JF, employment=Employment.PNS, unit_head=False,
        rhks=(AppraisedRhk(rhk_id=uuid.uuid4(), title="Menyusun laporan", kind=RhkKind.UTAMA),),
        self_assessment_due=due, rating_due=due), actor="kinerja-evaluation", role="system")
    return stream, appraisal_id


def finalise(stream: Stream, appraisal_id: uuid.UUID, predicate: Predicate, results: Rating) -> EventEnvelope:
    return stream.add(AppraisalFinalised(result=result(stream.subject, appraisal_id, predicate, results),
                                         finalised_by=EVALUATOR, objection_deadline=utcnow() + timedelta(days=14)))


def correct(stream: Stream, finalised: EventEnvelope, predicate: Predicate, results: Rating) -> EventEnvelope:
    previous = AppraisalResult.model_validate(finalised.payload["result"])
    objection_id = uuid.uuid4()
    stream.add(ObjectionFiled(appraisal_id=previous.appraisal_id, objection_id=objection_id,
                              employee_id=stream.subject, office_id=OFFICE, evaluator_id=EVALUATOR,
                              superior_id=SUPERIOR, reasons="Realisasi belum dihitung lengkap",
                              deadline=utcnow() + timedelta(days=14)), actor=stream.subject, role="pegawai")
    decided = stream.add(ObjectionDecided(appraisal_id=previous.appraisal_id, objection_id=objection_id,
                                          employee_id=stream.subject, office_id=OFFICE,
                                          decision=ObjectionDecision.CHANGED, decided_by=SUPERIOR,
                                          reason="Bukti dukung lengkap"), actor=SUPERIOR, role="atasan_penilai")
    return stream.add(AppraisalCorrected(
        replaces_event_id=finalised.event_id, objection_id=objection_id, previous=previous,
        result=previous.model_copy(update={"predicate": predicate, "results_rating": results}),
        reason="Bukti dukung lengkap", decided_by=SUPERIOR), actor=SUPERIOR, role="atasan_penilai", causation=decided)


@dataclass(frozen=True)
class Run:
    returncode: int
    summary: dict[str, Any]
    stderr: str


async def run_consumer(bootstrap: str, topic: str, db: Path, group: str) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(CONSUMER), "--once", "--bootstrap", bootstrap, "--topic", topic, "--db", str(db),
        "--group", group, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    lines = stdout.decode().strip().splitlines()
    assert lines, f"no summary; stderr: {stderr.decode()}"
    return Run(process.returncode, json.loads(lines[-1]), stderr.decode())


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def nip(unique: str, n: int) -> str:
    return f"19900101201501{n}{int(unique[:6], 16) % 999 + 1:03d}"


async def test_the_example_depends_on_nothing_but_aiokafka_and_the_standard_library() -> None:
    tree = ast.parse(CONSUMER.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported - set(sys.stdlib_module_names) == {"aiokafka"}


async def test_the_payroll_table_keeps_the_latest_result_per_appraisal(
    kafka_bootstrap: str, unique: str, tmp_path: Path
) -> None:
    # given results on an evaluation topic: one appraisal finalised then corrected after an objection, one
    # finalised and acknowledged, an office event; and the relay re-sent a finalisation (redelivery)
    topic = f"test.evaluation.events.{unique}"
    await ensure_topics(kafka_bootstrap, [TopicSpec(topic, partitions=3)])
    first, second = nip(unique, 1), nip(unique, 2)
    stream_a, appraisal_a = appraisal(first)
    finalised_a = finalise(stream_a, appraisal_a, Predicate.BUTUH_PERBAIKAN, Rating.DI_BAWAH)
    corrected_a = correct(stream_a, finalised_a, Predicate.BAIK, Rating.SESUAI)
    stream_b, appraisal_b = appraisal(second)
    finalised_b = finalise(stream_b, appraisal_b, Predicate.SANGAT_BAIK, Rating.DI_ATAS)
    stream_b.add(ResultAcknowledged(appraisal_id=appraisal_b, employee_id=second), actor=second, role="pegawai")
    office = Stream(f"kantor-{OFFICE}", OFFICE)
    office.add(EvaluationPeriodOpened(office_id=OFFICE, period=EvaluationPeriod.parse("2026"),
                                      time_zone=TimeZone.WIB, self_assessment_due=utcnow(), rating_due=utcnow()))
    a = stream_a.events
    await publish(kafka_bootstrap, topic, [a[0], a[1], a[1], *a[2:], *stream_b.events, *office.events])

    # when the payroll example reads the topic
    db = tmp_path / "payroll.sqlite3"
    run = await run_consumer(kafka_bootstrap, topic, db, f"payroll-{unique}")

    # then it verified every record, applied the three results once and kept the corrected one
    assert run.returncode == 0, run.stderr
    assert run.summary == {"records": 10, "applied": 3, "skipped": 6, "duplicates": 1, "breaks": 0}
    assert sorted(rows(db, "SELECT * FROM appraisal_results")) == sorted([
        (str(appraisal_a), first, "2026", "baik", "sesuai_ekspektasi", "sesuai_ekspektasi",
         str(corrected_a.event_id), str(finalised_a.event_id)),
        (str(appraisal_b), second, "2026", "sangat_baik", "di_atas_ekspektasi", "sesuai_ekspektasi",
         str(finalised_b.event_id), None),
    ])
    assert rows(db, "SELECT count(*) FROM chain_breaks") == [(0,)]
    heads = dict(rows(db, "SELECT stream_id, hash FROM stream_heads"))
    assert heads == {s.stream_id: s.events[-1].hash for s in (stream_a, stream_b, office)}

    # and reading again changes nothing: the group's offsets, or (another group) the processed event ids
    again = await run_consumer(kafka_bootstrap, topic, db, f"payroll-{unique}")
    assert again.summary["records"] == 0
    replay = await run_consumer(kafka_bootstrap, topic, db, f"payroll-replay-{unique}")
    assert replay.summary == {"records": 10, "applied": 0, "skipped": 0, "duplicates": 10, "breaks": 0}
    assert len(rows(db, "SELECT * FROM appraisal_results")) == 2


async def test_a_tampered_or_forged_record_is_reported_and_not_applied(
    kafka_bootstrap: str, unique: str, tmp_path: Path
) -> None:
    # given a finalisation whose value was changed after sealing (the hash no longer matches) ...
    topic = f"test.evaluation.events.{unique}"
    await ensure_topics(kafka_bootstrap, [TopicSpec(topic, partitions=2)])
    first, second = nip(unique, 1), nip(unique, 2)
    stream_c, appraisal_c = appraisal(first)
    finalised_c = finalise(stream_c, appraisal_c, Predicate.BUTUH_PERBAIKAN, Rating.DI_BAWAH)
    stream_c.add(ResultAcknowledged(appraisal_id=appraisal_c, employee_id=first), actor=first, role="pegawai")
    forged_result = {**finalised_c.payload["result"], "predicate": "sangat_baik"}
    tampered = finalised_c.model_copy(update={"payload": {**finalised_c.payload, "result": forged_result}})
    # ... and a correction slipped into another stream, correctly hashed but not linked to its predecessor
    stream_d, appraisal_d = appraisal(second)
    finalised_d = finalise(stream_d, appraisal_d, Predicate.BAIK, Rating.SESUAI)
    forged = correct(stream_d, finalised_d, Predicate.SANGAT_BAIK, Rating.DI_ATAS)
    forged = envelope_of(
        AppraisalCorrected.model_validate(forged.payload), subject=second, office_id=OFFICE, source=SOURCE,
        stream_id=stream_d.stream_id, stream_version=forged.stream_version, prev_hash="ab" * 32)
    # ... and a "redelivery" of the finalisation in stream d that is another record under the same ce_id
    better = {**finalised_d.payload["result"], "predicate": "sangat_baik"}
    reused = finalised_d.model_copy(update={"payload": {**finalised_d.payload, "result": better}})
    reused = reused.model_copy(update={"hash": reused.computed_hash()})
    c, d = stream_c.events, stream_d.events
    await publish(kafka_bootstrap, topic, [c[0], tampered, c[2], d[0], d[1], d[2], d[3], forged, reused])

    db = tmp_path / "payroll.sqlite3"
    run = await run_consumer(kafka_bootstrap, topic, db, f"payroll-{unique}")

    # then all three are reported (exit 2, stderr, chain_breaks) and none changed the table
    assert run.returncode == 2
    assert run.summary["breaks"] == 3 and run.summary["applied"] == 1 and run.summary["duplicates"] == 0
    breaks = rows(db, "SELECT event_id, stream_id, stream_version, reason FROM chain_breaks ORDER BY stream_id")
    assert sorted(breaks) == sorted([
        (str(tampered.event_id), stream_c.stream_id, 2, "hash does not match the record's content"),
        (str(forged.event_id), stream_d.stream_id, 5, "prev_hash does not match the previous event's hash"),
        (str(finalised_d.event_id), stream_d.stream_id, 2,
         f"ce_id already seen with ce_hash {finalised_d.hash}: a different record reuses the id (forged or corrupted)"),
    ])
    assert "chain break" in run.stderr and str(tampered.event_id) in run.stderr
    assert rows(db, "SELECT appraisal_id, predicate, source_event_id FROM appraisal_results") == [
        (str(appraisal_d), "baik", str(finalised_d.event_id))]
