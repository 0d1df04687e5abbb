"""Messages people read: pydantic error types in Indonesian with their limits, codes shown by their labels."""

from __future__ import annotations

from kinerja_kernel.http import validation_message
from kinerja_kernel.labels import plan_status_label, value_label


class TestValidationMessages:
    def test_a_limit_is_named_in_the_message(self) -> None:
        assert validation_message("string_too_long", {"max_length": 2000}) == \
            "terlalu panjang (maksimal 2000 karakter)"
        assert validation_message("greater_than_equal", {"ge": 2000}) == "nilainya terlalu kecil (minimal 2000)"

    def test_an_empty_required_text_reads_as_required(self) -> None:
        assert validation_message("string_too_short", {"min_length": 1}) == "wajib diisi"

    def test_a_message_without_its_limit_drops_the_parenthesis(self) -> None:
        assert validation_message("string_too_long") == "terlalu panjang"

    def test_bad_ids_and_dates_say_what_to_write(self) -> None:
        assert "2026-03-14" in validation_message("date_parsing")
        assert "UUID" in validation_message("uuid_parsing") and "tautan" in validation_message("uuid_parsing")

    def test_an_unknown_type_is_still_indonesian(self) -> None:
        assert validation_message("some_new_type") == "nilainya tidak valid"


class TestLabels:
    def test_a_berakhlak_value_reads_as_its_name(self) -> None:
        assert value_label("berorientasi_pelayanan") == "Berorientasi Pelayanan"
        assert value_label("berorientasi_pelayanan", "en") == "Service orientation"

    def test_a_plan_status_reads_as_a_word(self) -> None:
        assert plan_status_label("submitted") == "diajukan"
        assert plan_status_label("unknown") == "unknown"


class TestDatesInMessages:
    def test_a_day_reads_with_the_indonesian_month(self) -> None:
        from datetime import date

        from kinerja_kernel.labels import tanggal
        assert tanggal(date(2026, 12, 3)) == "3 Desember 2026"

    def test_a_moment_reads_in_its_own_zone_with_a_dot_between_hours_and_minutes(self) -> None:
        from datetime import datetime, timedelta, timezone

        from kinerja_kernel.labels import tanggal_waktu
        wita = timezone(timedelta(hours=8))
        assert tanggal_waktu(datetime(2026, 4, 16, 23, 59, tzinfo=wita)) == "16 April 2026 23.59"
