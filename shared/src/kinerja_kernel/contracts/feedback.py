"""Events the feedback service publishes on ``kinerja.feedback.events``.

Subject (and Kafka key): the person concerned — the recipient of a notification or reminder, the
employee a feedback, dialogue or clarification is about — or the office id for office settings and
webhook subscriptions. Other services (evaluation, as context for the appraisal) read
``FeedbackGiven`` / ``FeedbackResponded`` and the dialogue events by employee and period.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.registry import DomainEvent, event


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- notifications ---------------------------------------------------------------------------------
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
    recipient_role: str | None = Field(default=None, description="the role the recipient is told in")


@event("feedback.NotificationRead")
class NotificationRead(DomainEvent):
    """The recipient marked a notification as read."""

    notification_id: uuid.UUID
    recipient_id: str


@event("feedback.ReminderSent")
class ReminderSent(DomainEvent):
    """A deadline reminder was sent (once per reminder and offset; ``offset_days`` 0 = on the day)."""

    reminder_key: str
    recipient_id: str
    office_id: str
    kind: str
    deadline: AwareDatetime
    offset_days: int
    reference: str


# -- office settings -------------------------------------------------------------------------------
class FeedbackOfficeSettings(_Value):
    """An office's feedback settings (defaults: peers may not give feedback; one dialogue per period)."""

    peer_feedback_allowed: bool = False
    dialogues_per_period: int = Field(default=1, ge=0, le=12)


@event("feedback.FeedbackSettingsChanged")
class FeedbackSettingsChanged(DomainEvent):
    office_id: str
    settings: FeedbackOfficeSettings
    previous: FeedbackOfficeSettings | None
    reason: str


# -- continuous feedback ---------------------------------------------------------------------------
class FeedbackKind(enum.StrEnum):
    APRESIASI = "apresiasi"
    KONSTRUKTIF = "konstruktif"


class AuthorRelation(enum.StrEnum):
    """How the author stands to the employee: their evaluator, or a peer (same evaluator)."""

    EVALUATOR = "evaluator"
    PEER = "peer"


class FeedbackEvidence(_Value):
    uri: str = Field(min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=500)


@event("feedback.FeedbackGiven")
class FeedbackGiven(DomainEvent):
    """Umpan balik berkelanjutan: about an RHK (optionally one IKI) or a BerAKHLAK value."""

    feedback_id: uuid.UUID
    employee_id: str
    office_id: str
    author_id: str
    relation: AuthorRelation
    kind: FeedbackKind
    rhk_id: uuid.UUID | None
    iki_id: uuid.UUID | None
    value: BerAkhlak | None
    text: str
    evidence: tuple[FeedbackEvidence, ...] = ()
    given_on: date = Field(description="the day in the office's time zone")


@event("feedback.FeedbackResponded")
class FeedbackResponded(DomainEvent):
    feedback_id: uuid.UUID
    employee_id: str
    author_id: str
    response: str
    previous: str | None = None


# -- performance dialogues -------------------------------------------------------------------------
class AgreedAction(_Value):
    action_id: uuid.UUID
    description: str = Field(min_length=1, max_length=1000)
    owner_id: str
    due_on: date | None = None


class DialogueParty(enum.StrEnum):
    EMPLOYEE = "employee"
    EVALUATOR = "evaluator"


@event("feedback.DialogueScheduled")
class DialogueScheduled(DomainEvent):
    dialogue_id: uuid.UUID
    employee_id: str
    evaluator_id: str
    office_id: str
    period_key: str
    scheduled_at: AwareDatetime
    agenda: str | None = None


@event("feedback.DialogueRescheduled")
class DialogueRescheduled(DomainEvent):
    dialogue_id: uuid.UUID
    employee_id: str
    scheduled_at: AwareDatetime
    previous: AwareDatetime
    reason: str


@event("feedback.DialogueNotesRecorded")
class DialogueNotesRecorded(DomainEvent):
    """The evaluator's notes and the agreed actions (a revision carries the previous notes)."""

    dialogue_id: uuid.UUID
    employee_id: str
    notes: str
    actions: tuple[AgreedAction, ...]
    previous_notes: str | None = None


@event("feedback.DialogueResponseGiven")
class DialogueResponseGiven(DomainEvent):
    dialogue_id: uuid.UUID
    employee_id: str
    response: str
    previous: str | None = None


@event("feedback.DialogueAcknowledged")
class DialogueAcknowledged(DomainEvent):
    dialogue_id: uuid.UUID
    employee_id: str
    party: DialogueParty
    party_id: str


@event("feedback.DialogueActionCompleted")
class DialogueActionCompleted(DomainEvent):
    dialogue_id: uuid.UUID
    employee_id: str
    action_id: uuid.UUID
    completed_by: str
    note: str | None = None


# -- clarification ---------------------------------------------------------------------------------
class RatingAspect(enum.StrEnum):
    HASIL_KERJA = "hasil_kerja"
    PERILAKU_KERJA = "perilaku_kerja"


class ClarificationTopic(_Value):
    """The rating point asked about: an RHK's rating, a BerAKHLAK value's, or an overall rating."""

    rhk_id: uuid.UUID | None = None
    value: BerAkhlak | None = None
    aspect: RatingAspect | None = None


@event("feedback.ClarificationRequested")
class ClarificationRequested(DomainEvent):
    clarification_id: uuid.UUID
    appraisal_id: uuid.UUID
    employee_id: str
    evaluator_id: str
    office_id: str
    period_key: str
    topic: ClarificationTopic
    question: str


@event("feedback.ClarificationReplied")
class ClarificationReplied(DomainEvent):
    """A message in the thread: the evaluator's answer or the employee's follow-up question."""

    clarification_id: uuid.UUID
    appraisal_id: uuid.UUID
    employee_id: str
    author_id: str
    party: DialogueParty
    text: str


# -- outbound webhooks -----------------------------------------------------------------------------
@event("feedback.WebhookSubscribed")
class WebhookSubscribed(DomainEvent):
    """A gateway subscribed to an office's notifications (the secret itself is never in an event)."""

    subscription_id: uuid.UUID
    office_id: str
    url: str
    roles: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    description: str | None = None
    secret_fingerprint: str = Field(description="first 12 hex digits of sha256(secret)")


@event("feedback.WebhookUnsubscribed")
class WebhookUnsubscribed(DomainEvent):
    subscription_id: uuid.UUID
    office_id: str
    reason: str
