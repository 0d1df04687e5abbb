"""How people sign in.

Development: the sign-in page offers demo users (or any well-formed NIP with chosen roles) and the portal
mints the service token itself with the services' development secret (``mint_token``).

Production (OIDC): ``/masuk`` redirects to the agency IdP found at ``oidc_issuer``
(``/.well-known/openid-configuration``) with an authorisation-code request carrying PKCE (S256), ``state``
and ``nonce``, all three kept in the session until the IdP sends the browser back. The callback checks
``state``, exchanges the code (client ``oidc_client_id``, with ``oidc_client_secret`` when the portal is a
confidential client), verifies the ID token (signature with the IdP's JWKS, ``iss``, ``aud``/``azp``,
``exp``, ``nonce``), and keeps the IdP's access token — whose claims carry ``sub`` (NIP), ``roles`` and
``offices`` — in the session cookie (``session["token"]``). The portal verifies that token with
``jwt_public_key`` exactly as the services do (``TokenVerifier``), so every page and API call stays as it
is. Signing out clears the session and, when the IdP has one, goes to its end-session endpoint.

The cryptography is PyJWT's (already the kernel's); this module only decides what to check.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final
from urllib.parse import quote, urlencode

import httpx
import jwt
import structlog

from kinerja_kernel.auth import Role, mint_token
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.security import origin_of

log = structlog.get_logger(__name__)

SIGN_IN_ROLES = (Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI, Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR)

# asymmetric algorithms only: an ID token signed with "none" or an HMAC over a public value is refused
ID_TOKEN_ALGORITHMS: Final = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
PENDING_SECONDS: Final = 600  # how long a started sign-in may take at the IdP
CLOCK_SKEW_SECONDS: Final = 60
DISCOVERY_SECONDS: Final = 3600


def development_token(settings: PortalSettings, user: DemoUser) -> str:
    """A service token for a demo user, signed like ``kinerja-token`` does (development only)."""
    if not settings.dev_signin_enabled or settings.jwt_secret is None:
        raise PermissionError("development sign-in is disabled")
    return mint_token(secret=settings.jwt_secret.get_secret_value(), user_id=user.nip, roles=user.roles,
                      offices=user.offices, name=user.name, issuer=settings.jwt_issuer,
                      audience=settings.jwt_audience, ttl=timedelta(hours=settings.session_hours))


class SignInFailed(Exception):
    """The OIDC sign-in cannot finish. ``key`` is the i18n key of what the person reads (Indonesian
    first); ``reason`` is the English detail for the log."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason


# -- PKCE, state and nonce ----------------------------------------------------------------------------
def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))), without padding."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def pkce_verifier() -> str:
    """A code verifier of 86 characters from the unreserved set (RFC 7636 wants 43–128)."""
    return secrets.token_urlsafe(64)


@dataclass(frozen=True)
class PendingSignIn:
    """What the portal remembers (in the session) between sending the browser to the IdP and its return."""

    state: str
    nonce: str
    verifier: str
    next_path: str
    started: float

    @classmethod
    def start(cls, next_path: str, *, now: float | None = None) -> PendingSignIn:
        return cls(state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32), verifier=pkce_verifier(),
                   next_path=next_path, started=time.time() if now is None else now)

    def as_session(self) -> dict[str, Any]:
        return {"state": self.state, "nonce": self.nonce, "verifier": self.verifier, "next": self.next_path,
                "started": self.started}

    @classmethod
    def from_session(cls, stored: object) -> PendingSignIn | None:
        if not isinstance(stored, dict):
            return None
        try:
            return cls(state=str(stored["state"]), nonce=str(stored["nonce"]), verifier=str(stored["verifier"]),
                       next_path=str(stored["next"]), started=float(stored["started"]))
        except (KeyError, TypeError, ValueError):
            return None


def check_callback(pending: PendingSignIn | None, params: dict[str, str], *, now: float | None = None) -> str:
    """The authorisation code of the IdP's answer, after checking it answers the sign-in this browser
    started (same ``state``, not too old) and is not an error. Raises ``SignInFailed``."""
    if params.get("error"):
        description = params.get("error_description") or params["error"]
        raise SignInFailed("signin.oidc_refused", f"the IdP answered {params['error']}: {description}")
    if pending is None:
        raise SignInFailed("signin.oidc_state", "no sign-in was started in this browser session")
    state = params.get("state") or ""
    if not secrets.compare_digest(state.encode(), pending.state.encode()):
        raise SignInFailed("signin.oidc_state", "the state does not match the sign-in this session started")
    if (time.time() if now is None else now) - pending.started > PENDING_SECONDS:
        raise SignInFailed("signin.oidc_expired", "the sign-in was started too long ago")
    code = params.get("code") or ""
    if not code:
        raise SignInFailed("signin.oidc_refused", "the IdP sent no authorisation code")
    return code


# -- the IdP's metadata and the ID token --------------------------------------------------------------
@dataclass(frozen=True)
class Discovery:
    """The parts of ``/.well-known/openid-configuration`` the portal uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    id_token_algorithms: tuple[str, ...]
    token_auth_methods: tuple[str, ...]

    @classmethod
    def parse(cls, document: object, expected_issuer: str) -> Discovery:
        if not isinstance(document, dict):
            raise SignInFailed("signin.oidc_unavailable", "the discovery document is not a JSON object")
        issuer = str(document.get("issuer") or "")
        if issuer.rstrip("/") != expected_issuer.rstrip("/"):
            raise SignInFailed("signin.oidc_unavailable",
                               f"the discovery document names issuer {issuer!r}, expected {expected_issuer!r}")
        try:
            endpoints = {k: str(document[k]) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")}
        except KeyError as exc:
            raise SignInFailed("signin.oidc_unavailable", f"the discovery document lacks {exc}") from exc
        algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        end_session = document.get("end_session_endpoint")
        return cls(issuer=issuer, **endpoints, end_session_endpoint=str(end_session) if end_session else None,
                   id_token_algorithms=tuple(str(a) for a in algorithms),
                   token_auth_methods=tuple(str(m) for m in methods))


def authorisation_url(discovery: Discovery, *, client_id: str, redirect_uri: str, scope: str,
                      pending: PendingSignIn) -> str:
    """Where the browser goes to sign in: an authorisation-code request with PKCE S256, state and nonce."""
    query = urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
        "state": pending.state, "nonce": pending.nonce,
        "code_challenge": pkce_challenge(pending.verifier), "code_challenge_method": "S256",
    })
    separator = "&" if "?" in discovery.authorization_endpoint else "?"
    return f"{discovery.authorization_endpoint}{separator}{query}"


def end_session_url(discovery: Discovery, *, client_id: str, id_token: str | None, after: str) -> str | None:
    """RP-initiated logout at the IdP, coming back to ``after``; None when the IdP has no such endpoint."""
    if discovery.end_session_endpoint is None:
        return None
    params = {"client_id": client_id, "post_logout_redirect_uri": after}
    if id_token:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in discovery.end_session_endpoint else "?"
    return f"{discovery.end_session_endpoint}{separator}{urlencode(params)}"


def verify_id_token(id_token: str, keys: jwt.PyJWKSet, discovery: Discovery, *, client_id: str,
                    nonce: str) -> dict[str, Any]:
    """The ID token's claims, after checking its signature (a key of the IdP's JWKS, an asymmetric
    algorithm the IdP announces), issuer, audience (and ``azp`` when there are several), expiry and nonce."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise SignInFailed("signin.oidc_token", f"the ID token is not a JWT: {exc}") from exc
    algorithm = str(header.get("alg") or "")
    if algorithm not in ID_TOKEN_ALGORITHMS or algorithm not in discovery.id_token_algorithms:
        raise SignInFailed("signin.oidc_token", f"the ID token is signed with {algorithm!r}")
    kid = header.get("kid")
    candidates = [k for k in keys.keys if (kid is None or k.key_id == kid) and k.public_key_use in (None, "sig")]
    if not candidates or (kid is None and len(candidates) > 1):
        raise SignInFailed("signin.oidc_token", f"no key {kid!r} in the IdP's JWKS")
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token, candidates[0].key, algorithms=[algorithm], audience=client_id, issuer=discovery.issuer,
            leeway=CLOCK_SKEW_SECONDS, options={"require": ["iss", "aud", "exp", "iat", "sub"]})
    except jwt.PyJWTError as exc:
        raise SignInFailed("signin.oidc_token", f"the ID token does not verify: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SignInFailed("signin.oidc_token", "the ID token has several audiences and another azp")
    sent = claims.get("nonce")
    if not isinstance(sent, str) or not secrets.compare_digest(sent.encode(), nonce.encode()):
        raise SignInFailed("signin.oidc_token", "the ID token's nonce is not the one this sign-in sent")
    return claims



class OidcClient:
    """The portal as an OIDC client of the agency IdP: discovery and JWKS (cached), the code exchange."""

    def __init__(self, settings: PortalSettings, http: httpx.AsyncClient | None = None) -> None:
        if not settings.oidc_issuer or not settings.oidc_client_id:
            raise ValueError("OIDC needs oidc_issuer and oidc_client_id")
        self.issuer = settings.oidc_issuer
        self.client_id = settings.oidc_client_id
        self.client_secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        self.scope = settings.oidc_scope
        self.http = http or httpx.AsyncClient(timeout=settings.service_timeout_s)
        self._discovery: tuple[float, Discovery] | None = None
        self._keys: jwt.PyJWKSet | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    def form_origins(self) -> list[str]:
        """Origins a form may end up at (sign-out is redirected to the IdP's end-session endpoint)."""
        found = [origin_of(self.issuer)]
        if self._discovery is not None:
            found += [origin_of(self._discovery[1].end_session_endpoint),
                      origin_of(self._discovery[1].authorization_endpoint)]
        return [o for o in found if o]

    async def _get_json(self, url: str) -> Any:
        try:
            response = await self.http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignInFailed("signin.oidc_unavailable", f"GET {url} failed: {exc!r}") from exc

    async def discovery(self) -> Discovery:
        if self._discovery is not None and time.monotonic() - self._discovery[0] < DISCOVERY_SECONDS:
            return self._discovery[1]
        document = await self._get_json(f"{self.issuer.rstrip('/')}/.well-known/openid-configuration")
        found = Discovery.parse(document, self.issuer)
        self._discovery = (time.monotonic(), found)
        return found

    async def keys(self, *, refresh: bool = False) -> jwt.PyJWKSet:
        if self._keys is None or refresh:
            document = await self._get_json((await self.discovery()).jwks_uri)
            try:
                if not isinstance(document, dict):
                    raise jwt.PyJWKSetError("the JWKS is not a JSON object")
                self._keys = jwt.PyJWKSet.from_dict(document)
            except jwt.PyJWTError as exc:
                raise SignInFailed("signin.oidc_unavailable", f"the IdP's JWKS has no usable key: {exc}") from exc
        return self._keys

    async def exchange(self, code: str, *, verifier: str, redirect_uri: str) -> dict[str, Any]:
        """The token endpoint's answer for the code (with the PKCE verifier); refusals raise ``SignInFailed``."""
        discovery = await self.discovery()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": self.client_id, "code_verifier": verifier}
        extra: dict[str, Any] = {}
        if self.client_secret is not None:
            if "client_secret_basic" in discovery.token_auth_methods:
                # RFC 6749 2.3.1: both parts form-urlencoded before they are joined
                extra["auth"] = httpx.BasicAuth(quote(self.client_id, safe=""), quote(self.client_secret, safe=""))
            else:
                form["client_secret"] = self.client_secret
        try:
            response = await self.http.post(discovery.token_endpoint, data=form,
                                            headers={"Accept": "application/json"}, **extra)
        except httpx.HTTPError as exc:
            raise SignInFailed("signin.oidc_unavailable", f"the token endpoint did not answer: {exc!r}") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict):
            raise SignInFailed("signin.oidc_refused", f"the token endpoint answered {response.status_code}: "
                                                      f"{body.get('error') if isinstance(body, dict) else ''}")
        if not isinstance(body.get("id_token"), str) or not isinstance(body.get("access_token"), str):
            raise SignInFailed("signin.oidc_token", "the token endpoint sent no id_token or access_token")
        return body

    async def id_claims(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """``verify_id_token`` with the IdP's keys, fetched again once when the token names an unknown key."""
        discovery = await self.discovery()
        kid = _kid(id_token)
        keys = await self.keys()
        if kid is not None and kid not in {k.key_id for k in keys.keys}:
            keys = await self.keys(refresh=True)
        return verify_id_token(id_token, keys, discovery, client_id=self.client_id, nonce=nonce)


def _kid(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None
    return str(kid) if kid is not None else None
