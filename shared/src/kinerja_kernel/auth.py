"""Authentication (JWT) and the caller's role and office scope.

Tokens carry ``sub`` (the user id: an NIP for people), ``name``, ``roles`` and ``offices``. Development
and tests sign with HS256 and a shared secret (``kinerja-token`` mints one); production verifies
RS256/ES256 tokens of the agency's identity provider with its public key.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict, Field

from kinerja_kernel.envelope import Actor, utcnow
from kinerja_kernel.errors import Forbidden, Unauthenticated


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
            raise Forbidden(
                f"Anda tidak memiliki akses ke kantor {office_id}",
                message_en=f"user {self.user_id} has no access to office {office_id}",
                field="office_id",
            )

    def require_role(self, *roles: Role) -> None:
        if not self.has_role(*roles):
            names = ", ".join(r.value for r in roles)
            raise Forbidden(
                f"Tindakan ini memerlukan peran: {names}", message_en=f"requires one of roles: {names}"
            )

    def actor(self, acting_as: Role) -> Actor:
        """The actor recorded on events this caller causes, in the role they act in."""
        return Actor(id=self.user_id, role=acting_as.value)


class TokenVerifier:
    """Verifies bearer tokens with an HS256 secret or an asymmetric public key."""

    def __init__(self, *, secret: str | None, public_key: str | None, issuer: str, audience: str) -> None:
        if not secret and not public_key:
            raise ValueError("configure jwt_secret (development) or jwt_public_key (production)")
        self._key: str = public_key or secret or ""
        self._algorithms = ["RS256", "ES256"] if public_key else ["HS256"]
        self.issuer = issuer
        self.audience = audience

    def verify(self, token: str) -> Principal:
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._key, algorithms=self._algorithms, audience=self.audience, issuer=self.issuer,
                options={"require": ["sub", "exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated(
                "Sesi Anda telah berakhir, silakan masuk kembali", message_en="token expired"
            ) from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("Token tidak valid", message_en=f"invalid token: {exc}") from exc
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError as exc:
            raise Unauthenticated("Token memuat peran yang tidak dikenal", message_en=str(exc)) from exc
        return Principal(
            user_id=str(claims["sub"]), name=str(claims.get("name", "")), roles=roles,
            offices=frozenset(str(o) for o in claims.get("offices", [])),
        )


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
