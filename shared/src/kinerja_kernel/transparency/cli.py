"""``kinerja-audit transparency …``: fetch and check a service's checkpoints and proofs.

Every check runs here, on the auditor's machine, from the public transparency routes; the keys should
come from the auditor's own records (``--log-key``, ``--witness-key``), not from the server checked.
"""

from __future__ import annotations

import base64
import itertools
from typing import Annotated, Any

import httpx
import typer

from kinerja_kernel.transparency.checkpoint import Checkpoint, SignedCheckpoint
from kinerja_kernel.transparency.merkle import leaf_hash, verify_consistency, verify_inclusion
from kinerja_kernel.transparency.note import NoteError, Verifier
from kinerja_kernel.transparency.proofs import locate_divergence
from kinerja_kernel.transparency.store import leaf_data

app = typer.Typer(help="Verifiable history: checkpoints, inclusion and consistency proofs, whole-log checks.",
                  no_args_is_help=True)

PORTS = {"planning": 8101, "evaluation": 8102, "feedback": 8103, "career": 8104}
Service = Annotated[str, typer.Option("--service", help="planning, evaluation, feedback or career")]
Url = Annotated[str | None, typer.Option("--url", help="the service's base URL (default: the local port)")]
LogKey = Annotated[str | None, typer.Option("--log-key", envvar="KINERJA_LOG_KEY",
                                            help="the log's verifier key (C2SP vkey) from your own records")]
WitnessKey = Annotated[str | None, typer.Option("--witness-key", envvar="KINERJA_WITNESS_KEY",
                                                help="the witness's verifier key (type 0x04) you trust")]


def _base(service: str, url: str | None) -> str:
    return (url or f"http://127.0.0.1:{PORTS.get(service, 8101)}").rstrip("/") + "/api/v1/transparency"


def _get(base: str, path: str, **params: Any) -> Any:
    answer = httpx.get(base + path, params={k: v for k, v in params.items() if v is not None}, timeout=120)
    if answer.status_code != 200:
        typer.echo(f"HTTP {answer.status_code} {answer.text[:300]}", err=True)
        raise typer.Exit(2)
    return answer.json() if "json" in answer.headers.get("content-type", "") else answer.text


def _keys(base: str, log_key: str | None, witness_key: str | None) -> tuple[Verifier, Verifier | None]:
    if log_key is None or witness_key is None:
        served = _get(base, "/keys")
        typer.echo("peringatan: kunci diambil dari server yang diperiksa; bandingkan dengan catatan Anda sendiri",
                   err=True)
        log_key = log_key or served["log_key"]
        witness_key = witness_key or served["witness_key"]
    if log_key is None:
        typer.echo("log ini belum punya kunci penanda tangan", err=True)
        raise typer.Exit(2)
    return Verifier.parse(log_key), Verifier.parse(witness_key) if witness_key else None


def _open(message: str, log_key: Verifier, witness: Verifier | None) -> tuple[Checkpoint, bool]:
    signed = SignedCheckpoint.open(message, log_key)
    return signed.checkpoint, witness is not None and signed.witnessed_by(witness)


def _history(base: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        page = _get(base, "/checkpoints", after_size=out[-1]["tree_size"] if out else 0, limit=1000)["checkpoints"]
        if not page:
            return out
        out += page


@app.command()
def checkpoint(service: Service, url: Url = None, witnessed: bool = False) -> None:
    """Print the latest checkpoint (a C2SP signed note)."""
    typer.echo(_get(_base(service, url), "/checkpoint", witnessed=str(witnessed).lower()), nl=False)


@app.command()
def inclusion(service: Service, event_id: Annotated[str, typer.Option()],
              tree_size: Annotated[int | None, typer.Option()] = None, url: Url = None, log_key: LogKey = None,
              witness_key: WitnessKey = None) -> None:
    """Check that an event is in a (witnessed) checkpoint."""
    base = _base(service, url)
    log, witness = _keys(base, log_key, witness_key)
    proof = _get(base, "/inclusion", event_id=event_id, tree_size=tree_size)
    head, cosigned = _open(proof["checkpoint"], log, witness)
    ok = verify_inclusion(leaf_hash(leaf_data(proof["leaf_data"])), proof["leaf_index"], head.size,
                          [base64.b64decode(h) for h in proof["inclusion_proof"]], head.root)
    typer.echo(f"{'TERBUKTI' if ok else 'GAGAL'}: peristiwa {event_id} pada indeks {proof['leaf_index']} dalam "
               f"checkpoint ukuran {head.size} ({'disaksikan' if cosigned else 'BELUM disaksikan'})")
    raise typer.Exit(0 if ok and cosigned else 1)


@app.command()
def consistency(service: Service, old: Annotated[int, typer.Option()], new: Annotated[int, typer.Option()],
                url: Url = None, log_key: LogKey = None, witness_key: WitnessKey = None) -> None:
    """Check that the checkpoint of size ``new`` extends the one of size ``old``."""
    base = _base(service, url)
    log, witness = _keys(base, log_key, witness_key)
    heads = {c["tree_size"]: c["checkpoint"] for c in _history(base)}
    if old not in heads or new not in heads:
        typer.echo("tidak ada checkpoint dengan ukuran itu", err=True)
        raise typer.Exit(2)
    (a, _), (b, _) = _open(heads[old], log, witness), _open(heads[new], log, witness)
    proof = _get(base, "/consistency", old_size=old, new_size=new)["consistency_proof"]
    ok = verify_consistency(a.size, b.size, a.root, b.root, [base64.b64decode(h) for h in proof])
    typer.echo(f"{'KONSISTEN' if ok else 'TIDAK KONSISTEN'}: ukuran {old} -> {new}")
    raise typer.Exit(0 if ok else 1)


@app.command("verify-log")
def verify_log(service: Service, url: Url = None, log_key: LogKey = None, witness_key: WitnessKey = None) -> None:
    """Recompute the whole tree from the served leaves and check every checkpoint against it: signatures,
    cosignatures, roots, and consistency from one witnessed checkpoint to the next."""
    base = _base(service, url)
    log, witness = _keys(base, log_key, witness_key)
    problems: list[str] = []
    heads: list[Checkpoint] = []
    witnessed: list[Checkpoint] = []
    for item in _history(base):
        try:
            head, cosigned = _open(item["checkpoint"], log, witness)
        except NoteError as exc:
            problems.append(f"checkpoint {item['tree_size']}: {exc}")
            continue
        heads.append(head)
        if cosigned:
            witnessed.append(head)
    leaves: list[bytes] = []
    while True:
        page = _get(base, "/leaves", start=len(leaves), limit=10_000)["leaves"]
        if not page:
            break
        leaves += [leaf_hash(leaf_data(leaf["leaf_data"])) for leaf in page]
    divergence = locate_divergence(leaves, heads)
    if divergence is not None:
        problems.append(divergence.describe())
    for a, b in itertools.pairwise(witnessed):
        proof = _get(base, "/consistency", old_size=a.size, new_size=b.size)["consistency_proof"]
        if not verify_consistency(a.size, b.size, a.root, b.root, [base64.b64decode(h) for h in proof]):
            problems.append(f"witnessed checkpoints {a.size} -> {b.size} are not consistent")
    for problem in problems:
        typer.echo(f"- {problem}")
    typer.echo(f"{'UTUH' if not problems else 'RUSAK'}: {len(leaves)} daun, {len(heads)} checkpoint, "
               f"{len(witnessed)} disaksikan")
    raise typer.Exit(0 if not problems else 1)
