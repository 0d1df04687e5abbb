"""The published event contract: committed docs match the code, schemas only change compatibly, old versions
still decode, the worked example verifies with nothing but the documented recipe, and the HTTP routes."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import rfc8785
from fastapi import FastAPI
from pydantic import Field

from kinerja_kernel.canonical import canonical_json
from kinerja_kernel.catalog import (
    IncompatibleSchemaChange,
    asyncapi_document,
    catalog_router,
    chain_example,
    docs_differences,
    event_schema,
    incompatibilities,
    published_models,
    schema_file_name,
    subject_meaning,
    write_docs,
)
from kinerja_kernel.chain import verify_stream
from kinerja_kernel.cloudevents import from_kafka
from kinerja_kernel.envelope import GENESIS_HASH
from kinerja_kernel.http import install_http_edge
from kinerja_kernel.registry import REGISTRY, DomainEvent, EventRegistry, event
from kinerja_kernel.testing.factories import EventFactory as WireFactory

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "events"
SCHEMAS = DOCS / "schemas"
REGENERATE = "regenerate with: uv run python -m kinerja_kernel.catalog write docs/events"


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or [], **extra}


STRING: dict[str, Any] = {"type": "string"}
NULLABLE_STRING: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}


class TestCompatibilityChecker:
    """``incompatibilities(old, new)`` on synthetic schemas."""

    def test_an_unchanged_schema_is_compatible(self) -> None:
        schema = obj({"a": STRING}, ["a"], additionalProperties=False)
        assert incompatibilities(schema, copy.deepcopy(schema)) == []

    def test_a_new_optional_field_is_compatible(self) -> None:
        old = obj({"a": STRING}, ["a"], additionalProperties=False)
        new = obj({"a": STRING, "note": NULLABLE_STRING}, ["a"], additionalProperties=False)
        assert incompatibilities(old, new) == []

    def test_descriptions_titles_and_defaults_do_not_matter(self) -> None:
        old = obj({"a": {"type": "string", "title": "A", "default": "x"}}, title="Old", description="old")
        new = obj({"a": {"type": "string", "title": "Aa", "description": "new", "default": "y"}}, title="New")
        assert incompatibilities(old, new) == []

    def test_a_removed_field_is_named(self) -> None:
        old = obj({"a": STRING, "b": STRING}, ["a", "b"])
        assert incompatibilities(old, obj({"a": STRING}, ["a"])) == ["field 'b': removed"]

    def test_a_new_required_field_is_named(self) -> None:
        old = obj({"a": STRING}, ["a"])
        new = obj({"a": STRING, "unit_id": STRING}, ["a", "unit_id"])
        assert incompatibilities(old, new) == ["field 'unit_id': new required field"]

    def test_a_field_made_required_is_named(self) -> None:
        old = obj({"a": STRING, "b": NULLABLE_STRING}, ["a"])
        new = obj({"a": STRING, "b": STRING}, ["a", "b"])
        assert incompatibilities(old, new) == [
            "field 'b': null is no longer allowed (type narrowed)", "field 'b': became required"]

    def test_a_field_no_longer_required_is_compatible(self) -> None:
        old = obj({"a": STRING, "b": STRING}, ["a", "b"])
        assert incompatibilities(old, obj({"a": STRING, "b": STRING}, ["a"])) == []

    def test_a_changed_type_is_named(self) -> None:
        old = obj({"n": {"type": "integer"}}, ["n"])
        new = obj({"n": {"type": "string"}}, ["n"])
        assert incompatibilities(old, new) == ["field 'n': type changed from integer to string"]

    def test_a_changed_format_is_a_changed_type(self) -> None:
        old = obj({"id": {"type": "string", "format": "uuid"}})
        new = obj({"id": {"type": "string", "format": "date"}})
        assert incompatibilities(old, new) == ["field 'id': type changed from string (uuid) to string (date)"]

    def test_a_field_that_may_now_be_null_is_incompatible(self) -> None:
        old = obj({"reason": STRING}, ["reason"])
        new = obj({"reason": NULLABLE_STRING}, ["reason"])
        assert incompatibilities(old, new) == ["field 'reason': may now be null (readers expect a value)"]

    def test_a_union_losing_an_alternative_is_narrowed(self) -> None:
        old = obj({"v": {"anyOf": [{"type": "number"}, {"type": "string"}]}})
        new = obj({"v": {"type": "string"}})
        assert incompatibilities(old, new) == ["field 'v': no longer accepts number (type narrowed)"]

    def test_a_removed_enum_value_is_named_and_an_added_one_is_compatible(self) -> None:
        old = obj({"p": {"type": "string", "enum": ["baik", "kurang"]}})
        assert incompatibilities(old, obj({"p": {"type": "string", "enum": ["baik", "kurang", "istimewa"]}})) == []
        assert incompatibilities(old, obj({"p": {"type": "string", "enum": ["baik"]}})) == [
            "field 'p': enum value(s) removed: kurang"]

    def test_forbidding_extra_members_is_incompatible(self) -> None:
        old = obj({"a": STRING})
        new = obj({"a": STRING}, additionalProperties=False)
        assert incompatibilities(old, new) == [
            "the payload: extra members are now forbidden (additionalProperties: false)"]

    def test_a_tightened_bound_is_incompatible_and_a_loosened_one_is_not(self) -> None:
        old = obj({"s": {"type": "string", "maxLength": 40}, "n": {"type": "integer", "minimum": 1}})
        looser = obj({"s": {"type": "string", "maxLength": 80}, "n": {"type": "integer", "minimum": 0}})
        tighter = obj({"s": {"type": "string", "maxLength": 20}, "n": {"type": "integer", "minimum": 2}})
        assert incompatibilities(old, looser) == []
        assert incompatibilities(old, tighter) == [
            "field 's': maxLength tightened to 20", "field 'n': minimum tightened to 2"]

    def test_a_new_pattern_is_incompatible(self) -> None:
        old = obj({"h": STRING})
        assert incompatibilities(old, obj({"h": {"type": "string", "pattern": "^[0-9a-f]{64}$"}})) == [
            "field 'h': pattern changed to '^[0-9a-f]{64}$'"]

    def test_nested_fields_behind_refs_and_in_arrays_are_named_by_path(self) -> None:
        def schema(values: list[str]) -> dict[str, Any]:
            return {
                **obj({"result": {"$ref": "#/$defs/Result"}}, ["result"]),
                "$defs": {
                    "Result": obj({"ratings": {"type": "array", "items": {"$ref": "#/$defs/Rating"}}}, ["ratings"]),
                    "Rating": {"type": "string", "enum": values},
                },
            }

        assert incompatibilities(schema(["di_atas", "sesuai"]), schema(["sesuai"])) == [
            "field 'result.ratings[]': enum value(s) removed: di_atas"]

    def test_map_values_and_keys_are_compared(self) -> None:
        old = obj({"scores": {"type": "object", "additionalProperties": {"type": "integer"},
                              "propertyNames": {"enum": ["loyal", "adaptif"]}}})
        new = obj({"scores": {"type": "object", "additionalProperties": {"type": "string"},
                              "propertyNames": {"enum": ["loyal"]}}})
        assert incompatibilities(old, new) == [
            "field 'scores{*}': type changed from integer to string",
            "field 'scores{key}': enum value(s) removed: adaptif",
        ]


class TestCompatibilityOfPydanticModels:
    """The same checker on schemas pydantic generates for real model changes."""

    def test_plan_drafted_v2_was_an_incompatible_change_of_v1(self) -> None:
        v1 = json.loads((SCHEMAS / "planning.PlanDrafted.v1.json").read_text())
        v2 = json.loads((SCHEMAS / "planning.PlanDrafted.v2.json").read_text())
        assert incompatibilities(v1, v2) == [
            "field 'position_type': new required field", "field 'superior_id': new required field",
            "field 'unit_id': new required field"]

    def test_an_optional_field_added_to_a_model_is_compatible(self) -> None:
        registry = EventRegistry()

        @event("test.Rated", registry=registry)
        class Before(DomainEvent):
            rating: str
            amount: Decimal

        @event("test.Rated2", registry=registry)
        class After(DomainEvent):
            rating: str
            amount: Decimal
            note: str | None = None

        @event("test.Rated3", registry=registry)
        class Narrowed(DomainEvent):
            rating: str = Field(max_length=10)
            amount: int

        before, after = event_schema(Before), event_schema(After)
        assert incompatibilities(before, after) == []
        assert incompatibilities(before, event_schema(Narrowed)) == [
            "field 'rating': maxLength tightened to 10", "field 'amount': type changed from string (decimal) to integer"]


def example_instance(node: dict[str, Any], root: dict[str, Any]) -> Any:
    """A minimal payload valid for a JSON Schema as pydantic generates them (required members only)."""
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node:
        return example_instance(next(o for o in node["anyOf"] if o.get("type") != "null"), root)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object":
        return {name: example_instance(node["properties"][name], root) for name in node.get("required", [])}
    if kind == "array":
        return [example_instance(node["items"], root)] * node.get("minItems", 0)
    if kind == "integer":
        return node.get("minimum", 1)
    if kind == "number":
        return node.get("minimum", 1)
    if kind == "boolean":
        return True
    formats = {"uuid": str(uuid.uuid4()), "date": "2026-01-31", "date-time": "2026-01-31T01:02:03Z",
               "decimal": "1"}
    return formats.get(node.get("format", ""), "x" * max(node.get("minLength", 1), 1))


class TestCommittedContract:
    def test_the_committed_docs_are_what_the_code_generates(self) -> None:
        differences = docs_differences(DOCS)
        assert differences == [], f"docs/events is out of date ({REGENERATE}): {differences}"

    def test_no_published_schema_changed_incompatibly_within_its_version(self) -> None:
        broken = {}
        for model in published_models():
            path = SCHEMAS / schema_file_name(model.event_type, model.event_version)
            if path.exists():
                problems = incompatibilities(json.loads(path.read_text()), event_schema(model))
                if problems:
                    broken[model.event_type] = problems
        assert broken == {}, (
            f"incompatible change to a published event schema: {broken}; keep the old schema and publish a new "
            "version of the event type with an upcaster (REGISTRY.register_upcaster), then regenerate")

    def test_no_schema_ever_committed_for_a_current_version_is_broken_by_the_code(self) -> None:
        """Regenerating the docs cannot hide an incompatible change: every committed revision counts."""
        revisions = committed_revisions()
        if revisions is None:
            pytest.skip("not a git checkout")
        current = {schema_file_name(m.event_type, m.event_version): m for m in published_models()}
        broken = {}
        for (commit, name), text in revisions.items():
            if name in current:
                problems = incompatibilities(json.loads(text), event_schema(current[name]))
                if problems:
                    broken[f"{name} as of {commit[:10]}"] = problems
        assert broken == {}, f"incompatible with a schema published earlier under the same version: {broken}"

    def test_every_committed_version_is_still_known_and_older_ones_upcast_to_the_current(self) -> None:
        models = {m.event_type: m for m in published_models()}
        for path in sorted(SCHEMAS.glob("*.json")):
            schema = json.loads(path.read_text())
            event_type, version = schema["x-kinerja-event"]["event_type"], schema["x-kinerja-event"]["event_version"]
            assert path.name == schema_file_name(event_type, version)
            assert event_type in models, f"{event_type} is published (events of it stay on the topics) but gone"
            current = models[event_type]
            assert version <= current.event_version, f"{path.name} is newer than the code's v{current.event_version}"
            if version < current.event_version:
                decoded = REGISTRY.decode(event_type, version, example_instance(schema, schema))
                assert isinstance(decoded, current), f"{path.name} does not upcast to v{current.event_version}"

    def test_every_older_version_of_a_current_type_has_its_schema_committed(self) -> None:
        missing = [schema_file_name(m.event_type, v) for m in published_models() for v in range(1, m.event_version)
                   if not (SCHEMAS / schema_file_name(m.event_type, v)).exists()]
        assert missing == [], f"keep the schema of every version ever published: {missing}"

    def test_a_v1_plan_drafted_decodes_into_v2(self) -> None:
        v1 = json.loads((SCHEMAS / "planning.PlanDrafted.v1.json").read_text())
        payload = {"plan_id": str(uuid.uuid4()), "employee_id": "199001012015011001", "office_id": "KANWIL-DKI",
                   "period_year": 2026, "evaluator_id": "198001012005011002", "approach": "kuantitatif"}
        assert sorted(payload) == sorted(v1["required"])
        decoded = REGISTRY.decode("planning.PlanDrafted", 1, payload)
        assert decoded.model_dump(mode="json") == {**payload, "unit_id": "KANWIL-DKI", "superior_id": None,
                                                   "position_type": "ja"}

    def test_every_contract_module_documents_what_the_subject_is(self) -> None:
        undocumented = sorted({m.__module__ for m in published_models() if subject_meaning(m) == "not documented"})
        assert undocumented == [], f"say 'Subject (and Kafka key): ...' in the module docstring of {undocumented}"

    def test_write_refuses_to_overwrite_a_schema_with_an_incompatible_change(self, tmp_path: Path) -> None:
        docs = tmp_path / "events"
        shutil.copytree(DOCS, docs)
        path = docs / "schemas" / "evaluation.AppraisalFinalised.v1.json"
        schema = json.loads(path.read_text())
        schema["properties"]["payroll_grade"] = {"type": "integer"}
        path.write_text(json.dumps(schema))
        with pytest.raises(IncompatibleSchemaChange, match="field 'payroll_grade': removed"):
            write_docs(docs)
        assert json.loads(path.read_text()) == schema

    def test_write_keeps_older_versions_and_brings_docs_up_to_date(self, tmp_path: Path) -> None:
        docs = tmp_path / "events"
        shutil.copytree(DOCS, docs)
        (docs / "asyncapi.json").write_text("{}")
        assert write_docs(docs) == ["asyncapi.json"]
        assert (docs / "schemas" / "planning.PlanDrafted.v1.json").exists()
        assert docs_differences(docs) == []


def committed_revisions() -> dict[tuple[str, str], str] | None:
    """Every revision of every schema file in the git history: (commit, file name) -> text."""
    try:
        log = subprocess.run(["git", "log", "--format=format:commit %H", "--name-only", "--", "docs/events/schemas"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    wanted: list[tuple[str, str]] = []
    commit = ""
    for line in log.splitlines():
        if line.startswith("commit "):
            commit = line.split()[1]
        elif line.strip():
            wanted.append((commit, line.strip()))
    if not wanted:
        return {}
    batch = subprocess.run(["git", "cat-file", "--batch"], cwd=ROOT, capture_output=True, check=True,
                           input="".join(f"{c}:{p}\n" for c, p in wanted).encode()).stdout
    revisions: dict[tuple[str, str], str] = {}
    position = 0
    for commit, path in wanted:
        end = batch.index(b"\n", position)
        header = batch[position:end].decode().split()
        position = end + 1
        if header[-1] == "missing":
            continue  # deleted in that commit
        size = int(header[2])
        revisions[(commit, Path(path).name)] = batch[position:position + size].decode("utf-8")
        position += size + 1
    return revisions


def documented_hash(headers: dict[str, str], value: str) -> str:
    """The recipe of docs/events/README.md, with nothing from the kernel: headers + value -> hash."""
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


class TestWorkedExample:
    def test_the_example_verifies_with_only_the_documented_recipe(self) -> None:
        records = json.loads((DOCS / "examples" / "chain.json").read_text())
        previous = GENESIS_HASH
        for version, record in enumerate(records, start=1):
            headers = record["headers"]
            assert int(headers["ce_streamversion"]) == version
            assert headers["ce_prevhash"] == previous
            assert documented_hash(headers, record["value"]) == headers["ce_hash"] == record["hash"]
            assert rfc8785.dumps(json.loads(record["value"])) == record["value"].encode()
            assert record["key"] == headers["ce_subject"]
            previous = headers["ce_hash"]

    def test_the_kernel_reads_the_example_as_a_valid_chain(self) -> None:
        envelopes = [from_kafka(r["value"].encode(), [(k, v.encode()) for k, v in r["headers"].items()])
                     for r in chain_example()]
        assert verify_stream(envelopes).ok
        assert "—" in envelopes[2].payload["comments"]

    def test_the_readme_shows_the_example(self) -> None:
        readme = (DOCS / "README.md").read_text()
        for record in chain_example():
            assert record["value"] in readme and record["hashed_content"] in readme and record["hash"] in readme


class TestAsyncApi:
    def test_every_reference_in_the_document_resolves(self) -> None:
        document = asyncapi_document()

        def refs(node: Any) -> list[str]:
            if isinstance(node, dict):
                found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
                return found + [r for v in node.values() for r in refs(v)]
            if isinstance(node, list):
                return [r for v in node for r in refs(v)]
            return []

        for ref in refs(document):
            target: Any = document
            for part in ref.removeprefix("#/").split("/"):
                assert part in target, f"unresolved {ref}"
                target = target[part]

    def test_every_event_type_is_a_message_on_its_services_topic(self) -> None:
        document = asyncapi_document()
        assert document["asyncapi"] == "3.0.0"
        for model in published_models():
            service = model.event_type.split(".")[0]
            channel = document["channels"][f"{service}Events"]
            assert channel["address"] == f"kinerja.{service}.events"
            assert model.event_type in channel["messages"]
            message = document["components"]["messages"][model.event_type]
            assert message["bindings"]["kafka"]["key"]["description"] == subject_meaning(model)
        assert document["channels"]["planningInteractions"]["address"] == "kinerja.planning.interactions"


@pytest.fixture
def catalog_app() -> FastAPI:
    app = FastAPI()
    install_http_edge(app)
    app.include_router(catalog_router())
    return app


async def get(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get(path)


class TestHttp:
    async def test_lists_every_event_type_without_authentication(self, catalog_app: FastAPI) -> None:
        response = await get(catalog_app, "/api/v1/events/catalog")
        assert response.status_code == 200
        entries = {e["type"]: e for e in response.json()}
        assert entries.keys() == {m.event_type for m in published_models()}
        assert entries["evaluation.AppraisalFinalised"] | {"description": "", "subject": ""} == {
            "type": "evaluation.AppraisalFinalised", "version": 1, "service": "evaluation",
            "topic": "kinerja.evaluation.events", "description": "", "subject": "",
            "schema": "urn:kinerja:events:evaluation.AppraisalFinalised:v1", "older_versions": []}
        assert entries["planning.PlanDrafted"]["older_versions"] == [1]

    async def test_serves_the_committed_schema_of_an_event_type(self, catalog_app: FastAPI) -> None:
        response = await get(catalog_app, "/api/v1/events/catalog/planning.PlanDrafted")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/schema+json"
        assert response.json() == json.loads((SCHEMAS / "planning.PlanDrafted.v2.json").read_text())

    async def test_an_unknown_event_type_is_404(self, catalog_app: FastAPI) -> None:
        response = await get(catalog_app, "/api/v1/events/catalog/planning.Nope")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_serves_the_committed_asyncapi_document(self, catalog_app: FastAPI) -> None:
        response = await get(catalog_app, "/api/v1/events/asyncapi.json")
        assert response.status_code == 200
        assert response.json() == json.loads((DOCS / "asyncapi.json").read_text())


def violations(value: Any, node: dict[str, Any], root: dict[str, Any], path: str = "") -> list[str]:
    """A small JSON Schema check covering what pydantic emits ($ref, anyOf, type, enum, const, objects, maps,
    arrays, formats, bounds), so the test needs no validator library."""
    while "$ref" in node:
        node = {**root["$defs"][node["$ref"].rsplit("/", 1)[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if "anyOf" in node:
        options = [violations(value, option, root, path) for option in node["anyOf"]]
        return [] if any(not o for o in options) else [f"{path}: matches no alternative {options}"]
    if "const" in node and value != node["const"]:
        return [f"{path}: {value!r} is not {node['const']!r}"]
    if "enum" in node and value not in node["enum"]:
        return [f"{path}: {value!r} not in enum"]
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    kind = node.get("type")
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float) or (kind == "integer" and isinstance(value, float)):
            return [f"{path}: {value!r} is not an {kind}"]
        if value < node.get("minimum", value) or value > node.get("maximum", value):
            return [f"{path}: {value!r} out of bounds"]
    elif kind is not None and not isinstance(value, kinds[kind]):
        return [f"{path}: {value!r} is not {kind}"]
    problems: list[str] = []
    if isinstance(value, str):
        checks = {"uuid": lambda v: uuid.UUID(v), "date": date.fromisoformat, "date-time": datetime.fromisoformat,
                  "decimal": Decimal}
        try:
            checks.get(node.get("format", ""), str)(value)
        except (ValueError, ArithmeticError):
            problems.append(f"{path}: {value!r} is not {node['format']}")
        if not node.get("minLength", 0) <= len(value) <= node.get("maxLength", len(value)):
            problems.append(f"{path}: length out of bounds")
        if "pattern" in node and not re.search(node["pattern"], value):
            problems.append(f"{path}: does not match {node['pattern']}")
    if isinstance(value, dict):
        properties = node.get("properties", {})
        problems += [f"{path}.{name}: missing" for name in node.get("required", []) if name not in value]
        for name, inner in value.items():
            if name in properties:
                problems += violations(inner, properties[name], root, f"{path}.{name}")
            elif node.get("additionalProperties", True) is False:
                problems.append(f"{path}.{name}: not allowed")
            elif isinstance(node.get("additionalProperties"), dict):
                problems += violations(inner, node["additionalProperties"], root, f"{path}{{{name}}}")
            if "propertyNames" in node:
                problems += violations(name, node["propertyNames"], root, f"{path}{{key}}")
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            problems += violations(item, node["items"], root, f"{path}[{index}]")
    return problems


class TestSchemasDescribeTheWire:
    @pytest.mark.parametrize("model", published_models(), ids=lambda m: m.event_type)
    def test_what_the_relay_publishes_is_valid_against_the_published_schema(self, model: type[DomainEvent]) -> None:
        schema = json.loads((SCHEMAS / schema_file_name(model.event_type, model.event_version)).read_text())
        factory = WireFactory.create_factory(model)
        for _ in range(5):
            value = json.loads(canonical_json(REGISTRY.encode(factory.build())))
            assert violations(value, schema, schema) == []

    def test_the_validator_used_here_does_reject_a_wrong_payload(self) -> None:
        schema = json.loads((SCHEMAS / "planning.PlanDrafted.v2.json").read_text())
        payload = json.loads((DOCS / "examples" / "chain.json").read_text())[0]["value"]
        good = json.loads(payload)
        assert violations(good, schema, schema) == []
        assert violations({**good, "approach": "lain", "extra": 1}, schema, schema) == [
            ".approach: 'lain' not in enum", ".extra: not allowed"]
