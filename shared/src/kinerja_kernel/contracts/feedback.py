"""Events the feedback service publishes on ``kinerja.feedback.events`` (subject: the recipient)."""

from __future__ import annotations

import uuid

from pydantic import Field

from kinerja_kernel.registry import DomainEvent, event


@event("feedback.NotificationIssued")
class NotificationIssued(DomainEvent):
    """A notification was put in a user's inbox because of another event."""

    notification_id: uuid.UUID
    recipient_id: str
    office_id: str
    kind: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=2000)
    link: str | None = None
    source_event_id: uuid.UUID
    source_event_type: str


@event("feedback.NotificationRead")
class NotificationRead(DomainEvent):
    """The recipient marked a notification as read."""

    notification_id: uuid.UUID
    recipient_id: str
