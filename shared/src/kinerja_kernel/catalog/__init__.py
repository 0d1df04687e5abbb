"""The published event contract: a JSON Schema per event type, an AsyncAPI 3.0 document of the topics,
the HTTP routes that serve them, and the writer of the committed copies under ``docs/events``.

One module each: ``published`` (what is published), ``schema`` (JSON Schema), ``asyncapi``,
``compatibility`` (the checker), ``markdown`` (README sections), ``docs`` (the committed copies),
``http`` (the router) and ``cli``; this package re-exports their public names.

Everything is generated from the registry (``kinerja_kernel.contracts`` registers every published type),
so a new contract module appears here without being listed. The AsyncAPI document is built here rather
than by FastStream: events leave through the outbox relay (a plain aiokafka producer reading the events
table), not through FastStream publishers, so FastStream's generator would only see the subscribers.

Regenerate the committed copies with ``uv run python -m kinerja_kernel.catalog write docs/events``;
``check`` reports what differs. ``write`` refuses to overwrite a published schema with an incompatible
change (see ``incompatibilities``): such a change is a new event version with an upcaster.
"""

from kinerja_kernel.catalog.asyncapi import asyncapi_document, cloudevents_headers_schema, dead_letter_headers_schema
from kinerja_kernel.catalog.compatibility import incompatibilities
from kinerja_kernel.catalog.docs import (
    IncompatibleSchemaChange,
    docs_differences,
    generated_files,
    published_incompatibilities,
    readme_sections,
    render_readme,
    write_docs,
)
from kinerja_kernel.catalog.http import catalog_router
from kinerja_kernel.catalog.markdown import chain_example
from kinerja_kernel.catalog.published import (
    GENERATED,
    published_models,
    schema_file_name,
    schema_id,
    service_of,
    source_of,
    subject_meaning,
)
from kinerja_kernel.catalog.schema import catalog_entries, event_schema

__all__ = [
    "GENERATED", "IncompatibleSchemaChange", "asyncapi_document", "catalog_entries", "catalog_router", "chain_example",
    "cloudevents_headers_schema", "dead_letter_headers_schema", "docs_differences", "event_schema",
    "generated_files", "incompatibilities", "published_incompatibilities", "published_models", "readme_sections",
    "render_readme", "schema_file_name", "schema_id", "service_of", "source_of", "subject_meaning", "write_docs",
]
