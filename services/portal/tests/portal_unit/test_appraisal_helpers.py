"""The appraisal pages' pure parts: deadlines in the office's zone, rating field labels, the self-assessment body."""

from __future__ import annotations

from starlette.datastructures import FormData

from kinerja_portal.forms import Checker
from kinerja_portal.i18n import appraisal_field_label
from kinerja_portal.pages.appraisal import self_assessment_body
from kinerja_portal.pages.career import nine_box
from kinerja_portal.pages.evaluator import rater_rows
from kinerja_portal.pages.peer import peer_input_body
from kinerja_portal.pages.raters import raters_body
from kinerja_portal.web import show_local_time

VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]


class TestDeadlines:
    def test_a_utc_instant_is_shown_in_the_offices_zone_and_named(self) -> None:
        assert show_local_time("2031-01-31T15:59:59Z", "WITA") == "31 Januari 2031 23.59 WITA"
        assert show_local_time("2031-01-31T15:59:59+00:00", "WIT") == "1 Februari 2031 00.59 WIT"

    def test_without_a_zone_the_services_indonesian_offset_is_kept_else_wib(self) -> None:
        assert show_local_time("2031-01-31T23:59:59+08:00") == "31 Januari 2031 23.59 WITA"
        assert show_local_time("2031-01-31T15:59:59+00:00") == "31 Januari 2031 22.59 WIB"
        assert show_local_time("2031-01-31T15:59:59+00:00", "Mars") == "31 Januari 2031 22.59 WIB"

    def test_nothing_or_garbage(self) -> None:
        assert show_local_time(None) == "—"
        assert show_local_time("besok") == "besok"


class TestRatingLabels:
    def test_rhk_and_value_fields_are_named_after_what_they_rate(self) -> None:
        titles = {"r1": "Terlayaninya pengaduan"}
        assert appraisal_field_label("id", "self_rhk_r1", titles) == "RHK: Terlayaninya pengaduan"
        assert appraisal_field_label("id", "rhk_r1", titles) == "RHK: Terlayaninya pengaduan"
        assert appraisal_field_label("id", "self_value_kolaboratif", titles) == "Perilaku: Kolaboratif"
        assert appraisal_field_label("en", "value_akuntabel", titles) == "Behaviour: Accountable"

    def test_other_fields_as_everywhere(self) -> None:
        assert appraisal_field_label("id", "reasons", {}) == "Alasan keberatan (minimal 10 karakter)"
        assert appraisal_field_label("id", "self_rhk_unknown", {}) == "self_rhk_unknown"


class TestSelfAssessmentBody:
    def test_every_rating_is_required_and_the_choices_made_are_kept_in_the_body(self) -> None:
        form = FormData([("self_rhk_r1", "di_atas_ekspektasi"), ("summary", " Catatan "), ("expected_version", "3")]
                        + [(f"self_value_{v}", "sesuai_ekspektasi") for v in VALUES[:-1]])
        check = Checker("id")
        body, mapping = self_assessment_body(form, ["r1", "r2"], check)
        assert check.errors.fields == {"self_rhk_r2": "wajib diisi", "self_value_kolaboratif": "wajib diisi"}
        assert body["rhk_ratings"] == [{"rhk_id": "r1", "rating": "di_atas_ekspektasi"}]
        assert len(body["value_ratings"]) == 6
        assert body["summary"] == "Catatan" and body["expected_version"] == 3
        assert mapping["rhk_ratings.0"] == "self_rhk_r1" and mapping["value_ratings.5"] == "self_value_adaptif"

    def test_an_unknown_rating_is_refused(self) -> None:
        form = FormData([("self_rhk_r1", "luar_biasa")] + [(f"self_value_{v}", "sesuai_ekspektasi") for v in VALUES])
        check = Checker("id")
        body, _ = self_assessment_body(form, ["r1"], check)
        assert check.errors.fields == {"self_rhk_r1": "pilihan tidak dikenal"}
        assert body["rhk_ratings"] == [] and "expected_version" not in body


class TestPeerInputBody:
    def test_every_value_needs_a_score_from_1_to_5_and_comments_are_optional(self) -> None:
        form = FormData([(f"score_{v}", "4") for v in VALUES[:-1]] + [("score_kolaboratif", "6"),
                                                                       ("comment_akuntabel", " Tepat waktu "),
                                                                       ("comment_loyal", "")])
        check = Checker("id")
        body, mapping = peer_input_body(form, check)
        assert check.errors.fields == {"score_kolaboratif": "pilihan tidak dikenal"}
        assert body["scores"] == dict.fromkeys(VALUES[:-1], 4)
        assert body["comments"] == {"akuntabel": "Tepat waktu"}
        assert mapping["scores.kolaboratif"] == "score_kolaboratif"
        assert mapping["comments.loyal"] == "comment_loyal"

    def test_a_missing_score_is_required_and_its_field_is_named_in_the_summary(self) -> None:
        check = Checker("id")
        peer_input_body(FormData([(f"score_{v}", "3") for v in VALUES[1:]]), check)
        assert check.errors.fields == {"score_berorientasi_pelayanan": "wajib diisi"}
        assert appraisal_field_label("id", "score_berorientasi_pelayanan", {}) == "Nilai 360: Berorientasi Pelayanan"
        assert appraisal_field_label("id", "comment_loyal", {}) == "Catatan untuk Loyal (opsional)"


class TestNineBox:
    def test_rows_run_from_high_to_low_potential_and_columns_from_below_to_above_expectation(self) -> None:
        person = {"employee_id": "1", "box": 8}
        rows = nine_box({"8": [person], "1": []})
        assert [potential for potential, _ in rows] == ["tinggi", "menengah", "rendah"]
        assert [[box for box, _ in cells] for _, cells in rows] == [[6, 8, 9], [3, 5, 7], [1, 2, 4]]
        assert rows[0][1][1] == (8, [person])
        assert rows[2][1][0] == (1, [])

    def test_every_box_appears_once(self) -> None:
        assert sorted(box for _, cells in nine_box({}) for box, _ in cells) == list(range(1, 10))


class TestRaters:
    def test_rows_without_a_nip_are_dropped_and_the_api_paths_point_at_the_rows_sent(self) -> None:
        form = FormData([("rater_0_nip", ""), ("rater_0_relation", "peer"), ("rater_1_nip", "199001012015011010"),
                         ("rater_1_relation", "peer"), ("rater_2_nip", "199001012015012011"),
                         ("rater_2_relation", "subordinate"), ("window_closes_on", "2031-01-31")])
        check = Checker("id")
        body, mapping = raters_body(form, check, "WITA")
        assert not check.errors
        assert body["raters"] == [{"rater_id": "199001012015011010", "relation": "peer"},
                                  {"rater_id": "199001012015012011", "relation": "subordinate"}]
        assert body["window_closes_at"] == "2031-01-31T23:59:59+08:00"
        assert mapping["raters.0.rater_id"] == "rater_1_nip" and mapping["raters.1.relation"] == "rater_2_relation"

    def test_a_rater_needs_a_relation_and_the_date_must_be_one(self) -> None:
        form = FormData([("rater_0_nip", "199001012015011010"), ("rater_0_relation", ""),
                         ("window_closes_on", "besok")])
        check = Checker("id")
        body, _ = raters_body(form, check, None)
        assert check.errors.fields == {"rater_0_relation": "wajib diisi",
                                       "window_closes_on": "harus berupa tanggal (YYYY-MM-DD)"}
        assert "window_closes_at" not in body

    def test_the_form_shows_the_assigned_raters_plus_empty_rows(self) -> None:
        assert rater_rows({}, 0) == 3
        assert rater_rows({"rater_0_nip": "x", "rater_1_nip": "y"}, 2) == 5
        assert rater_rows({"rater_6_nip": "x"}, 0) == 7
        assert appraisal_field_label("id", "rater_1_relation", {}) == "Hubungan penilai 2"
