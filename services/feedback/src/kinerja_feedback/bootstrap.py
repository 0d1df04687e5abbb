"""The one place where the feedback service's adapters are built and handed to its use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from kinerja_feedback.adapters import directory, views, webhook_store
from kinerja_feedback.adapters.inbox_view import READ_PROJECTION
from kinerja_feedback.application.access import Clock
from kinerja_feedback.application.clarifications import ClarificationService
from kinerja_feedback.application.dialogues import DialogueService
from kinerja_feedback.application.feedback import FeedbackService
from kinerja_feedback.application.notifications import NotificationService
from kinerja_feedback.application.policies import Policies
from kinerja_feedback.application.reminders import ReminderScheduler
from kinerja_feedback.application.webhooks import DeliveryWorker, WebhookService
from kinerja_feedback.config import FeedbackSettings
from kinerja_feedback.domain.clarification import Clarification
from kinerja_feedback.domain.dialogue import Dialogue
from kinerja_feedback.domain.feedback import Feedback
from kinerja_feedback.domain.notifications import Notification
from kinerja_feedback.domain.reminders import Reminder
from kinerja_feedback.domain.settings import OfficeFeedbackSettings
from kinerja_feedback.domain.webhooks import TargetPolicy, WebhookSubscription
from kinerja_kernel.envelope import utcnow
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.metrics import Probe, declare_gauge
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.runtime import ConsumerSpec, ServiceRuntime

CONSUMER_GROUP = "kinerja-feedback"


@dataclass(frozen=True)
class FeedbackApp:
    """Everything the routes, consumers and background loops use."""

    notifications: NotificationService
    policies: Policies
    feedback: FeedbackService
    dialogues: DialogueService
    clarifications: ClarificationService
    reminders: ReminderScheduler
    webhooks: WebhookService
    deliveries: DeliveryWorker


def build(runtime: ServiceRuntime, settings: FeedbackSettings, *, clock: Clock = utcnow,
          transport: httpx.AsyncBaseTransport | None = None) -> FeedbackApp:
    store = runtime.store
    notifications = NotificationService(EventSourcedRepository(store, Notification, prefix="notification",
                                                               projection=READ_PROJECTION), clock)
    offsets = settings.reminder_offsets_days
    targets = TargetPolicy.of(settings.webhook_allowed_targets)
    return FeedbackApp(
        notifications=notifications,
        policies=Policies(notifications, reminder_offsets=offsets),
        feedback=FeedbackService(
            EventSourcedRepository(store, Feedback, prefix="umpan-balik", projection=views.FEEDBACK_PROJECTION),
            EventSourcedRepository(store, OfficeFeedbackSettings, prefix="pengaturan-umpan-balik",
                                   projection=directory.SETTINGS_PROJECTION),
            notifications, clock),
        dialogues=DialogueService(
            EventSourcedRepository(store, Dialogue, prefix="dialog", projection=views.DIALOGUE_PROJECTION),
            notifications, clock),
        clarifications=ClarificationService(
            EventSourcedRepository(store, Clarification, prefix="klarifikasi",
                                   projection=views.CLARIFICATION_PROJECTION), notifications),
        reminders=ReminderScheduler(EventSourcedRepository(store, Reminder, prefix="pengingat"), notifications,
                                    offsets=offsets, clock=clock, interval=settings.reminder_interval_seconds),
        webhooks=WebhookService(EventSourcedRepository(store, WebhookSubscription, prefix="webhook",
                                                       projection=webhook_store.PROJECTION), clock, policy=targets),
        deliveries=DeliveryWorker(
            runtime.db, clock, timeout=settings.webhook_timeout_seconds, max_attempts=settings.webhook_max_attempts,
            backoff_base=settings.webhook_backoff_base_seconds, backoff_cap=settings.webhook_backoff_cap_seconds,
            poll_interval=settings.webhook_poll_interval_seconds, transport=transport, policy=targets),
    )


def consumers(policies: Policies, group: str = CONSUMER_GROUP) -> list[ConsumerSpec]:
    return [ConsumerSpec(name=group, topics=[events_topic("planning"), events_topic("evaluation")],
                         handlers=policies.handlers())]


async def wire(app: FastAPI, runtime: ServiceRuntime) -> Sequence[ConsumerSpec]:
    settings: FeedbackSettings = app.state.settings
    clock: Clock = getattr(app.state, "clock", utcnow)  # tests may set a controllable clock before start-up
    feedback = build(runtime, settings, clock=clock)
    app.state.feedback = feedback
    app.state.notifications = feedback.notifications
    issued = {"pending": False}

    def note_issued(count: int) -> None:
        issued["pending"] = issued["pending"] or count > 0

    def after_commit() -> None:  # wake the delivery worker once a transaction that issued notifications commits
        if issued["pending"]:
            issued["pending"] = False
            feedback.deliveries.wake()

    feedback.notifications.on_issued.append(note_issued)
    runtime.db.on_commit(after_commit)
    if settings.reminders_enabled:
        runtime.run_background("reminders", feedback.reminders.run)
    if settings.webhooks_enabled:
        runtime.run_background("webhooks", feedback.deliveries.run)
    runtime.metric_probes.append(_webhook_figures(runtime))
    return consumers(feedback.policies, settings.consumer_group)


WEBHOOK_QUEUE = declare_gauge("kinerja_webhook_queue_deliveries", "webhook deliveries waiting to be sent")
WEBHOOK_PARKED = declare_gauge("kinerja_webhook_parked_deliveries", "webhook deliveries given up after every attempt")
WEBHOOK_OLDEST = declare_gauge("kinerja_webhook_oldest_pending_age_seconds", "age of the oldest waiting delivery")


def _webhook_figures(runtime: ServiceRuntime) -> Probe:
    async def webhook_figures() -> dict[str, float]:
        async with runtime.db.connection() as conn:
            row = await conn.fetchrow(
                "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
                "count(*) FILTER (WHERE status = 'parked') AS parked, "
                "coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0) AS age "
                "FROM webhook_deliveries")
        assert row is not None
        return {"kinerja_webhook_queue_deliveries": row["pending"], "kinerja_webhook_parked_deliveries": row["parked"],
                "kinerja_webhook_oldest_pending_age_seconds": float(row["age"])}
    return webhook_figures
