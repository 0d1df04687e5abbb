"""Continuous feedback, one-on-one dialogues and clarification threads (pegawai and pejabat penilai)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
