"""The HTTP edge every service shares (issue 13), through the real services' HTTP APIs on real
PostgreSQL and Kafka: unstorable text (NUL) refused with the field named, body-size limits, token identity
and lifetime, integer bounds, a safe evidence-pack filename, problems documented in OpenAPI, and logs
that never hold a secret and never stall on an error."""

from __future__ import annotations

import io
import json
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
import structlog

import kinerja_kernel.http as kernel_http
from kinerja_kernel.auth import Role, mint_token
from kinerja_kernel.envelope import utcnow
from kinerja_kernel.infra.postgres import create_database
from kinerja_kernel.logging import configure_logging
from kinerja_kernel.testing.http import running_app
from kinerja_kernel.testing.office import nip
from kinerja_kernel.testing.plugin import TEST_JWT_SECRET
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

OFFICE = f"KANTOR-EDGE-{uuid.uuid4().hex[:6]}"
SALT = random.randrange(336 * 12)
HR = nip(1980, 1, salt=SALT)
AUDITOR = nip(1975, 2, salt=SALT)
STAFF = nip(1990, 3, salt=SALT)


def token(sub: Any, roles: list[str], offices: list[str] | None = None, **claims: Any) -> dict[str, str]:
    now = int(utcnow().timestamp())
    body = {"sub": sub, "roles": roles, "offices": offices or [OFFICE], "iss": "kinerja-dev", "aud": "kinerja",
            "iat": now, "exp": now + 3600, **claims}
    return {"Authorization": f"Bearer {jwt.encode({k: v for k, v in body.items() if v is not None}, TEST_JWT_SECRET)}"}


def person(user: str, *roles: Role, offices: list[str] | None = None) -> dict[str, str]:
    minted = mint_token(secret=TEST_JWT_SECRET, user_id=user, roles=roles, offices=offices or [OFFICE])
    return {"Authorization": f"Bearer {minted}"}


def assert_problem(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert body["detail"] and body["detail_en"], body
    assert field in [e["field"] for e in body.get("errors", [])], body
    return body


def settings(database_url: str, kafka_bootstrap: str, **extra: Any) -> PlanningSettings:
    return PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                            jwt_secret=TEST_JWT_SECRET, environment="test", **extra)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def planning(postgres_server_url: str, kafka_bootstrap: str) -> AsyncIterator[httpx.AsyncClient]:
    url = await create_database(postgres_server_url, f"edge_{uuid.uuid4().hex[:12]}")
    async with running_app(create_app(settings(url, kafka_bootstrap, max_body_bytes=64 * 1024,
                                               max_bulk_body_bytes=1024 * 1024))) as client:
        yield client


class TestUnstorableTextIsRefusedAtTheEdge:
    """Defect 4: NUL anywhere used to reach PostgreSQL and answer 500."""

    async def test_a_nul_in_a_json_body_names_the_field(self, planning: httpx.AsyncClient) -> None:
        body = {"name": "Budi\u0000", "unit_id": "UNIT", "position": "Analis", "position_type": "ja",
                "employment": "pns", "evaluator_id": None, "superior_id": None}
        response = await planning.put(f"/api/v1/offices/{OFFICE}/employees/{STAFF}", json=body,
                                      headers=person(HR, Role.PENGELOLA_KEPEGAWAIAN))
        problem = assert_problem(response, 422, "name")
        assert "NUL" in problem["errors"][0]["message"]

    async def test_a_nul_deep_in_a_json_body_names_the_path(self, planning: httpx.AsyncClient) -> None:
        body = {"rhk": {"title": "Layanan", "kind": "utama", "ikis": [{"description": "ok"}, {"description": "a\u0000"}]}}
        response = await planning.post(f"/api/v1/plans/{uuid.uuid4()}/rhks", json=body,
                                       headers=person(STAFF, Role.PEGAWAI))
        assert_problem(response, 422, "rhk.ikis.1.description")

    async def test_a_nul_in_a_query_string_names_the_parameter(self, planning: httpx.AsyncClient) -> None:
        response = await planning.get("/api/v1/audit/timeline?subject=%00", headers=person(AUDITOR, Role.AUDITOR))
        assert_problem(response, 422, "subject")

    async def test_a_nul_in_a_path_parameter_names_the_parameter(self, planning: httpx.AsyncClient) -> None:
        office = "K\u0000X"
        response = await planning.get("/api/v1/offices/K%00X/cascade?period_year=2026",
                                      headers=person(HR, Role.PENGELOLA_KEPEGAWAIAN, offices=[office]))
        assert_problem(response, 422, "office_id")

    async def test_a_nul_in_a_csv_body_is_refused(self, planning: httpx.AsyncClient) -> None:
        csv = f"iki_id;value;occurred_on;description\n{uuid.uuid4()};1;2026-02-01;rapat\x00\n"
        response = await planning.post(f"/api/v1/plans/{uuid.uuid4()}/realisation/import", content=csv.encode(),
                                       headers={**person(STAFF, Role.PEGAWAI), "Content-Type": "text/csv"})
        assert_problem(response, 422, "body")

    async def test_a_nul_in_a_form_value_names_the_field(self, planning: httpx.AsyncClient) -> None:
        response = await planning.post("/api/v1/plans", content=b"period_year=2026&approach=a%00b",
                                       headers={**person(STAFF, Role.PEGAWAI),
                                                "Content-Type": "application/x-www-form-urlencoded"})
        assert_problem(response, 422, "approach")

    async def test_an_unpaired_surrogate_is_refused_but_an_emoji_is_not(self, planning: httpx.AsyncClient) -> None:
        raw = b'{"name": "x\\ud800", "unit_id": "U", "position": "A", "position_type": "ja"}'
        headers = {**person(HR, Role.PENGELOLA_KEPEGAWAIAN), "Content-Type": "application/json"}
        response = await planning.put(f"/api/v1/offices/{OFFICE}/employees/{STAFF}", content=raw, headers=headers)
        assert_problem(response, 422, "name")
        fine = (b'{"name": "Budi \\ud83d\\ude00", "unit_id": "U", "position": "A", "position_type": "ja", '
                b'"employment": "pns", "superior_id": null, "evaluator_id": "' + HR.encode() + b'"}')
        response = await planning.put(f"/api/v1/offices/{OFFICE}/employees/{STAFF}", content=fine, headers=headers)
        assert response.status_code == 200, response.text


class TestBodySize:
    """Defect 9: bodies of any size used to be read and parsed before anything answered."""

    async def test_a_declared_length_above_the_limit_is_refused(self, planning: httpx.AsyncClient) -> None:
        body = {"name": "x" * 70_000, "unit_id": "U", "position": "A", "position_type": "ja"}
        response = await planning.put(f"/api/v1/offices/{OFFICE}/employees/{STAFF}", json=body,
                                      headers=person(HR, Role.PENGELOLA_KEPEGAWAIAN))
        problem = assert_problem(response, 413, "body")
        assert "KiB" in problem["detail"] and "bytes" in problem["detail_en"]

    async def test_a_chunked_body_is_cut_off_at_the_limit(self, planning: httpx.AsyncClient) -> None:
        sent = 0

        async def chunks() -> AsyncIterator[bytes]:
            nonlocal sent
            yield b'{"name": "'
            for _ in range(200):
                sent += 1
                yield b"x" * 1024
            yield b'"}'

        response = await planning.put(f"/api/v1/offices/{OFFICE}/employees/{STAFF}", content=chunks(),
                                      headers={**person(HR, Role.PENGELOLA_KEPEGAWAIAN),
                                               "Content-Type": "application/json"})
        assert_problem(response, 413, "body")
        assert sent < 100  # refused while streaming, not after reading everything

    async def test_a_bulk_route_has_its_larger_named_limit(self, planning: httpx.AsyncClient) -> None:
        entries = [{"iki_id": str(uuid.uuid4()), "value": "1", "occurred_on": "2026-02-01",
                    "description": "x" * 1000} for _ in range(200)]  # ~250 KB: above the default limit
        response = await planning.post(f"/api/v1/plans/{uuid.uuid4()}/realisation", json={"entries": entries},
                                       headers=person(STAFF, Role.PEGAWAI))
        assert response.status_code == 404, response.text  # read and handled: the plan does not exist
        response = await planning.post(f"/api/v1/plans/{uuid.uuid4()}/realisation",
                                       json={"entries": entries * 5}, headers=person(STAFF, Role.PEGAWAI))
        assert_problem(response, 413, "body")


class TestTokenIdentityAndLifetime:
    """Defect 7 (identity): empty or non-NIP subjects and century-long tokens used to be accepted (or 500)."""

    @pytest.mark.parametrize(("sub", "roles", "extra"), [
        ("", ["pegawai"], {}),
        ("budi", ["pegawai"], {}),
        ("12345", ["auditor"], {}),
        ("loket antrian", ["system"], {}),
        ("loket-antrian", ["system", "pegawai"], {}),
        (STAFF, ["pegawai"], {"exp": int(utcnow().timestamp()) + 100 * 365 * 86400}),
        (STAFF, ["pegawai"], {"iat": None}),
        (STAFF, ["pegawai"], {"iat": "x"}),
        (STAFF, "pegawai", {}),
    ], ids=["empty-sub", "name-as-sub", "short-number", "system-with-space", "system-and-person",
            "hundred-years", "no-iat", "iat-not-a-number", "roles-not-a-list"])
    async def test_is_refused_with_401(self, planning: httpx.AsyncClient, sub: str, roles: list[str],
                                       extra: dict[str, Any]) -> None:
        response = await planning.get("/api/v1/me/plans", headers=token(sub, roles, **extra))
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail_en"]

    async def test_a_person_with_an_nip_and_a_system_client_are_served(self, planning: httpx.AsyncClient) -> None:
        assert (await planning.get("/api/v1/me/plans", headers=token(STAFF, ["pegawai"]))).status_code == 200
        response = await planning.post("/api/v1/interactions", json={"interactions": []},
                                       headers=token("loket-antrian.kanreg:1", ["system"]))
        assert response.status_code == 422, response.text  # authenticated; the empty batch is what is refused

    async def test_the_lifetime_limit_is_a_setting(self) -> None:
        assert PlanningSettings(database_url="postgresql://x/y").jwt_max_lifetime_seconds == 12 * 3600
        minted = mint_token(secret=TEST_JWT_SECRET, user_id=STAFF, roles=[Role.PEGAWAI], offices=[OFFICE],
                            ttl=timedelta(hours=13))
        app = create_app(settings("postgresql://unused/x", "127.0.0.1:1", jwt_max_lifetime_seconds=14 * 3600))
        app.state.token_verifier.verify(minted)  # 13 h is within 14 h


class TestIntegerBounds:
    """Defect 7 (bounds): a period year of 99999999999 answered 500 and -5 was accepted."""

    @pytest.mark.parametrize("year", ["99999999999", "-5", "1999", "2101"])
    async def test_a_year_in_a_path_is_bounded(self, planning: httpx.AsyncClient, year: str) -> None:
        response = await planning.post(f"/api/v1/offices/{OFFICE}/periods/{year}/close", json={"reason": "akhir"},
                                       headers=person(HR, Role.PENGELOLA_KEPEGAWAIAN))
        assert_problem(response, 422, "period_year")

    @pytest.mark.parametrize("version", ["99999999999", "-1"])
    async def test_an_expected_version_is_bounded(self, planning: httpx.AsyncClient, version: str) -> None:
        response = await planning.delete(f"/api/v1/plans/{uuid.uuid4()}/rhks/{uuid.uuid4()}?expected_version={version}",
                                         headers=person(STAFF, Role.PEGAWAI))
        assert_problem(response, 422, "expected_version")


class TestEvidencePackFilename:
    """Defect 6: the download name was built from the unescaped subject."""

    @pytest.mark.parametrize("subject", ['a";filename="evil.exe', "北京-Ñandú", "a\x01b\x7fc", "x\r\nSet-Cookie: a=b"])
    async def test_the_content_disposition_is_safe(self, planning: httpx.AsyncClient, subject: str) -> None:
        response = await planning.get("/api/v1/audit/evidence-pack", params={"subject": subject},
                                      headers=person(AUDITOR, Role.AUDITOR))
        assert response.status_code == 200, response.text
        header = response.headers["content-disposition"]
        assert header.isascii() and header.isprintable(), header
        assert header.count("filename=") == 1 and "evil.exe\"" not in header
        fallback = header.split('filename="', 1)[1].split('"', 1)[0]
        assert all(c.isalnum() or c in "._-" for c in fallback), fallback
        encoded = header.split("filename*=UTF-8''", 1)[1]
        from urllib.parse import unquote
        assert unquote(encoded) == f"bukti-planning-{subject}.zip"


class TestOpenApiDocumentsProblems:
    """Defect 13: refusals were documented as FastAPI's HTTPValidationError in application/json, or not at all."""

    async def test_every_operation_documents_its_problems(self, planning: httpx.AsyncClient) -> None:
        schema = (await planning.get("/openapi.json")).json()
        assert "HTTPValidationError" not in json.dumps(schema)
        problem = schema["components"]["schemas"]["Problem"]
        assert {"type", "title", "status", "detail"} <= set(problem["required"])
        assert problem["properties"]["errors"]["items"]["$ref"] == "#/components/schemas/ProblemError"
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                codes = ["422"]
                if operation.get("security"):
                    codes += ["401", "403", "404", "409"]
                if method in {"post", "put", "patch", "delete"}:
                    codes.append("413")
                for code in codes:
                    content = operation["responses"][code]["content"]
                    assert list(content) == ["application/problem+json"], (method, path, code)
                    assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


class TestLogsHoldNoSecretAndDoNotStall:
    """Defect 5: an error rendered its traceback with local variables (~4 s) and logged bearer tokens."""

    @pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
    async def test_an_unhandled_error_with_a_token_in_scope(self, monkeypatch: pytest.MonkeyPatch,
                                                            json_logs: bool) -> None:
        out = io.StringIO()
        configure_logging(service="planning", json=json_logs, stream=out)
        monkeypatch.setattr(kernel_http, "log", structlog.get_logger("kinerja_kernel.http"))
        app = create_app(settings("postgresql://unused/x", "127.0.0.1:1"))
        headers = person(STAFF, Role.PEGAWAI)
        raw_token = headers["Authorization"].removeprefix("Bearer ")

        async def fails(authorization: str | None = None) -> None:
            webhook_secret = "whsec-" + uuid.uuid4().hex  # noqa: F841 - a secret in scope
            big = {str(i): list(range(20)) for i in range(50_000)}  # noqa: F841 - slow to render as locals
            structlog.get_logger("test").info("calling", authorization=f"Bearer {raw_token}",
                                              password="hunter2-hunter2", headers={"Authorization": "x"})
            raise RuntimeError(f"upstream refused Bearer {raw_token} (token {raw_token})")

        app.add_api_route("/boom", fails)
        try:
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
                started = time.perf_counter()
                response = await client.get("/boom", headers=headers)
                elapsed = time.perf_counter() - started
        finally:
            structlog.reset_defaults()
            logging.getLogger().handlers[:] = []
        logged = out.getvalue()
        assert response.status_code == 500
        assert "http.unhandled_error" in logged and "RuntimeError" in logged
        assert raw_token not in logged and raw_token.split(".")[1] not in logged
        assert "hunter2" not in logged and "whsec-" not in logged
        assert "[REDACTED]" in logged
        assert elapsed < 1.0, f"rendering the error took {elapsed:.2f} s"
