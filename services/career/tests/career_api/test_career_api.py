"""The career service on real PostgreSQL and Kafka: appraisal events in, history and everything derived
out (read models and stored career events), HR data entry, IDPs, bad input and dead letters."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio

from kinerja_career.config import CareerSettings
from kinerja_career.entrypoints.main import create_app
from kinerja_kernel.auth import Role
from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.contracts.evaluation import Predicate, Rating
from kinerja_kernel.contracts.planning import BerAkhlak, Employment
from kinerja_kernel.envelope import GENESIS_HASH, Actor, PendingEvent, seal
from kinerja_kernel.testing.appraisals import result
from kinerja_kernel.testing.http import running_app
from kinerja_kernel.testing.kafka_helpers import publish as publish_envelopes
from kinerja_kernel.testing.kafka_helpers import read_topic

from .support import CareerClient, corrected, finalised, nip, registered

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

EVALUATOR = "198001012005011002"
HR_NIP = "197001012000011003"
B, BP, SB = Predicate.BAIK, Predicate.BUTUH_PERBAIKAN, Predicate.SANGAT_BAIK


@pytest_asyncio.fixture(loop_scope="session")
async def career(database_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str
                 ) -> AsyncIterator[CareerClient]:
    settings = CareerSettings(
        database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap, jwt_secret=jwt_secret,
        environment="test", consumer_group=f"career-test-{unique}", evaluation_topic=f"test.evaluation.{unique}",
        planning_topic=f"test.planning.{unique}")
    async with running_app(create_app(settings)) as client:
        yield CareerClient(client, secret=jwt_secret, bootstrap=kafka_bootstrap, database_url=database_url,
                           consumer=settings.consumer_group, evaluation_topic=settings.evaluation_topic,
                           planning_topic=settings.planning_topic)


@pytest.fixture
def office(unique: str) -> str:
    return f"KANREG-{unique[:6].upper()}"


class People:
    def __init__(self, career: CareerClient, office: str, unique: str) -> None:
        self.office = office
        self.employee = nip(unique[:6])
        self.hr = career.token(HR_NIP, [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], [office])
        self.me = career.token(self.employee, [Role.PEGAWAI], [office])
        self.evaluator = career.token(EVALUATOR, [Role.PEGAWAI, Role.PEJABAT_PENILAI], [office])


@pytest.fixture
def people(career: CareerClient, office: str, unique: str) -> People:
    return People(career, office, unique)


async def hr_setup(career: CareerClient, p: People, *, tmt: str = "2021-10-01", potential: str = "menengah") -> None:
    base = f"/offices/{p.office}/employees/{p.employee}"
    for path, body in ((f"{base}/rank", {"grade": "III/b", "name": "Penata Muda Tingkat I", "tmt": tmt}),
                       (f"{base}/functional-position", {"level": "ahli_pertama", "effective_year": 2023}),
                       (f"{base}/potential", {"potential": potential, "source": "Assessment Center BKN",
                                              "assessed_on": "2025-06-10"}),
                       (f"/offices/{p.office}/training-catalog/KOMPUB",
                        {"title": "Pelatihan Komunikasi Publik", "trigger": "nilai",
                         "value": "berorientasi_pelayanan", "hours": 24})):
        response = await career.put(path, p.hr, body)
        assert response.status_code == 200, response.text


class TestAppraisalsToCareer:
    async def test_a_multi_year_history_and_a_correction_after_an_objection_flip_eligibility_points_and_box(
        self, career: CareerClient, people: People
    ) -> None:
        p = people
        await hr_setup(career, p)
        roster = registered(p.employee, p.office, EVALUATOR)
        await career.feed(roster, topic=career.planning_topic)
        r2023, r2024 = result("2023", B, employee_id=p.employee, office_id=p.office), \
            result("2024", SB, employee_id=p.employee, office_id=p.office)
        q1 = result("2025-Q1", B, employee_id=p.employee, office_id=p.office)
        r2025 = result("2025", B, employee_id=p.employee, office_id=p.office,
                       weak_values=[BerAkhlak.BERORIENTASI_PELAYANAN])
        published = [finalised(r) for r in (r2023, r2024, q1, r2025)]
        await career.feed(*published)
        await career.handled(roster.event_id, *(e.event_id for e in published))

        page = await career.get("/me/career?as_of=2026-04-01", p.me)
        assert page["employee"]["name"] == f"Pegawai {p.employee[-3:]}"
        assert [h["period_key"] for h in page["history"]] == ["2025", "2025-Q1", "2024", "2023"]
        assert page["credit_points"]["by_year"] == {"2023": "12.50", "2024": "18.75", "2025": "12.50"}
        assert {e["period_key"]: e["counted"] for e in page["credit_points"]["entries"]}["2025-Q1"] is False
        assert page["promotion"]["eligible"] is True and page["rank"]["in_rank"] == "4 tahun 6 bulan"
        assert page["talent"]["box"] == 5 and page["talent"]["group"] == "pengembangan"
        [rec_2025] = [r for r in page["recommendations"] if r["period_key"] == "2025"]
        assert [i["catalog_code"] for i in rec_2025["items"]] == ["KOMPUB"]
        assert page["improvement_plan"] is None
        promotions = await career.get(f"/offices/{p.office}/promotions?year=2026", p.hr)
        assert [e["employee_id"] for e in promotions["eligible"]] == [p.employee]

        worse = r2025.model_copy(update={"predicate": BP, "results_rating": Rating.DI_BAWAH})
        correction = corrected(published[3], r2025, worse, "bukti dukung RHK utama tidak sah")
        await career.feed(correction)
        await career.handled(correction.event_id)

        page = await career.get("/me/career?as_of=2026-04-01", p.me)
        statuses = {(h["period_key"], h["status"]) for h in page["history"]}
        assert {("2025", "dikoreksi"), ("2025", "berlaku")} <= statuses
        assert page["credit_points"]["by_year"]["2025"] == "9.38"
        assert page["promotion"]["eligible"] is False
        assert page["promotion"]["reasons"] == ["Predikat 2025: Butuh Perbaikan (minimal Baik)"]
        assert page["talent"]["box"] == 3
        assert "wajib disusun" in page["improvement_plan"]["message"]
        promotions = await career.get(f"/offices/{p.office}/promotions?as_of=2026-04-01", p.hr)
        [why_not] = promotions["not_eligible"]
        assert why_not["reasons"] == ["Predikat 2025: Butuh Perbaikan (minimal Baik)"]
        grid = await career.get(f"/offices/{p.office}/talent", p.hr)
        assert [e["employee_id"] for e in grid["grid"]["3"]] == [p.employee]
        assert grid["talent_pool"] == [] and len(grid["development_group"]) == 1

        # the published career events name the appraisal event they derive from as their cause
        flips = await career.events(p.employee, "career.PromotionEligibilityChanged")
        after = [f for f in flips if f["causation_id"] == str(correction.event_id)]
        assert [json.loads(f["payload"])["eligible"] for f in after] == [False, False]
        assert json.loads(after[0]["payload"])["previous_eligible"] is True
        [box] = [b for b in await career.events(p.employee, "career.TalentBoxChanged")
                 if b["causation_id"] == str(correction.event_id)]
        assert (json.loads(box["payload"])["previous_box"], json.loads(box["payload"])["box"]) == (5, 3)
        [points] = [c for c in await career.events(p.employee, "career.CreditPointsCalculated")
                    if c["causation_id"] == str(correction.event_id)]
        assert json.loads(points["payload"])["points"]["amount"] == "9.38"

    async def test_a_redelivered_appraisal_event_has_no_second_effect(self, career: CareerClient,
                                                                      people: People) -> None:
        event = finalised(result("2025", B, employee_id=people.employee, office_id=people.office))
        await career.feed(event, event)
        marker = finalised(result("2026-Q1", B, employee_id=people.employee, office_id=people.office))
        await career.feed(marker)
        await career.handled(event.event_id, marker.event_id)
        recorded = await career.events(people.employee, "career.PerformanceRecorded")
        assert len(recorded) == 2

    async def test_a_pppk_missing_targets_is_flagged_for_the_contract_decision(self, career: CareerClient,
                                                                               people: People) -> None:
        event = finalised(result("2025", BP, employee_id=people.employee, office_id=people.office,
                                 employment=Employment.PPPK))
        await career.feed(event)
        await career.handled(event.event_id)
        page = await career.get(f"/employees/{people.employee}/career", people.hr)
        assert [(f["year"], f["flagged"]) for f in page["contract_review"]] == [(2025, True)]


class TestUnusableAppraisalEvents:
    async def test_events_the_service_cannot_use_go_to_the_dead_letter_topic_with_the_reason(
        self, career: CareerClient, people: People, kafka_bootstrap: str
    ) -> None:
        not_a_nip = finalised(result("2025", B, employee_id="12345", office_id=people.office))
        unknown = result("2025", BP, employee_id=people.employee, office_id=people.office)
        orphan = corrected(finalised(unknown), unknown, unknown, "koreksi atas hasil yang tidak pernah terbit")
        broken = seal(PendingEvent(event_type="evaluation.AppraisalFinalised", event_version=1,
                                   subject=people.employee, office_id=people.office,
                                   actor=Actor(id="evaluation", role="system"), correlation_id="c",
                                   payload={"result": {"employee_id": people.employee}}),
                      source="/kinerja/evaluation", stream_id="penilaian-x", stream_version=1,
                      prev_hash=GENESIS_HASH, recorded_at=datetime.now(UTC))
        await publish_envelopes(kafka_bootstrap, career.evaluation_topic, [not_a_nip, orphan, broken])
        await career.handled(not_a_nip.event_id, orphan.event_id, broken.event_id)

        rows = {r["event_id"]: r["reason"] for r in await career.fetch("SELECT event_id, reason FROM dead_letters")}
        assert "is not an NIP" in rows[str(not_a_nip.event_id)]
        assert "replaces unknown result event" in rows[str(orphan.event_id)]
        assert rows[str(broken.event_id)].startswith("invalid payload: result.")
        parked = {r.header("ce_id"): r for r in await read_topic(kafka_bootstrap, "kinerja.career.deadletter")}
        assert "replaces unknown result" in (parked[str(orphan.event_id)].header("kinerja_dlt_reason") or "")
        assert parked[str(orphan.event_id)].header("kinerja_dlt_topic") == career.evaluation_topic
        assert parked[str(orphan.event_id)].value == to_kafka(orphan).value
        assert await career.events(people.employee, "career.PerformanceRecorded") == []


class TestHrDataEntry:
    async def test_potential_outside_the_scale_is_refused_naming_the_field(self, career: CareerClient,
                                                                           people: People) -> None:
        response = await career.put(f"/offices/{people.office}/employees/{people.employee}/potential", people.hr,
                                    {"potential": "sangat_tinggi", "source": "AC", "assessed_on": "2025-01-01"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        [error] = response.json()["errors"]
        assert error["field"] == "potential"
        assert error["message"] == ("Potensi 'sangat_tinggi' tidak dikenal; pilih salah satu: tinggi, menengah, "
                                    "rendah")

    async def test_a_catalog_entry_for_an_unknown_value_is_refused(self, career: CareerClient,
                                                                   people: People) -> None:
        response = await career.put(f"/offices/{people.office}/training-catalog/JUJUR", people.hr,
                                    {"title": "Pelatihan Kejujuran", "trigger": "nilai", "value": "jujur",
                                     "hours": 8})
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "value" and "Nilai BerAKHLAK 'jujur' tidak dikenal" in error["message"]
        missing = await career.put(f"/offices/{people.office}/training-catalog/X", people.hr,
                                   {"title": "X", "trigger": "nilai", "hours": 8})
        assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "value"

    async def test_only_hr_of_the_office_enters_career_data(self, career: CareerClient, people: People) -> None:
        body = {"potential": "tinggi", "source": "AC", "assessed_on": "2025-01-01"}
        path = f"/offices/{people.office}/employees/{people.employee}/potential"
        assert (await career.put(path, people.me, body)).status_code == 403
        other_hr = career.token(HR_NIP, [Role.PENGELOLA_KEPEGAWAIAN], ["KANTOR-LAIN"])
        assert (await career.put(path, other_hr, body)).status_code == 403

    async def test_ranks_are_imported_as_csv_or_json_and_a_bad_row_is_named(self, career: CareerClient,
                                                                             people: People, unique: str) -> None:
        second = nip(unique[4:10], sex=2)
        csv_text = f"nip;golongan;pangkat;tmt\n{people.employee};III/c;Penata;2022-04-01\n{second};III/a;Penata Muda;2024-04-01\n"
        response = await career.client.post(f"/api/v1/offices/{people.office}/ranks/import", content=csv_text,
                                            headers={**people.hr, "content-type": "text/csv"})
        assert response.status_code == 200, response.text
        assert response.json() == {"office_id": people.office, "rows": 2, "changed": 2}
        bad = f"nip;golongan;pangkat;tmt\n{people.employee};III/c;Penata;2022-04-01\n{second};III/a;Penata Muda;1 April\n"
        response = await career.client.post(f"/api/v1/offices/{people.office}/ranks/import", content=bad,
                                            headers={**people.hr, "content-type": "text/csv"})
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "baris 3.tmt" and error["message"].endswith("harus berupa tanggal (YYYY-MM-DD)")
        response = await career.post(f"/offices/{people.office}/ranks/import", people.hr, {"rows": [
            {"employee_id": second, "grade": "III/b", "name": "Penata Muda Tingkat I", "tmt": "2026-04-01"},
            {"employee_id": people.employee, "grade": "IIIc", "name": "Penata", "tmt": "2022-04-01"}]})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "rows.1.grade"
        promotions = await career.get(f"/offices/{people.office}/promotions?as_of=2026-04-01", people.hr)
        reasons = {e["employee_id"]: e["reasons"] for e in promotions["not_eligible"]}
        assert reasons[second][0] == "Masa kerja dalam pangkat baru 2 tahun 0 bulan (minimal 4 tahun)"
        assert reasons[people.employee] == ["Belum ada predikat tahunan 2025", "Belum ada predikat tahunan 2024"]

    async def test_a_csv_import_names_every_bad_row_and_saves_none(self, career: CareerClient, people: People,
                                                                   unique: str) -> None:
        second, third = nip(unique[4:10], sex=2), nip(unique[2:8])
        # rows 3 and 4 are malformed: every one is named, not only the first
        bad = (f"nip;golongan;pangkat;tmt\n{people.employee};III/c;Penata;2022-04-01\n"
               f"{second};III/z;Penata Muda;2024-04-01\n{third};III/a;;1 April 2024\n")
        response = await career.client.post(f"/api/v1/offices/{people.office}/ranks/import", content=bad,
                                            headers={**people.hr, "content-type": "text/csv"})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["baris 3.golongan", "baris 4.pangkat",
                                                                   "baris 4.tmt"]
        assert "Golongan 'III/z' tidak dikenal" in response.json()["errors"][0]["message"]
        # well-formed rows the rules refuse (a TMT after today) are named by their line too, and nothing is saved
        future = (f"nip;golongan;pangkat;tmt\n{people.employee};III/c;Penata;2022-04-01\n"
                  f"{second};III/a;Penata Muda;2099-04-01\n{third};III/a;Penata Muda;2098-04-01\n")
        response = await career.client.post(f"/api/v1/offices/{people.office}/ranks/import", content=future,
                                            headers={**people.hr, "content-type": "text/csv"})
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert [e["field"] for e in errors] == ["baris 3.tmt", "baris 4.tmt"]
        assert errors[0]["message"] == f"Baris 3 ({second}): TMT pangkat 2099-04-01 belum berlaku (setelah hari ini)"
        listed = await career.client.get(f"/api/v1/offices/{people.office}/employees", headers=people.hr)
        assert listed.json() == []  # nothing half-saved: not even the good first row
        json_rows = await career.post(f"/offices/{people.office}/ranks/import", people.hr, {"rows": [
            {"employee_id": people.employee, "grade": "III/c", "name": "Penata", "tmt": "2022-04-01"},
            {"employee_id": second, "grade": "III/a", "name": "Penata Muda", "tmt": "2099-04-01"}]})
        assert json_rows.status_code == 422 and json_rows.json()["errors"][0]["field"] == "rows.1.tmt"


class TestOfficePersonnel:
    async def test_hr_reads_each_employees_rank_position_potential_and_box(self, career: CareerClient,
                                                                            people: People) -> None:
        await hr_setup(career, people, tmt="2021-10-01", potential="tinggi")
        roster = registered(people.employee, people.office, EVALUATOR)
        annual = finalised(result("2025", B, employee_id=people.employee, office_id=people.office))
        await career.feed(roster, topic=career.planning_topic)
        await career.feed(annual)
        await career.handled(roster.event_id, annual.event_id)
        response = await career.client.get(f"/api/v1/offices/{people.office}/employees", headers=people.hr)
        assert response.status_code == 200, response.text
        [me] = response.json()
        assert me["employee_id"] == people.employee and me["name"] == f"Pegawai {people.employee[-3:]}"
        assert me["rank"] == {"grade": "III/b", "name": "Penata Muda Tingkat I", "tmt": "2021-10-01"}
        assert me["functional_position"] == {"level": "ahli_pertama", "coefficient": "12.5", "effective_year": 2023}
        assert (me["talent"]["potential"], me["talent"]["potential_source"]) == ("tinggi", "Assessment Center BKN")
        assert me["talent"]["box"] == 8

    async def test_only_readers_of_the_office_see_its_personnel_data(self, career: CareerClient,
                                                                      people: People) -> None:
        path = f"/api/v1/offices/{people.office}/employees"
        assert (await career.client.get(path, headers=people.me)).status_code == 403
        other_hr = career.token(HR_NIP, [Role.PENGELOLA_KEPEGAWAIAN], ["KANTOR-LAIN"])
        assert (await career.client.get(path, headers=other_hr)).status_code == 403


class TestDevelopmentPlans:
    async def test_an_improvement_plan_with_coaching_is_tracked_on_the_career_page(
        self, career: CareerClient, people: People
    ) -> None:
        roster = registered(people.employee, people.office, EVALUATOR)
        weak = finalised(result("2025", BP, employee_id=people.employee, office_id=people.office))
        await career.feed(roster, topic=career.planning_topic)
        await career.feed(weak)
        await career.handled(roster.event_id, weak.event_id)
        body = {"employee_id": people.employee, "year": 2026, "kind": "perbaikan", "goals": ["Target RHK tercapai"],
                "activities": [{"title": "Pelatihan manajemen waktu", "type": "pelatihan", "hours_planned": 16}]}
        response = await career.post("/development-plans", people.evaluator, body)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "activities"
        assert "coaching" in response.json()["detail"]

        body["activities"].append({"title": "Coaching bulanan dengan atasan", "type": "coaching", "hours_planned": 8})
        response = await career.post("/development-plans", people.evaluator, body)
        assert response.status_code == 201, response.text
        plan = response.json()
        coaching = next(a for a in plan["activities"] if a["type"] == "coaching")
        progressed = await career.post(f"/development-plans/{plan['idp_id']}/activities/{coaching['activity_id']}"
                                       "/progress", people.me, {"hours_done": "8", "progress_percent": 100})
        assert progressed.status_code == 200, progressed.text
        assert progressed.json()["progress_percent"] == 33  # 8 of 24 planned hours done

        page = await career.get("/me/career", people.me)
        assert page["improvement_plan"]["idp_id"] == plan["idp_id"]
        assert [(d["kind"], d["progress_percent"]) for d in page["development_plans"]] == [("perbaikan", 33)]

    async def test_an_idp_for_another_offices_employee_is_refused(self, career: CareerClient,
                                                                   people: People) -> None:
        roster = registered(people.employee, people.office, EVALUATOR)
        await career.feed(roster, topic=career.planning_topic)
        await career.handled(roster.event_id)
        other_hr = career.token(HR_NIP, [Role.PENGELOLA_KEPEGAWAIAN], ["KANTOR-LAIN"])
        response = await career.post("/development-plans", other_hr, {
            "employee_id": people.employee, "year": 2026, "goals": ["Belajar"],
            "activities": [{"title": "Kursus", "type": "belajar_mandiri", "hours_planned": 4}]})
        assert response.status_code == 403
        [error] = response.json()["errors"]
        assert error["field"] == "employee_id" and "bukan pegawai kantor Anda" in error["message"]
        unknown = await career.post("/development-plans", people.hr, {
            "employee_id": nip(uuid.uuid4().hex[:6], sex=2), "year": 2026, "goals": ["Belajar"],
            "activities": [{"title": "Kursus", "type": "belajar_mandiri", "hours_planned": 4}]})
        assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "employee_id"

    async def test_another_employee_cannot_read_a_career_page(self, career: CareerClient, people: People) -> None:
        roster = registered(people.employee, people.office, EVALUATOR)
        await career.feed(roster, topic=career.planning_topic)
        await career.handled(roster.event_id)
        stranger = career.token("199505052020121001", [Role.PEGAWAI], [people.office])
        response = await career.client.get(f"/api/v1/employees/{people.employee}/career", headers=stranger)
        assert response.status_code == 403
        assert (await career.get(f"/employees/{people.employee}/career", people.evaluator))["known"] is True

    async def test_a_plan_is_revised_keeping_progress_and_the_catalog_can_be_changed(
        self, career: CareerClient, people: People
    ) -> None:
        roster = registered(people.employee, people.office, EVALUATOR)
        await career.feed(roster, topic=career.planning_topic)
        await career.handled(roster.event_id)
        created = await career.post("/development-plans", people.me, {
            "employee_id": people.employee, "year": 2026, "goals": ["Menguasai analisis data"],
            "activities": [{"title": "Pelatihan analisis data", "type": "pelatihan", "hours_planned": 20}]})
        assert created.status_code == 201, created.text
        plan = created.json()
        [training] = plan["activities"]
        done = await career.post(f"/development-plans/{plan['idp_id']}/activities/{training['activity_id']}/progress",
                                 people.me, {"hours_done": "10", "progress_percent": 50})
        assert done.json()["progress_percent"] == 50
        revised = await career.put(f"/development-plans/{plan['idp_id']}", people.evaluator, {
            "goals": ["Menguasai analisis data", "Membimbing rekan"], "reason": "tambah mentoring",
            "expected_version": 2, "activities": [
                {"activity_id": training["activity_id"], "title": "Pelatihan analisis data", "type": "pelatihan",
                 "hours_planned": 20},
                {"title": "Mentoring rekan baru", "type": "mentoring", "hours_planned": 20}]})
        assert revised.status_code == 200, revised.text
        assert revised.json()["progress_percent"] == 25 and revised.json()["version"] == 3
        stale = await career.put(f"/development-plans/{plan['idp_id']}", people.evaluator, {
            "goals": ["x"], "reason": "lama", "expected_version": 2,
            "activities": [{"title": "x", "type": "pelatihan", "hours_planned": 1}]})
        assert stale.status_code == 409

        entry = {"title": "Analisis Data", "trigger": "hasil_kerja", "hours": 16}
        assert (await career.put(f"/offices/{people.office}/training-catalog/DATA", people.hr, entry)).status_code == 200
        listed = (await career.client.get(f"/api/v1/offices/{people.office}/training-catalog",
                                          headers=people.me)).json()
        assert [(c["code"], c["trigger"], c["value"]) for c in listed] == [("DATA", "hasil_kerja", None)]
        removed = await career.client.delete(f"/api/v1/offices/{people.office}/training-catalog/DATA?reason=usang",
                                             headers=people.hr)
        assert removed.status_code == 200
        assert (await career.client.get(f"/api/v1/offices/{people.office}/training-catalog",
                                        headers=people.me)).json() == []
        again = await career.client.delete(f"/api/v1/offices/{people.office}/training-catalog/DATA",
                                           headers=people.hr)
        assert again.status_code == 404 and again.json()["errors"][0]["field"] == "code"
