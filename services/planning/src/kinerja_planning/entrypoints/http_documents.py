"""HTTP routes of the SKP document: download (PDF/A, the last signed version when there is one), its state
(code, who signed, who signs next, BSrE or the development CA), signing, and the public verification of a code."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kinerja_kernel.documents.desk import not_found_document
from kinerja_kernel.documents.http import Code, DocumentState, SignBody, VerificationView, pdf_response
from kinerja_kernel.documents.provenance import normal_code
from kinerja_kernel.http import CurrentPrincipal
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
@router.get("/plans/{plan_id}/document", tags=["Dokumen"],
            responses={200: {"content": {"application/pdf": {}}, "description": "the SKP as PDF/A-3b"}})
async def skp_document(plan_id: uuid.UUID, by: CurrentPrincipal, planning: Planning, docs: Documents) -> Response:
    """The SKP document for those who may read the SKP: the last signed version, else a fresh rendering. The
    first request for a content records ``planning.DocumentIssued``."""
    plan, _ = await planning.get(plan_id, by)
    return pdf_response(await docs.download(plan, by))


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
