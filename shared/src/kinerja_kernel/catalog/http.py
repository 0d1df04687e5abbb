"""The HTTP routes that serve the published contract (no authentication: no personal data)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from kinerja_kernel.catalog.asyncapi import asyncapi_document
from kinerja_kernel.catalog.published import published_models
from kinerja_kernel.catalog.schema import catalog_entries, event_schema
from kinerja_kernel.errors import NotFound


@cache
def _cached_asyncapi() -> dict[str, Any]:
    return asyncapi_document()


@cache
def _cached_schemas() -> dict[str, dict[str, Any]]:
    return {m.event_type: event_schema(m) for m in published_models()}


def catalog_router() -> APIRouter:
    """``GET /api/v1/events/catalog``, ``/catalog/{event_type}`` and ``/asyncapi.json``.

    No authentication: this is the published contract (names, schemas, topics), with no personal data.
    """
    router = APIRouter(prefix="/api/v1/events", tags=["event catalog"])

    @router.get("/catalog", summary="Every published event type")
    async def list_event_types() -> list[dict[str, Any]]:
        return catalog_entries()

    @router.get("/catalog/{event_type}", summary="The JSON Schema of an event type's current version",
                response_class=JSONResponse)
    async def event_type_schema(event_type: str) -> JSONResponse:
        schema = _cached_schemas().get(event_type)
        if schema is None:
            raise NotFound("kernel.event.unknown-type", field="event_type", event_type=event_type)
        return JSONResponse(schema, media_type="application/schema+json")

    @router.get("/asyncapi.json", summary="AsyncAPI 3.0 document of the topics", response_class=JSONResponse)
    async def asyncapi() -> JSONResponse:
        return JSONResponse(_cached_asyncapi())

    return router
