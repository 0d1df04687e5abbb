"""What a document is made from and how anyone re-checks it.

A document's *content* is a plain JSON value (what it prints: names, RHKs, ratings, dates), built by the owning
service from event streams. Its *sources* are the last event of each stream read (stream, version, event id,
hash). The content hash is SHA-256 over the content's canonical JSON (RFC 8785); the short code is the first 80
bits (16 base32 characters) of SHA-256 over ``{kind, subject, content_hash}``: the same content of the same SKP or
appraisal always gets the same code, even after later events that do not change what it prints (an
acknowledgement, a realisation entry), so its signatures stay with it; a changed content gets a new code (a new
version, never an edit). The sources recorded are those of the first issue of that content.

Checking re-reads each source stream up to the recorded version, verifies its hash chain and that the event at
that version is the recorded one, derives the content again and compares hashes (``sesuai`` / ``tidak sesuai``);
deriving from the streams' heads tells whether a later event changed the content (a superseded document).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from kinerja_kernel.canonical import canonical_json
from kinerja_kernel.chain import verify_stream
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.eventstore import EventStore


class Source(BaseModel):
    """The last event of one stream a document was made from."""

    stream_id: str
    version: int
    event_id: str
    hash: str

    @classmethod
    def of(cls, envelope: EventEnvelope) -> Source:
        return cls(stream_id=envelope.stream_id, version=envelope.stream_version, event_id=str(envelope.event_id),
                   hash=envelope.hash)


def content_hash(content: Any) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def document_code(kind: str, subject: str, digest: str) -> str:
    """16 upper-case base32 characters naming this content of this subject (the SKP's or appraisal's id)."""
    manifest = {"kind": kind, "subject": subject, "content_hash": digest}
    return base64.b32encode(hashlib.sha256(canonical_json(manifest)).digest()[:10]).decode("ascii")


def display_code(code: str) -> str:
    """``ABCDEFGHIJKLMNOP`` -> ``ABCD-EFGH-IJKL-MNOP`` (as printed; either form is accepted)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normal_code(text: str) -> str | None:
    """A code as typed or scanned (dashes, lower case) in its stored form, or None if it cannot be one."""
    code = text.replace("-", "").replace(" ", "").upper()
    if len(code) != 16 or any(ch not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in code):
        return None
    return code


Streams = Mapping[str, list[EventEnvelope]]
Derive = Callable[[Streams], Awaitable[Any]]


@dataclass(frozen=True)
class Check:
    """The answer of a verification: whether the recorded content still follows from the events."""

    matches: bool
    superseded: bool
    problems: tuple[str, ...]


async def check(store: EventStore, sources: Sequence[Source], recorded_hash: str, derive: Derive) -> Check:
    """Re-read, re-verify and re-derive (see the module's text). ``derive`` builds the content from streams
    (each list ordered by version)."""
    problems: list[str] = []
    at_version: dict[str, list[EventEnvelope]] = {}
    current: dict[str, list[EventEnvelope]] = {}
    for source in sources:
        events = await store.read_stream(source.stream_id)
        current[source.stream_id] = events
        head = events[:source.version]
        at_version[source.stream_id] = head
        if len(head) < source.version:
            problems.append(f"aliran {source.stream_id} tidak lagi memuat versi {source.version}")
            continue
        report = verify_stream(head)
        if not report.ok:
            problems.append(f"rantai hash aliran {source.stream_id} rusak")
        last = head[-1]
        if str(last.event_id) != source.event_id or last.hash != source.hash:
            problems.append(f"peristiwa versi {source.version} aliran {source.stream_id} berbeda dari yang tercatat")
    if problems:
        return Check(matches=False, superseded=False, problems=tuple(problems))
    try:
        derived = content_hash(await derive(at_version))
    except Exception as exc:
        return Check(matches=False, superseded=False, problems=(f"riwayat tidak dapat diputar ulang: {exc}",))
    if derived != recorded_hash:
        return Check(matches=False, superseded=False,
                     problems=("isi dokumen berbeda dari isi menurut riwayat peristiwa",))
    try:
        superseded = content_hash(await derive(current)) != recorded_hash
    except Exception:
        superseded = True
    return Check(matches=True, superseded=superseded, problems=())
