"""The Merkle log on real PostgreSQL (and Kafka for the checkpoints topic), and the four attacks of
issue 16: a superuser rewrite, a fork, a topic rebuilt from a forged store, a dropped event."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import uuid
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio

from kinerja_kernel import audit
from kinerja_kernel.chain import verify_streams
from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.kafka import TopicSpec, ensure_topics, idempotent_producer
from kinerja_kernel.testing.kafka_helpers import read_topic
from kinerja_kernel.transparency.checkpoint import Checkpoint, SignedCheckpoint
from kinerja_kernel.transparency.merkle import MemoryTree, leaf_hash, verify_consistency, verify_inclusion
from kinerja_kernel.transparency.metrics import transparency_probe
from kinerja_kernel.transparency.note import COSIGNATURE_V1, Signer
from kinerja_kernel.transparency.proofs import check_bundle, check_checkpoint_stream, locate_divergence, proofs_for
from kinerja_kernel.transparency.service import TransparencyLog, WitnessConfig
from kinerja_kernel.transparency.store import (
    TRANSPARENCY_MIGRATIONS,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_data,
    leaves_from,
    leaves_of,
    root_at,
)
from kinerja_kernel.transparency.witness import Witness, witness_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

LOG_KEY = Signer.generate("kinerja.test/planning")
WITNESS_KEY = Signer.generate("witness.test/w1", COSIGNATURE_V1)
WITNESS_URL = "http://witness.test"


@pytest_asyncio.fixture(loop_scope="session")
async def tdb(database_url: str) -> AsyncIterator[tuple[Database, str]]:
    database = await Database.connect(database_url, min_size=1, max_size=4)
    async with database.connection() as conn:
        await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
    yield database, database_url
    await database.close()


@pytest.fixture
def witness(tmp_path: Path) -> Witness:
    return Witness(WITNESS_KEY, [LOG_KEY.verifier], tmp_path / "witness.json")


def _client(witness: Witness) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=witness_app(witness)), base_url=WITNESS_URL)


def _log(dsn: str, **kw: object) -> TransparencyLog:
    return TransparencyLog(dsn=dsn, signer=LOG_KEY, producer=None, topic="unused",
                           witness=WitnessConfig(WITNESS_URL, WITNESS_KEY.verifier), checkpoint_interval=0, **kw)  # type: ignore[arg-type]


def _pending(n: int) -> PendingEvent:
    return PendingEvent(event_type="test.Scored", event_version=1, subject="199001012020011001", office_id="kantor-a",
                        actor=Actor(id="199001012020011002", role="atasan"), correlation_id="c", payload={"nilai": n})


async def _write(store: PostgresEventStore, count: int, *, streams: int = 5) -> None:
    for n in range(count):
        stream = f"skp-{n % streams}"
        head = await store.read_stream(stream)
        await store.append(stream, len(head), [_pending(n)])


async def _step(log: TransparencyLog, conn: asyncpg.Connection, client: httpx.AsyncClient) -> MerkleLog:
    merkle = await MerkleLog.load(conn)
    await log.step(conn, merkle, client, final=True)
    return merkle


async def _leaves(conn: asyncpg.Connection) -> list[bytes]:
    """The leaf hashes an auditor recomputes from the store's events, in log order."""
    rows = await conn.fetch("SELECT e.hash FROM transparency_leaves l JOIN events e USING (event_id) "
                            "ORDER BY l.leaf_index")
    return [leaf_hash(leaf_data(r["hash"])) for r in rows]


async def _superuser_rewrites(conn: asyncpg.Connection, store: PostgresEventStore, event_id: uuid.UUID) -> None:
    """A DBA changes one event's payload and recomputes its stream's hashes from there on."""
    row = await conn.fetchrow("SELECT stream_id, stream_version FROM events WHERE event_id = $1", event_id)
    assert row is not None
    events = await store.read_stream(row["stream_id"], from_version=row["stream_version"], conn=conn)
    await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
    prev = events[0].prev_hash
    for i, event in enumerate(events):
        payload = {"nilai": 100} if i == 0 else event.payload
        forged = event.model_copy(update={"payload": payload, "prev_hash": prev})
        new_hash = forged.computed_hash()
        await conn.execute("UPDATE events SET payload = $2::jsonb, prev_hash = $3, hash = $4 WHERE event_id = $1",
                           event.event_id, json.dumps(payload), prev, new_hash)
        prev = new_hash
    await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")


async def _attacker_rebuilds_log(conn: asyncpg.Connection) -> None:
    """The same DBA recomputes the Merkle log from the forged events, so the store agrees with itself."""
    await conn.execute("TRUNCATE transparency_tiles, transparency_ranges")
    await conn.execute("UPDATE transparency_log SET size = 0, tx_id = '0', position = 0")
    await conn.execute("DELETE FROM transparency_witnesses")
    merkle = await MerkleLog.load(conn)
    while await merkle.append_committed(conn):
        pass


async def test_the_stored_log_matches_rfc9162_across_tile_boundaries(tdb: tuple[Database, str]) -> None:
    db, _ = tdb
    store = PostgresEventStore(db, source="/kinerja/test")
    await _write(store, 300)
    async with db.connection() as conn:
        merkle = await MerkleLog.load(conn)
        assert await merkle.append_committed(conn, limit=100) == 100  # a partial tile, then across 256
        while await merkle.append_committed(conn, limit=97):
            pass
        await _write(store, 300)
        while await merkle.append_committed(conn, limit=500):
            pass
        leaves = await _leaves(conn)
        order = await conn.fetch("SELECT event_id FROM events ORDER BY tx_id, position")
        logged = await conn.fetch("SELECT event_id FROM transparency_leaves ORDER BY leaf_index")
        tree = MemoryTree(leaves)
        assert merkle.size == len(leaves) == 600 and merkle.root() == tree.root()
        assert [r["event_id"] for r in order] == [r["event_id"] for r in logged]  # commit order, gap-free
        reloaded = await MerkleLog.load(conn)
        assert reloaded.root() == tree.root() and reloaded.writer.partial == merkle.writer.partial
        for size in (1, 255, 256, 257, 511, 512, 600):
            assert await root_at(conn, size) == tree.root(size)
            for index in {0, size // 2, size - 1}:
                proof = await inclusion_proof(conn, index, size)
                assert verify_inclusion(leaves[index], index, size, proof, tree.root(size))
        for old, new in ((1, 600), (256, 512), (100, 257), (511, 600), (600, 600)):
            proof = await consistency_proof(conn, old, new)
            assert verify_consistency(old, new, tree.root(old), tree.root(new), proof)
        # the leaf index from one range row per append (from leaves 0, 100, 197, 294, 300): each event's leaf,
        # any window
        ids = [r["event_id"] for r in order]
        assert [r[0] for r in await conn.fetch("SELECT first_leaf FROM transparency_ranges ORDER BY 1")] == \
            [0, 100, 197, 294, 300]
        picked = (0, 99, 100, 196, 197, 293, 294, 299, 300, 599)
        assert [(r["event_id"], r["leaf_index"]) for r in await leaves_of(conn, [ids[i] for i in reversed(picked)])] \
            == [(ids[i], i) for i in picked]
        for start, limit in ((0, 5), (98, 4), (295, 10), (596, 10), (600, 3)):
            window = await leaves_from(conn, start, limit)
            assert [(r["leaf_index"], r["event_id"]) for r in window] == \
                [(i, ids[i]) for i in range(start, min(start + limit, 600))]
        await _write(store, 5)  # stored, not yet logged: not leaves
        assert await leaves_of(conn, [r["event_id"] for r in await conn.fetch(
            "SELECT event_id FROM events ORDER BY tx_id DESC, position DESC LIMIT 5")]) == []


async def test_a_log_of_the_first_version_keeps_its_leaf_indexes_after_the_ranges_migration(
        database_url: str) -> None:
    """Migration 2 turns the per-event leaf rows of version 1 into one range per 1,000 leaves."""
    database = await Database.connect(database_url, min_size=1, max_size=2)
    try:
        async with database.connection() as conn:
            await migrate(conn, [*KERNEL_MIGRATIONS, TRANSPARENCY_MIGRATIONS[0]])
            await _write(PostgresEventStore(database, source="/kinerja/test"), 2_300, streams=50)
            rows = await conn.fetch("SELECT event_id, tx_id, position FROM events ORDER BY tx_id, position")
            await conn.execute("INSERT INTO transparency_leaves (leaf_index, event_id) "
                               "SELECT * FROM unnest($1::bigint[], $2::uuid[])",
                               list(range(len(rows))), [r["event_id"] for r in rows])
            await conn.execute("UPDATE transparency_log SET size = $1, tx_id = $2, position = $3", len(rows),
                               rows[-1]["tx_id"], rows[-1]["position"])
            await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
            assert await conn.fetchval("SELECT count(*) FROM transparency_ranges") == 3
            picked = (0, 999, 1000, 1001, 1999, 2000, 2299)
            assert [(r["event_id"], r["leaf_index"]) for r in await leaves_of(conn, [rows[i]["event_id"]
                                                                                    for i in picked])] == \
                [(rows[i]["event_id"], i) for i in picked]
            assert [r["event_id"] for r in await conn.fetch(
                "SELECT event_id FROM transparency_leaves ORDER BY leaf_index")] == [r["event_id"] for r in rows]
    finally:
        await database.close()


async def test_evidence_proofs_are_against_the_witnessed_checkpoint(tdb: tuple[Database, str], witness: Witness) -> None:
    db, dsn = tdb
    store = PostgresEventStore(db, source="/kinerja/test")
    await _write(store, 20)
    log = _log(dsn)
    async with db.connection() as conn, _client(witness) as client:
        await _step(log, conn, client)
        await _write(store, 5)
        merkle = await MerkleLog.load(conn)
        await merkle.append_committed(conn)  # appended, not yet checkpointed
        ids = [r["event_id"] for r in await conn.fetch("SELECT event_id FROM events ORDER BY position")]
        bundle = await proofs_for(conn, [ids[3], ids[19], ids[22]])
    assert bundle is not None and bundle.tree_size == 20
    assert [p.event_id for p in bundle.proofs] == [str(ids[3]), str(ids[19])]
    assert bundle.not_yet_witnessed == [str(ids[22])]
    assert check_bundle(bundle.as_dict(), LOG_KEY.verifier, WITNESS_KEY.verifier).ok
    async with db.connection() as conn:
        pack = await audit.evidence_pack(conn, audit.Scope(offices=frozenset({"kantor-a"})), service="planning",
                                         requested_by="199001012020011003")
    with zipfile.ZipFile(io.BytesIO(pack)) as opened:
        carried = json.loads(opened.read("transparency.json"))
        assert "Bukti log transparansi" in opened.read("report.md").decode()
        assert "transparency.json" in json.loads(opened.read("manifest.json"))["files"]
    assert len(carried["events"]) == 20 and len(carried["not_yet_witnessed"]) == 5
    assert check_bundle(carried, LOG_KEY.verifier, WITNESS_KEY.verifier).ok
    forged = bundle.as_dict()
    forged["events"][0]["leaf_data"] = "ab" * 32
    check = check_bundle(forged, LOG_KEY.verifier, WITNESS_KEY.verifier)
    assert not check.ok and str(ids[3]) in check.problems[0]


async def test_attack_1_a_superuser_rewrite_is_refused_by_the_witness_and_located(
        tdb: tuple[Database, str], witness: Witness) -> None:
    db, dsn = tdb
    store = PostgresEventStore(db, source="/kinerja/test")
    log = _log(dsn)
    witnessed: list[str] = []
    async with db.connection() as conn, _client(witness) as client:
        for _ in range(4):  # four batches, a witnessed checkpoint after each
            await _write(store, 10)
            await _step(log, conn, client)
            witnessed.append(await conn.fetchval("SELECT note FROM transparency_checkpoints ORDER BY tree_size DESC"))
        assert await conn.fetchval("SELECT bool_and(witnessed) FROM transparency_checkpoints")
        honest = await _leaves(conn)  # what an auditor read before (e.g. from the events topic)
        victim = (await conn.fetch("SELECT event_id FROM transparency_leaves ORDER BY leaf_index"))[17]["event_id"]

        await _superuser_rewrites(conn, store, victim)
        await _attacker_rebuilds_log(conn)
        chains = verify_streams([e for s in range(5) for e in await store.read_stream(f"skp-{s}")])
        assert chains.ok  # the hash chains alone no longer show anything

        await _write(store, 3)
        await _step(log, conn, client)
        latest = await conn.fetchrow("SELECT tree_size, witnessed FROM transparency_checkpoints "
                                     "ORDER BY tree_size DESC LIMIT 1")
        assert latest is not None
        forged_leaves = await _leaves(conn)
    assert latest["tree_size"] == 43 and latest["witnessed"] is False  # the witness refused
    assert witness.alarms == 1 and log.witness_refusals == 1
    assert witness.recent_alarms()[-1]["kind"] == "fork"
    heads = [SignedCheckpoint.open(n, LOG_KEY.verifier) for n in witnessed]
    assert all(h.witnessed_by(WITNESS_KEY.verifier) for h in heads)
    found = locate_divergence(forged_leaves, [h.checkpoint for h in heads], honest=honest)
    assert found is not None
    assert (found.after_size, found.checkpoint_size, found.first_differing_leaf) == (10, 20, 17)
    assert "leaf 17" in found.describe()


async def test_attack_2_a_fork_served_to_two_auditors_is_caught_by_the_witness(
        postgres_server_url: str, witness: Witness) -> None:
    from kinerja_kernel.infra.postgres import create_database

    histories = []
    for _ in range(2):  # the operator keeps two histories under one log key
        dsn = await create_database(postgres_server_url, f"t_{uuid.uuid4().hex[:16]}")
        db = await Database.connect(dsn, min_size=1, max_size=2)
        async with db.connection() as conn:
            await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
        await _write(PostgresEventStore(db, source="/kinerja/test"), 12)
        histories.append((db, dsn))
    notes = []
    async with _client(witness) as client:
        for db, dsn in histories:
            log = _log(dsn)
            async with db.connection() as conn:
                await _step(log, conn, client)
                row = await conn.fetchrow("SELECT note, witnessed FROM transparency_checkpoints")
                assert row is not None
                notes.append(row)
            await db.close()
    assert notes[0]["witnessed"] is True and notes[1]["witnessed"] is False
    first, second = (SignedCheckpoint.open(n["note"], LOG_KEY.verifier) for n in notes)
    assert first.checkpoint.size == second.checkpoint.size and first.checkpoint.root != second.checkpoint.root
    assert witness.alarms == 1 and witness.recent_alarms()[-1]["detail"].startswith("size 12 with another root")
    # an auditor who trusts only witnessed checkpoints never accepts the second history
    assert not second.witnessed_by(WITNESS_KEY.verifier)


async def test_attack_3_a_topic_rebuilt_from_a_forged_store_is_detected_from_the_checkpoints_topic(
        tdb: tuple[Database, str], witness: Witness, kafka_bootstrap: str) -> None:
    db, dsn = tdb
    topic = f"kinerja.t{uuid.uuid4().hex[:8]}.checkpoints"
    await ensure_topics(kafka_bootstrap, [TopicSpec(topic, 1)])
    producer = idempotent_producer(kafka_bootstrap, client_id="test-checkpoints")
    await producer.start()
    store = PostgresEventStore(db, source="/kinerja/test")
    log = TransparencyLog(dsn=dsn, signer=LOG_KEY, producer=producer, topic=topic,
                          witness=WitnessConfig(WITNESS_URL, WITNESS_KEY.verifier), checkpoint_interval=0)
    try:
        async with db.connection() as conn, _client(witness) as client:
            for _ in range(3):
                await _write(store, 7)
                await _step(log, conn, client)
            honest = [r.value or b"" for r in await read_topic(kafka_bootstrap, topic)]
            assert len(honest) == 3
            assert check_checkpoint_stream(honest, LOG_KEY.verifier, WITNESS_KEY.verifier) == []

            victim = (await conn.fetch("SELECT event_id FROM transparency_leaves ORDER BY leaf_index"))[3]["event_id"]
            await _superuser_rewrites(conn, store, victim)
            await _attacker_rebuilds_log(conn)
            await _write(store, 2)
            await _step(log, conn, client)  # the witness refuses: our code does not publish it
            assert len(await read_topic(kafka_bootstrap, topic)) == 3
            await log.publish(conn, witnessed_only=False)  # the operator publishes the forged store's anyway
    finally:
        await producer.stop()
    values = [r.value or b"" for r in await read_topic(kafka_bootstrap, topic)]
    problems = check_checkpoint_stream(values, LOG_KEY.verifier, WITNESS_KEY.verifier)
    assert len(values) == 4 and problems, problems
    assert any("offset 3" in p and "not co-signed" in p for p in problems)
    assert any("offset 3" in p and "not an extension of size 21" in p for p in problems)
    # a topic written from scratch by the forged store alone has no witnessed checkpoint at all
    record = json.loads(values[3])
    alone = check_checkpoint_stream([json.dumps({**record, "previous_size": 0, "consistency_proof": []}).encode()],
                                    LOG_KEY.verifier, WITNESS_KEY.verifier)
    assert alone and "not co-signed" in alone[0]


async def test_attack_4_a_dropped_event_fails_its_inclusion_proof_and_the_size(
        tdb: tuple[Database, str], witness: Witness) -> None:
    db, dsn = tdb
    store = PostgresEventStore(db, source="/kinerja/test")
    log = _log(dsn)
    async with db.connection() as conn, _client(witness) as client:
        await _write(store, 16, streams=16)  # one-event streams: dropping one leaves every chain intact
        await _step(log, conn, client)
        head = SignedCheckpoint.open(await conn.fetchval("SELECT note FROM transparency_checkpoints"),
                                     LOG_KEY.verifier)
        assert head.witnessed_by(WITNESS_KEY.verifier)
        ids = [r["event_id"] for r in await conn.fetch("SELECT event_id FROM transparency_leaves ORDER BY leaf_index")]
        before = await proofs_for(conn, [ids[9]])
        assert before is not None

        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute("DELETE FROM events WHERE event_id = $1", ids[7])
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
        await _attacker_rebuilds_log(conn)
        merkle = await MerkleLog.load(conn)
        leaves = await _leaves(conn)
        # the event after the gap now sits at index 8: its proof no longer reaches the witnessed root
        proof = await inclusion_proof(conn, 8, merkle.size)
        assert not verify_inclusion(leaves[8], 8, head.checkpoint.size, proof, head.checkpoint.root)
        # and the dropped event has no proof at all any more
        after = await proofs_for(conn, [ids[7]], witnessed=True)
        assert after is not None and after.proofs == [] and after.not_yet_witnessed == [str(ids[7])]
        await log.checkpoint(conn, merkle, client)  # the shrunken log's checkpoint: a rollback for the witness
    assert merkle.size == 15 != head.checkpoint.size
    assert witness.alarms == 1 and witness.recent_alarms()[-1]["kind"] == "rollback"
    found = locate_divergence(leaves, [head.checkpoint])
    assert found is not None and found.checkpoint_size == 16
    # an auditor holding the event's earlier proof still proves it was in the witnessed history
    assert check_bundle(before.as_dict(), LOG_KEY.verifier, WITNESS_KEY.verifier).ok
    assert base64.b64decode(Checkpoint.from_text(head.note.text).text.split("\n")[2]) == head.checkpoint.root


async def test_the_running_log_follows_commits_and_checkpoints_them(tdb: tuple[Database, str], witness: Witness,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The service's background task: one leader, woken by commits, a witnessed checkpoint after the writes."""
    db, dsn = tdb
    store = PostgresEventStore(db, source="/kinerja/test")
    client = _client(witness)
    real_client = httpx.AsyncClient
    monkeypatch.setattr(httpx, "AsyncClient", lambda **_: client)  # the witness in-process
    leader, standby = _log(dsn), _log(dsn)
    leader.checkpoint_interval = standby.checkpoint_interval = 0.2
    db.on_commit(leader.wake)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(leader.run(stop))]
    for _ in range(100):
        if leader.is_leader:
            break
        await asyncio.sleep(0.05)
    tasks.append(asyncio.create_task(standby.run(stop)))
    try:
        await _write(store, 30)
        for _ in range(200):
            if leader.checkpoint_size == 30:
                break
            await asyncio.sleep(0.05)
        assert leader.is_leader and not standby.is_leader
        assert leader.size == leader.checkpoint_size == 30
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        monkeypatch.setattr(httpx, "AsyncClient", real_client)
        await client.aclose()
    async with db.connection() as conn:
        rows = await conn.fetch("SELECT tree_size, witnessed FROM transparency_checkpoints ORDER BY tree_size")
    assert rows[-1]["tree_size"] == 30 and all(r["witnessed"] for r in rows)
    assert witness.state[LOG_KEY.name]["size"] == 30


async def test_a_checkpoint_made_while_the_witness_was_down_is_witnessed_later(
        tdb: tuple[Database, str], witness: Witness) -> None:
    db, dsn = tdb
    store = PostgresEventStore(db, source="/kinerja/test")
    log = _log(dsn)
    figures = transparency_probe(db, witnessed=True)  # what /metrics shows an operator at each step
    down = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(503)))
    async with db.connection() as conn, _client(witness) as up:
        await _write(store, 6)
        assert {k: v for k, v in (await figures()).items() if "age" not in k} == {
            "kinerja_transparency_log_leaves": 0, "kinerja_transparency_unlogged_events": 6,
            "kinerja_transparency_unsigned_leaves": 0, "kinerja_transparency_unwitnessed_leaves": 0}
        merkle = await _step(log, conn, down)
        assert (log.unwitnessed, log.witness_refusals) == (True, 1)
        shown = await figures()
        assert (shown["kinerja_transparency_log_leaves"], shown["kinerja_transparency_unlogged_events"],
                shown["kinerja_transparency_unsigned_leaves"], shown["kinerja_transparency_unwitnessed_leaves"]) \
            == (6, 0, 0, 6)
        await log.step(conn, merkle, up, final=True)  # nothing new written: the same checkpoint, asked again
        row = await conn.fetchrow("SELECT tree_size, witnessed, note FROM transparency_checkpoints")
    await down.aclose()
    assert row is not None and row["tree_size"] == 6 and row["witnessed"] and not log.unwitnessed
    assert (await figures())["kinerja_transparency_unwitnessed_leaves"] == 0
    assert SignedCheckpoint.open(row["note"], LOG_KEY.verifier).witnessed_by(WITNESS_KEY.verifier)
