"""HTTP routes of the notification inbox and upcoming reminders."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import AwareDatetime, BaseModel

from kinerja_feedback.adapters.inbox_view import NotificationView
from kinerja_feedback.adapters.reminder_store import ReminderView
from kinerja_feedback.bootstrap import FeedbackApp
from kinerja_kernel.http import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["Notifikasi"])


async def feedback_app(request: Request) -> FeedbackApp:
    app: FeedbackApp = request.app.state.feedback
    return app


App = Annotated[FeedbackApp, Depends(feedback_app)]
Kind = Annotated[str | None, Query(max_length=60, description="jenis notifikasi, mis. rating_ready")]


class UnreadView(BaseModel):
    total: int
    by_kind: dict[str, int]


class ReadAllView(BaseModel):
    read: int


@router.get("/notifications", response_model=list[NotificationView])
async def my_notifications(
    by: CurrentPrincipal, svc: App, unread: bool = False, kind: Kind = None,
    since: Annotated[AwareDatetime | None, Query(description="hanya yang dibuat sejak")] = None,
    office_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[NotificationView]:
    """The caller's inbox, newest first (filters: unread, kind, since, office)."""
    return await svc.notifications.inbox(by, unread_only=unread, kind=kind, limit=limit, since=since,
                                         office_id=office_id)


@router.get("/notifications/unread-count", response_model=UnreadView)
async def unread_count(by: CurrentPrincipal, svc: App) -> UnreadView:
    counts = await svc.notifications.unread(by)
    return UnreadView(total=sum(counts.values()), by_kind=counts)


@router.post("/notifications/{notification_id}/read", status_code=status.HTTP_204_NO_CONTENT)
async def read_notification(notification_id: uuid.UUID, by: CurrentPrincipal, svc: App) -> None:
    await svc.notifications.read(notification_id, by)


@router.post("/notifications/read-all", response_model=ReadAllView)
async def read_all(by: CurrentPrincipal, svc: App, kind: Kind = None) -> ReadAllView:
    """Mark every unread notification (of one kind) read."""
    return ReadAllView(read=await svc.notifications.read_all(by, kind))


@router.get("/me/reminders", response_model=list[ReminderView], tags=["Pengingat"])
async def my_reminders(by: CurrentPrincipal, svc: App) -> list[ReminderView]:
    """The caller's upcoming deadlines and which reminders were already sent (days before)."""
    return await svc.reminders.upcoming(by)


