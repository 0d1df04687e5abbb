"""The transparency proof a document carries (issue 16, kinerja_kernel.documents.inclusion) on real
PostgreSQL: proven against a witnessed checkpoint, pending after it, not witnessed for an unknown witness
key, and not proven once a superuser changes a proven event's hash."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.documents.inclusion import LogKeys, Proven, prove
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.transparency.note import COSIGNATURE_V1, Signer
from kinerja_kernel.transparency.proofs import check_bundle
from kinerja_kernel.transparency.service import TransparencyLog, WitnessConfig
from kinerja_kernel.transparency.store import TRANSPARENCY_MIGRATIONS, MerkleLog
from kinerja_kernel.transparency.witness import Witness, witness_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

LOG_KEY = Signer.generate("kinerja.test/documents")
WITNESS_KEY = Signer.generate("witness.test/documents", COSIGNATURE_V1)


@pytest_asyncio.fixture(loop_scope="session")
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(database_url, min_size=1, max_size=2)
    async with database.connection() as conn:
        await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
    yield database
    await database.close()


async def _write(store: PostgresEventStore, stream: str, count: int) -> list[str]:
    ids = []
    for n in range(count):
        version = len(await store.read_stream(stream))
        stored = await store.append(stream, version, [PendingEvent(
            event_type="test.Noted", event_version=1, subject="199001012020011001", office_id="kantor-a",
            actor=Actor(id="199001012020011002", role="pegawai"), correlation_id="c", payload={"n": n})])
        ids.append(str(stored[0].event_id))
    return ids


async def test_a_documents_events_are_proven_pending_or_not(db: Database, database_url: str,
                                                            tmp_path: Path) -> None:
    store = PostgresEventStore(db, source="/kinerja/test")
    keys = LogKeys(LOG_KEY.verifier, WITNESS_KEY.verifier)
    first = await _write(store, "skp-a", 3) + await _write(store, "pegawai-a", 2)
    assert await prove(db, first, keys) is None  # no checkpoint yet: the document says so

    witness = Witness(WITNESS_KEY, [LOG_KEY.verifier], tmp_path / "witness.json")
    log = TransparencyLog(dsn=database_url, signer=LOG_KEY, producer=None, topic="unused",
                          witness=WitnessConfig("http://witness.test", WITNESS_KEY.verifier), checkpoint_interval=0)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=witness_app(witness)), base_url="http://witness.test")
    async with db.connection() as conn, client:
        await log.step(conn, await MerkleLog.load(conn), client, final=True)
    later = await _write(store, "skp-a", 1)

    sources = [first[2], first[4], later[0]]
    proof = await prove(db, sources, keys)
    assert proof is not None and proof.tree_size == 5 and proof.signed and proof.witnessed
    assert proof.witness == WITNESS_KEY.name and proof.origin == LOG_KEY.name
    assert [(e.event_id, e.status) for e in proof.events] == [
        (first[2], Proven.PROVEN), (first[4], Proven.PROVEN), (later[0], Proven.PENDING)]
    assert not proof.complete and proof.status_of(first[4]) is not None
    assert check_bundle(proof.bundle, LOG_KEY.verifier, WITNESS_KEY.verifier).ok  # what the PDF embeds
    assert proof.bundle["witness_key"] == WITNESS_KEY.verifier.vkey

    stranger = Signer.generate("witness.test/other", COSIGNATURE_V1)
    unwitnessed = await prove(db, sources[:1], LogKeys(LOG_KEY.verifier, stranger.verifier))
    assert unwitnessed is not None and not unwitnessed.witnessed and unwitnessed.witness is None

    async with db.connection() as conn:  # a superuser changes a proven event's hash in place
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute("UPDATE events SET hash = $2 WHERE event_id = $1::uuid", first[2], "ab" * 32)
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    tampered = await prove(db, sources[:2], keys)
    assert tampered is not None
    assert [e.status for e in tampered.events] == [Proven.FAILED, Proven.PROVEN]
