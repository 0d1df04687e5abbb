"""A TEST DOUBLE of BSrE's Esign Client Service API v2 — not BSrE. This machine cannot reach any Esign Client
server, so the adapter (``kinerja_kernel.documents.bsre``) is tested against this local HTTP server, which
implements the documented v2 requests and answers, including the error answers:

- ``POST /api/v2/sign/pdf``: Basic auth checked; unknown NIK -> 400 ``{"error": "User tidak terdaftar",
  "status_code": 2011}``; wrong passphrase -> 400 ``{"error": "Passphrase anda salah", "status_code": 2031}``;
  otherwise signs each file with the project's development CA (a real PAdES signature) -> ``{"file": [...],
  "time": ...}``
- ``POST /api/v2/verify/pdf``: ``{"conclusion": "VALID"|"NO_SIGNATURE", "signatureCount", ...}``
- ``POST /api/v2/user/check/status``: ``{"status": "ISSUE"}`` or 2011
- ``down()`` makes it answer 503 (a server that is down behind its proxy); ``stop()`` closes it altogether.

The double records every request it got without the passphrase (``requests``), so a test can assert what the
adapter sent and that the passphrase went nowhere else.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kinerja_kernel.documents.devca import DevCertificateAuthority, Placement


class BsreDouble:
    def __init__(self, ca_root: str | Path, *, username: str = "esign", password: str = "rahasia-instansi",  # noqa: S107
                 users: dict[str, tuple[str, str]] | None = None) -> None:
        self.username, self.password = username, password
        self.users = dict(users or {})  # nik -> (name, passphrase)
        self.ca = DevCertificateAuthority(ca_root)
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.is_down = False
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> BsreDouble:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                double.handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self, is_down: bool = True) -> None:
        self.is_down = is_down

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- the v2 requests ------------------------------------------------------------------------
    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if self.is_down:
            return self._answer(request, HTTPStatus.SERVICE_UNAVAILABLE, {"message": "Service Unavailable"})
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._answer(request, HTTPStatus.UNAUTHORIZED, {"error": "Unauthorized"})
        length = int(request.headers.get("Content-Length") or 0)
        try:
            body = json.loads(request.rfile.read(length) or b"{}")
        except ValueError:
            return self._answer(request, HTTPStatus.BAD_REQUEST, {"error": "Format JSON salah", "status_code": 1001})
        self.requests.append((request.path, {k: v for k, v in body.items() if k != "passphrase"}))
        if request.path == "/api/v2/user/check/status":
            if body.get("nik") not in self.users:
                return self._answer(request, HTTPStatus.BAD_REQUEST,
                                    {"error": "User tidak terdaftar", "status_code": 2011})
            return self._answer(request, HTTPStatus.OK, {"status": "ISSUE", "message": "Sertifikat aktif"})
        if request.path == "/api/v2/sign/pdf":
            return self._sign(request, body)
        if request.path == "/api/v2/verify/pdf":
            pdf = base64.b64decode(body.get("file") or "")
            count = pdf.count(b"/ETSI.CAdES.detached")
            return self._answer(request, HTTPStatus.OK, {
                "conclusion": "VALID" if count else "NO_SIGNATURE", "description": "Dokumen diperiksa oleh double",
                "signatureCount": count, "signatureInformations": []})
        return self._answer(request, HTTPStatus.NOT_FOUND, {"error": "Not Found"})

    def _sign(self, request: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        nik = body.get("nik")
        if nik not in self.users:
            return self._answer(request, HTTPStatus.BAD_REQUEST, {"error": "User tidak terdaftar", "status_code": 2011})
        name, passphrase = self.users[nik]
        if body.get("passphrase") != passphrase:
            return self._answer(request, HTTPStatus.BAD_REQUEST,
                                {"error": "Passphrase anda salah", "status_code": 2031})
        files, properties = body.get("file"), body.get("signatureProperties")
        if not isinstance(files, list) or not isinstance(properties, list) or not files \
                or len(properties) != len(files):
            return self._answer(request, HTTPStatus.BAD_REQUEST,
                                {"error": "file dan signatureProperties wajib", "status_code": 1001})
        signed = []
        for index, (encoded, prop) in enumerate(zip(files, properties, strict=True)):
            box = None
            if prop.get("tampilan") == "VISIBLE":
                x, y = int(prop["originX"]), int(prop["originY"])
                box = (x, y, x + int(prop["width"]), y + int(prop["height"]))
            placement = Placement(f"bsre-{index}-{dt.datetime.now(dt.UTC).timestamp():.0f}",
                                  int(prop.get("page", 1)) - 1, box)
            result = asyncio.run(self.ca.sign(base64.b64decode(encoded), nip=str(nik), name=name, office="BSrE double",
                                              placement=placement, reason=str(prop.get("reason", "")),
                                              location=str(prop.get("location", ""))))
            signed.append(base64.b64encode(result.pdf).decode("ascii"))
        return self._answer(request, HTTPStatus.OK, {"file": signed, "time": dt.datetime.now(dt.UTC).isoformat()})

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
