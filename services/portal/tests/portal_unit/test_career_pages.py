"""The career and personnel pages' pure parts: period names, the IDP and progress forms, HR's data-entry
forms, the training catalog form, and a refused rank import's rows."""

from __future__ import annotations

from kinerja_kernel.auth import Principal, Role
from kinerja_portal.clients import ApiError, FieldError
from kinerja_portal.forms import Checker
from kinerja_portal.pages.career import (
    activity_rows,
    can_write_plans,
    career_field_label,
    period_label,
    plan_body,
    plan_values,
    progress_body,
)
from kinerja_portal.pages.personnel import (
    catalog_body,
    functional_body,
    import_problems,
    personnel_rows,
    potential_body,
    rank_body,
)
from kinerja_portal.web import Viewer

AID = "6f1c2b1e-0d2a-4c55-9a77-1234567890ab"
CATALOG = {"KOLAB": {"code": "KOLAB", "title": "Pelatihan Kerja Sama Tim", "hours": 16}}


def viewer(nip: str, roles: list[Role], offices: list[str]) -> Viewer:
    return Viewer(Principal(user_id=nip, roles=frozenset(roles), offices=frozenset(offices)), "token")


class TestPeriodNames:
    def test_annual_quarterly_and_monthly_keys_read_as_people_say_them(self) -> None:
        assert period_label("id", "2031") == "Tahunan 2031"
        assert period_label("id", "2031-Q2") == "Triwulan 2 2031"
        assert period_label("id", "2031-M03") == "Bulan 3 2031"
        assert period_label("en", "2031-Q4") == "Quarter 4 2031"

    def test_an_unknown_key_is_shown_as_it_is(self) -> None:
        assert period_label("id", "kemarin") == "kemarin"


class TestIdpForm:
    def test_goals_are_one_per_line_and_empty_activity_rows_are_ignored(self) -> None:
        check = Checker("id")
        goals, activities, mapping = plan_body({
            "idp_goals": "Menguasai analisis data\n\n  Membimbing rekan  \n",
            "act_0_title": "", "act_0_type": "pelatihan", "act_0_hours": "",
            "act_1_title": "Kursus statistik", "act_1_type": "belajar_mandiri", "act_1_hours": "20",
            "act_1_due": "2031-06-30"}, check, {})
        assert not check.errors
        assert goals == ["Menguasai analisis data", "Membimbing rekan"]
        assert activities == [{"title": "Kursus statistik", "type": "belajar_mandiri", "hours_planned": 20,
                               "due_on": "2031-06-30"}]
        assert mapping["activities.0.hours_planned"] == "act_1_hours"  # the API's index 0 is the form's row 1

    def test_a_plan_without_a_goal_or_an_activity_says_so_beside_each(self) -> None:
        check = Checker("id")
        plan_body({"idp_goals": "  \n", "act_0_title": "", "act_0_type": "pelatihan"}, check, {})
        assert check.errors.fields == {"idp_goals": "tulis minimal satu tujuan",
                                       "idp_activities": "isi minimal satu kegiatan"}

    def test_a_started_row_needs_its_title_kind_and_hours_in_range(self) -> None:
        check = Checker("id")
        plan_body({"idp_goals": "Belajar", "act_0_title": "", "act_0_type": "menari", "act_0_hours": "0",
                   "act_0_due": "akhir tahun"}, check, {})
        assert check.errors.fields == {"act_0_title": "wajib diisi", "act_0_type": "pilihan tidak dikenal",
                                       "act_0_hours": "harus 1 sampai 2000 jam",
                                       "act_0_due": "harus berupa tanggal (YYYY-MM-DD)"}

    def test_a_catalog_training_fills_an_empty_title_and_hours(self) -> None:
        check = Checker("id")
        _, activities, _ = plan_body({"idp_goals": "Bekerja sama", "act_0_type": "pelatihan",
                                      "act_0_catalog": "KOLAB"}, check, CATALOG)
        assert activities == [{"title": "Pelatihan Kerja Sama Tim", "type": "pelatihan", "hours_planned": 16,
                               "catalog_code": "KOLAB"}]
        check = Checker("id")
        plan_body({"idp_goals": "x", "act_0_type": "pelatihan", "act_0_title": "x", "act_0_hours": "2",
                   "act_0_catalog": "HILANG"}, check, CATALOG)
        assert check.errors.fields == {"act_0_catalog": "pilihan tidak dikenal"}

    def test_a_revised_plan_keeps_its_activities_ids_and_shows_one_empty_row_more(self) -> None:
        plan = {"year": 2031, "kind": "pengembangan", "goals": ["A", "B"], "employee_id": "x", "version": 3,
                "activities": [{"activity_id": AID, "title": "Kursus", "type": "pelatihan", "hours_planned": 8,
                                "due_on": None, "catalog_code": None}]}
        values = plan_values(plan)
        assert values["idp_goals"] == "A\nB" and values["act_0_id"] == AID and values["expected_version"] == "3"
        assert activity_rows(values) == [0, 1]
        check = Checker("id")
        _, activities, _ = plan_body(values, check, {})
        assert activities == [{"title": "Kursus", "type": "pelatihan", "hours_planned": 8, "activity_id": AID}]

    def test_rows_shown_are_at_least_two_and_follow_what_was_sent(self) -> None:
        assert activity_rows({}) == [0, 1]
        assert activity_rows({"act_4_title": ""}) == [0, 1, 2, 3, 4]


class TestProgressReport:
    def test_hours_may_be_typed_with_a_comma_and_percent_is_0_to_100(self) -> None:
        check = Checker("id")
        body, mapping = progress_body({f"p_{AID}_hours": "7,5", f"p_{AID}_percent": "40", f"p_{AID}_note": "Modul 2"},
                                      AID, check)
        assert not check.errors
        assert body == {"hours_done": "7.5", "progress_percent": 40, "note": "Modul 2"}
        assert mapping["progress_percent"] == f"p_{AID}_percent"

    def test_out_of_range_values_are_refused_beside_the_field(self) -> None:
        check = Checker("id")
        progress_body({f"p_{AID}_hours": "-1", f"p_{AID}_percent": "120"}, AID, check)
        assert check.errors.fields == {f"p_{AID}_hours": "tidak boleh negatif",
                                       f"p_{AID}_percent": "harus 0 sampai 100"}

    def test_the_error_summary_names_the_activity_and_the_row(self) -> None:
        assert career_field_label("id", f"p_{AID}_percent", {AID: "Kursus"}) == "Kursus: Kemajuan (%)"
        assert career_field_label("id", "act_2_hours", {}) == "Kegiatan 3: Jam direncanakan"
        assert career_field_label("id", "idp_goals", {}) == "Tujuan pengembangan"
        assert career_field_label("id", "rank_tmt", {}) == "TMT pangkat"


class TestWhoWritesPlans:
    def test_the_employee_their_evaluator_and_hr_of_the_office(self) -> None:
        employee = {"employee_id": "A", "evaluator_id": "B", "office_id": "K1"}
        assert can_write_plans(viewer("A", [Role.PEGAWAI], ["K1"]), employee)
        assert can_write_plans(viewer("B", [Role.PEJABAT_PENILAI], ["K1"]), employee)
        assert can_write_plans(viewer("H", [Role.PENGELOLA_KEPEGAWAIAN], ["K1"]), employee)
        assert not can_write_plans(viewer("H", [Role.PENGELOLA_KEPEGAWAIAN], ["K2"]), employee)
        assert not can_write_plans(viewer("X", [Role.AUDITOR, Role.ATASAN_PENILAI], ["K1"]), employee)


class TestPersonnelForms:
    def test_an_empty_rank_title_takes_the_standard_one(self) -> None:
        check = Checker("id")
        body = rank_body({"rank_grade": "III/c", "rank_name": "", "rank_tmt": "2022-04-01"}, check)
        assert not check.errors and body == {"grade": "III/c", "name": "Penata", "tmt": "2022-04-01"}

    def test_a_grade_without_a_standard_title_needs_one_and_the_tmt_must_be_a_date(self) -> None:
        check = Checker("id")
        rank_body({"rank_grade": "V/a", "rank_tmt": "1 April 2022"}, check)
        assert check.errors.fields == {"rank_name": "isi nama pangkat: golongan V/a tidak punya nama baku",
                                       "rank_tmt": "harus berupa tanggal (YYYY-MM-DD)"}

    def test_the_coefficient_is_optional_and_may_use_a_comma(self) -> None:
        check = Checker("id")
        assert functional_body({"fp_level": "ahli_pertama", "fp_year": "2031"}, check) == {
            "level": "ahli_pertama", "effective_year": 2031}
        assert functional_body({"fp_level": "ahli_muda", "fp_year": "2031", "fp_coefficient": "12,5"}, check)[
            "coefficient"] == "12.5"
        functional_body({"fp_level": "ahli", "fp_year": "tahun ini"}, check)
        assert check.errors.fields == {"fp_level": "pilihan tidak dikenal", "fp_year": "harus berupa bilangan bulat"}

    def test_potential_needs_its_level_source_and_date(self) -> None:
        check = Checker("id")
        potential_body({"pot_potential": "", "pot_source": "", "pot_assessed_on": ""}, check)
        assert set(check.errors.fields) == {"pot_potential", "pot_source", "pot_assessed_on"}

    def test_a_catalog_entry_for_a_value_names_it_and_one_for_results_names_none(self) -> None:
        check = Checker("id")
        body = catalog_body({"cat_title": "Komunikasi Publik", "cat_trigger": "nilai",
                             "cat_value": "berorientasi_pelayanan", "cat_hours": "24"}, check)
        assert not check.errors
        assert body == {"title": "Komunikasi Publik", "trigger": "nilai", "hours": 24,
                        "value": "berorientasi_pelayanan"}
        check = Checker("id")
        catalog_body({"cat_title": "", "cat_trigger": "nilai", "cat_hours": "0"}, check)
        assert check.errors.fields == {"cat_title": "wajib diisi", "cat_hours": "harus 1 sampai 2000 jam",
                                       "cat_value": "pilih nilai BerAKHLAK yang dikembangkan pelatihan ini"}
        check = Checker("id")
        catalog_body({"cat_title": "Analisis", "cat_trigger": "hasil_kerja", "cat_value": "loyal", "cat_hours": "8"},
                     check)
        assert list(check.errors.fields) == ["cat_value"]


class TestRankImportAndRoster:
    def test_a_refused_import_lists_each_row_column_and_reason(self) -> None:
        error = ApiError("career", 422, "baris 3.golongan: ...", [
            FieldError("baris 3.golongan",
                       "baris 3.golongan: Golongan 'III/z' tidak dikenal; tulis seperti III/c (I-IV, a-e)"),
            FieldError("baris 5.tmt", "Baris 5 (199001012015011001): TMT pangkat 2099-04-01 belum berlaku"),
            FieldError("csv", "tidak dipakai")])
        assert import_problems(error) == [
            {"line": "3", "column": "golongan",
             "message": "Golongan 'III/z' tidak dikenal; tulis seperti III/c (I-IV, a-e)"},
            {"line": "5", "column": "tmt", "message": "TMT pangkat 2099-04-01 belum berlaku"}]

    def test_the_roster_is_joined_with_the_career_data_and_strangers_come_last(self) -> None:
        roster = [{"employee_id": "A", "name": "Ani", "unit_id": "U", "position": "Analis"},
                  {"employee_id": "B", "name": "Budi", "unit_id": "U", "position": "Analis"}]
        career = [{"employee_id": "B", "name": "Budi", "rank": {"grade": "III/a"}},
                  {"employee_id": "C", "name": "Citra", "unit_id": "V", "position": "Pranata"}]
        rows = personnel_rows(roster, career)
        assert [(r["employee_id"], r["on_roster"], r["career"] is not None) for r in rows] == [
            ("A", True, False), ("B", True, True), ("C", False, True)]
