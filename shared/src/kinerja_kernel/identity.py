"""The NIP (Nomor Induk Pegawai): the 18-digit civil-servant number, validated in one place.

Layout: birth date ``YYYYMMDD`` | appointment month ``YYYYMM`` | sex ``1``/``2`` | sequence ``NNN``.
PPPK numbers have the same length and layout.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator

from kinerja_kernel.errors import InvalidInput


def nip_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an NIP, in Indonesian, or ``None`` if it is well-formed."""
    if len(value) != 18 or not value.isdigit():
        return f"NIP harus 18 digit angka (diterima {len(value)} karakter)"
    try:
        birth = date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return f"NIP: tanggal lahir {value[0:8]} (digit 1-8) bukan tanggal yang valid"
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12:
        return f"NIP: bulan pengangkatan {value[12:14]} (digit 13-14) harus 01-12"
    if year < birth.year + 15:
        return f"NIP: tahun pengangkatan {year} (digit 9-12) terlalu dekat dengan tahun lahir {birth.year}"
    if value[14] not in "12":
        return f"NIP: kode jenis kelamin (digit 15) harus 1 atau 2, bukan {value[14]}"
    if value[15:] == "000":
        return "NIP: nomor urut (digit 16-18) tidak boleh 000"
    return None


def check_nip(value: str) -> str:
    """Return ``value`` if it is a well-formed NIP, else raise ``InvalidInput`` saying what is wrong."""
    problem = nip_problem(value)
    if problem is not None:
        raise InvalidInput("kernel.nip.invalid", field="nip", problem=problem, value=value)
    return value


def _nip_validator(value: str) -> str:
    problem = nip_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Nip = Annotated[str, AfterValidator(_nip_validator)]
"""A pydantic field type for NIPs (fails validation with the Indonesian explanation)."""
