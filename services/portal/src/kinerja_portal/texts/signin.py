"""Strings of the portal's signin pages (Indonesian first, English second); merged by ``kinerja_portal.i18n``."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "signin.signed_out": {"id": "Anda telah keluar.", "en": "You have signed out."},
    "signin.dev_disabled": {"id": "Masuk pengembangan tidak tersedia di sini; masuklah dengan SSO instansi.",
                            "en": "Development sign-in is not available here; sign in with the agency SSO."},
    "signin.failed": {"id": "Gagal masuk", "en": "Sign-in failed"},
    "signin.failed_hint": {"id": "Anda belum masuk dan tidak ada yang tersimpan. Silakan coba masuk lagi; bila "
                                 "terus gagal, hubungi pengelola SSO instansi Anda.",
                           "en": "You are not signed in and nothing was kept. Please try again; if it keeps "
                                 "failing, contact your agency's SSO administrator."},
    "signin.again": {"id": "Masuk lagi", "en": "Sign in again"},
    "signin.oidc_state": {"id": "Permintaan masuk tidak dikenali atau tidak dimulai dari peramban ini "
                                "(parameter state tidak cocok). Mulai lagi dari halaman masuk.",
                          "en": "The sign-in response does not belong to a sign-in started in this browser "
                                "(the state does not match). Start again from the sign-in page."},
    "signin.oidc_expired": {"id": "Proses masuk terlalu lama dan telah kedaluwarsa. Silakan mulai lagi.",
                            "en": "The sign-in took too long and expired. Please start again."},
    "signin.oidc_refused": {"id": "Penyedia identitas (SSO) menolak permintaan masuk.",
                            "en": "The identity provider (SSO) refused the sign-in."},
    "signin.oidc_token": {"id": "Token identitas dari SSO tidak sah (tanda tangan, penerbit, audiens, masa "
                                "berlaku, atau nonce tidak sesuai). Anda tidak dimasukkan.",
                          "en": "The SSO's identity token is not valid (signature, issuer, audience, expiry or "
                                "nonce do not match). You were not signed in."},
    "signin.oidc_access": {"id": "Token akses dari SSO tidak diterima oleh layanan Kinerja (penerbit, audiens, "
                                 "tanda tangan, atau peran tidak sesuai).",
                           "en": "The SSO's access token is not accepted by the Kinerja services (issuer, "
                                 "audience, signature or roles do not match)."},
    "signin.oidc_unavailable": {"id": "Penyedia identitas (SSO) sedang tidak dapat dihubungi. Coba lagi sebentar "
                                      "lagi.",
                                "en": "The identity provider (SSO) cannot be reached right now. Try again shortly."},
}
FIELD_LABELS: Final[dict[str, str]] = {}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {}
