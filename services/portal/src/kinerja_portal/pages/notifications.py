"""Notifications: the inbox page, marking read, and the small JSON answer pages poll for new ones."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from kinerja_portal import session
from kinerja_portal.clients import ServiceUnavailable, SessionExpired
from kinerja_portal.web import Api, CurrentViewer, Form, office_settings, render, show_time, viewer_of

router = APIRouter()


def _safe_link(link: str | None) -> str | None:
    """Notification links point into the portal only."""
    return link if link and link.startswith("/") and not link.startswith("//") else None


@router.get("/notifikasi")
async def inbox(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    items, settings = await asyncio.gather(
        api.call("feedback", "GET", "/notifications", viewer.token, params={"limit": 100}),
        office_settings(api, viewer))
    zone = settings.get("time_zone")
    return render(request, "notifications.html", {"items": items, "safe_link": _safe_link, "zone": zone})


@router.post("/notifikasi/{notification_id}/baca")
async def mark_read(notification_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    await api.call("feedback", "POST", f"/notifications/{notification_id}/read", viewer.token)
    return RedirectResponse("/notifikasi", status_code=303)


@router.post("/notifikasi/baca-semua")
async def mark_all_read(viewer: CurrentViewer, api: Api, form: Form) -> Response:
    await api.call("feedback", "POST", "/notifications/read-all", viewer.token)
    return RedirectResponse("/notifikasi", status_code=303)


@router.get("/notifikasi/terbaru")
async def latest(request: Request, api: Api) -> Response:
    """For the page script: the unread count and the newest unread notifications (JSON, never a redirect).
    Polling does not keep an idle session alive."""
    session.passive(request)
    viewer = viewer_of(request)
    if viewer is None:
        return JSONResponse({"signed_in": False}, status_code=401)
    try:
        items: list[dict[str, Any]] = await api.call("feedback", "GET", "/notifications", viewer.token,
                                                     params={"unread": "true", "limit": 20})
        count: dict[str, Any] = await api.call("feedback", "GET", "/notifications/unread-count", viewer.token)
        zone = (await office_settings(api, viewer)).get("time_zone") if items else None
    except SessionExpired:
        return JSONResponse({"signed_in": False}, status_code=401)
    except ServiceUnavailable:
        return JSONResponse({"available": False}, status_code=503)
    return JSONResponse({
        "unread": int(count["total"]),
        "items": [{"id": str(n["notification_id"]), "title": n["title"], "body": n["body"],
                   "link": _safe_link(n.get("link")), "created_at": show_time(n["created_at"], zone)} for n in items],
    }, headers={"Cache-Control": "no-store"})
