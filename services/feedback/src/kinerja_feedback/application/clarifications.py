"""Use cases of clarification threads about a rating point, before the result is final."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from kinerja_feedback.adapters import directory as directory_adapter
from kinerja_feedback.adapters import views
from kinerja_feedback.application.access import require_party_or_reader
from kinerja_feedback.application.events import appended, read_models
from kinerja_feedback.application.ports import Directory, Notifier
from kinerja_feedback.domain.clarification import Clarification
from kinerja_feedback.domain.notifications import NotificationDraft, named
from kinerja_kernel.access import require_access
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.feedback import ClarificationTopic, DialogueParty
from kinerja_kernel.db import Database
from kinerja_kernel.errors import Forbidden, NotFound
from kinerja_kernel.repository import EventSourcedRepository


def _appraisal_not_found() -> NotFound:
    return NotFound("feedback.appraisal.not-found", field="appraisal_id")


def _not_found() -> NotFound:
    return NotFound("feedback.clarification.not-found", field="clarification_id")


class ClarificationService:
    def __init__(self, clarifications: EventSourcedRepository[Clarification, Any], notifications: Notifier,
                 directory: Directory = directory_adapter) -> None:
        self.clarifications = clarifications
        self.notifications = notifications
        self.directory = directory

    @property
    def db(self) -> Database:
        """The read models' database (the queries; PostgreSQL only)."""
        return read_models(self.clarifications)

    async def ask(self, appraisal_id: uuid.UUID, topic: ClarificationTopic, question: str,
                  by: Principal) -> tuple[uuid.UUID, int]:
        """The appraised employee asks about one rating point before the result is final."""
        async with self.clarifications.store.transaction() as conn:
            appraisal = await self.directory.appraisal(conn, appraisal_id)
            if appraisal is None:
                raise _appraisal_not_found()
            require_access(by, str(appraisal["office_id"]), parties=(str(appraisal["employee_id"]),),
                           field="appraisal_id", code="feedback.clarification.appraised-asks")
            clarification_id = uuid.uuid4()
            c = Clarification.request(
                clarification_id=clarification_id, appraisal_id=appraisal_id, employee_id=by.user_id,
                evaluator_id=str(appraisal["evaluator_id"]), office_id=str(appraisal["office_id"]),
                period_key=str(appraisal["period_key"]), topic=topic, question=question,
                appraisal_final=bool(appraisal["final"]))
            await self.clarifications.save(clarification_id, c, actor=by.actor(Role.PEGAWAI), office_id=c.office_id,
                                           subject=c.employee_id, expected_version=0, conn=conn)
            await self._tell(conn, c, DialogueParty.EVALUATOR, question)
        return clarification_id, c.version

    async def reply(self, clarification_id: uuid.UUID, text: str, by: Principal) -> int:
        """The evaluator answers or the employee follows up, until the result is final; the other is told."""
        def parties_only(c: Clarification) -> None:
            require_access(by, c.office_id, parties=(c.employee_id, c.evaluator_id), field="clarification_id",
                           code="feedback.clarification.parties-reply")

        async with self.clarifications.store.transaction() as conn:
            final = await self._appraisal_final(conn, clarification_id)
            c = await self.clarifications.change(
                clarification_id, None, lambda c: c.reply(actor_id=by.user_id, text=text, appraisal_final=final),
                check=parties_only, not_found=_not_found, actor=lambda c: by.actor(_role(c.last_party)),
                office_id=lambda c: c.office_id, subject=lambda c: c.employee_id, conn=conn)
            to = DialogueParty.EMPLOYEE if c.last_party is DialogueParty.EVALUATOR else DialogueParty.EVALUATOR
            await self._tell(conn, c, to, text)
        return c.version

    async def get(self, clarification_id: uuid.UUID, by: Principal) -> views.ClarificationView:
        async with self.db.connection() as conn:
            found = await views.clarification(conn, clarification_id)
            if found is None:
                raise _not_found()
            await self._require_reader(conn, by, found.office_id, found.employee_id, found.evaluator_id)
            return found

    async def of_appraisal(self, appraisal_id: uuid.UUID, by: Principal) -> list[views.ClarificationView]:
        async with self.db.connection() as conn:
            appraisal = await self.directory.appraisal(conn, appraisal_id)
            if appraisal is None:
                raise _appraisal_not_found()
            await self._require_reader(conn, by, str(appraisal["office_id"]), str(appraisal["employee_id"]),
                                       str(appraisal["evaluator_id"]))
            return await views.clarifications_of(conn, appraisal_id)

    async def _require_reader(self, conn: asyncpg.Connection, by: Principal, office_id: str, employee_id: str,
                              evaluator_id: str) -> None:
        employee = await self.directory.person(conn, employee_id)
        not_allowed = Forbidden("feedback.clarification.not-allowed", field="clarification_id")
        require_party_or_reader(by, office_id, (employee_id, evaluator_id), employee, not_allowed)

    async def _appraisal_final(self, conn: Any, clarification_id: uuid.UUID) -> bool:
        """Whether the result the thread is about is final (the thread is then closed)."""
        c = await self.clarifications.load(clarification_id, conn=conn)
        if c is None:
            raise _not_found()
        assert c.appraisal_id is not None
        appraisal = await self.directory.appraisal(conn, c.appraisal_id)
        return bool(appraisal and appraisal["final"])

    async def _tell(self, conn: Any, c: Clarification, to: DialogueParty, text: str) -> None:
        """Notify the other party of the message the use case just appended."""
        event = await appended(self.clarifications, c.clarification_id, c.version, conn)
        names = await self.directory.names(conn, [c.employee_id, c.evaluator_id])
        if to is DialogueParty.EVALUATOR:
            draft = NotificationDraft(
                recipient_id=c.evaluator_id, office_id=c.office_id, kind="clarification_asked",
                recipient_role="pejabat_penilai", title="Permintaan klarifikasi penilaian",
                body=f"Pegawai {named(names, c.employee_id)} meminta klarifikasi atas penilaiannya: {text[:500]}",
                link=f"/klarifikasi/{c.clarification_id}")
        else:
            draft = NotificationDraft(
                recipient_id=c.employee_id, office_id=c.office_id, kind="clarification_answered",
                recipient_role="pegawai", title="Klarifikasi Anda telah dijawab",
                body=f"Pejabat penilai ({named(names, c.evaluator_id)}) menjawab: {text[:500]}",
                link=f"/klarifikasi/{c.clarification_id}")
        await self.notifications.issue(conn, [draft], source_event_id=event.event_id,
                                       source_event_type=event.event_type)


def _role(party: DialogueParty | None) -> Role:
    return Role.PEJABAT_PENILAI if party is DialogueParty.EVALUATOR else Role.PEGAWAI
