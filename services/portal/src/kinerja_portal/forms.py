"""Server-side checks of what people type, before anything is sent to a service.

Each check adds an Indonesian (or English) message to ``FormErrors`` under the form field's name and
returns the cleaned value; the services check again (their messages are mapped onto the same fields).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from kinerja_portal.clients import FormErrors
from kinerja_portal.i18n import translate


class Checker:
    """Collects the problems of one submitted form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.errors = FormErrors()

    def required(self, name: str, value: str) -> str:
        if not value:
            self.errors.add(name, translate(self.lang, "form.required"))
        return value

    def number(self, name: str, value: str, *, required: bool = True) -> str | None:
        """A decimal as the API wants it (``12.5``); people may type ``12,5``."""
        if not value:
            if required:
                self.errors.add(name, translate(self.lang, "form.required"))
            return None
        cleaned = value.replace(" ", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            self.errors.add(name, translate(self.lang, "form.number"))
            return None
        if not number.is_finite():
            self.errors.add(name, translate(self.lang, "form.number"))
            return None
        return cleaned

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
