"""Every feedback operation (from its OpenAPI) as no token, a foreign office's token held by the target's
evaluator (each role) and a stranger of the same office: none answers with office A's or the target's data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.authz_matrix import Matrix, callers

from .support import Service, appraisal_opened, nip, service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


async def test_no_operation_answers_with_another_office_or_persons_data(service: Service, jwt_secret: str) -> None:
    office = f"KANREG-{uuid.uuid4().hex[:6].upper()}"
    employee, evaluator, superior = nip(""), nip(""), nip("")
    await service.register(office, evaluator, superior)
    await service.register(office, employee, evaluator, superior)
    await service.wait_registered(employee, evaluator)
    opened = appraisal_opened(employee, evaluator, office, superior=superior)
    await service.produce("evaluation", (opened, employee, office))
    await service.wait_for("SELECT true FROM appraisals WHERE appraisal_id = $1", opened.appraisal_id)
    as_evaluator = service.token(evaluator, office, Role.PEGAWAI, Role.PEJABAT_PENILAI)
    as_employee = service.token(employee, office)
    client = service.client
    given = await client.post("/api/v1/feedback", headers=as_evaluator, json={
        "employee_id": employee, "kind": "apresiasi", "value": "akuntabel", "text": "Laporan rapi"})
    assert given.status_code == 201, given.text
    scheduled = await client.post("/api/v1/dialogues", headers=as_evaluator, json={
        "employee_id": employee, "scheduled_at": datetime(2031, 3, 20, 3, 0, tzinfo=UTC).isoformat()})
    assert scheduled.status_code == 201, scheduled.text
    asked = await client.post("/api/v1/clarifications", headers=as_employee, json={
        "appraisal_id": str(opened.appraisal_id), "topic": {"rhk_id": str(opened.rhks[0].rhk_id)},
        "question": "Mengapa RHK ini di bawah ekspektasi?"})
    assert asked.status_code == 201, asked.text
    [notification, *_] = await service.wait_inbox(employee, office, "feedback_received")
    ids = {"office_id": office, "employee_id": employee, "feedback_id": given.json()["id"],
           "dialogue_id": scheduled.json()["id"], "clarification_id": asked.json()["id"],
           "appraisal_id": str(opened.appraisal_id), "notification_id": notification["notification_id"]}
    values = {**ids, "action_id": str(uuid.uuid4()), "subscription_id": str(uuid.uuid4()),
              "delivery_id": str(uuid.uuid4()), "subject": employee, "stream_id": f"umpan-balik-{ids['feedback_id']}",
              "period": "2031-Q1", "rhk_id": str(opened.rhks[0].rhk_id), "reason": "Uji akses"}
    matrix = Matrix(service.app, client, values, bodies={
        "POST /api/v1/clarifications": {"appraisal_id": ids["appraisal_id"], "topic": {"rhk_id": values["rhk_id"]},
                                        "question": "?"},
        "POST /api/v1/dialogues": {"employee_id": employee, "scheduled_at": "2031-03-21T03:00:00Z"},
        "POST /api/v1/dialogues/{dialogue_id}/reschedule": {"scheduled_at": "2031-03-22T03:00:00Z", "reason": "x"},
        "PUT /api/v1/offices/{office_id}/feedback-settings": {"peer_feedback_allowed": False, "dialogues_per_period": 1,
                                                              "reason": "Uji akses"},
        "POST /api/v1/offices/{office_id}/webhooks": {"url": "https://example.org/hook", "kinds": ["feedback_received"]},
    }, own={"POST /api/v1/notifications/read-all": "marks the caller's own notifications (of their offices) read"})
    who = callers(jwt_secret, office_a=office, office_b="KANTOR-LAIN", relation_nip=evaluator,
                  stranger_nip=nip(""), person_markers=[employee, *ids.values()])
    failures = await matrix.run(who)
    assert not failures, "\n".join(failures)
