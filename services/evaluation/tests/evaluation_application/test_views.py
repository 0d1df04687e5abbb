"""The typed views the queries answer, from an appraisal's state (no read model needed): what JSON an
integrator gets (decimals as strings, missing ratings with codes, the 360 kept back until enough answered)
and what the team board says each appraisal waits on."""

from __future__ import annotations

from typing import Any

from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_evaluation.application.queries import appraisal_view
from kinerja_evaluation.application.views import ViewerActsFor, WaitingOn, waiting_on
from kinerja_evaluation.domain.appraisal import Appraisal, appraisal_id_for
from kinerja_evaluation.domain.peers import summarise
from kinerja_kernel.contracts.evaluation import Rater, RaterRelation, TimeZone
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.testing.memory_store import InMemoryEventStore

from .conftest import EMPLOYEE, EVALUATOR_P, HR_P, OFFICE, PEER, PEER_P, PERIOD, RHK_2, FakeFacts, plan


def view_json(appraisal: Appraisal, *, threshold: int, show_raters: bool) -> dict[str, Any]:
    peer = summarise(appraisal.peer_inputs, assigned=len(appraisal.raters), threshold=threshold,
                     with_comments=False)
    view = appraisal_view(appraisal, peer=peer, show_raters=show_raters, names={EMPLOYEE: "Siti Rahma"}, extra={
        "realisation": [], "feedback": [], "time_zone": TimeZone.WITA,
        "viewer_acts_for": ViewerActsFor(evaluator=False, superior=False), "acting_kinds": {}})
    found: dict[str, Any] = view.model_dump(mode="json")
    return found


class TestAppraisalView:
    async def test_the_json_names_people_keeps_360_back_and_lists_what_is_missing_with_codes(
            self, commands: AppraisalCommands, facts: FakeFacts, store: InMemoryEventStore) -> None:
        facts.plans = [(OFFICE, 2026, plan())]
        facts.relations[EMPLOYEE] = {PEER: frozenset({RaterRelation.PEER})}
        await commands.open_period(OFFICE, PERIOD.key, HR_P)
        appraisal_id = appraisal_id_for(EMPLOYEE, PERIOD.key)
        await commands.assign_raters(appraisal_id, [Rater(rater_id=PEER, relation=RaterRelation.PEER)], None,
                                     EVALUATOR_P)
        await commands.submit_peer_input(appraisal_id, dict.fromkeys(BerAkhlak, 4) | {BerAkhlak.ADAPTIF: 5}, {},
                                         PEER_P)
        appraisal = await EventSourcedRepository(store, Appraisal, prefix="penilaian").load(appraisal_id)
        assert appraisal is not None

        hidden = view_json(appraisal, threshold=3, show_raters=False)
        assert hidden["employee_name"] == "Siti Rahma"
        assert hidden["peer"]["message"] == "Hasil 360 ditampilkan setelah minimal 3 penilai mengisi (1 sudah mengisi)"
        assert (hidden["peer"]["averages"], hidden["peer"]["raters"]) == ({}, [])
        assert hidden["missing"][1] == {"field": f"rhk_ratings.{RHK_2}", "code": "evaluation.rating.rhk-missing",
                                        "message": "RHK 'Laporan bulanan' belum dinilai"}
        assert hidden["missing"][-1]["code"] == "evaluation.rating.behaviour-missing"

        shown = view_json(appraisal, threshold=1, show_raters=True)
        assert shown["peer"]["averages"]["adaptif"] == "5.00"
        assert shown["peer"]["message"] is None
        assert shown["peer"]["raters"] == [{"rater_id": PEER, "name": None, "relation": "peer", "answered": True}]


def row(**changes: Any) -> dict[str, Any]:
    base = {"status": "open", "acknowledged_at": None, "self_assessed": True, "raters": 0, "peer_answered": 0,
            "peer_window_closed": False, "rated_rhks": ["a", "b"], "rhk_count": 2, "rated_values": list(BerAkhlak),
            "results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi"}
    return base | changes


class TestWaitingOn:
    def test_each_state_names_who_the_appraisal_waits_on(self) -> None:
        assert waiting_on(row()) == [WaitingOn.FINALISATION]
        assert waiting_on(row(self_assessed=False, raters=3, peer_answered=1, results_rating=None)) == [
            WaitingOn.SELF_ASSESSMENT, WaitingOn.PEER_INPUT, WaitingOn.RATING]
        assert waiting_on(row(raters=3, peer_answered=1, peer_window_closed=True)) == [WaitingOn.FINALISATION]
        assert waiting_on(row(status="objected")) == [WaitingOn.OBJECTION_DECISION]
        assert waiting_on(row(status="finalised")) == [WaitingOn.ACKNOWLEDGEMENT]
        assert waiting_on(row(status="decided", acknowledged_at="2026-04-20")) == []
