"""Continuous feedback, performance dialogues and clarification threads over HTTP, with the roster and
appraisals learnt from Kafka; bad input answered with problem+json naming the field."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts import feedback as fb
from kinerja_kernel.testing.kafka_helpers import read_topic

from .support import Service, appraisal_opened, finalised, nip, service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


class Team:
    """An office with an evaluator, two staff (peers) and someone from another team."""

    def __init__(self, service: Service, unique: str) -> None:
        self.s = service
        self.office = f"KANTOR-F-{unique}"
        self.superior, self.evaluator, self.staff, self.peer, self.stranger, self.hr = (nip("") for _ in range(6))

    async def registered(self) -> Team:
        await self.s.register(self.office, self.evaluator, self.superior)
        await self.s.register(self.office, self.staff, self.evaluator, self.superior)
        await self.s.register(self.office, self.peer, self.evaluator, self.superior)
        await self.s.register(self.office, self.stranger, self.superior)
        await self.s.wait_registered(self.evaluator, self.staff, self.peer, self.stranger)
        return self

    def as_(self, who: str, *roles: Role) -> dict[str, str]:
        return self.s.token(who, self.office, *(roles or (Role.PEGAWAI,)))

    @property
    def boss(self) -> dict[str, str]:
        return self.as_(self.evaluator, Role.PEGAWAI, Role.PEJABAT_PENILAI)

    @property
    def hr_token(self) -> dict[str, str]:
        return self.as_(self.hr, Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN)


def problem_field(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    return str(body["errors"][0]["field"])


class TestContinuousFeedback:
    async def test_evaluator_gives_feedback_employee_responds_and_it_is_listed_by_period(
        self, service: Service, unique: str
    ) -> None:
        t = await Team(service, unique).registered()
        rhk = str(uuid.uuid4())
        given = await service.client.post("/api/v1/feedback", headers=t.boss, json={
            "employee_id": t.staff, "kind": "apresiasi", "rhk_id": rhk, "text": "Laporan mutasi tepat waktu",
            "evidence": [{"uri": "https://dokumen.example/laporan-maret.pdf", "description": "laporan"}]})
        assert given.status_code == 201, given.text
        feedback_id = given.json()["id"]
        value = await service.client.post("/api/v1/feedback", headers=t.boss, json={
            "employee_id": t.staff, "kind": "konstruktif", "value": "kolaboratif", "text": "Libatkan tim lain"})
        assert value.status_code == 201, value.text

        told = await service.wait_inbox(t.staff, t.office, "feedback_received", count=2)
        assert {n["title"] for n in told} == {"Anda menerima apresiasi", "Anda menerima umpan balik konstruktif"}
        responded = await service.client.post(f"/api/v1/feedback/{feedback_id}/response", headers=t.as_(t.staff),
                                              json={"response": "Terima kasih, akan saya pertahankan"})
        assert responded.status_code == 200, responded.text
        assert responded.json() == {"version": 2}
        await service.wait_inbox(t.evaluator, t.office, "feedback_responded")

        quarter = (await service.client.get(f"/api/v1/employees/{t.staff}/feedback?period=2031-Q1",
                                            headers=t.as_(t.staff))).json()
        assert {f["kind"] for f in quarter} == {"apresiasi", "konstruktif"}  # the service clock is 1 March 2031
        [mine] = [f for f in quarter if f["feedback_id"] == feedback_id]
        assert mine["response"] == "Terima kasih, akan saya pertahankan" and mine["rhk_id"] == rhk
        assert mine["evidence"][0]["uri"].endswith("laporan-maret.pdf") and mine["relation"] == "evaluator"
        later = await service.client.get(f"/api/v1/employees/{t.staff}/feedback?period=2031-Q2", headers=t.boss)
        assert later.json() == []
        hr = await service.client.get(f"/api/v1/employees/{t.staff}/feedback", headers=t.hr_token)
        assert len(hr.json()) == 2
        assert (await service.client.get(f"/api/v1/employees/{t.staff}/feedback",
                                         headers=t.as_(t.stranger))).status_code == 403

        # one item, where notifications link: for the employee, the author and readers of the employee, with names
        for reader in (t.as_(t.staff), t.boss, t.hr_token):
            one = await service.client.get(f"/api/v1/feedback/{feedback_id}", headers=reader)
            assert one.status_code == 200, one.text
            assert one.json()["response"] == "Terima kasih, akan saya pertahankan"
            assert one.json()["author_name"] == f"Pegawai {t.evaluator[-3:]}"
            assert one.json()["employee_name"] == f"Pegawai {t.staff[-3:]}"
        assert (await service.client.get(f"/api/v1/feedback/{feedback_id}",
                                         headers=t.as_(t.stranger))).status_code == 403
        assert (await service.client.get(f"/api/v1/feedback/{uuid.uuid4()}", headers=t.boss)).status_code == 404

        # published for other services (evaluation reads it as context)
        records = [r for r in await read_topic(service.bootstrap, "kinerja.feedback.events")
                   if r.header("ce_type") == "feedback.FeedbackGiven" and r.key == t.staff.encode()]
        assert len(records) == 2

    async def test_feedback_outside_the_authors_reach_is_refused_and_peers_need_the_office_setting(
        self, service: Service, unique: str
    ) -> None:
        t = await Team(service, unique).registered()
        body = {"employee_id": t.staff, "kind": "apresiasi", "value": "harmonis", "text": "Membantu rekan"}
        stranger = await service.client.post("/api/v1/feedback", headers=t.as_(t.stranger), json=body)
        assert stranger.status_code == 403 and problem_field(stranger) == "employee_id"
        assert "bukan bawahan" in stranger.json()["detail"]
        peer = await service.client.post("/api/v1/feedback", headers=t.as_(t.peer), json=body)
        assert peer.status_code == 403 and "rekan kerja" in peer.json()["detail"]

        allowed = await service.client.put(f"/api/v1/offices/{t.office}/feedback-settings", headers=t.hr_token,
                                           json={"peer_feedback_allowed": True, "reason": "Kebijakan 360"})
        assert (allowed.status_code, allowed.json()["errors"][0]["field"]) == (422, "dialogues_per_period")
        allowed = await service.client.put(f"/api/v1/offices/{t.office}/feedback-settings", headers=t.hr_token,
                                           json={"peer_feedback_allowed": True, "dialogues_per_period": 1,
                                                 "reason": "Kebijakan 360"})
        assert allowed.status_code == 200, allowed.text
        again = await service.client.put(f"/api/v1/offices/{t.office}/feedback-settings", headers=t.hr_token,
                                         json={"peer_feedback_allowed": True, "dialogues_per_period": 1,
                                               "reason": "Dikirim ulang"})
        assert (again.status_code, again.json()["version"]) == (200, allowed.json()["version"])  # nothing recorded
        peer = await service.client.post("/api/v1/feedback", headers=t.as_(t.peer), json=body)
        assert peer.status_code == 201, peer.text
        # a peer reads back only what they gave
        seen = (await service.client.get(f"/api/v1/employees/{t.staff}/feedback", headers=t.as_(t.peer))).json()
        assert [f["relation"] for f in seen] == ["peer"]

        unknown = await service.client.post("/api/v1/feedback", headers=t.boss, json={**body, "employee_id": nip("")})
        assert unknown.status_code == 422 and problem_field(unknown) == "employee_id"
        both = await service.client.post("/api/v1/feedback", headers=t.boss,
                                         json={**body, "rhk_id": str(uuid.uuid4())})
        assert both.status_code == 422 and problem_field(both) == "rhk_id"
        assert "tepat satu" in both.json()["detail"]
        bad_nip = await service.client.post("/api/v1/feedback", headers=t.boss, json={**body, "employee_id": "123"})
        assert bad_nip.status_code == 422 and problem_field(bad_nip) == "employee_id"
        huge = await service.client.post("/api/v1/feedback", headers=t.boss,
                                         json={**body, "text": "x" * 3000, "evidence": [
                                             {"uri": "https://x.example/" + "a" * 1900} for _ in range(5)]})
        assert huge.status_code == 413 and problem_field(huge) == "body"
        assert "terlalu besar" in huge.json()["title"]
        not_hr = await service.client.put(f"/api/v1/offices/{t.office}/feedback-settings", headers=t.boss,
                                          json={"peer_feedback_allowed": False, "dialogues_per_period": 1,
                                                "reason": "x"})
        assert not_hr.status_code == 403


class TestDialogues:
    async def test_a_dialogue_from_schedule_to_acknowledged_with_actions_done(self, service: Service,
                                                                              unique: str) -> None:
        t = await Team(service, unique).registered()
        scheduled = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.staff, "scheduled_at": "2031-03-10T09:00:00+07:00", "agenda": "Capaian triwulan I"})
        assert scheduled.status_code == 201, scheduled.text
        dialogue_id = scheduled.json()["id"]
        [told] = await service.wait_inbox(t.staff, t.office, "dialogue_scheduled")
        assert "10 Maret 2031 pukul 09.00 WIB" in told["body"] and "2031-Q1" in told["body"]

        early = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/acknowledge", headers=t.as_(t.staff))
        assert early.status_code == 409
        notes = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/notes", headers=t.boss, json={
            "notes": "Target layanan tercapai 80%", "expected_version": 1, "actions": [
                {"description": "Ikuti pelatihan layanan publik", "due_on": "2031-03-31"},
                {"description": "Sediakan akses sistem antrian", "owner_id": t.evaluator}]})
        assert notes.status_code == 200, notes.text
        stale = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/response", headers=t.as_(t.staff),
                                          json={"response": "Setuju", "expected_version": 1})
        assert stale.status_code == 409
        response = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/response", headers=t.as_(t.staff),
                                             json={"response": "Setuju, perlu akses sistem", "expected_version": 2})
        assert response.status_code == 200, response.text
        for who in (t.as_(t.staff), t.boss):
            ack = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/acknowledge", headers=who)
            assert ack.status_code == 200, ack.text
        locked = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/notes", headers=t.boss,
                                           json={"notes": "ubah"})
        assert locked.status_code == 409

        view = (await service.client.get(f"/api/v1/dialogues/{dialogue_id}", headers=t.as_(t.staff))).json()
        assert view["status"] == "acknowledged" and view["response"] == "Setuju, perlu akses sistem"
        mine = [a for a in view["actions"] if a["owner_id"] == t.staff]
        assert [a["description"] for a in mine] == ["Ikuti pelatihan layanan publik"]
        todo = (await service.client.get("/api/v1/me/actions", headers=t.as_(t.staff))).json()
        assert [a["action_id"] for a in todo] == [mine[0]["action_id"]]
        boss_action = next(a for a in view["actions"] if a["owner_id"] == t.evaluator)
        not_owner = await service.client.post(
            f"/api/v1/dialogues/{dialogue_id}/actions/{boss_action['action_id']}/complete", headers=t.as_(t.staff))
        assert not_owner.status_code == 403
        done = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/actions/{mine[0]['action_id']}/complete",
                                         headers=t.as_(t.staff), json={"note": "Sertifikat terlampir"})
        assert done.status_code == 200, done.text
        assert (await service.client.get("/api/v1/me/actions", headers=t.as_(t.staff))).json() == []
        twice = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/actions/{mine[0]['action_id']}/complete",
                                          headers=t.as_(t.staff))
        assert twice.status_code == 409

    async def test_missing_dialogues_show_for_the_evaluator_and_hr_and_non_subordinates_are_refused(
        self, service: Service, unique: str
    ) -> None:
        t = await Team(service, unique).registered()
        other = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.stranger, "scheduled_at": "2031-03-10T09:00:00+07:00"})
        assert other.status_code == 403 and problem_field(other) == "employee_id"
        as_staff = await service.client.post("/api/v1/dialogues", headers=t.as_(t.staff), json={
            "employee_id": t.peer, "scheduled_at": "2031-03-10T09:00:00+07:00"})
        assert as_staff.status_code == 403
        bad_period = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.staff, "scheduled_at": "2031-03-10T09:00:00+07:00", "period": "2031-Q5"})
        assert bad_period.status_code == 422 and problem_field(bad_period) == "period"

        held = (await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.staff, "scheduled_at": "2031-03-10T09:00:00+07:00"})).json()["id"]
        assert (await service.client.post(f"/api/v1/dialogues/{held}/notes", headers=t.boss,
                                          json={"notes": "Baik"})).status_code == 200
        await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.peer, "scheduled_at": "2031-03-20T09:00:00+07:00"})  # scheduled, not yet held

        team = (await service.client.get("/api/v1/team/dialogues/missing?period=2031-Q1", headers=t.boss)).json()
        assert [(m["employee_id"], m["held"], m["scheduled"]) for m in team["missing"]] == [(t.peer, 0, 1)]
        # the evaluator's own dialogues of the period in one answer, soonest first; none for anyone else
        mine = (await service.client.get("/api/v1/team/dialogues?period=2031-Q1", headers=t.boss)).json()
        assert [(d["employee_id"], d["status"] != "scheduled") for d in mine] == [(t.staff, True), (t.peer, False)]
        assert (await service.client.get("/api/v1/team/dialogues?period=2031-Q2", headers=t.boss)).json() == []
        assert (await service.client.get("/api/v1/team/dialogues", headers=t.as_(t.staff))).json() == []
        office = (await service.client.get(f"/api/v1/offices/{t.office}/dialogues/missing?period=2031-Q1",
                                           headers=t.hr_token)).json()
        # everyone in the office with an evaluator: the evaluator's own dialogue and the other team's too
        assert {m["employee_id"] for m in office["missing"]} == {t.peer, t.evaluator, t.stranger}
        q2 = (await service.client.get("/api/v1/team/dialogues/missing?period=2031-Q2", headers=t.boss)).json()
        assert {m["employee_id"] for m in q2["missing"]} == {t.staff, t.peer}
        assert {m["name"] for m in q2["missing"]} == {f"Pegawai {t.staff[-3:]}", f"Pegawai {t.peer[-3:]}"}
        assert (await service.client.get(f"/api/v1/offices/{t.office}/dialogues/missing?period=2031-Q1",
                                         headers=t.as_(t.staff))).status_code == 403


    async def test_a_dialogue_before_today_and_an_action_due_before_the_dialogue_are_refused(
        self, service: Service, unique: str
    ) -> None:
        t = await Team(service, unique).registered()
        past = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.staff, "scheduled_at": "2031-02-28T09:00:00+07:00"})  # the service clock: 1 March 2031
        assert past.status_code == 422 and problem_field(past) == "scheduled_at"
        assert "sudah lewat" in past.json()["detail"]
        assert (await service.client.get(f"/api/v1/employees/{t.staff}/dialogues", headers=t.boss)).json() == []
        # earlier today in the office's zone is still today (a dialogue held this morning)
        today = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
            "employee_id": t.staff, "scheduled_at": "2031-03-01T07:30:00+07:00"})
        assert today.status_code == 201, today.text
        dialogue_id = today.json()["id"]
        back = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/reschedule", headers=t.boss, json={
            "scheduled_at": "2031-02-27T09:00:00+07:00", "reason": "Rapat pimpinan"})
        assert back.status_code == 422 and problem_field(back) == "scheduled_at"

        early = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/notes", headers=t.boss, json={
            "notes": "Capaian baik", "actions": [{"description": "Pelatihan", "due_on": "2031-03-05"},
                                                 {"description": "Mentoring", "due_on": "2031-02-28"}]})
        assert early.status_code == 422 and problem_field(early) == "actions.1.due_on"
        assert "1 Maret 2031" in early.json()["detail"]
        view = (await service.client.get(f"/api/v1/dialogues/{dialogue_id}", headers=t.boss)).json()
        assert view["status"] == "scheduled" and view["notes"] is None and view["actions"] == []
        assert view["employee_name"] == f"Pegawai {t.staff[-3:]}"
        assert view["evaluator_name"] == f"Pegawai {t.evaluator[-3:]}"
        same_day = await service.client.post(f"/api/v1/dialogues/{dialogue_id}/notes", headers=t.boss, json={
            "notes": "Capaian baik", "actions": [{"description": "Mentoring", "due_on": "2031-03-01"}]})
        assert same_day.status_code == 200, same_day.text


class TestClarification:
    async def test_a_thread_before_finalisation_then_closed(self, service: Service, unique: str) -> None:
        t = await Team(service, unique).registered()
        opened = appraisal_opened(t.staff, t.evaluator, t.office, superior=t.superior)
        await service.produce("evaluation", (opened, t.staff, t.office))
        await service.wait_for("SELECT true FROM appraisals WHERE appraisal_id = $1", opened.appraisal_id)
        rhk = str(opened.rhks[0].rhk_id)
        not_mine = await service.client.post("/api/v1/clarifications", headers=t.as_(t.peer), json={
            "appraisal_id": str(opened.appraisal_id), "topic": {"rhk_id": rhk}, "question": "?"})
        assert not_mine.status_code == 403
        no_topic = await service.client.post("/api/v1/clarifications", headers=t.as_(t.staff), json={
            "appraisal_id": str(opened.appraisal_id), "topic": {}, "question": "Mengapa?"})
        assert no_topic.status_code == 422 and problem_field(no_topic) == "topic"
        asked = await service.client.post("/api/v1/clarifications", headers=t.as_(t.staff), json={
            "appraisal_id": str(opened.appraisal_id), "topic": {"rhk_id": rhk},
            "question": "Mengapa RHK ini di bawah ekspektasi padahal target tercapai?"})
        assert asked.status_code == 201, asked.text
        thread = asked.json()["id"]
        await service.wait_inbox(t.evaluator, t.office, "clarification_asked")
        assert (await service.client.get(f"/api/v1/clarifications/{thread}", headers=t.boss)).json()["closed"] is False
        answered = await service.client.post(f"/api/v1/clarifications/{thread}/messages", headers=t.boss,
                                             json={"text": "Kualitas dokumen belum memenuhi standar"})
        assert answered.status_code == 200, answered.text
        [told] = await service.wait_inbox(t.staff, t.office, "clarification_answered")
        assert "Kualitas dokumen" in told["body"]
        follow_up = await service.client.post(f"/api/v1/clarifications/{thread}/messages", headers=t.as_(t.staff),
                                              json={"text": "Standar mana yang dimaksud?"})
        assert follow_up.status_code == 200

        await service.produce("evaluation", (finalised(opened, datetime(2031, 5, 1, tzinfo=UTC)), t.staff, t.office))
        await service.wait_for("SELECT final FROM appraisals WHERE appraisal_id = $1", opened.appraisal_id)
        closed = await service.client.post(f"/api/v1/clarifications/{thread}/messages", headers=t.boss,
                                           json={"text": "terlambat"})
        assert closed.status_code == 409
        late = await service.client.post("/api/v1/clarifications", headers=t.as_(t.staff), json={
            "appraisal_id": str(opened.appraisal_id), "topic": {"aspect": "hasil_kerja"}, "question": "?"})
        assert late.status_code == 409 and "keberatan" in late.json()["detail"]

        record = (await service.client.get(f"/api/v1/appraisals/{opened.appraisal_id}/clarifications",
                                           headers=t.hr_token)).json()
        assert [m["party"] for m in record[0]["messages"]] == ["employee", "evaluator", "employee"]
        assert record[0]["topic"] == {"rhk_id": rhk} and record[0]["status"] == "awaiting_answer"
        assert record[0]["closed"] is True and record[0]["employee_name"] == f"Pegawai {t.staff[-3:]}"
        assert (await service.client.get(f"/api/v1/clarifications/{thread}",
                                         headers=t.as_(t.peer))).status_code == 403
        assert fb.ClarificationReplied.event_type == "feedback.ClarificationReplied"
