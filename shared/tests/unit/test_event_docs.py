"""What docs/events states, checked against the code, so an outside verifier written from the docs alone and
Kinerja's own readers agree: the brokers, the header text forms and which headers may be absent, the decimal
syntax, every event version in the AsyncAPI document, every stream-id prefix and key form, reader tolerance,
and the redelivery rule (``kinerja-audit reconcile`` and the example consumer)."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import re
import sqlite3
import sys
import types
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from kinerja_kernel.audit import reconcile_records
from kinerja_kernel.catalog import asyncapi_document, chain_example, event_schema, incompatibilities, published_models
from kinerja_kernel.catalog.published import (
    ARCHIVE,
    DECIMAL_PATTERN,
    DEV_KAFKA_BOOTSTRAP,
    PRODUCTION_KAFKA_BOOTSTRAP,
    READER_TOLERANCE,
    schema_file_name,
)
from kinerja_kernel.catalog.streams import KEY_FORMS, STREAMS, stream_prefixes
from kinerja_kernel.cloudevents import EXTENSIONS, HEADER_PATTERNS, MalformedMessage, from_kafka, to_kafka
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.logging import bind_correlation, correlation_id
from kinerja_kernel.registry import DomainEvent, EventRegistry, event
from kinerja_kernel.testing.kafka_helpers import TopicRecord

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "events"
README = (DOCS / "README.md").read_text(encoding="utf-8")
ASYNCAPI: dict[str, Any] = json.loads((DOCS / "asyncapi.json").read_text(encoding="utf-8"))
SCHEMAS = DOCS / "schemas"


def example_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((DOCS / "examples" / "chain.json").read_text(encoding="utf-8"))
    return records


def documented_hash(headers: dict[str, str], value: str | bytes) -> str:
    """The README's recipe, nothing from the kernel: the 16 members from the header text and the value."""
    content = {
        "event_id": headers["ce_id"], "event_type": headers["ce_type"],
        "event_version": int(headers["ce_eventversion"]), "source": headers["ce_source"],
        "stream_id": headers["ce_streamid"], "stream_version": int(headers["ce_streamversion"]),
        "subject": headers["ce_subject"], "office_id": headers["ce_office"], "actor_id": headers["ce_actorid"],
        "actor_role": headers["ce_actorrole"], "occurred_at": headers["ce_time"],
        "recorded_at": headers["ce_recordedtime"], "correlation_id": headers["ce_correlationid"],
        "causation_id": headers.get("ce_causationid"), "payload": json.loads(value),
        "prev_hash": headers["ce_prevhash"],
    }
    return hashlib.sha256(headers["ce_prevhash"].encode("ascii") + rfc8785.dumps(content)).hexdigest()


def kernel_reads(headers: dict[str, str], value: str) -> EventEnvelope:
    return from_kafka(value.encode(), [(k, v.encode()) for k, v in headers.items()])


class TestBrokers:
    def test_the_local_server_is_the_broker_make_run_starts(self) -> None:
        devstack = (ROOT / "deploy" / "local" / "devstack.py").read_text(encoding="utf-8")
        port = re.search(r'"KINERJA_KAFKA_PORT", "(\d+)"', devstack)
        assert port is not None, "deploy/local/devstack.py no longer names its default Kafka port"
        assert ASYNCAPI["servers"]["local"]["host"] == DEV_KAFKA_BOOTSTRAP == f"127.0.0.1:{port[1]}"
        assert f"`{DEV_KAFKA_BOOTSTRAP}`" in README

    def test_the_production_server_is_a_placeholder_defaulting_to_the_kubernetes_bootstrap(self) -> None:
        config = (ROOT / "deploy" / "kubernetes" / "base" / "common-config.yaml").read_text(encoding="utf-8")
        bootstrap = re.search(r"kafka-bootstrap-servers:\s*(\S+)", config)
        assert bootstrap is not None
        production = ASYNCAPI["servers"]["production"]
        assert production["host"] == "{bootstrap}"
        assert production["variables"]["bootstrap"]["default"] == PRODUCTION_KAFKA_BOOTSTRAP == bootstrap[1]
        assert f"`{PRODUCTION_KAFKA_BOOTSTRAP}`" in README


def readme_header_rows() -> dict[str, list[str]]:
    block = README.split("<!-- catalog:headers -->", 1)[1].split("<!-- /catalog:headers -->", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in block.splitlines()
            if line.startswith("| `")]
    return {row[0].strip("`"): row for row in rows}


class TestHeaders:
    headers_schema: dict[str, Any] = ASYNCAPI["components"]["schemas"]["CloudEventsHeaders"]

    def test_the_published_patterns_are_the_ones_the_kernel_enforces(self) -> None:
        published = {name: node["pattern"] for name, node in self.headers_schema["properties"].items()
                     if "pattern" in node}
        assert published == HEADER_PATTERNS
        rows = readme_header_rows()
        for name, pattern in HEADER_PATTERNS.items():
            assert rows[name][3] == f"`{pattern}`", f"README's row of {name}"

    def test_only_headers_of_nullable_envelope_fields_may_be_absent(self) -> None:
        nullable = {name for name, info in EventEnvelope.model_fields.items() if not info.is_required()}
        assert nullable == {"causation_id", "traceparent"}  # traceparent: transport metadata, not hashed
        optional = set(self.headers_schema["properties"]) - set(self.headers_schema["required"])
        assert optional == {f"ce_{EXTENSIONS[name]}" for name in nullable}
        rows = readme_header_rows()
        assert {name for name, row in rows.items() if row[2] != "always"} == optional
        assert set(rows) == set(self.headers_schema["properties"])

    def test_an_absent_causation_is_hashed_as_null_and_a_present_one_as_its_text(self) -> None:
        first, second = example_records()[:2]
        assert "ce_causationid" not in first["headers"] and '"causation_id":null' in first["hashed_content"]
        assert f'"causation_id":"{second["headers"]["ce_causationid"]}"' in second["hashed_content"]
        assert all(r["headers"]["ce_correlationid"] for r in example_records())
        for record in example_records():
            envelope = kernel_reads(record["headers"], record["value"])
            assert envelope.computed_hash() == documented_hash(record["headers"], record["value"]) == record["hash"]

    @pytest.mark.parametrize("sent", [None, "", "abc", "x" * 64, "x" * 65, "a\nb", "kor\u00e9lasi", "\u0000"])
    def test_the_correlation_id_an_event_gets_is_always_a_valid_header(self, sent: str | None) -> None:
        """A caller's X-Correlation-ID that cannot be a ``ce_correlationid`` (1-64 printable ASCII) is replaced,
        instead of failing the request with a 500 when the event is built."""
        with bind_correlation(sent) as cid:
            pending = PendingEvent(event_type="test.Happened", event_version=1, subject="199001012015011001",
                                   office_id="KANTOR-A", actor=Actor(id="u1", role="pegawai"),
                                   correlation_id=correlation_id(), payload={})
        assert pending.correlation_id == cid and 1 <= len(cid) <= 64 and cid.isascii() and cid.isprintable()
        kept = sent is not None and sent in ("abc", "x" * 64)
        assert (cid == sent) is kept and (kept or uuid.UUID(cid).version == 4)

    def test_the_lower_case_uuid_pattern(self) -> None:
        pattern = re.compile(HEADER_PATTERNS["ce_id"])
        assert all(pattern.fullmatch(str(uuid.uuid4())) for _ in range(50))
        assert not pattern.fullmatch(str(uuid.uuid4()).upper())
        assert not pattern.fullmatch("0f5a7c9e1b3d4f6a8c0e2a4b6c8d0e01")
        assert self.headers_schema["properties"]["ce_id"]["format"] == "uuid"

    @pytest.mark.parametrize(("header", "text"), [
        ("ce_id", "0F5A7C9E-1B3D-4F6A-8C0E-2A4B6C8D0E01"),
        ("ce_time", "2026-01-05T02:15:30.123456+00:00"),
        ("ce_recordedtime", "2026-01-05T02:15:30.1Z"),
        ("ce_streamversion", "01"),
        ("ce_eventversion", "٢"),
        ("ce_prevhash", "A" * 64),
    ])
    def test_a_header_in_another_text_form_is_refused_by_the_kernel_and_fails_the_documented_recipe(
            self, header: str, text: str) -> None:
        """Both verifiers reject it: the outside one because the hash takes the text verbatim, the kernel as
        malformed (it used to parse and re-format, and so accepted what the outside verifier refused)."""
        record = example_records()[0]
        altered = {**record["headers"], header: text}
        with pytest.raises(MalformedMessage) as refused:
            kernel_reads(altered, record["value"])
        assert refused.value.field == header
        if header not in ("ce_eventversion", "ce_streamversion", "ce_prevhash"):
            assert documented_hash(altered, record["value"]) != record["hash"]


def decimal_nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if node.get("format") == "decimal" else []
        return found + [n for value in node.values() for n in decimal_nodes(value)]
    if isinstance(node, list):
        return [n for value in node for n in decimal_nodes(value)]
    return []


class TestDecimals:
    def test_every_decimal_in_the_current_schemas_and_the_asyncapi_document_carries_the_pattern(self) -> None:
        documents = [json.loads((SCHEMAS / schema_file_name(m.event_type, m.event_version)).read_text())
                     for m in published_models()]
        nodes = decimal_nodes(documents) + decimal_nodes(ASYNCAPI)
        assert len(nodes) > 10
        assert all(n.get("pattern") == DECIMAL_PATTERN and n.get("type") == "string" for n in nodes)
        assert f"`{DECIMAL_PATTERN}`" in README

    @pytest.mark.parametrize("value", ["0", "7", "-1.50", "0.00000000", "1e3", "1E-7", "-0", "0.1",
                                       "12345678901234567890.123456789", "1000000", "-0.000001"])
    def test_the_pattern_accepts_what_the_code_writes(self, value: str) -> None:
        registry = EventRegistry()

        @event("test.Measured", registry=registry)
        class Measured(DomainEvent):
            amount: Decimal

        written = json.loads(json.dumps(registry.encode(Measured(amount=Decimal(value)))))["amount"]
        assert isinstance(written, str) and re.fullmatch(DECIMAL_PATTERN, written), written
        assert Decimal(written) == Decimal(value)

    @pytest.mark.parametrize("junk", ["", "1,5", "1.", ".5", "+1", "01", "NaN", "Infinity", "-", "1e3", "1E3",
                                      "1E+03", " 1", "1 ", "1.5.2", "٣"])
    def test_the_pattern_rejects_junk(self, junk: str) -> None:
        assert not re.fullmatch(DECIMAL_PATTERN, junk)

    def test_spelling_the_decimal_syntax_out_is_compatible_but_another_pattern_is_not(self) -> None:
        old = {"type": "object", "properties": {"v": {"type": "string", "format": "decimal"}}}
        spelt = {"type": "object", "properties": {"v": {"type": "string", "format": "decimal",
                                                        "pattern": DECIMAL_PATTERN}}}
        other = {"type": "object", "properties": {"v": {"type": "string", "format": "decimal",
                                                        "pattern": "^[0-9]+$"}}}
        assert incompatibilities(old, spelt) == []
        assert incompatibilities(spelt, other) == ["field 'v': pattern changed to '^[0-9]+$'"]


class TestVersionsInAsyncApi:
    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = ASYNCAPI
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    @pytest.mark.parametrize("model", published_models(), ids=lambda m: m.event_type)
    def test_every_version_a_reader_may_meet_is_a_message_with_its_payload(self, model: type[DomainEvent]) -> None:
        service = model.event_type.split(".")[0]
        channel = ASYNCAPI["channels"][f"{service}Events"]["messages"]
        for version in range(1, model.event_version + 1):
            with_version = [self.resolve(m) for m in channel.values()
                            if self.resolve(m)["name"] == model.event_type and
                            self.resolve(m)["headers"]["allOf"][1]["properties"]["ce_eventversion"]["const"]
                            == str(version)]
            assert len(with_version) == 1, f"{model.event_type} v{version}: {len(with_version)} messages"
            payload = self.resolve(with_version[0]["payload"])
            published = json.loads((SCHEMAS / schema_file_name(model.event_type, version)).read_text())
            assert sorted(payload["properties"]) == sorted(published["properties"])
            assert sorted(payload.get("required", [])) == sorted(published.get("required", []))
            assert with_version[0]["x-kinerja-schema"] == published["$id"]

    def test_plan_drafted_v1_and_v2_are_both_there(self) -> None:
        messages = ASYNCAPI["components"]["messages"]
        assert {"planning.PlanDrafted", "planning.PlanDrafted.v1"} <= set(messages)
        v1 = self.resolve(messages["planning.PlanDrafted.v1"]["payload"])
        assert "unit_id" not in v1["properties"] and v1["properties"]["approach"]["$ref"].startswith(
            "#/components/schemas/planning.PlanDrafted.v1.")

    def test_the_archive_holds_exactly_the_published_older_schemas(self) -> None:
        older = {schema_file_name(m.event_type, v) for m in published_models() for v in range(1, m.event_version)}
        assert {p.name for p in ARCHIVE.glob("*.json")} == older
        for name in older:
            assert (ARCHIVE / name).read_text(encoding="utf-8") == (SCHEMAS / name).read_text(encoding="utf-8")


class TestReaderTolerance:
    def test_each_schema_says_it_describes_the_writer_and_readers_ignore_unknown_members(self) -> None:
        for model in published_models():
            schema = event_schema(model)
            assert schema["additionalProperties"] is False and schema["$comment"] == READER_TOLERANCE
        assert READER_TOLERANCE in ASYNCAPI["info"]["description"]
        assert "ignore members it does not know" in README and "what the writer\nproduces" in README


def services_stream_prefixes() -> set[str]:
    """Every stream-id prefix the services use: ``EventSourcedRepository(..., prefix="x")`` and the functions
    that name a stream (``def ...stream...`` returning ``f"x-{...}"``)."""
    found: set[str] = set()
    for path in ROOT.glob("services/*/src/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == \
                    "EventSourcedRepository":
                found |= {str(k.value.value) for k in node.keywords
                          if k.arg == "prefix" and isinstance(k.value, ast.Constant)}
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "stream" in node.name:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return) and isinstance(inner.value, ast.JoinedStr):
                        head = inner.value.values[0]
                        if isinstance(head, ast.Constant) and re.fullmatch(r"[a-z][a-z-]*-", str(head.value)):
                            found.add(str(head.value)[:-1])
    return found


def contract_stream_prefixes() -> set[str]:
    """Prefixes the contract modules name (``Stream: ``dokumen-<code>````, "(stream `plt-<id>`)"): streams the
    kernel defines before a service writes them."""
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "shared/src/kinerja_kernel/contracts").glob("*.py"))
    return set(re.findall(r"[Ss]tream:? `{1,2}([a-z][a-z-]*)-<", text))


class TestKeysAndStreams:
    def test_every_prefix_the_services_use_is_documented_and_no_other(self) -> None:
        used = services_stream_prefixes() | contract_stream_prefixes()
        assert {"skp", "penilaian", "interaksi", "umpan-balik", "karier"} <= used  # the scan still finds them
        assert used == stream_prefixes(), (
            f"undocumented: {sorted(used - stream_prefixes())}, unused: {sorted(stream_prefixes() - used)}; "
            "edit kinerja_kernel/catalog/streams.py and regenerate docs/events")

    def test_the_readme_lists_every_prefix_and_key_form(self) -> None:
        block = README.split("<!-- catalog:streams -->", 1)[1].split("<!-- /catalog:streams -->", 1)[0]
        assert {re.match(r"\| `([a-z-]+)-<id>`", line)[1] for line in block.splitlines()  # type: ignore[index]
                if re.match(r"\| `[a-z-]+-<id>`", line)} == stream_prefixes()
        assert all(form.form in block for form in KEY_FORMS)
        assert {kind.key for kind in STREAMS} == {form.name for form in KEY_FORMS}

    def test_units_in_keys_and_examples_do_not_repeat_the_office(self) -> None:
        """``<office>/<unit>``: the unit is an office-local code, as on the roster `make run` seeds."""
        devstack = (ROOT / "deploy" / "local" / "devstack.py").read_text(encoding="utf-8")
        office = re.search(r'^OFFICE = "([^"]+)"', devstack, re.M)
        roster = re.search(r"^ROSTER = \{.*?^\}", devstack, re.M | re.S)
        assert office is not None and roster is not None
        units = set(re.findall(r'\("([A-Z-]+)", "', roster[0]))
        assert units and not any("/" in unit or unit.startswith(office[1]) for unit in units)
        example = json.loads(example_records()[0]["value"])
        assert "/" not in example["unit_id"] and not example["unit_id"].startswith(example["office_id"])


def topic_record(envelope: EventEnvelope, offset: int, *, headers: dict[str, str] | None = None,
                 value: bytes | None = None) -> TopicRecord:
    record = to_kafka(envelope)
    sent = [(k, (headers or {}).get(k, v.decode()).encode()) for k, v in record.headers]
    return TopicRecord(0, offset, record.key, record.value if value is None else value, tuple(sent))


class TestRedeliveryInKinerjaAudit:
    def stored(self) -> list[EventEnvelope]:
        return [kernel_reads(r["headers"], r["value"]) for r in example_records()]

    def test_an_identical_redelivery_is_only_counted(self) -> None:
        events = self.stored()
        topic = [topic_record(e, i) for i, e in enumerate(events)] + [topic_record(events[1], 3)]
        report = reconcile_records(events, topic, "t")
        assert report.ok and report.duplicates == 1

    def test_a_record_reusing_an_id_with_another_hash_is_reported_not_skipped(self) -> None:
        events = self.stored()
        forged_hash = {"ce_hash": "f" * 64}
        topic = [topic_record(e, i) for i, e in enumerate(events)] + [topic_record(events[1], 3, headers=forged_hash)]
        report = reconcile_records(events, topic, "t")
        assert report.duplicates == 0
        assert [(d.kind, d.event_id, d.offset) for d in report.differences] == [
            ("content_differs", str(events[1].event_id), 3)]
        assert "ce_id already seen" in report.differences[0].detail

    def test_a_record_reusing_an_id_with_other_content_is_reported(self) -> None:
        events = self.stored()
        payload = {**events[2].payload, "comments": "palsu"}
        forged = events[2].model_copy(update={"payload": payload})
        forged = forged.model_copy(update={"hash": forged.computed_hash()})
        topic = [topic_record(e, i) for i, e in enumerate(events)] + [topic_record(forged, 3)]
        report = reconcile_records(events, topic, "t")
        assert report.duplicates == 0 and {(d.kind, d.offset) for d in report.differences} == {
            ("content_differs", 3)}


def load_consumer() -> types.ModuleType:
    path = ROOT / "examples" / "downstream_payroll" / "consumer.py"
    spec = importlib.util.spec_from_file_location("payroll_consumer_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class TestRedeliveryInTheExampleConsumer:
    """The outside verifier (examples/downstream_payroll, no Kinerja code) follows the same rules."""

    @pytest.fixture
    def consumer(self) -> types.ModuleType:
        return load_consumer()

    def feed(self, consumer: types.ModuleType, records: list[tuple[dict[str, str], str]]) -> tuple[Any, Any]:
        db = sqlite3.connect(":memory:")
        consumer.prepare(db)
        summary = consumer.Summary()
        for offset, (headers, value) in enumerate(records):
            consumer.handle(db, consumer.Record("t", 0, offset, value.encode(), headers), summary)
        return db, summary

    def test_the_example_chain_verifies_and_an_identical_redelivery_is_a_duplicate(
            self, consumer: types.ModuleType) -> None:
        records = [(r["headers"], r["value"]) for r in example_records()]
        db, summary = self.feed(consumer, [*records, records[1]])
        assert (summary.records, summary.duplicates, summary.breaks) == (4, 1, 0)
        assert db.execute("SELECT stream_version, hash FROM stream_heads").fetchall() == [
            (3, example_records()[2]["hash"])]

    def test_a_forged_record_reusing_an_id_is_reported_and_leaves_the_head_alone(
            self, consumer: types.ModuleType) -> None:
        records = [(r["headers"], r["value"]) for r in example_records()]
        headers, value = records[2]
        payload = {**json.loads(value), "comments": "Disetujui."}
        forged_value = rfc8785.dumps(payload).decode()
        rehashed = {**headers, "ce_hash": documented_hash(headers, forged_value)}
        same_hash = dict(headers)
        db, summary = self.feed(consumer, [*records, (rehashed, forged_value), (same_hash, forged_value)])
        assert (summary.duplicates, summary.breaks) == (0, 2)
        reasons = [r for (r,) in db.execute("SELECT reason FROM chain_breaks ORDER BY \"offset\"")]
        assert reasons[0].startswith("ce_id already seen with ce_hash ") and "different content" in reasons[1]
        assert db.execute("SELECT stream_version, hash FROM stream_heads").fetchall() == [
            (3, example_records()[2]["hash"])]

    def test_a_database_of_the_older_consumer_gains_the_hash_column(self, consumer: types.ModuleType) -> None:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE processed_events (event_id TEXT PRIMARY KEY, event_type TEXT NOT NULL, "
                   "outcome TEXT NOT NULL)")
        consumer.prepare(db)
        assert "hash" in {row[1] for row in db.execute("PRAGMA table_info(processed_events)")}


def test_the_generator_and_the_committed_example_agree() -> None:
    assert [r["hash"] for r in chain_example()] == [r["hash"] for r in example_records()]
    assert asyncapi_document()["servers"] == ASYNCAPI["servers"]
