"""HR enters ranks, functional positions and potential (given / when / then, on the in-memory store)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kinerja_career.application.career import CareerService, RankRow
from kinerja_kernel.contracts.career import (
    EmployeeProfile,
    FunctionalLevel,
    FunctionalPosition,
    Potential,
    PotentialAssessment,
    Rank,
)
from kinerja_kernel.contracts.planning import EmployeeRegistered, Employment, PositionType
from kinerja_kernel.errors import Forbidden, InvalidInput
from kinerja_kernel.testing.kafka_helpers import envelope_of
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import EMPLOYEE, HR_ID, OFFICE, hr, stream, types

RANK = Rank(grade="III/b", name="Penata Muda Tingkat I", tmt=date(2022, 4, 1))
OTHER = "199202022016022002"


async def registered_in(career: CareerService, store: InMemoryEventStore, employee_id: str, office_id: str) -> None:
    """Given: planning registered the employee in ``office_id`` (the policy, in its own transaction)."""
    e = EmployeeRegistered(employee_id=employee_id, name="Pegawai", office_id=office_id, unit_id="UNIT-1",
                           position="Analis", position_type=PositionType.JF, employment=Employment.PNS,
                           evaluator_id="198001012005011002", superior_id=None)
    env = envelope_of(e, subject=employee_id, office_id=office_id, source="/kinerja/planning",
                      stream_id=f"pegawai-{employee_id}")
    async with store.transaction() as conn:
        await career.on_employee_registered(conn, env, e)


class TestRecordRank:
    async def test_hr_records_a_rank_on_a_new_career_record(self, career: CareerService,
                                                            store: InMemoryEventStore) -> None:
        # when
        version = await career.record_rank(OFFICE, EMPLOYEE, RANK, "SK kenaikan pangkat", hr())
        # then
        [recorded] = stream(store, f"karier-{EMPLOYEE}")
        assert version == 1
        assert (recorded.event_type, recorded.office_id, recorded.actor_id, recorded.actor_role) == (
            "career.RankRecorded", OFFICE, HR_ID, "pengelola_kepegawaian")

    async def test_the_same_rank_again_records_nothing(self, career: CareerService, store: InMemoryEventStore) -> None:
        # given
        await career.record_rank(OFFICE, EMPLOYEE, RANK, None, hr())
        # when
        version = await career.record_rank(OFFICE, EMPLOYEE, RANK, None, hr())
        # then
        assert version == 1
        assert types(store, f"karier-{EMPLOYEE}") == ["career.RankRecorded"]

    async def test_rejects_a_rank_whose_tmt_is_after_today(self, career: CareerService,
                                                           store: InMemoryEventStore) -> None:
        with pytest.raises(InvalidInput):
            await career.record_rank(OFFICE, EMPLOYEE, RANK.model_copy(update={"tmt": date(2027, 1, 1)}), None, hr())
        assert store.all_events() == []

    async def test_hr_of_another_office_is_refused(self, career: CareerService, store: InMemoryEventStore) -> None:
        with pytest.raises(Forbidden):
            await career.record_rank(OFFICE, EMPLOYEE, RANK, None, hr("KANTOR-LAIN"))
        assert store.all_events() == []

    async def test_an_employee_of_another_office_is_refused(self, career: CareerService,
                                                            store: InMemoryEventStore) -> None:
        # given
        await registered_in(career, store, EMPLOYEE, "KANTOR-LAIN")
        # when / then
        with pytest.raises(Forbidden) as refused:
            await career.record_rank(OFFICE, EMPLOYEE, RANK, None, hr())
        assert refused.value.field == "employee_id"
        assert types(store, f"karier-{EMPLOYEE}") == ["career.EmployeeProfileChanged"]


class TestImportRanks:
    async def test_every_row_is_recorded_and_the_changed_rows_are_counted(self, career: CareerService,
                                                                          store: InMemoryEventStore) -> None:
        # given: the first employee already has the rank
        await career.record_rank(OFFICE, EMPLOYEE, RANK, None, hr())
        # when
        changed = await career.import_ranks(OFFICE, [RankRow(EMPLOYEE, RANK), RankRow(OTHER, RANK)], None, hr())
        # then
        assert changed == 1
        assert types(store, f"karier-{OTHER}") == ["career.RankRecorded"]

    async def test_a_refused_row_saves_none_and_every_refused_row_is_named(self, career: CareerService,
                                                                           store: InMemoryEventStore) -> None:
        future = RANK.model_copy(update={"tmt": date(2027, 1, 1)})
        rows = [RankRow(EMPLOYEE, RANK, line=2), RankRow(OTHER, future, line=3), RankRow("199303032017033003", future,
                                                                                       line=4)]
        with pytest.raises(InvalidInput) as refused:
            await career.import_ranks(OFFICE, rows, None, hr())
        assert refused.value.field == "baris 3.tmt"
        assert [d.field for d in refused.value.details] == ["baris 4.tmt"]
        assert store.all_events() == []  # all or nothing

    async def test_a_refused_row_names_the_person_the_roster_knows(self, career: CareerService,
                                                                  store: InMemoryEventStore) -> None:
        # given: planning registered the first employee (named 'Pegawai'); the second is unknown here
        await registered_in(career, store, EMPLOYEE, OFFICE)
        before = len(store.all_events())
        future = RANK.model_copy(update={"tmt": date(2027, 1, 1)})
        # when
        with pytest.raises(InvalidInput) as refused:
            await career.import_ranks(OFFICE, [RankRow(EMPLOYEE, future, line=2), RankRow(OTHER, future, line=3)],
                                      None, hr())
        # then: the codes and parameters, and the texts people read (Indonesian) and English
        assert (refused.value.code, refused.value.params["name"]) == ("career.import.row-refused-named", "Pegawai")
        assert refused.value.message == f"Baris 2 (Pegawai, {EMPLOYEE}): TMT pangkat 2027-01-01 belum berlaku " \
            "(setelah hari ini)"
        assert refused.value.message_en == f"Baris 2 (Pegawai, {EMPLOYEE}): rank TMT in the future"
        [other] = refused.value.details
        assert (other.code, other.message) == (
            "career.import.row-refused", f"Baris 3 ({OTHER}): TMT pangkat 2027-01-01 belum berlaku (setelah hari ini)")
        assert len(store.all_events()) == before


class TestSetFunctionalPosition:
    async def test_hr_sets_the_position_and_its_coefficient(self, career: CareerService,
                                                            store: InMemoryEventStore) -> None:
        position = FunctionalPosition(level=FunctionalLevel.AHLI_PERTAMA, coefficient=Decimal("12.5"),
                                      effective_year=2023)
        version = await career.set_functional_position(OFFICE, EMPLOYEE, position, None, hr())
        assert version >= 1
        assert "career.FunctionalPositionSet" in types(store, f"karier-{EMPLOYEE}")


class TestAssessPotential:
    async def test_hr_records_an_assessment(self, career: CareerService, store: InMemoryEventStore) -> None:
        assessment = PotentialAssessment(potential=Potential.TINGGI, source="Assessment Center BKN",
                                         assessed_on=date(2026, 6, 1))
        await career.assess_potential(OFFICE, EMPLOYEE, assessment, None, hr())
        assert "career.PotentialAssessed" in types(store, f"karier-{EMPLOYEE}")

    async def test_rejects_an_assessment_dated_after_today(self, career: CareerService,
                                                           store: InMemoryEventStore) -> None:
        later = PotentialAssessment(potential=Potential.TINGGI, source="AC", assessed_on=date(2026, 12, 1))
        with pytest.raises(InvalidInput):
            await career.assess_potential(OFFICE, EMPLOYEE, later, None, hr())
        assert store.all_events() == []


class TestEmployeeRegistered:
    async def test_planning_registering_an_employee_sets_the_profile_once(self, career: CareerService,
                                                                          store: InMemoryEventStore) -> None:
        await registered_in(career, store, EMPLOYEE, OFFICE)
        await registered_in(career, store, EMPLOYEE, OFFICE)  # the same profile again: nothing new
        [changed] = stream(store, f"karier-{EMPLOYEE}")
        assert changed.event_type == "career.EmployeeProfileChanged"
        assert changed.actor_id == "kinerja-career"
        assert EmployeeProfile.model_validate(changed.payload["profile"]).office_id == OFFICE
