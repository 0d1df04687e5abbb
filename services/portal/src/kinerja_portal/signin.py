"""How people sign in.

Development: the sign-in page offers demo users (or any well-formed NIP with chosen roles) and the portal
mints the service token itself with the services' development secret (``mint_token``).

Production (OIDC, not built yet): ``/masuk`` redirects to the agency IdP (authorisation code + PKCE, client
``oidc_client_id`` at ``oidc_issuer``); the callback exchanges the code for the IdP's access token, whose
claims carry ``sub`` (NIP), ``roles`` and ``offices``. The portal keeps that token in the same session
cookie (``session["token"]``) and verifies it with ``jwt_public_key`` exactly as the services do, so every
page and API call below stays as it is.
"""

from __future__ import annotations

from datetime import timedelta

from kinerja_kernel.auth import Role, mint_token
from kinerja_portal.config import DemoUser, PortalSettings


def development_token(settings: PortalSettings, user: DemoUser) -> str:
    """A service token for a demo user, signed like ``kinerja-token`` does (development only)."""
    if not settings.dev_signin_enabled or settings.jwt_secret is None:
        raise PermissionError("development sign-in is disabled")
    return mint_token(secret=settings.jwt_secret.get_secret_value(), user_id=user.nip, roles=user.roles,
                      offices=user.offices, name=user.name, issuer=settings.jwt_issuer,
                      audience=settings.jwt_audience, ttl=timedelta(hours=settings.session_hours))


SIGN_IN_ROLES = (Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI, Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR)
