"""Use cases of clarification threads about a rating point, before the result is final."""

from __future__ import annotations

import uuid

import asyncpg

from kinerja_feedback.adapters import directory, views
from kinerja_feedback.application.access import require_party_or_reader
from kinerja_feedback.application.notifications import NotificationService
from kinerja_feedback.domain.clarification import Clarification
from kinerja_feedback.domain.notifications import NotificationDraft
from kinerja_kernel.access import require_access
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.feedback import ClarificationTopic, DialogueParty
from kinerja_kernel.errors import Forbidden, NotFound
from kinerja_kernel.repository import EventSourcedRepository


def _appraisal_not_found() -> NotFound:
    return NotFound("Penilaian tidak ditemukan (belum dibuka untuk Anda)", message_en="appraisal not found",
                    field="appraisal_id")


class ClarificationService:
    def __init__(self, clarifications: EventSourcedRepository[Clarification],
                 notifications: NotificationService) -> None:
        self.clarifications = clarifications
        self.notifications = notifications
        self.db = clarifications.store.db

    async def ask(self, appraisal_id: uuid.UUID, topic: ClarificationTopic, question: str,
                  by: Principal) -> tuple[uuid.UUID, int]:
        async with self.db.transaction() as conn:
            appraisal = await directory.appraisal(conn, appraisal_id)
            if appraisal is None:
                raise _appraisal_not_found()
            require_access(by, str(appraisal["office_id"]), parties=(str(appraisal["employee_id"]),),
                           field="appraisal_id", message="Hanya pegawai yang dinilai yang dapat meminta klarifikasi",
                           message_en="only the appraised employee may ask")
            clarification_id = uuid.uuid4()
            c = Clarification.request(
                clarification_id=clarification_id, appraisal_id=appraisal_id, employee_id=by.user_id,
                evaluator_id=str(appraisal["evaluator_id"]), office_id=str(appraisal["office_id"]),
                period_key=str(appraisal["period_key"]), topic=topic, question=question,
                appraisal_final=bool(appraisal["final"]))
            sealed = await self.clarifications.save(clarification_id, c, actor=by.actor(Role.PEGAWAI),
                                                    office_id=c.office_id, subject=c.employee_id, conn=conn)
            await self._tell(conn, c, DialogueParty.EVALUATOR, question, sealed[0].event_id, sealed[0].event_type)
        return clarification_id, c.version

    async def reply(self, clarification_id: uuid.UUID, text: str, by: Principal) -> int:
        async with self.db.transaction() as conn:
            c = await self.clarifications.load(clarification_id, conn=conn)
            if c is None:
                raise NotFound("Klarifikasi tidak ditemukan", message_en="clarification not found",
                               field="clarification_id")
            assert c.appraisal_id is not None
            require_access(by, c.office_id, parties=(c.employee_id, c.evaluator_id), field="clarification_id",
                           message="Hanya pegawai dan pejabat penilainya yang membalas klarifikasi",
                           message_en="only the employee and the evaluator reply")
            appraisal = await directory.appraisal(conn, c.appraisal_id)
            party = c.reply(actor_id=by.user_id, text=text, appraisal_final=bool(appraisal and appraisal["final"]))
            role = Role.PEJABAT_PENILAI if party is DialogueParty.EVALUATOR else Role.PEGAWAI
            sealed = await self.clarifications.save(clarification_id, c, actor=by.actor(role), office_id=c.office_id,
                                                    subject=c.employee_id, conn=conn)
            to = DialogueParty.EMPLOYEE if party is DialogueParty.EVALUATOR else DialogueParty.EVALUATOR
            await self._tell(conn, c, to, text, sealed[0].event_id, sealed[0].event_type)
        return c.version

    async def get(self, clarification_id: uuid.UUID, by: Principal) -> views.ClarificationView:
        async with self.db.connection() as conn:
            found = await views.clarification(conn, clarification_id)
            if found is None:
                raise NotFound("Klarifikasi tidak ditemukan", message_en="clarification not found",
                               field="clarification_id")
            await self._require_reader(conn, by, found.office_id, found.employee_id, found.evaluator_id)
            return found

    async def of_appraisal(self, appraisal_id: uuid.UUID, by: Principal) -> list[views.ClarificationView]:
        async with self.db.connection() as conn:
            appraisal = await directory.appraisal(conn, appraisal_id)
            if appraisal is None:
                raise _appraisal_not_found()
            await self._require_reader(conn, by, str(appraisal["office_id"]), str(appraisal["employee_id"]),
                                       str(appraisal["evaluator_id"]))
            return await views.clarifications_of(conn, appraisal_id)

    async def _require_reader(self, conn: asyncpg.Connection, by: Principal, office_id: str, employee_id: str,
                              evaluator_id: str) -> None:
        employee = await directory.person(conn, employee_id)
        not_allowed = Forbidden("Anda tidak berhak melihat klarifikasi ini", message_en="not allowed",
                                field="clarification_id")
        require_party_or_reader(by, office_id, (employee_id, evaluator_id), employee, not_allowed)

    async def _tell(self, conn: asyncpg.Connection, c: Clarification, to: DialogueParty, text: str, event_id: uuid.UUID,
                    event_type: str) -> None:
        if to is DialogueParty.EVALUATOR:
            draft = NotificationDraft(
                recipient_id=c.evaluator_id, office_id=c.office_id, kind="clarification_asked",
                recipient_role="pejabat_penilai", title="Permintaan klarifikasi penilaian",
                body=f"Pegawai {c.employee_id} meminta klarifikasi atas penilaiannya: {text[:500]}",
                link=f"/klarifikasi/{c.clarification_id}")
        else:
            draft = NotificationDraft(
                recipient_id=c.employee_id, office_id=c.office_id, kind="clarification_answered",
                recipient_role="pegawai", title="Klarifikasi Anda telah dijawab",
                body=f"Pejabat penilai ({c.evaluator_id}) menjawab: {text[:500]}",
                link=f"/klarifikasi/{c.clarification_id}")
        await self.notifications.issue(conn, [draft], source_event_id=event_id,
                                       source_event_type=event_type)
