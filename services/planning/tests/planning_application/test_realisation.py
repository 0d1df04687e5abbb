"""Realisation's use cases: report, comment, return (also by a Plt/Plh), correct, withdraw
(given / when / then, on the in-memory store)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import ActingKind, Evidence, EvidenceKind, Origin
from kinerja_kernel.errors import DomainRuleViolation, Forbidden, InvalidInput, NotFound
from kinerja_kernel.testing.memory_store import InMemoryEventStore
from kinerja_planning.adapters.repository import plan_repository, realisation_repository
from kinerja_planning.application.handlers import PlanningService
from kinerja_planning.application.realisation import RealisationService
from kinerja_planning.domain.commands import ApprovePlan
from kinerja_planning.domain.realisation import NewEntry

from .conftest import (
    EMPLOYEE,
    EVALUATOR,
    PLH,
    TODAY,
    YEAR,
    FixedActing,
    employee,
    employee_plan_submitted,
    evaluator,
    office_roster,
    person,
    types,
)


@pytest.fixture
async def plan_id(planning: PlanningService) -> uuid.UUID:
    """Given: the analyst's SKP, cascaded from the evaluator's and approved."""
    await office_roster(planning)
    submitted = await employee_plan_submitted(planning)
    await planning.approve(ApprovePlan(plan_id=submitted), evaluator())
    return submitted


async def iki_of(planning: PlanningService, plan_id: uuid.UUID) -> uuid.UUID:
    plan, _ = await planning.get(plan_id, employee())
    [rhk] = plan.rhks.values()
    return rhk.ikis[0].iki_id


def realisasi(plan_id: uuid.UUID) -> str:
    return f"realisasi-{plan_id}"


async def reported(planning: PlanningService, realisation: RealisationService, plan_id: uuid.UUID,
                   value: int = 3) -> uuid.UUID:
    """Given: one entry reported; returns its id."""
    entry_id = uuid.uuid4()
    await realisation.report(plan_id, [NewEntry(iki_id=await iki_of(planning, plan_id), value=Decimal(value),
                                                occurred_on=TODAY, description="Menyusun anjab", entry_id=entry_id)],
                             employee(), Origin.MANUAL)
    return entry_id


class TestReportRealisation:
    async def test_the_owner_reports_and_an_entry_reported_twice_counts_once(
            self, planning: PlanningService, realisation: RealisationService, store: InMemoryEventStore,
            plan_id: uuid.UUID) -> None:
        # given
        iki_id = await iki_of(planning, plan_id)
        entry = NewEntry(iki_id=iki_id, value=Decimal(4), occurred_on=TODAY, description="Anjab", entry_id=uuid.uuid4())
        # when
        first = await realisation.report(plan_id, [entry], employee(), Origin.MANUAL)
        again = await realisation.report(plan_id, [entry], employee(), Origin.IMPORT)
        # then
        assert (first, again) == (1, 0)
        [recorded] = [e for e in store.all_events() if e.stream_id == realisasi(plan_id)]
        assert (recorded.event_type, recorded.actor_id, recorded.subject) == (
            "planning.RealisationRecorded", EMPLOYEE, EMPLOYEE)

    async def test_reaching_the_target_is_announced_once(self, planning: PlanningService,
                                                         realisation: RealisationService,
                                                         store: InMemoryEventStore, plan_id: uuid.UUID) -> None:
        # when: 12 documents, the IKI's target
        await reported(planning, realisation, plan_id, value=12)
        await reported(planning, realisation, plan_id, value=1)
        # then
        assert types(store, realisasi(plan_id)) == ["planning.RealisationRecorded", "planning.IkiTargetAchieved",
                                                    "planning.RealisationRecorded"]

    async def test_a_day_not_after_today_on_wib_needs_no_office_zone(
            self, planning: PlanningService, store: InMemoryEventStore, acting: FixedActing, plan_id: uuid.UUID
    ) -> None:
        """Without a fixed day, a date not after today on WIB (the westernmost zone, so the earliest date) is not
        after today in any office: the office's zone is not read. A later date is checked in the office's zone."""
        reads: list[str] = []

        class Connection:
            async def fetch(self, sql: str, *args: object) -> list[object]:
                reads.append(sql)
                return []  # evaluation has named no zone: WIB

        class ReadModels:
            @contextlib.asynccontextmanager
            async def connection(self) -> AsyncIterator[Connection]:
                yield Connection()

        class Service(RealisationService):
            @property
            def db(self) -> Any:
                return ReadModels()

        service = Service(plan_repository(store, projection=None), realisation_repository(store, projection=None),
                          acting=acting)
        today_wib = TimeZone.WIB.local_date(datetime.now(UTC))
        iki_id = await iki_of(planning, plan_id)
        entry = NewEntry(iki_id=iki_id, value=Decimal(1), occurred_on=min(today_wib, date(YEAR, 12, 31)),
                         description="Anjab")
        assert await service.report(plan_id, [entry], employee(), Origin.MANUAL) == 1
        assert reads == []
        later = NewEntry(iki_id=iki_id, value=Decimal(1), occurred_on=today_wib + timedelta(days=1), description="b")
        with pytest.raises(InvalidInput) as refused:
            await service.report(plan_id, [later], employee(), Origin.MANUAL)
        assert refused.value.field == "entries.0.occurred_on" and len(reads) == 1

    async def test_every_bad_entry_is_named_and_nothing_is_recorded(
            self, planning: PlanningService, realisation: RealisationService, store: InMemoryEventStore,
            plan_id: uuid.UUID) -> None:
        iki_id = await iki_of(planning, plan_id)
        entries = [NewEntry(iki_id=iki_id, value=Decimal(1), occurred_on=TODAY + timedelta(days=1), description="a"),
                   NewEntry(iki_id=uuid.uuid4(), value=Decimal(0), occurred_on=TODAY, description="b",
                            evidence=(Evidence(kind=EvidenceKind.LINK, uri="ftp://x"),))]
        with pytest.raises(InvalidInput) as refused:
            await realisation.report(plan_id, entries, employee(), Origin.MANUAL)
        assert refused.value.field == "entries.0.occurred_on"
        assert refused.value.message == ("Tanggal realisasi tidak boleh setelah hari ini (15 Juni 2026, waktu kantor); "
                                         "laporkan kegiatan yang sudah dilakukan")
        assert [(d.field, d.code) for d in refused.value.details] == [
            ("entries.1.iki_id", "planning.realisation.iki-not-on-plan"),
            ("entries.1.value", "planning.realisation.value-not-positive"),
            ("entries.1.evidence.0", "planning.evidence.link-scheme")]
        assert types(store, realisasi(plan_id)) == []

    async def test_a_plan_not_approved_takes_no_realisation(self, planning: PlanningService,
                                                            realisation: RealisationService,
                                                            store: InMemoryEventStore) -> None:
        await office_roster(planning)
        submitted = await employee_plan_submitted(planning)
        with pytest.raises(DomainRuleViolation) as refused:
            await realisation.report(submitted, [NewEntry(iki_id=await iki_of(planning, submitted), value=Decimal(1),
                                                          occurred_on=TODAY, description="x")],
                                     employee(), Origin.MANUAL)
        assert refused.value.code == "planning.realisation.report-not-approved"
        assert types(store, realisasi(submitted)) == []

    async def test_only_the_owner_reports(self, planning: PlanningService, realisation: RealisationService,
                                          plan_id: uuid.UUID) -> None:
        entry = NewEntry(iki_id=await iki_of(planning, plan_id), value=Decimal(1), occurred_on=TODAY, description="x")
        with pytest.raises(Forbidden):
            await realisation.report(plan_id, [entry], evaluator(), Origin.MANUAL)
        with pytest.raises(NotFound):
            await realisation.report(uuid.uuid4(), [entry], employee(), Origin.MANUAL)


class TestConcurrentWriters:
    async def test_an_entry_racing_another_replicas_comment_is_recorded_not_refused(
            self, planning: PlanningService, realisation: RealisationService, store: InMemoryEventStore,
            acting: FixedActing, plan_id: uuid.UUID, monkeypatch: pytest.MonkeyPatch) -> None:
        """A report and a comment state no version the client saw: the one that loses the race on the
        realisation stream is decided again on the new state (the month-end 409s seen under load)."""
        # given: one entry, and another replica about to comment on it
        entry_id = await reported(planning, realisation, plan_id)
        other_replica = RealisationService(plan_repository(store, projection=None),
                                           realisation_repository(store, projection=None), today=TODAY, acting=acting)
        real_append = store.append
        raced: list[str] = []

        async def append_after_the_other_replica(stream_id: str, expected_version: int, events: Any,
                                                 **kw: Any) -> Any:
            if stream_id == realisasi(plan_id) and not raced:  # between this replica's read and its append
                raced.append(stream_id)
                await other_replica.comment(plan_id, entry_id, "Lampirkan notulen", evaluator())
            return await real_append(stream_id, expected_version, events, **kw)

        monkeypatch.setattr(store, "append", append_after_the_other_replica)
        # when
        recorded = await reported(planning, realisation, plan_id, value=2)
        # then: both writes are there, the entry after the comment
        assert raced and recorded
        assert types(store, realisasi(plan_id))[-2:] == ["planning.RealisationCommented",
                                                        "planning.RealisationRecorded"]


class TestCommentOnEntry:
    async def test_the_evaluator_comments(self, planning: PlanningService, realisation: RealisationService,
                                          store: InMemoryEventStore, plan_id: uuid.UUID) -> None:
        # given
        entry_id = await reported(planning, realisation, plan_id)
        # when
        comment_id = await realisation.comment(plan_id, entry_id, "Lampirkan notulen", evaluator())
        # then
        commented = store.all_events()[-1]
        assert (commented.event_type, commented.payload["comment_id"], commented.actor_role) == (
            "planning.RealisationCommented", str(comment_id), "pejabat_penilai")

    async def test_an_entry_of_a_plan_without_realisation_is_not_found(
            self, realisation: RealisationService, plan_id: uuid.UUID) -> None:
        with pytest.raises(NotFound) as missing:
            await realisation.comment(plan_id, uuid.uuid4(), "x", evaluator())
        assert missing.value.message == "Entri realisasi tidak ditemukan"


class TestReturnEntry:
    async def test_the_evaluator_sends_an_entry_back_and_it_stops_counting(
            self, planning: PlanningService, realisation: RealisationService, store: InMemoryEventStore,
            plan_id: uuid.UUID) -> None:
        # given
        entry_id = await reported(planning, realisation, plan_id)
        # when
        await realisation.return_entry(plan_id, entry_id, "Bukti tidak sesuai", evaluator())
        # then
        returned = store.all_events()[-1]
        assert (returned.event_type, returned.payload["evaluator_id"], returned.payload["on_behalf_of"]) == (
            "planning.RealisationReturned", EVALUATOR, None)
        with pytest.raises(DomainRuleViolation) as again:
            await realisation.return_entry(plan_id, entry_id, "lagi", evaluator())
        assert again.value.code == "planning.realisation.entry-not-counted"

    async def test_a_plh_sends_it_back_in_the_evaluators_place(
            self, planning: PlanningService, realisation: RealisationService, acting: FixedActing,
            store: InMemoryEventStore, plan_id: uuid.UUID) -> None:
        # given
        entry_id = await reported(planning, realisation, plan_id)
        acting.appointments.append((PLH, EVALUATOR, ActingKind.PLH))
        # when
        await realisation.return_entry(plan_id, entry_id, "Bukti tidak sesuai", person(PLH))
        # then
        returned = store.all_events()[-1]
        assert (returned.payload["evaluator_id"], returned.payload["on_behalf_of"]) == (PLH, EVALUATOR)

    async def test_anybody_else_is_refused_naming_the_evaluator(
            self, planning: PlanningService, realisation: RealisationService, plan_id: uuid.UUID) -> None:
        entry_id = await reported(planning, realisation, plan_id)
        with pytest.raises(Forbidden) as refused:
            await realisation.return_entry(plan_id, entry_id, "x", person(PLH, Role.PEJABAT_PENILAI))
        assert (refused.value.code, refused.value.field) == ("planning.realisation.return-not-evaluator",
                                                             "evaluator_id")


class TestCorrectEntry:
    async def test_the_owner_corrects_a_returned_entry(self, planning: PlanningService,
                                                       realisation: RealisationService, store: InMemoryEventStore,
                                                       plan_id: uuid.UUID) -> None:
        # given
        entry_id = await reported(planning, realisation, plan_id, value=3)
        await realisation.return_entry(plan_id, entry_id, "Nilai salah", evaluator())
        # when
        await realisation.correct(plan_id, entry_id, employee(), value=Decimal(2), occurred_on=date(2026, 6, 1),
                                  description="Menyusun anjab (2 dokumen)", evidence=())
        # then
        corrected = store.all_events()[-1]
        assert (corrected.event_type, corrected.payload["previous_value"], corrected.payload["value"]) == (
            "planning.RealisationCorrected", "3", "2")

    async def test_a_counted_entry_is_not_corrected(self, planning: PlanningService,
                                                    realisation: RealisationService, plan_id: uuid.UUID) -> None:
        entry_id = await reported(planning, realisation, plan_id)
        with pytest.raises(DomainRuleViolation) as refused:
            await realisation.correct(plan_id, entry_id, employee(), value=Decimal(1), occurred_on=TODAY,
                                      description="x", evidence=())
        assert refused.value.code == "planning.realisation.entry-not-returned"


class TestWithdrawEntry:
    async def test_the_owner_withdraws_once(self, planning: PlanningService, realisation: RealisationService,
                                            store: InMemoryEventStore, plan_id: uuid.UUID) -> None:
        # given
        entry_id = await reported(planning, realisation, plan_id)
        # when
        await realisation.withdraw(plan_id, entry_id, employee(), "Salah IKI")
        # then
        assert store.all_events()[-1].event_type == "planning.RealisationWithdrawn"
        with pytest.raises(DomainRuleViolation) as again:
            await realisation.withdraw(plan_id, entry_id, employee(), None)
        assert again.value.message == "Entri ini sudah ditarik"
