"""The portal's session through its HTTP interface: the cookie hides the token, signing out revokes it,
signing in rotates the session and its CSRF token, sessions end when idle or old, production cookies are
``__Host-`` and Secure, and nothing secret is logged. (The same with several replicas sharing PostgreSQL is
``test_session_replicas.py``.)"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Iterator

import httpx
import jwt
import pytest
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_kernel.auth import Role
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.entrypoints.main import create_app
from kinerja_portal.signin import OidcClient

SECRET = "s" * 40
EMPLOYEE = DemoUser(nip="199001012020121001", name="Rina Pegawai", roles=[Role.PEGAWAI], offices=["KANTOR-A"])


def settings(**changes: object) -> PortalSettings:
    base: dict[str, object] = {"environment": "test", "jwt_secret": SecretStr(SECRET), "demo_users": [EMPLOYEE]}
    return PortalSettings(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings()), follow_redirects=False) as found:
        yield found


class Clock:
    """``time.time`` moved forward by hand (the portal's session and its cookie signer read it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + self.offset)

    def advance(self, *, minutes: float) -> None:
        self.offset += minutes * 60


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def cookie_of(client: TestClient) -> tuple[str, str]:
    """The session cookie's name and value as the browser holds it."""
    found = [(c.name, c.value) for c in client.cookies.jar if c.name.endswith("kinerja_sesi")]
    assert len(found) == 1, found
    return found[0]


def sign_in(client: TestClient) -> str:
    """Development sign-in as the demo employee; returns the CSRF token the sign-in form carried."""
    csrf = csrf_of(client.get("/masuk").text)
    answer = client.post("/masuk", data={"csrf": csrf, "demo": EMPLOYEE.nip, "next": "/beranda"})
    assert answer.status_code == 303 and answer.headers["location"] == "/beranda", answer.text
    assert client.get("/beranda").status_code == 200
    return csrf


def signed_in(client: TestClient) -> bool:
    answer = client.get("/beranda")
    if answer.status_code == 200:
        return True
    assert answer.status_code == 303 and answer.headers["location"].startswith("/masuk"), answer.status_code
    return False


def with_cookie(client: TestClient, name: str, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(name, value)


class TestTheCookieHidesTheToken:
    def test_no_part_of_the_cookie_decodes_to_the_token_or_any_session_value(self, client: TestClient) -> None:
        sign_in(client)
        _, value = cookie_of(client)
        assert "eyJ" not in value  # no JWT (nor base64 JSON) in clear
        for part in re.split(r"[.~!*]", value):
            try:
                decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            except (binascii.Error, ValueError):
                continue
            assert b"token" not in decoded and b"eyJ" not in decoded and b"csrf" not in decoded
            assert EMPLOYEE.nip.encode() not in decoded
            with pytest.raises(jwt.PyJWTError):
                jwt.decode(decoded.decode("latin-1"), options={"verify_signature": False})

    def test_a_changed_byte_is_a_new_anonymous_session(self, client: TestClient) -> None:
        sign_in(client)
        name, value = cookie_of(client)
        flipped = value[:20] + ("A" if value[20] != "A" else "B") + value[21:]
        with_cookie(client, name, flipped)
        assert not signed_in(client)


class TestSigningOut:
    def test_a_copy_of_the_cookie_saved_before_signing_out_is_refused_afterwards(self, client: TestClient) -> None:
        sign_in(client)
        name, saved = cookie_of(client)
        csrf = csrf_of(client.get("/beranda").text)
        answer = client.post("/keluar", data={"csrf": csrf})
        assert answer.status_code == 303
        assert not signed_in(client)

        with_cookie(client, name, saved)  # the copy an attacker (or a shared computer) kept
        refused = client.get("/beranda")
        assert refused.status_code == 303 and refused.headers["location"] == "/masuk?next=/beranda"
        assert "Rina Pegawai" not in refused.text
        # the same copy cannot post a form either
        with_cookie(client, name, saved)
        assert client.post("/bahasa", data={"csrf": csrf, "lang": "en", "next": "/beranda"}).status_code == 400

    def test_signing_out_tells_the_browser_to_drop_the_cookie(self, client: TestClient) -> None:
        sign_in(client)
        csrf = csrf_of(client.get("/beranda").text)
        answer = client.post("/keluar", data={"csrf": csrf})
        dropped = answer.headers["set-cookie"]
        assert dropped.startswith("kinerja_sesi=;") and "Max-Age=0" in dropped


class TestSigningInRotates:
    def test_the_csrf_token_seen_before_signing_in_no_longer_works(self, client: TestClient) -> None:
        before = sign_in(client)
        after = csrf_of(client.get("/beranda").text)
        assert after != before
        refused = client.post("/bahasa", data={"csrf": before, "lang": "en", "next": "/beranda"})
        assert refused.status_code == 400
        accepted = client.post("/bahasa", data={"csrf": after, "lang": "en", "next": "/beranda"})
        assert accepted.status_code == 303

    def test_the_anonymous_session_cookie_is_retired_at_sign_in(self, client: TestClient) -> None:
        page = client.get("/masuk")
        csrf = csrf_of(page.text)
        name, anonymous = cookie_of(client)
        client.post("/masuk", data={"csrf": csrf, "demo": EMPLOYEE.nip, "next": "/beranda"})
        assert cookie_of(client)[1] != anonymous
        # someone holding the pre-sign-in cookie (session fixation) gets a new empty session, not this one
        with_cookie(client, name, anonymous)
        assert not signed_in(client)
        assert client.post("/bahasa", data={"csrf": csrf, "lang": "en", "next": "/"}).status_code == 400


class TestExpiry:
    def test_a_session_idle_longer_than_the_limit_has_ended(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = Clock(monkeypatch)
        with TestClient(create_app(settings(session_idle_minutes=30)), follow_redirects=False) as client:
            sign_in(client)
            clock.advance(minutes=25)
            assert signed_in(client)  # activity keeps it alive
            clock.advance(minutes=25)
            assert signed_in(client)
            clock.advance(minutes=31)
            answer = client.get("/beranda")
            assert answer.status_code == 303 and answer.headers["location"] == "/masuk?next=/beranda"
            assert "Sesi Anda telah berakhir" in client.get("/masuk").text

    def test_polling_for_notifications_does_not_keep_an_idle_session_alive(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = Clock(monkeypatch)
        with TestClient(create_app(settings(session_idle_minutes=30, feedback_url="http://127.0.0.1:9")),
                        follow_redirects=False) as client:
            sign_in(client)
            for minutes in (10, 10, 9):
                clock.advance(minutes=minutes)
                assert "set-cookie" not in client.get("/notifikasi/terbaru").headers
            clock.advance(minutes=2)  # 31 minutes after the last page
            assert client.get("/notifikasi/terbaru").json() == {"signed_in": False}
            assert not signed_in(client)

    def test_a_session_ends_at_its_absolute_limit_however_active(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = Clock(monkeypatch)
        with TestClient(create_app(settings(session_hours=1, session_idle_minutes=45)),
                        follow_redirects=False) as client:
            sign_in(client)
            name, _ = cookie_of(client)
            clock.advance(minutes=40)
            assert signed_in(client)
            clock.advance(minutes=15)
            assert signed_in(client)
            _, late = cookie_of(client)
            clock.advance(minutes=10)  # 65 minutes after signing in, 10 after the last request
            assert not signed_in(client)
            with_cookie(client, name, late)  # a browser ignoring Max-Age gains nothing
            assert not signed_in(client)

    def test_the_cookie_lives_no_longer_than_the_session_and_its_token(self, client: TestClient) -> None:
        sign_in(client)
        answer = client.get("/beranda")
        max_age = int(re.search(r"Max-Age=(\d+)", answer.headers["set-cookie"]).group(1))  # type: ignore[union-attr]
        assert 8 * 3600 - 60 <= max_age <= 8 * 3600


class TestCookieFlagsAndLogs:
    def test_production_uses_a_host_only_secure_cookie(self) -> None:
        production = PortalSettings(environment="development", jwt_secret=SecretStr(SECRET), demo_users=[EMPLOYEE],
                                    secure_cookies=True, session_secret=SecretStr("p" * 48))
        with TestClient(create_app(production), base_url="https://testserver", follow_redirects=False) as client:
            sign_in(client)
            cookie = client.get("/beranda").headers["set-cookie"]
        assert cookie.startswith("__Host-kinerja_sesi=")
        flags = {f.strip().lower() for f in cookie.split(";")[1:]}
        assert {"path=/", "httponly", "samesite=lax", "secure"} <= flags
        assert not any(f.startswith("domain") for f in flags)

    def test_neither_the_token_the_cookie_nor_the_secret_is_logged(self, client: TestClient) -> None:
        with structlog.testing.capture_logs() as logs:
            sign_in(client)
            _, value = cookie_of(client)
            csrf = csrf_of(client.get("/beranda").text)
            client.post("/keluar", data={"csrf": csrf})
            client.get("/beranda")
        written = repr(logs)
        assert value[:40] not in written and "eyJ" not in written and SECRET not in written
        assert "kinerja-portal-dev-session" not in written


class TestTheTokenBoundsTheSession:
    """An SSO sign-in (the IdP answered over a mocked transport, as ``signin.py``'s client is given one):
    the session ends when the IdP's access token does, however short the token."""

    ISSUER = "https://sso.example.go.id/realms/asn"

    def test_a_session_never_outlives_the_idps_access_token(self, monkeypatch: pytest.MonkeyPatch) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        issuer, now = self.ISSUER, int(time.time())
        access = jwt.encode({"sub": EMPLOYEE.nip, "roles": ["pegawai"], "offices": ["KANTOR-A"], "iss": issuer,
                             "aud": "kinerja", "iat": now, "exp": now + 600}, key, algorithm="RS256")
        asked: dict[str, str] = {}

        def idp(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/.well-known/openid-configuration"):
                return httpx.Response(200, json={
                    "issuer": issuer, "authorization_endpoint": f"{issuer}/auth", "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/certs", "end_session_endpoint": f"{issuer}/logout"})
            if request.url.path.endswith("/certs"):
                jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
                return httpx.Response(200, json={"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]})
            id_token = jwt.encode({"iss": issuer, "aud": "kinerja-portal", "sub": EMPLOYEE.nip, "iat": now,
                                   "exp": now + 600, "nonce": asked["nonce"]}, key, algorithm="RS256",
                                  headers={"kid": "k1"})
            return httpx.Response(200, json={"access_token": access, "id_token": id_token, "token_type": "Bearer"})

        clock = Clock(monkeypatch)
        sso = settings(dev_signin=False, oidc_issuer=issuer, oidc_client_id="kinerja-portal", jwt_public_key=public,
                       jwt_issuer=issuer)
        app = create_app(sso)
        with TestClient(app, follow_redirects=False) as client:
            app.state.oidc = OidcClient(sso, http=httpx.AsyncClient(transport=httpx.MockTransport(idp)))
            to_idp = client.get("/masuk/sso?next=/beranda").headers["location"]
            query = dict(httpx.URL(to_idp).params)
            asked["nonce"] = query["nonce"]
            back = client.get(f"/masuk/sso/kembali?state={query['state']}&code=the-code")
            assert back.status_code == 303 and back.headers["location"] == "/beranda", back.text
            assert signed_in(client)
            _, value = cookie_of(client)
            assert "eyJ" not in value  # neither the access token nor the ID token
            lives = re.search(r"Max-Age=(\d+)", client.get("/beranda").headers["set-cookie"])
            assert lives is not None and int(lives.group(1)) <= 600  # not session_hours (8 h)
            clock.advance(minutes=11)  # the token's exp has passed (the token itself is checked on real time)
            assert not signed_in(client)
