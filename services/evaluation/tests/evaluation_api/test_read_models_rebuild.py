"""Evaluation's read models are one set of rules for the live path and the rebuild: the tables the appends
wrote (each append's events projected in its transaction) are the tables a rebuild from the store writes,
set-based per chunk (whole chunks, and chunks so small that rows span them and are read back), and event by
event; on a mix with settings changed twice, a unit's predicate set twice, raters reassigned after an answer,
peer input, closed 360 windows, acknowledgements, objections explained, upheld and changed (a correction
superseding a published result)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

import kinerja_kernel.contracts  # noqa: F401 - registers the event types
from kinerja_evaluation.adapters.read_models import PROJECTION
from kinerja_evaluation.domain.appraisal import Appraisal, Ratings, appraisal_id_for
from kinerja_evaluation.domain.office import Office, UnitPredicate, unit_predicate_key
from kinerja_evaluation.entrypoints.main import READ_MODELS
from kinerja_kernel import rebuild as rebuilding
from kinerja_kernel.contracts.evaluation import (
    AppraisedRhk,
    CurveEnforcement,
    EvaluationPeriod,
    ObjectionDecision,
    OfficeSettings,
    OrganisationPredicate,
    Rater,
    RaterRelation,
    Rating,
    RhkRating,
    TimeZone,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind
from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.repository import EventSourcedRepository, Projection

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

OFFICE, UNIT, EVALUATOR, SUPERIOR = "KANREG-RB", "UNIT-A", "198001012005011002", "196801011990031001"
PEERS = [f"19920202201602200{i}" for i in range(4)]
ACTOR = Actor(id=EVALUATOR, role="pejabat_penilai")
AFTER = datetime(2026, 4, 2, 3, 0, tzinfo=UTC)
STORE_ONLY = dataclasses.replace(READ_MODELS, foreign={})


def nip(i: int) -> str:
    return f"1990010120150110{i:02d}"


async def _record(store: PostgresEventStore) -> None:
    offices = EventSourcedRepository(store, Office, prefix="kantor", projection=PROJECTION)
    units = EventSourcedRepository(store, UnitPredicate, prefix="predikat-organisasi", projection=PROJECTION)
    appraisals = EventSourcedRepository(store, Appraisal, prefix="penilaian", projection=PROJECTION)
    q1, year = EvaluationPeriod.parse("2026-Q1"), EvaluationPeriod.parse("2026")

    async def office(decide: Callable[[Office], object]) -> None:
        await offices.change(OFFICE, None, decide, start=lambda: Office.for_office(OFFICE), actor=ACTOR,
                             office_id=OFFICE, subject=OFFICE)

    await office(lambda o: o.change_settings(OfficeSettings(peer_threshold=2), reason="Awal"))
    await office(lambda o: o.change_settings(OfficeSettings(peer_threshold=3, objection_window_days=21,
                                                            office_name="Kanreg Uji"), reason="Diubah"))
    await office(lambda o: o.open_period(q1))
    await office(lambda o: o.open_period(year))

    async def unit(predicate: OrganisationPredicate) -> None:
        await units.change(unit_predicate_key(OFFICE, UNIT, q1.key), None, lambda u: u.set(
            office_id=OFFICE, unit_id=UNIT, period_key=q1.key, predicate=predicate, reason="Capaian unit",
            set_by=SUPERIOR, instructed_by=None), start=UnitPredicate, actor=ACTOR, office_id=OFFICE, subject=UNIT)

    await unit(OrganisationPredicate.BAIK)
    await unit(OrganisationPredicate.ISTIMEWA)

    for i in range(6):
        for period in (q1, year):
            await _appraisal_story(appraisals, i, period)


async def _appraisal_story(appraisals: EventSourcedRepository[Appraisal, PostgresEventStore], i: int,
                           period: EvaluationPeriod) -> None:
    """Employee ``i``'s appraisal: 5 is only opened, 4 self-assessed, the others finalised; the even ones get
    360 raters (reassigned after an answer), 0 acknowledges, 1 objects and the result is changed, 2 objects and
    it is upheld."""
    employee, appraisal_id = nip(i), appraisal_id_for(nip(i), period.key)
    rhks = [AppraisedRhk(rhk_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{i}/{k}"), title=f"RHK {k}", kind=RhkKind.UTAMA)
            for k in range(2)]
    due = TimeZone.WIB.end_of_day(period.end + timedelta(days=15))
    scored = [RhkRating(rhk_id=r.rhk_id, rating=Rating.SESUAI) for r in rhks]
    values = [ValueRating(value=v, rating=Rating.SESUAI) for v in BerAkhlak]
    relations = {p: frozenset({RaterRelation.PEER}) for p in PEERS}
    scores = dict.fromkeys(BerAkhlak, 4)
    window = due + timedelta(days=1)

    async def change(decide: Callable[[Appraisal], object]) -> None:
        await appraisals.change(appraisal_id, None, decide, actor=ACTOR, office_id=OFFICE, subject=employee)

    def raters(*indexes: int) -> list[Rater]:
        return [Rater(rater_id=PEERS[r], relation=RaterRelation.PEER) for r in indexes]

    opened = Appraisal.open(employee_id=employee, office_id=OFFICE, unit_id=UNIT, period=period,
                            plan_id=uuid.uuid5(uuid.NAMESPACE_URL, f"plan/{i}"), evaluator_id=EVALUATOR,
                            superior_id=SUPERIOR, position_type=PositionType.JA, employment=Employment.PNS, rhks=rhks,
                            self_assessment_due=due, rating_due=due)
    await appraisals.save(appraisal_id, opened, actor=ACTOR, office_id=OFFICE, subject=employee)
    if i == 5:
        return
    await change(lambda a: a.self_assess(actor_id=employee, rhk_ratings=scored, value_ratings=values, summary=None))
    if i % 2 == 0:
        await change(lambda a: a.assign_raters(assigned_by=EVALUATOR, raters=raters(0, 1), window_closes_at=window,
                                               now=AFTER - timedelta(days=40), relations=relations))
        await change(lambda a: a.submit_peer_input(rater_id=PEERS[0], scores=scores, comments={},
                                                   now=AFTER - timedelta(days=39)))
        await change(lambda a: a.assign_raters(assigned_by=EVALUATOR, raters=raters(0, 2, 3),
                                               window_closes_at=window + timedelta(days=2),
                                               now=AFTER - timedelta(days=38), relations=relations))
        await change(lambda a: a.submit_peer_input(rater_id=PEERS[2], scores=scores, comments={},
                                                   now=AFTER - timedelta(days=37)))
        if i == 2:
            await change(lambda a: a.close_peer_window_now(actor_id=EVALUATOR))
    if i == 4:
        return
    await change(lambda a: a.rate(actor_id=EVALUATOR, ratings=Ratings(
        rhks=scored, values=values, results=Rating.SESUAI, behaviour=Rating.SESUAI), reason=None))
    await change(lambda a: a.finalise(actor_id=EVALUATOR, curve=None, enforcement=CurveEnforcement.WARN,
                                      justification=None, now=AFTER, time_zone=TimeZone.WIB, objection_window_days=14))
    if i == 0:
        await change(lambda a: a.acknowledge(actor_id=employee))
    if i in (1, 2):
        await change(lambda a: a.object(actor_id=employee, reasons="Target terlampaui", now=AFTER + timedelta(days=1)))
        await change(lambda a: a.explain(actor_id=EVALUATOR, text="Laporan terlambat"))
        finalised = next(e.event_id for e in await appraisals.history(appraisal_id)
                         if e.event_type == "evaluation.AppraisalFinalised")
        changed = i == 1
        await change(lambda a: a.decide_objection(
            actor_id=SUPERIOR, decision=ObjectionDecision.CHANGED if changed else ObjectionDecision.UPHELD,
            reason="Dinilai ulang", results=Rating.DI_ATAS if changed else None, behaviour=None,
            replaces_event_id=finalised))


async def test_the_rebuild_set_based_and_event_by_event_gives_the_live_tables(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = await Database.connect(database_url, min_size=1, max_size=4)
    try:
        async with db.connection() as conn:
            await migrate(conn, [*KERNEL_MIGRATIONS, *READ_MODELS.migrations])
        await _record(PostgresEventStore(db, source="/kinerja/evaluation"))
    finally:
        await db.close()

    conn = await asyncpg.connect(database_url)
    try:  # the live tables hold what the mix did
        assert await conn.fetchval("SELECT count(*) FROM events") > 150
        assert [tuple(r) for r in await conn.fetch(
            "SELECT (settings->>'peer_threshold')::int, settings->>'office_name' FROM office_settings")] == [
            (3, "Kanreg Uji")]
        assert await conn.fetchval("SELECT predicate FROM organisation_predicates") == "istimewa"
        assert await conn.fetchval("SELECT count(*) FROM periods") == 2
        peers = await conn.fetch("SELECT rater_id, answered FROM peer_requests WHERE appraisal_id = $1 "
                                 "ORDER BY rater_id", appraisal_id_for(nip(0), "2026-Q1"))
        assert [tuple(p) for p in peers] == [(PEERS[0], True), (PEERS[2], True), (PEERS[3], False)]
        rows = {r["employee_id"]: r for r in await conn.fetch(
            "SELECT * FROM appraisals WHERE period_key = '2026-Q1'")}
        assert (rows[nip(0)]["raters"], rows[nip(0)]["peer_answered"], rows[nip(0)]["acknowledged_at"] is not None,
                rows[nip(2)]["peer_window_closed"]) == (3, 2, True, True)
        assert (rows[nip(1)]["status"], rows[nip(1)]["objection_status"], rows[nip(1)]["explanations"],
                rows[nip(1)]["results_rating"]) == ("decided", "changed", 1, "di_atas_ekspektasi")
        assert (rows[nip(2)]["objection_status"], rows[nip(4)]["status"], len(rows[nip(4)]["rated_rhks"]),
                rows[nip(5)]["self_assessed"]) == ("upheld", "open", 0, False)
        assert len(rows[nip(3)]["rated_rhks"]) == 2 and len(rows[nip(3)]["rated_values"]) == len(BerAkhlak)
        published, correction = await conn.fetch(
            "SELECT * FROM rating_history WHERE employee_id = $1 AND period_key = '2026-Q1' ORDER BY recorded_at",
            nip(1))
        assert (published["results_rating"], published["superseded_by"], correction["results_rating"],
                correction["replaces_event_id"], correction["superseded_by"]) == (
            "sesuai_ekspektasi", correction["event_id"], "di_atas_ekspektasi", published["event_id"], None)
        assert await conn.fetchval("SELECT count(*) FROM rating_history") == 2 * 4 + 2  # 4 finalised, 1 changed
    finally:
        await conn.close()

    per_event = dataclasses.replace(STORE_ONLY, projection=Projection(PROJECTION.handlers))
    for spec, chunk, path in ((STORE_ONLY, 1000, "batch"), (STORE_ONLY, 4, "batch"), (per_event, 1000, "per-event")):
        monkeypatch.setattr(rebuilding, "CHUNK", chunk)
        report = await rebuilding.rebuild(database_url, spec, source="store")
        assert report.path == path
        compared = {t.table: t for t in report.tables}
        for table in ("appraisals", "peer_requests", "rating_history", "periods", "office_settings",
                      "organisation_predicates"):
            assert compared[table].live > 0 and compared[table].equal, (chunk, path, compared[table])
        assert report.equal and report.events > 150
        assert set(report.phases) == {"schema", "topics", "foreign", "own"} and report.phases["own"] > 0
