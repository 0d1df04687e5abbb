"""Continuous feedback and the office's feedback settings."""

from __future__ import annotations

import uuid

import pytest

from kinerja_feedback.application.feedback import FeedbackService, GiveFeedback
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.feedback import FeedbackKind, FeedbackOfficeSettings
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import (
    EMPLOYEE,
    EVALUATOR,
    OFFICE,
    PEER,
    FakeDirectory,
    FakeNotifier,
    evaluator,
    hr,
    person,
    stream,
    types,
)

PRAISE = GiveFeedback(employee_id=EMPLOYEE, kind=FeedbackKind.APRESIASI, text="Pelayanan sangat baik",
                      value=BerAkhlak.BERORIENTASI_PELAYANAN)


class TestGiveFeedback:
    async def test_the_evaluator_gives_feedback_dated_in_the_offices_zone_and_the_employee_is_told(
            self, feedback: FeedbackService, store: InMemoryEventStore, notifier: FakeNotifier) -> None:
        # when
        feedback_id, version = await feedback.give(PRAISE, evaluator())
        # then
        [event] = stream(store, f"umpan-balik-{feedback_id}")
        assert (version, event.payload["relation"], event.payload["given_on"]) == (1, "evaluator", "2026-11-23")
        assert event.actor.role == "pejabat_penilai"
        [(draft, source, _)] = notifier.issued
        assert (draft.recipient_id, draft.kind, source) == (EMPLOYEE, "feedback_received", event.event_id)
        assert "Budi Santoso" in draft.body and "Berorientasi Pelayanan" in draft.body

    async def test_a_peer_is_refused_unless_the_office_allows_peer_feedback(
            self, feedback: FeedbackService, directory: FakeDirectory, store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden) as refused:
            await feedback.give(PRAISE, person(PEER))
        assert refused.value.code == "feedback.reach.peers-not-allowed"
        assert store.all_events() == []
        # given the office allows it
        directory.settings[OFFICE] = FeedbackOfficeSettings(peer_feedback_allowed=True, dialogues_per_period=1)
        feedback_id, _ = await feedback.give(PRAISE, person(PEER))
        assert stream(store, f"umpan-balik-{feedback_id}")[0].payload["relation"] == "peer"

    async def test_feedback_links_exactly_one_rhk_or_value(self, feedback: FeedbackService,
                                                           store: InMemoryEventStore) -> None:
        both = GiveFeedback(employee_id=EMPLOYEE, kind=FeedbackKind.KONSTRUKTIF, text="x", rhk_id=uuid.uuid4(),
                            value=BerAkhlak.AKUNTABEL)
        with pytest.raises(InvalidInput) as refused:
            await feedback.give(both, evaluator())
        assert (refused.value.code, refused.value.field) == ("feedback.feedback.link-exactly-one", "rhk_id")
        assert store.all_events() == []

    async def test_nobody_gives_feedback_to_themselves(self, feedback: FeedbackService) -> None:
        with pytest.raises(Forbidden) as refused:
            await feedback.give(PRAISE, person(EMPLOYEE))
        assert refused.value.message == "Anda tidak dapat memberi umpan balik kepada diri sendiri"
        assert refused.value.message_en == "feedback to oneself"


class TestRespondToFeedback:
    async def test_the_employee_responds_the_author_is_told_and_the_received_notice_settled(
            self, feedback: FeedbackService, store: InMemoryEventStore, notifier: FakeNotifier) -> None:
        feedback_id, _ = await feedback.give(PRAISE, evaluator())
        # when
        version = await feedback.respond(feedback_id, "Terima kasih", person(EMPLOYEE))
        # then
        responded = stream(store, f"umpan-balik-{feedback_id}")[-1]
        assert (version, responded.event_type, responded.actor.role) == (2, "feedback.FeedbackResponded", "pegawai")
        draft, source, _ = notifier.issued[-1]
        assert (draft.recipient_id, draft.kind, source) == (EVALUATOR, "feedback_responded", responded.event_id)
        assert "Siti Rahma menanggapi" in draft.body
        [(settled, actor)] = notifier.settled
        assert (settled.kinds, settled.link, actor.id) == (("feedback_received",), f"/umpan-balik/{feedback_id}",
                                                          EMPLOYEE)

    async def test_only_the_employee_who_received_it_responds(self, feedback: FeedbackService,
                                                              store: InMemoryEventStore) -> None:
        feedback_id, _ = await feedback.give(PRAISE, evaluator())
        with pytest.raises(Forbidden) as refused:
            await feedback.respond(feedback_id, "Saya jawab", evaluator())
        assert (refused.value.code, refused.value.field) == ("feedback.feedback.recipient-responds", "feedback_id")
        assert len(stream(store, f"umpan-balik-{feedback_id}")) == 1

    async def test_the_same_response_again_is_refused(self, feedback: FeedbackService) -> None:
        feedback_id, _ = await feedback.give(PRAISE, evaluator())
        await feedback.respond(feedback_id, "Terima kasih", person(EMPLOYEE))
        with pytest.raises(DomainRuleViolation) as refused:
            await feedback.respond(feedback_id, " Terima kasih ", person(EMPLOYEE))
        assert refused.value.code == "feedback.feedback.response-unchanged"

    async def test_unknown_feedback_is_not_found(self, feedback: FeedbackService) -> None:
        with pytest.raises(NotFound) as refused:
            await feedback.respond(uuid.uuid4(), "Terima kasih", person(EMPLOYEE))
        assert refused.value.message == "Umpan balik tidak ditemukan"


class TestChangeFeedbackSettings:
    async def test_hr_changes_the_settings_and_the_same_again_records_nothing(self, feedback: FeedbackService,
                                                                              store: InMemoryEventStore) -> None:
        settings = FeedbackOfficeSettings(peer_feedback_allowed=True, dialogues_per_period=2)
        assert await feedback.change_settings(OFFICE, settings, "Kebijakan baru", hr()) == 1
        assert await feedback.change_settings(OFFICE, settings, "Lagi", hr()) == 1
        assert types(store, f"pengaturan-umpan-balik-{OFFICE}") == ["feedback.FeedbackSettingsChanged"]

    async def test_only_hr_of_the_office(self, feedback: FeedbackService, store: InMemoryEventStore) -> None:
        settings = FeedbackOfficeSettings(peer_feedback_allowed=True, dialogues_per_period=2)
        with pytest.raises(Forbidden):
            await feedback.change_settings(OFFICE, settings, "x", person(EVALUATOR, Role.PEJABAT_PENILAI))
        with pytest.raises(Forbidden):
            await feedback.change_settings(OFFICE, settings, "x", hr("KANTOR-LAIN"))
        assert store.all_events() == []
