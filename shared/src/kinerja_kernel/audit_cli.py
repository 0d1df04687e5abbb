"""``kinerja-audit``: the auditor's command line.

Reading commands (timeline, state, verify, reconcile, evidence-pack) call the services' audit APIs with
the auditor's token and merge their answers, so an auditor needs no database access. ``rebuild`` is an
operator's command: it connects to one service's database and Kafka directly.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import os
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from kinerja_kernel.rebuild import RebuildReport, rebuild
from kinerja_kernel.transparency.cli import app as transparency_app
from kinerja_kernel.transport import kafka_from_env

app = typer.Typer(help="Audit Kinerja: timelines, state at a moment, chain verification, reconciliation, "
                       "evidence packs and read-model rebuilds.", no_args_is_help=True)

DEFAULT_URLS = ["planning=http://127.0.0.1:8101", "evaluation=http://127.0.0.1:8102",
                "feedback=http://127.0.0.1:8103", "career=http://127.0.0.1:8104"]
Urls = Annotated[list[str], typer.Option("--url", help="service=base URL; repeat (default: the local ports)")]
Token = Annotated[str, typer.Option(envvar="KINERJA_TOKEN", help="the auditor's bearer token")]


def _services(urls: list[str]) -> dict[str, str]:
    pairs = dict(u.split("=", 1) for u in (urls or DEFAULT_URLS))
    return {name: url.rstrip("/") for name, url in pairs.items()}


def _get(urls: list[str], token: str, path: str, params: dict[str, Any]) -> dict[str, httpx.Response]:
    params = {k: v for k, v in params.items() if v is not None and v != []}
    answers = {}
    with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:
        for name, base in _services(urls).items():
            answers[name] = client.get(f"{base}/api/v1/audit{path}", params=params)
    return answers


def _json(answers: dict[str, httpx.Response]) -> dict[str, Any]:
    out = {}
    for name, response in answers.items():
        if response.status_code != 200:
            typer.echo(f"{name}: HTTP {response.status_code} {response.text[:300]}", err=True)
            raise typer.Exit(2)
        out[name] = response.json()
    return out


@app.command()
def timeline(token: Token, subject: Annotated[str | None, typer.Option(help="employee NIP")] = None,
             office: Annotated[str | None, typer.Option()] = None,
             kind: Annotated[list[str] | None, typer.Option(help="event type or its last part; repeat")] = None,
             since: Annotated[datetime | None, typer.Option()] = None,
             until: Annotated[datetime | None, typer.Option()] = None,
             as_json: Annotated[bool, typer.Option("--json")] = False, url: Urls = DEFAULT_URLS) -> None:
    """An employee's (or an office's) timeline across every service, oldest first."""
    answers = _json(_get(url, token, "/timeline", {"subject": subject, "office_id": office, "kind": kind or [],
                                                   "since": since and since.isoformat(),
                                                   "until": until and until.isoformat()}))
    entries = sorted((e for a in answers.values() for e in a["entries"]), key=lambda e: e["recorded_at"])
    if as_json:
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    for e in entries:
        change = f" {_short(e['previous'])} -> {_short(e['new'])}" if e["previous"] is not None else ""
        reason = f"  ({e['reason']})" if e["reason"] else ""
        typer.echo(f"{e['recorded_at']}  {e['office_id']:<14} {e['actor_id']:<20} {e['actor_role']:<22} "
                   f"{e['event_type']}{change}{reason}")
    typer.echo(f"{len(entries)} peristiwa dari {len(answers)} layanan")


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


@app.command()
def state(token: Token, service: Annotated[str, typer.Option()], stream: Annotated[str, typer.Option()],
          at: Annotated[datetime | None, typer.Option(help="the moment (ISO 8601); default now")] = None,
          url: Urls = DEFAULT_URLS) -> None:
    """The state of one SKP, appraisal, ... as it stood at a moment."""
    answers = _json(_get([u for u in (url or DEFAULT_URLS) if u.startswith(f"{service}=")], token,
                         f"/streams/{stream}", {"at": at and at.isoformat()}))
    typer.echo(json.dumps(answers[service], indent=2, ensure_ascii=False))


@app.command()
def verify(token: Token, stream: Annotated[str | None, typer.Option()] = None,
           office: Annotated[str | None, typer.Option()] = None, subject: Annotated[str | None, typer.Option()] = None,
           url: Urls = DEFAULT_URLS) -> None:
    """Recompute the hash chains in every service; exit 1 and say where if any is broken."""
    answers = _json(_get(url, token, "/verify", {"stream_id": stream, "office_id": office, "subject": subject}))
    broken = 0
    for name, report in answers.items():
        typer.echo(f"{name:<11} {'UTUH' if report['ok'] else 'RUSAK'}  streams={report['streams']} "
                   f"events={report['events']} seconds={report['seconds']}")
        for b in report["breaks"]:
            broken += 1
            typer.echo(f"  BREAK {b['stream_id']} v{b['stream_version']} {b['event_id']}: {b['reason']}")
    raise typer.Exit(1 if broken else 0)


@app.command()
def reconcile(token: Token, office: Annotated[str | None, typer.Option()] = None, url: Urls = DEFAULT_URLS) -> None:
    """Compare each service's store with its Kafka topic; exit 1 and list every difference."""
    answers = _json(_get(url, token, "/reconcile", {"office_id": office}))
    differences = 0
    for name, report in answers.items():
        typer.echo(f"{name:<11} {'SAMA' if report['ok'] else 'BERBEDA'}  stored={report['stored']} "
                   f"on_topic={report['on_topic']} duplicates={report['duplicates']}")
        for d in report["differences"]:
            differences += 1
            typer.echo(f"  {d['kind']}: {d['event_id']} {d['stream_id']} v{d['stream_version']} "
                       f"partition={d['partition']} offset={d['offset']} — {d['detail']}")
    raise typer.Exit(1 if differences else 0)


@app.command("evidence-pack")
def evidence_pack(token: Token, out: Annotated[Path, typer.Option(help="zip file to write")],
                  subject: Annotated[str | None, typer.Option()] = None,
                  office: Annotated[str | None, typer.Option()] = None,
                  unit: Annotated[str | None, typer.Option()] = None,
                  since: Annotated[datetime | None, typer.Option()] = None,
                  until: Annotated[datetime | None, typer.Option()] = None, url: Urls = DEFAULT_URLS) -> None:
    """One zip with each service's pack (events, verification, report) in its own folder."""
    answers = _get(url, token, "/evidence-pack", {"subject": subject, "office_id": office, "unit_id": unit,
                                                  "since": since and since.isoformat(),
                                                  "until": until and until.isoformat()})
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        for name, response in answers.items():
            if response.status_code != 200:
                typer.echo(f"{name}: HTTP {response.status_code} {response.text[:300]}", err=True)
                raise typer.Exit(2)
            with zipfile.ZipFile(io.BytesIO(response.content)) as part:
                for member in part.namelist():
                    pack.writestr(f"{name}/{member}", part.read(member))
    typer.echo(f"ditulis: {out}")


@app.command("rebuild")
def rebuild_command(
    service: Annotated[str, typer.Argument(help="planning, evaluation, feedback or career")],
    database_url: Annotated[str, typer.Option(envvar="KINERJA_REBUILD_DATABASE_URL")],
    bootstrap: Annotated[str | None, typer.Option(envvar="KINERJA_REBUILD_KAFKA_BOOTSTRAP_SERVERS")] = None,
    source: Annotated[str, typer.Option("--from", help="kafka (the service's topic) or store")] = "kafka",
    apply: Annotated[bool, typer.Option(help="replace the live read models (stop the service first)")] = False,
) -> None:
    """Rebuild a service's read models beside the live ones, compare them, and optionally swap them in."""
    spec = importlib.import_module(f"kinerja_{service}.entrypoints.main").AUDIT.read_models
    if spec is None:
        typer.echo(f"{service} declares no read models", err=True)
        raise typer.Exit(2)

    def progress(phase: str, done: int, total: int) -> None:
        shown = f"{done}/{total}" if total else str(done)
        sys.stderr.write(f"\r{service} {phase}: {shown} peristiwa")
        sys.stderr.flush()

    kafka = kafka_from_env(bootstrap) if bootstrap else None  # security from KINERJA_KAFKA_* (SASL_SSL, mTLS)
    report: RebuildReport = asyncio.run(rebuild(database_url, spec, source="kafka" if source == "kafka" else "store",
                                                bootstrap=kafka, apply=apply, progress=progress))
    sys.stderr.write("\n")
    typer.echo(f"{service}: {report.events} events in {report.seconds:.2f}s ({report.events_per_second:.0f}/s) "
               f"from {report.source}")
    for t in report.tables:
        typer.echo(f"  {t.table:<28} live={t.live:<7} rebuilt={t.rebuilt:<7} "
                   f"{'sama' if t.equal else f'BERBEDA missing={t.missing} extra={t.extra}'}")
    if report.applied:
        typer.echo("  the rebuilt tables replaced the live ones")
    raise typer.Exit(0 if report.equal else 1)


app.add_typer(transparency_app, name="transparency")


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
