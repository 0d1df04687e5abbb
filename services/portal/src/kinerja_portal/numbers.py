"""Numbers as Indonesians write them: thousands with a dot, decimals with a comma ("1.000" is one thousand,
"12,5" is twelve and a half). The one place where the portal reads and writes numbers.

API:

- ``parse_id_number(text, *, max_places=None) -> Decimal`` reads what a person typed. Accepted:
  ``1000``, ``1.000``, ``1.234.567``, ``12,5``, ``1.234,56``, ``-3``, ``0,25`` (spaces around are
  ignored). Refused with ``NumberError`` (never guessed): empty text; anything that is not a number
  (``12a``, ``,5``, ``1..0``); and what could mean two different numbers — a dot not followed by exactly
  three digits (``1.5``, ``12.50``: English decimals), a comma followed by exactly three digits with no
  thousands dots (``1,000``: English thousands), English ``1,000.5``, or a grouped number starting with 0
  (``0.500``). ``max_places`` refuses more decimals than the API keeps (it stores 4).
- ``NumberError`` (a ``ValueError``) has ``key`` (an i18n key, ``num.*`` in ``kinerja_portal.texts.numbers``)
  and ``values`` to fill it; ``message(lang)`` is the sentence to show beside the field, saying how to
  write the number. ``str(error)`` is the Indonesian sentence.
- ``format_id_number(value, *, places=None) -> str`` shows a number (``Decimal``, ``int``, ``float`` or a
  decimal string from a service, e.g. ``"1000.0000"``) the Indonesian way: ``1.000``, ``12,5``,
  ``-1.234,56``. Without ``places`` trailing zeros are dropped (``1000.0000`` -> ``1.000``); with
  ``places`` exactly that many decimals, rounded half up (``format_id_number(2.075, places=2)`` ->
  ``2,08``). ``None`` or text that is not a number shows as ``—``. A number that would show as exactly
  three decimals below 1.000 (``1,125``, which ``parse_id_number`` refuses as ambiguous) gets a fourth
  zero (``1,1250``), so whatever the portal shows, and pre-fills in a form, reads back as the same number.
- ``to_api(value) -> str``: a parsed number as the services' JSON wants it (``"1000"``, ``"12.5"``).

``parse_id_number(format_id_number(x)) == x`` for every finite decimal ``x``, and
``format_id_number(parse_id_number(s)) == s`` for every number written canonically (tested with hypothesis).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["NumberError", "format_id_number", "parse_id_number", "to_api"]

_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_DECIMALS = re.compile(r"[0-9]+")
_DOTTED = re.compile(r"[0-9]+(?:\.[0-9]+)+")


class NumberError(ValueError):
    """What a person typed is not a number we can read without guessing; ``key`` names the i18n message."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("id"))

    def message(self, lang: str) -> str:
        """The sentence for the field, in ``lang`` (``id`` or ``en``)."""
        from kinerja_portal.i18n import translate

        return translate(lang, self.key, **self.values)


def parse_id_number(text: str, *, max_places: int | None = None) -> Decimal:
    """The number ``text`` means, written the Indonesian way; ``NumberError`` when empty, not a number or
    ambiguous (see the module docstring)."""
    typed = text.strip()
    if not typed:
        raise NumberError("num.empty")
    sign, body = ("-", typed[1:].lstrip()) if typed[0] in "-−" else ("", typed.removeprefix("+").lstrip())
    whole, comma, fraction = body.partition(",")
    if comma and not _DECIMALS.fullmatch(fraction):
        raise NumberError("num.ambiguous" if any(c in fraction for c in ".,") else "num.not_a_number", typed=typed)
    if _PLAIN.fullmatch(whole):
        if comma and len(fraction) == 3 and len(whole) <= 3 and whole != "0":
            raise NumberError("num.ambiguous", typed=typed)
        digits = whole
    elif _GROUPED.fullmatch(whole):
        digits = whole.replace(".", "")
    elif _DOTTED.fullmatch(whole):
        raise NumberError("num.ambiguous", typed=typed)
    else:
        raise NumberError("num.not_a_number", typed=typed)
    if max_places is not None and len(fraction) > max_places:
        raise NumberError("num.too_many_places", places=max_places)
    try:
        return Decimal(f"{sign}{digits}.{fraction}" if comma else f"{sign}{digits}")
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise NumberError("num.not_a_number", typed=typed) from None


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_id_number(value: object, *, places: int | None = None) -> str:
    """``value`` as Indonesians read it: ``1.000``, ``12,5`` (``—`` when there is no number)."""
    number = _decimal(value)
    if number is None:
        return "—"
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{number.copy_abs():f}"
    else:
        text = f"{number.copy_abs():f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    if len(fraction) == 3 and whole != "0" and len(whole) <= 3:
        fraction += "0"  # "1,125" could be read as 1125: "1,1250" cannot, and is the same number
    grouped = f"{int(whole):,}".replace(",", ".")
    negative = number < 0 and any(d not in "0." for d in text)
    return f"{'-' if negative else ''}{grouped}{',' + fraction if fraction else ''}"


def to_api(value: Decimal) -> str:
    """A number as the services' JSON wants it: plain digits, a dot for decimals, never an exponent."""
    text = f"{value:f}"
    return text if text != "-0" else "0"
