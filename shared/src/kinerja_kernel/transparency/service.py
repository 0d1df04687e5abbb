"""What a service process runs for its transparency log: the appender, checkpoints, the witness, Kafka.

One task per database leads (advisory lock ``kinerja:transparency``, like the relay's). It appends the
committed events to the Merkle log in commit order, and after a batch — at most every
``checkpoint_interval`` seconds — signs a checkpoint, asks the witness to co-sign it (C2SP
``tlog-witness`` ``add-checkpoint``), stores it, and publishes it to ``kinerja.<service>.checkpoints``
(one partition, kept forever) with the consistency proof from the checkpoint published before it, so
that the topic alone can be checked.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import structlog
from aiokafka import AIOKafkaProducer

from kinerja_kernel.db import _lock_key
from kinerja_kernel.transparency.checkpoint import Checkpoint
from kinerja_kernel.transparency.note import ED25519, Note, NoteError, Signer, Verifier
from kinerja_kernel.transparency.store import MerkleLog, consistency_proof

log = structlog.get_logger(__name__)

Handed = dict[str, Any]  # event_id, hash, tx_id, position of one event


def checkpoints_topic(service: str) -> str:
    """The topic a service publishes its checkpoints to, e.g. ``kinerja.planning.checkpoints``."""
    return f"kinerja.{service}.checkpoints"


@dataclass(frozen=True)
class WitnessConfig:
    url: str
    key: Verifier | None = None  # its cosigner key (type 0x04); without it cosignatures are not checked here


def witness_body(old: int, proof: list[bytes], note: str) -> str:
    """The body of a C2SP ``add-checkpoint`` request."""
    return f"old {old}\n" + "".join(base64.b64encode(h).decode() + "\n" for h in proof) + "\n" + note


class TransparencyLog:
    """The appender and checkpointer of one service's Merkle log."""

    def __init__(self, *, dsn: str, signer: Signer | None, producer: AIOKafkaProducer | None, topic: str,
                 witness: WitnessConfig | None = None, checkpoint_interval: float = 2.0, batch_size: int = 1000,
                 idle_interval: float = 0.5) -> None:
        if signer is not None and signer.kind != ED25519:
            raise NoteError("a log's signing key has signature type 0x01 (Ed25519 note signatures)")
        self.dsn = dsn
        self.signer = signer
        self.producer = producer
        self.topic = topic
        self.witness = witness
        self.checkpoint_interval = checkpoint_interval
        self.batch_size = batch_size
        self.idle_interval = idle_interval
        self.size = 0
        self.checkpoint_size = 0
        self.unwitnessed = False  # the latest checkpoint still lacks the witness's cosignature
        self.witness_refusals = 0
        self.is_leader = False
        self._wake = asyncio.Event()
        self._last_checkpoint = 0.0
        self._handed: deque[tuple[tuple[int, int], list[Handed]]] = deque(maxlen=64)

    @property
    def origin(self) -> str | None:
        return self.signer.name if self.signer else None

    def wake(self) -> None:
        self._wake.set()

    def hand_over(self, after: tuple[int, int], rows: Sequence[Any]) -> None:
        """Rows the outbox relay of this process has just read in commit order after ``after`` (its cursor):
        when they continue the log, they are appended without reading the events again."""
        if self.is_leader and rows:
            self._handed.append((after, [{"event_id": r["event_id"], "hash": r["hash"], "tx_id": r["tx_id"],
                                          "position": r["position"]} for r in rows]))
            self._wake.set()

    async def _append_handed(self, conn: asyncpg.Connection, merkle: MerkleLog) -> None:
        """Append the handed-over rows that continue the log; after a gap (the relay ran ahead, e.g. the log
        started later) drop them all: the log reads from the store instead."""
        while self._handed:
            after, rows = self._handed.popleft()
            here = merkle.cursor
            if after > here:
                self._handed.clear()
                return
            await merkle.append_rows(conn, [r for r in rows if (r["tx_id"], r["position"]) > here])

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._lead(stop)
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError, RuntimeError,
                    LookupError) as exc:
                log.warning("transparency.error", error=repr(exc))
            except Exception:  # never let the log stop for good: checkpoints would silently end
                log.exception("transparency.unexpected_error")
            else:
                continue
            self.is_leader = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)

    async def _lead(self, stop: asyncio.Event) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        try:
            while not stop.is_set():
                if await conn.fetchval("SELECT pg_try_advisory_lock($1)", _lock_key("kinerja:transparency")):
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=2.0)
            if stop.is_set():
                return
            self.is_leader = True
            merkle = await MerkleLog.load(conn)
            latest = await conn.fetchrow(
                "SELECT tree_size, witnessed FROM transparency_checkpoints ORDER BY tree_size DESC LIMIT 1")
            self.checkpoint_size = latest["tree_size"] if latest else 0
            self.unwitnessed = latest is not None and self.witness is not None and not latest["witnessed"]
            async with httpx.AsyncClient(timeout=10) as client:
                while not stop.is_set():
                    await self.step(conn, merkle, client)
                    due = self._last_checkpoint + self.checkpoint_interval - time.monotonic()
                    pending = merkle.size > self.checkpoint_size and self.signer is not None
                    wait = max(0.01, due) if pending else self.idle_interval
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=wait)
                await self.step(conn, merkle, client, final=True)
        finally:
            self.is_leader = False
            await conn.close()

    async def step(self, conn: asyncpg.Connection, merkle: MerkleLog, client: httpx.AsyncClient | None,
                   *, final: bool = False) -> None:
        """Append what was committed (first what the relay handed over); make a checkpoint when one is due."""
        await self._append_handed(conn, merkle)
        while await merkle.append_committed(conn, limit=self.batch_size) == self.batch_size:
            pass
        self.size = merkle.size
        due = final or time.monotonic() - self._last_checkpoint >= self.checkpoint_interval
        if self.signer is not None and merkle.size > self.checkpoint_size and due:
            await self.checkpoint(conn, merkle, client)
        elif self.unwitnessed and client is not None and self.witness is not None and (
                final or time.monotonic() - self._last_checkpoint >= max(self.checkpoint_interval, 5.0)):
            await self.rewitness(conn, client)  # e.g. the witness was down, and nothing was written since
        if self.producer is not None:
            await self.publish(conn)

    async def checkpoint(self, conn: asyncpg.Connection, merkle: MerkleLog, client: httpx.AsyncClient | None) -> str:
        """Sign the current tree head, have it witnessed, store it. Returns the note."""
        assert self.signer is not None
        head = Checkpoint(self.signer.name, merkle.size, merkle.root())
        note = head.sign(self.signer)
        witnessed = False
        if self.witness is not None and client is not None:
            cosigned = await self.ask_witness(conn, client, head, note)
            if cosigned is not None:
                note, witnessed = cosigned, True
        await conn.execute(
            "INSERT INTO transparency_checkpoints (tree_size, root_hash, note, witnessed) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (tree_size) DO NOTHING", head.size, head.root, note, witnessed)
        self.checkpoint_size = head.size
        self.unwitnessed = self.witness is not None and not witnessed
        self._last_checkpoint = time.monotonic()
        log.info("transparency.checkpoint", origin=head.origin, size=head.size, witnessed=witnessed)
        return note

    async def rewitness(self, conn: asyncpg.Connection, client: httpx.AsyncClient) -> bool:
        """Ask the witness again to co-sign the latest checkpoint (signed before, not co-signed yet)."""
        self._last_checkpoint = time.monotonic()
        row = await conn.fetchrow("SELECT tree_size, note FROM transparency_checkpoints "
                                  "ORDER BY tree_size DESC LIMIT 1")
        if row is None:
            return False
        note = Note.parse(row["note"])
        cosigned = await self.ask_witness(conn, client, Checkpoint.from_text(note.text), note.render())
        if cosigned is None:
            return False
        await conn.execute("UPDATE transparency_checkpoints SET note = $2, witnessed = true WHERE tree_size = $1",
                           row["tree_size"], cosigned)
        self.unwitnessed = False
        return True

    async def ask_witness(self, conn: asyncpg.Connection, client: httpx.AsyncClient, head: Checkpoint,
                          note: str) -> str | None:
        """C2SP add-checkpoint; on 409 retry once from the size the witness says it co-signed."""
        assert self.witness is not None
        url = self.witness.url.rstrip("/")
        old = await conn.fetchval("SELECT size FROM transparency_witnesses WHERE witness = $1", url) or 0
        status: int | None = None
        reason = ""
        for _ in range(2):
            if old > head.size:
                break
            proof = await consistency_proof(conn, old, head.size) if 0 < old < head.size else []
            try:
                answer = await client.post(f"{url}/add-checkpoint", content=witness_body(old, proof, note))
            except httpx.HTTPError as exc:
                log.warning("transparency.witness_unreachable", witness=url, error=repr(exc))
                return None
            status, reason = answer.status_code, answer.text[:200]
            if answer.status_code == 200:
                try:
                    cosigned = Note.parse(note).with_lines(answer.text)
                except NoteError as exc:
                    log.error("transparency.witness_bad_answer", witness=url, error=str(exc))
                    return None
                if self.witness.key is not None and cosigned.cosigned_at(self.witness.key) is None:
                    log.error("transparency.witness_bad_cosignature", witness=url)
                    return None
                await conn.execute(
                    "INSERT INTO transparency_witnesses (witness, size) VALUES ($1, $2) "
                    "ON CONFLICT (witness) DO UPDATE SET size = EXCLUDED.size", url, head.size)
                return cosigned.render()
            if answer.status_code == 409 and answer.headers.get("content-type", "").startswith("text/x.tlog.size"):
                witnessed_size = int(answer.text.strip())
                if witnessed_size == old:  # same size, another root: a fork
                    break
                old = witnessed_size
                continue
            break
        self.witness_refusals += 1
        log.error("transparency.witness_refused", witness=url, size=head.size, old=old, status=status,
                  reason=reason)
        return None

    async def publish(self, conn: asyncpg.Connection, *, witnessed_only: bool | None = None) -> int:
        """Publish the stored checkpoints not yet on the topic, in size order, each with the consistency
        proof from the one published before it. With a witness, only co-signed ones go out (what auditors
        trust; a refused checkpoint stays in the history served over HTTP, marked ``witnessed: false``)."""
        assert self.producer is not None
        only = self.witness is not None if witnessed_only is None else witnessed_only
        rows = await conn.fetch(
            "SELECT tree_size, note FROM transparency_checkpoints WHERE NOT published AND (witnessed OR NOT $1) "
            "AND tree_size > (SELECT coalesce(max(tree_size), 0) FROM transparency_checkpoints WHERE published) "
            "ORDER BY tree_size", only)
        for row in rows:
            previous = await conn.fetchval(
                "SELECT coalesce(max(tree_size), 0) FROM transparency_checkpoints WHERE published")
            proof = await consistency_proof(conn, previous, row["tree_size"]) if previous else []
            record = {"checkpoint": row["note"], "tree_size": row["tree_size"], "previous_size": previous,
                      "consistency_proof": [base64.b64encode(h).decode() for h in proof]}
            await self.producer.send_and_wait(self.topic, json.dumps(record).encode(), key=(self.origin or "").encode(),
                                              partition=0)
            await conn.execute("UPDATE transparency_checkpoints SET published = true WHERE tree_size = $1",
                               row["tree_size"])
        return len(rows)
