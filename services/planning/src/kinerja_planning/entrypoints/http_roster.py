"""HTTP routes for HR's roster import and acting officials (Plt/Plh): thin — parse, call a use case, answer."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated

import openpyxl
from fastapi import APIRouter, Depends, Request, status
from pydantic import Field, ValidationError

from kinerja_kernel.contracts.planning import ActingKind, Employment, PositionType
from kinerja_kernel.errors import Detail, InvalidInput
from kinerja_kernel.http import CurrentPrincipal, RequestBody
from kinerja_kernel.identity import Nip
from kinerja_planning.application.roster_admin import (
    CSV_COLUMN_OF,
    MAX_IMPORT_ERRORS,
    AppointActing,
    RosterAdmin,
    RosterRow,
)
from kinerja_planning.application.views import AppointmentRefView, AppointmentView, RosterImportedView

router = APIRouter(prefix="/api/v1")


async def roster_admin(request: Request) -> RosterAdmin:
    service: RosterAdmin = request.app.state.roster_admin
    return service


Admin = Annotated[RosterAdmin, Depends(roster_admin)]


class RosterImportRow(RequestBody):
    """One employee as the roster holds them: every field stated (``null`` where there is no evaluator or
    superior), as in ``PUT /offices/{office}/employees/{nip}``."""

    employee_id: Nip
    name: str = Field(min_length=1, max_length=200)
    unit_id: str = Field(min_length=1, max_length=64)
    position: str = Field(min_length=1, max_length=200)
    position_type: PositionType
    employment: Employment
    evaluator_id: Nip | None
    superior_id: Nip | None

    def to_row(self, line: int | None = None) -> RosterRow:
        return RosterRow(employee_id=self.employee_id, name=self.name, unit_id=self.unit_id, position=self.position,
                         position_type=self.position_type, employment=self.employment,
                         evaluator_id=self.evaluator_id, superior_id=self.superior_id, line=line)


class RosterImportBody(RequestBody):
    rows: list[RosterImportRow] = Field(min_length=1, max_length=5000)
    reason: str | None = Field(default=None, max_length=500)


class AppointBody(RequestBody):
    absent_id: Nip = Field(description="the absent evaluator or superior")
    acting_id: Nip = Field(description="who acts in their place")
    kind: ActingKind = Field(description="plt (a vacancy) or plh (a temporary absence)")
    starts_on: date = Field(description="first day, in the office's time zone")
    ends_on: date = Field(description="last day (inclusive), in the office's time zone")
    reason: str = Field(min_length=1, max_length=1000)
    decree_number: str | None = Field(default=None, max_length=100, description="nomor surat perintah, if any")


class EndBody(RequestBody):
    reason: str = Field(min_length=1, max_length=1000)
    ends_on: date | None = Field(default=None, description="last day it still covers; default: yesterday "
                                                           "(office time zone), so it is over from today")


AppointmentRef = AppointmentRefView


# -- roster import ---------------------------------------------------------------------------------
@router.post("/offices/{office_id}/roster/import", tags=["Roster"])
async def import_roster(office_id: str, request: Request, by: CurrentPrincipal, svc: Admin) -> RosterImportedView:
    """Put many employees on the roster at once, all or nothing (HR administrator): JSON
    ``{"rows": [{employee_id, name, unit_id, position, position_type, employment, evaluator_id, superior_id}],
    "reason"}`` or ``text/csv`` with columns ``nip;nama;unit;jabatan;jenis_jabatan;status;nip_penilai;nip_atasan``
    (``;`` or ``,``), or the same columns in the first worksheet of an XLSX file
    (``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``; anything else is refused naming
    ``file``). Every row is checked before anything is saved; an error names each bad row and column. A
    row identical to the roster records nothing."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "text/csv":
        rows, reason = parse_roster_csv(raw), None
    elif content_type == XLSX:
        rows, reason = parse_roster_xlsx(raw), None
    else:
        try:
            body = RosterImportBody.model_validate_json(raw or b"{}")
        except ValidationError as exc:
            raise _refused(_problems(exc, prefix="", rename={})) from None
        rows, reason = [r.to_row() for r in body.rows], body.reason
    return await svc.import_roster(office_id, rows, reason, by)


_CODES = {"missing": "planning.import.missing", "extra_forbidden": "planning.import.extra-column",
          "list_too_short": "planning.import.no-rows", "string_too_short": "planning.import.missing",
          "string_too_long": "planning.import.too-long", "enum": "planning.import.unknown-value",
          "json_invalid": "planning.import.not-json", "model_type": "planning.import.not-object",
          "list_type": "planning.import.not-list"}
_ENUM_CODES = {"position_type": "planning.import.unknown-position-type",
               "employment": "planning.import.unknown-employment"}


def _problems(exc: ValidationError, *, prefix: str, rename: dict[str, str]) -> list[Detail]:
    """A problem per invalid field (``rows.3.employee_id``, or ``baris 4.nip`` for CSV), as a message code."""
    details = []
    for err in exc.errors()[:MAX_IMPORT_ERRORS]:
        path = ".".join(str(p) for p in err["loc"])
        last = str(err["loc"][-1]) if err["loc"] else ""
        field = prefix + rename.get(path, path) or "body"
        if err["type"] == "value_error":  # a validator's own (Indonesian) explanation, e.g. of an NIP
            details.append(Detail(field, "planning.import.value-invalid",
                                  {"problem": str(err["msg"]).removeprefix("Value error, ")}))
        elif err["type"] == "enum" and last in _ENUM_CODES:
            details.append(Detail(field, _ENUM_CODES[last]))
        else:
            details.append(Detail(field, _CODES.get(err["type"], "planning.import.invalid")))
    return details


def _refused(details: list[Detail]) -> InvalidInput:
    """One refusal naming every bad field: the first (``field: problem``), the rest as details."""
    first, *more = details
    return InvalidInput("planning.import.field", field=first.field, details=more, where=first.field,
                        problem=first.message, problem_en=first.message_en)


_CSV_FIELDS = {"nip": "employee_id", "nama": "name", "unit": "unit_id", "jabatan": "position",
               "jenis_jabatan": "position_type", "status": "employment", "nip_penilai": "evaluator_id",
               "nip_atasan": "superior_id"}
CSV_HEADER = ";".join(_CSV_FIELDS)
assert all(CSV_COLUMN_OF[f] == c for c, f in _CSV_FIELDS.items())


def parse_roster_csv(raw: bytes) -> list[RosterRow]:
    """The roster CSV's rows; every row's shape is checked so the file can be fixed in one go."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("planning.import.csv-not-utf8", field="csv") from exc
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") else ",")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    return _checked_rows(header, ((line, record) for line, record in enumerate(reader, start=2)),
                         kind="CSV", field="csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_MAX_UNPACKED = 64 * 1024 * 1024  # a roster of 5000 rows unpacks to a few MiB; more is a zip bomb
_XLSX_MAX_ROWS = 5001  # header and RosterImportBody's 5000 rows
_EXACT_DIGITS = 2 ** 53  # a larger whole number stored as a spreadsheet number has lost its last digits


def _not_xlsx(detail_en: str) -> InvalidInput:
    return InvalidInput("planning.import.not-xlsx", field="file", reason=detail_en)


def parse_roster_xlsx(raw: bytes) -> list[RosterRow]:
    """The first worksheet's rows (header ``nip;nama;…`` in row 1), checked like the CSV's; read-only mode, and
    a file that is not a real workbook, or unpacks beyond a sane size, is refused naming ``file``."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(i.file_size for i in archive.infolist()) > _XLSX_MAX_UNPACKED:
                raise _not_xlsx("unpacks too large")
            if "xl/workbook.xml" not in archive.namelist():
                raise _not_xlsx("no xl/workbook.xml")
    except zipfile.BadZipFile:
        raise _not_xlsx("not a zip archive") from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True, max_col=len(_CSV_FIELDS) + 8)
            table = [row for _, row in zip(range(_XLSX_MAX_ROWS + 1), rows, strict=False)]
        finally:
            book.close()
    except InvalidInput:
        raise
    except Exception as exc:  # any parser failure on an uploaded file means "not a workbook"
        raise _not_xlsx(type(exc).__name__) from None
    if len(table) > _XLSX_MAX_ROWS:
        raise InvalidInput("planning.import.too-many-rows", field="file", maximum=_XLSX_MAX_ROWS - 1)
    if not table:
        raise InvalidInput("planning.import.empty", field="file", kind="XLSX")
    header = [_cell(h).lower() for h in table[0]]
    problems: list[Detail] = []
    records: list[tuple[int, dict[str, str | None]]] = []
    for line, cells in enumerate(table[1:], start=2):
        record: dict[str, str | None] = {}
        for name, value in zip(header, cells, strict=False):
            if name in ("nip", "nip_penilai", "nip_atasan") and isinstance(value, int | float) \
                    and not isinstance(value, bool) and abs(value) > _EXACT_DIGITS:
                problems.append(Detail(f"baris {line}.{name}", "planning.import.nip-as-number"))
            record[name] = _cell(value)
        records.append((line, record))
    if problems:
        raise _refused(problems[:MAX_IMPORT_ERRORS])
    return _checked_rows(header, records, kind="XLSX", field="file")


def _cell(value: object) -> str:
    """A cell as the text a person typed: whole numbers without ``.0``, empty cells as ``""``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _checked_rows(header: list[str], records: Iterable[tuple[int, dict[str, str | None]]], *, kind: str,
                  field: str) -> list[RosterRow]:
    """Rows of a CSV or XLSX file, every row's shape checked (all problems named ``baris N.kolom``)."""
    missing = [c for c in _CSV_FIELDS if c not in header]
    if missing:
        raise InvalidInput("planning.import.columns-missing", field=field, kind=kind, missing=", ".join(missing),
                           header=CSV_HEADER)
    rows: list[RosterRow] = []
    problems: list[Detail] = []
    for line, record in records:
        values: dict[str, str | None] = {_CSV_FIELDS[k.strip().lower()]: (v or "").strip()
                                         for k, v in record.items() if k and k.strip().lower() in _CSV_FIELDS}
        if not any(values.values()):
            continue  # a blank line
        for name in ("evaluator_id", "superior_id"):
            values[name] = values.get(name) or None  # an empty cell: none
        for name in ("position_type", "employment"):
            values[name] = (values.get(name) or "").lower()
        try:
            row = RosterImportRow.model_validate(values)
        except ValidationError as exc:
            problems += _problems(exc, prefix=f"baris {line}.", rename={v: k for k, v in _CSV_FIELDS.items()})
            continue
        rows.append(row.to_row(line))
    if problems:
        raise _refused(problems[:MAX_IMPORT_ERRORS])
    if not rows:
        raise InvalidInput("planning.import.empty", field=field, kind=kind)
    return rows


# -- acting officials ---------------------------------------------------------------------------------
@router.post("/offices/{office_id}/acting-appointments", status_code=status.HTTP_201_CREATED,
             response_model=AppointmentRef, tags=["Roster"])
async def appoint_acting(office_id: str, body: AppointBody, by: CurrentPrincipal, svc: Admin) -> AppointmentRef:
    """Record a Plt/Plh: ``acting_id`` approves, rates, finalises and decides objections in ``absent_id``'s place
    from ``starts_on`` to ``ends_on`` (office time zone); each such action records both (HR administrator)."""
    appointment_id = await svc.appoint(AppointActing(office_id=office_id, **body.model_dump()), by)
    return AppointmentRef(appointment_id=appointment_id, version=1)


@router.post("/offices/{office_id}/acting-appointments/{appointment_id}/end", response_model=AppointmentRef,
             tags=["Roster"])
async def end_acting(office_id: str, appointment_id: uuid.UUID, body: EndBody, by: CurrentPrincipal,
                     svc: Admin) -> AppointmentRef:
    """End a Plt/Plh early (never extend it: a longer one is a new appointment). The same end again records
    nothing."""
    version = await svc.end(office_id, appointment_id, body.ends_on, body.reason, by)
    return AppointmentRef(appointment_id=appointment_id, version=version)


@router.get("/offices/{office_id}/acting-appointments", tags=["Roster"])
async def acting_appointments(office_id: str, by: CurrentPrincipal, svc: Admin) -> list[AppointmentView]:
    """The office's Plt/Plh appointments with names and status (``aktif``, ``akan_datang``, ``selesai``)."""
    return await svc.office_appointments(office_id, by)
