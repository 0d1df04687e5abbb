"""The one place where the feedback service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from kinerja_feedback.application.notifications import NotificationService
from kinerja_feedback.domain.notifications import (
    Notification,
    plan_approved,
    plan_awaiting_approval,
    plan_returned,
    target_achieved,
)
from kinerja_kernel.contracts.planning import IkiTargetAchieved, PlanApproved, PlanReturned, PlanSubmitted
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.runtime import ConsumerSpec, ServiceRuntime

CONSUMER_GROUP = "kinerja-feedback"


def build(runtime: ServiceRuntime) -> NotificationService:
    return NotificationService(EventSourcedRepository(runtime.store, Notification, prefix="notification"))


def consumers(notifications: NotificationService) -> list[ConsumerSpec]:
    return [ConsumerSpec(
        name=CONSUMER_GROUP,
        topics=[events_topic("planning")],
        handlers={
            PlanSubmitted.event_type: notifications.policy(plan_awaiting_approval),
            PlanApproved.event_type: notifications.policy(plan_approved),
            PlanReturned.event_type: notifications.policy(plan_returned),
            IkiTargetAchieved.event_type: notifications.policy(target_achieved),
        },
    )]


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    notifications = build(runtime)
    app.state.notifications = notifications
    return consumers(notifications)
