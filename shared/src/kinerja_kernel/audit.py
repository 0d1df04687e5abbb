"""Audit of one service's event store: timelines, state at a moment, chain verification, reconciliation
of the store against its Kafka topic, and evidence packs.

Everything here reads; nothing changes what is stored. Each service serves these over HTTP for its own
store (``audit_router``); ``kinerja-audit`` merges the services' answers for an auditor.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from pydantic_core import to_jsonable_python

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.canonical import canonical_json
from kinerja_kernel.chain import ChainBreak
from kinerja_kernel.cloudevents import MalformedMessage, from_kafka
from kinerja_kernel.envelope import EventEnvelope, format_time
from kinerja_kernel.eventstore import _COLUMNS, row_to_envelope
from kinerja_kernel.registry import REGISTRY, EventRegistry
from kinerja_kernel.topic_reader import TopicRecord, read_topic
from kinerja_kernel.transparency.proofs import ProofBundle, proofs_for
from kinerja_kernel.transport import KafkaTarget
from kinerja_kernel.verification import verify_rows

# payload members that hold "the new value" of a change, in the order they are looked for
_NEW_VALUE_KEYS = ("rating", "predicate", "result", "scores", "settings", "box", "eligible", "points", "status",
                   "value", "decision")


def timeline_entry(e: EventEnvelope) -> dict[str, Any]:
    """Who did what, when, where, old value, new value, reason — for any event type."""
    payload = e.payload
    new = next((payload[k] for k in _NEW_VALUE_KEYS if k in payload), None)
    return {
        "event_id": str(e.event_id), "event_type": e.event_type, "event_version": e.event_version,
        "source": e.source, "stream_id": e.stream_id, "stream_version": e.stream_version, "subject": e.subject,
        "office_id": e.office_id, "actor_id": e.actor_id, "actor_role": e.actor_role,
        "occurred_at": format_time(e.occurred_at), "recorded_at": format_time(e.recorded_at),
        "correlation_id": e.correlation_id, "causation_id": e.causation_id,
        "previous": payload.get("previous"), "new": new, "reason": payload.get("reason"), "payload": payload,
    }


@dataclass(frozen=True)
class Scope:
    """What an audit query covers. ``offices`` None means every office (operators, not auditors)."""

    offices: frozenset[str] | None = None
    subject: str | None = None
    office_id: str | None = None
    unit_id: str | None = None
    kinds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, args = [], []

        def arg(value: Any) -> str:
            args.append(value)
            return f"${len(args)}"

        if self.offices is not None:
            clauses.append(f"office_id = ANY({arg(sorted(self.offices))}::text[])")
        if self.subject:
            clauses.append(f"subject = {arg(self.subject)}")
        if self.office_id:
            clauses.append(f"office_id = {arg(self.office_id)}")
        if self.unit_id:
            unit = arg(self.unit_id)
            clauses.append("subject IN (SELECT subject FROM events WHERE "  # noqa: S608 - placeholders only
                           f"payload->>'unit_id' = {unit} OR payload->'result'->>'unit_id' = {unit})")
        if self.kinds:
            patterns = [k if "." in k else f"%.{k}" for k in self.kinds]
            clauses.append(f"event_type LIKE ANY({arg(patterns)}::text[])")
        if self.since:
            clauses.append(f"recorded_at >= {arg(self.since)}")
        if self.until:
            clauses.append(f"recorded_at <= {arg(self.until)}")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


async def events_in(conn: asyncpg.Connection, scope: Scope, *, limit: int | None = None) -> list[EventEnvelope]:
    where, args = scope.where()
    sql = f"SELECT {_COLUMNS} FROM events{where} ORDER BY recorded_at, position"  # noqa: S608
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [row_to_envelope(r) for r in await conn.fetch(sql, *args)]


async def timeline(conn: asyncpg.Connection, scope: Scope, *, limit: int = 10_000) -> list[dict[str, Any]]:
    return [timeline_entry(e) for e in await events_in(conn, scope, limit=limit)]


# -- point in time ------------------------------------------------------------------------------------
def aggregate_state(aggregate: Aggregate) -> dict[str, Any]:
    """An aggregate's fields as JSON (everything but the unsaved ``pending`` list)."""
    state = {k: v for k, v in vars(aggregate).items() if k != "pending"}
    rendered: dict[str, Any] = to_jsonable_python(state, fallback=str)
    return rendered


async def state_at(conn: asyncpg.Connection, stream_id: str, at: datetime | None,
                   aggregates: Mapping[str, type[Aggregate]], registry: EventRegistry = REGISTRY) -> dict[str, Any]:
    """The stream's aggregate as it stood at ``at`` (events recorded up to then, folded)."""
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 "  # noqa: S608
                            "AND ($2::timestamptz IS NULL OR recorded_at <= $2) ORDER BY stream_version", stream_id, at)
    events = [row_to_envelope(r) for r in rows]
    prefix = max((p for p in aggregates if stream_id.startswith(f"{p}-")), key=len, default=None)
    state = None
    if prefix is not None and events:
        aggregate = aggregates[prefix].replay(registry.decode(e.event_type, e.event_version, e.payload)
                                              for e in events)
        state = aggregate_state(aggregate)
    return {"stream_id": stream_id, "at": format_time(at) if at else None, "version": len(events),
            "office_id": events[-1].office_id if events else None,
            "aggregate": aggregates[prefix].__name__ if prefix else None, "state": state,
            "events": [timeline_entry(e) for e in events]}


# -- verification -------------------------------------------------------------------------------------
@dataclass
class Verification:
    streams: int
    events: int
    breaks: list[ChainBreak]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "streams": self.streams, "events": self.events, "seconds": round(self.seconds, 4),
                "breaks": [asdict(b) for b in self.breaks]}


async def verify(conn: asyncpg.Connection, scope: Scope, *, stream_id: str | None = None) -> Verification:
    """Recompute the hash chain of every stream touched by ``scope`` (or one stream), whole streams."""
    started = time.perf_counter()
    where, args = scope.where()
    if stream_id is not None:
        args.append(stream_id)
        where = (where + " AND " if where else " WHERE ") + f"stream_id = ${len(args)}"
    streams = f"WHERE stream_id IN (SELECT DISTINCT stream_id FROM events{where})" if where else ""  # noqa: S608
    report = await verify_rows(conn, streams, args)
    return Verification(report.streams, report.events, report.breaks, time.perf_counter() - started)


# -- reconciliation of the store against its topic ----------------------------------------------------
@dataclass
class Difference:
    kind: str  # missing_on_topic | extra_on_topic | content_differs | out_of_order | malformed
    event_id: str | None
    stream_id: str | None = None
    stream_version: int | None = None
    partition: int | None = None
    offset: int | None = None
    detail: str = ""


@dataclass
class Reconciliation:
    topic: str
    stored: int
    on_topic: int
    duplicates: int
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "topic": self.topic, "stored": self.stored, "on_topic": self.on_topic,
                "duplicates": self.duplicates, "differences": [asdict(d) for d in self.differences]}


def reconcile_records(stored: Sequence[EventEnvelope], records: Iterable[TopicRecord], topic: str, *,
                      offices: frozenset[str] | None = None) -> Reconciliation:
    """Same events, same content, each stream in order, none missing, none extra. Records are compared
    by ``ce_id``; a redelivered duplicate (same ``ce_hash``, same content) is counted, not reported; another
    record reusing a ``ce_id`` is reported as ``content_differs``, even if it matches the store."""
    by_id = {str(e.event_id): e for e in stored}
    seen: dict[str, EventEnvelope] = {}
    report = Reconciliation(topic=topic, stored=len(stored), on_topic=0, duplicates=0)
    last_version: dict[str, tuple[int, int, int]] = {}  # stream -> (version, partition, offset)
    for r in sorted(records, key=lambda x: (x.partition, x.offset)):
        office = r.header("ce_office")
        if offices is not None and office not in offices:
            continue
        report.on_topic += 1
        try:
            envelope = from_kafka(r.value, r.headers)
        except MalformedMessage as exc:
            report.differences.append(Difference("malformed", r.header("ce_id"), partition=r.partition,
                                                 offset=r.offset, detail=exc.message_en))
            continue
        event_id = str(envelope.event_id)
        def located(kind: str, detail: str, env: EventEnvelope = envelope, rec: TopicRecord = r) -> Difference:
            return Difference(kind, str(env.event_id), env.stream_id, env.stream_version, rec.partition, rec.offset,
                              detail)

        original = by_id.get(event_id)
        if original is None:
            report.differences.append(located("extra_on_topic", "on the topic but not in the store"))
            continue
        first = seen.get(event_id)
        if first is not None and _same_record(first, envelope):
            report.duplicates += 1
            continue
        seen.setdefault(event_id, envelope)
        problems = []
        if first is not None:
            problems.append("a ce_id already seen on the topic, with a different ce_hash or content (a redelivery "
                            "must be the same record)")
        if envelope.computed_hash() != envelope.hash:
            problems.append("the record's hash does not match its content")
        if envelope.hash != original.hash:
            problems.append("hash differs from the stored event")
        if canonical_json(envelope.hashed_content()) != canonical_json(original.hashed_content()):
            differing = sorted(k for k, v in original.hashed_content().items()
                               if envelope.hashed_content().get(k) != v)
            problems.append(f"content differs from the stored event in: {', '.join(differing)}")
        if problems:
            report.differences.append(located("content_differs", "; ".join(problems)))
        previous = last_version.get(envelope.stream_id)
        if previous is not None and previous[0] >= envelope.stream_version and event_id not in (
                d.event_id for d in report.differences):
            report.differences.append(located("out_of_order", f"v{envelope.stream_version} after v{previous[0]} "
                                                              f"(partition {previous[1]} offset {previous[2]})"))
        last_version[envelope.stream_id] = (envelope.stream_version, r.partition, r.offset)
    for event_id, e in by_id.items():
        if event_id not in seen:
            report.differences.append(Difference("missing_on_topic", event_id, e.stream_id, e.stream_version,
                                                 detail="in the store but not on the topic"))
    return report


def _same_record(first: EventEnvelope, again: EventEnvelope) -> bool:
    """A redelivery: the same ``ce_hash`` and the same hashed content (docs/events/README.md, "Redeliveries")."""
    return first.hash == again.hash and canonical_json(first.hashed_content()) == canonical_json(
        again.hashed_content())


async def reconcile(conn: asyncpg.Connection, bootstrap: KafkaTarget, topic: str, scope: Scope) -> Reconciliation:
    """Compare the store (within ``scope``'s offices) with everything on ``topic`` for those offices."""
    stored = await events_in(conn, Scope(offices=scope.offices, office_id=scope.office_id))
    offices = frozenset({scope.office_id}) if scope.office_id else scope.offices
    return reconcile_records(stored, await read_topic(bootstrap, topic), topic, offices=offices)


# -- evidence pack ------------------------------------------------------------------------------------
async def evidence_pack(conn: asyncpg.Connection, scope: Scope, *, service: str, requested_by: str) -> bytes:
    """A zip: ``events.jsonl`` (the sealed events, as published), ``verification.json`` (their streams'
    chains), ``transparency.json`` (each event's inclusion proof against the latest witnessed checkpoint,
    when the service has one), ``report.md`` (a readable timeline) and ``manifest.json`` (SHA-256 of
    each file)."""
    events = await events_in(conn, scope)
    verification = await verify(conn, scope)
    events_jsonl = b"".join(canonical_json(e.model_dump(mode="json")) + b"\n" for e in events)
    verification_json = json.dumps({"service": service, **verification.as_dict()}, indent=2).encode()
    report = _report(events, verification, scope, service=service, requested_by=requested_by)
    files = {"events.jsonl": events_jsonl, "verification.json": verification_json}
    bundle = await proofs_for(conn, [e.event_id for e in events])
    if bundle is not None:  # issue 16: each event's inclusion proof against the latest witnessed checkpoint
        files["transparency.json"] = json.dumps({"service": service, **bundle.as_dict()}, indent=2).encode()
        report += _transparency_note(bundle)
    files["report.md"] = report.encode()
    manifest = {"service": service, "generated_at": format_time(datetime.now().astimezone()),
                "requested_by": requested_by, "scope": _scope_dict(scope), "events": len(events),
                "files": {name: hashlib.sha256(body).hexdigest() for name, body in files.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        for name, body in files.items():
            pack.writestr(name, body)
        pack.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


def _transparency_note(bundle: ProofBundle) -> str:
    lines = ["", "## Bukti log transparansi", "",
             f"{len(bundle.proofs)} peristiwa dibuktikan tercatat dalam checkpoint yang disaksikan (ukuran pohon "
             f"{bundle.tree_size}); {len(bundle.not_yet_witnessed)} peristiwa belum masuk checkpoint yang "
             "disaksikan. Bukti inklusi dan checkpoint bertanda tangan ada di `transparency.json`; cara "
             "memeriksanya tanpa kode Kinerja: `docs/events/transparency.md`.", ""]
    return "\n".join(lines)


def _scope_dict(scope: Scope) -> dict[str, Any]:
    return {"subject": scope.subject, "office_id": scope.office_id, "unit_id": scope.unit_id,
            "kinds": list(scope.kinds), "since": format_time(scope.since) if scope.since else None,
            "until": format_time(scope.until) if scope.until else None,
            "offices": sorted(scope.offices) if scope.offices is not None else None}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("|", "\\|").replace("\n", " ")[:160]


def _report(events: list[EventEnvelope], verification: Verification, scope: Scope, *, service: str,
            requested_by: str) -> str:
    lines = [f"# Paket bukti audit — layanan {service}", "",
             f"Diminta oleh: {requested_by}", f"Cakupan: `{json.dumps(_scope_dict(scope), ensure_ascii=False)}`",
             f"Jumlah peristiwa: {len(events)}", "",
             "## Verifikasi rantai hash", "",
             f"{'UTUH' if verification.ok else 'RUSAK'}: {verification.streams} aliran, {verification.events} "
             f"peristiwa, {len(verification.breaks)} kerusakan.", ""]
    lines += [f"- {b.stream_id} v{b.stream_version} ({b.event_id}): {b.reason}" for b in verification.breaks]
    lines += ["", "## Linimasa", "",
              "| Waktu (UTC) | Peristiwa | Oleh (peran) | Kantor | Nilai lama | Nilai baru | Alasan |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for e in events:
        entry = timeline_entry(e)
        lines.append(f"| {entry['recorded_at']} | {e.event_type} | {e.actor_id} ({e.actor_role}) | {e.office_id} | "
                     f"{_cell(entry['previous'])} | {_cell(entry['new'])} | {_cell(entry['reason'])} |")
    lines += ["", "Setiap baris `events.jsonl` adalah satu peristiwa tersegel; hash dapat dihitung ulang sesuai "
                  "`docs/events/README.md` (sha256(prev_hash || JCS(peristiwa tanpa hash))).", ""]
    return "\n".join(lines)
