"""The AsyncAPI 3.0 document of the topics: channels, messages, CloudEvents and dead-letter headers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic.json_schema import models_json_schema

from kinerja_kernel.catalog.published import (
    ASYNCAPI_VERSION,
    DEFAULT_PARTITIONS,
    DEV_KAFKA_BOOTSTRAP,
    DOCUMENT_VERSION,
    INTERACTIONS_TOPIC,
    KAFKA_BINDING_VERSION,
    PRODUCTION_KAFKA_BOOTSTRAP,
    READER_TOLERANCE,
    _module_doc,
    archived_schema,
    as_markdown,
    doc_of,
    published_models,
    schema_id,
    service_of,
    source_of,
    subject_meaning,
)
from kinerja_kernel.catalog.schema import WireJsonSchema
from kinerja_kernel.cloudevents import CONTENT_TYPE, EXTENSIONS, HEADER_PATTERNS, SPEC_VERSION
from kinerja_kernel.kafka import dead_letter_topic, events_topic
from kinerja_kernel.registry import DomainEvent


def _header(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def cloudevents_headers_schema() -> dict[str, Any]:
    """The Kafka headers every event record carries (CloudEvents 1.0 Kafka binding, binary mode)."""
    properties: dict[str, Any] = {
        "ce_specversion": _header("CloudEvents spec version", const=SPEC_VERSION),
        "content-type": _header("media type of the value", const=CONTENT_TYPE),
        "ce_id": _header("event_id: unique id of the event, a UUID in lower case (hashed as written); a record "
                         "whose ce_id was seen before is a redelivery only if its ce_hash and content are the same",
                         format="uuid"),
        "ce_source": _header("source: `/kinerja/<service>`"),
        "ce_type": _header("event_type: `<service>.<PastTense>`"),
        "ce_subject": _header("subject: the Kafka key: an employee's NIP, an office id or `<office>/<unit>` "
                              "(docs/events/README.md, Keys and streams)", minLength=1, maxLength=64),
        "ce_time": _header("occurred_at: when it happened, UTC with six fraction digits"),
    }
    descriptions = {
        "event_version": "event_version: version of the payload's schema (decimal integer)",
        "stream_id": "stream_id: the aggregate's stream (`penilaian-<uuid>`, `skp-<uuid>`, ...)",
        "stream_version": "stream_version: position in the stream, from 1 (decimal integer)",
        "office_id": "office_id: the office (tenant) the event belongs to",
        "actor_id": "actor_id: who did it (a NIP, or a service name for machines)",
        "actor_role": "actor_role: the role they acted in",
        "recorded_at": "recorded_at: when it was stored, UTC with six fraction digits",
        "correlation_id": "correlation_id: follows one request across services; always present, never empty",
        "causation_id": "causation_id: the event that caused this one. Absent exactly when the event has no "
                        "cause; the hashed content then has `causation_id`: null. When present, its text is hashed "
                        "as a JSON string exactly as written (an empty header would be \"\", not null)",
        "prev_hash": "prev_hash: the previous event's hash in the stream (64 zeros for the first)",
        "hash": "hash: SHA-256 over prev_hash and the canonical envelope (docs/events/README.md)",
        "traceparent": "traceparent: the W3C trace context the event was recorded in (CloudEvents "
                       "distributed-tracing extension). Transport metadata for traces: optional, NOT covered by "
                       "the hash, and a relay or broker may add or drop it",
    }
    for field_name, attribute in EXTENSIONS.items():
        extra: dict[str, Any] = {"minLength": 1, "maxLength": 64} if field_name == "correlation_id" else {}
        properties[f"ce_{attribute}"] = _header(descriptions[field_name], **extra)
    for name, pattern in HEADER_PATTERNS.items():
        properties[name]["pattern"] = pattern
    required = [name for name in properties if name not in {"ce_causationid", "ce_traceparent"}]
    return {"type": "object", "description": "CloudEvents 1.0 attributes as Kafka headers (UTF-8)",
            "properties": properties, "required": required}


def dead_letter_headers_schema() -> dict[str, Any]:
    """The headers a dead-lettered record carries besides its original ones."""
    names = {
        "kinerja_dlt_reason": "why: `malformed`, `invalid-payload`, `handler-failed`, ...",
        "kinerja_dlt_error": "the error message",
        "kinerja_dlt_consumer": "the consumer that gave up on the record",
        "kinerja_dlt_topic": "the record's original topic",
        "kinerja_dlt_partition": "its original partition",
        "kinerja_dlt_offset": "its original offset",
    }
    return {"type": "object", "description": "the original headers plus these",
            "properties": {name: _header(text) for name, text in names.items()}}


def _channel_key(service: str, kind: str) -> str:
    return f"{service}{kind.capitalize()}"


def _kafka_channel_binding(topic: str) -> dict[str, Any]:
    return {"kafka": {"topic": topic, "partitions": DEFAULT_PARTITIONS, "topicConfiguration": {"retention.ms": -1},
                      "bindingVersion": KAFKA_BINDING_VERSION}}


def _event_message(model: type[DomainEvent], schema_name: str, version: int | None = None) -> dict[str, Any]:
    """The message of one version of an event type (the current one unless ``version`` is given)."""
    service = service_of(model.event_type)
    version = model.event_version if version is None else version
    description = as_markdown(doc_of(model)) or model.event_type
    if model.event_version > 1:
        others = ", ".join(f"`{_message_key(model, v)}` (v{v})" for v in range(1, model.event_version + 1)
                           if v != version)
        description += (f" Records of this type on the topic carry v{version} (this message) or {others}: "
                        "`ce_eventversion` says which; the hash covers the payload as it was published.")
    return {
        "name": model.event_type,
        "title": f"{model.event_type} v{version}",
        "summary": description.split(". ")[0].rstrip("."),
        "description": description,
        "contentType": CONTENT_TYPE,
        "headers": {"allOf": [
            {"$ref": "#/components/schemas/CloudEventsHeaders"},
            {"type": "object", "properties": {
                "ce_type": {"type": "string", "const": model.event_type},
                "ce_source": {"type": "string", "const": source_of(service)},
                "ce_eventversion": {"type": "string", "const": str(version)},
            }},
        ]},
        "payload": {"$ref": f"#/components/schemas/{schema_name}"},
        "correlationId": {"description": "follows one request across services",
                          "location": "$message.header#/ce_correlationid"},
        "bindings": {"kafka": {"key": {"type": "string", "description": subject_meaning(model)},
                               "bindingVersion": KAFKA_BINDING_VERSION}},
        "x-kinerja-schema": schema_id(model.event_type, version),
    }


def _message_key(model: type[DomainEvent], version: int) -> str:
    """``planning.PlanDrafted`` for the current version, ``planning.PlanDrafted.v1`` for an older one."""
    return model.event_type if version == model.event_version else f"{model.event_type}.v{version}"


def _embedded(name: str, schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A standalone published schema as components: its ``$defs`` renamed ``<name>.<def>``, refs rewritten."""
    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (f"#/components/schemas/{name}.{v.rsplit('/', 1)[-1]}" if k == "$ref" else rewrite(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    body = {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}
    parts = {name: rewrite(body)}
    parts.update({f"{name}.{key}": rewrite(value) for key, value in schema.get("$defs", {}).items()})
    return parts


def asyncapi_document(models: Iterable[type[DomainEvent]] | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 document: each service's events topic with one message per event type, each dead-letter
    topic, and planning's input topic for service interactions."""
    from kinerja_kernel.contracts.planning import ServiceInteraction

    chosen = published_models() if models is None else list(models)
    refs, definitions = models_json_schema(
        [(m, "serialization") for m in chosen] + [(ServiceInteraction, "serialization")],
        ref_template="#/components/schemas/{model}", schema_generator=WireJsonSchema,
    )
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    schema_names = {m: refs[(m, "serialization")]["$ref"].rsplit("/", 1)[-1] for m in chosen}
    schemas["CloudEventsHeaders"] = cloudevents_headers_schema()
    schemas["DeadLetterHeaders"] = dead_letter_headers_schema()

    services = sorted({service_of(m.event_type) for m in chosen})
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for service in services:
        in_service = [m for m in chosen if service_of(m.event_type) == service]
        key = _channel_key(service, "events")
        channel_messages = {}
        for model in in_service:
            for version in range(1, model.event_version + 1):
                key_of_message = _message_key(model, version)
                if version == model.event_version:
                    messages[key_of_message] = _event_message(model, schema_names[model])
                else:
                    schemas.update(_embedded(key_of_message, archived_schema(model.event_type, version)))
                    messages[key_of_message] = _event_message(model, key_of_message, version)
                channel_messages[key_of_message] = {"$ref": f"#/components/messages/{key_of_message}"}
        channels[key] = {
            "address": events_topic(service),
            "title": f"{service} events",
            "description": as_markdown(_module_doc(in_service[0])) + " Kept forever; key = `ce_subject`, so one "
            "subject's events keep their order. Records are CloudEvents 1.0 in Kafka binary mode.",
            "messages": channel_messages,
            "bindings": _kafka_channel_binding(events_topic(service)),
        }
        operations[f"publish{service.capitalize()}Events"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "summary": f"The {service} service's outbox relay publishes every committed event, in stream order, "
                       "at least once (deduplicate on `ce_id`).",
            "messages": [{"$ref": f"#/channels/{key}/messages/{name}"} for name in channel_messages],
        }
        dlt_key = _channel_key(service, "deadletter")
        messages[f"{service}.DeadLetter"] = {
            "name": f"{service}.DeadLetter",
            "title": f"A record a {service} consumer could not process",
            "description": "The original record (key, value and headers) plus the `kinerja_dlt_*` headers.",
            "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
            "payload": {"description": "the original record's value, unchanged"},
        }
        channels[dlt_key] = {
            "address": dead_letter_topic(service),
            "title": f"{service} dead letters",
            "description": f"Records the {service} service's consumers could not process, with the reason.",
            "messages": {"DeadLetter": {"$ref": f"#/components/messages/{service}.DeadLetter"}},
            "bindings": _kafka_channel_binding(dead_letter_topic(service)),
        }
        operations[f"deadLetter{service.capitalize()}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{dlt_key}"},
            "summary": f"The {service} service parks records it cannot process.",
            "messages": [{"$ref": f"#/channels/{dlt_key}/messages/DeadLetter"}],
        }
    if "planning" in services:
        interaction = refs[(ServiceInteraction, "serialization")]["$ref"].rsplit("/", 1)[-1]
        messages["planning.ServiceInteraction"] = {
            "name": "planning.ServiceInteraction",
            "title": "A service interaction (input)",
            "summary": "One public-service interaction an employee handled",
            "description": "Plain JSON (not a CloudEvent), one record each, sent by counter systems, call centres "
                           "and portals; recorded once per `interaction_id`; a bad record goes to the dead-letter "
                           "topic.",
            "contentType": CONTENT_TYPE,
            "payload": {"$ref": f"#/components/schemas/{interaction}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": "the employee's NIP"},
                                   "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        channels["planningInteractions"] = {
            "address": INTERACTIONS_TOPIC,
            "title": "service interactions (input)",
            "description": "Input to the planning service: service interactions, rolled up into service IKIs.",
            "messages": {"ServiceInteraction": {"$ref": "#/components/messages/planning.ServiceInteraction"}},
            "bindings": _kafka_channel_binding(INTERACTIONS_TOPIC),
        }
        operations["receiveInteractions"] = {
            "action": "receive", "channel": {"$ref": "#/channels/planningInteractions"},
            "summary": "The planning service consumes service interactions.",
            "messages": [{"$ref": "#/channels/planningInteractions/messages/ServiceInteraction"}],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Kinerja events",
            "version": DOCUMENT_VERSION,
            "description": "The events Kinerja publishes for downstream systems (payroll, promotion, training). "
            "Each record is a CloudEvents 1.0 event in Kafka binary mode; each event type has a versioned JSON "
            "Schema; every stream is a SHA-256 hash chain anyone can verify. The byte-level rules: "
            "docs/events/README.md. " + READER_TOLERANCE,
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {"host": DEV_KAFKA_BOOTSTRAP, "protocol": "kafka",
                      "description": "the development broker `make run` starts (deploy/local/devstack.py; "
                                     "another port with KINERJA_KAFKA_PORT)"},
            "production": {"host": "{bootstrap}", "protocol": "kafka-secure",
                           "description": "the agency's Kafka cluster: the placeholder stands for its bootstrap "
                                          "address (the Kubernetes base's default is given). TLS with SCRAM-SHA-512 "
                                          "(SASL_SSL), or mutual TLS on port 9094; each subscriber has its own "
                                          "read-only principal and consumer groups (deploy/kafka/acls.txt)",
                           "security": [{"$ref": "#/components/securitySchemes/scramSha512"},
                                        {"$ref": "#/components/securitySchemes/mutualTls"}],
                           "variables": {"bootstrap": {"default": PRODUCTION_KAFKA_BOOTSTRAP,
                                                       "description": "host:port of the cluster's bootstrap "
                                                                      "service"}}},
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages, "securitySchemes": {
            "scramSha512": {"type": "scramSha512", "description": "SASL_SSL: TLS, then SCRAM-SHA-512 with the "
                                                                  "principal's user name and password"},
            "mutualTls": {"type": "X509", "description": "TLS with a client certificate signed by the cluster's "
                                                         "clients CA; the principal is the certificate's CN"}}},
    }
