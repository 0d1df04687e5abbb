"""Strings of the SKP editing pages (edit and delete RHKs and IKIs, re-link the cascade, the leader's
behaviour expectations) and of the appraisal's rating and finalisation steps (``skpe.*``)."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {}
FIELD_LABELS: Final[dict[str, str]] = {}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {}
