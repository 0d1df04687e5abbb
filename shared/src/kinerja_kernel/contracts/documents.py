"""Events of the official documents (issue 15): a document issued from the event history and each signature on
it. Planning publishes them for the SKP (``planning.Document*``), evaluation for the Dokumen Evaluasi Kinerja
Pegawai (``evaluation.Document*``). Stream: ``dokumen-<code>``.

Subject (and Kafka key): the employee's NIP.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from kinerja_kernel.registry import DomainEvent, event


class DocumentSource(BaseModel):
    """The last event of one stream the document was made from."""

    stream_id: str
    version: int
    event_id: str
    hash: str


class RequiredSigner(BaseModel):
    role: str = Field(description="pegawai or pejabat_penilai")
    signer_id: str = Field(description="the signer's NIP")


class _Issued(DomainEvent):
    code: str = Field(description="the document's short code (16 base32 characters)")
    kind: str = Field(description="skp or evaluasi")
    subject_id: uuid.UUID = Field(description="the SKP's plan id or the appraisal id")
    employee_id: str
    content_hash: str = Field(description="SHA-256 of the document's content in canonical JSON")
    sources: list[DocumentSource]
    signers: list[RequiredSigner] = Field(description="who signs, in the regulation's order")
    replaces: str | None = Field(default=None, description="the code of the previous version of this document")


class _Signed(DomainEvent):
    code: str
    kind: str
    subject_id: uuid.UUID
    employee_id: str
    role: str = Field(description="pegawai or pejabat_penilai")
    signer_id: str = Field(description="who signed (NIP)")
    method: str = Field(description="bsre (Esign Client Service) or dev_ca (the project's development CA)")
    certificate_subject: str = Field(description="the signing certificate's subject")
    pdf_sha256: str = Field(description="the signed PDF in the blob store")
    signed_from_sha256: str = Field(description="the PDF that was signed (the unsigned one or the previous "
                                                "signature's output)")
    content_hash: str
    sources: list[DocumentSource]


@event("planning.DocumentIssued")
class SkpDocumentIssued(_Issued):
    """An SKP document was made from the event history (first download of this content)."""


@event("planning.DocumentSigned")
class SkpDocumentSigned(_Signed):
    """A signer signed the SKP document (the employee first, then the evaluator)."""


@event("evaluation.DocumentIssued")
class EvaluationDocumentIssued(_Issued):
    """A Dokumen Evaluasi Kinerja Pegawai was made from the event history."""


@event("evaluation.DocumentSigned")
class EvaluationDocumentSigned(_Signed):
    """The evaluator signed the Dokumen Evaluasi Kinerja Pegawai."""
