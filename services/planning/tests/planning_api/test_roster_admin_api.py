"""HR's roster work on real PostgreSQL and Kafka: the roster import (every bad row named, all or nothing, the
same rows again record nothing) and acting officials (a Plt approves an SKP during the appointment, recording
both names; refused before, after and once ended early)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import openpyxl
import pytest
import pytest_asyncio

from kinerja_kernel.auth import Role
from kinerja_kernel.infra.postgres import create_database
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.office import Person, UnitDriver, nip, rhk_body
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
YEAR = 2026


def today_wib() -> datetime:
    return datetime.now(UTC) + timedelta(hours=7)


@pytest_asyncio.fixture(loop_scope="session")
async def unit(postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str
               ) -> AsyncIterator[UnitDriver]:
    settings = PlanningSettings(database_url=await create_database(postgres_server_url, f"plr_{unique}"),
                                kafka_bootstrap_servers=kafka_bootstrap, jwt_secret=jwt_secret, environment="test")
    async with running_app(create_app(settings)) as client:
        driver = UnitDriver(client, jwt_secret, office_id=f"KANREG-{unique[:6].upper()}", unit_id="BIDANG-MUTASI",
                            year=YEAR, staff=2, seed=int(unique[:2], 16) % 9)
        await driver.register()
        yield driver


async def call(u: UnitDriver, method: str, path: str, who: Person, body: Any = None, **kw: Any) -> httpx.Response:
    return await u.planning.request(method, f"/api/v1{path}", headers={**who.headers, **kw.pop("headers", {})},
                                    json=body, **kw)


def row(employee_id: str, evaluator: str | None, superior: str | None, **extra: Any) -> dict[str, Any]:
    return {"employee_id": employee_id, "name": f"Pegawai {employee_id[-3:]}", "unit_id": "BIDANG-MUTASI",
            "position": "Analis", "position_type": "ja", "employment": "pns", "evaluator_id": evaluator,
            "superior_id": superior, **extra}


class TestRosterImport:
    async def test_a_file_with_bad_rows_names_each_and_saves_nothing_then_the_fixed_file_is_saved_once(
        self, unit: UnitDriver
    ) -> None:
        office, head, leader = unit.office_id, unit.head.nip, unit.leader.nip
        new_a, new_b = nip(1991, 501, salt=7), nip(1992, 502, 2, salt=7)
        before = (await call(unit, "GET", f"/offices/{office}/employees", unit.hr)).json()
        csv_bad = ("nip;nama;unit;jabatan;jenis_jabatan;status;nip_penilai;nip_atasan\n"
                   f"{new_a};Sari;BIDANG-MUTASI;Analis;ja;pns;{head};{leader}\n"
                   f"{new_b};Tono;BIDANG-MUTASI;Analis;jabatan;pns;{head};{leader}\n"
                   f"199313131993011001;Rudi;BIDANG-MUTASI;Analis;ja;pns;;\n")
        refused = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr,
                             content=csv_bad.encode(), headers={"Content-Type": "text/csv"})
        assert refused.status_code == 422, refused.text
        fields = [e["field"] for e in refused.json()["errors"]]
        assert "baris 3.jenis_jabatan" in fields and "baris 4.nip" in fields
        assert (await call(unit, "GET", f"/offices/{office}/employees", unit.hr)).json() == before

        # shape fine, rules broken: a JA without evaluator, an evaluator on no roster, a duplicate NIP
        stranger = nip(1950, 777, salt=3)
        body = {"rows": [row(new_a, head, leader), row(new_b, None, None), row(new_a, head, leader),
                         row(nip(1993, 503, salt=7), stranger, leader)]}
        refused = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, body)
        assert refused.status_code == 422
        errors = {e["field"]: e["message"] for e in refused.json()["errors"]}
        assert set(errors) == {"rows.1.evaluator_id", "rows.2.employee_id", "rows.3.evaluator_id"}
        assert "wajib memiliki pejabat penilai" in errors["rows.1.evaluator_id"]
        assert errors["rows.3.evaluator_id"].startswith("Baris 4") and "tidak ada di roster" in errors[
            "rows.3.evaluator_id"]
        assert (await call(unit, "GET", f"/offices/{office}/employees", unit.hr)).json() == before

        good = {"rows": [row(new_a, head, leader), row(new_b, new_a, head)], "reason": "Impor awal"}
        saved = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, good)
        assert saved.status_code == 200, saved.text
        assert (saved.json()["changed"], saved.json()["unchanged"]) == (2, 0)
        again = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, good)
        assert (again.json()["changed"], again.json()["unchanged"]) == (0, 2)
        roster = {r["employee_id"]: r for r in (await call(unit, "GET", f"/offices/{office}/employees",
                                                            unit.hr)).json()}
        assert roster[new_b]["evaluator_id"] == new_a and roster[new_b]["superior_id"] == head

    async def test_an_xlsx_file_is_checked_like_the_csv_then_saved_and_a_file_that_is_no_workbook_is_refused(
        self, unit: UnitDriver
    ) -> None:
        office, head, leader = unit.office_id, unit.head.nip, unit.leader.nip
        new_a, new_b = nip(1991, 511, salt=8), nip(1992, 512, 2, salt=8)
        before = (await call(unit, "GET", f"/offices/{office}/employees", unit.hr)).json()
        header = ["nip", "nama", "unit", "jabatan", "jenis_jabatan", "status", "nip_penilai", "nip_atasan"]
        bad = xlsx([header, [new_a, "Sari", "BIDANG-MUTASI", "Analis", "ja", "pns", head, leader],
                    [new_b, "Tono", "BIDANG-MUTASI", "Analis", "jabatan", "pns", head, leader],
                    [int(new_a), "Angka", "BIDANG-MUTASI", "Analis", "ja", "pns", head, None]])
        refused = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, content=bad,
                             headers={"Content-Type": XLSX})
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json"), refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["baris 4.nip"], refused.text  # lost digits
        assert "Teks" in refused.json()["errors"][0]["message"]
        bad = xlsx([header, [new_a, "Sari", "BIDANG-MUTASI", "Analis", "ja", "pns", head, leader],
                    [new_b, "Tono", "BIDANG-MUTASI", "Analis", "jabatan", "pns", head, leader]])
        refused = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, content=bad,
                             headers={"Content-Type": XLSX})
        assert [e["field"] for e in refused.json()["errors"]] == ["baris 3.jenis_jabatan"]
        assert (await call(unit, "GET", f"/offices/{office}/employees", unit.hr)).json() == before

        good = xlsx([header, [new_a, "Sari", "BIDANG-MUTASI", "Analis", "JA", "PNS", head, leader], [None] * 8,
                     [new_b, "Tono", "BIDANG-MUTASI", "Pranata", "jf", "pppk", new_a, None]])
        saved = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, content=good,
                           headers={"Content-Type": XLSX})
        assert saved.status_code == 200, saved.text
        assert (saved.json()["changed"], saved.json()["unchanged"]) == (2, 0)
        again = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr, content=good,
                           headers={"Content-Type": XLSX})
        assert (again.json()["changed"], again.json()["unchanged"]) == (0, 2)
        roster = {r["employee_id"]: r for r in (await call(unit, "GET", f"/offices/{office}/employees",
                                                            unit.hr)).json()}
        assert (roster[new_b]["evaluator_id"], roster[new_b]["superior_id"]) == (new_a, None)
        assert roster[new_b]["employment"] == "pppk"

        for not_a_workbook in (b"nip;nama\n1;2\n", b"PK\x03\x04broken", _zip_without_workbook()):
            refused = await call(unit, "POST", f"/offices/{office}/roster/import", unit.hr,
                                 content=not_a_workbook, headers={"Content-Type": XLSX})
            assert refused.status_code == 422, refused.text
            problem = refused.json()
            assert problem["errors"][0]["field"] == "file" and "XLSX" in problem["detail"] and problem["detail_en"]

    async def test_only_hr_of_the_office_imports(self, unit: UnitDriver, jwt_secret: str) -> None:
        body = {"rows": [row(nip(1991, 601, salt=9), unit.head.nip, unit.leader.nip)]}
        as_head = await call(unit, "POST", f"/offices/{unit.office_id}/roster/import", unit.head, body)
        assert as_head.status_code == 403
        other = Person(unit.hr.nip, "HR lain", bearer(jwt_secret, unit.hr.nip, [Role.PENGELOLA_KEPEGAWAIAN],
                                                      ["KANTOR-LAIN"]))
        assert (await call(unit, "POST", f"/offices/{unit.office_id}/roster/import", other, body)).status_code == 403


class TestActingOfficials:
    async def test_a_plt_approves_during_the_appointment_recording_both_and_is_refused_once_it_ended(
        self, unit: UnitDriver
    ) -> None:
        office, leader, head = unit.office_id, unit.leader, unit.head
        plt = unit.staff[0]  # a staff member without the evaluator's role acts for the head's evaluator
        created = await call(unit, "POST", "/plans", head, {"period_year": YEAR})
        plan_id = created.json()["plan_id"]
        agreement = {"source": {"kind": "perjanjian_kinerja", "reference": "PK Kepala Bidang"}}
        assert (await call(unit, "POST", f"/plans/{plan_id}/rhks", head, rhk_body("RHK Kabid", **agreement)
                           )).status_code == 201
        assert (await call(unit, "POST", f"/plans/{plan_id}/submit", head, {})).status_code == 200

        before_appointment = await call(unit, "POST", f"/plans/{plan_id}/approve", plt, {})
        assert before_appointment.status_code == 403
        today = today_wib().date()
        past = await call(unit, "POST", f"/offices/{office}/acting-appointments", unit.hr, {
            "absent_id": leader.nip, "acting_id": plt.nip, "kind": "plh", "starts_on": str(today - timedelta(10)),
            "ends_on": str(today - timedelta(1)), "reason": "Cuti tahunan"})
        assert past.status_code == 201, past.text
        assert (await call(unit, "POST", f"/plans/{plan_id}/approve", plt, {})).status_code == 403

        appointed = await call(unit, "POST", f"/offices/{office}/acting-appointments", unit.hr, {
            "absent_id": leader.nip, "acting_id": plt.nip, "kind": "plt", "starts_on": str(today),
            "ends_on": str(today + timedelta(30)), "reason": "Kepala kantor dinas luar", "decree_number": "SP-1"})
        assert appointed.status_code == 201, appointed.text
        team = (await call(unit, "GET", f"/team/plans?period_year={YEAR}", plt)).json()
        assert {(m["employee_id"], m["on_behalf_of"]) for m in team} == {(head.nip, leader.nip),
                                                                          (unit.hr.nip, leader.nip)}
        approved = await call(unit, "POST", f"/plans/{plan_id}/approve", plt, {})
        assert approved.status_code == 200, approved.text
        view = (await call(unit, "GET", f"/plans/{plan_id}", plt)).json()
        assert (view["approved_by"], view["approved_on_behalf_of"]) == (plt.nip, leader.nip)
        assert view["approved_acting_kind"] == "plt"
        [mine] = (await call(unit, "GET", "/me/acting-appointments", plt)).json()
        assert (mine["absent_id"], mine["absent_name"], mine["kind"], mine["status"]) == (
            leader.nip, leader.name, "plt", "aktif")
        assert (await call(unit, "GET", "/me/acting-appointments", head)).json() == []
        assert view["people"][plt.nip]["name"] == plt.name and view["people"][leader.nip]["name"] == leader.name

        listed = (await call(unit, "GET", f"/offices/{office}/acting-appointments", unit.hr)).json()
        current = next(a for a in listed if a["status"] == "aktif")
        assert (current["acting_name"], current["absent_name"], current["kind"]) == (plt.name, leader.name, "plt")

        path = f"/offices/{office}/acting-appointments/{current['appointment_id']}/end"
        ended = await call(unit, "POST", path, unit.hr, {"reason": "Kepala kantor kembali"})
        assert ended.status_code == 200 and ended.json()["version"] == 2
        same = await call(unit, "POST", path, unit.hr, {"reason": "Kepala kantor kembali",
                                                          "ends_on": str(today - timedelta(1))})
        assert same.json()["version"] == 2  # the same end again records nothing
        assert (await call(unit, "GET", f"/team/plans?period_year={YEAR}", plt)).json() == []
        assert (await call(unit, "GET", f"/plans/{plan_id}", plt)).status_code == 403

    async def test_a_plh_sends_a_realisation_entry_back_in_the_evaluators_place_recording_both(
        self, unit: UnitDriver
    ) -> None:
        # given an approved SKP whose evaluator is the unit head, and an entry of today
        await unit.approve_plans(rhks_per_person=1)
        staff, plh, head = unit.staff[0], unit.staff[1], unit.head
        today = today_wib().date()
        await unit.realise(staff, "2", str(today), "https://arsip.example/laporan")
        progress = (await call(unit, "GET", f"/plans/{staff.plan_id}/realisation", staff)).json()
        entry_id = progress["entries"][0]["entry_id"]
        url = f"/plans/{staff.plan_id}/realisation/{entry_id}/return"
        body = {"reason": "Lampirkan daftar hadir"}

        # a colleague who acts for nobody is refused naming the evaluator, nothing recorded
        refused = await call(unit, "POST", url, plh, body)
        assert refused.status_code == 403, refused.text
        assert refused.json()["errors"][0]["field"] == "evaluator_id"
        assert (await call(unit, "GET", f"/plans/{staff.plan_id}/realisation", plh)).status_code == 403

        # when HR records them as Plh of the head from today
        appointed = await call(unit, "POST", f"/offices/{unit.office_id}/acting-appointments", unit.hr, {
            "absent_id": head.nip, "acting_id": plh.nip, "kind": "plh", "starts_on": str(today),
            "ends_on": str(today + timedelta(3)), "reason": "Kepala bidang cuti"})
        assert appointed.status_code == 201, appointed.text

        # then the Plh reads the realisation and sends the entry back; the entry names both
        assert (await call(unit, "GET", f"/plans/{staff.plan_id}/realisation", plh)).status_code == 200
        returned = await call(unit, "POST", url, plh, body)
        assert returned.status_code == 200, returned.text
        view = (await call(unit, "GET", f"/plans/{staff.plan_id}/realisation", staff)).json()["entries"][0]
        assert view["status"] == "returned"
        assert (view["returned"]["by"], view["returned"]["on_behalf_of"]) == (plh.nip, head.nip)
        again = await call(unit, "POST", url, plh, body)
        assert again.status_code == 409  # already sent back: nothing recorded twice

    async def test_bad_appointments_are_refused_naming_the_field(self, unit: UnitDriver) -> None:
        today = today_wib().date()
        base = {"absent_id": unit.head.nip, "acting_id": unit.staff[1].nip, "kind": "plh", "starts_on": str(today),
                "ends_on": str(today + timedelta(5)), "reason": "Cuti"}
        path = f"/offices/{unit.office_id}/acting-appointments"
        for change, field in (({"acting_id": unit.head.nip}, "acting_id"),
                              ({"ends_on": str(today - timedelta(1))}, "ends_on"),
                              ({"absent_id": nip(1950, 888, salt=1)}, "absent_id"),
                              ({"kind": "pj"}, "kind")):
            refused = await call(unit, "POST", path, unit.hr, {**base, **change})
            assert refused.status_code == 422, refused.text
            assert refused.json()["errors"][0]["field"] == field
            assert refused.json()["errors"][0]["message"]
        assert (await call(unit, "POST", path, unit.head, base)).status_code == 403
        listed = (await call(unit, "GET", path, unit.hr)).json()
        assert all(a["absent_id"] != unit.head.nip for a in listed)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook whose first sheet holds these rows, as a spreadsheet program saves it."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()
