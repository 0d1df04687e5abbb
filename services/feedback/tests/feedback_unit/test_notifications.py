"""Which planning event tells whom what, and the notification aggregate's rules."""

import uuid

import pytest

from kinerja_feedback.domain.notifications import (
    Notification,
    Settled,
    named,
    notification_id_for,
    plan_approved,
    plan_awaiting_approval,
    plan_returned,
    settled_by,
)
from kinerja_kernel.contracts.feedback import NotificationIssued, NotificationRead
from kinerja_kernel.contracts.planning import PlanApproved, PlanReturned, PlanSubmitted
from kinerja_kernel.errors import Forbidden

EMPLOYEE, EVALUATOR = "199001012015011001", "198001012005011002"
PLAN = uuid.uuid4()


class TestWhoIsTold:
    def test_a_submitted_plan_goes_to_the_evaluators_inbox(self) -> None:
        draft = plan_awaiting_approval(PlanSubmitted(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1",
                                                     period_year=2026, evaluator_id=EVALUATOR))
        assert (draft.recipient_id, draft.kind) == (EVALUATOR, "plan_awaiting_approval")
        assert "menunggu persetujuan" in draft.title and EMPLOYEE in draft.body

    def test_an_approved_plan_goes_to_the_employees_inbox(self) -> None:
        draft = plan_approved(PlanApproved(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                           evaluator_id=EVALUATOR, approved_by=EVALUATOR))
        assert (draft.recipient_id, draft.kind) == (EMPLOYEE, "plan_approved")
        assert "disetujui" in draft.title


    def test_a_returned_plan_tells_the_employee_the_comments(self) -> None:
        draft = plan_returned(PlanReturned(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                           evaluator_id=EVALUATOR, comments="Target terlalu rendah"))
        assert (draft.recipient_id, draft.kind) == (EMPLOYEE, "plan_returned")
        assert "Target terlalu rendah" in draft.body


class TestNotification:
    def issued(self) -> Notification:
        draft = plan_approved(PlanApproved(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                           evaluator_id=EVALUATOR, approved_by=EVALUATOR))
        return Notification.issue(draft, source_event_id=uuid.UUID(int=7), source_event_type="planning.PlanApproved")

    def test_the_same_source_event_always_gives_the_same_notification_id(self) -> None:
        first, second = self.issued(), self.issued()
        assert first.notification_id == second.notification_id == notification_id_for(
            uuid.UUID(int=7), "plan_approved", EMPLOYEE)
        assert isinstance(first.pending[0], NotificationIssued)

    def test_only_the_recipient_marks_it_read_and_reading_it_again_records_nothing(self) -> None:
        n = self.issued()
        with pytest.raises(Forbidden):
            n.mark_read(actor_id=EVALUATOR)
        n.mark_read(actor_id=EMPLOYEE)
        assert isinstance(n.pending[-1], NotificationRead)
        recorded = len(n.pending)
        n.mark_read(actor_id=EMPLOYEE)
        assert len(n.pending) == recorded


class TestNamesNotNips:
    def test_the_evaluator_reads_the_employees_name_not_her_nip(self) -> None:
        draft = plan_awaiting_approval(PlanSubmitted(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1",
                                                     period_year=2026, evaluator_id=EVALUATOR),
                                       {EMPLOYEE: "Dewi Lestari"})
        assert draft.body.startswith("Dewi Lestari mengajukan SKP periode 2026") and EMPLOYEE not in draft.body

    def test_someone_missing_from_the_roster_copy_is_shown_by_nip_named_as_such(self) -> None:
        assert named({}, EMPLOYEE) == f"NIP {EMPLOYEE}"
        assert named({EMPLOYEE: "Dewi"}, EMPLOYEE) == "Dewi" and named({}, None) == "—"


class TestSettledByActing:
    def test_approving_or_returning_settles_the_evaluators_approval_request(self) -> None:
        approved = PlanApproved(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                evaluator_id=EVALUATOR, approved_by=EVALUATOR)
        returned = PlanReturned(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                evaluator_id=EVALUATOR, comments="x")
        request = Settled(EVALUATOR, ("plan_awaiting_approval",), f"/skp/{PLAN}")
        assert settled_by(approved)[0] == request and settled_by(returned) == [request]
        assert Settled(EMPLOYEE, ("plan_due",), "/skp") in settled_by(approved)

    def test_submitting_again_settles_the_returned_notice(self) -> None:
        submitted = PlanSubmitted(plan_id=PLAN, employee_id=EMPLOYEE, office_id="K1", period_year=2026,
                                  evaluator_id=EVALUATOR)
        assert settled_by(submitted) == [Settled(EMPLOYEE, ("plan_returned",), f"/skp/{PLAN}")]

    def test_an_event_that_asks_nothing_settles_nothing(self) -> None:
        assert settled_by(object()) == []
