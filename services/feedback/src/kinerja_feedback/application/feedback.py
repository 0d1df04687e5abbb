"""Use cases of continuous feedback and of an office's feedback settings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from kinerja_feedback.adapters import directory as directory_adapter
from kinerja_feedback.adapters import views
from kinerja_feedback.application.access import Clock, require_party_or_reader, require_reader
from kinerja_feedback.application.events import appended, read_models
from kinerja_feedback.application.ports import Directory, Notifier
from kinerja_feedback.domain.feedback import Feedback, feedback_answered, feedback_received
from kinerja_feedback.domain.notifications import NotificationDraft, Settled
from kinerja_feedback.domain.reach import feedback_relation, not_on_roster
from kinerja_feedback.domain.settings import OfficeFeedbackSettings
from kinerja_kernel.access import require_access, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import EvaluationPeriod
from kinerja_kernel.contracts.feedback import (
    AuthorRelation,
    FeedbackEvidence,
    FeedbackGiven,
    FeedbackKind,
    FeedbackOfficeSettings,
    FeedbackResponded,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.db import Database
from kinerja_kernel.errors import Forbidden, NotFound
from kinerja_kernel.repository import EventSourcedRepository


@dataclass(frozen=True)
class GiveFeedback:
    employee_id: str
    kind: FeedbackKind
    text: str
    rhk_id: uuid.UUID | None = None
    iki_id: uuid.UUID | None = None
    value: BerAkhlak | None = None
    evidence: tuple[FeedbackEvidence, ...] = ()


class FeedbackService:
    def __init__(self, feedback: EventSourcedRepository[Feedback, Any],
                 settings: EventSourcedRepository[OfficeFeedbackSettings, Any], notifications: Notifier,
                 clock: Clock, directory: Directory = directory_adapter) -> None:
        self.feedback = feedback
        self.settings = settings
        self.notifications = notifications
        self.directory = directory
        self.clock = clock

    @property
    def db(self) -> Database:
        """The read models' database (the queries; PostgreSQL only)."""
        return read_models(self.feedback)

    # -- settings ---------------------------------------------------------------------------------
    async def change_settings(self, office_id: str, settings: FeedbackOfficeSettings, reason: str,
                              by: Principal) -> int:
        """HR replaces the office's feedback settings (the same settings again record nothing)."""
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        by.require_office(office_id)
        office = await self.settings.change(
            office_id, None, lambda o: o.change(office_id=office_id, settings=settings, reason=reason),
            start=OfficeFeedbackSettings, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN), office_id=office_id,
            subject=office_id, lock=True)
        return office.version

    async def office_settings(self, office_id: str, by: Principal) -> FeedbackOfficeSettings:
        by.require_office(office_id)
        async with self.db.connection() as conn:
            return await self.directory.feedback_settings(conn, office_id)

    # -- feedback ---------------------------------------------------------------------------------
    async def give(self, cmd: GiveFeedback, by: Principal) -> tuple[uuid.UUID, int]:
        """The evaluator (or a peer, where the office allows it) gives feedback; the employee is notified."""
        async with self.feedback.store.transaction() as conn:
            employee = await self.directory.person(conn, cmd.employee_id)
            if employee is None:
                raise not_on_roster(cmd.employee_id)
            by.require_office(employee.office_id)
            author = await self.directory.person(conn, by.user_id)
            peers_allowed = (await self.directory.feedback_settings(conn, employee.office_id)).peer_feedback_allowed
            relation = feedback_relation(by.user_id, author, employee, peer_feedback_allowed=peers_allowed)
            zone = await self.directory.zone_of(conn, employee.office_id)
            feedback_id = uuid.uuid4()
            feedback = Feedback.give(
                feedback_id=feedback_id, employee_id=employee.employee_id, office_id=employee.office_id,
                author_id=by.user_id, relation=relation, kind=cmd.kind, rhk_id=cmd.rhk_id, iki_id=cmd.iki_id,
                value=cmd.value, text=cmd.text, evidence=cmd.evidence, given_on=zone.local_date(self.clock()),
            )
            role = Role.PEJABAT_PENILAI if relation is AuthorRelation.EVALUATOR else Role.PEGAWAI
            [event] = feedback.pending
            assert isinstance(event, FeedbackGiven)
            [sealed] = await self.feedback.save(feedback_id, feedback, actor=by.actor(role),
                                                office_id=employee.office_id, subject=employee.employee_id,
                                                expected_version=0, conn=conn)
            author_name = (await self.directory.names(conn, [by.user_id])).get(by.user_id)
            kind, title, body = feedback_received(event, author_name)
            await self.notifications.issue(conn, [NotificationDraft(
                recipient_id=employee.employee_id, office_id=employee.office_id, kind=kind, title=title, body=body,
                link=f"/umpan-balik/{feedback_id}", recipient_role="pegawai")],
                source_event_id=sealed.event_id, source_event_type=sealed.event_type)
        return feedback_id, feedback.version

    async def respond(self, feedback_id: uuid.UUID, response: str, by: Principal) -> int:
        """The employee answers feedback: the author is notified, the employee's notification settled."""
        def recipient_only(f: Feedback) -> None:
            require_access(by, f.office_id, parties=(f.employee_id,), field="feedback_id",
                           code="feedback.feedback.recipient-responds")

        async with self.feedback.store.transaction() as conn:
            feedback = await self.feedback.change(
                feedback_id, None, lambda f: f.respond(actor_id=by.user_id, response=response), check=recipient_only,
                not_found=_not_found, actor=by.actor(Role.PEGAWAI), office_id=lambda f: f.office_id,
                subject=lambda f: f.employee_id, conn=conn)
            sealed = await appended(self.feedback, feedback_id, feedback.version, conn)
            event = self.feedback.registry.decode(sealed.event_type, sealed.event_version, sealed.payload)
            assert isinstance(event, FeedbackResponded)
            employee_name = (await self.directory.names(conn, [feedback.employee_id])).get(feedback.employee_id)
            kind, title, body = feedback_answered(event, employee_name)
            await self.notifications.issue(conn, [NotificationDraft(
                recipient_id=feedback.author_id, office_id=feedback.office_id, kind=kind, title=title, body=body,
                link=f"/umpan-balik/{feedback_id}", recipient_role=None)],
                source_event_id=sealed.event_id, source_event_type=sealed.event_type)
            # answering settles the "you received feedback" notification (marked read in this transaction)
            done = Settled(by.user_id, ("feedback_received",), f"/umpan-balik/{feedback_id}")
            await self.notifications.settle(conn, [done], actor=by.actor(Role.PEGAWAI))
        return feedback.version

    async def of_employee(self, employee_id: str, period: str | None, by: Principal) -> list[views.FeedbackView]:
        """An employee's feedback, optionally in one evaluation period (``2026``, ``2026-Q2``, ``2026-M03``).
        A peer sees only what they gave."""
        p = EvaluationPeriod.parse(period) if period else None
        async with self.db.connection() as conn:
            employee = await self.directory.person(conn, employee_id)
            if employee is None:
                raise not_on_roster(employee_id)
            start, end = (p.start, p.end) if p else (None, None)
            by.require_office(employee.office_id)
            try:
                require_reader(by, employee)
            except Forbidden:
                mine = await views.feedback_of(conn, employee_id, start, end, author_id=by.user_id)
                if not mine:  # a peer reads back only what they gave
                    raise
                return mine
            return await views.feedback_of(conn, employee_id, start, end)

    async def get(self, feedback_id: uuid.UUID, by: Principal) -> views.FeedbackView:
        """One piece of feedback: for the employee, its author, and those who may read the employee's record."""
        async with self.db.connection() as conn:
            found = await views.one_feedback(conn, feedback_id)
            employee = await self.directory.person(conn, found.employee_id) if found else None
        if found is None:
            raise _not_found()
        require_party_or_reader(by, found.office_id, (found.employee_id, found.author_id), employee, _not_found())
        return found

    async def given_by_me(self, period: str | None, by: Principal) -> list[views.FeedbackView]:
        p = EvaluationPeriod.parse(period) if period else None
        async with self.db.connection() as conn:
            return within_offices(by, await views.feedback_by(conn, by.user_id, p.start if p else None,
                                                              p.end if p else None))


def _not_found() -> NotFound:
    return NotFound("feedback.feedback.not-found", field="feedback_id")
