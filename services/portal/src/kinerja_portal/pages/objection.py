"""The evaluator's superior (atasan penilai): an objection's explanations and decision."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
