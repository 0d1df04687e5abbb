"""Pure rules of the feedback service: reach, feedback, dialogues, clarification, reminders, webhooks,
and who is told what by each evaluation event."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from kinerja_feedback.domain import notifications as tell
from kinerja_feedback.domain.clarification import Clarification
from kinerja_feedback.domain.dialogue import Dialogue, DialogueStatus, missing_dialogues, require_not_past
from kinerja_feedback.domain.feedback import Feedback
from kinerja_feedback.domain.reach import Person, feedback_relation, require_subordinate
from kinerja_feedback.domain.reminders import due_offsets, plan_due_deadline, reminder_text, send_instant
from kinerja_feedback.domain.webhooks import after_failure, backoff, check_url, sign, verify
from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.feedback import AgreedAction, AuthorRelation, ClarificationTopic, FeedbackKind
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput

BOSS, STAFF, PEER, OTHER = "198001012005011002", "199001012015011001", "199202022016022002", "197001012000011003"
WIB, WIT = ev.TimeZone.WIB, ev.TimeZone.WIT


def person(nip: str, evaluator: str | None, office: str = "K1") -> Person:
    return Person(employee_id=nip, office_id=office, unit_id="U", evaluator_id=evaluator, superior_id=None)


class TestReach:
    def test_the_evaluator_reaches_their_subordinates(self) -> None:
        assert feedback_relation(BOSS, person(BOSS, OTHER), person(STAFF, BOSS),
                                 peer_feedback_allowed=False) is AuthorRelation.EVALUATOR

    def test_a_peer_needs_the_office_setting(self) -> None:
        with pytest.raises(Forbidden) as e:
            feedback_relation(PEER, person(PEER, BOSS), person(STAFF, BOSS), peer_feedback_allowed=False)
        assert "tidak mengizinkan" in e.value.message
        assert feedback_relation(PEER, person(PEER, BOSS), person(STAFF, BOSS),
                                 peer_feedback_allowed=True) is AuthorRelation.PEER

    def test_anyone_else_and_oneself_are_outside_the_reach(self) -> None:
        with pytest.raises(Forbidden) as e:
            feedback_relation(OTHER, person(OTHER, None), person(STAFF, BOSS), peer_feedback_allowed=True)
        assert e.value.field == "employee_id"
        with pytest.raises(Forbidden) as self_:
            feedback_relation(STAFF, person(STAFF, BOSS), person(STAFF, BOSS), peer_feedback_allowed=True)
        assert "diri sendiri" in self_.value.message
        with pytest.raises(Forbidden):
            feedback_relation(PEER, person(PEER, BOSS, office="K2"), person(STAFF, BOSS), peer_feedback_allowed=True)

    def test_a_dialogue_is_only_for_ones_own_subordinate(self) -> None:
        require_subordinate(BOSS, person(STAFF, BOSS))
        with pytest.raises(Forbidden):
            require_subordinate(PEER, person(STAFF, BOSS))


def given(**overrides: object) -> Feedback:
    args: dict[str, object] = {"feedback_id": uuid.uuid4(), "employee_id": STAFF, "office_id": "K1", "author_id": BOSS,
                                   "relation": AuthorRelation.EVALUATOR, "kind": FeedbackKind.APRESIASI, "rhk_id": uuid.uuid4(),
                                   "iki_id": None, "value": None, "text": "Bagus", "evidence": (), "given_on": date(2031, 3, 1)}
    args.update(overrides)
    return Feedback.give(**args)  # type: ignore[arg-type]


class TestFeedback:
    def test_links_exactly_one_rhk_or_value(self) -> None:
        with pytest.raises(InvalidInput) as e:
            given(value=BerAkhlak.KOLABORATIF)
        assert e.value.field == "rhk_id"
        with pytest.raises(InvalidInput):
            given(rhk_id=None)
        with pytest.raises(InvalidInput) as e:
            given(rhk_id=None, value=BerAkhlak.HARMONIS, iki_id=uuid.uuid4())
        assert e.value.field == "iki_id"

    def test_only_the_employee_responds_and_a_revision_keeps_the_previous_text(self) -> None:
        f = given()
        with pytest.raises(Forbidden):
            f.respond(actor_id=BOSS, response="x")
        f.respond(actor_id=STAFF, response="Terima kasih")
        f.respond(actor_id=STAFF, response="Terima kasih banyak")
        assert f.pending[-1].previous == "Terima kasih"  # type: ignore[attr-defined]
        with pytest.raises(DomainRuleViolation):
            f.respond(actor_id=STAFF, response="Terima kasih banyak")


def scheduled() -> Dialogue:
    return Dialogue.schedule(dialogue_id=uuid.uuid4(), employee_id=STAFF, evaluator_id=BOSS, office_id="K1",
                             period_key="2031-Q1", scheduled_at=datetime(2031, 2, 10, 2, tzinfo=UTC), agenda=None)


def action(owner: str = STAFF) -> AgreedAction:
    return AgreedAction(action_id=uuid.uuid4(), description="Pelatihan", owner_id=owner)


class TestDialogue:
    def test_notes_then_response_then_both_acknowledge(self) -> None:
        d = scheduled()
        with pytest.raises(DomainRuleViolation):
            d.acknowledge(actor_id=STAFF)
        with pytest.raises(Forbidden):
            d.record_notes(actor_id=STAFF, notes="x", actions=())
        d.record_notes(actor_id=BOSS, notes="Capaian baik", actions=(action(),))
        assert d.status is DialogueStatus.HELD
        d.respond(actor_id=STAFF, response="Setuju")
        d.acknowledge(actor_id=STAFF)
        with pytest.raises(DomainRuleViolation):
            d.acknowledge(actor_id=STAFF)
        with pytest.raises(DomainRuleViolation) as e:
            d.record_notes(actor_id=BOSS, notes="ubah", actions=())
        assert "dikonfirmasi" in e.value.message
        d.acknowledge(actor_id=BOSS)
        assert d.status is DialogueStatus.ACKNOWLEDGED
        with pytest.raises(Forbidden):
            d.acknowledge(actor_id=OTHER)

    def test_actions_have_a_party_as_owner_and_are_done_once_by_owner_or_evaluator(self) -> None:
        d = scheduled()
        with pytest.raises(InvalidInput) as e:
            d.record_notes(actor_id=BOSS, notes="x", actions=(action(OTHER),))
        assert e.value.field == "actions.0.owner_id"
        mine, boss = action(STAFF), action(BOSS)
        d.record_notes(actor_id=BOSS, notes="x", actions=(mine, boss))
        with pytest.raises(Forbidden):
            d.complete_action(actor_id=STAFF, action_id=boss.action_id, note=None)
        d.complete_action(actor_id=BOSS, action_id=mine.action_id, note=None)  # the evaluator may close it too
        with pytest.raises(DomainRuleViolation):
            d.complete_action(actor_id=STAFF, action_id=mine.action_id, note=None)

    def test_a_held_dialogue_cannot_be_rescheduled(self) -> None:
        d = scheduled()
        d.reschedule(actor_id=BOSS, scheduled_at=datetime(2031, 2, 11, tzinfo=UTC), reason="rapat")
        d.record_notes(actor_id=BOSS, notes="x", actions=())
        with pytest.raises(DomainRuleViolation):
            d.reschedule(actor_id=BOSS, scheduled_at=datetime(2031, 2, 12, tzinfo=UTC), reason="x")

    def test_missing_dialogues_are_those_under_the_required_count(self) -> None:
        assert missing_dialogues({STAFF: 1, PEER: 0}, [STAFF, PEER, OTHER], 1) == [(PEER, 0), (OTHER, 0)]
        assert missing_dialogues({STAFF: 1}, [STAFF], 2) == [(STAFF, 1)]
        assert missing_dialogues({}, [STAFF], 0) == []


class TestClarification:
    def request(self, final: bool = False, **topic: object) -> Clarification:
        return Clarification.request(clarification_id=uuid.uuid4(), appraisal_id=uuid.uuid4(), employee_id=STAFF,
                                     evaluator_id=BOSS, office_id="K1", period_key="2031-Q1",
                                     topic=ClarificationTopic(**topic), question="Mengapa?",  # type: ignore[arg-type]
                                     appraisal_final=final)

    def test_names_exactly_one_rating_point_and_only_before_the_result_is_final(self) -> None:
        with pytest.raises(InvalidInput):
            self.request()
        with pytest.raises(InvalidInput):
            self.request(rhk_id=uuid.uuid4(), value=BerAkhlak.AKUNTABEL)
        with pytest.raises(DomainRuleViolation) as e:
            self.request(final=True, aspect="hasil_kerja")
        assert "keberatan" in e.value.message

    def test_the_thread_alternates_and_closes_at_finalisation(self) -> None:
        c = self.request(value=BerAkhlak.AKUNTABEL)
        assert not c.answered
        c.reply(actor_id=BOSS, text="Karena ...", appraisal_final=False)
        assert c.answered
        with pytest.raises(Forbidden):
            c.reply(actor_id=OTHER, text="x", appraisal_final=False)
        with pytest.raises(DomainRuleViolation):
            c.reply(actor_id=STAFF, text="x", appraisal_final=True)


class TestReminders:
    def test_sent_at_eight_office_time_three_days_ahead_and_on_the_day(self) -> None:
        deadline = WIT.end_of_day(date(2031, 1, 31))
        assert send_instant(deadline, 3, WIT) == datetime(2031, 1, 28, 8, 0, tzinfo=WIT.tzinfo)
        assert send_instant(deadline, 0, WIT) == datetime(2031, 1, 31, 8, 0, tzinfo=WIT.tzinfo)
        early = datetime(2031, 1, 31, 6, 0, tzinfo=WIT.tzinfo)  # a deadline before 08.00: sent at the deadline
        assert send_instant(early, 0, WIT) == early

    def test_due_offsets_latest_first_and_none_after_the_deadline(self) -> None:
        deadline = WIB.end_of_day(date(2031, 4, 5))
        at = datetime(2031, 4, 2, 8, 0, tzinfo=WIB.tzinfo)
        assert due_offsets(deadline, (3, 0), WIB, at - timedelta(seconds=1)) == []
        assert due_offsets(deadline, (3, 0), WIB, at) == [3]
        assert due_offsets(deadline, (3, 0), WIB, datetime(2031, 4, 5, 9, tzinfo=WIB.tzinfo)) == [0, 3]
        assert due_offsets(deadline, (3, 0), WIB, deadline) == []

    def test_plan_due_is_the_end_of_the_offices_day_of_year(self) -> None:
        assert plan_due_deadline(2031, 31, WIB) == datetime(2031, 1, 31, 23, 59, 59, tzinfo=WIB.tzinfo)
        assert plan_due_deadline(2031, 366, WIB).date() == date(2031, 12, 31)

    def test_texts_are_indonesian_with_the_deadline_in_the_offices_zone(self) -> None:
        text = reminder_text("objection_window_closing", deadline=datetime(2031, 5, 1, 15, tzinfo=UTC),
                             offset_days=1, zone=WIT, reference="abc")
        assert text.title == "Pengingat: masa keberatan berakhir besok"
        assert "2 Mei 2031 pukul 00.00 WIT" in text.body and text.link == "/penilaian/abc/keberatan"
        with pytest.raises(ValueError, match="unknown"):
            reminder_text("lain", deadline=datetime(2031, 5, 1, tzinfo=UTC), offset_days=0, zone=WIB, reference="")


class TestWebhooks:
    def test_the_signature_is_hmac_sha256_over_timestamp_dot_body(self) -> None:
        import hashlib
        import hmac

        header = sign("rahasia", b'{"a":1}', 1_900_000_000)
        expected = hmac.new(b"rahasia", b'1900000000.{"a":1}', hashlib.sha256).hexdigest()
        assert header == f"t=1900000000,v1={expected}"
        assert verify("rahasia", b'{"a":1}', header, now=1_900_000_100)
        assert not verify("rahasia", b'{"a":2}', header, now=1_900_000_100)
        assert not verify("rahasia", b'{"a":1}', header, now=1_900_001_000)  # stale: replay refused
        assert not verify("rahasia", b'{"a":1}', "v1=abc", now=1_900_000_000)

    @pytest.mark.parametrize("url", ["ftp://x.example/h", "x.example/h", "http://", "mailto:a@b.c"])
    def test_only_http_urls_with_a_host(self, url: str) -> None:
        with pytest.raises(InvalidInput) as e:
            check_url(url)
        assert e.value.field == "url"
        assert check_url("https://gateway.example/hook?x=1") == "https://gateway.example/hook?x=1"

    def test_exponential_backoff_with_a_cap_then_parked(self) -> None:
        assert [backoff(n, base=5, cap=60).total_seconds() for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 60]
        now = datetime(2031, 1, 1, tzinfo=UTC)
        assert after_failure(2, now, max_attempts=3, base=5, cap=60) == ("pending", now + timedelta(seconds=10))
        assert after_failure(3, now, max_attempts=3, base=5, cap=60) == ("parked", None)


class TestEvaluationNotifications:
    def opened(self) -> ev.AppraisalOpened:
        return ev.AppraisalOpened(
            appraisal_id=uuid.uuid4(), employee_id=STAFF, office_id="K1", unit_id="U",
            period=ev.EvaluationPeriod.parse("2031-Q2"), plan_id=uuid.uuid4(), evaluator_id=BOSS, superior_id=OTHER,
            position_type=PositionType.JA, employment=Employment.PNS, unit_head=False, rhks=(),
            self_assessment_due=datetime(2031, 7, 5, 16, 59, 59, tzinfo=UTC),
            rating_due=datetime(2031, 7, 15, 16, 59, 59, tzinfo=UTC))

    def test_an_opened_appraisal_asks_the_employee_for_the_self_assessment_by_the_local_deadline(self) -> None:
        [draft] = tell.self_assessment_due(self.opened(), WIB)
        assert (draft.recipient_id, draft.kind, draft.recipient_role) == (STAFF, "self_assessment_due", "pegawai")
        assert "5 Juli 2031 pukul 23.59 WIB" in draft.body

    def test_an_objection_goes_to_the_superior_and_the_evaluator_once_each(self) -> None:
        e = ev.ObjectionFiled(appraisal_id=uuid.uuid4(), objection_id=uuid.uuid4(), employee_id=STAFF, office_id="K1",
                              evaluator_id=BOSS, superior_id=OTHER, reasons="x",
                              deadline=datetime(2031, 8, 1, tzinfo=UTC))
        assert [(d.recipient_id, d.recipient_role) for d in tell.objection_filed(e, WIB)] == [
            (OTHER, "atasan_penilai"), (BOSS, "pejabat_penilai")]
        same = e.model_copy(update={"superior_id": BOSS})
        assert len(tell.objection_filed(same, WIB)) == 1

    def test_raters_never_rate_themselves(self) -> None:
        e = ev.RatersAssigned(appraisal_id=uuid.uuid4(), employee_id=STAFF, office_id="K1",
                              raters=(ev.Rater(rater_id=STAFF, relation=ev.RaterRelation.PEER),
                                      ev.Rater(rater_id=PEER, relation=ev.RaterRelation.SUBORDINATE)),
                              previous=(), window_closes_at=datetime(2031, 7, 1, tzinfo=UTC), assigned_by=OTHER)
        [draft] = tell.peer_review_requested(e, WIB)
        assert draft.recipient_id == PEER and "bawahan" in draft.body


class TestDialogueDates:
    def test_no_action_falls_due_before_the_dialogue_day(self) -> None:
        d = scheduled()
        late = AgreedAction(action_id=uuid.uuid4(), description="Pelatihan", owner_id=STAFF, due_on=date(2031, 2, 9))
        with pytest.raises(InvalidInput) as e:
            d.record_notes(actor_id=BOSS, notes="x", actions=(action(), late), held_on=date(2031, 2, 10))
        assert e.value.field == "actions.1.due_on" and "10 Februari 2031" in e.value.message
        on_the_day = late.model_copy(update={"due_on": date(2031, 2, 10)})
        d.record_notes(actor_id=BOSS, notes="x", actions=(on_the_day,), held_on=date(2031, 2, 10))

    def test_a_dialogue_is_scheduled_for_today_or_later_in_the_offices_zone(self) -> None:
        now = datetime(2031, 3, 1, 1, tzinfo=UTC)  # 08:00 WIB, 10:00 WIT
        require_not_past(datetime(2031, 3, 1, 0, 30, tzinfo=UTC), now, TimeZone.WIB)  # earlier today
        with pytest.raises(InvalidInput) as e:
            require_not_past(datetime(2031, 2, 28, 16, 59, tzinfo=UTC), now, TimeZone.WIB)  # 23:59 WIB yesterday
        assert e.value.field == "scheduled_at"
        require_not_past(datetime(2031, 2, 28, 15, 30, tzinfo=UTC), now, TimeZone.WIT)  # 00:30 WIT today
