"""The portal's session: an encrypted cookie that expires, and a list of ended sessions that refuses it again.

The whole session (language, CSRF token, flash, the pending OIDC sign-in and, once signed in, the service
token and the IdP's ID token) travels in one cookie sealed with AES-256-GCM (``cryptography``; the key is
derived from ``session_secret`` with HKDF-SHA256, the cookie's name is the associated data). The browser,
a proxy log or a saved copy shows nothing of it, and a changed byte makes the portal start a new session.
Any replica with the same secret reads it, so replicas need no shared state to serve a request.

Each session has a random id (256 bits), a start, a last-seen time and an absolute end. It ends when the
absolute end passes (``session_hours``, never later than the signed-in token's ``exp``), after
``session_idle_minutes`` without a request (polling for notifications does not count), or when it is
revoked: signing in retires the anonymous session (new id, new CSRF token: session fixation), signing out
and a token the services refuse retire the signed-in one. A retired id is kept in ``Revocations`` until its
absolute end, and a cookie carrying it is refused from then on: in this process (``MemoryRevocations``,
the default) or on every replica sharing a PostgreSQL database (``PostgresRevocations``,
``session_database_url``).

Nothing here logs the cookie, the session's content or the secret; ``Session``'s repr shows neither.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any, Final, Protocol

import asyncpg
import jwt
import structlog
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)

COOKIE: Final = "kinerja_sesi"
HOST_COOKIE: Final = "__Host-kinerja_sesi"  # HTTPS only: no Domain, Path=/, Secure (RFC 6265bis 4.1.3.2)
FORMAT: Final = b"\x01"  # the sealed layout's version: 1 byte, 12 bytes nonce, ciphertext with its 16-byte tag
PASSIVE: Final = "kinerja.session.passive"  # scope key: this request does not count as activity


def cookie_name(secure: bool) -> str:
    """``__Host-kinerja_sesi`` behind HTTPS, ``kinerja_sesi`` otherwise (browsers refuse the prefix on HTTP)."""
    return HOST_COOKIE if secure else COOKIE


def token_expiry(token: str) -> float | None:
    """The ``exp`` of a token the portal already verified (``None`` when it has none)."""
    try:
        exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        return None
    return float(exp) if isinstance(exp, int | float) else None


@dataclass
class SessionState:
    """What the cookie holds: the id, start, last request, absolute end, and the session's values."""

    sid: str
    created: float
    seen: float
    expires: float
    data: dict[str, Any]


class SessionCodec:
    """Seals a session into a cookie value and opens it again (AES-256-GCM, key derived from the secret)."""

    def __init__(self, secret: str, *, name: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"kinerja-portal session cookie v1").derive(secret.encode())
        self._aead = AESGCM(key)
        self._aad = name.encode()

    def seal(self, state: SessionState) -> str:
        plain = json.dumps({"sid": state.sid, "created": state.created, "seen": state.seen,
                            "expires": state.expires, "data": state.data}, separators=(",", ":")).encode()
        nonce = os.urandom(12)
        sealed = FORMAT + nonce + self._aead.encrypt(nonce, plain, self._aad)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open(self, value: str) -> SessionState | None:
        """The session, or ``None`` for anything not sealed by this secret under this name."""
        try:
            sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            if sealed[:1] != FORMAT or len(sealed) < 1 + 12 + 16:
                return None
            found = json.loads(self._aead.decrypt(sealed[1:13], sealed[13:], self._aad))
            return SessionState(sid=str(found["sid"]), created=float(found["created"]), seen=float(found["seen"]),
                                expires=float(found["expires"]), data=dict(found["data"]))
        except (InvalidTag, binascii.Error, ValueError, KeyError, TypeError):
            return None


class Revocations(Protocol):
    """Ended sessions, kept until their absolute end; a cookie carrying one is refused."""

    async def start(self) -> None: ...

    async def revoke(self, sid: str, until: float) -> None: ...

    async def revoked(self, sid: str) -> bool: ...

    async def aclose(self) -> None: ...


class MemoryRevocations:
    """This process only: right for one portal process (development, a single-site compose). With several
    replicas a revocation is honoured by the replica that made it; use ``PostgresRevocations`` there."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    async def start(self) -> None:
        return None

    async def revoke(self, sid: str, until: float) -> None:
        now = time.time()
        self._until = {k: v for k, v in self._until.items() if v > now}
        self._until[sid] = until

    async def revoked(self, sid: str) -> bool:
        return self._until.get(sid, 0.0) > time.time()

    async def aclose(self) -> None:
        self._until.clear()


class PostgresRevocations:
    """Shared by every replica using the same database (one small table; ids stored as SHA-256)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._pool: asyncpg.Pool | None = None

    async def start(self) -> None:
        """Connect (in the app's lifespan) and create the table if it is missing."""
        self._pool = await asyncpg.create_pool(self._url, min_size=1, max_size=4)
        async with self._pool.acquire() as connection:
            await connection.execute("CREATE TABLE IF NOT EXISTS portal_revoked_sessions ("
                                     "session_hash bytea PRIMARY KEY, revoked_until timestamptz NOT NULL)")

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("PostgresRevocations.start() was not awaited")
        return self._pool

    async def revoke(self, sid: str, until: float) -> None:
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute("DELETE FROM portal_revoked_sessions WHERE revoked_until < now()")
            await connection.execute(
                "INSERT INTO portal_revoked_sessions (session_hash, revoked_until) VALUES ($1, to_timestamp($2)) "
                "ON CONFLICT (session_hash) DO UPDATE SET revoked_until = GREATEST("
                "portal_revoked_sessions.revoked_until, EXCLUDED.revoked_until)", _hash(sid), until)

    async def revoked(self, sid: str) -> bool:
        found = await self.pool.fetchval(
            "SELECT 1 FROM portal_revoked_sessions WHERE session_hash = $1 AND revoked_until > now()", _hash(sid))
        return found is not None

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def _hash(sid: str) -> bytes:
    return hashlib.sha256(sid.encode()).digest()


class Session(dict[str, Any]):
    """``request.session``: the session's values, with its id and lifetime beside them."""

    def __init__(self, state: SessionState, *, absolute_seconds: float, ended: bool = False) -> None:
        super().__init__(state.data)
        self.sid = state.sid
        self.created = state.created
        self.expires = state.expires
        self.absolute_seconds = absolute_seconds
        self.ended = ended  # an earlier signed-in session of this browser expired or was revoked
        self.retired: list[tuple[str, float]] = []

    def __repr__(self) -> str:  # never the token in a log or a traceback
        return f"Session(keys={sorted(self)!r})"

    def restart(self, *, not_after: float | None = None, keep: tuple[str, ...] = ("lang",)) -> None:
        """Retire this id (revoked when the response starts) and go on as a new session, with a new CSRF
        token and only ``keep``, ending after ``absolute_seconds`` or at ``not_after`` if that is sooner."""
        self.retired.append((self.sid, self.expires))
        kept = {k: self[k] for k in keep if k in self}
        self.clear()
        self.update(kept)
        self.sid = secrets.token_urlsafe(32)
        self.created = time.time()
        self.expires = self.created + self.absolute_seconds
        if not_after is not None:
            self.expires = min(self.expires, not_after)


def _session(request: HTTPConnection) -> Session:
    found = request.scope.get("session")
    if not isinstance(found, Session):
        raise RuntimeError("SessionMiddleware is not installed")
    return found


def begin_signed_in(request: Request, *, token: str, **values: str) -> None:
    """Sign-in: a new session id and CSRF token (the anonymous session is revoked), holding the token; it
    ends at the token's ``exp`` if that comes before ``session_hours``."""
    session = _session(request)
    session.restart(not_after=token_expiry(token))
    session["token"] = token
    session.update(values)


def end(request: Request) -> None:
    """Sign-out, a failed sign-in or a token the services refuse: this session is revoked; a new one keeps
    only the language."""
    _session(request).restart()


def ended(request: Request) -> bool:
    """Whether this browser's signed-in session just expired or was revoked (to say so on the sign-in page)."""
    found = request.scope.get("session")
    return isinstance(found, Session) and found.ended


def passive(request: Request) -> None:
    """This request (a background poll) does not keep the session alive."""
    request.scope[PASSIVE] = True


STATIC_PREFIX = "/static/"
"""Paths served without a session (the portal's stylesheet, script and images)."""


class SessionMiddleware:
    """Opens the session cookie, ends it when expired, idle or revoked, and seals it again on the way out."""

    def __init__(self, app: ASGIApp, *, secret: str, revocations: Revocations, absolute_seconds: float,
                 idle_seconds: float, secure: bool) -> None:
        self.app = app
        self.name = cookie_name(secure)
        self.codec = SessionCodec(secret, name=self.name)
        self.revocations = revocations
        self.absolute_seconds = absolute_seconds
        self.idle_seconds = idle_seconds
        self.secure = secure

    async def _load(self, value: str | None, now: float) -> Session:
        state = self.codec.open(value) if value else None
        if state is not None:
            stale = now >= state.expires or now - state.seen > self.idle_seconds
            if stale or await self.revocations.revoked(state.sid):
                was_signed_in = "token" in state.data
                lang = {"lang": state.data["lang"]} if "lang" in state.data else {}
                return Session(self._fresh(now, lang), absolute_seconds=self.absolute_seconds, ended=was_signed_in)
            return Session(state, absolute_seconds=self.absolute_seconds)
        return Session(self._fresh(now, {}), absolute_seconds=self.absolute_seconds)

    def _fresh(self, now: float, data: dict[str, Any]) -> SessionState:
        return SessionState(sid=secrets.token_urlsafe(32), created=now, seen=now,
                            expires=now + self.absolute_seconds, data=data)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)  # static files need no session: no store lookup, no cookie
            return
        sent = HTTPConnection(scope).cookies.get(self.name)
        session = await self._load(sent, time.time())
        scope["session"] = session

        async def seal_on_start(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._finish(scope, session, sent, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, seal_on_start)

    async def _finish(self, scope: Scope, session: Session, sent: str | None, headers: MutableHeaders) -> None:
        for sid, until in session.retired:
            await self.revocations.revoke(sid, until)
        now = time.time()
        if session.expires <= now or not session:
            if sent is not None:  # nothing (left) to keep: the browser drops its copy
                headers.append("Set-Cookie", self._cookie("", 0))
            return
        if scope.get(PASSIVE) and not session.retired and not session.ended:
            return
        state = SessionState(sid=session.sid, created=session.created, seen=now, expires=session.expires,
                             data=dict(session))
        headers.append("Set-Cookie", self._cookie(self.codec.seal(state), max(1, int(session.expires - now))))

    def _cookie(self, value: str, max_age: int) -> str:
        flags = f"{self.name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
        return flags + ("; Secure" if self.secure else "")
