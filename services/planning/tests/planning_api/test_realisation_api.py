"""Realisation and service interactions over HTTP and Kafka, on real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaProducer

from kinerja_kernel.auth import Role
from kinerja_kernel.cloudevents import from_kafka
from kinerja_kernel.contracts.evaluation import OfficeSettings, OfficeSettingsChanged, TimeZone
from kinerja_kernel.kafka import events_topic, idempotent_producer
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish, read_topic
from kinerja_kernel.testing.office import eventually
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

from .test_plans_api import HEAD, OFFICE, STAFF, SUPERIOR, Office, iki_body

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


class Approved:
    """The head of division's approved SKP: a manual IKI (12 dokumen) and a service IKI (3 konsultasi)."""

    def __init__(self, office: Office, plan_id: str, manual: str, service: str, database_url: str) -> None:
        self.office, self.plan_id, self.manual, self.service = office, plan_id, manual, service
        self.database_url = database_url

    async def progress(self) -> dict[str, Any]:
        response = await self.office.client.get(f"/api/v1/plans/{self.plan_id}/realisation", headers=self.office.head)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def iki(self, iki_id: str) -> dict[str, Any]:
        return next(i for i in (await self.progress())["ikis"] if i["iki_id"] == iki_id)


@pytest_asyncio.fixture(loop_scope="session")
async def approved(database_url: str, kafka_bootstrap: str, jwt_secret: str) -> AsyncIterator[Approved]:
    settings = PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                jwt_secret=jwt_secret, environment="test",
                                consumer_group=f"planning-test-{uuid.uuid4().hex[:8]}")
    async with running_app(create_app(settings)) as client:
        office = Office(client, jwt_secret)
        for nip, kind, evaluator in ((SUPERIOR, "jpt", "195501011980031001"), (HEAD, "kepala_unit", SUPERIOR),
                                     (STAFF, "ja", HEAD)):
            assert (await office.register(nip, kind, evaluator)).status_code == 200
        plan_id = await office.draft(office.head)
        rhk = {"title": "Terselenggaranya layanan mutasi", "kind": "utama",
               "source": {"kind": "perjanjian_kinerja", "reference": "PK 2026"},
               "ikis": [iki_body(), iki_body(description="Konsultasi mutasi dilayani", measure="service_volume",
                                             service_type="konsultasi", targets=[
                                                 {"aspect": "kuantitas", "value": "3", "unit": "konsultasi"}])]}
        added = await office.post(f"/plans/{plan_id}/rhks", office.head, {"rhk": rhk})
        assert added.status_code == 201, added.text
        manual, service = (i["iki_id"] for i in added.json()["rhk"]["ikis"])
        assert (await office.post(f"/plans/{plan_id}/submit", office.head)).status_code == 200
        assert (await office.post(f"/plans/{plan_id}/approve", office.superior)).status_code == 200
        yield Approved(office, plan_id, manual, service, database_url)


def entry(iki_id: str, value: str, **extra: Any) -> dict[str, Any]:
    return {"iki_id": iki_id, "value": value, "occurred_on": "2026-03-02", "description": "Menyusun dokumen", **extra}


class TestRealisation:
    async def test_progress_with_evidence_reaches_the_target_and_the_evaluator_comments(self, approved: Approved) -> None:
        o = approved.office
        url = f"/plans/{approved.plan_id}/realisation"
        single = await o.post(url, o.head, {"entries": [entry(approved.manual, "4", evidence=[
            {"kind": "link", "uri": "https://drive.example.go.id/laporan-maret.pdf", "sha256": SHA,
             "description": "Laporan Maret"}])]})
        assert single.status_code == 201, single.text
        bulk = await o.post(url, o.head, {"entries": [entry(approved.manual, "3"), entry(approved.manual, "5")]})
        assert bulk.json() == {"recorded": 2, "skipped": 0}
        iki = await approved.iki(approved.manual)
        assert (iki["realised"], iki["target"], iki["achieved"]) == ("12", "12", True)
        assert iki["percent"] == 100.0

        progress = await approved.progress()
        first = next(e for e in progress["entries"] if e["evidence"])
        assert first["evidence"][0]["sha256"] == SHA
        commented = await o.post(f"{url}/{first['entry_id']}/comments", o.superior, {"comment": "Sudah sesuai"})
        assert commented.status_code == 201, commented.text  # the head's evaluator is the superior
        progress = await approved.progress()
        assert next(e for e in progress["entries"] if e["entry_id"] == first["entry_id"])["comments"] == [
            {"author_id": SUPERIOR, "comment": "Sudah sesuai"}]

    async def test_a_csv_import_names_a_bad_row_and_a_reimport_counts_nothing_twice(self, approved: Approved) -> None:
        o = approved.office
        url = f"/api/v1/plans/{approved.plan_id}/realisation/import"
        headers = {**o.head, "content-type": "text/csv"}
        ids = [uuid.uuid4() for _ in range(3)]
        rows = [f"{ids[i]};{approved.manual};1;2026-04-0{i + 1};Entri harian {i}" for i in range(3)]
        bad = "entry_id;iki_id;value;occurred_on;description\n" + "\n".join([*rows, f";{approved.manual};x;2026-04-09;y"])
        rejected = await o.client.post(url, content=bad.encode(), headers=headers)
        assert rejected.status_code == 422
        assert rejected.json()["errors"][0]["field"] == "rows.5"
        good = "entry_id;iki_id;value;occurred_on;description\n" + "\n".join(rows)
        assert (await o.client.post(url, content=good.encode(), headers=headers)).json() == {"recorded": 3, "skipped": 0}
        assert (await o.client.post(url, content=good.encode(), headers=headers)).json() == {"recorded": 0, "skipped": 3}
        assert (await approved.iki(approved.manual))["realised"] == "3"

    async def test_realisation_for_an_iki_of_another_employee_is_refused(self, approved: Approved) -> None:
        o = approved.office
        url = f"/plans/{approved.plan_id}/realisation"
        other_iki = await o.post(url, o.head, {"entries": [entry(str(uuid.uuid4()), "1")]})
        assert other_iki.status_code == 422
        assert other_iki.json()["errors"][0]["field"] == "entries.0.iki_id"
        not_mine = await o.post(url, o.staff, {"entries": [entry(approved.manual, "1")]})
        assert not_mine.status_code == 403
        by_hand = await o.post(url, o.head, {"entries": [entry(approved.service, "1")]})
        assert by_hand.status_code == 422
        assert "interaksi layanan" in by_hand.json()["detail"]
        assert (await approved.iki(approved.manual))["realised"] == "0"


def interaction(employee: str = HEAD, **overrides: Any) -> dict[str, Any]:
    return {"interaction_id": str(uuid.uuid4()), "employee_id": employee, "office_id": OFFICE, "channel": "loket",
            "service_type": "konsultasi", "occurred_at": "2026-06-01T02:00:00Z", "satisfaction": 5, **overrides}


class TestInteractionsOverHttp:
    async def test_a_batch_counts_once_and_reaches_the_service_target(self, approved: Approved, jwt_secret: str) -> None:
        o = approved.office
        system = bearer(jwt_secret, "loket-antrian", [Role.SYSTEM], [OFFICE])
        batch = [interaction(), interaction(service_type="pengaduan"), interaction(satisfaction=None)]
        first = await o.client.post("/api/v1/interactions", json={"interactions": batch}, headers=system)
        assert first.status_code == 202, first.text
        assert first.json() == {"accepted": 3, "duplicates": 0}
        again = await o.client.post("/api/v1/interactions", json={"interactions": batch}, headers=system)
        assert again.json() == {"accepted": 0, "duplicates": 3}
        assert (await approved.iki(approved.service))["realised"] == "2"  # only konsultasi counts
        await o.client.post("/api/v1/interactions", json={"interactions": [interaction()]}, headers=system)
        service = await approved.iki(approved.service)
        assert (service["realised"], service["achieved"]) == ("3", True)

    async def test_an_interaction_counts_in_the_year_of_its_offices_time_zone(
        self, approved: Approved, jwt_secret: str, kafka_bootstrap: str
    ) -> None:
        """Evaluation owns the office's settings; planning learns the zone from its topic. 16:30 UTC on
        31 December is 23:30 WIB (still 2026) but 00:30 WITA: in an office on WITA it counts in 2027."""
        o = approved.office
        system = bearer(jwt_secret, "loket-antrian", [Role.SYSTEM], [OFFICE])
        before = interaction(occurred_at="2026-12-31T16:30:00Z")
        assert (await o.client.post("/api/v1/interactions", json={"interactions": [before]},
                                    headers=system)).status_code == 202
        changed = OfficeSettingsChanged(office_id=OFFICE, settings=OfficeSettings(time_zone=TimeZone.WITA),
                                        previous=None, reason="Kantor regional di Makassar")
        await publish(kafka_bootstrap, events_topic("evaluation"), [envelope_of(
            changed, subject=OFFICE, office_id=OFFICE, source="/kinerja/evaluation", stream_id=f"kantor-{OFFICE}")])
        connection = await asyncpg.connect(approved.database_url)
        try:
            zone = await eventually(lambda: connection.fetchval(
                "SELECT time_zone FROM office_time_zones WHERE office_id = $1", OFFICE))
            assert zone == "WITA"
        finally:
            await connection.close()
        after = interaction(occurred_at="2026-12-31T16:30:00Z")
        assert (await o.client.post("/api/v1/interactions", json={"interactions": [after]},
                                    headers=system)).status_code == 202

        payloads = [from_kafka(r.value, r.headers).payload for r in await read_topic(kafka_bootstrap,
                                                                                      events_topic("planning"))
                    if r.header("ce_type") == "planning.ServiceInteractionRecorded"]
        recorded = {p["interaction"]["interaction_id"]: p["period_year"] for p in payloads}
        assert (recorded[before["interaction_id"]], recorded[after["interaction_id"]]) == (2026, 2027)

    async def test_bad_interactions_are_named_and_nothing_of_the_batch_is_kept(
        self, approved: Approved, jwt_secret: str
    ) -> None:
        o = approved.office
        system = bearer(jwt_secret, "loket-antrian", [Role.SYSTEM], [OFFICE])
        batch = [interaction(), interaction(satisfaction=7)]
        response = await o.client.post("/api/v1/interactions", json={"interactions": batch}, headers=system)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "interactions.1.satisfaction"
        elsewhere = await o.client.post("/api/v1/interactions", json={"interactions": [
            interaction(office_id="KANREG-II")]}, headers=system)
        assert elsewhere.status_code == 403
        assert elsewhere.json()["errors"][0]["field"] == "interactions.0.office_id"
        staff = await o.client.post("/api/v1/interactions", json={"interactions": [interaction()]}, headers=o.staff)
        assert staff.status_code == 403
        assert (await approved.iki(approved.service))["realised"] == "0"


    async def test_an_id_repeated_in_one_batch_counts_once_and_the_read_model_equals_the_store(
        self, approved: Approved, jwt_secret: str
    ) -> None:
        o = approved.office
        system = bearer(jwt_secret, "loket-antrian", [Role.SYSTEM], [OFFICE])
        same = interaction()
        response = await o.client.post("/api/v1/interactions", json={"interactions": [same] * 5}, headers=system)
        assert response.status_code == 202, response.text
        assert response.json() == {"accepted": 1, "duplicates": 4}
        mixed = [same, interaction(), same]
        assert (await o.client.post("/api/v1/interactions", json={"interactions": mixed},
                                    headers=system)).json() == {"accepted": 1, "duplicates": 2}
        service = await approved.iki(approved.service)
        assert service["realised"] == "2"
        assert service["realised"] == str(await stored_interactions(approved.database_url, HEAD))

    async def test_the_roster_not_the_message_decides_the_employees_office(
        self, approved: Approved, jwt_secret: str
    ) -> None:
        """A counter system of KANREG-II cannot count for an employee of KANREG-I by naming its own office."""
        o = approved.office
        other_office = bearer(jwt_secret, "loket-kanreg-ii", [Role.SYSTEM], ["KANREG-II"])
        foreign = await o.client.post("/api/v1/interactions", json={"interactions": [
            interaction(office_id="KANREG-II"), interaction(office_id="KANREG-II")]}, headers=other_office)
        assert foreign.status_code == 422, foreign.text
        problem = foreign.json()
        assert [e["field"] for e in problem["errors"]] == ["interactions.0.office_id", "interactions.1.office_id"]
        assert "tidak terdaftar di roster kantor KANREG-II" in problem["detail"]
        assert problem["detail_en"]
        system = bearer(jwt_secret, "loket-antrian", [Role.SYSTEM], [OFFICE])
        unknown = await o.client.post("/api/v1/interactions", json={"interactions": [
            interaction(), interaction(employee="199512312020121001")]}, headers=system)
        assert unknown.status_code == 422, unknown.text
        assert [e["field"] for e in unknown.json()["errors"]] == ["interactions.1.employee_id"]
        assert (await approved.iki(approved.service))["realised"] == "0"  # nothing of either batch is kept
        assert await stored_interactions(approved.database_url, HEAD) == 0


async def stored_interactions(database_url: str, employee: str) -> int:
    """The konsultasi interactions of an employee in the store (what a replay would count)."""
    connection = await asyncpg.connect(database_url)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM events WHERE event_type = 'planning.ServiceInteractionRecorded' AND subject = $1 "
            "AND payload->'interaction'->>'service_type' = 'konsultasi'", employee)
        return count
    finally:
        await connection.close()


class TestInteractionsOverKafka:
    async def test_an_id_repeated_in_a_batch_counts_once_and_a_foreign_office_is_dead_lettered(
        self, approved: Approved, kafka_bootstrap: str
    ) -> None:
        producer: AIOKafkaProducer = idempotent_producer(kafka_bootstrap, client_id="test-counter")
        await producer.start()
        same, unknown, foreign = interaction(), interaction(employee="199512312020121001"), interaction(
            office_id="KANREG-II")
        markers = (unknown["interaction_id"].encode(), foreign["interaction_id"].encode())
        try:
            sent = [await producer.send("kinerja.planning.interactions", json.dumps(item).encode(), key=HEAD.encode())
                    for item in (same, same, foreign, same, unknown, same)]
            await asyncio.gather(*sent)
        finally:
            await producer.stop()
        dead: list[Any] = []
        for _ in range(150):
            dead = [r for r in await read_topic(kafka_bootstrap, "kinerja.planning.deadletter")
                    if any(m in (r.value or b"") for m in markers)]
            if len(dead) == 2:
                break
            await asyncio.sleep(0.2)
        reasons = sorted(r.header("kinerja_dlt_reason") or "" for r in dead)
        assert len(reasons) == 2
        assert reasons[0].startswith("interaction not backed by the roster: employee_id")
        assert reasons[1].startswith("interaction not backed by the roster: office_id")
        assert (await approved.iki(approved.service))["realised"] == "1"
        assert await stored_interactions(approved.database_url, HEAD) == 1


    async def test_a_malformed_message_is_dead_lettered_and_the_rest_of_its_batch_counts(
        self, approved: Approved, kafka_bootstrap: str
    ) -> None:
        producer: AIOKafkaProducer = idempotent_producer(kafka_bootstrap, client_id="test-counter")
        await producer.start()
        marker = uuid.uuid4().hex
        try:
            good = [interaction() for _ in range(2)]
            records = [json.dumps(good[0]).encode(), b"{not json " + marker.encode(),
                       json.dumps(interaction(satisfaction=9, service_type=marker)).encode(),
                       json.dumps(good[1]).encode(), json.dumps(good[0]).encode()]  # the last one is a redelivery
            for value in records:
                await producer.send_and_wait("kinerja.planning.interactions", value, key=HEAD.encode())
        finally:
            await producer.stop()
        for _ in range(150):
            if (await approved.iki(approved.service))["realised"] == "2":
                break
            await asyncio.sleep(0.2)
        assert (await approved.iki(approved.service))["realised"] == "2"
        dead = [r for r in await read_topic(kafka_bootstrap, "kinerja.planning.deadletter")
                if marker.encode() in (r.value or b"")]
        reasons = sorted(r.header("kinerja_dlt_reason") or "" for r in dead)
        assert len(dead) == 2
        assert reasons[0].startswith("invalid interaction: satisfaction")
        assert "json" in reasons[1].lower()
        assert {r.header("kinerja_dlt_consumer") for r in dead} == {"kinerja-planning-interactions"}
