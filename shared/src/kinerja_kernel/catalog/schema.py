"""The published JSON Schema (2020-12) of each event type's payload, and the catalog's one line per type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from kinerja_kernel.catalog.published import (
    DECIMAL_PATTERN,
    JSON_SCHEMA_DIALECT,
    READER_TOLERANCE,
    as_markdown,
    doc_of,
    published_models,
    schema_id,
    service_of,
    source_of,
    subject_meaning,
)
from kinerja_kernel.cloudevents import CONTENT_TYPE, SPEC_VERSION
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.registry import DomainEvent


class WireJsonSchema(GenerateJsonSchema):
    """pydantic's schema of what is on the wire (serialization mode), decimals marked as such, with their syntax
    (``DECIMAL_PATTERN``): JSON Schema validators treat an unknown ``format`` as an annotation only."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        if self.mode == "serialization":
            return {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN}
        return super().decimal_schema(schema)


def _event_annotation(model: type[DomainEvent]) -> dict[str, Any]:
    service = service_of(model.event_type)
    return {
        "event_type": model.event_type,
        "event_version": model.event_version,
        "service": service,
        "topic": events_topic(service),
        "key": f"the event's subject: {subject_meaning(model)}",
        "cloudevents": {
            "ce_specversion": SPEC_VERSION,
            "ce_type": model.event_type,
            "ce_eventversion": str(model.event_version),
            "ce_source": source_of(service),
            "ce_subject": subject_meaning(model),
            "content-type": CONTENT_TYPE,
            "more": "every event also carries ce_id, ce_time and the extension headers: see docs/events/README.md",
        },
    }


def event_schema(model: type[DomainEvent]) -> dict[str, Any]:
    """The published JSON Schema (2020-12) of one event type's payload (the Kafka record's value)."""
    generated = model.model_json_schema(mode="serialization", schema_generator=WireJsonSchema)
    generated.pop("title", None)
    description = generated.pop("description", None) or doc_of(model) or model.event_type
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(model.event_type, model.event_version),
        "title": f"{model.event_type} v{model.event_version}",
        "description": as_markdown(description),
        "$comment": READER_TOLERANCE,
        "x-kinerja-event": _event_annotation(model),
        **generated,
    }


def catalog_entries(models: Iterable[type[DomainEvent]] | None = None) -> list[dict[str, Any]]:
    """One line per event type: type, version, service, topic, description, subject, schema id."""
    entries = []
    for model in published_models() if models is None else models:
        service = service_of(model.event_type)
        entries.append({
            "type": model.event_type,
            "version": model.event_version,
            "service": service,
            "topic": events_topic(service),
            "description": as_markdown(doc_of(model)),
            "subject": subject_meaning(model),
            "schema": schema_id(model.event_type, model.event_version),
            "older_versions": list(range(1, model.event_version)),
        })
    return entries
