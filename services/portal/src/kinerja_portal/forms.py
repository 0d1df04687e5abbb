"""Server-side checks of what people type, before anything is sent to a service.

Each check adds an Indonesian (or English) message to ``FormErrors`` under the form field's name and
returns the cleaned value; the services check again (their messages are mapped onto the same fields).
"""

from __future__ import annotations

from datetime import date

from kinerja_portal.clients import FormErrors
from kinerja_portal.i18n import translate
from kinerja_portal.numbers import NumberError, parse_id_number, to_api


class Checker:
    """Collects the problems of one submitted form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.errors = FormErrors()

    def required(self, name: str, value: str) -> str:
        if not value:
            self.errors.add(name, translate(self.lang, "form.required"))
        return value

    def number(self, name: str, value: str, *, required: bool = True, max_places: int = 4) -> str | None:
        """A number typed the Indonesian way (``1.000``, ``12,5``; see ``kinerja_portal.numbers``) as the API
        wants it (``1000``, ``12.5``); an ambiguous one (``1.5``, ``1,000``) is refused saying how to write it."""
        if not value:
            if required:
                self.errors.add(name, translate(self.lang, "form.required"))
            return None
        try:
            return to_api(parse_id_number(value, max_places=max_places))
        except NumberError as refused:
            self.errors.add(name, refused.message(self.lang))
            return None

    def integer(self, name: str, value: str) -> int | None:
        if not value:
            self.errors.add(name, translate(self.lang, "form.required"))
            return None
        try:
            return int(value)
        except ValueError:
            self.errors.add(name, translate(self.lang, "form.integer"))
            return None

    def day(self, name: str, value: str) -> str | None:
        if not value:
            self.errors.add(name, translate(self.lang, "form.required"))
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            self.errors.add(name, translate(self.lang, "form.date"))
            return None

    def choice(self, name: str, value: str, allowed: set[str], *, required: bool = True) -> str | None:
        if not value:
            if required:
                self.errors.add(name, translate(self.lang, "form.required"))
            return None
        if value not in allowed:
            self.errors.add(name, translate(self.lang, "form.choice"))
            return None
        return value
