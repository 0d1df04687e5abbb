"""End to end: a year of activity for a unit, then the auditor's work with ``kinerja-audit``.

Planning, evaluation and career run as processes on their own Kafka broker (so their topics hold exactly
this office's history). A unit plans, reports realisation monthly and is appraised quarterly and for the
year, with an objection that changes one result. Then: the cross-service timeline, an appraisal's state at
a moment before the objection, chains verified, stores reconciled with their topics, an evidence pack,
every read model rebuilt (from Kafka and from the store) and compared with the live one; finally one
stored event and, separately, one topic message are tampered with, and both are caught and located.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from kinerja_kernel.auth import Role
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.infra.kafka import LocalKafka
from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import read_topic
from kinerja_kernel.testing.office import Person, UnitDriver, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

SERVICES = ("planning", "evaluation", "career")
VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
ATAS, SESUAI = "di_atas_ekspektasi", "sesuai_ekspektasi"
YEAR = 2027
OFFICE = "KANREG-AUDIT"

# this module records realisation in a later year than the clock's: planning takes its last day as today
LATER_YEARS = {"planning": {"KINERJA_PLANNING_TODAY": "2099-12-31"}}


@pytest.fixture
def stack(postgres_server_url: str, jwt_secret: str, tmp_path: Path, unique: str) -> Iterator[dict[str, Any]]:
    kafka = LocalKafka(tmp_path / "kafka", port=free_port(), controller_port=free_port())
    bootstrap = kafka.start()
    try:
        with running_services(SERVICES, server_url=postgres_server_url, bootstrap=bootstrap, jwt_secret=jwt_secret,
                              log_dir=tmp_path, database_prefix=f"audit_{unique}",
                              extra_env=LATER_YEARS) as started:
            yield {"processes": started, "bootstrap": bootstrap,
                   "databases": {name: p.database_url for name, p in started.items()}}
    finally:
        kafka.stop()


def audit_cli(*args: str, token: str, urls: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "kinerja-audit"), *args]
    if args[0] != "rebuild":
        command += [arg for name, url in urls.items() for arg in ("--url", f"{name}={url}")]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          env={"KINERJA_TOKEN": token, "PATH": str(Path(sys.executable).parent)})


async def a_year_of_activity(unit: UnitDriver, evaluation: httpx.AsyncClient) -> dict[str, Any]:
    """Plans, monthly realisation, four quarters and the year appraised, one objection that changes a
    result; returns the objector, their annual appraisal id and a moment between finalisation and decision."""

    async def call(method: str, path: str, who: Person, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        response = await evaluation.request(method, f"/api/v1{path}", headers=who.headers, json=body)
        assert response.status_code == expect, response.text
        return response.json()

    await unit.register()
    await call("PATCH", f"/offices/{OFFICE}/settings", unit.hr, {"time_zone": "WITA", "reason": "Kalender 2027"})
    await unit.approve_plans()
    for month in range(1, 13):
        for person in unit.staff:
            await unit.realise(person, "1", f"{YEAR}-{month:02d}-15", f"https://arsip.example.go.id/{month}")
    appraised = [unit.head, *unit.staff]
    for period in (*(f"{YEAR}-Q{q}" for q in range(1, 5)), str(YEAR)):
        # appraisals open now for the approvals evaluation already knows, the rest when theirs arrive
        await call("POST", f"/offices/{OFFICE}/periods", unit.hr, {"period": period}, expect=201)
        await call("PUT", f"/offices/{OFFICE}/units/{unit.unit_id}/periods/{period}/organisation-predicate",
                   unit.leader, {"predicate": "istimewa", "reason": f"Capaian unit {period}"})
        ids = {}
        for person in appraised:
            async def mine(p: Person = person, key: str = period) -> str | None:
                rows = [a for a in await call("GET", "/me/appraisals", p) if a["period_key"] == key]
                return str(rows[0]["appraisal_id"]) if rows else None

            ids[person.nip] = await eventually(mine)
        for person in appraised:
            view = await call("GET", f"/appraisals/{ids[person.nip]}", person)
            await call("PUT", f"/appraisals/{ids[person.nip]}/self-assessment", person, {
                "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": SESUAI} for r in view["rhks"]],
                "value_ratings": [{"value": v, "rating": SESUAI} for v in VALUES]})
            evaluator = unit.leader if person is unit.head else unit.head
            await call("PUT", f"/appraisals/{ids[person.nip]}/ratings", evaluator, {
                "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": SESUAI} for r in view["rhks"]],
                "value_ratings": [{"value": v, "rating": SESUAI} for v in VALUES],
                "results_rating": None if person is unit.head else SESUAI, "behaviour_rating": SESUAI})
            await call("POST", f"/appraisals/{ids[person.nip]}/finalise", evaluator, {})
    objector = unit.staff[0]
    annual = ids[objector.nip]
    await call("POST", f"/appraisals/{annual}/objection", objector, {"reasons": "Capaian Desember belum dihitung"},
               expect=201)
    await asyncio.sleep(0.05)
    moment = datetime.now(UTC)
    await asyncio.sleep(0.05)
    await call("POST", f"/appraisals/{annual}/objection/decision", unit.leader, {
        "decision": "changed", "reason": "Capaian Desember sah", "results_rating": ATAS, "behaviour_rating": ATAS})
    return {"objector": objector, "annual": annual, "moment": moment}


async def test_a_year_audited_replayed_verified_reconciled_rebuilt_and_tampering_located(
        stack: dict[str, Any], jwt_secret: str) -> None:
    processes: dict[str, ServiceProcess] = stack["processes"]
    urls = {name: p.url for name, p in processes.items()}
    token = bearer(jwt_secret, "197001012000011999", [Role.AUDITOR], [OFFICE])["Authorization"].split()[1]
    async with httpx.AsyncClient(base_url=urls["planning"], timeout=30) as planning, \
            httpx.AsyncClient(base_url=urls["evaluation"], timeout=30) as evaluation:
        unit = UnitDriver(planning, jwt_secret, office_id=OFFICE, unit_id="BIDANG-AUDIT", year=YEAR, staff=3, seed=7)
        year = await a_year_of_activity(unit, evaluation)
    objector: Person = year["objector"]

    # every store reaches its topic (the relays are asynchronous): reconcile until the same
    async def reconciled() -> str | None:
        done = audit_cli("reconcile", "--office", OFFICE, token=token, urls=urls)
        return done.stdout if done.returncode == 0 else None

    assert "BERBEDA" not in await eventually(reconciled, attempts=100, delay=0.3)

    # the cross-service timeline of one employee, with old value, new value and reason
    done = audit_cli("timeline", "--subject", objector.nip, "--json", token=token, urls=urls)
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert {e["source"] for e in entries} >= {"/kinerja/planning", "/kinerja/evaluation", "/kinerja/career"}
    assert [e["recorded_at"] for e in entries] == sorted(e["recorded_at"] for e in entries)
    correction = [e for e in entries if e["event_type"] == "evaluation.PredicateDetermined"
                  and e["new"] == "sangat_baik"]
    assert correction and correction[-1]["previous"] == "baik"
    assert correction[-1]["reason"].startswith("Keputusan keberatan: Capaian Desember sah")
    assert correction[-1]["actor_role"] == "atasan_penilai"
    kinds = {e["event_type"] for e in entries}
    assert {"planning.RealisationRecorded", "evaluation.AppraisalCorrected", "career.PerformanceCorrected"} <= kinds

    # the annual appraisal as it stood between the objection and the decision, and as it stands now
    stream = f"penilaian-{year['annual']}"
    before = audit_cli("state", "--service", "evaluation", "--stream", stream, "--at", year["moment"].isoformat(),
                       token=token, urls=urls)
    now = audit_cli("state", "--service", "evaluation", "--stream", stream, token=token, urls=urls)
    assert before.returncode == 0, before.stderr
    then_state, now_state = json.loads(before.stdout)["state"], json.loads(now.stdout)["state"]
    assert (then_state["status"], then_state["predicate"]) == ("objected", "baik")
    assert (now_state["status"], now_state["predicate"], now_state["corrected"]) == ("decided", "sangat_baik", True)

    # all chains verify; an evidence pack holds each service's events, verification and report
    verified = audit_cli("verify", token=token, urls=urls)
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.count("UTUH") == 3
    pack_path = Path(processes["planning"].log_path).parent / "bukti.zip"
    packed = audit_cli("evidence-pack", "--subject", objector.nip, "--out", str(pack_path), token=token, urls=urls)
    assert packed.returncode == 0, packed.stderr
    with zipfile.ZipFile(pack_path) as pack:
        names = set(pack.namelist())
        assert {f"{s}/{f}" for s in SERVICES for f in ("events.jsonl", "verification.json", "report.md",
                                                          "manifest.json")} <= names
        lines = pack.read("evaluation/events.jsonl").splitlines()
        for line in lines:  # anyone can recompute each hash from the pack
            event = EventEnvelope.model_validate_json(line)
            assert event.computed_hash() == event.hash
        assert json.loads(pack.read("evaluation/verification.json"))["ok"] is True
        assert "Capaian Desember sah" in pack.read("evaluation/report.md").decode()

    # every read model rebuilt from Kafka and from the store equals the live one
    for name in SERVICES:
        for source in ("kafka", "store"):
            rebuilt = audit_cli("rebuild", name, "--database-url", stack["databases"][name], "--bootstrap",
                                stack["bootstrap"], "--from", source, token=token, urls=urls)
            assert rebuilt.returncode == 0, f"{name} from {source}:\n{rebuilt.stdout}\n{rebuilt.stderr}"
            assert "BERBEDA" not in rebuilt.stdout
            assert "peristiwa" in rebuilt.stderr  # the progress display

    # tamper with one stored event: verification and reconciliation both locate it
    conn = await asyncpg.connect(stack["databases"]["evaluation"])
    try:
        row = await conn.fetchrow("SELECT event_id, stream_id, stream_version, payload::text AS payload FROM events "
                                  "WHERE event_type = 'evaluation.PredicateDetermined' AND subject = $1 "
                                  "ORDER BY position LIMIT 1", unit.staff[1].nip)
        assert row is not None
        forged = {**json.loads(row["payload"]), "predicate": "sangat_baik"}
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute("UPDATE events SET payload = $2::jsonb WHERE event_id = $1", row["event_id"],
                           json.dumps(forged))
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
        broken = audit_cli("verify", token=token, urls=urls)
        assert broken.returncode == 1
        assert (f"BREAK {row['stream_id']} v{row['stream_version']} {row['event_id']}: hash does not match the "
                "event's content") in broken.stdout
        differs = audit_cli("reconcile", token=token, urls=urls)
        assert differs.returncode == 1
        located = [line for line in differs.stdout.splitlines() if str(row["event_id"]) in line]
        assert len(located) == 1
        assert located[0].strip().startswith(f"content_differs: {row['event_id']} {row['stream_id']} "
                                             f"v{row['stream_version']} partition=")
        assert "content differs from the stored event in: payload" in located[0]
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute("UPDATE events SET payload = $2::jsonb WHERE event_id = $1", row["event_id"],
                           row["payload"])
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    finally:
        await conn.close()
    assert audit_cli("verify", token=token, urls=urls).returncode == 0

    # tamper with one topic message (a forged copy of a published result): reconciliation locates it
    records = await read_topic(stack["bootstrap"], "kinerja.evaluation.events")
    original = next(r for r in records if r.header("ce_type") == "evaluation.AppraisalFinalised"
                    and r.key == unit.staff[2].nip.encode())
    payload = json.loads(original.value or b"{}")
    payload["result"]["predicate"] = "sangat_baik"
    producer = AIOKafkaProducer(bootstrap_servers=stack["bootstrap"])
    await producer.start()
    try:
        sent = await producer.send_and_wait("kinerja.evaluation.events", json.dumps(payload).encode(),
                                            key=original.key, headers=list(original.headers))
    finally:
        await producer.stop()
    differs = audit_cli("reconcile", token=token, urls=urls)
    assert differs.returncode == 1
    located = [line.strip() for line in differs.stdout.splitlines() if line.strip().startswith("content_differs")]
    assert len(located) == 1
    assert original.header("ce_id") in located[0]
    assert f"partition={sent.partition} offset={sent.offset}" in located[0]
    assert "the record's hash does not match its content" in located[0]
    assert audit_cli("verify", token=token, urls=urls).returncode == 0  # the store itself is intact
