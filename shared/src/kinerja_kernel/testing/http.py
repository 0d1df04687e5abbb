"""Driving a service's FastAPI app in-process (lifespan included) with an HTTP client."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable

import httpx
from fastapi import FastAPI

from kinerja_kernel.auth import Role, mint_token


@contextlib.asynccontextmanager
async def running_app(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (database, relay, consumers) and yield a client bound to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


def bearer(secret: str, user_id: str, roles: Iterable[Role | str], offices: Iterable[str]) -> dict[str, str]:
    """An ``Authorization`` header for a development token."""
    return {"Authorization": f"Bearer {mint_token(secret=secret, user_id=user_id, roles=roles, offices=offices)}"}
