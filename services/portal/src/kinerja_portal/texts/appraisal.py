"""Strings of the portal's appraisal pages (Indonesian first, English second); merged by ``kinerja_portal.i18n``."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {}
FIELD_LABELS: Final[dict[str, str]] = {}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {}
