"""The feedback service's read models rebuilt from its store equal the live ones (``kinerja-audit rebuild``)."""

from __future__ import annotations

import pytest

from kinerja_feedback.entrypoints.main import AUDIT
from kinerja_kernel.rebuild import rebuild

from .support import Service, service
from .test_feedback_api import Team

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


async def test_rebuilt_inbox_feedback_and_dialogues_equal_the_live_ones(service: Service, unique: str,
                                                                         database_url: str) -> None:
    t = await Team(service, unique).registered()
    given = await service.client.post("/api/v1/feedback", headers=t.boss, json={
        "employee_id": t.staff, "kind": "apresiasi", "value": "kolaboratif", "text": "Rapat koordinasi tertib"})
    assert given.status_code == 201, given.text
    responded = await service.client.post(f"/api/v1/feedback/{given.json()['id']}/response", headers=t.as_(t.staff),
                                          json={"response": "Terima kasih"})
    assert responded.status_code == 200, responded.text
    scheduled = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
        "employee_id": t.staff, "scheduled_at": "2031-03-10T09:00:00+07:00", "agenda": "Capaian triwulan I"})
    assert scheduled.status_code == 201, scheduled.text
    [told] = await service.wait_inbox(t.staff, t.office, "dialogue_scheduled")
    read = await service.client.post(f"/api/v1/notifications/{told['notification_id']}/read", headers=t.as_(t.staff))
    assert read.status_code == 204

    assert AUDIT.read_models is not None
    report = await rebuild(database_url, AUDIT.read_models, source="store")
    assert {t.table for t in report.tables} == set(AUDIT.read_models.tables or ())
    assert report.equal, [vars(t) for t in report.tables if not t.equal]
    rows = {t.table: t.live for t in report.tables}
    assert rows["feedback"] == 1 and rows["dialogues"] == 1 and rows["notifications"] >= 2
