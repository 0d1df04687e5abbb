"""Production sign-in's checks (PKCE, state, nonce, the ID token) and the portal's security headers and
session cookie. The whole OIDC journey runs in a browser against a real provider in
``tests/e2e/test_portal_signin.py``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from kinerja_portal.config import PortalSettings
from kinerja_portal.entrypoints.main import create_app
from kinerja_portal.security import content_security_policy, origin_of
from kinerja_portal.signin import (
    PENDING_SECONDS,
    Discovery,
    PendingSignIn,
    SignInFailed,
    authorisation_url,
    check_callback,
    end_session_url,
    pkce_challenge,
    pkce_verifier,
    verify_id_token,
)

ISSUER = "https://sso.example.go.id/realms/asn"
CLIENT = "kinerja-portal"
DISCOVERY = Discovery(issuer=ISSUER, authorization_endpoint=f"{ISSUER}/auth", token_endpoint=f"{ISSUER}/token",
                      jwks_uri=f"{ISSUER}/certs", end_session_endpoint=f"{ISSUER}/logout",
                      id_token_algorithms=("RS256",), token_auth_methods=("client_secret_basic",))


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(key: rsa.RSAPrivateKey, kid: str = "k1") -> jwt.PyJWKSet:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return jwt.PyJWKSet.from_dict({"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]})


def id_token(key: rsa.RSAPrivateKey, *, kid: str = "k1", algorithm: str = "RS256", **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "199001012015011001", "iat": now, "exp": now + 300,
              "nonce": "the-nonce", **changes}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def hmac_with_public_key(key: rsa.RSAPrivateKey) -> str:
    """The classic forgery: HS256 "signed" with the IdP's public key as the secret (PyJWT will not make one)."""
    def part(data: dict[str, Any]) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")

    signing = part({"alg": "HS256", "typ": "JWT", "kid": "k1"}) + b"." + part(
        {"iss": ISSUER, "aud": CLIENT, "sub": "x", "nonce": "the-nonce", "iat": 1, "exp": int(time.time()) + 60})
    signature = base64.urlsafe_b64encode(hmac.new(pem(key).encode(), signing, hashlib.sha256).digest()).rstrip(b"=")
    return (signing + b"." + signature).decode()


class TestPkce:
    def test_the_s256_challenge_is_rfc_7636s_example(self) -> None:
        assert pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    def test_verifiers_are_long_unreserved_and_never_repeat(self) -> None:
        made = {pkce_verifier() for _ in range(50)}
        assert len(made) == 50
        assert all(43 <= len(v) <= 128 and re.fullmatch(r"[A-Za-z0-9_~.-]+", v) for v in made)

    def test_the_authorisation_request_carries_the_challenge_state_and_nonce(self) -> None:
        pending = PendingSignIn.start("/skp")
        url = authorisation_url(DISCOVERY, client_id=CLIENT, redirect_uri="https://portal/masuk/sso/kembali",
                                scope="openid profile", pending=pending)
        sent = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert url.startswith(f"{ISSUER}/auth?")
        assert sent == {"response_type": "code", "client_id": CLIENT, "redirect_uri": "https://portal/masuk/sso/kembali",
                        "scope": "openid profile", "state": pending.state, "nonce": pending.nonce,
                        "code_challenge": pkce_challenge(pending.verifier), "code_challenge_method": "S256"}
        assert pending.verifier not in url

    def test_the_pending_sign_in_survives_the_session_and_a_tampered_one_does_not(self) -> None:
        pending = PendingSignIn.start("/penilaian")
        assert PendingSignIn.from_session(pending.as_session()) == pending
        assert PendingSignIn.from_session({"state": "x"}) is None
        assert PendingSignIn.from_session("garbage") is None


class TestCallback:
    def test_gives_the_code_when_the_state_matches(self) -> None:
        pending = PendingSignIn.start("/")
        assert check_callback(pending, {"state": pending.state, "code": "abc"}) == "abc"

    @pytest.mark.parametrize(("params", "key"), [
        ({"state": "forged", "code": "abc"}, "signin.oidc_state"),
        ({"code": "abc"}, "signin.oidc_state"),
        ({"error": "access_denied", "state": "any"}, "signin.oidc_refused"),
    ])
    def test_refuses_another_state_or_an_idp_error(self, params: dict[str, str], key: str) -> None:
        with pytest.raises(SignInFailed) as failed:
            check_callback(PendingSignIn.start("/"), params)
        assert failed.value.key == key

    def test_refuses_an_answer_without_a_started_sign_in_or_too_late(self) -> None:
        with pytest.raises(SignInFailed) as none_started:
            check_callback(None, {"state": "s", "code": "c"})
        assert none_started.value.key == "signin.oidc_state"
        old = PendingSignIn.start("/", now=time.time() - PENDING_SECONDS - 1)
        with pytest.raises(SignInFailed) as late:
            check_callback(old, {"state": old.state, "code": "c"})
        assert late.value.key == "signin.oidc_expired"


class TestIdToken:
    def test_accepts_a_token_signed_by_the_idp_for_this_client_with_this_nonce(self, key: rsa.RSAPrivateKey) -> None:
        claims = verify_id_token(id_token(key), jwks(key), DISCOVERY, client_id=CLIENT, nonce="the-nonce")
        assert claims["sub"] == "199001012015011001"

    @pytest.mark.parametrize("changes", [
        {"nonce": "replayed"}, {"nonce": None}, {"aud": "another-client"}, {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600}, {"aud": [CLIENT, "other"], "azp": "other"},
    ], ids=["nonce", "no-nonce", "audience", "issuer", "expired", "azp"])
    def test_refuses_a_token_with_a_wrong_claim(self, key: rsa.RSAPrivateKey, changes: dict[str, Any]) -> None:
        with pytest.raises(SignInFailed) as failed:
            verify_id_token(id_token(key, **changes), jwks(key), DISCOVERY, client_id=CLIENT, nonce="the-nonce")
        assert failed.value.key == "signin.oidc_token"

    def test_refuses_a_signature_by_another_key_an_unknown_key_and_symmetric_or_no_signing(
            self, key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
        forged = [id_token(other_key), id_token(key, kid="unknown"),
                  hmac_with_public_key(key),
                  jwt.encode({"iss": ISSUER, "aud": CLIENT, "sub": "x", "nonce": "the-nonce"}, None, algorithm="none"),
                  "not-a-jwt"]
        for token in forged:
            with pytest.raises(SignInFailed) as failed:
                verify_id_token(token, jwks(key), DISCOVERY, client_id=CLIENT, nonce="the-nonce")
            assert failed.value.key == "signin.oidc_token", token


class TestDiscovery:
    def test_reads_the_endpoints_and_refuses_another_issuer(self) -> None:
        document = {"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/auth", "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/certs", "end_session_endpoint": f"{ISSUER}/logout"}
        found = Discovery.parse(document, ISSUER + "/")
        assert found.end_session_endpoint == f"{ISSUER}/logout"
        assert found.id_token_algorithms == ("RS256",)
        with pytest.raises(SignInFailed):
            Discovery.parse({**document, "issuer": "https://evil.example"}, ISSUER)
        with pytest.raises(SignInFailed):
            Discovery.parse({"issuer": ISSUER}, ISSUER)

    def test_signing_out_ends_the_idp_session_and_comes_back(self) -> None:
        url = end_session_url(DISCOVERY, client_id=CLIENT, id_token="tok", after="https://portal/masuk?keluar=1")
        assert url is not None
        sent = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert sent == {"client_id": CLIENT, "id_token_hint": "tok", "post_logout_redirect_uri": "https://portal/masuk?keluar=1"}
        without = Discovery(**{**DISCOVERY.__dict__, "end_session_endpoint": None})
        assert end_session_url(without, client_id=CLIENT, id_token="tok", after="/") is None


class TestSettings:
    def test_oidc_needs_a_client_and_the_key_that_verifies_access_tokens(self, key: rsa.RSAPrivateKey) -> None:
        with pytest.raises(ValidationError, match="oidc_client_id"):
            PortalSettings(oidc_issuer=ISSUER, jwt_public_key=pem(key))
        with pytest.raises(ValidationError, match="jwt_public_key"):
            PortalSettings(oidc_issuer=ISSUER, oidc_client_id=CLIENT)
        assert PortalSettings(oidc_issuer=ISSUER, oidc_client_id=CLIENT, jwt_public_key=pem(key)).oidc_enabled

    def test_production_refuses_to_start_without_sso_or_with_a_weak_session_secret(
            self, key: rsa.RSAPrivateKey) -> None:
        sso = {"oidc_issuer": ISSUER, "oidc_client_id": CLIENT, "jwt_public_key": pem(key)}
        strong = SecretStr("f" * 64)
        with pytest.raises(ValidationError, match="oidc_issuer"):
            PortalSettings(environment="production", session_secret=strong)
        with pytest.raises(ValidationError, match="session_secret"):
            PortalSettings(environment="production", **sso)  # the development default
        with pytest.raises(ValidationError, match="session_secret"):
            PortalSettings(environment="production", session_secret=SecretStr("short"), **sso)
        assert PortalSettings(environment="production", session_secret=strong, **sso).environment == "production"


class TestHeadersAndCookie:
    def test_the_policy_allows_this_origin_only_and_forms_to_the_idp(self) -> None:
        policy = content_security_policy(["https://sso.example.go.id"])
        directives = dict(d.split(" ", 1) for d in policy.split("; "))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self' https://sso.example.go.id"
        assert origin_of("https://sso.example.go.id/realms/asn/logout?x=1") == "https://sso.example.go.id"
        assert origin_of("/relative") is None

    def test_every_response_has_the_headers_and_production_cookies_are_secure(self, key: rsa.RSAPrivateKey) -> None:
        settings = PortalSettings(environment="production", jwt_public_key=pem(key), oidc_issuer=ISSUER,
                                  oidc_client_id=CLIENT, jwt_issuer=ISSUER,
                                  session_secret=SecretStr("a-long-random-production-session-secret"))
        with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
            first = client.get("/masuk?keluar=1")  # the page (no redirect right after signing out) sets the cookie
            answers = [client.get("/masuk?keluar=1"), client.get("/static/portal.css"), client.get("/no-such-page"),
                       client.get("/masuk")]
            for answer in answers:
                policy = answer.headers["Content-Security-Policy"]
                assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, answer.url
                assert "form-action 'self' https://sso.example.go.id" in policy
                assert answer.headers["X-Content-Type-Options"] == "nosniff"
                assert answer.headers["Referrer-Policy"] == "same-origin"
                assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
            assert answers[3].status_code == 303 and answers[3].headers["location"] == "/masuk/sso?next=/beranda"
            cookie = first.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
            # no development sign-in in production, even when asked for
            page = client.get("/masuk?keluar=1").text
            csrf = page.split('name="csrf" value="')[1].split('"')[0]
            refused = client.post("/masuk", data={"csrf": csrf, "demo": "199001012015011001"})
            assert refused.status_code == 403 and "masuklah dengan SSO instansi" in refused.text
            assert "token" not in refused.headers.get("set-cookie", "")

    def test_no_template_or_script_needs_inline_code_the_policy_would_block(self) -> None:
        portal = Path(__file__).resolve().parents[2] / "src" / "kinerja_portal"
        inline = re.compile(r"""<script(?![^>]*\bsrc=)|<style|\sstyle=["']|\son[a-z]+=["']|javascript:""", re.I)
        found = [f"{f.name}: {m.group(0)}" for f in (portal / "templates").glob("*.html")
                 for m in inline.finditer(re.sub(r"{#.*?#}", "", f.read_text(), flags=re.S))]
        assert found == []
        assert "eval(" not in (portal / "static" / "portal.js").read_text()

    def test_development_cookies_are_http_only_and_lax_but_not_secure(self) -> None:
        settings = PortalSettings(environment="development", jwt_secret=SecretStr("x" * 32))
        with TestClient(create_app(settings)) as client:
            cookie = client.get("/masuk").headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
