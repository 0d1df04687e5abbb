"""The portal's pure parts: service errors onto form fields, server-side checks, the strings in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kinerja_portal.clients import ApiError, FieldError, FormErrors
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import FIELD_LABELS, LABELS, STRINGS, field_label, label, translate

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kinerja_portal" / "templates"


class TestServiceErrorsOnTheForm:
    def test_puts_each_field_error_on_the_longest_matching_form_field(self) -> None:
        error = ApiError("planning", 422, "Periksa isian berikut", [
            FieldError("rhk.title", "terlalu pendek"), FieldError("rhk.ikis.0.targets.0.value", "nilainya tidak valid"),
            FieldError("rhk.ikis.0.description", "wajib diisi")])
        found = FormErrors.from_api(error, {"rhk": "title", "rhk.title": "title", "rhk.ikis": "iki_description",
                                            "rhk.ikis.0.targets.0": "target_kuantitas_value"})
        assert found.fields == {"title": "terlalu pendek", "target_kuantitas_value": "nilainya tidak valid",
                                "iki_description": "wajib diisi"}
        assert found.general == []

    def test_keeps_unmapped_errors_and_a_bare_detail_as_general_messages(self) -> None:
        rows = ApiError("planning", 422, "Baris 2 tidak valid", [FieldError("rows.2", "Baris 2 tidak valid"),
                                                                  FieldError("rows.5", "Baris 5 tidak valid")])
        assert FormErrors.from_api(rows, {"file": "file"}).general == ["Baris 2 tidak valid", "Baris 5 tidak valid"]
        conflict = ApiError("planning", 409, "SKP sudah diajukan", [])
        assert FormErrors.from_api(conflict, {}).general == ["SKP sudah diajukan"]


class TestServerSideChecks:
    def test_accepts_a_decimal_comma_and_names_what_is_wrong(self) -> None:
        check = Checker("id")
        assert check.number("value", "12,5") == "12.5"
        assert check.number("other", "dua belas") is None
        assert check.day("when", "31-02-2026") is None
        assert check.integer("year", "") is None
        assert check.number("thousand", "1.000") == "1000"
        assert check.number("ambiguous", "1.5") is None
        assert check.errors.fields["ambiguous"].startswith("\u201c1.5\u201d dapat dibaca dua cara")
        del check.errors.fields["ambiguous"]
        assert check.errors.fields == {"other": "\u201cdua belas\u201d bukan angka. Tulis angka saja, ribuan dengan "
                                                "titik dan desimal dengan koma, mis. 1.000 atau 12,5",
                                       "when": "harus berupa tanggal (YYYY-MM-DD)", "year": "wajib diisi"}

    def test_speaks_english_when_chosen(self) -> None:
        check = Checker("en")
        check.required("title", "")
        assert check.errors.fields == {"title": "required"}


class TestStrings:
    def test_every_string_and_label_exists_in_indonesian_and_english(self) -> None:
        for key, entry in STRINGS.items():
            assert entry.get("id") and entry.get("en"), key
        for group, codes in LABELS.items():
            for code, entry in codes.items():
                assert entry.get("id") and entry.get("en"), (group, code)

    def test_every_key_the_templates_use_is_defined(self) -> None:
        used = {m for f in TEMPLATES.glob("*.html") for m in re.findall(r"""\bt\(["']([a-z_.]+)["']""", f.read_text())}
        assert used, "no t(...) calls found"
        assert sorted(used - STRINGS.keys()) == []

    @pytest.mark.parametrize("name", sorted(FIELD_LABELS))
    def test_every_form_field_has_a_readable_label(self, name: str) -> None:
        assert not field_label("id", name).startswith("[")

    def test_fills_values_and_shows_unknown_codes_as_they_are(self) -> None:
        assert translate("en", "home.hello", name="Siti") == "Welcome, Siti"
        assert translate("id", "missing.key") == "[missing.key]"
        assert label("id", "plan_status", "submitted") == "Diajukan"
        assert label("id", "plan_status", "unheard_of") == "unheard_of"
