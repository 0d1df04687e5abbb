"""The transparency API every service serves for its own log. Public on purpose: checkpoints and proofs
disclose only hashes, sizes and event ids (no content), and anyone — an auditor, the witness, a citizen
holding a document — must be able to check them without an account."""

from __future__ import annotations

import base64
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from kinerja_kernel.errors import InvalidInput, NotFound
from kinerja_kernel.runtime import ServiceRuntime
from kinerja_kernel.transparency.proofs import latest_checkpoint
from kinerja_kernel.transparency.store import consistency_proof, inclusion_proof, leaves_from, leaves_of


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def transparency_router(service: str) -> APIRouter:
    router = APIRouter(prefix="/api/v1/transparency", tags=["Transparency"])

    @router.get("/checkpoint", response_class=PlainTextResponse)
    async def checkpoint(request: Request, witnessed: bool = False) -> PlainTextResponse:
        """The latest checkpoint (C2SP signed note, with the witness's cosignature when it has one);
        ``witnessed=true``: the latest one the witness co-signed."""
        async with _runtime(request).db.connection() as conn:
            head = await latest_checkpoint(conn, witnessed=witnessed)
        if head is None:
            raise NotFound("kernel.transparency.no-checkpoint", witnessed=" yang disaksikan" if witnessed else "",
                           witnessed_en=" witnessed" if witnessed else "")
        return PlainTextResponse(head["note"], media_type="text/plain; charset=utf-8")

    @router.get("/checkpoints")
    async def checkpoints(request: Request, after_size: Annotated[int, Query(ge=0)] = 0,
                          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
        """The checkpoint history, oldest first, after a tree size."""
        async with _runtime(request).db.connection() as conn:
            rows = await conn.fetch(
                "SELECT tree_size, root_hash, note, witnessed, created_at FROM transparency_checkpoints "
                "WHERE tree_size > $1 ORDER BY tree_size LIMIT $2", after_size, limit)
        return {"service": service, "checkpoints": [
            {"tree_size": r["tree_size"], "root_hash": _b64(r["root_hash"]), "witnessed": r["witnessed"],
             "created_at": r["created_at"].isoformat(), "checkpoint": r["note"]} for r in rows]}

    @router.get("/inclusion")
    async def inclusion(request: Request, event_id: uuid.UUID,
                        tree_size: Annotated[int | None, Query(ge=1, description="default: latest")] = None
                        ) -> dict[str, Any]:
        """The inclusion proof of an event in the checkpoint of ``tree_size`` (RFC 9162 2.1.3)."""
        async with _runtime(request).db.connection() as conn:
            if tree_size is None:
                head = await latest_checkpoint(conn, witnessed=False)
            else:
                head = await conn.fetchrow("SELECT tree_size, note FROM transparency_checkpoints "
                                           "WHERE tree_size = $1", tree_size)
            if head is None:
                raise NotFound("kernel.transparency.unknown-checkpoint", field="tree_size", size=tree_size or 0)
            found = await leaves_of(conn, [event_id])
            row = found[0] if found else None
            if row is None or row["leaf_index"] >= head["tree_size"]:
                raise NotFound("kernel.transparency.event-not-in-log", field="event_id", event_id=str(event_id))
            proof = await inclusion_proof(conn, row["leaf_index"], head["tree_size"])
        return {"service": service, "event_id": str(event_id), "leaf_index": row["leaf_index"],
                "leaf_data": row["hash"], "tree_size": head["tree_size"],
                "inclusion_proof": [_b64(h) for h in proof], "checkpoint": head["note"]}

    @router.get("/consistency")
    async def consistency(request: Request, old_size: Annotated[int, Query(ge=1)],
                          new_size: Annotated[int, Query(ge=1)]) -> dict[str, Any]:
        """The consistency proof between two tree sizes (RFC 9162 2.1.4)."""
        if old_size > new_size:
            raise InvalidInput("kernel.transparency.sizes", field="old_size", old_size=old_size, new_size=new_size)
        async with _runtime(request).db.connection() as conn:
            size = await conn.fetchval("SELECT size FROM transparency_log")
            if new_size > size:
                raise InvalidInput("kernel.transparency.size-beyond-log", field="new_size", size=new_size,
                                   log_size=size)
            proof = await consistency_proof(conn, old_size, new_size)
        return {"service": service, "old_size": old_size, "new_size": new_size,
                "consistency_proof": [_b64(h) for h in proof]}

    @router.get("/leaves")
    async def leaves(request: Request, start: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=10_000)] = 1000) -> dict[str, Any]:
        """The log's leaves in order: the event id and the leaf data (the event's ``ce_hash``), so an
        auditor can recompute the whole tree and match each leaf to an event on the topic."""
        async with _runtime(request).db.connection() as conn:
            rows = await leaves_from(conn, start, limit)
        return {"service": service, "leaves": [
            {"index": r["leaf_index"], "event_id": str(r["event_id"]), "leaf_data": r["hash"]} for r in rows]}

    @router.get("/keys")
    async def keys(request: Request) -> dict[str, Any]:
        """The log's verifier key and the witness's (C2SP vkeys). Auditors should get these out of band
        too: a key read from the server it vouches for proves nothing on its own."""
        log = _runtime(request).transparency
        return {"service": service, "origin": log.origin if log else None,
                "log_key": log.signer.verifier.vkey if log and log.signer else None,
                "witness_key": log.witness.key.vkey if log and log.witness and log.witness.key else None,
                "witness_url": log.witness.url if log and log.witness else None}

    return router

