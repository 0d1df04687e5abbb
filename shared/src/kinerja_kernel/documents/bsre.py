"""Adapter for BSrE's Esign Client Service API v2 (BSSN), as an agency runs it on its own server.

Requests (HTTP Basic auth with the agency's Esign Client account; JSON bodies):

- ``POST /api/v2/sign/pdf`` ``{"nik", "passphrase", "signatureProperties": [{"tampilan": "VISIBLE"|"INVISIBLE",
  "page", "originX", "originY", "width", "height", "imageBase64"?, "location", "reason"}], "file": [<base64 PDF>]}``
  -> ``{"file": [<base64 signed PDF>], "time": ...}``
- ``POST /api/v2/verify/pdf`` ``{"file": <base64 PDF>}`` -> ``{"conclusion", "description", "signatureCount",
  "signatureInformations": [...]}``
- ``POST /api/v2/user/check/status`` ``{"nik"}`` -> ``{"status": "ISSUE" | ..., "message"}`` (the Esign Client
  documentation and every client we found send it as POST with a JSON body)

Error answers carry ``{"error": <text>, "status_code": <number>}``: 2031 wrong passphrase, 2011 user not registered
(more codes are passed through with their text). The passphrase is sent once, never stored, never logged; errors
never include the request body.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import httpx

from kinerja_kernel.documents.devca import Placement, SignedPdf
from kinerja_kernel.errors import InvalidInput

WRONG_PASSPHRASE = 2031
NOT_REGISTERED = 2011


class BsreError(InvalidInput):
    """BSrE refused or could not be reached (HTTP 422 at the edge, naming the field when there is one); the
    message is for the signer, in Indonesian first. Nothing is recorded as signed."""


class BsreUnavailable(BsreError):
    """The Esign Client server did not answer, or answered with a server error."""


@dataclass(frozen=True)
class BsreSettings:
    base_url: str
    username: str
    password: str
    timeout_seconds: float = 60.0


def _error(answer: httpx.Response) -> BsreError:
    try:
        body: Any = answer.json()
    except ValueError:
        body = {}
    code = body.get("status_code") if isinstance(body, dict) else None
    text = str(body.get("error") or body.get("message") or "") if isinstance(body, dict) else ""
    if code == WRONG_PASSPHRASE:
        return BsreError("documents.bsre.wrong-passphrase", field="passphrase")
    if code == NOT_REGISTERED:
        return BsreError("documents.bsre.not-registered", field="nik")
    if answer.status_code == 401:
        return BsreUnavailable("documents.bsre.account-refused")
    return BsreError("documents.bsre.refused", status=code or answer.status_code,
                     reason=text[:200] or "tanpa keterangan")


class BsreClient:
    def __init__(self, settings: BsreSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.settings.base_url.rstrip("/"), timeout=self.settings.timeout_seconds,
                                 auth=(self.settings.username, self.settings.password), transport=self._transport)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            async with self._client() as client:
                answer = await client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise BsreUnavailable("documents.bsre.unreachable", error=type(exc).__name__) from None
        if answer.status_code >= 500 and "status_code" not in answer.text:
            raise BsreUnavailable("documents.bsre.server-error", status=answer.status_code)
        if answer.status_code != 200:
            raise _error(answer)
        found = answer.json()
        if not isinstance(found, dict) or "error" in found:
            raise _error(answer)
        return found

    async def user_status(self, nik: str) -> str:
        """``ISSUE`` when the signer's certificate is issued and can sign; other values as BSrE gives them."""
        return str((await self._post("/api/v2/user/check/status", {"nik": nik})).get("status", ""))

    async def sign(self, pdf: bytes, *, nik: str, passphrase: str, placement: Placement, reason: str,
                   location: str) -> SignedPdf:
        properties: dict[str, Any] = {"tampilan": "INVISIBLE", "location": location, "reason": reason}
        if placement.box is not None:
            x1, y1, x2, y2 = placement.box
            properties.update(tampilan="VISIBLE", page=placement.page + 1, originX=x1, originY=y1, width=x2 - x1,
                              height=y2 - y1)
        found = await self._post("/api/v2/sign/pdf", {"nik": nik, "passphrase": passphrase,
                                                      "signatureProperties": [properties],
                                                      "file": [base64.b64encode(pdf).decode("ascii")]})
        files = found.get("file")
        if not isinstance(files, list) or not files:
            raise BsreError("documents.bsre.no-file")
        return SignedPdf(pdf=base64.b64decode(files[0]), certificate_subject=f"BSrE NIK {nik[:4]}…{nik[-4:]}",
                         method="bsre")

    async def verify(self, pdf: bytes) -> dict[str, Any]:
        return await self._post("/api/v2/verify/pdf", {"file": base64.b64encode(pdf).decode("ascii")})
