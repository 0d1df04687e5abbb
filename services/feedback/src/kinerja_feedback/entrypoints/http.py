"""HTTP routes of the feedback service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from kinerja_feedback.adapters.inbox_view import NotificationView
from kinerja_feedback.application.notifications import NotificationService
from kinerja_kernel.http import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["Notifikasi"])


def notifications(request: Request) -> NotificationService:
    service: NotificationService = request.app.state.notifications
    return service


Notifications = Annotated[NotificationService, Depends(notifications)]


@router.get("/notifications", response_model=list[NotificationView])
async def my_notifications(
    by: CurrentPrincipal, svc: Notifications, unread: bool = False,
    kind: Annotated[str | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[NotificationView]:
    """The caller's inbox, newest first."""
    return await svc.inbox(by, unread_only=unread, kind=kind, limit=limit)


@router.post("/notifications/{notification_id}/read", status_code=status.HTTP_204_NO_CONTENT)
async def read_notification(notification_id: uuid.UUID, by: CurrentPrincipal, svc: Notifications) -> None:
    await svc.read(notification_id, by)
