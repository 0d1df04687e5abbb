"""The export writer: formula injection neutralised in CSV and XLSX, an empty export is a valid file with its
headers, Indonesian numbers and dates in CSV and real typed cells in XLSX, and the download's headers."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal.exports import Column, csv_rows, export_response, neutralise, xlsx_chunks

COLUMNS = [Column("Nama"), Column("Realisasi (%)", "number", 1), Column("Jumlah", "number"),
           Column("Tanggal lapor", "date"), Column("Terakhir diubah", "moment")]
EVIL = ["=HYPERLINK(\"http://x\";\"klik\")", "+62 811", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _csv(rows: list[list[object]], zone: TimeZone = TimeZone.WIB) -> list[list[str]]:
    text = b"".join(csv_rows(COLUMNS, rows, zone)).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _xlsx(rows: list[list[object]]) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(b"".join(xlsx_chunks(COLUMNS, rows, sheet_title="Rekap"))))
    return [tuple(c.value for c in row) for row in book["Rekap"].iter_rows()]


@pytest.mark.parametrize("text", EVIL)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert _csv([[text, None, None, None, None]])[1][0] == "'" + text
    book = load_workbook(io.BytesIO(b"".join(xlsx_chunks(COLUMNS, [[text, None, None, None, None]],
                                                           sheet_title="Rekap"))))
    cell = book["Rekap"]["A2"]
    assert cell.value == "'" + text and cell.data_type == "s"  # text, never a formula


def test_harmless_text_and_negative_numbers_stay_as_they_are() -> None:
    assert neutralise("Analis SDM") == "Analis SDM"
    rows = _csv([["Budi - Analis", "-12.5", "-3", None, None]])
    assert rows[1][:3] == ["Budi - Analis", "-12,5", "-3"]  # numbers are formatted by us, not text
    assert _xlsx([["Budi", "-12.5", "-3", None, None]])[1][:3] == ("Budi", -12.5, -3)


def test_an_export_without_rows_is_a_valid_file_with_its_headers() -> None:
    headers = ["Nama", "Realisasi (%)", "Jumlah", "Tanggal lapor", "Terakhir diubah"]
    assert _csv([]) == [headers]
    assert _xlsx([]) == [tuple(headers)]


def test_csv_writes_numbers_and_dates_the_indonesian_way() -> None:
    moment = "2026-12-03T01:30:00+00:00"
    rows = _csv([["Siti", "58.3333", "1234567", "2026-03-10", moment]], TimeZone.WITA)
    assert rows[1] == ["Siti", "58,3", "1.234.567", "10 Maret 2026", "3 Desember 2026 09.30 WITA"]
    assert _csv([["Siti", None, "", None, None]])[1] == ["Siti", "", "", "", ""]


def test_xlsx_holds_real_numbers_and_dates_with_indonesian_formats() -> None:
    data = b"".join(xlsx_chunks(COLUMNS, [["Siti", 58.3333, 1234567, date(2026, 3, 10),
                                           datetime.fromisoformat("2026-12-03T01:30:00+00:00")]],
                                sheet_title="Rekap"))
    sheet = load_workbook(io.BytesIO(data))["Rekap"]
    assert sheet["A1"].font.b
    assert sheet["B2"].value == pytest.approx(58.3333) and sheet["B2"].number_format == "#,##0.0"
    assert sheet["C2"].value == 1234567 and sheet["C2"].number_format == "#,##0"
    assert sheet["D2"].value == datetime(2026, 3, 10) and "d mmmm yyyy" in sheet["D2"].number_format
    assert sheet["D2"].number_format.startswith("[$-421]")  # Indonesian month names
    assert sheet["E2"].value == datetime(2026, 12, 3, 8, 30)  # in WIB, the default zone


def test_many_rows_stream_in_chunks() -> None:
    rows = ([f"Pegawai {i}", i / 7, i, "2026-01-01", None] for i in range(5000))
    chunks = list(csv_rows(COLUMNS, rows))
    assert len(chunks) == 5001  # the header, then one chunk per row
    assert b"".join(xlsx_chunks(COLUMNS, ([f"P{i}", i, i, None, None] for i in range(20000)),
                                sheet_title="Besar")).startswith(b"PK")


def test_the_download_names_the_file_and_is_not_cached() -> None:
    response = export_response("status-skp-Kantor Ü 2026", "xlsx", COLUMNS, [], sheet_title="Status SKP")
    assert response.media_type.startswith("application/vnd.openxmlformats")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"status-skp-Kantor_U_2026.xlsx\"")
    assert "filename*=UTF-8''status-skp-Kantor%20%C3%9C%202026.xlsx" in disposition
    assert response.headers["cache-control"] == "no-store"

    async def body() -> bytes:
        return b"".join([chunk if isinstance(chunk, bytes) else chunk.encode()
                         async for chunk in response.body_iterator])

    assert asyncio.run(body()).startswith(b"PK")
