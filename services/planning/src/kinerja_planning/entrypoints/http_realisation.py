"""HTTP routes for realisation (progress with evidence, bulk import, comments) and service interactions."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import Field, model_validator

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.planning import Evidence, EvidenceKind, Origin, ServiceInteraction
from kinerja_kernel.errors import Detail, Forbidden, InvalidInput
from kinerja_kernel.http import CurrentPrincipal, RequestBody
from kinerja_planning.application.realisation import RealisationService
from kinerja_planning.application.views import CommentedView, InteractionsRecordedView, ProgressView, ReportedView
from kinerja_planning.domain.realisation import NewEntry

router = APIRouter(prefix="/api/v1")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 5000


async def realisation(request: Request) -> RealisationService:
    service: RealisationService = request.app.state.realisation
    return service


Realisations = Annotated[RealisationService, Depends(realisation)]




class EvidenceBody(RequestBody):
    kind: EvidenceKind
    uri: str | None = Field(default=None, min_length=1, max_length=2000,
                            description="the link (kind link); for a file, set by the service to its download path")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$",
                               description="a file's SHA-256, as the upload answered (POST /plans/{id}/evidence)")
    description: str | None = Field(default=None, max_length=500)
    name: str | None = Field(default=None, max_length=255, description="a file's name to show")

    @model_validator(mode="after")
    def _link_has_uri(self) -> EvidenceBody:
        if self.kind is EvidenceKind.LINK and not self.uri:
            raise ValueError("Tautan bukti dukung wajib diisi (http:// atau https://)")
        return self

    def to_evidence(self) -> Evidence:
        uri = self.uri if self.kind is EvidenceKind.LINK else f"sha256:{self.sha256}"
        return Evidence(kind=self.kind, uri=uri or "", sha256=self.sha256, description=self.description,
                        name=self.name)


class EntryBody(RequestBody):
    entry_id: uuid.UUID | None = Field(default=None, description="client id: an entry sent twice is kept once")
    iki_id: uuid.UUID
    value: Decimal = Field(max_digits=18, decimal_places=4)
    occurred_on: date
    description: str = Field(min_length=1, max_length=2000)
    evidence: list[EvidenceBody] = Field(default_factory=list, max_length=10)

    def to_entry(self) -> NewEntry:
        return NewEntry(iki_id=self.iki_id, value=self.value, occurred_on=self.occurred_on,
                        description=self.description, entry_id=self.entry_id,
                        evidence=tuple(e.to_evidence() for e in self.evidence))


class EntriesBody(RequestBody):
    entries: list[EntryBody] = Field(min_length=1, max_length=MAX_ENTRIES)


class CommentBody(RequestBody):
    comment: str = Field(min_length=1, max_length=2000)


class InteractionsBody(RequestBody):
    interactions: list[ServiceInteraction] = Field(min_length=1, max_length=MAX_ENTRIES)


@router.post("/plans/{plan_id}/realisation", status_code=status.HTTP_201_CREATED, tags=["Realisasi"])
async def report(plan_id: uuid.UUID, body: EntriesBody, by: CurrentPrincipal, svc: Realisations) -> ReportedView:
    """Report progress on IKIs: one entry or many (all or none are recorded)."""
    entries = [e.to_entry() for e in body.entries]
    recorded = await svc.report(plan_id, entries, by, Origin.MANUAL)
    return ReportedView(recorded=recorded, skipped=len(entries) - recorded)


CSV_COLUMNS = ("iki_id", "value", "occurred_on", "description")


@router.post("/plans/{plan_id}/realisation/import", status_code=status.HTTP_201_CREATED, tags=["Realisasi"])
async def import_csv(plan_id: uuid.UUID, request: Request, by: CurrentPrincipal, svc: Realisations) -> ReportedView:
    """Import many entries from CSV (``text/csv``): columns iki_id, value, occurred_on, description and
    optionally entry_id, evidence_url, evidence_sha256, evidence_description. All rows or none."""
    raw = await request.body()
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput("planning.csv.too-large", field="file", limit=MAX_IMPORT_BYTES)
    entries = parse_csv(raw)
    try:
        recorded = await svc.report(plan_id, entries, by, Origin.IMPORT)
    except InvalidInput as refused:
        raise _by_row(refused) from None
    return ReportedView(recorded=recorded, skipped=len(entries) - recorded)


def _by_row(refused: InvalidInput) -> InvalidInput:
    """The domain's refusal of ``entries.<i>.<field>`` told as the CSV's row (``rows.<n>``, the header being row 1)."""
    def row_of(field: str | None, message: str, message_en: str) -> Detail:
        parts = (field or "").split(".")
        if len(parts) >= 2 and parts[0] == "entries" and parts[1].isdigit():
            n = int(parts[1]) + 2
            column = parts[2] if len(parts) > 2 and parts[2] in ("occurred_on", "value", "iki_id") else None
            code = "planning.csv.row-column" if column else "planning.csv.row"
            return Detail(f"rows.{n}", code, {"row": n, "column": column, "problem": message,
                                             "problem_en": message_en})
        return Detail(field or "", "planning.csv.problem", {"problem": message, "problem_en": message_en})

    first = row_of(refused.field, refused.message, refused.message_en)
    return InvalidInput(first.code, field=first.field, **first.params,
                        details=[row_of(d.field, d.message, d.message_en) for d in refused.details])


def parse_csv(raw: bytes) -> list[NewEntry]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("planning.csv.not-utf8", field="file") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") else ",")
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput("planning.csv.columns-missing", field="file", missing=", ".join(missing))
    entries: list[NewEntry] = []
    problems: list[Detail] = []
    for n, row in enumerate(reader, start=2):
        found = _csv_row(n, row)
        if isinstance(found, NewEntry):
            entries.append(found)
        else:
            problems.append(Detail(f"rows.{n}", "planning.csv.row", {
                "row": n, "problem": "; ".join(d.message for d in found),
                "problem_en": "; ".join(d.message_en for d in found)}))
        if len(entries) + len(problems) > MAX_ENTRIES:
            raise InvalidInput("planning.csv.too-many-rows", field="file", maximum=MAX_ENTRIES)
    if problems:
        first, rest = problems[0], problems[1:]
        raise InvalidInput(first.code, field=first.field, details=rest, **first.params)
    if not entries:
        raise InvalidInput("planning.csv.empty", field="file")
    return entries


def _csv_row(n: int, row: dict[str, str | None]) -> NewEntry | list[Detail]:
    """One CSV row as an entry, or what is wrong with each bad column and what to write."""
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    wrong: list[Detail] = []
    iki_id = entry_id = None
    value: Decimal | None = None
    day: date | None = None
    try:
        iki_id = uuid.UUID(cell("iki_id"))
    except ValueError:
        wrong.append(Detail("iki_id", "planning.csv.iki-id", {"value": cell("iki_id")[:40]}))
    try:
        value = Decimal(cell("value").replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        wrong.append(Detail("value", "planning.csv.value", {"value": cell("value")[:20]}))
    try:
        day = date.fromisoformat(cell("occurred_on"))
    except ValueError:
        wrong.append(Detail("occurred_on", "planning.csv.occurred-on", {"value": cell("occurred_on")[:20]}))
    if not cell("description"):
        wrong.append(Detail("description", "planning.csv.description"))
    if cell("entry_id"):
        try:
            entry_id = uuid.UUID(cell("entry_id"))
        except ValueError:
            wrong.append(Detail("entry_id", "planning.csv.entry-id"))
    evidence: tuple[Evidence, ...] = ()
    if cell("evidence_url"):
        try:
            evidence = (Evidence(kind=EvidenceKind.LINK, uri=cell("evidence_url"),
                                 sha256=cell("evidence_sha256") or None,
                                 description=cell("evidence_description") or None),)
        except ValueError:
            wrong.append(Detail("evidence_url", "planning.csv.evidence"))
    if wrong or iki_id is None or value is None or day is None:
        return wrong
    return NewEntry(iki_id=iki_id, value=value, occurred_on=day, description=cell("description"),
                    evidence=evidence, entry_id=entry_id)


@router.post("/plans/{plan_id}/realisation/{entry_id}/comments", status_code=status.HTTP_201_CREATED,
             tags=["Realisasi"])
async def comment(plan_id: uuid.UUID, entry_id: uuid.UUID, body: CommentBody, by: CurrentPrincipal,
                  svc: Realisations) -> CommentedView:
    return CommentedView(comment_id=await svc.comment(plan_id, entry_id, body.comment, by))


@router.get("/plans/{plan_id}/realisation", tags=["Realisasi"])
async def progress(plan_id: uuid.UUID, by: CurrentPrincipal, svc: Realisations,
                   since: Annotated[date | None, Query(description="with until: also count the entries dated "
                                                       "from this day (an appraisal period's start)")] = None,
                   until: Annotated[date | None, Query(description="... to this day, inclusive")] = None,
                   ) -> ProgressView:
    """Progress per IKI: target, ``realised`` (every counted entry of the year: not returned or withdrawn),
    ``by_quarter``, ``realised_in_range`` between ``since`` and ``until`` when given (what an appraisal of that
    period counts), percent, achieved; and every entry with its status, return, corrections and comments."""
    return await svc.progress(plan_id, by, since, until)


@router.post("/interactions", status_code=status.HTTP_202_ACCEPTED, tags=["Interaksi layanan"])
async def record_interactions(body: InteractionsBody, by: CurrentPrincipal,
                              svc: Realisations) -> InteractionsRecordedView:
    """Record a batch of service interactions (a counter system or HR), all or nothing: each interaction's
    employee must be on the roster of the office it names (403 if that office is not the caller's, 422 if the
    roster does not place the employee there). An interaction id already recorded, or repeated in the batch,
    counts once: ``accepted`` is what was recorded now, ``duplicates`` the rest."""
    by.require_role(Role.SYSTEM, Role.PENGELOLA_KEPEGAWAIAN)
    for i, interaction in enumerate(body.interactions):
        if not by.in_office(interaction.office_id):
            raise Forbidden("planning.interaction.office-not-allowed", field=f"interactions.{i}.office_id",
                            index=i, office_id=interaction.office_id)
    result = await svc.ingest(body.interactions, by.actor(Role.SYSTEM if by.has_role(Role.SYSTEM)
                                                          else Role.PENGELOLA_KEPEGAWAIAN), all_or_nothing=True)
    return InteractionsRecordedView(accepted=result.accepted, duplicates=result.duplicates)
