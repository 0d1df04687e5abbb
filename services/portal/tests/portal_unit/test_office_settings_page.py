"""The office settings form sends every setting: the evaluation service's PUT refuses a partial body, so a
setting the form forgot would never silently fall back to the regulation's default."""

from __future__ import annotations

from starlette.datastructures import FormData

from kinerja_kernel.contracts.evaluation import OfficeSettings
from kinerja_portal.forms import Checker
from kinerja_portal.pages.hr import settings_body


class TestOfficeSettingsForm:
    def test_the_body_holds_every_office_setting_and_the_reason(self) -> None:
        check = Checker("id")
        body = settings_body(FormData([
            ("time_zone", "WITA"), ("periodic_cadence", "monthly"), ("curve_enforcement", "warn"),
            ("plan_due_day_of_year", "31"), ("self_assessment_due_days", "5"), ("rating_due_days", "15"),
            ("peer_threshold", "3"), ("objection_window_days", "21"), ("reason", "Kalender baru")]), check)
        assert not check.errors
        assert set(body) == {*OfficeSettings.model_fields, "reason"}
        assert OfficeSettings.model_validate({k: v for k, v in body.items() if k != "reason"}).objection_window_days == 21

    def test_a_missing_number_is_marked_beside_its_field(self) -> None:
        check = Checker("id")
        settings_body(FormData([("time_zone", "WIB"), ("periodic_cadence", "quarterly"), ("curve_enforcement", "warn"),
                                ("reason", "x")]), check)
        assert "plan_due_day_of_year" in check.errors.fields

    def test_the_names_documents_print_are_typed_one_unit_a_line(self) -> None:
        check = Checker("id")
        common = [("time_zone", "WIB"), ("periodic_cadence", "quarterly"), ("curve_enforcement", "warn"),
                  ("plan_due_day_of_year", "31"), ("self_assessment_due_days", "5"), ("rating_due_days", "15"),
                  ("peer_threshold", "3"), ("objection_window_days", "14"), ("reason", "Nama")]
        body = settings_body(FormData([*common, ("office_name", "Kantor Regional I BKN"), ("unit_names",
                                       "BIDANG-MUTASI = Bidang Mutasi\r\n\r\n PIMPINAN=Pimpinan Kantor ")]), check)
        assert not check.errors
        assert body["office_name"] == "Kantor Regional I BKN"
        assert body["unit_names"] == {"BIDANG-MUTASI": "Bidang Mutasi", "PIMPINAN": "Pimpinan Kantor"}
        assert OfficeSettings.model_validate({k: v for k, v in body.items() if k != "reason"}).unit_names
        settings_body(FormData([*common, ("unit_names", "BIDANG-MUTASI Bidang Mutasi")]), check)
        assert "BIDANG-MUTASI Bidang Mutasi" in check.errors.fields["unit_names"]


def test_the_skp_appendix_form_sends_one_point_a_line() -> None:
    from kinerja_portal.pages.skp_edit import appendix_body

    body = appendix_body(FormData([("lamp_resources", "Akses SIASN\r\n\r\n  Ruang arsip  "),
                                   ("lamp_accountability", "Laporan triwulanan"), ("lamp_consequences", "")]))
    assert body == {"resources": ["Akses SIASN", "Ruang arsip"], "accountability": ["Laporan triwulanan"],
                    "consequences": []}
