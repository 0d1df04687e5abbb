"""Security headers on every portal response.

The pages load scripts and styles only from ``/static`` (no inline ``<script>``, ``style=""`` or ``on...=``
handlers: bars and charts are SVG with presentation attributes), so the Content-Security-Policy allows
``'self'`` only. Forms post to the portal itself, and — when sign-in goes through the agency's IdP — the
sign-out form is redirected to the IdP's end-session endpoint, whose origin ``form-action`` then allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def origin_of(url: str | None) -> str | None:
    """``https://sso.example.go.id`` of ``https://sso.example.go.id/realms/asn/...`` (None when not absolute)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(form_origins: Iterable[str] = ()) -> str:
    """The policy: everything from this origin only; no framing; forms to this origin (and the IdP's)."""
    extra = sorted({o for o in form_origins if o})
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action " + " ".join(["'self'", *extra]),
    ])


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response (pages, redirects, static files, errors).

    ``form_origins`` is asked on each response: the IdP's origins become known once its discovery
    document has been read."""

    def __init__(self, app: ASGIApp, *, form_origins: Callable[[], Iterable[str]] = tuple, hsts: bool = False) -> None:
        self.app = app
        self.form_origins = form_origins
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = content_security_policy(self.form_origins())
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
                if self.hsts:
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
            await send(message)

        await self.app(scope, receive, with_headers)
