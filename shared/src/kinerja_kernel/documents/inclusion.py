"""The transparency proof a document carries (issue 16): the inclusion proof of the events it was made from
(and of its own record's events) against the service's latest witnessed checkpoint.

A source is the *last* event of a stream the document read; its ``ce_hash`` chains every earlier event of that
stream, so proving that one leaf is in a witnessed checkpoint pins the whole prefix of the stream the document
was made from. Events appended after the latest checkpoint are *pending* (``belum tercatat``): the document says
so and the public verification page, asked later, proves them. Without a witnessed checkpoint the latest signed
one is used and the document says it is not witnessed yet.

The bundle (:meth:`kinerja_kernel.transparency.proofs.ProofBundle.as_dict`) is embedded in the PDF/A-3 as
``bukti-transparansi.json``; ``docs/events/transparency.md`` section 8 says how to check it without our code.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kinerja_kernel.db import Database
from kinerja_kernel.transparency.checkpoint import Checkpoint, SignedCheckpoint
from kinerja_kernel.transparency.merkle import leaf_hash, verify_inclusion
from kinerja_kernel.transparency.note import Note, NoteError, Verifier
from kinerja_kernel.transparency.proofs import proofs_for
from kinerja_kernel.transparency.store import leaf_data

if TYPE_CHECKING:
    from kinerja_kernel.runtime import ServiceRuntime


class Proven(enum.StrEnum):
    PROVEN = "terbukti"  # the inclusion proof leads to the checkpoint's root
    PENDING = "belum_tercatat"  # appended after the checkpoint: check again later
    FAILED = "tidak_terbukti"  # a proof was given and it does not lead to the root


@dataclass(frozen=True)
class ProvenEvent:
    event_id: str
    leaf_index: int | None
    status: Proven


@dataclass(frozen=True)
class DocumentProof:
    """What a document and its verification page show of the transparency log."""

    origin: str
    tree_size: int
    root: str  # base64, as in the checkpoint
    signed: bool  # the log's signature verified with the service's key
    witnessed: bool  # the witness's cosignature verified with its key
    witness: str | None
    events: tuple[ProvenEvent, ...]
    bundle: dict[str, Any]

    @property
    def complete(self) -> bool:
        return all(e.status is Proven.PROVEN for e in self.events)

    def status_of(self, event_id: str) -> ProvenEvent | None:
        return next((e for e in self.events if e.event_id == event_id), None)


@dataclass(frozen=True)
class LogKeys:
    """The service's log key and the witness's key (None: not configured, nothing is signed or co-signed)."""

    log: Verifier | None
    witness: Verifier | None


def _open(note: str, keys: LogKeys) -> tuple[Checkpoint, bool, bool]:
    if keys.log is not None:
        try:
            signed = SignedCheckpoint.open(note, keys.log)
        except NoteError:
            pass
        else:
            witnessed = keys.witness is not None and signed.witnessed_by(keys.witness)
            return signed.checkpoint, True, witnessed
    return Checkpoint.from_text(Note.parse(note).text), False, False


async def prove(db: Database, event_ids: Sequence[str], keys: LogKeys) -> DocumentProof | None:
    """The proof of ``event_ids`` against the latest witnessed checkpoint (else the latest signed one); None
    when the service has no checkpoint at all. Each proof is checked here before it is shown."""
    async with db.connection() as conn:
        bundle = await proofs_for(conn, event_ids, witnessed=True)
        if bundle is None:
            bundle = await proofs_for(conn, event_ids, witnessed=False)
    if bundle is None:
        return None
    head, signed, witnessed = _open(bundle.checkpoint, keys)
    events: list[ProvenEvent] = []
    for proof in bundle.proofs:
        path = [base64.b64decode(h) for h in proof.proof]
        ok = verify_inclusion(leaf_hash(leaf_data(proof.leaf_data)), proof.leaf_index, head.size, path, head.root)
        events.append(ProvenEvent(proof.event_id, proof.leaf_index, Proven.PROVEN if ok else Proven.FAILED))
    events += [ProvenEvent(e, None, Proven.PENDING) for e in bundle.not_yet_witnessed]
    order = {e: i for i, e in enumerate(event_ids)}
    events.sort(key=lambda e: order.get(e.event_id, len(order)))
    return DocumentProof(origin=head.origin, tree_size=head.size, root=base64.b64encode(head.root).decode(),
                         signed=signed, witnessed=witnessed,
                         witness=keys.witness.name if witnessed and keys.witness else None,
                         events=tuple(events), bundle={"origin": head.origin, **bundle.as_dict(),
                                                       "log_key": keys.log.vkey if keys.log else None,
                                                       "witness_key": keys.witness.vkey if keys.witness else None})




def keys_of(runtime: ServiceRuntime) -> Callable[[], LogKeys]:
    """The running service's keys, read when a document is made (the log starts after the routes are wired)."""
    def keys() -> LogKeys:
        log = runtime.transparency
        return LogKeys(log.signer.verifier if log is not None and log.signer is not None else None,
                       log.witness.key if log is not None and log.witness is not None else None)
    return keys


__all__ = ["DocumentProof", "LogKeys", "Proven", "ProvenEvent", "keys_of", "prove"]
