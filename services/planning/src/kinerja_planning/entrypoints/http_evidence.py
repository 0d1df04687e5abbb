"""HTTP routes for evidence files (upload, download) and for sending a realisation entry back for correction,
correcting it and withdrawing it."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile, status
from fastapi.responses import Response
from pydantic import Field

from kinerja_kernel.edge import unstorable
from kinerja_kernel.errors import InvalidInput
from kinerja_kernel.http import CurrentPrincipal, RequestBody, content_disposition
from kinerja_planning.application.views import EntryStatusView, StoredFileRef, UploadedView
from kinerja_planning.entrypoints.http_realisation import EvidenceBody, Realisations

router = APIRouter(prefix="/api/v1")
UPLOAD_ROUTE = "/api/v1/plans/{plan_id}/evidence"
MULTIPART_ALLOWANCE = 64 * 1024
"""What the upload route's body may hold beyond the file itself (multipart headers, boundaries)."""

Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the file's SHA-256 (lower-case hex)")]


class ReturnBody(RequestBody):
    reason: str = Field(min_length=1, max_length=2000, description="what the employee must correct")


class CorrectionBody(RequestBody):
    value: Decimal = Field(max_digits=18, decimal_places=4)
    occurred_on: date
    description: str = Field(min_length=1, max_length=2000)
    evidence: list[EvidenceBody] = Field(default_factory=list, max_length=10)
    note: str | None = Field(default=None, max_length=2000, description="what was corrected")


class WithdrawBody(RequestBody):
    reason: str | None = Field(default=None, max_length=2000)


@router.post(UPLOAD_ROUTE.removeprefix("/api/v1"), status_code=status.HTTP_201_CREATED, tags=["Realisasi"],
             responses={413: {"description": "the file is larger than the limit"}})
async def upload_evidence(plan_id: uuid.UUID, by: CurrentPrincipal, svc: Realisations,
                          file: Annotated[UploadFile, File(description="PDF, PNG, JPEG, WebP, DOCX/XLSX/PPTX, "
                                                           "ODT/ODS/ODP")]) -> UploadedView:
    """Upload an evidence file (multipart ``file``) for the plan's owner to cite in an entry
    (``evidence: [{"kind": "file", "sha256": ...}]``). Its type is found from its content; a type not accepted or
    a file above the limit is refused and nothing is stored. The same bytes twice are kept once."""
    name = file.filename or ""
    if unstorable(name):
        raise InvalidInput("planning.evidence.bad-name", field="file")
    data = await file.read(svc.max_file_bytes + 1)
    stored = await svc.upload(plan_id, data, name, by)
    return UploadedView(sha256=stored.sha256, name=stored.name, media_type=stored.media_type, size=stored.size,
                        evidence=StoredFileRef(sha256=stored.sha256, name=stored.name))


@router.get("/plans/{plan_id}/evidence/{sha256}", tags=["Realisasi"],
            responses={200: {"content": {"application/octet-stream": {}}, "description": "the file, as an attachment"}})
async def download_evidence(plan_id: uuid.UUID, sha256: Sha256, by: CurrentPrincipal, svc: Realisations) -> Response:
    """An evidence file an entry of this plan cites, for those who may see the plan's realisation. Always an
    attachment, with the type found from its content and ``nosniff``: never shown inline as a page."""
    found = await svc.download(plan_id, sha256, by)
    return Response(found.data, media_type=found.media_type, headers={
        "Content-Disposition": content_disposition(found.name), "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, no-store",
        "Digest": f"sha-256={sha256}"})


@router.post("/plans/{plan_id}/realisation/{entry_id}/return", status_code=status.HTTP_200_OK, tags=["Realisasi"])
async def return_entry(plan_id: uuid.UUID, entry_id: uuid.UUID, body: ReturnBody, by: CurrentPrincipal,
                       svc: Realisations) -> EntryStatusView:
    """The evaluator sends an entry back for correction with a reason; it stops counting until corrected."""
    await svc.return_entry(plan_id, entry_id, body.reason, by)
    return EntryStatusView(entry_id=entry_id, status="returned")


@router.post("/plans/{plan_id}/realisation/{entry_id}/correction", status_code=status.HTTP_200_OK,
             tags=["Realisasi"])
async def correct_entry(plan_id: uuid.UUID, entry_id: uuid.UUID, body: CorrectionBody, by: CurrentPrincipal,
                        svc: Realisations) -> EntryStatusView:
    """The employee corrects an entry the evaluator sent back (value, day, description, evidence); it counts
    again. The previous value and day stay in the event."""
    await svc.correct(plan_id, entry_id, by, value=body.value, occurred_on=body.occurred_on,
                      description=body.description, note=body.note,
                      evidence=tuple(e.to_evidence() for e in body.evidence))
    return EntryStatusView(entry_id=entry_id, status="counted")


@router.post("/plans/{plan_id}/realisation/{entry_id}/withdrawal", status_code=status.HTTP_200_OK,
             tags=["Realisasi"])
async def withdraw_entry(plan_id: uuid.UUID, entry_id: uuid.UUID, body: WithdrawBody, by: CurrentPrincipal,
                         svc: Realisations) -> EntryStatusView:
    """The employee withdraws an entry; it no longer counts."""
    await svc.withdraw(plan_id, entry_id, by, body.reason)
    return EntryStatusView(entry_id=entry_id, status="withdrawn")



