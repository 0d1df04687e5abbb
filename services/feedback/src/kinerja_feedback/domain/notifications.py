"""Notifications: which event tells whom what (in Indonesian), and the notification aggregate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.feedback import NotificationIssued, NotificationRead
from kinerja_kernel.contracts.planning import IkiTargetAchieved, PlanApproved, PlanReturned, PlanSubmitted
from kinerja_kernel.errors import DomainRuleViolation, Forbidden

NOTIFICATION_NAMESPACE = uuid.UUID("0e5a3c4e-7d0b-4c1f-8f51-3f2b9b1d6a20")


@dataclass(frozen=True)
class NotificationDraft:
    """What to tell whom, decided from a source event."""

    recipient_id: str
    office_id: str
    kind: str
    title: str
    body: str
    link: str | None


def notification_id_for(source_event_id: uuid.UUID, kind: str, recipient_id: str) -> uuid.UUID:
    """Deterministic: the same source event never yields two notifications for one recipient."""
    return uuid.uuid5(NOTIFICATION_NAMESPACE, f"{source_event_id}/{kind}/{recipient_id}")


def plan_awaiting_approval(e: PlanSubmitted) -> NotificationDraft:
    return NotificationDraft(
        recipient_id=e.evaluator_id, office_id=e.office_id, kind="plan_awaiting_approval",
        title="SKP menunggu persetujuan Anda",
        body=f"Pegawai {e.employee_id} mengajukan SKP periode {e.period_year}. Mohon ditinjau dan disetujui "
             "atau dikembalikan dengan catatan.",
        link=f"/skp/{e.plan_id}",
    )


def plan_approved(e: PlanApproved) -> NotificationDraft:
    return NotificationDraft(
        recipient_id=e.employee_id, office_id=e.office_id, kind="plan_approved",
        title="SKP Anda telah disetujui",
        body=f"SKP periode {e.period_year} telah disetujui oleh pejabat penilai {e.approved_by}.",
        link=f"/skp/{e.plan_id}",
    )


def plan_returned(e: PlanReturned) -> NotificationDraft:
    return NotificationDraft(
        recipient_id=e.employee_id, office_id=e.office_id, kind="plan_returned",
        title="SKP Anda dikembalikan untuk diperbaiki",
        body=f"Pejabat penilai {e.evaluator_id} mengembalikan SKP periode {e.period_year} dengan catatan: "
             f"{e.comments}",
        link=f"/skp/{e.plan_id}",
    )


def target_achieved(e: IkiTargetAchieved) -> NotificationDraft:
    unit = f" {e.unit}" if e.unit else ""
    return NotificationDraft(
        recipient_id=e.evaluator_id, office_id=e.office_id, kind="target_achieved",
        title="Target IKI tercapai",
        body=f"Pegawai {e.employee_id} mencapai target IKI \"{e.iki_description}\": {e.realised}{unit} dari target "
             f"{e.target}{unit} (periode {e.period_year}).",
        link=f"/skp/{e.plan_id}/realisasi",
    )


class Notification(Aggregate):
    """One notification in one user's inbox."""

    def __init__(self) -> None:
        super().__init__()
        self.notification_id: uuid.UUID | None = None
        self.recipient_id = ""
        self.office_id = ""
        self.read = False

    @classmethod
    def issue(cls, draft: NotificationDraft, *, source_event_id: uuid.UUID, source_event_type: str) -> Notification:
        n = cls()
        n.record(NotificationIssued(
            notification_id=notification_id_for(source_event_id, draft.kind, draft.recipient_id),
            recipient_id=draft.recipient_id, office_id=draft.office_id, kind=draft.kind, title=draft.title,
            body=draft.body, link=draft.link, source_event_id=source_event_id, source_event_type=source_event_type,
        ))
        return n

    def mark_read(self, *, actor_id: str) -> None:
        if actor_id != self.recipient_id:
            raise Forbidden("Notifikasi ini bukan milik Anda", message_en="not the recipient")
        if self.read:
            raise DomainRuleViolation("Notifikasi sudah dibaca", message_en="already read")
        assert self.notification_id is not None
        self.record(NotificationRead(notification_id=self.notification_id, recipient_id=actor_id))

    def _on_NotificationIssued(self, e: NotificationIssued) -> None:  # noqa: N802
        self.notification_id = e.notification_id
        self.recipient_id = e.recipient_id
        self.office_id = e.office_id

    def _on_NotificationRead(self, e: NotificationRead) -> None:  # noqa: N802
        self.read = True
