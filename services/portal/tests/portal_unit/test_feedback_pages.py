"""The feedback pages' pure parts: the multi-action notes form, dates and times typed in the office's zone,
what a feedback item or a clarification is about, and the labels of per-row fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kinerja_portal.forms import Checker
from kinerja_portal.pages.feedback import (
    action_rows,
    clock_time,
    current_period,
    field_label_of,
    local_instant,
    local_parts,
    parse_actions,
    show_day,
    topic_choice,
    topic_text,
)
from kinerja_portal.web import TEMPLATES

EMPLOYEE, EVALUATOR = "199001012020121001", "198001012010011001"
PARTIES = {EMPLOYEE, EVALUATOR}


class TestAgreedActions:
    def test_filled_rows_become_actions_in_order_and_empty_rows_are_ignored(self) -> None:
        check = Checker("id")
        actions, mapping = parse_actions({
            "action_0_description": " Ikuti pelatihan layanan publik ", "action_0_owner": EMPLOYEE,
            "action_0_due": "2031-03-31",
            "action_1_description": "", "action_1_owner": EMPLOYEE, "action_1_due": "",  # an untouched row
            "action_2_description": "Sediakan akses sistem antrian", "action_2_owner": EVALUATOR, "action_2_due": "",
        }, PARTIES, EMPLOYEE, check)
        assert not check.errors
        assert actions == [
            {"description": "Ikuti pelatihan layanan publik", "owner_id": EMPLOYEE, "due_on": "2031-03-31"},
            {"description": "Sediakan akses sistem antrian", "owner_id": EVALUATOR},
        ]
        # the API numbers the actions it received; the form's rows keep their own numbers
        assert mapping["actions.1.due_on"] == "action_2_due"
        assert mapping["actions.1.owner_id"] == "action_2_owner"
        assert mapping["actions.0"] == "action_0_description"

    def test_a_row_with_a_due_date_but_no_description_and_a_bad_date_are_named_per_row(self) -> None:
        check = Checker("id")
        actions, _ = parse_actions({
            "action_0_description": "Mentoring", "action_0_due": "31-03-2031", "action_0_owner": EMPLOYEE,
            "action_1_description": "", "action_1_due": "2031-04-01", "action_1_owner": EMPLOYEE,
        }, PARTIES, EMPLOYEE, check)
        assert check.errors.fields == {"action_0_due": "harus berupa tanggal (YYYY-MM-DD)",
                                       "action_1_description": "wajib diisi"}
        assert len(actions) == 2  # the caller re-renders the form; nothing is sent

    def test_the_owner_is_a_party_and_defaults_to_the_employee(self) -> None:
        check = Checker("en")
        actions, _ = parse_actions({"action_0_description": "Baca pedoman", "action_0_owner": "",
                                    "action_1_description": "Lain", "action_1_owner": "197001012000011001"},
                                   PARTIES, EMPLOYEE, check)
        assert actions[0]["owner_id"] == EMPLOYEE
        assert check.errors.fields == {"action_1_owner": "unknown choice"}

    def test_a_recorded_action_keeps_its_id_when_the_notes_are_revised(self) -> None:
        check = Checker("id")
        kept = "0b7f3c4e-9a51-4c71-9d43-5d7a4d8e2f10"
        actions, _ = parse_actions({"action_0_description": "Pelatihan", "action_0_id": kept,
                                    "action_1_description": "", "action_1_id": "bukan-uuid"}, PARTIES, EMPLOYEE, check)
        assert actions[0]["action_id"] == kept
        assert "action_1_description" in check.errors.fields  # a tampered id is refused, not dropped silently

    def test_rows_shown_are_the_recorded_or_sent_ones_plus_empty_ones(self) -> None:
        assert action_rows({}, 0) == 2
        assert action_rows({}, 3) == 5
        assert action_rows({"action_6_description": "x", "dlg_notes": "y"}, 1) == 7

    def test_per_row_fields_have_readable_labels(self) -> None:
        assert field_label_of("id", "action_2_due") == "Tindak lanjut 3: Tenggat"
        assert field_label_of("en", "action_0_description") == "Action 1: What is agreed"
        assert field_label_of("id", "response_3f2b") == "Tanggapan Anda"
        assert field_label_of("id", "dlg_date") == "Tanggal dialog"
        assert field_label_of("id", "untuk") == "Penerima"


class TestOfficeTime:
    def test_a_date_and_time_typed_in_the_offices_zone(self) -> None:
        check = Checker("id")
        at = clock_time(check, "dlg_time", "09:30")
        assert local_instant("2031-03-10", at, "WITA") == "2031-03-10T09:30:00+08:00"
        assert local_instant("2031-03-10", at, None) == "2031-03-10T09:30:00+07:00"  # WIB when unknown
        assert local_instant(None, at, "WIB") is None

    def test_a_time_that_is_not_a_time(self) -> None:
        check = Checker("id")
        assert clock_time(check, "dlg_time", "jam sembilan") is None
        assert clock_time(check, "dlg_other", "") is None
        assert check.errors.fields == {"dlg_time": "harus berupa jam (JJ:MM), mis. 09:30", "dlg_other": "wajib diisi"}

    def test_a_date_that_is_not_a_date_is_caught_before_the_service(self) -> None:
        check = Checker("id")
        assert check.day("dlg_date", "besok pagi") is None
        assert check.errors.fields == {"dlg_date": "harus berupa tanggal (YYYY-MM-DD)"}

    def test_a_due_day_reads_day_first(self) -> None:
        assert show_day("2031-03-31") == "31 Maret 2031"
        assert show_day("akhir bulan") == "akhir bulan"

    def test_the_scheduled_instant_fills_the_inputs_in_the_offices_zone(self) -> None:
        assert local_parts("2031-03-10T16:30:00Z", "WIT") == ("2031-03-11", "01:30")
        assert local_parts("2031-03-10T02:30:00+00:00", None) == ("2031-03-10", "09:30")

    @pytest.mark.parametrize(("now", "zone", "cadence", "period"), [
        (datetime(2031, 3, 31, 16, 30, tzinfo=UTC), "WIB", "quarterly", "2031-Q1"),  # 23:30 WIB
        (datetime(2031, 3, 31, 16, 30, tzinfo=UTC), "WITA", "quarterly", "2031-Q2"),  # 00:30 WITA, 1 April
        (datetime(2031, 8, 5, tzinfo=UTC), "WIB", "monthly", "2031-M08"),
        (datetime(2031, 12, 1, tzinfo=UTC), None, None, "2031-Q4"),
    ])
    def test_the_current_period_is_the_offices(self, now: datetime, zone: str | None, cadence: str | None,
                                               period: str) -> None:
        assert current_period(now, zone, cadence) == period


class TestTopics:
    def test_a_choice_becomes_exactly_one_api_field(self) -> None:
        assert topic_choice("rhk:r1", {"r1"}) == {"rhk_id": "r1"}
        assert topic_choice("value:kolaboratif", set()) == {"value": "kolaboratif"}
        assert topic_choice("aspect:hasil_kerja", set()) == {"aspect": "hasil_kerja"}

    def test_an_rhk_of_someone_else_or_an_unknown_code_is_no_choice(self) -> None:
        assert topic_choice("rhk:r2", {"r1"}) is None
        assert topic_choice("value:rajin", set()) is None
        assert topic_choice("kolaboratif", set()) is None

    def test_what_it_is_about_as_people_read_it(self) -> None:
        titles = {"r1": "Terlayaninya pengaduan"}
        assert topic_text("id", {"rhk_id": "r1", "value": None}, titles) == "RHK: Terlayaninya pengaduan"
        assert topic_text("id", {"rhk_id": "r9"}, titles) == "Salah satu RHK"
        assert topic_text("id", {"value": "berorientasi_pelayanan"}, {}) == "Perilaku: Berorientasi Pelayanan"
        assert topic_text("en", {"aspect": "perilaku_kerja"}, {}) == "Behaviour rating"


@pytest.mark.parametrize("name", ["feedback_overview.html", "feedback_item.html", "feedback_form.html",
                                  "feedback_detail.html", "dialogue_form.html", "dialogue_detail.html",
                                  "clarification_list.html", "clarification_thread.html"])
def test_templates_compile(name: str) -> None:
    assert TEMPLATES.env.get_template(name) is not None
