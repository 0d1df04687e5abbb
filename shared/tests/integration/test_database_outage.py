"""A database that goes down (issue 18): requests fail fast with a 503 problem and the service recovers
without a restart when PostgreSQL returns. A PostgreSQL server of its own (it is stopped mid-test)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from kinerja_kernel.db import Database
from kinerja_kernel.http import PROBLEM_JSON, install_http_edge
from kinerja_kernel.infra.postgres import EmbeddedPostgres


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(Path(tmp_path_factory.mktemp("outage-postgres")))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def app_and_db(own_postgres: EmbeddedPostgres) -> AsyncIterator[tuple[FastAPI, Database]]:
    db = await Database.connect(own_postgres.url, min_size=1, max_size=2)
    app = FastAPI()
    install_http_edge(app)

    @app.get("/count")
    async def count() -> dict[str, int]:
        async with db.connection() as conn:
            return {"value": int(await conn.fetchval("SELECT 41 + 1"))}

    yield app, db
    await db.close()


@pytest.mark.asyncio(loop_scope="session")
async def test_a_database_outage_is_a_503_and_the_service_recovers_when_it_returns(
        own_postgres: EmbeddedPostgres, app_and_db: tuple[FastAPI, Database]) -> None:
    app, _ = app_and_db
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                 base_url="http://service") as client:
        assert (await client.get("/count")).json() == {"value": 42}

        own_postgres.stop()
        started = time.monotonic()
        down = await client.get("/count")
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith(PROBLEM_JSON)
        assert down.headers["retry-after"].isdigit()
        assert "tidak dapat dihubungi" in down.json()["detail"]
        assert time.monotonic() - started < 10  # fails fast, not after a minute's timeout

        own_postgres.start()
        assert (await client.get("/count")).json() == {"value": 42}  # the same pool, no restart
