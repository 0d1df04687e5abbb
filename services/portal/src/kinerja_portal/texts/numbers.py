"""Strings of ``kinerja_portal.numbers``: why a typed number was refused and how to write it (``num.*``)."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "num.empty": {"id": "wajib diisi dengan angka, mis. 1.000 atau 12,5",
                  "en": "required: enter a number, e.g. 1.000 (one thousand) or 12,5 (twelve and a half)"},
    "num.not_a_number": {
        "id": "\u201c{typed}\u201d bukan angka. Tulis angka saja, ribuan dengan titik dan desimal dengan koma, "
              "mis. 1.000 atau 12,5",
        "en": "\u201c{typed}\u201d is not a number. Write digits only, thousands with a dot and decimals with a "
              "comma, e.g. 1.000 (one thousand) or 12,5 (twelve and a half)"},
    "num.ambiguous": {
        "id": "\u201c{typed}\u201d dapat dibaca dua cara. Tulis desimal dengan koma dan ribuan dengan titik: "
              "1,5 (satu koma lima), 1.500 (seribu lima ratus), 1.000 (seribu)",
        "en": "\u201c{typed}\u201d can be read two ways. Write decimals with a comma and thousands with a dot: "
              "1,5 (one and a half), 1.500 (one thousand five hundred), 1.000 (one thousand)"},
    "num.too_many_places": {"id": "paling banyak {places} angka di belakang koma",
                            "en": "at most {places} digits after the decimal comma"},
}
FIELD_LABELS: Final[dict[str, str]] = {}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {}
