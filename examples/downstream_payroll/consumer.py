"""A downstream payroll system's consumer of Kinerja's appraisal results, written only from the published
contract (docs/events): plain aiokafka and the Python standard library, no Kinerja code.

It reads ``kinerja.evaluation.events`` and keeps one row per appraisal in ``appraisal_results``:
``evaluation.AppraisalFinalised`` inserts the result, ``evaluation.AppraisalCorrected`` replaces the row
whose ``source_event_id`` is the correction's ``replaces_event_id``. Every other event type is skipped, but
every record's hash and its link to the previous event of its stream are verified with the documented
recipe; a record that fails is reported (stderr and the ``chain_breaks`` table) and not applied. Delivery is
at least once: a ``ce_id`` already processed is a redelivery and changes nothing, provided it is the same
record (same ``ce_hash``, and its content hashes to it); a different record reusing the id is a forgery and is
reported. The effect and the processed id commit in one SQLite transaction, then the Kafka offset.

    python consumer.py --bootstrap 127.0.0.1:19092 --db payroll.sqlite3 [--topic T] [--group G] [--once]

``--once`` reads up to the end of the topic as it is at start, prints a JSON summary and exits: 0 if every
record verified, 2 if any chain break was found.

Against a production cluster (SASL_SSL with SCRAM-SHA-512, the read-only principal ``payroll`` of
deploy/kafka/acls.txt; or mutual TLS with a client certificate):

    KAFKA_SASL_PASSWORD=... python consumer.py --bootstrap kafka:9093 --security-protocol SASL_SSL \
        --sasl-username payroll --ca-file ca.crt --group payroll

The password is read from the environment only, never from the command line (which other users can see).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.helpers import create_ssl_context

log = logging.getLogger("payroll")

GENESIS_HASH = "0" * 64
FINALISED = "evaluation.AppraisalFinalised"
CORRECTED = "evaluation.AppraisalCorrected"

TABLES = """
CREATE TABLE IF NOT EXISTS appraisal_results (
    appraisal_id      TEXT PRIMARY KEY,
    employee_id       TEXT NOT NULL,
    period_key        TEXT NOT NULL,
    predicate         TEXT NOT NULL,
    results_rating    TEXT NOT NULL,
    behaviour_rating  TEXT NOT NULL,
    source_event_id   TEXT NOT NULL,   -- the event whose result this row holds
    replaced_event_id TEXT             -- the result event a correction replaced
);
CREATE TABLE IF NOT EXISTS processed_events (
    event_id   TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    outcome    TEXT NOT NULL,          -- applied / skipped / rejected
    hash       TEXT                    -- its ce_hash: a redelivery must carry the same
);
CREATE TABLE IF NOT EXISTS stream_heads (
    stream_id      TEXT PRIMARY KEY,
    stream_version INTEGER NOT NULL,
    hash           TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_breaks (
    event_id       TEXT,
    stream_id      TEXT,
    stream_version INTEGER,
    reason         TEXT NOT NULL,
    topic          TEXT NOT NULL,
    partition      INTEGER NOT NULL,
    "offset"       INTEGER NOT NULL
);
"""


# -- the documented hash recipe (docs/events/README.md, "The hash chain, byte by byte") ----------------
def jcs(value: Any) -> str:
    """RFC 8785 canonical JSON of a parsed JSON value without binary floats (Kinerja payloads have none)."""
    if isinstance(value, dict):
        members = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))  # UTF-16 code units
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{jcs(v)}" for k, v in members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, float):
        raise ValueError("a binary floating-point number: not part of the contract")
    return json.dumps(value, ensure_ascii=False)  # string (minimal escapes), integer, true/false/null


def hashed_content(headers: dict[str, str], payload: dict[str, Any]) -> dict[str, Any]:
    """The 16 members the hash covers, from the CloudEvents headers and the parsed value."""
    return {
        "event_id": headers["ce_id"],
        "event_type": headers["ce_type"],
        "event_version": int(headers["ce_eventversion"]),
        "source": headers["ce_source"],
        "stream_id": headers["ce_streamid"],
        "stream_version": int(headers["ce_streamversion"]),
        "subject": headers["ce_subject"],
        "office_id": headers["ce_office"],
        "actor_id": headers["ce_actorid"],
        "actor_role": headers["ce_actorrole"],
        "occurred_at": headers["ce_time"],
        "recorded_at": headers["ce_recordedtime"],
        "correlation_id": headers["ce_correlationid"],
        "causation_id": headers.get("ce_causationid"),  # absent header = null
        "payload": payload,
        "prev_hash": headers["ce_prevhash"],
    }


def event_hash(headers: dict[str, str], payload: dict[str, Any]) -> str:
    """``lowercase_hex(sha256(ascii(prev_hash) || utf8(JCS(content))))``."""
    digest = hashlib.sha256(headers["ce_prevhash"].encode("ascii"))
    digest.update(jcs(hashed_content(headers, payload)).encode("utf-8"))
    return digest.hexdigest()


# -- one record ---------------------------------------------------------------------------------------------
@dataclass
class Summary:
    records: int = 0
    applied: int = 0
    skipped: int = 0
    duplicates: int = 0
    breaks: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    value: bytes | None
    headers: dict[str, str]


def chain_problem(db: sqlite3.Connection, headers: dict[str, str], payload: dict[str, Any]) -> str | None:
    """Why this record does not verify against its own content and its stream's previous event, if it does not."""
    stream_id, version = headers["ce_streamid"], int(headers["ce_streamversion"])
    head = db.execute("SELECT stream_version, hash FROM stream_heads WHERE stream_id = ?", (stream_id,)).fetchone()
    expected_version, expected_prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    if event_hash(headers, payload) != headers["ce_hash"]:
        return "hash does not match the record's content"
    if version < expected_version:
        return f"stream version {version} was already taken by another event"
    if version > expected_version:
        return f"gap: expected stream version {expected_version}, got {version}"
    if headers["ce_prevhash"] != expected_prev:
        return "prev_hash does not match the previous event's hash"
    return None


def redelivery_problem(db: sqlite3.Connection, headers: dict[str, str], value: bytes | None) -> str | None:
    """None if this record repeats the one first processed with its ``ce_id``; otherwise why it is not that record
    (docs/events/README.md, "Redeliveries": same ``ce_hash``, and the content recomputes to it)."""
    first_hash, outcome = db.execute("SELECT hash, outcome FROM processed_events WHERE event_id = ?",
                                     (headers["ce_id"],)).fetchone()
    if first_hash is None:
        return None  # processed by an older version of this consumer, which did not keep the hash
    if headers.get("ce_hash") != first_hash:
        return f"ce_id already seen with ce_hash {first_hash}: a different record reuses the id (forged or corrupted)"
    if outcome == "rejected":
        return None  # the same failing record again: reported the first time
    try:
        recomputed = event_hash(headers, json.loads(value or b""))
    except (KeyError, ValueError) as exc:
        return f"ce_id already seen: this copy is unreadable ({exc!r})"
    if recomputed != first_hash:
        return "ce_id already seen with the same ce_hash but different content (forged or corrupted)"
    return None


def report_break(db: sqlite3.Connection, record: Record, summary: Summary, problem: str) -> None:
    headers = record.headers
    summary.breaks += 1
    summary.reasons.append(problem)
    log.error("chain break at %s[%d]@%d (event %s, stream %s v%s): %s", record.topic, record.partition,
              record.offset, headers.get("ce_id"), headers.get("ce_streamid"), headers.get("ce_streamversion"), problem)
    db.execute("INSERT INTO chain_breaks VALUES (?, ?, ?, ?, ?, ?, ?)",
               (headers.get("ce_id"), headers.get("ce_streamid"), headers.get("ce_streamversion"), problem,
                record.topic, record.partition, record.offset))


def apply_result(db: sqlite3.Connection, event_type: str, event_id: str, payload: dict[str, Any]) -> None:
    """Keep, per appraisal, the latest result: a finalisation, or the correction that replaced it."""
    result = payload["result"]
    row = (result["employee_id"], result["period"]["key"], result["predicate"], result["results_rating"],
           result["behaviour_rating"])
    if event_type == CORRECTED:
        replaced = payload["replaces_event_id"]
        changed = db.execute(
            "UPDATE appraisal_results SET employee_id = ?, period_key = ?, predicate = ?, results_rating = ?,"
            " behaviour_rating = ?, source_event_id = ?, replaced_event_id = ? WHERE source_event_id = ?",
            (*row, event_id, replaced, replaced),
        ).rowcount
        if changed:
            return
        log.warning("correction %s replaces %s, which this table does not hold; keeping it as the result",
                    event_id, replaced)
    else:
        replaced = None
    db.execute(
        "INSERT INTO appraisal_results VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (appraisal_id) DO UPDATE SET"
        " employee_id = excluded.employee_id, period_key = excluded.period_key, predicate = excluded.predicate,"
        " results_rating = excluded.results_rating, behaviour_rating = excluded.behaviour_rating,"
        " source_event_id = excluded.source_event_id, replaced_event_id = excluded.replaced_event_id",
        (result["appraisal_id"], *row, event_id, replaced),
    )


def handle(db: sqlite3.Connection, record: Record, summary: Summary) -> None:
    """Verify, deduplicate and apply one record, all in one SQLite transaction."""
    summary.records += 1
    headers = record.headers
    event_id = headers.get("ce_id")
    with db:
        if event_id and db.execute("SELECT 1 FROM processed_events WHERE event_id = ?", (event_id,)).fetchone():
            forged = redelivery_problem(db, headers, record.value)
            if forged is None:
                summary.duplicates += 1
            else:  # neither applied nor followed: the head stays where the first record left it
                report_break(db, record, summary, forged)
            return
        try:
            if headers.get("ce_specversion") != "1.0" or record.value is None:
                raise ValueError("not a CloudEvents 1.0 record with a value")
            payload = json.loads(record.value)
            problem = chain_problem(db, headers, payload)
        except (KeyError, ValueError) as exc:  # missing header, bad JSON, bad number
            payload, problem = {}, f"unreadable record: {exc!r}"
        if problem is not None:
            report_break(db, record, summary, problem)
        if "ce_streamid" in headers and "ce_hash" in headers and headers.get("ce_streamversion", "").isdigit():
            # follow the chain as the records claim it, so one tampered record is one break, not all after it
            db.execute("INSERT INTO stream_heads VALUES (?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET"
                       " stream_version = excluded.stream_version, hash = excluded.hash"
                       " WHERE excluded.stream_version > stream_heads.stream_version",
                       (headers["ce_streamid"], int(headers["ce_streamversion"]), headers["ce_hash"]))
        event_type = headers.get("ce_type", "")
        if problem is not None:
            outcome = "rejected"
        elif event_type in (FINALISED, CORRECTED) and headers.get("ce_eventversion") == "1":
            apply_result(db, event_type, headers["ce_id"], payload)
            summary.applied += 1
            outcome = "applied"
        else:
            if event_type in (FINALISED, CORRECTED):
                log.warning("%s v%s is newer than this consumer knows; skipped", event_type,
                            headers.get("ce_eventversion"))
            summary.skipped += 1
            outcome = "skipped"
        if event_id:
            db.execute("INSERT INTO processed_events VALUES (?, ?, ?, ?)",
                       (event_id, event_type, outcome, headers.get("ce_hash")))


def prepare(db: sqlite3.Connection) -> None:
    """Create the tables; a database of an older version of this consumer gains ``processed_events.hash``."""
    db.executescript(TABLES)
    if "hash" not in {row[1] for row in db.execute("PRAGMA table_info(processed_events)")}:
        db.execute("ALTER TABLE processed_events ADD COLUMN hash TEXT")


# -- the Kafka loop -----------------------------------------------------------------------------------------
UNKNOWN_TOPIC = 3


class NotAllowed(Exception):
    """The broker refused this principal (an ACL): nothing to retry, the operator must grant it."""


def security(args: argparse.Namespace) -> dict[str, Any]:
    """aiokafka's connection settings: PLAINTEXT (``make run``), SSL (TLS, with ``--cert-file``/``--key-file``
    mutual TLS) or SASL_SSL (TLS + SCRAM-SHA-512, password from ``KAFKA_SASL_PASSWORD``)."""
    if args.security_protocol == "PLAINTEXT":
        return {}
    context = create_ssl_context(cafile=args.ca_file, certfile=args.cert_file, keyfile=args.key_file)
    kwargs: dict[str, Any] = {"security_protocol": args.security_protocol, "ssl_context": context}
    if args.security_protocol == "SASL_SSL":
        password = os.environ.get("KAFKA_SASL_PASSWORD")
        if not args.sasl_username or not password:
            raise SystemExit("SASL_SSL needs --sasl-username and KAFKA_SASL_PASSWORD in the environment")
        kwargs |= {"sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": args.sasl_username,
                   "sasl_plain_password": password}
    return kwargs


async def partitions_of(bootstrap: str, topic: str, connection: dict[str, Any]) -> list[int]:
    """The partition numbers of ``topic`` (none if it does not exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **connection)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    refused = [t["error_code"] for t in described if t.get("error_code", 0) not in (0, UNKNOWN_TOPIC)]
    if refused:  # e.g. 29: this principal may not read the topic (its ACLs)
        raise NotAllowed(f"the broker refused to describe {topic} (Kafka error code {refused[0]})")
    return sorted(p["partition"] for t in described if t.get("error_code", 0) == 0 for p in t["partitions"])


async def consume(bootstrap: str, topic: str, db: sqlite3.Connection, group: str, once: bool,
                  connection: dict[str, Any] | None = None) -> Summary:
    """Read every partition of ``topic`` from the group's committed offsets (or the beginning)."""
    connection = connection or {}
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest", client_id=f"payroll-{group}", **connection)
    await consumer.start()
    summary = Summary()
    try:
        tps = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic, connection)]
        if not tps:
            log.warning("topic %s does not exist (yet)", topic)
            return summary
        consumer.assign(tps)
        for tp in tps:
            committed = await consumer.committed(tp)
            if committed is None:
                await consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, committed)
        ends = await consumer.end_offsets(tps) if once else {}
        while True:
            if once and all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                return summary
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            for tp, messages in batch.items():
                for message in messages:
                    headers = {name: raw.decode("utf-8", "replace") for name, raw in message.headers or ()}
                    handle(db, Record(tp.topic, tp.partition, message.offset, message.value, headers), summary)
                if messages:
                    await consumer.commit({tp: messages[-1].offset + 1})  # after the SQLite commit
    finally:
        await consumer.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Keep appraisal results from Kinerja's evaluation events.")
    parser.add_argument("--bootstrap", default="127.0.0.1:19092", help="Kafka bootstrap servers (`make run`'s)")
    parser.add_argument("--topic", default="kinerja.evaluation.events")
    parser.add_argument("--db", default="payroll.sqlite3", help="SQLite file")
    parser.add_argument("--group", default="payroll-example", help="Kafka consumer group (offsets)")
    parser.add_argument("--once", action="store_true", help="read up to the current end, then exit")
    parser.add_argument("--security-protocol", choices=("PLAINTEXT", "SSL", "SASL_SSL"), default="PLAINTEXT")
    parser.add_argument("--sasl-username", help="SCRAM-SHA-512 user (password: KAFKA_SASL_PASSWORD)")
    parser.add_argument("--ca-file", help="CA certificate that signed the brokers' certificates")
    parser.add_argument("--cert-file", help="client certificate (mutual TLS)")
    parser.add_argument("--key-file", help="client certificate's key (mutual TLS)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")

    db = sqlite3.connect(args.db)
    try:
        prepare(db)
        summary = asyncio.run(consume(args.bootstrap, args.topic, db, args.group, args.once, security(args)))
    except KeyboardInterrupt:
        return 130
    except NotAllowed as refused:
        log.error("%s", refused)
        return 3
    finally:
        db.close()
    sys.stdout.write(json.dumps({"records": summary.records, "applied": summary.applied, "skipped": summary.skipped,
                                 "duplicates": summary.duplicates, "breaks": summary.breaks}) + "\n")
    return 2 if summary.breaks else 0


if __name__ == "__main__":
    sys.exit(main())
