"""Reading a notification in the inbox (the inbox rows themselves are PostgreSQL read models: feedback_api)."""

from __future__ import annotations

import uuid

import pytest

from kinerja_feedback.application.notifications import FEEDBACK_SYSTEM, NotificationService
from kinerja_feedback.domain.notifications import Notification, NotificationDraft
from kinerja_kernel.errors import NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import EMPLOYEE, EVALUATOR, OFFICE, person, types


async def issued(inbox: NotificationService, recipient_id: str = EMPLOYEE) -> uuid.UUID:
    """Given: a notification in ``recipient_id``'s inbox."""
    draft = NotificationDraft(recipient_id=recipient_id, office_id=OFFICE, kind="rating_ready", title="Nilai",
                              body="Nilai Anda siap", link="/penilaian/1", recipient_role="pegawai")
    n = Notification.issue(draft, source_event_id=uuid.uuid4(), source_event_type="evaluation.AppraisalFinalised")
    assert n.notification_id is not None
    await inbox.notifications.save(n.notification_id, n, actor=FEEDBACK_SYSTEM, office_id=OFFICE,
                                   subject=recipient_id)
    return n.notification_id


class TestReadNotification:
    async def test_the_recipient_reads_it_once_and_reading_again_records_nothing(
            self, inbox: NotificationService, store: InMemoryEventStore) -> None:
        notification_id = await issued(inbox)
        await inbox.read(notification_id, person(EMPLOYEE))
        await inbox.read(notification_id, person(EMPLOYEE))
        assert types(store, f"notification-{notification_id}") == ["feedback.NotificationIssued",
                                                                   "feedback.NotificationRead"]

    async def test_someone_elses_notification_is_not_found(self, inbox: NotificationService,
                                                           store: InMemoryEventStore) -> None:
        notification_id = await issued(inbox)
        with pytest.raises(NotFound) as refused:
            await inbox.read(notification_id, person(EVALUATOR))
        assert (refused.value.code, refused.value.field) == ("feedback.notification.not-found", "notification_id")
        with pytest.raises(NotFound):
            await inbox.read(uuid.uuid4(), person(EMPLOYEE))
        assert len(store.all_events()) == 1
