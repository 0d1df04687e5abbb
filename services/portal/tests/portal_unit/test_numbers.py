"""Numbers as Indonesians write them: what the portal reads from a form and shows back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_portal.numbers import NumberError, format_id_number, parse_id_number, to_api


class TestReadingWhatPeopleType:
    @pytest.mark.parametrize(("typed", "meant"), [
        ("1000", "1000"), ("1.000", "1000"), ("1.234.567", "1234567"), ("12,5", "12.5"), ("1.234,56", "1234.56"),
        ("0,25", "0.25"), ("-3", "-3"), ("  12  ", "12"), ("0", "0"), ("100", "100"), ("1.000,000", "1000.000"),
        ("0,500", "0.500"), ("1234,500", "1234.500"), ("+7", "7"), ("−2,5", "-2.5"),
    ])
    def test_reads_the_number_the_person_meant(self, typed: str, meant: str) -> None:
        assert parse_id_number(typed) == Decimal(meant)

    @pytest.mark.parametrize("typed", ["1.5", "12.50", "1.2345", "1,000", "12,500", "1,000.5", "1,000,000",
                                       "0.500", "01.000", "1.00"])
    def test_refuses_what_could_mean_two_numbers(self, typed: str) -> None:
        with pytest.raises(NumberError) as refused:
            parse_id_number(typed)
        assert refused.value.key == "num.ambiguous"
        assert typed in refused.value.message("id") and "koma" in refused.value.message("id")
        assert "comma" in refused.value.message("en")

    @pytest.mark.parametrize("typed", ["12a", ",5", "1..0", "abc", "1.000.", "1,", "1 000", "--1", "1e3", "NaN",
                                       "Infinity", "١٢"])
    def test_refuses_what_is_not_a_number(self, typed: str) -> None:
        with pytest.raises(NumberError) as refused:
            parse_id_number(typed)
        assert refused.value.key in ("num.not_a_number", "num.ambiguous")

    def test_refuses_empty_text_saying_how_to_write_a_number(self) -> None:
        with pytest.raises(NumberError) as refused:
            parse_id_number("   ")
        assert refused.value.key == "num.empty" and "12,5" in str(refused.value)

    def test_refuses_more_decimals_than_the_services_keep(self) -> None:
        assert parse_id_number("1,2345", max_places=4) == Decimal("1.2345")
        with pytest.raises(NumberError) as refused:
            parse_id_number("1,23456", max_places=4)
        assert refused.value.key == "num.too_many_places" and "4" in str(refused.value)


class TestShowingNumbers:
    @pytest.mark.parametrize(("value", "shown"), [
        (Decimal("1000"), "1.000"), ("1000.0000", "1.000"), (Decimal("12.5"), "12,5"), (12.5, "12,5"),
        (1234567, "1.234.567"), ("-1234.56", "-1.234,56"), (0, "0"), ("0.0000", "0"), ("-0", "0"),
        (Decimal("1E+3"), "1.000"), (None, "—"), ("abc", "—"), (True, "—"), ("NaN", "—"),
    ])
    def test_shows_thousands_with_a_dot_and_decimals_with_a_comma(self, value: object, shown: str) -> None:
        assert format_id_number(value) == shown

    def test_shows_a_fixed_number_of_decimals_rounded_half_up(self) -> None:
        assert format_id_number("2.075", places=2) == "2,08"
        assert format_id_number(1000, places=2) == "1.000,00"
        assert format_id_number("1.5", places=3) == "1,5000"

    def test_never_shows_a_number_that_would_be_refused_as_ambiguous(self) -> None:
        assert format_id_number("1.125") == "1,1250"
        assert format_id_number("1001.125") == "1.001,125"
        assert format_id_number("0.125") == "0,125"
        assert format_id_number("-0.001", places=2) == "0,00"

    def test_gives_the_services_plain_decimals(self) -> None:
        assert to_api(parse_id_number("1.000")) == "1000"
        assert to_api(parse_id_number("12,5")) == "12.5"
        assert to_api(Decimal("1E+3")) == "1000"


finite = st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**15, max_value=10**15, places=None)


class TestRoundTrips:
    @given(finite)
    def test_reading_what_was_shown_gives_the_same_number(self, value: Decimal) -> None:
        assert parse_id_number(format_id_number(value)) == value

    @given(st.integers(min_value=0, max_value=10**15), st.text("0123456789", max_size=4))
    def test_showing_what_was_read_gives_back_what_was_typed(self, whole: int, decimals: str) -> None:
        typed = f"{whole:,}".replace(",", ".") + (f",{decimals}" if decimals else "")
        if decimals.endswith("0"):
            typed = typed.rstrip("0").rstrip(",")
        if len(typed.partition(",")[2]) == 3 and 0 < whole < 1000:
            typed += "0"
        assert format_id_number(parse_id_number(typed)) == typed

    @given(finite)
    def test_the_api_form_is_the_same_number(self, value: Decimal) -> None:
        assert Decimal(to_api(value)) == value
