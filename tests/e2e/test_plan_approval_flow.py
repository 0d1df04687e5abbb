"""End to end: planning and feedback as separate processes, over HTTP, on real Kafka and PostgreSQL.

An employee drafts and submits an SKP; the evaluator finds "awaiting your approval" in their inbox and
approves; the employee finds "approved" in theirs. The correlation id sent with the submit request
travels through the planning event into the feedback service's notification event.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

OFFICE = "KANREG-E2E"

# this module records realisation in a later year than the clock's: planning takes its last day as today
LATER_YEARS = {"planning": {"KINERJA_PLANNING_TODAY": "2099-12-31"}}


@pytest.fixture
def services(postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, tmp_path: Path,
             unique: str) -> Iterator[dict[str, ServiceProcess]]:
    with running_services(("planning", "feedback"), server_url=postgres_server_url, bootstrap=kafka_bootstrap,
                          jwt_secret=jwt_secret, log_dir=tmp_path, database_prefix=f"e2e_{unique}",
                          extra_env=LATER_YEARS) as started:
        yield started


async def wait_for_notification(client: httpx.AsyncClient, url: str, headers: dict[str, str], kind: str,
                                link: str) -> dict[str, object]:
    for _ in range(150):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        found = [n for n in response.json() if n["kind"] == kind and n["link"] == link]
        if found:
            return found[0]
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {kind} notification for {link}")


async def test_a_submitted_plan_reaches_the_evaluator_and_the_approval_reaches_the_employee(
    services: dict[str, ServiceProcess], jwt_secret: str, kafka_bootstrap: str, unique: str
) -> None:
    employee_id = f"19900101201501{1}{int(unique[:6], 16) % 999 + 1:03d}"
    evaluator_id = f"19800101200501{2}{int(unique[4:10], 16) % 999 + 1:03d}"
    employee = bearer(jwt_secret, employee_id, [Role.PEGAWAI], [OFFICE])
    evaluator = bearer(jwt_secret, evaluator_id, [Role.PEGAWAI, Role.PEJABAT_PENILAI], [OFFICE])
    hr = bearer(jwt_secret, "197001012000011003", [Role.PENGELOLA_KEPEGAWAIAN], [OFFICE])
    planning, feedback = services["planning"].url, services["feedback"].url
    correlation = f"e2e-{unique}"
    year = 2030 + int(unique[:4], 16) % 60

    async with httpx.AsyncClient(timeout=10) as client:
        registered = await client.put(f"{planning}/api/v1/offices/{OFFICE}/employees/{employee_id}", headers=hr, json={
            "name": "Kepala Seksi Uji", "unit_id": "SEKSI-E2E", "position": "Kepala Seksi",
            "position_type": "kepala_unit", "employment": "pns", "evaluator_id": evaluator_id,
            "superior_id": None})
        assert registered.status_code == 200, registered.text
        created = await client.post(f"{planning}/api/v1/plans", headers=employee, json={"period_year": year})
        assert created.status_code == 201, created.text
        plan_id = created.json()["plan_id"]
        rhk = {"title": "Terselenggaranya layanan", "kind": "utama",
               "source": {"kind": "perjanjian_kinerja", "reference": "PK Seksi"},
               "ikis": [{"description": "Jumlah layanan", "targets": [
                   {"aspect": "kuantitas", "value": "100", "unit": "layanan"}]}]}
        added = await client.post(f"{planning}/api/v1/plans/{plan_id}/rhks", headers=employee, json={"rhk": rhk})
        assert added.status_code == 201, added.text
        submitted = await client.post(f"{planning}/api/v1/plans/{plan_id}/submit", json={"expected_version": 2},
                                      headers={**employee, "X-Correlation-ID": correlation})
        assert submitted.status_code == 200, submitted.text
        assert submitted.headers["X-Correlation-ID"] == correlation

        awaiting = await wait_for_notification(client, f"{feedback}/api/v1/notifications?unread=true", evaluator,
                                               "plan_awaiting_approval", f"/skp/{plan_id}")
        assert awaiting["title"] == "SKP menunggu persetujuan Anda"
        assert "Kepala Seksi Uji" in str(awaiting["body"])  # named from the roster, not by NIP

        returned = await client.post(f"{planning}/api/v1/plans/{plan_id}/return", headers=evaluator,
                                     json={"comments": "Lengkapi target kualitas"})
        assert returned.status_code == 200, returned.text
        back = await wait_for_notification(client, f"{feedback}/api/v1/notifications", employee, "plan_returned",
                                           f"/skp/{plan_id}")
        assert "Lengkapi target kualitas" in str(back["body"])
        resubmitted = await client.post(f"{planning}/api/v1/plans/{plan_id}/submit", json={"expected_version": 4},
                                        headers=employee)
        assert resubmitted.status_code == 200, resubmitted.text
        approved = await client.post(f"{planning}/api/v1/plans/{plan_id}/approve", json={"expected_version": 5},
                                     headers=evaluator)
        assert approved.status_code == 200, approved.text
        told = await wait_for_notification(client, f"{feedback}/api/v1/notifications", employee, "plan_approved",
                                           f"/skp/{plan_id}")
        assert told["title"] == "SKP Anda telah disetujui"

        iki_id = added.json()["rhk"]["ikis"][0]["iki_id"]
        reported = await client.post(f"{planning}/api/v1/plans/{plan_id}/realisation", headers=employee, json={
            "entries": [{"iki_id": iki_id, "value": "100", "occurred_on": f"{year}-06-30",
                         "description": "Layanan semester I"}]})
        assert reported.status_code == 201, reported.text
        reached = await wait_for_notification(client, f"{feedback}/api/v1/notifications", evaluator,
                                              "target_achieved", f"/skp/{plan_id}/realisasi")
        assert "100 layanan" in str(reached["body"])

        read = await client.post(f"{feedback}/api/v1/notifications/{awaiting['notification_id']}/read",
                                 headers=evaluator)
        assert read.status_code == 204
        unread = (await client.get(f"{feedback}/api/v1/notifications?unread=true", headers=evaluator)).json()
        assert all(n["notification_id"] != awaiting["notification_id"] for n in unread)

        # the employee cannot see the evaluator's inbox
        employee_inbox = (await client.get(f"{feedback}/api/v1/notifications", headers=employee)).json()
        assert all(n["kind"] != "plan_awaiting_approval" for n in employee_inbox)

    planning_events = [r for r in await read_topic(kafka_bootstrap, "kinerja.planning.events")
                       if r.header("ce_correlationid") == correlation]
    assert [r.header("ce_type") for r in planning_events] == ["planning.PlanSubmitted"]
    submitted_event = planning_events[0]
    assert submitted_event.key == employee_id.encode()
    assert submitted_event.header("ce_actorid") == employee_id
    assert submitted_event.header("ce_office") == OFFICE
    assert json.loads(submitted_event.value or b"{}")["plan_id"] == plan_id

    notification_events = [r for r in await read_topic(kafka_bootstrap, "kinerja.feedback.events")
                           if r.header("ce_correlationid") == correlation]
    assert [r.header("ce_type") for r in notification_events] == ["feedback.NotificationIssued"]
    assert notification_events[0].header("ce_causationid") == submitted_event.header("ce_id")
    assert notification_events[0].key == evaluator_id.encode()
    assert uuid.UUID(notification_events[0].header("ce_id") or "")

    # production logs are JSON lines, and the correlation id follows the request into both services
    for name, expected_event in (("planning", "http.request"), ("feedback", "consumer.processed")):
        lines = [json.loads(line) for line in services[name].log_path.read_text().splitlines()
                 if line.startswith("{")]
        mine = [line for line in lines if line.get("correlation_id") == correlation]
        assert expected_event in {line["event"] for line in mine}, name
        assert all(line["service"] == name for line in mine)
