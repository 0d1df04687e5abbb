"""Production sign-in in a real browser: the portal as an OIDC client of a small but real identity
provider written for this test (discovery, an authorisation page, token endpoint checking PKCE S256 and the
client secret, JWKS with an RS256 key made here, end-session), and the planning service trusting that
IdP's key the way production services do (``jwt_public_key``, ``jwt_issuer``).

The browser signs in through the IdP, a page that calls planning works with the IdP's access token, the
session cookie is HttpOnly and SameSite=Lax, signing out ends the IdP session too; a forged state, a wrong
nonce, a forged signature and a token for another audience each end on an Indonesian page with no session.
The browser reports no Content-Security-Policy violation on the way.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.office import nip
from kinerja_kernel.testing.plugin import TEST_JWT_SECRET
from kinerja_portal.config import DEVELOPMENT_SESSION_SECRET
from kinerja_portal.session import COOKIE, SessionCodec

from .portal_support import CHROMIUM, Screens

pytestmark = [pytest.mark.e2e]

CLIENT_ID = "kinerja-portal"
CLIENT_SECRET = "rahasia-klien-portal-uji"


# -- the identity provider ----------------------------------------------------------------------------
@dataclass
class User:
    nip: str
    name: str
    roles: list[str]
    offices: list[str]


@dataclass
class Provider:
    """An OIDC provider for tests: one user to sign in, RS256 keys, and a ``mode`` to misbehave on purpose
    (``nonce``: another nonce; ``signature``: the ID token signed by a key not in the JWKS; ``audience``: an
    access token for another audience)."""

    port: int
    user: User
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537,
                                                                                    key_size=2048))
    rogue: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537,
                                                                                      key_size=2048))
    mode: str = "honest"
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    exchanges: list[dict[str, str]] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/realms/asn"

    @property
    def public_pem(self) -> str:
        return self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def access_token(self, user: User, *, audience: str = "kinerja") -> str:
        now = int(time.time())
        return jwt.encode({"iss": self.issuer, "aud": audience, "sub": user.nip, "name": user.name,
                           "roles": user.roles, "offices": user.offices, "iat": now, "exp": now + 600,
                           "azp": CLIENT_ID}, self.key, algorithm="RS256", headers={"kid": "asn-1"})

    def id_token(self, user: User, nonce: str) -> str:
        now = int(time.time())
        signer = self.rogue if self.mode == "signature" else self.key
        return jwt.encode({"iss": self.issuer, "aud": CLIENT_ID, "sub": user.nip, "name": user.name, "iat": now,
                           "exp": now + 300, "nonce": "another-nonce" if self.mode == "nonce" else nonce,
                           "azp": CLIENT_ID}, signer, algorithm="RS256", headers={"kid": "asn-1"})

    def app(self) -> FastAPI:
        app = FastAPI()
        base = "/realms/asn"

        @app.get(f"{base}/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/auth",
                    "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/certs",
                    "end_session_endpoint": f"{self.issuer}/logout", "response_types_supported": ["code"],
                    "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"]}

        @app.get(f"{base}/certs")
        async def certs() -> dict[str, Any]:
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return {"keys": [{**public, "kid": "asn-1", "use": "sig", "alg": "RS256"}]}

        @app.get(f"{base}/auth", response_class=HTMLResponse)
        async def authorise(request: Request) -> str:
            """A tiny sign-in page: the request is checked, then one button signs the configured user in."""
            q = request.query_params
            if (q.get("response_type"), q.get("client_id"), q.get("code_challenge_method")) != (
                    "code", CLIENT_ID, "S256") or not (q.get("state") and q.get("nonce") and q.get("code_challenge")):
                raise HTTPException(400, "invalid authorisation request")
            hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in q.items())
            return (f'<!doctype html><html lang="id"><head><meta name="viewport" content="width=device-width">'
                    f"<title>SSO ASN</title></head><body><h1>SSO Instansi</h1><p>{self.user.name} ({self.user.nip})"
                    f'</p><form method="post" action="{base}/auth">{hidden}<button>Setujui dan masuk</button>'
                    "</form></body></html>")

        @app.post(f"{base}/auth")
        async def approve(request: Request) -> RedirectResponse:
            form = {k: str(v) for k, v in (await request.form()).items()}
            code = secrets.token_urlsafe(16)
            self.codes[code] = form
            query = urlencode({"code": code, "state": form["state"]})
            return RedirectResponse(f"{form['redirect_uri']}?{query}", status_code=303)

        @app.post(f"{base}/token")
        async def token(request: Request, grant_type: str = Form(), code: str = Form(), redirect_uri: str = Form(),
                        code_verifier: str = Form(), client_id: str = Form()) -> JSONResponse:
            sent = base64.b64decode(request.headers.get("Authorization", "Basic ").split(" ", 1)[1] or b"").decode()
            asked = self.codes.pop(code, None)
            challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=").decode()
            problems = [name for name, bad in (
                ("grant_type", grant_type != "authorization_code"), ("code", asked is None),
                ("client", sent != f"{CLIENT_ID}:{CLIENT_SECRET}" or client_id != CLIENT_ID),
                ("redirect_uri", asked is not None and asked["redirect_uri"] != redirect_uri),
                ("code_verifier", asked is not None and asked["code_challenge"] != challenge)) if bad]
            self.exchanges.append({"verifier": code_verifier, "problems": ",".join(problems)})
            if problems or asked is None:
                return JSONResponse({"error": "invalid_grant", "error_description": ",".join(problems)}, 400)
            audience = "another-system" if self.mode == "audience" else "kinerja"
            return JSONResponse({"access_token": self.access_token(self.user, audience=audience),
                                 "token_type": "Bearer", "expires_in": 600,
                                 "id_token": self.id_token(self.user, asked["nonce"])})

        @app.get(f"{base}/logout")
        async def logout(request: Request) -> RedirectResponse:
            self.logouts.append(dict(request.query_params))
            return RedirectResponse(request.query_params["post_logout_redirect_uri"], status_code=303)

        return app


@dataclass
class OidcStack:
    idp: Provider
    portal: ServiceProcess
    planning: ServiceProcess
    office: str


@pytest.fixture(scope="module")
def oidc_stack(postgres_server_url: str, kafka_bootstrap: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcStack]:
    """The IdP (a uvicorn thread in this process), the planning service trusting its key, and the portal."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run deploy/local/setup.sh (it installs it)")
    unique = uuid.uuid4().hex[:8]
    office = f"KANWIL-SSO-{unique[:6].upper()}"
    salt = int(unique[:4], 16) % (336 * 12)
    user = User(nip(1991, 7, salt=salt), "Rina Pegawai SSO", ["pegawai"], [office])
    idp = Provider(free_port(), user)
    server = uvicorn.Server(uvicorn.Config(idp.app(), host="127.0.0.1", port=idp.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    logs = tmp_path_factory.mktemp("portal-sso-logs")
    try:
        with running_services(["planning"], server_url=postgres_server_url, bootstrap=kafka_bootstrap,
                              jwt_secret=TEST_JWT_SECRET, log_dir=logs, database_prefix=f"e2e_sso_{unique}",
                              environment="test", extra_env={"planning": {
                                  "KINERJA_PLANNING_JWT_PUBLIC_KEY": idp.public_pem,
                                  "KINERJA_PLANNING_JWT_ISSUER": idp.issuer,
                                  "KINERJA_PLANNING_CONSUMER_GROUP": f"kinerja-planning-sso-{unique}"}}) as started:
            planning = started["planning"]
            # HR puts the user on the roster, with a token of the same IdP (planning trusts nothing else)
            hr = User(nip(1982, 8, 2, salt=salt), "Pengelola SSO", ["pegawai", "pengelola_kepegawaian"], [office])
            registered = httpx.put(f"{planning.url}/api/v1/offices/{office}/employees/{user.nip}", timeout=15,
                                   headers={"Authorization": f"Bearer {idp.access_token(hr)}"},
                                   json={"name": user.name, "unit_id": "BIDANG-SSO", "position": "Analis",
                                         "position_type": "ja", "employment": "pns",
                                         "evaluator_id": nip(1975, 9, salt=salt),
                                         "superior_id": None})
            assert registered.status_code == 200, registered.text
            port = free_port()
            closed = f"http://127.0.0.1:{free_port()}"  # the other services are not needed here
            portal = ServiceProcess("portal", port=port, log_path=logs / "portal.log", env={
                "KINERJA_PORTAL_HTTP_PORT": str(port), "KINERJA_PORTAL_ENVIRONMENT": "test",
                "KINERJA_PORTAL_PLANNING_URL": planning.url, "KINERJA_PORTAL_EVALUATION_URL": closed,
                "KINERJA_PORTAL_FEEDBACK_URL": closed, "KINERJA_PORTAL_CAREER_URL": closed,
                "KINERJA_PORTAL_JWT_PUBLIC_KEY": idp.public_pem, "KINERJA_PORTAL_JWT_ISSUER": idp.issuer,
                "KINERJA_PORTAL_OIDC_ISSUER": idp.issuer, "KINERJA_PORTAL_OIDC_CLIENT_ID": CLIENT_ID,
                "KINERJA_PORTAL_OIDC_CLIENT_SECRET": CLIENT_SECRET, "KINERJA_PORTAL_NOTIFICATION_POLL_SECONDS": "60",
            })
            portal.start()
            try:
                portal.wait_healthy(timeout=60)
                yield OidcStack(idp, portal, planning, office)
            finally:
                portal.stop()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def sso_browser(oidc_stack: OidcStack) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


def phone(browser: Browser, stack: OidcStack) -> tuple[Page, list[str]]:
    """A fresh phone-sized browser session on the portal, and the CSP violations it reports."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID",
                                  base_url=stack.portal.url)
    page = context.new_page()
    violations: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", console)
    return page, violations


def session_of(page: Page) -> dict[str, Any]:
    """What the portal keeps in the browser's session cookie: encrypted, so opened here with the portal's
    (development) session secret; the browser itself sees no token in it."""
    cookie = next((c for c in page.context.cookies() if c["name"] == COOKIE), None)
    if cookie is None:
        return {}
    assert "eyJ" not in cookie["value"]  # no JWT, no base64 JSON in clear
    state = SessionCodec(DEVELOPMENT_SESSION_SECRET, name=COOKIE).open(cookie["value"])
    assert state is not None, "the cookie is not sealed with the portal's session secret"
    return state.data


def at_the_idp(page: Page, stack: OidcStack) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("SSO Instansi")
    assert page.url.startswith(f"{stack.idp.issuer}/auth?")


# -- the journey ------------------------------------------------------------------------------------
def test_pegawai_signs_in_through_the_agency_idp_uses_a_service_and_signs_out(
        sso_browser: Browser, oidc_stack: OidcStack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "masuk-sso")
    stack, idp = oidc_stack, oidc_stack.idp
    page, violations = phone(sso_browser, stack)

    page.goto("/skp")  # not signed in: straight to the IdP (no development sign-in here)
    at_the_idp(page, stack)
    asked = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert asked["code_challenge_method"] == "S256" and asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == f"{stack.portal.url}/masuk/sso/kembali"
    snap(page, "sso-idp")
    page.get_by_role("button", name="Setujui dan masuk").click()

    # back on the page asked for, which called planning with the IdP's access token
    expect(page.get_by_role("heading", level=1)).to_have_text("SKP saya")
    assert page.url.endswith("/skp")
    assert idp.exchanges[-1]["problems"] == ""  # PKCE verifier, client secret, redirect URI all checked
    kept = session_of(page)
    assert "oidc" not in kept and jwt.decode(kept["token"], options={"verify_signature": False})["iss"] == idp.issuer
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    snap(page, "sso-skp")

    # writing works too: the SKP is drafted in planning as this user
    year = 2031 + int(uuid.uuid4().hex[:2], 16) % 40
    page.get_by_label("Periode").fill(str(year))
    page.get_by_role("button", name="Buat draf SKP").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"SKP {year}")
    plans = httpx.get(f"{stack.planning.url}/api/v1/me/plans", timeout=15,
                      headers={"Authorization": f"Bearer {idp.access_token(idp.user)}"}).json()
    assert [p["period_year"] for p in plans] == [year]
    expect(page.get_by_role("navigation", name="Menu utama")).to_contain_text("SKP saya")
    snap(page, "sso-draf")

    # signing out ends the IdP's session as well, and comes back to a page that says so
    fold = page.locator("#menu-fold > summary")  # on a phone, sign-out sits in the folded menu
    if fold.is_visible() and page.locator("#menu-fold[open]").count() == 0:
        fold.click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_have_text("Anda telah keluar.")
    assert idp.logouts[-1]["client_id"] == CLIENT_ID and idp.logouts[-1]["id_token_hint"]
    assert "token" not in session_of(page)
    snap(page, "sso-keluar")
    page.goto("/beranda")
    at_the_idp(page, stack)  # no session left: signing in again starts at the IdP
    # a copy of the signed-in cookie, saved before signing out, is refused: the session was revoked
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": stack.portal.url}])
    page.goto("/skp")
    at_the_idp(page, stack)
    assert violations == []


@pytest.mark.parametrize(("mode", "message"), [
    ("nonce", "Token identitas dari SSO tidak sah"),
    ("signature", "Token identitas dari SSO tidak sah"),
    ("audience", "Token akses dari SSO tidak diterima oleh layanan Kinerja"),
])
def test_a_token_that_does_not_verify_signs_nobody_in(sso_browser: Browser, oidc_stack: OidcStack, tmp_path: Path,
                                                      mode: str, message: str) -> None:
    snap = Screens(tmp_path, f"masuk-sso-{mode}")
    stack = oidc_stack
    page, violations = phone(sso_browser, stack)
    stack.idp.mode = mode
    try:
        page.goto("/beranda")
        at_the_idp(page, stack)
        page.get_by_role("button", name="Setujui dan masuk").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gagal masuk")
    finally:
        stack.idp.mode = "honest"
    expect(page.locator("#signin-failure")).to_contain_text(message)
    assert session_of(page).keys() <= {"csrf", "lang"}
    snap(page, "gagal")
    page.goto("/beranda")
    at_the_idp(page, stack)
    assert violations == []


def test_an_answer_with_a_forged_state_signs_nobody_in(sso_browser: Browser, oidc_stack: OidcStack,
                                                       tmp_path: Path) -> None:
    snap = Screens(tmp_path, "masuk-sso-state")
    stack = oidc_stack
    page, _ = phone(sso_browser, stack)
    page.goto("/beranda")
    at_the_idp(page, stack)  # a sign-in started in this browser ...
    page.goto(f"{stack.portal.url}/masuk/sso/kembali?code=stolen-code&state=forged")  # ... answered by someone else
    expect(page.get_by_role("heading", level=1)).to_have_text("Gagal masuk")
    expect(page.locator("#signin-failure")).to_contain_text("parameter state tidak cocok")
    assert "token" not in session_of(page)
    snap(page, "state-palsu")
    # the real answer cannot be used afterwards either: the started sign-in is gone
    page.get_by_role("link", name="Masuk lagi").click()
    at_the_idp(page, stack)
