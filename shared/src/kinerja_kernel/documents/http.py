"""The HTTP shapes every service's document routes share (planning's SKP, evaluation's Dokumen Evaluasi
Kinerja Pegawai): the printed code as a path parameter, the signing body, the document's state, the public
verification view and the PDF response."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kinerja_kernel.documents.desk import Issued, Verification
from kinerja_kernel.documents.inclusion import DocumentProof
from kinerja_kernel.http import RequestBody, content_disposition

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


class ProvenEventView(BaseModel):
    event_id: str
    leaf_index: int | None
    status: str = Field(description="terbukti | belum_tercatat (after the checkpoint: ask again later) | "
                        "tidak_terbukti (the proof does not lead to the checkpoint's root)")


class TransparencyView(BaseModel):
    """The document's events in the service's transparency log: the checkpoint (latest witnessed, else latest
    signed), whether the witness co-signed it, and each event's inclusion proof checked against its root."""

    origin: str
    tree_size: int
    root: str
    signed: bool
    witnessed: bool
    witness: str | None
    complete: bool
    events: list[ProvenEventView]
    bundle: dict[str, Any] = Field(description="kinerja-transparency-proofs/v1: the signed checkpoint and the "
                                   "inclusion proofs, to check without our code (docs/events/transparency.md)")

    @classmethod
    def of(cls, proof: DocumentProof) -> TransparencyView:
        return cls(origin=proof.origin, tree_size=proof.tree_size, root=proof.root, signed=proof.signed,
                   witnessed=proof.witnessed, witness=proof.witness, complete=proof.complete,
                   events=[ProvenEventView(event_id=e.event_id, leaf_index=e.leaf_index, status=e.status.value)
                           for e in proof.events], bundle=proof.bundle)


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
    transparency: TransparencyView | None = None

    @classmethod
    def of(cls, code: str, found: Verification) -> VerificationView:
        if not found.found or found.check is None:
            return cls(code=code, found=False)
        return cls(code=code, found=True, matches=found.check.matches, superseded=found.check.superseded,
                   problems=list(found.check.problems), kind=found.kind, title=found.title,
                   employee_name=found.employee_name,
                   issued_at=found.issued_at.isoformat() if found.issued_at else None,
                   signatures=[{"role": s["role"], "method": s["method"], "signed_at": s["signed_at"].isoformat()}
                               for s in found.signatures], events=found.events,
                   transparency=TransparencyView.of(found.proof) if found.proof else None)


def pdf_response(issued: Issued) -> Response:
    """The document as a download: never cached, never sniffed, its code in a header."""
    return Response(issued.pdf, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(issued.filename), "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store", "X-Kinerja-Document-Code": issued.code})
