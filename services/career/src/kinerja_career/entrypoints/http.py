"""HTTP routes of the career service: thin — parse, call a use case, answer."""

from __future__ import annotations

import csv
import enum
import io
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from kinerja_career.application import views as v
from kinerja_career.application.career import MAX_IMPORT_ERRORS, CareerService, RankRow
from kinerja_career.application.development import DevelopmentService
from kinerja_career.domain import rules
from kinerja_kernel.contracts.career import (
    DEFAULT_COEFFICIENTS,
    ActivityType,
    CatalogEntry,
    CatalogTrigger,
    DevelopmentActivity,
    DevelopmentPlanKind,
    FunctionalLevel,
    FunctionalPosition,
    Potential,
    PotentialAssessment,
    Rank,
)
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.errors import Detail, InvalidInput
from kinerja_kernel.http import CurrentPrincipal, PeriodYear, RequestBody, StreamVersion
from kinerja_kernel.identity import Nip

router = APIRouter(prefix="/api/v1")

En = TypeVar("En", bound=enum.StrEnum)


def choice(kind: type[En], label: str) -> BeforeValidator:
    """Accept an enum value (case-insensitive); otherwise say in Indonesian which values exist."""
    allowed = ", ".join(m.value for m in kind)

    def check(value: object) -> En:
        if isinstance(value, str):
            try:
                return kind(value.strip().lower())
            except ValueError:
                pass
        raise ValueError(f"{label} '{value}' tidak dikenal; pilih salah satu: {allowed}")

    return BeforeValidator(check)


def _grade(value: object) -> str:
    text = str(value).strip()
    parts = text.split("/")
    if len(parts) != 2 or parts[0] not in {"I", "II", "III", "IV", "V"} or parts[1] not in set("abcde"):
        raise ValueError(f"Golongan '{text}' tidak dikenal; tulis seperti III/c (I-IV, a-e)")
    return text


async def career(request: Request) -> CareerService:
    service: CareerService = request.app.state.career
    return service


async def development(request: Request) -> DevelopmentService:
    service: DevelopmentService = request.app.state.development
    return service


Career = Annotated[CareerService, Depends(career)]
Development = Annotated[DevelopmentService, Depends(development)]
PotentialField = Annotated[Potential, choice(Potential, "Potensi")]
LevelField = Annotated[FunctionalLevel, choice(FunctionalLevel, "Jenjang jabatan fungsional")]
ValueField = Annotated[BerAkhlak, choice(BerAkhlak, "Nilai BerAKHLAK")]
TriggerField = Annotated[CatalogTrigger, choice(CatalogTrigger, "Pemicu")]
KindField = Annotated[DevelopmentPlanKind, choice(DevelopmentPlanKind, "Jenis rencana")]
ActivityTypeField = Annotated[ActivityType, choice(ActivityType, "Jenis kegiatan")]
Grade = Annotated[str, BeforeValidator(_grade)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
Reason = Annotated[str | None, Field(default=None, max_length=1000)]




# -- bodies ---------------------------------------------------------------------------------------
class RankBody(RequestBody):
    grade: Grade = Field(description="golongan/ruang, e.g. III/c")
    name: str = Field(min_length=1, max_length=80, description="pangkat, e.g. Penata")
    tmt: date = Field(description="TMT (terhitung mulai tanggal) of the current rank")
    reason: Reason = None

    def to_rank(self) -> Rank:
        return Rank(grade=self.grade, name=self.name, tmt=self.tmt)


class RankImportRow(RankBody):
    employee_id: Nip


class RankImportBody(RequestBody):
    rows: list[RankImportRow] = Field(min_length=1, max_length=5000)
    reason: Reason = None


class FunctionalBody(RequestBody):
    level: LevelField
    coefficient: Decimal | None = Field(default=None, gt=0, le=100, max_digits=6, decimal_places=2,
                                        description="annual coefficient; default from the level")
    effective_year: PeriodYear
    reason: Reason = None


class PotentialBody(RequestBody):
    potential: PotentialField = Field(description="tinggi / menengah / rendah")
    source: str = Field(min_length=1, max_length=200, description="the assessment, e.g. Assessment Center")
    assessed_on: date
    reason: Reason = None


class CatalogBody(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    trigger: TriggerField = Field(description="nilai (a weak BerAKHLAK value) or hasil_kerja (weak results)")
    value: ValueField | None = None
    hours: int = Field(ge=1, le=2000)
    provider: str | None = Field(default=None, max_length=200)
    reason: Reason = None


class ActivityBody(RequestBody):
    activity_id: uuid.UUID | None = Field(default=None, description="keep an existing activity's id when revising")
    title: str = Field(min_length=1, max_length=300)
    type: ActivityTypeField
    hours_planned: int = Field(ge=1, le=2000)
    due_on: date | None = None
    catalog_code: Code | None = None

    def to_activity(self) -> DevelopmentActivity:
        return DevelopmentActivity(activity_id=self.activity_id or uuid.uuid4(), title=self.title, type=self.type,
                                   hours_planned=self.hours_planned, due_on=self.due_on,
                                   catalog_code=self.catalog_code)


class PlanBody(RequestBody):
    employee_id: Nip
    year: PeriodYear
    kind: KindField = DevelopmentPlanKind.PENGEMBANGAN
    goals: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(max_length=20)
    activities: list[ActivityBody] = Field(max_length=50)


class PlanRevisionBody(RequestBody):
    goals: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(max_length=20)
    activities: list[ActivityBody] = Field(max_length=50)
    reason: str = Field(min_length=1, max_length=1000)
    expected_version: StreamVersion | None = None


class ProgressBody(RequestBody):
    hours_done: Decimal = Field(ge=0, le=10000, max_digits=7, decimal_places=2)
    progress_percent: int = Field(ge=0, le=100)
    note: str | None = Field(default=None, max_length=1000)


def _as_of(as_of: date | None, year: int | None) -> date | None:
    """``as_of`` as given, or the first promotion period (1 April) of ``year``."""
    if as_of is not None:
        return as_of
    return rules.promotion_periods(year)[0] if year is not None else None


AsOf = Annotated[date | None, Query(description="tanggal acuan (default: periode kenaikan pangkat berikutnya)")]
AsOfYear = Annotated[PeriodYear | None, Query(description="tahun: periode 1 April tahun itu")]


# -- HR data entry --------------------------------------------------------------------------------
@router.put("/offices/{office_id}/employees/{employee_id}/rank", tags=["Data kepegawaian"],
            response_model=v.RecordVersion)
async def record_rank(office_id: str, employee_id: Nip, body: RankBody, by: CurrentPrincipal,
                      svc: Career) -> v.RecordVersion:
    """HR records the employee's current rank (golongan, pangkat) and its TMT."""
    version = await svc.record_rank(office_id, employee_id, body.to_rank(), body.reason, by)
    return v.RecordVersion(employee_id=employee_id, version=version)


@router.post("/offices/{office_id}/ranks/import", tags=["Data kepegawaian"], response_model=v.RankImport)
async def import_ranks(office_id: str, request: Request, by: CurrentPrincipal, svc: Career) -> v.RankImport:
    """Bulk import, all or nothing: JSON ``{"rows": [{employee_id, grade, name, tmt}]}`` or ``text/csv`` with
    columns ``nip;golongan;pangkat;tmt`` (``;`` or ``,``). An error names the row and the column."""
    raw = await request.body()
    if request.headers.get("content-type", "").split(";")[0].strip() == "text/csv":
        rows, reason = _parse_rank_csv(raw), None
    else:
        body = _validated(RankImportBody, raw)
        rows = [RankRow(r.employee_id, r.to_rank()) for r in body.rows]
        reason = body.reason
    changed = await svc.import_ranks(office_id, rows, reason, by)
    return v.RankImport(office_id=office_id, rows=len(rows), changed=changed)


@router.put("/offices/{office_id}/employees/{employee_id}/functional-position", tags=["Data kepegawaian"],
            response_model=v.FunctionalPositionSaved)
async def set_functional_position(office_id: str, employee_id: Nip, body: FunctionalBody, by: CurrentPrincipal,
                                  svc: Career) -> v.FunctionalPositionSaved:
    """HR sets the functional level (jenjang) and the annual credit-point coefficient from a year on."""
    position = FunctionalPosition(level=body.level, coefficient=body.coefficient or DEFAULT_COEFFICIENTS[body.level],
                                  effective_year=body.effective_year)
    version = await svc.set_functional_position(office_id, employee_id, position, body.reason, by)
    return v.FunctionalPositionSaved(employee_id=employee_id, version=version, coefficient=position.coefficient)


@router.put("/offices/{office_id}/employees/{employee_id}/potential", tags=["Data kepegawaian"],
            response_model=v.RecordVersion)
async def assess_potential(office_id: str, employee_id: Nip, body: PotentialBody, by: CurrentPrincipal,
                           svc: Career) -> v.RecordVersion:
    """HR enters the potential from a talent assessment (Tinggi / Menengah / Rendah, source, date)."""
    assessment = PotentialAssessment(potential=body.potential, source=body.source, assessed_on=body.assessed_on)
    version = await svc.assess_potential(office_id, employee_id, assessment, body.reason, by)
    return v.RecordVersion(employee_id=employee_id, version=version)


# -- training catalog -----------------------------------------------------------------------------
@router.put("/offices/{office_id}/training-catalog/{code}", tags=["Katalog pelatihan"],
            response_model=v.CatalogVersion)
async def set_catalog_entry(office_id: str, code: Code, body: CatalogBody, by: CurrentPrincipal,
                            svc: Development) -> v.CatalogVersion:
    """Add or change a training: for a weak BerAKHLAK value (``nilai`` + ``value``) or weak results."""
    entry = CatalogEntry(code=code, title=body.title, trigger=body.trigger, value=body.value, hours=body.hours,
                         provider=body.provider)
    return v.CatalogVersion(code=code, version=await svc.set_catalog_entry(office_id, entry, body.reason, by))


@router.delete("/offices/{office_id}/training-catalog/{code}", tags=["Katalog pelatihan"],
               response_model=v.CatalogVersion)
async def remove_catalog_entry(office_id: str, code: Code, by: CurrentPrincipal, svc: Development,
                               reason: Annotated[str | None, Query(max_length=1000)] = None) -> v.CatalogVersion:
    return v.CatalogVersion(code=code, version=await svc.remove_catalog_entry(office_id, code, reason, by))


@router.get("/offices/{office_id}/training-catalog", tags=["Katalog pelatihan"],
            response_model=list[v.CatalogEntryView])
async def catalog(office_id: str, by: CurrentPrincipal, svc: Development) -> list[v.CatalogEntryView]:
    return await svc.catalog(office_id, by)


# -- development plans ----------------------------------------------------------------------------
@router.post("/development-plans", status_code=status.HTTP_201_CREATED, tags=["Rencana pengembangan"],
             response_model=v.PlanView)
async def create_plan(body: PlanBody, by: CurrentPrincipal, svc: Development) -> v.PlanView:
    """An IDP (by the employee, their evaluator, or HR of their office); ``perbaikan`` needs coaching."""
    idp_id, version = await svc.create_plan(
        employee_id=body.employee_id, year=body.year, kind=body.kind, goals=body.goals,
        activities=[a.to_activity() for a in body.activities], by=by)
    return (await svc.get_plan(idp_id, by)).model_copy(update={"version": version})


@router.get("/development-plans/{idp_id}", tags=["Rencana pengembangan"], response_model=v.PlanView)
async def get_plan(idp_id: uuid.UUID, by: CurrentPrincipal, svc: Development) -> v.PlanView:
    return await svc.get_plan(idp_id, by)


@router.put("/development-plans/{idp_id}", tags=["Rencana pengembangan"], response_model=v.PlanView)
async def revise_plan(idp_id: uuid.UUID, body: PlanRevisionBody, by: CurrentPrincipal,
                      svc: Development) -> v.PlanView:
    """Replace goals and activities (an activity keeping its ``activity_id`` keeps its progress)."""
    await svc.revise_plan(idp_id, goals=body.goals, activities=[a.to_activity() for a in body.activities],
                          reason=body.reason, expected_version=body.expected_version, by=by)
    return await svc.get_plan(idp_id, by)


@router.post("/development-plans/{idp_id}/activities/{activity_id}/progress", tags=["Rencana pengembangan"],
             response_model=v.PlanView)
async def progress(idp_id: uuid.UUID, activity_id: uuid.UUID, body: ProgressBody, by: CurrentPrincipal,
                   svc: Development) -> v.PlanView:
    await svc.progress(idp_id, activity_id, hours_done=body.hours_done, progress_percent=body.progress_percent,
                       note=body.note, by=by)
    return await svc.get_plan(idp_id, by)


# -- read models ----------------------------------------------------------------------------------
@router.get("/me/career", tags=["Read models"], response_model=v.CareerPage)
async def my_career(by: CurrentPrincipal, svc: Career, as_of: AsOf = None, year: AsOfYear = None) -> v.CareerPage:
    """The caller's career page: history, credit points, promotion (as of a date), talent box, development."""
    return await svc.career_page(by.user_id, by, _as_of(as_of, year))


@router.get("/employees/{employee_id}/career", tags=["Read models"], response_model=v.CareerPage)
async def employee_career(employee_id: Nip, by: CurrentPrincipal, svc: Career, as_of: AsOf = None,
                          year: AsOfYear = None) -> v.CareerPage:
    """An employee's career page (the employee, their evaluator, HR / auditors / superiors of the office)."""
    return await svc.career_page(employee_id, by, _as_of(as_of, year))


@router.get("/offices/{office_id}/employees", tags=["Read models"], response_model=list[v.PersonnelView])
async def office_personnel(office_id: str, by: CurrentPrincipal, svc: Career) -> list[v.PersonnelView]:
    """Each employee's rank and TMT, functional position, potential and talent box as this service knows
    them (HR, auditors and superiors of the office)."""
    return await svc.office_personnel(office_id, by)


@router.get("/offices/{office_id}/talent", tags=["Read models"], response_model=v.TalentGrid)
async def talent_grid(office_id: str, by: CurrentPrincipal, svc: Career) -> v.TalentGrid:
    """The office's talent 9-box: boxes, talent pool (7-9), development group (1-6), who has no box yet."""
    return await svc.talent_grid(office_id, by)


@router.get("/offices/{office_id}/promotions", tags=["Read models"], response_model=v.Promotions)
async def promotions(office_id: str, by: CurrentPrincipal, svc: Career, as_of: AsOf = None,
                     year: AsOfYear = None) -> v.Promotions:
    """Who is eligible for regular promotion at the period, and why (or why not)."""
    return await svc.promotions(office_id, by, _as_of(as_of, year))


# -- parsing --------------------------------------------------------------------------------------
M = TypeVar("M", bound=BaseModel)


def _validated(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise _invalid(exc, prefix="") from exc


_MESSAGES = {"missing": "wajib diisi", "date_from_datetime_parsing": "harus berupa tanggal (YYYY-MM-DD)",
             "date_parsing": "harus berupa tanggal (YYYY-MM-DD)", "extra_forbidden": "kolom tidak dikenal",
             "list_too_short": "minimal satu baris", "string_too_short": "wajib diisi",
             "string_too_long": "terlalu panjang"}


def _problems(exc: ValidationError, *, prefix: str, rename: Mapping[str, str] | None = None) -> list[Detail]:
    """One problem per invalid field (``rows.3.tmt``, or ``baris 4.tmt`` for CSV), its text Indonesian."""
    details = []
    for err in exc.errors()[:MAX_IMPORT_ERRORS]:
        path = ".".join(str(p) for p in err["loc"])
        field = prefix + (rename or {}).get(path, path)
        message = (str(err["msg"]).removeprefix("Value error, ") if err["type"] == "value_error"
                   else _MESSAGES.get(err["type"], "nilainya tidak valid"))
        details.append(Detail(field, "career.import.value-invalid", {"problem": message, "problem_en": err["msg"]}))
    return details


def _refused(details: list[Detail]) -> InvalidInput:
    """One problem naming every invalid field; the first one is its detail."""
    first, *more = details
    return InvalidInput("career.import.field-invalid", field=first.field, details=more, where=first.field,
                        **first.params)


def _invalid(exc: ValidationError, *, prefix: str) -> InvalidInput:
    return _refused(_problems(exc, prefix=prefix))


_CSV_COLUMNS = {"nip": "employee_id", "golongan": "grade", "pangkat": "name", "tmt": "tmt"}


def _parse_rank_csv(raw: bytes) -> list[RankRow]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("career.import.csv-not-utf8", field="csv") from exc
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") else ",")
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise InvalidInput("career.import.csv-columns-missing", field="csv", missing=", ".join(missing))
    rows: list[RankRow] = []
    problems: list[Detail] = []
    for line, record in enumerate(reader, start=2):
        values = {_CSV_COLUMNS[k.strip().lower()]: (v or "").strip() for k, v in record.items()
                  if k and k.strip().lower() in _CSV_COLUMNS}
        if not any(values.values()):
            continue  # a blank line
        try:
            row = RankImportRow.model_validate(values)
        except ValidationError as exc:  # every row is checked, so the file can be fixed in one go
            problems += _problems(exc, prefix=f"baris {line}.", rename={v: k for k, v in _CSV_COLUMNS.items()})
            continue
        rows.append(RankRow(row.employee_id, row.to_rank(), line=line))
    if problems:
        raise _refused(problems[:MAX_IMPORT_ERRORS])
    if not rows:
        raise InvalidInput("career.import.csv-empty", field="csv")
    return rows
