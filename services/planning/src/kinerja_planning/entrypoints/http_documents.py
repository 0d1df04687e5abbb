"""HTTP routes of the SKP document: download (PDF/A, the last signed version when there is one), its state
(code, who signed, who signs next, BSrE or the development CA), signing, and the public verification of a code."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kinerja_kernel.documents.desk import Issued, Verification, not_found_document
from kinerja_kernel.documents.provenance import normal_code
from kinerja_kernel.http import CurrentPrincipal, RequestBody, content_disposition
from kinerja_planning.application.documents import SkpDocuments
from kinerja_planning.application.handlers import PlanningService

router = APIRouter(prefix="/api/v1")


def _documents(request: Request) -> SkpDocuments:
    found: SkpDocuments = request.app.state.skp_documents
    return found


def _planning(request: Request) -> PlanningService:
    found: PlanningService = request.app.state.planning
    return found


Documents = Annotated[SkpDocuments, Depends(_documents)]
Planning = Annotated[PlanningService, Depends(_planning)]
Code = Annotated[str, Path(min_length=16, max_length=24, pattern=r"^[A-Za-z2-7-]+$",
                           description="the document's code as printed (dashes optional)")]


class SignBody(RequestBody):
    passphrase: str | None = Field(default=None, max_length=200, description="BSrE passphrase (only when BSrE is "
                                   "configured); sent to the Esign Client once, never stored or logged")
    nik: str | None = Field(default=None, pattern=r"^[0-9]{16}$", description="the signer's NIK for BSrE")


class DocumentState(BaseModel):
    code: str
    verification_url: str
    signed_by: list[str]
    next_signer: str | None
    bsre: bool = Field(description="signing goes through BSrE (passphrase and NIK asked) instead of the dev CA")


class VerificationView(BaseModel):
    code: str
    found: bool
    matches: bool = False
    superseded: bool = False
    problems: list[str] = Field(default_factory=list)
    kind: str = ""
    title: str = ""
    employee_name: str = ""
    issued_at: str | None = None
    signatures: list[dict[str, Any]] = Field(default_factory=list)
    events: int = 0

    @classmethod
    def of(cls, code: str, found: Verification) -> VerificationView:
        if not found.found or found.check is None:
            return cls(code=code, found=False)
        return cls(code=code, found=True, matches=found.check.matches, superseded=found.check.superseded,
                   problems=list(found.check.problems), kind=found.kind, title=found.title,
                   employee_name=found.employee_name,
                   issued_at=found.issued_at.isoformat() if found.issued_at else None,
                   signatures=[{"role": s["role"], "method": s["method"], "signed_at": s["signed_at"].isoformat()}
                               for s in found.signatures], events=found.events)


def _pdf(issued: Issued) -> Response:
    return Response(issued.pdf, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(issued.filename), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store", "X-Kinerja-Document-Code": issued.code})


@router.get("/plans/{plan_id}/document", tags=["Dokumen"],
            responses={200: {"content": {"application/pdf": {}}, "description": "the SKP as PDF/A-3b"}})
async def skp_document(plan_id: uuid.UUID, by: CurrentPrincipal, planning: Planning, docs: Documents) -> Response:
    """The SKP document for those who may read the SKP: the last signed version, else a fresh rendering. The
    first request for a content records ``planning.DocumentIssued``."""
    plan, _ = await planning.get(plan_id, by)
    return _pdf(await docs.download(plan, by))


@router.get("/plans/{plan_id}/document/state", response_model=DocumentState, tags=["Dokumen"])
async def skp_document_state(plan_id: uuid.UUID, by: CurrentPrincipal, planning: Planning,
                             docs: Documents) -> DocumentState:
    plan, _ = await planning.get(plan_id, by)
    issued = await docs.state(plan, by)
    return DocumentState(code=issued.code, verification_url=docs.desk.url_of(issued.code),
                         signed_by=list(issued.signed_by), next_signer=issued.next_signer, bsre=docs.desk.uses_bsre)


@router.post("/plans/{plan_id}/document/signatures", response_model=DocumentState, tags=["Dokumen"])
async def sign_skp_document(plan_id: uuid.UUID, body: SignBody, by: CurrentPrincipal, planning: Planning,
                            docs: Documents) -> DocumentState:
    """Sign the approved SKP: the employee first, then the evaluator. With BSrE, ``passphrase`` and ``nik`` are
    sent to the agency's Esign Client; a BSrE refusal is a 422 in Indonesian and nothing is recorded."""
    plan, _ = await planning.get(plan_id, by)
    issued = await docs.sign(plan, by, passphrase=body.passphrase, nik=body.nik)
    return DocumentState(code=issued.code, verification_url=docs.desk.url_of(issued.code),
                         signed_by=list(issued.signed_by), next_signer=issued.next_signer, bsre=docs.desk.uses_bsre)


@router.get("/documents/{code}/verification", response_model=VerificationView, tags=["Dokumen"])
async def verify_document(code: Code, docs: Documents) -> VerificationView:
    """Public: whether the document with this code still follows from the event history (``matches``), and
    whether a later event changed its content (``superseded``). Names no NIP, office or stream."""
    normal = normal_code(code)
    if normal is None:
        raise not_found_document()
    return VerificationView.of(normal, await docs.verify(normal))
