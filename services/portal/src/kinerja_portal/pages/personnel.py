"""Pengelola kepegawaian: the personnel data the career service needs (rank and TMT, functional position,
potential) and the office's training catalog."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
