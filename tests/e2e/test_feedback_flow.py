"""End to end: the feedback service as its own process, fed by evaluation and planning events on real
Kafka, used over HTTP, delivering to a gateway's webhook (a real local HTTP server) from its background
worker, and stopping cleanly with SIGTERM.

An evaluator gives feedback and holds a dialogue; an appraisal opens, the employee asks for a
clarification and the evaluator answers; the result is finalised; every step lands in the right inbox
once (events are redelivered on purpose) and reaches the office's gateway signed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from kinerja_feedback.domain.webhooks import verify
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish, read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


def nip() -> str:
    n = int(uuid.uuid4().hex[:8], 16)
    return f"19{80 + n % 20:02d}0{1 + n % 9}1{n % 9}20{10 + n % 15:02d}0{1 + n % 9}1{n % 999 + 1:03d}"


@pytest.fixture
def feedback(postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, tmp_path: Path,
             unique: str) -> Iterator[ServiceProcess]:
    with running_services(("feedback",), server_url=postgres_server_url, bootstrap=kafka_bootstrap,
                          jwt_secret=jwt_secret, log_dir=tmp_path, database_prefix=f"e2e_feedback_flow_{unique}",
                          extra_env={"feedback": {
                              "KINERJA_FEEDBACK_WEBHOOK_POLL_INTERVAL_SECONDS": "0.2",
                              # the local gateway stands for an on-premise one: allow-listed
                              "KINERJA_FEEDBACK_WEBHOOK_ALLOWED_TARGETS": '["127.0.0.1/32"]'}}) as started:
        yield started["feedback"]


@contextlib.asynccontextmanager
async def gateway() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A messaging gateway's webhook endpoint: records each request, answers 200."""
    received: list[tuple[dict[str, str], bytes]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in head[1:] if ":" in h)}
        received.append((headers, await reader.readexactly(int(headers.get("content-length", "0")))))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/kinerja", received
    finally:
        server.close()


async def until(check: Any, what: str) -> Any:
    for _ in range(300):
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


async def test_feedback_dialogue_clarification_and_evaluation_notifications_across_processes(
    feedback: ServiceProcess, jwt_secret: str, kafka_bootstrap: str, unique: str
) -> None:
    office = f"KANWIL-E2E-{unique}"
    employee, evaluator, superior, hr_id = nip(), nip(), nip(), nip()
    me = bearer(jwt_secret, employee, [Role.PEGAWAI], [office])
    boss = bearer(jwt_secret, evaluator, [Role.PEGAWAI, Role.PEJABAT_PENILAI], [office])
    hr = bearer(jwt_secret, hr_id, [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], [office])
    url = feedback.url

    def env(event: Any, subject: str, service: str) -> Any:
        return envelope_of(event, subject=subject, office_id=office, source=f"/kinerja/{service}",
                           stream_id=f"{service}-{uuid.uuid4()}")

    async with httpx.AsyncClient(base_url=url, timeout=10) as client, gateway() as (hook, received):
        subscribed = await client.post(f"/api/v1/offices/{office}/webhooks", headers=hr,
                                       json={"url": hook, "roles": ["pegawai"], "description": "Gateway WA"})
        assert subscribed.status_code == 201, subscribed.text
        secret = subscribed.json()["secret"]

        roster = [env(pl.EmployeeRegistered(employee_id=who, name="Uji", office_id=office, unit_id="U", position="P",
                                            position_type=pl.PositionType.JA, employment=pl.Employment.PNS,
                                            evaluator_id=boss_of, superior_id=superior), who, "planning")
                  for who, boss_of in ((employee, evaluator), (evaluator, superior))]
        await publish(kafka_bootstrap, "kinerja.planning.events", roster)

        async def on_roster() -> bool:
            r = await client.get(f"/api/v1/employees/{employee}/feedback", headers=boss)
            return r.status_code == 200

        await until(on_roster, "the roster reached the feedback service")
        given = await client.post("/api/v1/feedback", headers=boss, json={
            "employee_id": employee, "kind": "konstruktif", "value": "berorientasi_pelayanan",
            "text": "Respons pengaduan perlu lebih cepat"})
        assert given.status_code == 201, given.text
        dialogue = await client.post("/api/v1/dialogues", headers=boss, json={
            "employee_id": employee, "scheduled_at": "2031-02-10T09:00:00+07:00", "agenda": "Layanan pengaduan"})
        assert dialogue.status_code == 201, dialogue.text

        opened = ev.AppraisalOpened(
            appraisal_id=uuid.uuid4(), employee_id=employee, office_id=office, unit_id="U",
            period=ev.EvaluationPeriod.parse("2031-Q1"), plan_id=uuid.uuid4(), evaluator_id=evaluator,
            superior_id=superior, position_type=pl.PositionType.JA, employment=pl.Employment.PNS, unit_head=False,
            rhks=(), self_assessment_due=datetime(2031, 4, 5, 16, 59, 59, tzinfo=UTC),
            rating_due=datetime(2031, 4, 15, 16, 59, 59, tzinfo=UTC))
        opened_env = env(opened, employee, "evaluation")
        await publish(kafka_bootstrap, "kinerja.evaluation.events", [opened_env, opened_env])  # redelivered

        async def inbox(headers: dict[str, str]) -> list[dict[str, Any]]:
            r = await client.get("/api/v1/notifications", headers=headers)
            assert r.status_code == 200, r.text
            return list(r.json())

        async def kinds_of_employee() -> list[str] | None:
            kinds = sorted(n["kind"] for n in await inbox(me))
            return kinds if "self_assessment_due" in kinds else None

        assert await until(kinds_of_employee, "self-assessment due") == [
            "dialogue_scheduled", "feedback_received", "self_assessment_due"]

        async def asked() -> httpx.Response | None:
            r = await client.post("/api/v1/clarifications", headers=me, json={
                "appraisal_id": str(opened.appraisal_id), "topic": {"aspect": "perilaku_kerja"},
                "question": "Bagian mana yang kurang?"})
            return r if r.status_code == 201 else None

        thread = (await until(asked, "the appraisal is known"))
        clarification_id = thread.json()["id"]
        answer = await client.post(f"/api/v1/clarifications/{clarification_id}/messages", headers=boss,
                                   json={"text": "Waktu respons pengaduan"})
        assert answer.status_code == 200, answer.text

        final = ev.AppraisalFinalised(
            result=ev.AppraisalResult(
                appraisal_id=opened.appraisal_id, employee_id=employee, office_id=office, unit_id="U",
                period=opened.period, position_type=opened.position_type, employment=opened.employment,
                evaluator_id=evaluator, results_rating=ev.Rating.SESUAI, behaviour_rating=ev.Rating.SESUAI,
                predicate=ev.Predicate.BAIK, rhk_ratings=(), value_ratings=()),
            finalised_by=evaluator, objection_deadline=datetime(2031, 5, 1, 16, 59, 59, tzinfo=UTC))
        final_env = env(final, employee, "evaluation")
        await publish(kafka_bootstrap, "kinerja.evaluation.events", [final_env, final_env])

        async def rating_ready() -> list[str] | None:
            kinds = sorted(n["kind"] for n in await inbox(me))
            return kinds if "rating_ready" in kinds else None

        assert await until(rating_ready, "rating ready") == [
            "clarification_answered", "dialogue_scheduled", "feedback_received", "rating_ready",
            "self_assessment_due"]
        assert [n["kind"] for n in await inbox(boss)] == ["clarification_asked"]
        late = await client.post(f"/api/v1/clarifications/{clarification_id}/messages", headers=me,
                                 json={"text": "Terima kasih"})
        assert late.status_code == 409  # final now: the thread is closed

        # the gateway got the employee's five notifications (role filter: not the evaluator's), signed; the
        # queue is filled in the notification's own transaction, so its listing is complete already
        deliveries_url = f"/api/v1/webhooks/{subscribed.json()['subscription_id']}/deliveries"

        async def all_delivered() -> list[dict[str, Any]] | None:
            rows = list((await client.get(deliveries_url, headers=hr)).json())
            return rows if {d["status"] for d in rows} == {"delivered"} else None

        rows = await until(all_delivered, "webhook deliveries")
        assert len(rows) == 5 and len(received) == 5
        bodies = [json.loads(body) for _, body in received]
        assert sorted(b["kind"] for b in bodies) == ["clarification_answered", "dialogue_scheduled",
                                                     "feedback_received", "rating_ready", "self_assessment_due"]
        assert all(b["recipient_id"] == employee for b in bodies)
        for headers, body in received:
            assert verify(secret, body, headers["x-kinerja-signature"], now=int(time.time()))

    published = [r for r in await read_topic(kafka_bootstrap, "kinerja.feedback.events") if r.key == employee.encode()]
    types = {r.header("ce_type") for r in published}
    assert {"feedback.FeedbackGiven", "feedback.DialogueScheduled", "feedback.ClarificationRequested",
            "feedback.ClarificationReplied", "feedback.NotificationIssued"} <= types
    causes = {r.header("ce_causationid") for r in published if r.header("ce_type") == "feedback.NotificationIssued"}
    assert str(final_env.event_id) in causes and str(opened_env.event_id) in causes

    feedback.stop()
    assert feedback.process is not None and feedback.process.returncode in (0, -15)  # uvicorn re-raises SIGTERM
    lines = [json.loads(line) for line in feedback.log_path.read_text().splitlines() if line.startswith("{")]
    events = [line["event"] for line in lines]
    assert "runtime.stopped" in events  # the reminder loop and the webhook worker let the shutdown finish
    failures = {"reminders.tick_failed", "webhooks.dispatch_failed", "http.unhandled_error", "consumer.unexpected_error",
                "consumer.dead_lettered"}
    assert not failures & set(events)
