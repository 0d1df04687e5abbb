"""Policies reacting to planning and evaluation events: notifications, reminders to schedule or cancel,
and the facts the feedback service keeps (roster, calendar, approved SKPs, appraisals).

Each handler runs in the kernel inbox's transaction (``conn``): a redelivered event has no second effect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg

from kinerja_feedback.adapters import directory, reminder_store
from kinerja_feedback.application.notifications import NotificationService
from kinerja_feedback.domain import notifications as decide
from kinerja_feedback.domain.notifications import NotificationDraft
from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.envelope import EventEnvelope

Handler = Callable[[asyncpg.Connection, EventEnvelope, Any], Awaitable[None]]


class Policies:
    def __init__(self, notifications: NotificationService, *, reminder_offsets: tuple[int, ...]) -> None:
        self.notifications = notifications
        self.offsets = reminder_offsets

    def handlers(self) -> Mapping[str, Handler]:
        """Every handler, each also marking read the notifications its event settled (``settled_by``): a
        person who acted on a request no longer sees it unread."""
        return {event_type: self._settling(handler) for event_type, handler in self._handlers().items()}

    def _handlers(self) -> Mapping[str, Handler]:
        return {
            pl.EmployeeRegistered.event_type: self.employee_registered,
            pl.ActingOfficialAppointed.event_type: self.acting_appointed,
            pl.ActingAppointmentEnded.event_type: self.acting_ended,
            pl.PlanSubmitted.event_type: self.tell(lambda e, _, n: [decide.plan_awaiting_approval(e, n)]),
            pl.PlanApproved.event_type: self.plan_approved,
            pl.PlanReturned.event_type: self.tell(lambda e, _, n: [decide.plan_returned(e, n)]),
            pl.IkiTargetAchieved.event_type: self.tell(lambda e, _, n: [decide.target_achieved(e, n)]),
            pl.RealisationReturned.event_type: self.realisation_returned,
            pl.RealisationCorrected.event_type: self.nothing_else,
            pl.RealisationWithdrawn.event_type: self.nothing_else,
            ev.OfficeSettingsChanged.event_type: self.office_settings_changed,
            ev.EvaluationPeriodOpened.event_type: self.period_opened,
            ev.AppraisalOpened.event_type: self.appraisal_opened,
            ev.SelfAssessmentSubmitted.event_type: self.self_assessment_submitted,
            ev.RatersAssigned.event_type: self.tell(decide.peer_review_requested, office=lambda e: e.office_id),
            ev.PeerInputSubmitted.event_type: self.nothing_else,
            ev.AppraisalFinalised.event_type: self.appraisal_finalised,
            ev.ObjectionFiled.event_type: self.objection_filed,
            ev.ObjectionDecided.event_type: self.tell(decide.objection_decided, office=lambda e: e.office_id),
        }

    def _settling(self, handler: Handler) -> Handler:
        async def handle(conn: asyncpg.Connection, envelope: EventEnvelope, event: Any) -> None:
            await handler(conn, envelope, event)
            settled = decide.settled_by(event)
            if settled:
                await self.notifications.settle(conn, settled, actor=envelope.actor)

        return handle

    async def realisation_returned(self, conn: asyncpg.Connection, envelope: EventEnvelope, event: Any) -> None:
        await self._notify(conn, envelope, [decide.realisation_returned(event, envelope.office_id,
                                                                        await self._names(conn, event))])

    async def nothing_else(self, conn: asyncpg.Connection, envelope: EventEnvelope, event: Any) -> None:
        """An event that only settles notifications (see ``handlers``)."""

    def tell(self, decide_drafts: Callable[[Any, TimeZone, decide.Names], list[NotificationDraft]],
             office: Callable[[Any], str] | None = None) -> Handler:
        """A handler that only notifies (``office`` gives the office whose time zone the text uses); the people
        the event names are shown by their names from the roster copy."""

        async def handle(conn: asyncpg.Connection, envelope: EventEnvelope, event: Any) -> None:
            zone = await directory.zone_of(conn, office(event)) if office else TimeZone.WIB
            await self._notify(conn, envelope, decide_drafts(event, zone, await self._names(conn, event)))

        return handle

    @staticmethod
    async def _names(conn: asyncpg.Connection, event: Any) -> dict[str, str]:
        """Names of the people an event names (its NIP fields, and its result's)."""
        found = event.model_dump(mode="json")
        found.update(found.get("result") or {})
        nips = sorted({v for k, v in found.items() if isinstance(v, str) and (k.endswith("_id") or k.endswith("_by"))
                       and v.isdigit()})
        return await directory.names(conn, nips) if nips else {}

    async def _notify(self, conn: asyncpg.Connection, envelope: EventEnvelope,
                      drafts: list[NotificationDraft]) -> None:
        if drafts:
            await self.notifications.issue(conn, drafts, source_event_id=envelope.event_id,
                                           source_event_type=envelope.event_type)

    # -- planning --------------------------------------------------------------------------------
    async def employee_registered(self, conn: asyncpg.Connection, env: EventEnvelope,
                                  e: pl.EmployeeRegistered) -> None:
        await directory.upsert_person(conn, e, env.recorded_at)

    async def acting_appointed(self, conn: asyncpg.Connection, env: EventEnvelope,
                               e: pl.ActingOfficialAppointed) -> None:
        await directory.acting_appointed(conn, e, env.recorded_at)

    async def acting_ended(self, conn: asyncpg.Connection, env: EventEnvelope, e: pl.ActingAppointmentEnded) -> None:
        await directory.acting_ended(conn, e, env.recorded_at)

    async def plan_approved(self, conn: asyncpg.Connection, env: EventEnvelope, e: pl.PlanApproved) -> None:
        await directory.plan_approved(conn, e.employee_id, e.period_year, env.recorded_at)
        await reminder_store.cancel(conn, f"plan_due/{e.period_year}/{e.employee_id}", env.recorded_at)
        await self._notify(conn, env, [decide.plan_approved(e, await self._names(conn, e))])

    # -- evaluation ------------------------------------------------------------------------------
    async def office_settings_changed(self, conn: asyncpg.Connection, env: EventEnvelope,
                                      e: ev.OfficeSettingsChanged) -> None:
        await directory.upsert_calendar(conn, e.office_id, e.settings, env.recorded_at)

    async def period_opened(self, conn: asyncpg.Connection, env: EventEnvelope, e: ev.EvaluationPeriodOpened) -> None:
        await directory.set_time_zone(conn, e.office_id, e.time_zone, env.recorded_at)

    async def appraisal_opened(self, conn: asyncpg.Connection, env: EventEnvelope, e: ev.AppraisalOpened) -> None:
        await directory.upsert_appraisal(conn, appraisal_id=e.appraisal_id, employee_id=e.employee_id,
                                         office_id=e.office_id, evaluator_id=e.evaluator_id,
                                         superior_id=e.superior_id, period_key=e.period.key, at=env.recorded_at)
        ref = str(e.appraisal_id)
        await reminder_store.schedule(conn, key=f"self_assessment_due/{ref}", recipient_id=e.employee_id,
                                      office_id=e.office_id, kind="self_assessment_due", reference=ref,
                                      deadline=e.self_assessment_due, offsets=self.offsets, at=env.recorded_at)
        await reminder_store.schedule(conn, key=f"rating_due/{ref}", recipient_id=e.evaluator_id,
                                      office_id=e.office_id, kind="rating_due", reference=ref,
                                      deadline=e.rating_due, offsets=self.offsets, at=env.recorded_at)
        await self._notify(conn, env, decide.self_assessment_due(e, await directory.zone_of(conn, e.office_id),
                                                                 await self._names(conn, e)))

    async def self_assessment_submitted(self, conn: asyncpg.Connection, env: EventEnvelope,
                                        e: ev.SelfAssessmentSubmitted) -> None:
        await reminder_store.cancel(conn, f"self_assessment_due/{e.appraisal_id}", env.recorded_at)

    async def appraisal_finalised(self, conn: asyncpg.Connection, env: EventEnvelope,
                                  e: ev.AppraisalFinalised) -> None:
        r = e.result
        await directory.upsert_appraisal(conn, appraisal_id=r.appraisal_id, employee_id=r.employee_id,
                                         office_id=r.office_id, evaluator_id=r.evaluator_id, superior_id=None,
                                         period_key=r.period.key, at=env.recorded_at)
        await directory.appraisal_final(conn, r.appraisal_id, env.recorded_at)
        ref = str(r.appraisal_id)
        await reminder_store.cancel(conn, f"rating_due/{ref}", env.recorded_at)
        await reminder_store.cancel(conn, f"self_assessment_due/{ref}", env.recorded_at)
        await reminder_store.schedule(conn, key=f"objection_window_closing/{ref}", recipient_id=r.employee_id,
                                      office_id=r.office_id, kind="objection_window_closing", reference=ref,
                                      deadline=e.objection_deadline, offsets=self.offsets, at=env.recorded_at)
        await self._notify(conn, env, decide.rating_ready(e, await directory.zone_of(conn, r.office_id),
                                                          await self._names(conn, e)))

    async def objection_filed(self, conn: asyncpg.Connection, env: EventEnvelope, e: ev.ObjectionFiled) -> None:
        await reminder_store.cancel(conn, f"objection_window_closing/{e.appraisal_id}", env.recorded_at)
        await self._notify(conn, env, decide.objection_filed(e, await directory.zone_of(conn, e.office_id),
                                                             await self._names(conn, e)))
