#!/usr/bin/env python
"""Transparency log benchmark (issue 16): append overhead, checkpoints, proofs on 10 M leaves, whole-log checks.

Run from the workspace root::

    uv run python tests/benchmarks/transparency.py            # 100,000 events, 10,000,000 leaves
    uv run python tests/benchmarks/transparency.py --quick    # 20,000 events, 1,000,000 leaves

It starts its own embedded PostgreSQL in a temporary directory and measures

1. the store's batch path (``append_new_streams``, 1,000 events per transaction) and the Merkle log's
   append of the same events (``MerkleLog.append_committed``: read in commit order, hash, write tiles and
   the leaf index), both in events per second; the overhead is the log's time over the store's;
2. a checkpoint: its size (signed, and with a witness cosignature), signing, cosigning and verification time;
3. on a log of ``--leaves`` leaves (synthetic leaf data, tiles written as the appender writes them):
   inclusion and consistency proof time (read from PostgreSQL and verified), over random sizes and indexes;
4. whole-log verification: leaves per second recomputing the root from the leaf data (the events'
   ``ce_hash``), in memory and reading the log's leaves from PostgreSQL.

Prints a table and writes ``tests/benchmarks/reports/transparency-<UTC>.md`` / ``.json`` and
``transparency-latest.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import psutil

from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import COMMITTED_SQL, PostgresEventStore
from kinerja_kernel.infra.postgres import EmbeddedPostgres, create_database, free_port
from kinerja_kernel.transparency.checkpoint import Checkpoint, SignedCheckpoint
from kinerja_kernel.transparency.merkle import CompactRange, leaf_hash, verify_consistency, verify_inclusion
from kinerja_kernel.transparency.note import COSIGNATURE_V1, Note, Signer
from kinerja_kernel.transparency.store import (
    TRANSPARENCY_MIGRATIONS,
    MerkleLog,
    TileWriter,
    consistency_proof,
    inclusion_proof,
    recompute_log,
    root_at,
)

REPORTS = Path(__file__).parent / "reports"
BATCH = 1000


def _pending(n: int) -> PendingEvent:
    return PendingEvent(event_type="bench.Recorded", event_version=1, subject=f"{199001012020011000 + n % 500}",
                        office_id="kantor-bench", actor=Actor(id="199001012020011999", role="atasan"),
                        correlation_id=str(uuid.uuid4()), payload={"n": n, "catatan": "capaian triwulan"})


async def append_overhead(db: Database, events: int) -> dict[str, Any]:
    """Each batch through the store's batch path, then through the Merkle log (interleaved, as in
    production and so that both see the same load on a shared machine)."""
    store = PostgresEventStore(db, source="/kinerja/bench")
    times: dict[str, list[float]] = {"store_handed": [], "log_handed": [], "store_read": [], "log_read": []}
    async with db.connection() as log_conn, db.connection() as relay_conn:
        merkle = await MerkleLog.load(log_conn)
        for number, start in enumerate(range(0, events, BATCH)):
            way = "handed" if number % 2 == 0 else "read"  # alternate batches: both ways see the same load
            items = [(f"bench-{n}", _pending(n)) for n in range(start, min(events, start + BATCH))]
            t0 = time.perf_counter()
            async with db.transaction() as conn:
                await store.append_new_streams(items, conn=conn)
            times[f"store_{way}"].append(time.perf_counter() - t0)
            if way == "handed":  # the relay reads the batch to publish it (not the log's cost) and hands it over
                tx_id, position = merkle.cursor
                rows = await relay_conn.fetch(COMMITTED_SQL, str(tx_id), position, BATCH)
                t0 = time.perf_counter()
                await merkle.append_rows(log_conn, rows)
            else:  # the log reads the batch itself (its relay leads in another process)
                t0 = time.perf_counter()
                await merkle.append_committed(log_conn, limit=BATCH)
            times[f"log_{way}"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        compact = await recompute_log(log_conn)
        verify_db_s = time.perf_counter() - t0
        assert merkle.size == events and compact.root() == merkle.root() == await root_at(log_conn, merkle.size)
    out: dict[str, Any] = {"events": events, "verify_from_db_per_s": events / verify_db_s}
    for way in ("handed", "read"):
        store_s, log_s, n = sum(times[f"store_{way}"]), sum(times[f"log_{way}"]), len(times[f"log_{way}"]) * BATCH
        out[way] = {"store_events_per_s": n / store_s, "log_events_per_s": n / log_s,
                    "overhead_percent": log_s / store_s * 100,
                    "store_batch_ms": common.distribution([t * 1000 for t in times[f"store_{way}"]]),
                    "log_batch_ms": common.distribution([t * 1000 for t in times[f"log_{way}"]])}
    return out


def checkpoint_figures(repeat: int = 2000) -> dict[str, Any]:
    log_key = Signer.generate("kinerja.go.id/planning")
    witness = Signer.generate("witness.bkn.go.id/w1", COSIGNATURE_V1)
    head = Checkpoint(log_key.name, 10_000_000, hashlib.sha256(b"root").digest())
    t0 = time.perf_counter()
    for _ in range(repeat):
        note = head.sign(log_key)
    sign_s = (time.perf_counter() - t0) / repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        line = witness.signature_line(head.text, timestamp=int(time.time()))
    cosign_s = (time.perf_counter() - t0) / repeat
    cosigned = Note.parse(note).with_lines(line).render()
    t0 = time.perf_counter()
    for _ in range(repeat):
        SignedCheckpoint.open(cosigned, log_key.verifier).witnessed_by(witness.verifier)
    verify_s = (time.perf_counter() - t0) / repeat
    return {"signed_bytes": len(note.encode()), "cosigned_bytes": len(cosigned.encode()),
            "sign_us": sign_s * 1e6, "cosign_us": cosign_s * 1e6, "verify_both_us": verify_s * 1e6,
            "example": cosigned}


def _synthetic_leaf(i: int) -> bytes:
    return leaf_hash(hashlib.sha256(i.to_bytes(8, "big")).digest())


async def big_log(db: Database, leaves: int, samples: int) -> dict[str, Any]:
    """Write ``leaves`` leaves' tiles as the appender does (chunk by chunk), then time proofs."""
    chunk = 65_536
    writer = TileWriter(0, {})
    compact = CompactRange()
    build0 = time.perf_counter()
    roots: dict[int, bytes] = {}
    rng = random.Random(16)
    sizes = sorted(rng.sample(range(1, leaves + 1), min(samples, leaves)))
    wanted = iter(sizes)
    next_size = next(wanted, None)
    async with db.connection() as conn:
        for start in range(0, leaves, chunk):
            batch = [_synthetic_leaf(i) for i in range(start, min(leaves, start + chunk))]
            for leaf in batch:
                compact.append(leaf)
                while next_size is not None and compact.size == next_size:
                    roots[next_size] = compact.root()
                    next_size = next(wanted, None)
            tiles = writer.append(batch)
            await conn.execute(
                "INSERT INTO transparency_tiles (level, idx, hashes) SELECT * FROM unnest($1::smallint[], "
                "$2::bigint[], $3::bytea[]) ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes",
                [k[0] for k in tiles], [k[1] for k in tiles], list(tiles.values()))
        build_s = time.perf_counter() - build0
        root = compact.root()
        assert await root_at(conn, leaves) == root
        tiles_bytes = await conn.fetchval("SELECT pg_total_relation_size('transparency_tiles')")
        inclusion_ms, consistency_ms, proof_hashes = [], [], []
        for size in sizes:
            index = rng.randrange(size)
            t0 = time.perf_counter()
            proof = await inclusion_proof(conn, index, size)
            ok = verify_inclusion(_synthetic_leaf(index), index, size, proof, roots[size])
            inclusion_ms.append((time.perf_counter() - t0) * 1000)
            proof_hashes.append(len(proof))
            assert ok, (index, size)
        for old in sizes:
            t0 = time.perf_counter()
            proof = await consistency_proof(conn, old, leaves)
            ok = verify_consistency(old, leaves, roots[old], root, proof)
            consistency_ms.append((time.perf_counter() - t0) * 1000)
            assert ok, old
    counted = min(leaves, 1_000_000)
    data = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(counted)]  # the events' ce_hash
    verify0, cpu0 = time.perf_counter(), time.process_time()
    check = CompactRange()
    check.extend_data(data)
    verify_s, verify_cpu_s = time.perf_counter() - verify0, time.process_time() - cpu0
    assert check.root() == (roots[counted] if counted in roots else check.root())
    return {"leaves": leaves, "build_s": build_s, "tiles_mib": tiles_bytes / 2**20,
            "inclusion_ms": common.distribution(inclusion_ms), "consistency_ms": common.distribution(consistency_ms),
            "inclusion_proof_hashes_max": max(proof_hashes),
            "whole_log_verify_per_s": counted / verify_s, "whole_log_verify_per_cpu_s": counted / verify_cpu_s,
            "whole_log_verify_counted": counted}


async def _database(url: str, name: str) -> Database:
    db = await Database.connect(await create_database(url, f"bench_{name}_{uuid.uuid4().hex[:8]}"), min_size=1,
                                max_size=4)
    async with db.connection() as conn:
        await migrate(conn, [*KERNEL_MIGRATIONS, *TRANSPARENCY_MIGRATIONS])
    return db


async def run(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-tlog-") as tmp:
        server = EmbeddedPostgres(Path(tmp) / "pg", port=free_port())
        url = server.start()
        try:
            print(f"append: {args.events:,} events ...", flush=True)
            db = await _database(url, "append")
            try:
                figures["append"] = await append_overhead(db, args.events)
            finally:
                await db.close()
            print(f"proofs: building a log of {args.leaves:,} leaves ...", flush=True)
            db = await _database(url, "big")
            try:
                figures["big"] = await big_log(db, args.leaves, args.samples)
            finally:
                await db.close()
        finally:
            server.stop()
    figures["checkpoint"] = checkpoint_figures()


def markdown(f: dict[str, Any], when: str) -> str:
    a, c, b = f.get("append", {}), f.get("checkpoint", {}), f.get("big", {})
    m = f["machine"]
    rows = []
    if a:
        h, r = a["handed"], a["read"]
        rows += [("store batch path (append_new_streams, 1,000/tx)", f"{common.fmt(h['store_events_per_s'])} events/s",
                  "batches whose log append follows the relay's hand-over"),
                 ("Merkle log append of the rows the relay hands over (hash, tiles, leaf index)",
                  f"{common.fmt(h['log_events_per_s'])} events/s", "relay and log in one process (the runtime)"),
                 ("log append time / store batch time, rows handed over", f"{common.fmt(h['overhead_percent'])} %",
                  "target < 10 %"),
                 ("log append time / store batch time, the log reading the rows itself",
                  f"{common.fmt(r['overhead_percent'])} %", "every other batch (relay led by another process)"),
                 ("batch of 1,000: store / log handed over / log reading (p50)",
                  f"{common.fmt(h['store_batch_ms']['p50'])} / {common.fmt(h['log_batch_ms']['p50'])} / "
                  f"{common.fmt(r['log_batch_ms']['p50'])} ms", ""),
                 ("whole-log check reading leaves from PostgreSQL (recompute_log)",
                  f"{common.fmt(a['verify_from_db_per_s'])} events/s", "target >= 200,000")]
    if c:
        rows += [("checkpoint size (signed / + witness cosignature)",
                  f"{c['signed_bytes']} / {c['cosigned_bytes']} bytes", ""),
                 ("sign / cosign / verify both", f"{common.fmt(c['sign_us'])} / {common.fmt(c['cosign_us'])} / "
                                                 f"{common.fmt(c['verify_both_us'])} µs", "")]
    if b:
        rows += [(f"log of {b['leaves']:,} leaves: tiles built and written", f"{common.fmt(b['build_s'])} s, "
                  f"{common.fmt(b['tiles_mib'])} MiB", ""),
                 ("inclusion proof, read + verified (p50 / p95 / max)",
                  f"{common.fmt(b['inclusion_ms']['p50'])} / {common.fmt(b['inclusion_ms']['p95'])} / "
                  f"{common.fmt(b['inclusion_ms']['max'])} ms", f"{b['inclusion_ms']['count']} random"),
                 ("consistency proof to the full size, read + verified (p50 / p95 / max)",
                  f"{common.fmt(b['consistency_ms']['p50'])} / {common.fmt(b['consistency_ms']['p95'])} / "
                  f"{common.fmt(b['consistency_ms']['max'])} ms", f"{b['consistency_ms']['count']} random"),
                 ("whole-log verification (root recomputed from 1 M leaves' data, in memory)",
                  f"{common.fmt(b['whole_log_verify_per_s'])} leaves/s",
                  f"target >= 200,000; {common.fmt(b.get('whole_log_verify_per_cpu_s'))} per CPU-second of this "
                  "process (the machine is shared)")]
    table = "| Measure | Result | Note |\n| --- | --- | --- |\n" + "\n".join(f"| {a_} | {b_} | {c_} |"
                                                                           for a_, b_, c_ in rows)
    cpu = f.get("machine_cpu", {})
    return (f"# Transparency log benchmark — {when}\n\n"
            f"{m['cpu_model']}, {m['logical_cores']} logical cores, {m['ram_gib']} GiB, Python {m['python']}; "
            f"machine busy {cpu.get('busy_percent', 'n/a')} % (steal {cpu.get('steal_percent', 'n/a')} %) over the "
            f"run, load average at start {f['load_at_start']} — other sessions shared the machine.\n\n"
            f"{table}\n\nExample checkpoint with a cosignature:\n\n```\n{c.get('example', '')}```\n\n"
            f"Errors: {f['errors'] or 'none'}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.events, args.leaves, args.samples = 20_000, 1_000_000, 50
    figures: dict[str, Any] = {"machine": common.machine_info(["asyncpg", "cryptography"]), "errors": [],
                               "load_at_start": [round(x, 2) for x in psutil.getloadavg()]}
    wall0, cpu0 = time.perf_counter(), psutil.cpu_times()
    try:
        asyncio.run(run(args, figures))
    except Exception as exc:  # write what was measured
        figures["errors"].append(repr(exc))
    seconds = time.perf_counter() - wall0
    figures["machine_cpu"] = common.machine_cpu(cpu0, psutil.cpu_times())
    figures["seconds"] = seconds
    when = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = markdown(figures, when)
    common.print_summary("Transparency log", seconds, [f"load at start {figures['load_at_start']}"], text, figures["errors"])
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"transparency-{when}.json").write_text(json.dumps(figures, indent=2, default=str))
    (REPORTS / f"transparency-{when}.md").write_text(text)
    (REPORTS / "transparency-latest.md").write_text(text)
    return 0 if not figures["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
