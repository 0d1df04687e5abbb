"""Notifications from every planning and evaluation source, through real Kafka: who is told what, no
duplicate when an event is redelivered, filtering and reading."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts import planning as pl

from .support import Service, appraisal_opened, finalised, nip, service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


class TestEvaluationSources:
    async def test_each_evaluation_event_reaches_the_right_inbox_once(self, service: Service, unique: str) -> None:
        office = f"KANTOR-N-{unique}"
        employee, evaluator, superior, peer = nip(""), nip(""), nip(""), nip("")
        settings = ev.OfficeSettings(time_zone=ev.TimeZone.WITA)
        await service.produce("evaluation", (ev.OfficeSettingsChanged(office_id=office, settings=settings,
                                                                       previous=None, reason="awal"), office, office))
        # keyed by office, not by employee: another partition, so wait until it is known
        await service.wait_for("SELECT time_zone = 'WITA' FROM office_calendar WHERE office_id = $1", office)
        opened = appraisal_opened(employee, evaluator, office, superior=superior)
        raters = ev.RatersAssigned(appraisal_id=opened.appraisal_id, employee_id=employee, office_id=office,
                                   raters=(ev.Rater(rater_id=peer, relation=ev.RaterRelation.PEER),), previous=(),
                                   window_closes_at=datetime(2031, 4, 10, 15, 59, tzinfo=UTC), assigned_by="hr")
        final = finalised(opened, datetime(2031, 5, 1, 15, 59, 59, tzinfo=UTC))
        objection_id = uuid.uuid4()
        filed = ev.ObjectionFiled(appraisal_id=opened.appraisal_id, objection_id=objection_id, employee_id=employee,
                                  office_id=office, evaluator_id=evaluator, superior_id=superior,
                                  reasons="Bukti realisasi belum dipertimbangkan",
                                  deadline=datetime(2031, 5, 1, 15, 59, 59, tzinfo=UTC))
        decided = ev.ObjectionDecided(appraisal_id=opened.appraisal_id, objection_id=objection_id, employee_id=employee,
                                      office_id=office, decision=ev.ObjectionDecision.UPHELD, decided_by=superior,
                                      reason="Penilaian sesuai bukti")
        envelopes = await service.produce("evaluation", (opened, employee, office), (raters, employee, office),
                                          (final, employee, office), (filed, employee, office),
                                          (decided, employee, office))

        [due] = await service.wait_inbox(employee, office, "self_assessment_due")
        assert "2031-Q1" in due["body"] and "WITA" in due["body"]  # deadline shown in the office's zone
        assert "6 April 2031 pukul 00.59 WITA" in due["body"]
        [asked] = await service.wait_inbox(peer, office, "peer_review_requested")
        assert employee in asked["body"] and asked["link"] == f"/penilaian/{opened.appraisal_id}/360"
        [ready] = await service.wait_inbox(employee, office, "rating_ready")
        assert "Baik" in ready["body"] and "keberatan" in ready["body"]
        [to_superior] = await service.wait_inbox(superior, office, "objection_filed")
        assert to_superior["recipient_role"] == "atasan_penilai"
        [to_evaluator] = await service.wait_inbox(evaluator, office, "objection_filed")
        assert to_evaluator["recipient_role"] == "pejabat_penilai"
        [outcome] = await service.wait_inbox(employee, office, "objection_decided")
        assert "Penilaian sesuai bukti" in outcome["body"] and "final" in outcome["body"]

        # redelivery of every event: no second notification anywhere
        await service.republish("evaluation", envelopes)
        marker = await service.produce("evaluation", (ev.ObjectionDecided(
            appraisal_id=opened.appraisal_id, objection_id=uuid.uuid4(), employee_id=employee, office_id=office,
            decision=ev.ObjectionDecision.CHANGED, decided_by=superior, reason="penanda"), employee, office))
        await service.wait_inbox(employee, office, "objection_decided", count=2)  # the marker came after them
        kinds = [n["kind"] for n in await service.inbox(employee, office)]
        assert sorted(kinds) == ["objection_decided", "objection_decided", "rating_ready", "self_assessment_due"]
        assert len(await service.inbox(peer, office)) == 1
        assert len(await service.inbox(superior, office)) == 1
        assert marker

    async def test_a_reassignment_of_raters_asks_only_the_newly_added(self, service: Service, unique: str) -> None:
        office = f"KANTOR-R-{unique}"
        employee, first, second = nip(""), nip(""), nip("")
        appraisal = uuid.uuid4()

        def assigned(raters: tuple[str, ...], previous: tuple[str, ...]) -> ev.RatersAssigned:
            return ev.RatersAssigned(
                appraisal_id=appraisal, employee_id=employee, office_id=office,
                raters=tuple(ev.Rater(rater_id=r, relation=ev.RaterRelation.PEER) for r in raters),
                previous=tuple(ev.Rater(rater_id=r, relation=ev.RaterRelation.PEER) for r in previous),
                window_closes_at=datetime(2031, 4, 10, tzinfo=UTC), assigned_by="hr")

        await service.produce("evaluation", (assigned((first,), ()), employee, office),
                              (assigned((first, second), (first,)), employee, office))
        await service.wait_inbox(second, office, "peer_review_requested")
        assert len(await service.inbox(first, office)) == 1


class TestPlanningSources:
    async def test_plan_events_and_a_redelivered_one_give_one_notification_each(self, service: Service,
                                                                                 unique: str) -> None:
        office = f"KANTOR-P-{unique}"
        employee, evaluator = nip(""), nip("")
        plan = uuid.uuid4()
        submitted = pl.PlanSubmitted(plan_id=plan, employee_id=employee, office_id=office, period_year=2031,
                                     evaluator_id=evaluator)
        envelopes = await service.produce("planning", (submitted, employee, office))
        await service.wait_inbox(evaluator, office, "plan_awaiting_approval")
        await service.republish("planning", envelopes)
        await service.republish("planning", envelopes)
        await service.produce("planning", (pl.PlanApproved(plan_id=plan, employee_id=employee, office_id=office,
                                                            period_year=2031, evaluator_id=evaluator,
                                                            approved_by=evaluator), employee, office),
                              (pl.PlanSubmitted(plan_id=uuid.uuid4(), employee_id=nip(""), office_id=office,
                                                period_year=2031, evaluator_id=evaluator), employee, office))
        await service.wait_inbox(employee, office, "plan_approved")
        await service.wait_inbox(evaluator, office, "plan_awaiting_approval", count=2)
        assert len(await service.inbox(evaluator, office)) == 2  # the redelivered submit counted once


class TestActingOfficials:
    async def test_the_absent_officials_requests_reach_the_plh_during_the_appointment_once(
            self, service: Service, unique: str) -> None:
        # given a unit head away (Plh: a colleague) from 1 to 10 March 2031, the service's clock on 1 March
        office = f"KANTOR-A-{unique}"
        employee, head, plh, leader = nip(""), nip(""), nip(""), nip("")
        for person, evaluator in ((head, leader), (plh, head), (employee, head)):
            await service.register(office, person, evaluator, leader)
        await service.wait_registered(head, plh, employee)
        appointment = uuid.uuid4()
        await service.produce("planning", (pl.ActingOfficialAppointed(
            appointment_id=appointment, office_id=office, absent_id=head, acting_id=plh, kind=pl.ActingKind.PLH,
            starts_on=date(2031, 3, 1), ends_on=date(2031, 3, 10), reason="Diklat"), head, office))
        await service.wait_for("SELECT count(*) FROM acting_appointments WHERE appointment_id = $1", appointment)

        # when the employee submits an SKP (and the event is delivered twice)
        submitted = pl.PlanSubmitted(plan_id=uuid.uuid4(), employee_id=employee, office_id=office,
                                     period_year=2031, evaluator_id=head)
        envelopes = await service.produce("planning", (submitted, employee, office))
        await service.wait_inbox(head, office, "plan_awaiting_approval")
        [copy] = await service.wait_inbox(plh, office, "plan_awaiting_approval")
        await service.republish("planning", envelopes)

        # then the Plh is asked too, told in whose place; the redelivery adds nothing
        assert copy["title"].startswith(f"Sebagai Plh Pegawai {head[-3:]}: SKP menunggu persetujuan")
        assert f"sebagai Plh Pegawai {head[-3:]}" in copy["body"] and copy["link"] == f"/skp/{submitted.plan_id}"
        marker = pl.PlanSubmitted(plan_id=uuid.uuid4(), employee_id=employee, office_id=office, period_year=2031,
                                  evaluator_id=leader)
        await service.produce("planning", (marker, employee, office))
        await service.wait_inbox(leader, office, "plan_awaiting_approval")
        assert len([n for n in await service.inbox(plh, office) if n["kind"] == "plan_awaiting_approval"]) == 1

        # once the Plh approved it on the head's behalf, both requests are read
        await service.produce("planning", (pl.PlanApproved(
            plan_id=submitted.plan_id, employee_id=employee, office_id=office, period_year=2031, evaluator_id=head,
            approved_by=plh, on_behalf_of=head), employee, office))
        await service.wait_inbox(employee, office, "plan_approved")
        assert [n["read"] for n in await service.inbox(plh, office) if n["kind"] == "plan_awaiting_approval"] == [True]
        assert [n["read"] for n in await service.inbox(head, office) if n["kind"] == "plan_awaiting_approval"
                and n["link"] == f"/skp/{submitted.plan_id}"] == [True]

        # an objection filed while the head is away reaches the Plh as the evaluator's request
        opened = appraisal_opened(employee, head, office, superior=leader)
        objection = ev.ObjectionFiled(appraisal_id=opened.appraisal_id, objection_id=uuid.uuid4(),
                                      employee_id=employee, office_id=office, evaluator_id=head,
                                      superior_id=leader, reasons="Nilai tidak sesuai bukti",
                                      deadline=datetime(2031, 3, 20, tzinfo=UTC))
        await service.produce("evaluation", (objection, employee, office))
        await service.wait_inbox(plh, office, "objection_filed")

        # once HR ended the appointment, a new request reaches only the head
        await service.produce("planning", (pl.ActingAppointmentEnded(
            appointment_id=appointment, office_id=office, absent_id=head, acting_id=plh,
            previous_ends_on=date(2031, 3, 10), ends_on=date(2031, 2, 28), reason="Kembali"), head, office))
        await service.wait_for("SELECT ends_on < '2031-03-01' FROM acting_appointments WHERE appointment_id = $1",
                               appointment)
        later = pl.PlanSubmitted(plan_id=uuid.uuid4(), employee_id=nip(""), office_id=office, period_year=2031,
                                 evaluator_id=head)
        await service.produce("planning", (later, employee, office))
        await service.wait_inbox(head, office, "plan_awaiting_approval", count=2)
        assert len([n for n in await service.inbox(plh, office) if n["kind"] == "plan_awaiting_approval"]) == 1


class TestInbox:
    async def test_filters_unread_counts_and_read_all(self, service: Service, unique: str) -> None:
        office = f"KANTOR-I-{unique}"
        employee, evaluator = nip(""), nip("")
        events = [(pl.PlanReturned(plan_id=uuid.uuid4(), employee_id=employee, office_id=office, period_year=2031,
                                   evaluator_id=evaluator, comments=f"catatan {i}"), employee, office) for i in range(3)]
        events.append((pl.PlanApproved(plan_id=uuid.uuid4(), employee_id=employee, office_id=office, period_year=2031,
                                       evaluator_id=evaluator, approved_by=evaluator), employee, office))
        await service.produce("planning", *events)
        await service.wait_inbox(employee, office, "plan_returned", count=3)
        await service.wait_inbox(employee, office, "plan_approved")
        me = service.token(employee, office)

        returned = await service.inbox(employee, office, kind="plan_returned")
        assert len(returned) == 3 and all(not n["read"] for n in returned)
        counts = (await service.client.get("/api/v1/notifications/unread-count", headers=me)).json()
        assert counts == {"total": 4, "by_kind": {"plan_returned": 3, "plan_approved": 1}}

        first = returned[0]["notification_id"]
        assert (await service.client.post(f"/api/v1/notifications/{first}/read", headers=me)).status_code == 204
        again = await service.client.post(f"/api/v1/notifications/{first}/read", headers=me)
        assert again.status_code == 204  # read again: nothing changes, nothing is recorded
        assert await service.wait_for("SELECT count(*) FROM events WHERE event_type = 'feedback.NotificationRead' "
                                      "AND stream_id LIKE '%' || $1", str(first)) == 1
        other = service.token(evaluator, office, Role.PEJABAT_PENILAI)
        assert (await service.client.post(f"/api/v1/notifications/{first}/read", headers=other)).status_code == 404

        all_read = await service.client.post("/api/v1/notifications/read-all?kind=plan_returned", headers=me)
        assert all_read.json() == {"read": 2}
        unread = await service.inbox(employee, office, unread="true")
        assert [n["kind"] for n in unread] == ["plan_approved"]
        assert await service.inbox(employee, office, office_id="ELSEWHERE") == []


class TestSettledWhenActedOn:
    async def test_the_approval_request_names_the_employee_and_is_read_once_the_evaluator_approved(
            self, service: Service, unique: str) -> None:
        office = f"KANTOR-S-{unique}"
        employee, evaluator = nip(""), nip("")
        await service.register(office, evaluator, None)
        await service.register(office, employee, evaluator)
        await service.wait_registered(employee, evaluator)
        plan = uuid.uuid4()
        await service.produce("planning", (pl.PlanSubmitted(plan_id=plan, employee_id=employee, office_id=office,
                                                            period_year=2031, evaluator_id=evaluator), employee, office))
        [asked] = await service.wait_inbox(evaluator, office, "plan_awaiting_approval")
        assert asked["body"].startswith(f"Pegawai {employee[-3:]} mengajukan SKP") and employee not in asked["body"]
        assert not asked["read"]
        await service.produce("planning", (pl.PlanApproved(plan_id=plan, employee_id=employee, office_id=office,
                                                           period_year=2031, evaluator_id=evaluator,
                                                           approved_by=evaluator), employee, office))
        [told] = await service.wait_inbox(employee, office, "plan_approved")
        assert f"Pegawai {evaluator[-3:]}" in told["body"]
        assert await service.wait_for("SELECT read_at IS NOT NULL FROM notifications WHERE notification_id = $1",
                                      uuid.UUID(asked["notification_id"]))
        assert await service.wait_for("SELECT count(*) FROM events WHERE event_type = 'feedback.NotificationRead' "
                                      "AND stream_id LIKE '%' || $1", asked["notification_id"]) == 1
        unread = (await service.client.get("/api/v1/notifications/unread-count",
                                           headers=service.token(evaluator, office))).json()
        assert unread["total"] == 0
