"""Authentication (JWT) and the caller's role and office scope.

Tokens carry ``sub`` (the user id: an NIP for people), ``name``, ``roles`` and ``offices``. Development
and tests sign with HS256 and a shared secret (``kinerja-token`` mints one); production verifies
RS256/ES256 tokens of the agency's identity provider with its public key.

Refused (401): a token without ``sub``, ``iat`` or ``exp``, one living longer than the maximum lifetime
(``exp - iat``), and one whose ``sub`` is not a well-formed NIP. The one exception is a machine caller
(a counter system, a call centre) whose only role is ``system``: its ``sub`` is a client id (ASCII letters,
digits and ``._:-``, at most 64 characters), never mistaken for a person.
"""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict, Field

from kinerja_kernel.envelope import Actor, utcnow
from kinerja_kernel.errors import Forbidden, Unauthenticated
from kinerja_kernel.identity import nip_problem

CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
DEFAULT_MAX_LIFETIME = timedelta(hours=12)


class Role(enum.StrEnum):
    """Who a user acts as (names follow the regulation's roles)."""

    PEGAWAI = "pegawai"
    PEJABAT_PENILAI = "pejabat_penilai"
    ATASAN_PENILAI = "atasan_penilai"
    PENGELOLA_KEPEGAWAIAN = "pengelola_kepegawaian"
    AUDITOR = "auditor"
    SYSTEM = "system"


class Principal(BaseModel):
    """The authenticated caller."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1, max_length=64)
    name: str = ""
    roles: frozenset[Role]
    offices: frozenset[str]

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def in_office(self, office_id: str) -> bool:
        return office_id in self.offices

    def require_office(self, office_id: str) -> None:
        if not self.in_office(office_id):
            raise Forbidden("kernel.access.office", field="office_id", office_id=office_id, user_id=self.user_id)

    def require_role(self, *roles: Role) -> None:
        if not self.has_role(*roles):
            names = ", ".join(r.value for r in roles)
            raise Forbidden("kernel.access.role", roles=names)

    def actor(self, acting_as: Role) -> Actor:
        """The actor recorded on events this caller causes, in the role they act in."""
        return Actor(id=self.user_id, role=acting_as.value)


class TokenVerifier:
    """Verifies bearer tokens with an HS256 secret or an asymmetric public key.

    A token that verified is remembered until it expires (at most ``cache_size`` tokens, the oldest
    forgotten first): a client sends the same token with every request, and checking its signature
    and claims again each time is a measurable share of a small write. The cache key is the whole token,
    whose signature covers every claim; a token that failed is never remembered."""

    def __init__(self, *, secret: str | None, public_key: str | None, issuer: str, audience: str,
                 max_lifetime: timedelta = DEFAULT_MAX_LIFETIME, cache_size: int = 10_000) -> None:
        if not secret and not public_key:
            raise ValueError("configure jwt_secret (development) or jwt_public_key (production)")
        self._key: str = public_key or secret or ""
        self._algorithms = ["RS256", "ES256"] if public_key else ["HS256"]
        self.issuer = issuer
        self.audience = audience
        self.max_lifetime = max_lifetime
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._cache_size = cache_size

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            if time.time() < known[1]:
                return known[0]
            del self._verified[token]  # expired: verified again below, which refuses it
        principal, expires = self._verify(token)
        if self._cache_size > 0:
            if len(self._verified) >= self._cache_size:
                del self._verified[next(iter(self._verified))]
            self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._key, algorithms=self._algorithms, audience=self.audience, issuer=self.issuer,
                options={"require": ["sub", "exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("kernel.auth.expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("kernel.auth.invalid", reason=str(exc)) from exc
        try:
            lifetime = float(claims["exp"]) - float(claims["iat"])
        except (TypeError, ValueError) as exc:
            raise Unauthenticated("kernel.auth.invalid", reason="exp and iat must be numbers") from exc
        if lifetime > self.max_lifetime.total_seconds():
            raise Unauthenticated("kernel.auth.lifetime", lifetime=int(lifetime),
                                  maximum=int(self.max_lifetime.total_seconds()))
        raw_roles, raw_offices = claims.get("roles", []), claims.get("offices", [])
        if not isinstance(raw_roles, list) or not isinstance(raw_offices, list):
            raise Unauthenticated("kernel.auth.invalid", reason="roles and offices must be lists")
        try:
            roles = frozenset(Role(r) for r in raw_roles)
        except (ValueError, TypeError) as exc:
            raise Unauthenticated("kernel.auth.unknown-role", reason=str(exc)) from exc
        return Principal(
            user_id=_subject(claims["sub"], roles), name=str(claims.get("name", "")), roles=roles,
            offices=frozenset(str(o) for o in raw_offices),
        ), float(claims["exp"])


def _subject(sub: object, roles: frozenset[Role]) -> str:
    """The caller's id: an NIP for a person, a client id for a ``system``-only machine caller."""
    if not isinstance(sub, str) or not sub:
        raise Unauthenticated("kernel.auth.no-subject")
    if roles == {Role.SYSTEM}:
        if CLIENT_ID.fullmatch(sub) is None:
            raise Unauthenticated("kernel.auth.bad-client-id")
        return sub
    problem = nip_problem(sub)
    if problem is not None:
        raise Unauthenticated("kernel.auth.subject-not-nip", problem=problem)
    return sub


def mint_token(
    *, secret: str, user_id: str, roles: Iterable[Role | str], offices: Iterable[str], name: str = "",
    issuer: str = "kinerja-dev", audience: str = "kinerja", ttl: timedelta = timedelta(hours=8),
) -> str:
    """Sign a development token (HS256). Production tokens come from the identity provider."""
    now = utcnow()
    claims = {
        "sub": user_id, "name": name, "roles": [Role(r).value for r in roles], "offices": list(offices),
        "iss": issuer, "aud": audience, "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")
