"""A document's own record (stream ``dokumen-<code>``): issued once from the event history, then signed in the
regulation's order (the SKP by the employee, then the evaluator; the evaluation document by the evaluator).
Pure: no I/O. A document whose content changed gets a new code, so it is a new record, never an edit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.documents import (
    DocumentSource,
    EvaluationDocumentIssued,
    EvaluationDocumentSigned,
    RequiredSigner,
    SkpDocumentIssued,
    SkpDocumentSigned,
)
from kinerja_kernel.documents.provenance import Source
from kinerja_kernel.errors import DomainRuleViolation, Forbidden


@dataclass(frozen=True)
class Signature:
    role: str
    signer_id: str
    method: str
    pdf_sha256: str


class OfficialDocument(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.code = ""
        self.kind = ""
        self.subject_id: uuid.UUID | None = None
        self.employee_id = ""
        self.content_hash = ""
        self.sources: list[DocumentSource] = []
        self.signers: list[RequiredSigner] = []
        self.signatures: list[Signature] = []

    @classmethod
    def issue(cls, *, service: str, code: str, kind: str, subject_id: uuid.UUID, employee_id: str,
              content_hash: str, sources: Sequence[Source], signers: Sequence[tuple[str, str]]) -> OfficialDocument:
        event_type = SkpDocumentIssued if service == "planning" else EvaluationDocumentIssued
        document = cls()
        document.record(event_type(code=code, kind=kind, subject_id=subject_id, employee_id=employee_id,
                                   content_hash=content_hash,
                                   sources=[DocumentSource(**s.model_dump()) for s in sources],
                                   signers=[RequiredSigner(role=r, signer_id=n) for r, n in signers]))
        return document

    @property
    def next_signer(self) -> RequiredSigner | None:
        done = len(self.signatures)
        return self.signers[done] if done < len(self.signers) else None

    @property
    def signed_pdf(self) -> str | None:
        return self.signatures[-1].pdf_sha256 if self.signatures else None

    def check_may_sign(self, signer_id: str) -> RequiredSigner:
        """Who signs now, or why the caller may not (already complete, not their turn, not a signer)."""
        expected = self.next_signer
        if expected is None:
            raise DomainRuleViolation("documents.sign.fully-signed", field="code")
        if expected.signer_id != signer_id:
            if any(s.signer_id == signer_id for s in self.signers):
                raise DomainRuleViolation("documents.sign.not-your-turn", field="code", role=expected.role)
            raise Forbidden("documents.sign.not-a-signer")
        return expected

    def sign(self, *, service: str, signer_id: str, method: str, certificate_subject: str, pdf_sha256: str,
             signed_from_sha256: str) -> None:
        expected = self.check_may_sign(signer_id)
        assert self.subject_id is not None
        event_type = SkpDocumentSigned if service == "planning" else EvaluationDocumentSigned
        self.record(event_type(code=self.code, kind=self.kind, subject_id=self.subject_id,
                               employee_id=self.employee_id, role=expected.role, signer_id=signer_id, method=method,
                               certificate_subject=certificate_subject, pdf_sha256=pdf_sha256,
                               signed_from_sha256=signed_from_sha256, content_hash=self.content_hash,
                               sources=self.sources))

    def _issued(self, e: SkpDocumentIssued | EvaluationDocumentIssued) -> None:
        self.code, self.kind, self.subject_id, self.employee_id = e.code, e.kind, e.subject_id, e.employee_id
        self.content_hash, self.sources, self.signers = e.content_hash, list(e.sources), list(e.signers)

    def _signed(self, e: SkpDocumentSigned | EvaluationDocumentSigned) -> None:
        self.signatures.append(Signature(e.role, e.signer_id, e.method, e.pdf_sha256))

    _on_SkpDocumentIssued = _issued  # noqa: N815
    _on_EvaluationDocumentIssued = _issued  # noqa: N815
    _on_SkpDocumentSigned = _signed  # noqa: N815
    _on_EvaluationDocumentSigned = _signed  # noqa: N815
