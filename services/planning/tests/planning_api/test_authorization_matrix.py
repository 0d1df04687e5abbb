"""Every planning operation (from its OpenAPI) as no token, a foreign office's token held by the target's
evaluator (each role) and a stranger of the same office: none answers with office A's or the target's data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from kinerja_kernel.testing.authz_matrix import Matrix, callers
from kinerja_kernel.testing.http import running_app
from kinerja_kernel.testing.office import UnitDriver, nip
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

YEAR = 2026
PDF = b"%PDF-1.7\n% bukti dukung\n%%EOF\n"
BOUNDARY = "kinerja-matrix"
MULTIPART = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lain.pdf\"\r\n"
             f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + b"lain\r\n" + f"--{BOUNDARY}--\r\n".encode()


@pytest_asyncio.fixture(loop_scope="session")
async def matrix(database_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str, tmp_path: Path
                 ) -> AsyncIterator[tuple[Matrix, UnitDriver]]:
    app = create_app(PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                      jwt_secret=jwt_secret, environment="test", blob_dir=str(tmp_path / "blobs")))
    async with running_app(app) as client:
        unit = UnitDriver(client, jwt_secret, office_id=f"KANREG-{unique[:6].upper()}", unit_id="BIDANG-MUTASI",
                          year=YEAR, staff=1, seed=int(unique[:2], 16) % 9)
        await unit.register()
        await unit.approve_plans(rhks_per_person=1)
        target = unit.staff[0]
        await unit.realise(target, "3", f"{YEAR}-02-10", "https://example.org/bukti/1")
        uploaded = await client.post(f"/api/v1/plans/{target.plan_id}/evidence", headers=target.headers,
                                     files={"file": ("bukti.pdf", PDF, "application/pdf")})
        assert uploaded.status_code == 201, uploaded.text
        sha256 = uploaded.json()["sha256"]
        cited = await client.post(f"/api/v1/plans/{target.plan_id}/realisation", headers=target.headers, json={
            "entries": [{"iki_id": (await client.get(f"/api/v1/plans/{target.plan_id}", headers=target.headers)
                                    ).json()["rhks"][0]["ikis"][0]["iki_id"], "value": "1",
                         "occurred_on": f"{YEAR}-02-12", "description": "Notulen",
                         "evidence": [{"kind": "file", "sha256": sha256}]}]})
        assert cited.status_code == 201, cited.text
        progress = (await client.get(f"/api/v1/plans/{target.plan_id}/realisation", headers=target.headers)).json()
        plan = (await client.get(f"/api/v1/plans/{target.plan_id}", headers=target.headers)).json()
        iki_id = plan["rhks"][0]["ikis"][0]["iki_id"]
        document = await client.get(f"/api/v1/plans/{target.plan_id}/document", headers=target.headers)
        assert document.status_code == 200, document.text
        appointed = await client.post(f"/api/v1/offices/{unit.office_id}/acting-appointments", headers=unit.hr.headers,
                                      json={"absent_id": unit.head.nip, "acting_id": unit.leader.nip, "kind": "plh",
                                            "starts_on": f"{YEAR}-03-01", "ends_on": f"{YEAR}-03-10",
                                            "reason": "Cuti"})
        assert appointed.status_code == 201, appointed.text
        values = {"appointment_id": appointed.json()["appointment_id"], "office_id": unit.office_id, "employee_id": target.nip, "plan_id": target.plan_id,
                  "rhk_id": target.rhk_ids[0], "entry_id": progress["entries"][0]["entry_id"], "iki_id": iki_id,
                  "period_year": YEAR, "unit_id": unit.unit_id, "subject": target.nip,
                  "stream_id": f"skp-{target.plan_id}", "service_type": "layanan", "interaction_id": target.plan_id,
                  "evaluator_id": unit.head.nip, "superior_id": unit.leader.nip, "sha256": sha256,
                  "code": document.headers["x-kinerja-document-code"]}
        yield Matrix(app, client, values, exempt={
            "GET /api/v1/documents/{code}/verification": "public by design (anyone holding a printed SKP checks "
            "it); answers no NIP, office or stream: test_documents_api.py asserts it"}, raw={
            "POST /api/v1/plans/{plan_id}/evidence": (f"multipart/form-data; boundary={BOUNDARY}", MULTIPART),
            "POST /api/v1/plans/{plan_id}/realisation/import": (
                "text/csv", f"iki_id,value,occurred_on,description\n{iki_id},1,{YEAR}-02-11,Laporan\n".encode()),
            "POST /api/v1/offices/{office_id}/roster/import": ("application/json", json.dumps({"rows": [{
                "employee_id": target.nip, "name": target.name, "unit_id": unit.unit_id, "position": "Analis",
                "position_type": "ja", "employment": "pns", "evaluator_id": unit.head.nip,
                "superior_id": unit.leader.nip}]}).encode()),
        }, bodies={"POST /api/v1/plans": {"period_year": YEAR},
                   "POST /api/v1/offices/{office_id}/acting-appointments": {
                       "absent_id": unit.head.nip, "acting_id": unit.leader.nip, "kind": "plt",
                       "starts_on": f"{YEAR}-04-01", "ends_on": f"{YEAR}-04-10", "reason": "Dinas luar"},
                   "POST /api/v1/offices/{office_id}/acting-appointments/{appointment_id}/end": {
                       "reason": "Kembali"}}), unit


async def test_no_operation_answers_with_another_office_or_persons_data(
        matrix: tuple[Matrix, UnitDriver], jwt_secret: str) -> None:
    m, unit = matrix
    target = unit.staff[0]
    who = callers(jwt_secret, office_a=unit.office_id, office_b="KANREG-LAIN", relation_nip=unit.head.nip,
                  stranger_nip=nip(1995, 777, salt=5),
                  person_markers=[target.nip, str(target.plan_id), *target.rhk_ids],
                  office_markers=[str(unit.head.plan_id)])
    failures = await m.run(who)
    assert not failures, "\n".join(failures)
