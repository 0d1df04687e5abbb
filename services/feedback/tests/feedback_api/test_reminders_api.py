"""Deadline reminders with a controlled clock: built from the roster and the evaluation calendar, sent
ahead of and on the deadline in the office's time zone, once each, and not after the need is gone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.testing.kafka_helpers import read_topic

from .support import Service, appraisal_opened, finalised, nip, service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]

WIT = ev.TimeZone.WIT.tzinfo


async def reminders(service: Service, who: str, office: str, kind: str) -> list[str]:
    return [n["title"] for n in await service.inbox(who, office, kind=kind)]


class TestPlanDue:
    async def test_plan_due_reminders_go_to_those_without_an_approved_skp_3_days_ahead_and_on_the_day(
        self, service: Service, unique: str
    ) -> None:
        office = f"KANTOR-D-{unique}"
        late, done, evaluator = nip(""), nip(""), nip("")
        await service.produce("evaluation", (ev.OfficeSettingsChanged(
            office_id=office, settings=ev.OfficeSettings(time_zone=ev.TimeZone.WIT, plan_due_day_of_year=31),
            previous=None, reason="kalender"), office, office))
        await service.register(office, late, evaluator)
        await service.register(office, done, evaluator)
        await service.produce("planning", (pl.PlanApproved(plan_id=uuid.uuid4(), employee_id=done,
                                                            office_id=office, period_year=2031, evaluator_id=evaluator,
                                                            approved_by=evaluator), done, office))
        await service.wait_registered(late, done)
        await service.wait_for("SELECT true FROM approved_plans WHERE employee_id = $1", done)
        await service.wait_for("SELECT time_zone = 'WIT' FROM office_calendar WHERE office_id = $1", office)
        tick = service.feedback.reminders.tick

        assert await tick(datetime(2031, 1, 20, tzinfo=WIT)) == 0
        three_days_ahead = datetime(2031, 1, 28, 8, 0, tzinfo=WIT)
        assert await tick(three_days_ahead - timedelta(minutes=1)) == 0
        assert await tick(three_days_ahead) == 1
        assert await tick(three_days_ahead) == 0  # once each
        assert await tick(datetime(2031, 1, 30, 12, 0, tzinfo=WIT)) == 0
        assert await tick(datetime(2031, 1, 31, 8, 30, tzinfo=WIT)) == 1
        assert await tick(datetime(2031, 1, 31, 20, 0, tzinfo=WIT)) == 0
        assert await tick(datetime(2031, 2, 1, 8, 0, tzinfo=WIT)) == 0  # the deadline has passed

        titles = await reminders(service, late, office, "reminder_plan_due")
        assert sorted(titles) == ["Pengingat: batas penyusunan SKP 3 hari lagi",
                                  "Pengingat: batas penyusunan SKP hari ini"]
        [body] = {n["body"] for n in await service.inbox(late, office, kind="reminder_plan_due")}
        assert "31 Januari 2031 pukul 23.59 WIT" in body
        assert await service.inbox(done, office, kind="reminder_plan_due") == []

        sent = [r for r in await read_topic(service.bootstrap, "kinerja.feedback.events")
                if r.header("ce_type") == "feedback.ReminderSent" and r.key == late.encode()]
        assert len(sent) == 2


class TestAppraisalDeadlines:
    async def test_self_assessment_rating_and_objection_reminders_follow_the_appraisal(
        self, service: Service, unique: str
    ) -> None:
        office = f"KANTOR-A-{unique}"
        employee, evaluator = nip(""), nip("")
        due = datetime(2031, 4, 5, 23, 59, 59, tzinfo=WIT)
        rating_due = datetime(2031, 4, 15, 23, 59, 59, tzinfo=WIT)
        opened = appraisal_opened(employee, evaluator, office, due=due, rating_due=rating_due)
        await service.produce("evaluation", (opened, employee, office))
        await service.wait_for("SELECT count(*) = 2 FROM reminder_schedule WHERE reference = $1",
                               str(opened.appraisal_id))
        tick = service.feedback.reminders.tick
        me = service.token(employee, office)
        upcoming = (await service.client.get("/api/v1/me/reminders", headers=me)).json()
        assert upcoming == [] or all(r["kind"] == "self_assessment_due" for r in upcoming)  # real clock: before 2031

        assert await tick(datetime(2031, 4, 2, 9, 59, tzinfo=WIT)) == 0  # the office is WIB (default): 07.59
        assert await tick(datetime(2031, 4, 2, 10, 0, tzinfo=WIT)) == 1  # 08.00 WIB, 3 days ahead
        assert await reminders(service, employee, office, "reminder_self_assessment_due") == [
            "Pengingat: batas penilaian diri 3 hari lagi"]
        await service.produce("evaluation", (ev.SelfAssessmentSubmitted(
            appraisal_id=opened.appraisal_id, employee_id=employee, rhk_ratings=(), value_ratings=(),
            previous_rhk_ratings=None, previous_value_ratings=None, reason="penilaian diri"), employee, office))
        await service.wait_for("SELECT cancelled_at IS NOT NULL FROM reminder_schedule WHERE reminder_key = $1",
                               f"self_assessment_due/{opened.appraisal_id}")
        assert await tick(datetime(2031, 4, 5, 12, 0, tzinfo=WIT)) == 0  # submitted: no on-the-day reminder

        # the evaluator, who has not rated, is reminded once although both moments passed unsent
        assert await tick(datetime(2031, 4, 15, 12, 0, tzinfo=WIT)) == 1
        assert await reminders(service, evaluator, office, "reminder_rating_due") == [
            "Pengingat: batas pemberian rating hari ini"]

        objection_deadline = datetime(2031, 5, 1, 23, 59, 59, tzinfo=WIT)
        await service.produce("evaluation", (finalised(opened, objection_deadline), employee, office))
        await service.wait_for("SELECT true FROM reminder_schedule WHERE reminder_key = $1",
                               f"objection_window_closing/{opened.appraisal_id}")
        assert await tick(datetime(2031, 4, 29, 8, 0, tzinfo=UTC)) == 1
        assert await tick(datetime(2031, 4, 29, 8, 0, tzinfo=UTC)) == 0
        [title] = await reminders(service, employee, office, "reminder_objection_window_closing")
        assert title == "Pengingat: masa keberatan berakhir 3 hari lagi"
