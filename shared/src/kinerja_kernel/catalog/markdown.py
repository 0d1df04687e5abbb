"""The Markdown of ``docs/events/README.md``: the event-type table and the worked example of the hash chain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from kinerja_kernel.canonical import canonical_json
from kinerja_kernel.catalog.published import GENERATED, schema_file_name, source_of
from kinerja_kernel.catalog.schema import catalog_entries
from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.envelope import GENESIS_HASH, Actor, EventEnvelope, PendingEvent, seal
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.registry import REGISTRY, DomainEvent


def chain_example() -> list[dict[str, Any]]:
    """Three events of one SKP stream as Kafka records, with the bytes their hashes are computed over
    (fixed ids and times, so the result never changes)."""
    from kinerja_kernel.contracts.planning import Approach, PlanDrafted, PlanReturned, PlanSubmitted, PositionType

    plan_id = uuid.UUID("5b1f6c2e-8d3a-4e7b-9c10-2f4a6b8d0e13")
    employee, evaluator, office = "199001012015011001", "198001012005011002", "KANWIL-DKI"
    correlation = "3c6e9a1b-2d4f-4a8c-b7e5-0f1d2c3b4a59"
    steps: list[tuple[DomainEvent, str, str, datetime, str]] = [
        (PlanDrafted(plan_id=plan_id, employee_id=employee, office_id=office, unit_id="BAGIAN-UMUM",
                     period_year=2026, evaluator_id=evaluator, superior_id=None, position_type=PositionType.JA,
                     approach=Approach.KUANTITATIF),
         "0f5a7c9e-1b3d-4f6a-8c0e-2a4b6c8d0e01", employee, datetime(2026, 1, 5, 2, 15, 30, 123456, UTC),
         "pegawai"),
        (PlanSubmitted(plan_id=plan_id, employee_id=employee, office_id=office, period_year=2026,
                       evaluator_id=evaluator),
         "0f5a7c9e-1b3d-4f6a-8c0e-2a4b6c8d0e02", employee, datetime(2026, 1, 6, 3, 0, 0, 0, UTC), "pegawai"),
        (PlanReturned(plan_id=plan_id, employee_id=employee, office_id=office, period_year=2026,
                      evaluator_id=evaluator, comments="Target IKI 2 belum terukur — mohon diperbaiki."),
         "0f5a7c9e-1b3d-4f6a-8c0e-2a4b6c8d0e03", evaluator, datetime(2026, 1, 7, 8, 45, 10, 500, UTC),
         "pejabat_penilai"),
    ]
    records: list[dict[str, Any]] = []
    prev_hash = GENESIS_HASH
    for version, (event_model, event_id, actor, occurred, role) in enumerate(steps, start=1):
        pending = PendingEvent(
            event_id=uuid.UUID(event_id), event_type=event_model.event_type,
            event_version=event_model.event_version, subject=employee, office_id=office,
            actor=Actor(id=actor, role=role), occurred_at=occurred, correlation_id=correlation,
            causation_id=None if version == 1 else records[-1]["headers"]["ce_id"],
            payload=REGISTRY.encode(event_model),
        )
        envelope = seal(pending, source=source_of("planning"), stream_id=f"skp-{plan_id}", stream_version=version,
                        prev_hash=prev_hash, recorded_at=occurred + timedelta(milliseconds=4))
        records.append(_example_record(envelope))
        prev_hash = envelope.hash
    return records


def _example_record(envelope: EventEnvelope) -> dict[str, Any]:
    record = to_kafka(envelope)
    content = canonical_json(envelope.hashed_content()).decode("utf-8")
    return {
        "topic": events_topic("planning"),
        "key": record.key.decode("utf-8"),
        "headers": {name: value.decode("utf-8") for name, value in record.headers},
        "value": record.value.decode("utf-8"),
        "hashed_content": content,
        "hash": envelope.hash,
    }


def example_markdown(records: list[dict[str, Any]]) -> str:
    lines = [GENERATED, ""]
    for index, record in enumerate(records, start=1):
        headers = record["headers"]
        lines += [
            f"**Record {index}** — `{headers['ce_type']}` v{headers['ce_eventversion']}, stream "
            f"`{headers['ce_streamid']}` version {headers['ce_streamversion']}, topic `{record['topic']}`, "
            f"key `{record['key']}`.",
            "",
            "Headers (in the order the relay sends them):",
            "",
            "```",
            *(f"{name}: {value}" for name, value in headers.items()),
            "```",
            "",
            "Value (UTF-8):",
            "",
            "```json",
            record["value"],
            "```",
            "",
            "Hashed content, JCS (UTF-8); the SHA-256 input is the 64 ASCII characters of `ce_prevhash` "
            "followed by these bytes:",
            "",
            "```json",
            record["hashed_content"],
            "```",
            "",
            f"`hash` = `{record['hash']}` (= `ce_hash`).",
            "",
        ]
    return "\n".join(lines)


def types_markdown(models: list[type[DomainEvent]]) -> str:
    lines = [GENERATED, "", "| type | version | topic | subject (key) | description |",
             "| --- | --- | --- | --- | --- |"]
    for entry in catalog_entries(models):
        schema = f"[`{entry['type']}`](schemas/{schema_file_name(entry['type'], entry['version'])})"
        older = "".join(f", [v{v}](schemas/{schema_file_name(entry['type'], v)})" for v in entry["older_versions"])
        description = entry["description"].replace("|", "\\|")
        lines.append(f"| {schema} | {entry['version']}{older} | `{entry['topic']}` | {entry['subject']} | "
                     f"{description} |")
    return "\n".join(lines) + "\n"


_CORE_MEMBERS = {"ce_id": "event_id", "ce_source": "source", "ce_type": "event_type", "ce_subject": "subject",
                 "ce_time": "occurred_at"}


def headers_markdown() -> str:
    """The README's table of the record's headers, from the AsyncAPI header schema (one source for both)."""
    from kinerja_kernel.catalog.asyncapi import cloudevents_headers_schema
    from kinerja_kernel.cloudevents import EXTENSIONS

    schema = cloudevents_headers_schema()
    members = {**_CORE_MEMBERS, **{f"ce_{attribute}": name for name, attribute in EXTENSIONS.items()}}
    lines = [GENERATED, "", "| Header | Hashed member | Present | Text | What |", "| --- | --- | --- | --- | --- |"]
    for header, node in schema["properties"].items():
        member = members.get(header)
        hashed = "— (not hashed)" if member in (None, "hash") else f"`{member}`"
        present = "always" if header in schema["required"] else "**only when not null**"
        if "const" in node:
            text = f"`{node['const']}`"
        elif "pattern" in node:
            text = f"`{node['pattern']}`"
        elif "maxLength" in node:
            text = f"{node.get('minLength', 0)}–{node['maxLength']} characters"
        else:
            text = "UTF-8 text"
        what = node["description"].split(": ", 1)[-1].replace("|", "\\|")
        lines.append(f"| `{header}` | {hashed} | {present} | {text} | {what} |")
    return "\n".join(lines) + "\n"
