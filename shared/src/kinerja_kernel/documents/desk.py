"""The use cases every document-producing service shares: issue (record the document the first time its content
is made from these events), sign (dev CA or BSrE, in the regulation's order, the signed PDF stored in the blob
store and its hash recorded), and verify (the public check). Each service supplies the content, its sources and
how to derive the content again from streams (:class:`Layout`)."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.blobs import BlobStore, digest
from kinerja_kernel.db import Database
from kinerja_kernel.documents.bsre import BsreClient, BsreError, BsreSettings
from kinerja_kernel.documents.devca import DevCertificateAuthority, Placement, SignedPdf
from kinerja_kernel.documents.inclusion import DocumentProof, LogKeys, prove
from kinerja_kernel.documents.provenance import (
    Check,
    Derive,
    Source,
    check,
    content_hash,
    display_code,
    document_code,
)
from kinerja_kernel.documents.record import OfficialDocument
from kinerja_kernel.documents.render import qr_svg, render_pdf, warm_up
from kinerja_kernel.envelope import Actor, EventEnvelope
from kinerja_kernel.errors import InvalidInput, NotFound
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.labels import tanggal_waktu
from kinerja_kernel.repository import EventSourcedRepository


class DocumentSettings(BaseSettings):
    """``KINERJA_DOCUMENTS_*``: where the verification page is, the development CA, and BSrE when configured."""

    model_config = SettingsConfigDict(env_prefix="KINERJA_DOCUMENTS_", extra="ignore", frozen=True)

    verification_url: str = Field(default="http://localhost:8200/verifikasi",
                                  description="the portal's public verification page; the code is appended")
    dev_ca_dir: str = Field(default="~/.local/share/kinerja/dev-ca", description="the development CA's folder")
    bsre_url: str | None = Field(default=None, description="the agency's Esign Client server; unset = dev CA")
    bsre_username: str | None = None
    bsre_password: str | None = None

    @property
    def bsre(self) -> BsreSettings | None:
        if not (self.bsre_url and self.bsre_username and self.bsre_password):
            return None
        return BsreSettings(base_url=self.bsre_url, username=self.bsre_username, password=self.bsre_password)


@dataclass(frozen=True)
class Layout:
    """One document as the owning service made it: what it prints (``content``, hashed), the template's full
    context besides the metadata, who signs in which order (role, NIP, name), where it is signed."""

    kind: str
    template: str
    subject_id: uuid.UUID
    employee_id: str
    office_id: str
    content: dict[str, Any]
    sources: Sequence[Source]
    signers: Sequence[tuple[str, str, str]]
    place: str
    zone: str = "Asia/Jakarta"
    banner: str | None = None
    printed: dict[str, Any] = field(default_factory=dict)
    """Printed beside the content but not hashed: what follows from the sources' own hashed members in a
    presentation that may change (the date of the last change in the office's current time zone)."""


@dataclass(frozen=True)
class Issued:
    code: str
    pdf: bytes
    signed_by: tuple[str, ...]
    next_signer: str | None
    filename: str


@dataclass(frozen=True)
class Verification:
    found: bool
    check: Check | None = None
    kind: str = ""
    employee_name: str = ""
    title: str = ""
    issued_at: datetime | None = None
    signatures: tuple[dict[str, Any], ...] = ()
    events: int = 0
    proof: DocumentProof | None = None
    """The sources' and the record's inclusion in the service's latest witnessed checkpoint (None: no
    checkpoint yet, or the service keeps no transparency log)."""


class DocumentDesk:
    def __init__(self, store: EventStore, blobs: BlobStore, *, service: str,
                 settings: DocumentSettings | None = None, db: Database | None = None,
                 keys: Callable[[], LogKeys] | None = None) -> None:
        self.service = service
        self.db = db
        self.keys = keys
        self.blobs = blobs
        self.settings = settings or DocumentSettings()
        self.store = store
        self.records: EventSourcedRepository[OfficialDocument, EventStore] = EventSourcedRepository(
            store, OfficialDocument, prefix="dokumen")
        self.ca = DevCertificateAuthority(self.settings.dev_ca_dir)
        bsre = self.settings.bsre
        self.bsre = BsreClient(bsre) if bsre is not None else None
        if db is not None:  # a running service: load WeasyPrint now rather than on the first download
            threading.Thread(target=warm_up, name="documents-warm-up", daemon=True).start()

    @property
    def uses_bsre(self) -> bool:
        return self.bsre is not None

    def code_of(self, layout: Layout) -> str:
        return document_code(layout.kind, str(layout.subject_id), content_hash(layout.content))

    def url_of(self, code: str) -> str:
        return f"{self.settings.verification_url.rstrip('/')}/{code}"

    async def issue(self, layout: Layout, by: Principal) -> tuple[str, OfficialDocument]:
        """The document's record, created on the first request for this content from these events."""
        code = self.code_of(layout)
        record = await self.records.change(
            code, None, lambda d: None, actor=_actor(by, layout),
            office_id=layout.office_id, subject=layout.employee_id,
            start=lambda: OfficialDocument.issue(
                service=self.service, code=code, kind=layout.kind, subject_id=layout.subject_id,
                employee_id=layout.employee_id, content_hash=content_hash(layout.content), sources=layout.sources,
                signers=[(role, nip) for role, nip, _ in layout.signers]),
            retry_on_conflict=True)
        return code, record

    async def proof(self, event_ids: Sequence[str]) -> DocumentProof | None:
        """The events' inclusion proof against the latest witnessed checkpoint (see :mod:`.inclusion`)."""
        if self.db is None:
            return None
        return await prove(self.db, event_ids, self.keys() if self.keys else LogKeys(None, None))

    async def render(self, layout: Layout, code: str) -> tuple[bytes, dict[str, Placement]]:
        url = self.url_of(code)
        record = await self.store.read_stream(f"dokumen-{code}")
        moment = record[0].recorded_at if record else datetime.now(UTC)
        proof = await self.proof([s.event_id for s in layout.sources] + [str(e.event_id) for e in record])
        meta = {"qr_svg": qr_svg(url), "url": url.split("://", 1)[-1], "code_display": display_code(code),
                "made_at": tanggal_waktu(moment.astimezone(ZoneInfo(layout.zone))) + f" {_zone_label(layout.zone)}",
                "content_hash": content_hash(layout.content),
                "sources": [s.model_dump() for s in layout.sources], "banner": layout.banner,
                "proof": _printed_proof(proof, record)}
        files = {"bukti-transparansi.json": (json.dumps(proof.bundle, indent=2).encode(), "Bukti inklusi peristiwa "
                 "sumber dokumen ini dalam checkpoint log transparansi (RFC 9162, C2SP)")} if proof else None
        rendered = await asyncio.to_thread(render_pdf, layout.template,
                                           {"doc": {**layout.content, **layout.printed}, "meta": meta}, files)
        return rendered.pdf, {role: Placement(f"ttd-{role}", s.page, s.box) for role, s in rendered.spots.items()}

    async def document(self, layout: Layout, by: Principal) -> Issued:
        """The PDF to download: the last signed version of this content, or a fresh rendering."""
        code, record = await self.issue(layout, by)
        pdf = await self.blobs.get(record.signed_pdf) if record.signed_pdf else (await self.render(layout, code))[0]
        nxt = record.next_signer
        return Issued(code=code, pdf=pdf, signed_by=tuple(s.role for s in record.signatures),
                      next_signer=nxt.signer_id if nxt else None,
                      filename=_filename(layout, code))

    async def state(self, layout: Layout, by: Principal) -> Issued:
        """The document's code and signatures without rendering it (``pdf`` empty)."""
        code, record = await self.issue(layout, by)
        nxt = record.next_signer
        return Issued(code=code, pdf=b"", signed_by=tuple(s.role for s in record.signatures),
                      next_signer=nxt.signer_id if nxt else None,
                      filename=_filename(layout, code))

    async def sign(self, layout: Layout, by: Principal, *, passphrase: str | None = None,
                   nik: str | None = None) -> Issued:
        """Sign as the next required signer (the caller); nothing is recorded unless the signature is made."""
        code, record = await self.issue(layout, by)
        role = record.check_may_sign(by.user_id).role
        name = next((n for r, nip, n in layout.signers if r == role and nip == by.user_id), by.user_id)
        fresh, spots = await self.render(layout, code)
        unsigned = await self.blobs.get(record.signed_pdf) if record.signed_pdf else fresh
        placement = spots.get(role, Placement(f"ttd-{role}"))
        reason = f"Penandatanganan {'SKP' if layout.kind == 'skp' else 'Dokumen Evaluasi Kinerja Pegawai'}"
        signed: SignedPdf
        if self.bsre is not None:
            if not passphrase:
                raise InvalidInput("documents.sign.passphrase-required", field="passphrase")
            if not nik or not nik.isdigit() or len(nik) != 16:
                raise InvalidInput("documents.sign.nik-required", field="nik")
            signed = await self.bsre.sign(unsigned, nik=nik, passphrase=passphrase, placement=placement,
                                          reason=reason, location=layout.place)
        else:
            signed = await self.ca.sign(unsigned, nip=by.user_id, name=name, office=layout.office_id,
                                        placement=placement, reason=reason, location=layout.place)
        stored = await self.blobs.put(signed.pdf)

        def decide(document: OfficialDocument) -> None:
            document.sign(service=self.service, signer_id=by.user_id, method=signed.method,
                          certificate_subject=signed.certificate_subject, pdf_sha256=stored,
                          signed_from_sha256=digest(unsigned))

        record = await self.records.change(code, record.version, decide,
                                           actor=by.actor(Role(role)),
                                           office_id=layout.office_id, subject=layout.employee_id)
        nxt = record.next_signer
        return Issued(code=code, pdf=signed.pdf, signed_by=tuple(s.role for s in record.signatures),
                      next_signer=nxt.signer_id if nxt else None,
                      filename=_filename(layout, code))

    async def verify(self, code: str, derive: Callable[[str, OfficialDocument], Awaitable[Derive]],
                     describe: Callable[[OfficialDocument], Awaitable[tuple[str, str]]]) -> Verification:
        """The public check of a code: the record, then the history re-read and the content derived again."""
        envelopes = await self.store.read_stream(f"dokumen-{code}")
        if not envelopes:
            return Verification(found=False)
        record = await self.records.load(code)
        assert record is not None
        sources = [Source(**s.model_dump()) for s in record.sources]
        result = await check(self.store, sources, record.content_hash, await derive(code, record))
        title, name = await describe(record)
        signatures = tuple({"role": e.payload["role"], "signer_id": e.payload["signer_id"],
                            "method": e.payload["method"], "signed_at": e.recorded_at}
                           for e in envelopes if e.event_type.endswith(".DocumentSigned"))
        proof = await self.proof([s.event_id for s in sources] + [str(e.event_id) for e in envelopes])
        return Verification(found=True, check=result, kind=record.kind, employee_name=name, title=title,
                            issued_at=envelopes[0].recorded_at, signatures=signatures,
                            events=sum(s.version for s in sources), proof=proof)


def _printed_proof(proof: DocumentProof | None, record: Sequence[EventEnvelope]) -> dict[str, Any] | None:
    """What the PDF prints of the proof: the checkpoint, each event's leaf (or pending)."""
    if proof is None:
        return None
    leaves = {e.event_id: {"leaf_index": e.leaf_index, "status": e.status.value} for e in proof.events}
    return {"origin": proof.origin, "tree_size": proof.tree_size, "root": proof.root, "witnessed": proof.witnessed,
            "witness": proof.witness, "complete": proof.complete, "leaves": leaves,
            "record": [leaves.get(str(e.event_id)) for e in record]}


def _actor(by: Principal, layout: Layout) -> Actor:
    """Who issued the document, in the role that gave them access to it."""
    for role, nip, _ in layout.signers:
        if nip == by.user_id:
            return by.actor(Role(role))
    for role in (Role.ATASAN_PENILAI, Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.PEJABAT_PENILAI):
        if by.has_role(role):
            return by.actor(role)
    return by.actor(Role.PEGAWAI)


def _filename(layout: Layout, code: str) -> str:
    """``skp-<NIP>-<code>.pdf``; a recap's subject ``<office>/<unit>`` with a dash."""
    return f"{layout.kind}-{layout.employee_id.replace('/', '-')}-{code}.pdf"


def _zone_label(zone: str) -> str:
    return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(zone, zone)


def not_found_document() -> NotFound:
    return NotFound("documents.document.not-found", field="code")


__all__ = ["BsreError", "DocumentDesk", "DocumentSettings", "Issued", "Layout", "Verification",
           "not_found_document"]
