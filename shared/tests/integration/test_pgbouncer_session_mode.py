"""The services' database use through PgBouncer in session mode, the pooling the README recommends.

What a service needs of its connections: migrations under ``pg_advisory_lock``, asyncpg's prepared statements,
transaction-scoped per-stream locks in the event store, and one relay leading per database by a session-level
advisory lock held on its own connection. All of it here goes through a real PgBouncer (``pool_mode =
session``, Debian's package, installed by ``deploy/local/setup.sh``) to real PostgreSQL, and the relays publish
to real Kafka.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.infra.postgres import SYSTEM_USER, create_database, free_port
from kinerja_kernel.kafka import TopicSpec, ensure_topics, idempotent_producer
from kinerja_kernel.outbox import OutboxRelay
from kinerja_kernel.testing.kafka_helpers import read_topic

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


def _binary() -> str | None:
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/sbin")


@pytest.fixture
def pgbouncer(postgres_server_url: str) -> Iterator[str]:
    """A PgBouncer in session mode in front of the test server; yields its host:port."""
    binary = _binary()
    if binary is None:
        pytest.skip("pgbouncer is not installed (deploy/local/setup.sh installs it)")
    server = urlsplit(postgres_server_url)
    folder = Path(tempfile.mkdtemp(prefix="kinerja-pgbouncer-"))
    folder.chmod(0o777)  # PgBouncer refuses to run as root: an unprivileged user writes its log here
    port = free_port()
    (folder / "users.txt").write_text(f'"{server.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
* = host={server.hostname} port={server.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
pool_mode = session
max_client_conn = 200
default_pool_size = 20
logfile = {folder}/pgbouncer.log
""")
    for item in folder.iterdir():
        item.chmod(0o644)
    user = None
    if os.geteuid() == 0:
        user = SYSTEM_USER if _user_exists(SYSTEM_USER) else "nobody"
    process = subprocess.Popen([binary, str(folder / "pgbouncer.ini")], user=user, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while "listening on 127.0.0.1" not in _read(folder / "pgbouncer.log"):
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode() if process.stderr and process.poll() is not None else ""
                raise RuntimeError(f"pgbouncer did not start: {stderr}{_read(folder / 'pgbouncer.log')[-2000:]}")
            time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


@contextlib.asynccontextmanager
async def pool(url: str) -> AsyncIterator[Database]:
    db = await Database.connect(url, min_size=1, max_size=2)
    try:
        yield db
    finally:
        await db.close()


def pending(n: int, subject: str) -> PendingEvent:
    return PendingEvent(event_type="test.Counted", event_version=1, subject=subject, office_id="KANTOR-A",
                        actor=Actor(id="tester", role="system"), correlation_id="corr", payload={"n": n})


async def test_migrations_event_store_and_one_relay_leading_work_through_pgbouncer_in_session_mode(
        pgbouncer: str, postgres_server_url: str, kafka_bootstrap: str, unique: str) -> None:
    direct = await create_database(postgres_server_url, f"bouncer_{unique}")
    parts = urlsplit(direct)
    through = parts._replace(netloc=f"{parts.username}@{pgbouncer}").geturl()

    db = await Database.connect(through, min_size=2, max_size=6)
    try:
        async def migrate_once() -> None:
            async with db.connection() as conn:
                await migrate(conn, KERNEL_MIGRATIONS)  # under pg_advisory_lock: concurrent starts wait

        await asyncio.gather(migrate_once(), migrate_once())
        store = PostgresEventStore(db, source="/kinerja/test")

        async def writer(w: int) -> None:  # prepared statements and per-stream transaction locks
            for version in range(20):
                await store.append(f"s-{w}", version, [pending(version, subject=f"emp-{w}")])

        await asyncio.gather(*(writer(w) for w in range(4)))
    finally:
        await db.close()

    topic = f"test.bouncer.{unique}"
    await ensure_topics(kafka_bootstrap, [TopicSpec(topic, partitions=3)])
    producer = idempotent_producer(kafka_bootstrap, client_id=f"bouncer-{unique}")
    await producer.start()
    relays = [OutboxRelay(dsn=through, producer=producer, topic=topic, name=f"r-{unique}", idle_interval=0.01,
                          standby_interval=0.2) for _ in range(2)]
    stops = [asyncio.Event() for _ in relays]
    tasks = [asyncio.create_task(r.run(s)) for r, s in zip(relays, stops, strict=True)]
    try:
        async with asyncio.timeout(60):
            while sum(r.published for r in relays) < 80:
                await asyncio.sleep(0.05)
        leaders = [r for r in relays if r.is_leader]
        assert len(leaders) == 1 and all(r.connected for r in relays)  # the session lock elects exactly one
        standby = next(r for r in relays if r is not leaders[0])
        assert standby.published == 0

        first = relays.index(leaders[0])
        stops[first].set()  # the leader stops: its server connection, and with it the lock, is released
        await tasks[first]
        async with asyncio.timeout(30):
            while not standby.is_leader:
                await asyncio.sleep(0.05)
        async with pool(through) as more:  # the first pool is closed: the relays run on their own connections
            await PostgresEventStore(more, source="/kinerja/test").append("s-after", 0, [pending(1, "emp-x")])
        async with asyncio.timeout(30):
            while standby.published < 1:
                await asyncio.sleep(0.05)
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*tasks)
        await producer.stop()

    records = await read_topic(kafka_bootstrap, topic)
    ids = [r.header("ce_id") for r in records]
    assert len(set(ids)) == 81 and len(ids) == 81  # every event once: the standby never published meanwhile
    for w in range(4):
        mine = sorted((r for r in records if r.key == f"emp-{w}".encode()), key=lambda r: r.offset)
        assert [int(r.header("ce_streamversion") or 0) for r in mine] == list(range(1, 21))
