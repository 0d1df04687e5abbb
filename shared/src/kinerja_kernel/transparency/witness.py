"""The witness: a small, separate process that co-signs a log's checkpoints only if they extend the last
one it co-signed (C2SP ``tlog-witness`` protocol, ``cosignature/v1``).

Another institution (an inspectorate, BKN) can run it on its own with its own key: it needs no access to
our databases or Kafka, only the logs' public keys and a state file. For each log (identified by its
origin) it keeps the latest checkpoint it co-signed. ``POST /add-checkpoint`` takes ``old <size>``,
the consistency proof lines, a blank line and the signed checkpoint; it answers with its cosignature
line, or refuses:

- 404: unknown origin; 403: no valid signature by the log's key; 400: malformed, or old size above the
  checkpoint's size;
- 409 (``text/x.tlog.size``, the size it last co-signed): the old size is not the size it co-signed;
- 422: the consistency proof does not verify; 409 also when the size equals but the root differs.

A fork (same size, another root; or a proof that fails) and a rollback (a checkpoint smaller than what
it co-signed) raise an alarm: an error log ``witness.alarm``, the ``alarms`` counter in ``/health`` and
``kinerja_witness_alarms`` in ``/metrics`` (Prometheus), and a record appended to
``<state>.alarms.jsonl`` with the refused checkpoint (evidence of misbehaviour). ``/metrics`` also gives
each log's co-signed size and the time of its latest cosignature, so a log that stopped reaching its
witness shows.

Run: ``python -m kinerja_kernel.transparency.witness --key-file witness.key --log <vkey> --state
witness.json --port 8190`` (``--generate-key`` writes a new key file and prints its verifier key).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from kinerja_kernel.transparency.checkpoint import SignedCheckpoint
from kinerja_kernel.transparency.merkle import verify_consistency
from kinerja_kernel.transparency.note import COSIGNATURE_V1, NoteError, Signer, Verifier

log = structlog.get_logger(__name__)

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Refusal(Exception):
    status: int
    reason: str
    body: str = ""
    alarm: bool = False


@dataclass(frozen=True)
class Submission:
    old: int
    proof: list[bytes]
    checkpoint: str


def parse_request(body: str) -> Submission:
    """``old <size>\\n`` + proof lines + ``\\n`` + checkpoint (C2SP tlog-witness add-checkpoint)."""
    head, sep, checkpoint = body.partition("\n\n")
    lines = head.split("\n")
    if not sep or not lines[0].startswith("old "):
        raise Refusal(400, "the body is 'old <size>', proof lines, a blank line and a checkpoint")
    size = lines[0][4:]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise Refusal(400, "the old size is a decimal without leading zeros")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise Refusal(400, "more than 63 consistency proof lines")
    try:
        proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
    except (binascii.Error, ValueError) as exc:
        raise Refusal(400, "a proof line is not base64") from exc
    if any(len(h) != 32 for h in proof):
        raise Refusal(400, "a proof hash has 32 bytes")
    return Submission(int(size), proof, checkpoint)


class Witness:
    """The witness's rules and its state (a JSON file written atomically: origin -> latest co-signed)."""

    def __init__(self, signer: Signer, logs: list[Verifier], state_path: Path) -> None:
        if signer.kind != COSIGNATURE_V1:
            raise NoteError("a witness key has signature type 0x04 (cosignature/v1)")
        self.signer = signer
        self.logs: dict[str, list[Verifier]] = {}
        for v in logs:  # an origin may have several keys (a rotation in progress)
            self.logs.setdefault(v.name, []).append(v)
        self.state_path = state_path
        self.alarm_path = state_path.with_name(state_path.name + ".alarms.jsonl")
        self.state: dict[str, dict[str, Any]] = (
            json.loads(state_path.read_text()) if state_path.exists() else {})
        self.alarms = sum(1 for _ in self.alarm_path.open()) if self.alarm_path.exists() else 0
        self.cosigned = 0
        self._lock = asyncio.Lock()

    async def add_checkpoint(self, body: str) -> str:
        """Check and co-sign; returns the cosignature line or raises ``Refusal``."""
        request = parse_request(body)
        try:
            origin = request.checkpoint.split("\n", 1)[0]
        except ValueError as exc:  # pragma: no cover - split never fails
            raise Refusal(400, "no origin line") from exc
        keys = self.logs.get(origin)
        if not keys:
            raise Refusal(404, f"unknown log {origin!r}")
        signed = None
        for key in keys:
            with contextlib.suppress(NoteError):
                signed = SignedCheckpoint.open(request.checkpoint, key)
                break
        if signed is None:
            raise Refusal(403, f"the checkpoint is not signed by a key of {origin}")
        new = signed.checkpoint
        async with self._lock:  # check and persist atomically
            latest = self.state.get(origin)
            size = latest["size"] if latest else 0
            if latest and new.size < size:  # validly signed and smaller than what was co-signed
                self._alarm("rollback", origin, request, f"size {new.size} below the co-signed {size}")
            if request.old > new.size:
                raise Refusal(400, "the old size is above the checkpoint's size", alarm=new.size < size)
            if request.old != size:
                raise Refusal(409, f"the witness co-signed size {size}", f"{size}\n")
            if latest:
                old_root = base64.b64decode(latest["root"])
                if new.size == size and new.root != old_root:
                    self._alarm("fork", origin, request, f"size {size} with another root hash")
                    raise Refusal(409, "same size, different root hash: a fork", f"{size}\n", alarm=True)
                if not verify_consistency(size, new.size, old_root, new.root, request.proof):
                    self._alarm("fork", origin, request, f"not consistent with the co-signed size {size}")
                    raise Refusal(422, "the consistency proof does not verify", alarm=True)
            elif request.proof:
                raise Refusal(422, "the proof from size 0 is empty")
            timestamp = int(time.time())
            line = self.signer.signature_line(new.text, timestamp=timestamp)
            self.state[origin] = {"size": new.size, "root": base64.b64encode(new.root).decode(),
                                  "checkpoint": signed.note.text + "\n" + line, "cosigned_at": timestamp}
            self._save()
            self.cosigned += 1
        log.info("witness.cosigned", origin=origin, size=new.size)
        return line

    def _save(self) -> None:
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(json.dumps(self.state, indent=2))
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        tmp.replace(self.state_path)

    def _alarm(self, kind: str, origin: str, request: Submission, detail: str) -> None:
        self.alarms += 1
        record = {"at": int(time.time()), "kind": kind, "origin": origin, "detail": detail,
                  "old": request.old, "checkpoint": request.checkpoint,
                  "proof": [base64.b64encode(h).decode() for h in request.proof],
                  "cosigned": self.state.get(origin)}
        with self.alarm_path.open("a") as f:
            f.write(json.dumps(record) + "\n")
        log.error("witness.alarm", kind=kind, origin=origin, detail=detail, alarms=self.alarms)

    def recent_alarms(self, limit: int = 20) -> list[dict[str, Any]]:
        if not self.alarm_path.exists():
            return []
        return [json.loads(line) for line in self.alarm_path.read_text().splitlines()[-limit:]]


class WitnessMetrics(Collector):
    """The witness's figures, read from its state at each scrape (it has its own registry: a witness run
    by another institution exports only these)."""

    def __init__(self, witness: Witness) -> None:
        self.witness = witness

    def collect(self) -> Any:
        alarms = GaugeMetricFamily("kinerja_witness_alarms",
                                   "forks and rollbacks refused (kept in the alarms file)", value=self.witness.alarms)
        cosigned = GaugeMetricFamily("kinerja_witness_cosignatures",
                                     "checkpoints co-signed since this process started", value=self.witness.cosigned)
        size = GaugeMetricFamily("kinerja_witness_log_size", "tree size of the latest co-signed checkpoint",
                                 labels=["origin"])
        at = GaugeMetricFamily("kinerja_witness_last_cosigned_timestamp_seconds",
                               "when the latest checkpoint of a log was co-signed (Unix time)", labels=["origin"])
        for origin, state in sorted(self.witness.state.items()):
            size.add_metric([origin], state["size"])
            at.add_metric([origin], state.get("cosigned_at", 0))
        yield from (alarms, cosigned, size, at)


def witness_app(witness: Witness) -> FastAPI:
    app = FastAPI(title="Kinerja witness", version="1")
    registry = CollectorRegistry(auto_describe=True)
    registry.register(WitnessMetrics(witness))

    @app.post("/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("too large\n", status_code=413)
        try:
            line = await witness.add_checkpoint(body.decode("utf-8"))
        except UnicodeDecodeError:
            return PlainTextResponse("not UTF-8\n", status_code=400)
        except Refusal as refusal:
            log.warning("witness.refused", status=refusal.status, reason=refusal.reason)
            if refusal.body:
                return Response(refusal.body, status_code=refusal.status, media_type="text/x.tlog.size")
            return PlainTextResponse(refusal.reason + "\n", status_code=refusal.status)
        return PlainTextResponse(line)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "alarm" if witness.alarms else "ok", "name": witness.signer.name,
                "key": witness.signer.verifier.vkey, "alarms": witness.alarms, "cosigned": witness.cosigned,
                "logs": {o: {"size": s["size"], "root": s["root"]} for o, s in witness.state.items()},
                "recent_alarms": [{k: a[k] for k in ("at", "kind", "origin", "detail")}
                                  for a in witness.recent_alarms()]}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/checkpoint/{origin:path}", response_class=PlainTextResponse)
    async def latest(origin: str) -> Response:
        """The latest checkpoint this witness co-signed for a log (with its cosignature)."""
        state = witness.state.get(origin)
        if state is None:
            return PlainTextResponse("unknown log\n", status_code=404)
        return PlainTextResponse(state["checkpoint"])

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kinerja_kernel.transparency.witness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--key-file", type=Path, default=os.environ.get("KINERJA_WITNESS_KEY_FILE"))
    parser.add_argument("--generate-key", metavar="NAME", help="write a new key to --key-file and exit")
    parser.add_argument("--log", action="append", default=[], help="a log's verifier key; repeat")
    parser.add_argument("--state", type=Path, default=Path(os.environ.get("KINERJA_WITNESS_STATE",
                                                                          "witness-state.json")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8190)
    args = parser.parse_args(argv)
    if args.key_file is None:
        parser.error("--key-file is required")
    if args.generate_key:
        signer = Signer.generate(args.generate_key, COSIGNATURE_V1)
        args.key_file.write_text(signer.skey + "\n")
        args.key_file.chmod(0o600)
        sys.stdout.write(signer.verifier.vkey + "\n")
        return
    logs = [Verifier.parse(v) for v in args.log or os.environ.get("KINERJA_WITNESS_LOGS", "").split()]
    if not logs:
        parser.error("at least one --log verifier key")
    import uvicorn

    from kinerja_kernel.logging import configure_logging

    configure_logging(service="witness", json=False, level="INFO")
    witness = Witness(Signer.parse(args.key_file.read_text()), logs, args.state)
    log.info("witness.started", key=witness.signer.verifier.vkey, logs=sorted(witness.logs))
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(witness_app(witness), host=args.host, port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
