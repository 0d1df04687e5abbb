"""Settings of the web portal (``KINERJA_PORTAL_*``); nothing is read from the environment elsewhere."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kinerja_kernel.auth import Role

DEVELOPMENT_SESSION_SECRET = "kinerja-portal-dev-session-change-me"  # noqa: S105 - refused in production


class DemoUser(BaseModel):
    """A user the development sign-in offers with one click."""

    nip: str
    name: str
    roles: list[Role]
    offices: list[str]


class PortalSettings(BaseSettings):
    """Where the services are, how sessions are signed, and how people sign in."""

    model_config = SettingsConfigDict(env_prefix="KINERJA_PORTAL_", extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    http_host: str = "127.0.0.1"
    http_port: int = 8105
    log_level: str = "INFO"
    log_json: bool | None = None

    planning_url: str = "http://127.0.0.1:8101"
    evaluation_url: str = "http://127.0.0.1:8102"
    feedback_url: str = "http://127.0.0.1:8103"
    career_url: str = "http://127.0.0.1:8104"
    service_timeout_s: float = Field(default=15.0, gt=0)
    notification_poll_seconds: float = Field(default=15.0, gt=0, description="how often pages ask for new ones")

    # the session is an AES-GCM encrypted cookie (``session.py``): any replica with the same secret reads it
    session_secret: SecretStr = Field(default=SecretStr(DEVELOPMENT_SESSION_SECRET),
                                      description="encrypts the session cookie (the same on every replica); "
                                                  "a long random value in production")
    session_hours: float = Field(default=8.0, gt=0, le=12, description="absolute session lifetime (never longer "
                                 "than the signed-in token's; at most the services' 12 h token lifetime)")
    session_idle_minutes: float = Field(default=30.0, gt=0, le=24 * 60,
                                        description="a session without a request for this long has ended")
    session_database_url: SecretStr | None = Field(
        default=None, description="PostgreSQL shared by every portal replica, where signed-out sessions are "
        "kept until they would have expired; unset, they are kept in this process only, which is right for "
        "one portal process but with several replicas lets a copied cookie work on the others until it expires")
    secure_cookies: bool = Field(default=False, description="true behind HTTPS (always in production)")

    # development sign-in: the portal mints the service token itself (never in production)
    dev_signin: bool = True
    jwt_secret: SecretStr | None = Field(default=None, description="the services' HS256 development secret")
    jwt_issuer: str = "kinerja-dev"
    jwt_audience: str = "kinerja"
    jwt_public_key: str | None = Field(default=None, description="the IdP's PEM key (production): verifies tokens")
    demo_users: list[DemoUser] = Field(default_factory=list, description="JSON list offered on the sign-in page")

    # production sign-in (OIDC authorisation code + PKCE S256 against the agency IdP, ``signin.py``); the IdP's
    # access tokens are verified with ``jwt_public_key``, ``jwt_issuer`` and ``jwt_audience`` like the services do
    oidc_issuer: str | None = Field(default=None, description="the IdP's issuer URL (discovery is read from it)")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = Field(default=None, description="only for a confidential client")
    oidc_scope: str = "openid profile"
    oidc_redirect_uri: str | None = Field(default=None, description="the callback URL registered at the IdP "
                                          "(default: this host's /masuk/sso/kembali)")
    oidc_post_logout_redirect_uri: str | None = Field(default=None, description="where the IdP sends people after "
                                                      "sign-out (default: this host's /masuk?keluar=1)")

    @model_validator(mode="after")
    def _oidc_complete(self) -> PortalSettings:
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("oidc_issuer needs oidc_client_id")
        if self.oidc_issuer and not self.jwt_public_key:
            raise ValueError("oidc_issuer needs jwt_public_key: the IdP's key that verifies its access tokens")
        if self.environment == "production":
            if not self.oidc_issuer:
                raise ValueError("production needs oidc_issuer: nobody could sign in (development sign-in is off)")
            secret = self.session_secret.get_secret_value()
            if secret == DEVELOPMENT_SESSION_SECRET or len(secret) < 32:
                raise ValueError("production needs session_secret: a random value of at least 32 characters")
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def json_logs(self) -> bool:
        return self.log_json if self.log_json is not None else self.environment == "production"

    @property
    def dev_signin_enabled(self) -> bool:
        return self.dev_signin and self.environment != "production" and self.jwt_secret is not None
