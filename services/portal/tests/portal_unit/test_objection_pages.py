"""The objection and 360 pages' pure parts: the superior's decision form, the objection list's groups, the
rater picker's checkboxes, a rater's saved answer as form values, and the service's errors mapped back
onto the exact field (an incomplete self-assessment names each missing item by its key)."""

from __future__ import annotations

from starlette.datastructures import FormData

from kinerja_portal.clients import ApiError, FieldError, FormErrors
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import field_label, label, translate
from kinerja_portal.pages.appraisal import self_assessment_body
from kinerja_portal.pages.objection import DECISION_FIELDS, decision_body, sort_objections
from kinerja_portal.pages.peer import saved_answer
from kinerja_portal.pages.raters import raters_body, ticked, typed

VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
ATAS, SESUAI = "di_atas_ekspektasi", "sesuai_ekspektasi"


class TestDecisionForm:
    def test_upheld_needs_only_a_reason(self) -> None:
        check = Checker("id")
        body = decision_body(FormData([("decision", "upheld"), ("decision_reason", " Bukti tidak sah ")]), check)
        assert not check.errors
        assert body == {"decision": "upheld", "reason": "Bukti tidak sah"}

    def test_changed_sends_only_the_ratings_chosen(self) -> None:
        check = Checker("id")
        body = decision_body(FormData([("decision", "changed"), ("new_results_rating", ATAS),
                                       ("new_behaviour_rating", ""), ("decision_reason", "Bukti sah")]), check)
        assert not check.errors
        assert body == {"decision": "changed", "reason": "Bukti sah", "results_rating": ATAS}

    def test_no_decision_and_no_reason_are_each_marked(self) -> None:
        check = Checker("id")
        decision_body(FormData([("decision_reason", "")]), check)
        assert check.errors.fields == {"decision": "wajib diisi", "decision_reason": "wajib diisi"}

    def test_changed_without_a_new_rating_is_refused_beside_the_results_rating(self) -> None:
        check = Checker("id")
        decision_body(FormData([("decision", "changed"), ("decision_reason", "Dinilai ulang")]), check)
        assert check.errors.fields == {"new_results_rating": translate("id", "obj.change_needed")}
        assert check.errors.fields["new_results_rating"].startswith("pilih Rating Hasil Kerja")
        check = Checker("id")
        decision_body(FormData([("decision", "changed")]), check)
        assert list(check.errors.fields) == ["new_results_rating", "decision_reason"]  # in the form's order

    def test_a_unit_heads_results_rating_is_never_sent_so_the_behaviour_rating_is_asked_for(self) -> None:
        check = Checker("id")
        body = decision_body(FormData([("decision", "changed"), ("new_results_rating", ATAS),
                                       ("decision_reason", "Dinilai ulang")]), check, unit_head=True)
        assert list(check.errors.fields) == ["new_behaviour_rating"]
        assert "results_rating" not in body

    def test_upheld_with_a_new_rating_is_refused(self) -> None:
        check = Checker("id")
        decision_body(FormData([("decision", "upheld"), ("new_behaviour_rating", ATAS), ("decision_reason", "x")]),
                      check)
        assert check.errors.fields == {"new_behaviour_rating": translate("id", "obj.upheld_no_ratings")}

    def test_an_unknown_decision_or_rating_is_refused(self) -> None:
        check = Checker("id")
        decision_body(FormData([("decision", "ditolak"), ("new_results_rating", "luar_biasa"),
                                ("decision_reason", "x")]), check)
        assert check.errors.fields == {"decision": "pilihan tidak dikenal", "new_results_rating": "pilihan tidak dikenal"}

    def test_the_services_refusal_lands_on_the_forms_fields(self) -> None:
        error = ApiError("evaluation", 422, "Keputusan 'diubah' harus mengubah rating hasil kerja atau perilaku kerja",
                         [FieldError("results_rating", "Keputusan 'diubah' harus mengubah rating")])
        assert FormErrors.from_api(error, DECISION_FIELDS).fields == {
            "new_results_rating": "Keputusan 'diubah' harus mengubah rating"}
        assert FormErrors.from_api(ApiError("evaluation", 422, "x", [FieldError("reason", "terlalu pendek")]),
                                   DECISION_FIELDS).fields == {"decision_reason": "terlalu pendek"}

    def test_labels_for_the_error_summary_and_the_outcome(self) -> None:
        assert field_label("id", "decision_reason") == "Alasan keputusan"
        assert field_label("en", "new_behaviour_rating") == "New behaviour rating"
        assert label("id", "objection_decision", "changed") == "Diubah — rating dikoreksi"
        assert label("id", "objection_state", "filed") == "Menunggu keputusan"


class TestObjectionList:
    def test_pending_ones_i_decide_pending_ones_i_rated_and_decided_ones(self) -> None:
        rows = [{"appraisal_id": "a", "objection_status": "filed", "superior_id": "S", "evaluator_id": "E"},
                {"appraisal_id": "b", "objection_status": "filed", "superior_id": "X", "evaluator_id": "S"},
                {"appraisal_id": "c", "objection_status": "changed", "superior_id": "S", "evaluator_id": "E"}]
        groups = sort_objections(rows, "S")
        assert {k: [r["appraisal_id"] for r in v] for k, v in groups.items()} == {
            "mine": ["a"], "evaluated": ["b"], "decided": ["c"]}


CANDIDATES = {"199001012015011011": "peer", "199101012016012012": "subordinate"}


class TestRaterPicker:

    def test_ticked_candidates_join_the_typed_rows_with_their_roster_relation(self) -> None:
        form = FormData([("rater_0_nip", "199202022016022002"), ("rater_0_relation", "peer"), ("rater_1_nip", ""),
                         ("candidate", "199101012016012012"), ("candidate", "199001012015011011"),
                         ("candidate", "199101012016012012")])
        check = Checker("id")
        body, mapping = raters_body(form, check, "WITA", CANDIDATES)
        assert not check.errors
        assert body["raters"] == [{"rater_id": "199202022016022002", "relation": "peer"},
                                  {"rater_id": "199101012016012012", "relation": "subordinate"},
                                  {"rater_id": "199001012015011011", "relation": "peer"}]
        assert mapping["raters.0.rater_id"] == "rater_0_nip"
        assert mapping["raters.1"] == mapping["raters.2"] == "candidates"

    def test_a_ticked_nip_outside_the_roster_list_is_refused(self) -> None:
        check = Checker("id")
        body, _ = raters_body(FormData([("candidate", "199909092020091009")]), check, None, CANDIDATES)
        assert check.errors.fields == {"candidates": "pilihan tidak dikenal"}
        assert body["raters"] == []

    def test_what_was_ticked_is_kept_for_the_re_rendered_form(self) -> None:
        form = FormData([("candidate", " 199001012015011011 "), ("candidate", ""), ("window_closes_on", "2031-01-31")])
        assert ticked(form) == ["199001012015011011"]
        assert typed(form)["candidate_199001012015011011"] == "on"
        assert typed(form)["window_closes_on"] == "2031-01-31"


class TestServiceFieldsOnTheRightControl:
    def test_a_360_answer_saved_before_fills_the_form(self) -> None:
        found = {"scores": {"akuntabel": 4, "kolaboratif": 2}, "comments": {"harmonis": "Ramah"}}
        assert saved_answer(found) == {"score_akuntabel": "4", "score_kolaboratif": "2", "comment_harmonis": "Ramah"}
        assert saved_answer({"scores": None, "comments": None}) == {}

    def test_each_missing_self_assessment_item_named_by_its_key_marks_its_radio_group(self) -> None:
        form = FormData([("self_rhk_r1", SESUAI)] + [(f"self_value_{v}", SESUAI) for v in VALUES])
        _, mapping = self_assessment_body(form, ["r1", "r2"], Checker("id"))
        error = ApiError("evaluation", 422, "RHK 'Laporan' belum dinilai", [
            FieldError("rhk_ratings.r2", "RHK 'Laporan' belum dinilai"),
            FieldError("value_ratings.harmonis", "Perilaku 'harmonis' belum dinilai")])
        assert FormErrors.from_api(error, mapping).fields == {
            "self_rhk_r2": "RHK 'Laporan' belum dinilai", "self_value_harmonis": "Perilaku 'harmonis' belum dinilai"}
