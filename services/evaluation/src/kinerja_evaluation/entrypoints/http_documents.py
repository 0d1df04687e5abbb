"""HTTP routes of the Dokumen Evaluasi Kinerja Pegawai: download (PDF/A, the signed version when there is one),
its state, the evaluator's signature, and the public verification of a code. The shapes are shared with
planning's SKP document (``kinerja_kernel.documents.http``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kinerja_evaluation.application.documents import EvaluationDocuments
from kinerja_evaluation.domain.appraisal import Appraisal
from kinerja_kernel.access import require_access, require_office_role
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.documents.desk import not_found_document
from kinerja_kernel.documents.http import Code, DocumentState, SignBody, VerificationView, pdf_response
from kinerja_kernel.documents.provenance import normal_code
from kinerja_kernel.errors import NotFound
from kinerja_kernel.http import CurrentPrincipal

router = APIRouter(prefix="/api/v1")


def _documents(request: Request) -> EvaluationDocuments:
    found: EvaluationDocuments = request.app.state.evaluation_documents
    return found


Documents = Annotated[EvaluationDocuments, Depends(_documents)]
@router.get("/appraisals/{appraisal_id}/document", tags=["Dokumen"],
            responses={200: {"content": {"application/pdf": {}}, "description": "the document as PDF/A-3b"}})
async def evaluation_document(appraisal_id: uuid.UUID, by: CurrentPrincipal,
                              docs: Documents) -> Response:
    """The Dokumen Evaluasi Kinerja Pegawai for those who may read the appraisal: the signed version, else a
    fresh rendering. The first request for a content records ``evaluation.DocumentIssued``."""
    return pdf_response(await docs.download(await _readable(appraisal_id, by, docs), by))


@router.get("/appraisals/{appraisal_id}/document/state", response_model=DocumentState, tags=["Dokumen"])
async def evaluation_document_state(appraisal_id: uuid.UUID, by: CurrentPrincipal,
                                    docs: Documents) -> DocumentState:
    issued = await docs.state(await _readable(appraisal_id, by, docs), by)
    return DocumentState(code=issued.code, verification_url=docs.desk.url_of(issued.code),
                         signed_by=list(issued.signed_by), next_signer=issued.next_signer, bsre=docs.desk.uses_bsre)


@router.post("/appraisals/{appraisal_id}/document/signatures", response_model=DocumentState, tags=["Dokumen"])
async def sign_evaluation_document(appraisal_id: uuid.UUID, body: SignBody, by: CurrentPrincipal,
                                   docs: Documents) -> DocumentState:
    """The evaluator signs the finalised appraisal's document (dev CA, or BSrE with NIK and passphrase; a BSrE
    refusal is a 422 in Indonesian and nothing is recorded)."""
    issued = await docs.sign(await _readable(appraisal_id, by, docs), by, passphrase=body.passphrase,
                             nik=body.nik)
    return DocumentState(code=issued.code, verification_url=docs.desk.url_of(issued.code),
                         signed_by=list(issued.signed_by), next_signer=issued.next_signer, bsre=docs.desk.uses_bsre)


@router.get("/offices/{office_id}/units/{unit_id}/recap/document", tags=["Dokumen"],
            responses={200: {"content": {"application/pdf": {}}, "description": "the unit's recap as PDF/A-3b"}})
async def office_recap_document(office_id: str, unit_id: str, by: CurrentPrincipal, docs: Documents,
                                period: Annotated[str, Query(min_length=4, max_length=8, description=
                                                             "2026, 2026-Q1 .. 2026-Q4, 2026-M01 .. 2026-M12")]
                                ) -> Response:
    """The office recap of one unit and period (predicates against the curve, who is final, who objected) for
    the office's HR administrator only; the first request for a content records ``evaluation.DocumentIssued``
    (kind ``rekap``). 404 when the unit has no appraisals in the period."""
    require_office_role(by, office_id, Role.PENGELOLA_KEPEGAWAIAN)
    return pdf_response(await docs.recap_document(office_id, unit_id, period, by))


async def _readable(appraisal_id: uuid.UUID, by: Principal, docs: EvaluationDocuments) -> Appraisal:
    """The appraisal, for its employee, evaluator and the evaluator's superior, HR and auditors of its office;
    another office's appraisal reads as not existing."""
    missing = NotFound("evaluation.document.appraisal-not-found", field="appraisal_id")
    found = await docs.appraisals.load(appraisal_id)
    if found is None:
        raise missing
    require_access(by, found.office_id, parties=(found.employee_id, found.evaluator_id, found.superior_id),
                   roles=(Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR), field="appraisal_id", not_found=missing,
                   code="evaluation.document.not-allowed")
    return found


@router.get("/documents/{code}/verification", response_model=VerificationView, tags=["Dokumen"])
async def verify_document(code: Code, docs: Documents) -> VerificationView:
    """Public: whether the document with this code still follows from the event history (``matches``), and
    whether a later event (a decided objection, a calibration) changed it (``superseded``). Names no NIP,
    office or stream."""
    normal = normal_code(code)
    if normal is None:
        raise not_found_document()
    return VerificationView.of(normal, await docs.verify(normal))
