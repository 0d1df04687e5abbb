"""The one writer of every export (HR lists and recaps): CSV and XLSX from columns and rows.

- Headers are Indonesian (the caller's column titles). CSV is what a spreadsheet opened in Indonesia reads:
  UTF-8 with a BOM, ``;`` between fields, numbers written the Indonesian way (``1.234,5``), days as
  ``3 Desember 2026``, instants as ``3 Desember 2026 09.30 WITA``. XLSX holds real numbers and dates
  (sortable, summable) formatted Indonesian (``[$-421]``: month names in Indonesian, the reader's separators).
- Text that a spreadsheet would run as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return — gets a leading apostrophe in both formats (OWASP "CSV injection"); an XLSX text cell is
  also always typed as text, so openpyxl never writes it as a formula.
- Rows are written as they come (an iterable): CSV is yielded row by row; XLSX uses openpyxl's write-only
  mode into a temporary file that is then streamed in chunks. No rows: a valid file with the header row.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from starlette.responses import StreamingResponse

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.http import content_disposition
from kinerja_kernel.labels import tanggal
from kinerja_portal.numbers import format_id_number

Kind = Literal["text", "number", "date", "moment"]
Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
MEDIA_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 64 * 1024
XLSX_DAY = "[$-421]d mmmm yyyy"
XLSX_MOMENT = "[$-421]d mmmm yyyy hh.mm"


@dataclass(frozen=True)
class Column:
    """One column: its Indonesian header, what kind of value it holds and, for numbers, how many decimals."""

    header: str
    kind: Kind = "text"
    places: int | None = None


def neutralise(text: str) -> str:
    """Text a spreadsheet would evaluate (``=1+2``, ``@SUM``, ``-2+3``) with a leading apostrophe."""
    return "'" + text if text.startswith(DANGEROUS) else text


def _number(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _moment(value: object, zone: TimeZone) -> datetime | None:
    """An instant in the office's zone, without the zone (XLSX has none; the header names it)."""
    moment = value if isinstance(value, datetime) else None
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(zone.tzinfo).replace(tzinfo=None)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    return neutralise(str(value))


def csv_cell(column: Column, value: object, zone: TimeZone = TimeZone.WIB) -> str:
    """A value as the CSV writes it (Indonesian numbers and dates; neutralised text)."""
    if column.kind == "number":
        number = _number(value)
        return "" if number is None else format_id_number(number, places=column.places)
    if column.kind == "date":
        day = _day(value)
        return "" if day is None else tanggal(day)
    if column.kind == "moment":
        moment = _moment(value, zone)
        return "" if moment is None else f"{tanggal(moment.date())} {moment:%H.%M} {zone.value}"
    return _text(value)


def csv_rows(columns: Sequence[Column], rows: Iterable[Sequence[object]], zone: TimeZone = TimeZone.WIB
             ) -> Iterator[bytes]:
    """The CSV, a row at a time (the first chunk starts with the BOM and the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in columns])
    yield ("\ufeff" + buffer.getvalue()).encode()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(c, v, zone) for c, v in zip(columns, row, strict=True)])
        yield buffer.getvalue().encode()


def _xlsx_cell(sheet: WriteOnlyWorksheet, column: Column, value: object, zone: TimeZone) -> Cell:
    if column.kind == "number":
        number = _number(value)
        whole = number is not None and not column.places and number == number.to_integral_value()
        cell = WriteOnlyCell(sheet, value=None if number is None else int(number) if whole else float(number))
        cell.number_format = "#,##0" if not column.places else "#,##0." + "0" * column.places
        return cell
    if column.kind == "date":
        day = _day(value)
        cell = WriteOnlyCell(sheet, value=None if day is None else datetime(day.year, day.month, day.day))
        cell.number_format = XLSX_DAY
        return cell
    if column.kind == "moment":
        cell = WriteOnlyCell(sheet, value=_moment(value, zone))
        cell.number_format = XLSX_MOMENT
        return cell
    cell = WriteOnlyCell(sheet, value=_text(value) or None)
    if cell.value is not None:
        cell.data_type = "s"  # never a formula, whatever the text
    return cell


def xlsx_chunks(columns: Sequence[Column], rows: Iterable[Sequence[object]], *, sheet_title: str,
                zone: TimeZone = TimeZone.WIB) -> Iterator[bytes]:
    """The workbook (one sheet), written row by row in write-only mode, then read back in chunks."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.header))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c, v, zone) for c, v in zip(columns, row, strict=True)])
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk


def export_response(name: str, fmt: Format, columns: Sequence[Column], rows: Iterable[Sequence[object]], *,
                    sheet_title: str, zone: TimeZone = TimeZone.WIB) -> StreamingResponse:
    """The download: ``<name>.csv`` or ``<name>.xlsx``, streamed, never cached."""
    body = (csv_rows(columns, rows, zone) if fmt == "csv"
            else xlsx_chunks(columns, rows, sheet_title=sheet_title, zone=zone))
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": content_disposition(f"{name}.{fmt}"), "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})
