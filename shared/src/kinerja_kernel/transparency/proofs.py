"""Proofs for others to carry (evidence packs, documents) and the auditor's checks, on stored data.

``proofs_for(conn, event_ids)`` is the API for anything that hands events to someone outside: it
returns the latest *witnessed* checkpoint and, for each event, its leaf index, leaf data and inclusion
proof against that checkpoint. Whoever receives it checks it with ``check_bundle`` (or with any
RFC 9162 / C2SP implementation, see ``docs/events/transparency.md``).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from kinerja_kernel.transparency.checkpoint import Checkpoint, SignedCheckpoint
from kinerja_kernel.transparency.merkle import CompactRange, leaf_hash, verify_consistency, verify_inclusion
from kinerja_kernel.transparency.note import Note, NoteError, Verifier
from kinerja_kernel.transparency.store import inclusion_proof, leaf_data, leaves_of


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


@dataclass(frozen=True)
class EventProof:
    event_id: str
    leaf_index: int
    leaf_data: str  # hex: the event's ce_hash
    proof: list[str]  # base64 hashes, leaf to root (RFC 9162 2.1.3.1)

    def as_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "leaf_index": self.leaf_index, "leaf_data": self.leaf_data,
                "inclusion_proof": self.proof}


@dataclass(frozen=True)
class ProofBundle:
    """A witnessed checkpoint and the inclusion proofs of some events in it."""

    checkpoint: str  # the signed note, with the witness's cosignature
    tree_size: int
    proofs: list[EventProof]
    not_yet_witnessed: list[str] = field(default_factory=list)  # events after the checkpoint (or unknown)

    def as_dict(self) -> dict[str, Any]:
        return {"format": "kinerja-transparency-proofs/v1", "checkpoint": self.checkpoint,
                "tree_size": self.tree_size, "events": [p.as_dict() for p in self.proofs],
                "not_yet_witnessed": self.not_yet_witnessed}


async def has_log(conn: asyncpg.Connection) -> bool:
    return bool(await conn.fetchval("SELECT to_regclass('transparency_checkpoints') IS NOT NULL"))


async def latest_checkpoint(conn: asyncpg.Connection, *, witnessed: bool = True) -> asyncpg.Record | None:
    sql = "SELECT tree_size, root_hash, note FROM transparency_checkpoints"
    sql += " WHERE witnessed" if witnessed else ""
    record: asyncpg.Record | None = await conn.fetchrow(sql + " ORDER BY tree_size DESC LIMIT 1")
    return record


async def proofs_for(conn: asyncpg.Connection, event_ids: Iterable[uuid.UUID | str], *,
                     witnessed: bool = True) -> ProofBundle | None:
    """Inclusion proofs of ``event_ids`` against the latest witnessed checkpoint (``witnessed=False``:
    the latest signed one). None when the service has no such checkpoint yet."""
    if not await has_log(conn):
        return None
    head = await latest_checkpoint(conn, witnessed=witnessed)
    if head is None:
        return None
    ids = [uuid.UUID(str(e)) for e in event_ids]
    rows = await leaves_of(conn, ids)
    size = head["tree_size"]
    proofs = []
    for row in rows:
        if row["leaf_index"] >= size:
            continue
        path = await inclusion_proof(conn, row["leaf_index"], size)
        proofs.append(EventProof(str(row["event_id"]), row["leaf_index"], row["hash"], [_b64(h) for h in path]))
    proven = {p.event_id for p in proofs}
    return ProofBundle(head["note"], size, proofs, [str(e) for e in ids if str(e) not in proven])


@dataclass
class BundleCheck:
    ok: bool
    problems: list[str]


def check_bundle(bundle: dict[str, Any], log_key: Verifier, witness_key: Verifier | None) -> BundleCheck:
    """Check a ``ProofBundle.as_dict()``: the log's signature, the witness's cosignature (if a key is
    given), and every inclusion proof against the checkpoint's root."""
    problems: list[str] = []
    try:
        signed = SignedCheckpoint.open(bundle["checkpoint"], log_key)
    except NoteError as exc:
        return BundleCheck(False, [f"checkpoint: {exc}"])
    if witness_key is not None and not signed.witnessed_by(witness_key):
        problems.append(f"checkpoint: no valid cosignature by {witness_key.name}")
    head = signed.checkpoint
    for item in bundle["events"]:
        proof = [base64.b64decode(h) for h in item["inclusion_proof"]]
        leaf = leaf_hash(leaf_data(item["leaf_data"]))
        if not verify_inclusion(leaf, item["leaf_index"], head.size, proof, head.root):
            problems.append(f"event {item['event_id']}: the inclusion proof does not lead to the checkpoint's root")
    return BundleCheck(not problems, problems)


@dataclass(frozen=True)
class Divergence:
    """Where the leaves an auditor recomputed stop agreeing with the witnessed checkpoints."""

    checkpoint_size: int
    after_size: int  # the last witnessed checkpoint that still agrees (0: none)
    first_differing_leaf: int | None  # when an honest copy of the leaves (e.g. from the topic) was given

    def describe(self) -> str:
        where = (f"leaf {self.first_differing_leaf}" if self.first_differing_leaf is not None
                 else f"leaves {self.after_size}..{self.checkpoint_size - 1}")
        return (f"the log disagrees with the witnessed checkpoint of size {self.checkpoint_size}; it still agrees "
                f"with size {self.after_size}; the change is in {where}")


def locate_divergence(leaves: Sequence[bytes], checkpoints: Sequence[Checkpoint],
                      honest: Sequence[bytes] | None = None) -> Divergence | None:
    """Recompute the root at each witnessed checkpoint's size from ``leaves`` (leaf *hashes*, in log
    order) and report the first checkpoint that disagrees. With ``honest`` leaves (an independent copy)
    the first differing leaf is named too."""
    heads = sorted(checkpoints, key=lambda c: c.size)
    compact = CompactRange()
    agreed = 0
    for head in heads:
        if head.size > len(leaves):
            return Divergence(head.size, agreed, len(leaves) if honest is None else _first_diff(leaves, honest))
        compact.extend(leaves[compact.size:head.size])
        if compact.root() != head.root:
            first = _first_diff(leaves, honest) if honest is not None else None
            return Divergence(head.size, agreed, first)
        agreed = head.size
    return None


def _first_diff(a: Sequence[bytes], b: Sequence[bytes]) -> int | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def witnessed_checkpoints(notes: Iterable[str], log_key: Verifier, witness_key: Verifier) -> list[Checkpoint]:
    """The checkpoints among ``notes`` signed by the log and co-signed by the witness."""
    out = []
    for message in notes:
        try:
            signed = SignedCheckpoint.open(message, log_key)
        except NoteError:
            continue
        if signed.witnessed_by(witness_key):
            out.append(signed.checkpoint)
    return out


def note_text(message: str) -> str:
    return Note.parse(message).text


def check_checkpoint_stream(values: Iterable[bytes], log_key: Verifier, witness_key: Verifier) -> list[str]:
    """Check a ``kinerja.<service>.checkpoints`` topic on its own, record by record: each checkpoint is
    signed by the log and co-signed by the witness, names the size of the record before it, and carries a
    consistency proof from that record's root. Returns the problems (empty: the topic tells one
    append-only history). A topic rebuilt from a forged store fails here: the witness does not co-sign
    a rewritten tree, and no consistency proof joins it to the checkpoints already published."""
    problems: list[str] = []
    previous: Checkpoint | None = None
    for offset, value in enumerate(values):
        try:
            record = json.loads(value)
            signed = SignedCheckpoint.open(record["checkpoint"], log_key)
        except (ValueError, KeyError, TypeError, NoteError) as exc:
            problems.append(f"offset {offset}: not a checkpoint signed by {log_key.name} ({exc})")
            continue
        head = signed.checkpoint
        if not signed.witnessed_by(witness_key):
            problems.append(f"offset {offset}: size {head.size} is not co-signed by the witness {witness_key.name}")
        if previous is not None:
            proof = [base64.b64decode(h) for h in record.get("consistency_proof", [])]
            if record.get("previous_size") != previous.size:
                problems.append(f"offset {offset}: names the previous size {record.get('previous_size')}, "
                                f"the record before it has size {previous.size}")
            elif not verify_consistency(previous.size, head.size, previous.root, head.root, proof):
                problems.append(f"offset {offset}: size {head.size} is not an extension of size {previous.size} "
                                "(the history before it was rewritten)")
        previous = head
    return problems
