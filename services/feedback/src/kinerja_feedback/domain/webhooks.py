"""Outbound webhooks: subscriptions per office, signed deliveries, retry with exponential backoff.

Signature: header ``X-Kinerja-Signature: t=<unix seconds>,v1=<hex>`` where
``hex = HMAC-SHA256(key=secret, msg=f"{t}.{body}")`` over the exact body bytes sent. A receiver
recomputes it, compares in constant time and rejects a ``t`` too far from its own clock (replay).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.feedback import WebhookSubscribed, WebhookUnsubscribed
from kinerja_kernel.errors import DomainRuleViolation, InvalidInput

SIGNATURE_HEADER = "X-Kinerja-Signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Kinerja-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: parse, recompute, compare in constant time, refuse stale timestamps."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - t) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, t), f"t={t},v1={parts.get('v1', '')}")


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def check_url(url: str) -> str:
    """Only absolute http(s) URLs with a host are accepted."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("URL webhook harus diawali http:// atau https:// dan memuat nama host",
                           message_en="webhook URL must be an absolute http(s) URL", field="url")
    return url


def backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Delay before the next try after ``attempts`` failed ones: base, 2·base, 4·base … at most ``cap``."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def after_failure(attempts: int, now: datetime, *, max_attempts: int, base: float,
                  cap: float) -> tuple[str, datetime | None]:
    """(``pending``, next try) or (``parked``, None) once ``max_attempts`` tries have failed."""
    if attempts >= max_attempts:
        return "parked", None
    return "pending", now + backoff(attempts, base=base, cap=cap)


class WebhookSubscription(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.subscription_id: uuid.UUID | None = None
        self.office_id = ""
        self.active = False

    @classmethod
    def subscribe(cls, *, subscription_id: uuid.UUID, office_id: str, url: str, roles: tuple[str, ...],
                  kinds: tuple[str, ...], description: str | None, secret: str) -> WebhookSubscription:
        s = cls()
        s.record(WebhookSubscribed(subscription_id=subscription_id, office_id=office_id, url=check_url(url),
                                   roles=roles, kinds=kinds, description=description,
                                   secret_fingerprint=fingerprint(secret)))
        return s

    def unsubscribe(self, *, reason: str) -> None:
        if not self.active:
            raise DomainRuleViolation("Langganan webhook sudah dihentikan", message_en="already unsubscribed")
        assert self.subscription_id is not None
        self.record(WebhookUnsubscribed(subscription_id=self.subscription_id, office_id=self.office_id,
                                        reason=reason))

    def _on_WebhookSubscribed(self, e: WebhookSubscribed) -> None:  # noqa: N802
        self.subscription_id, self.office_id, self.active = e.subscription_id, e.office_id, True

    def _on_WebhookUnsubscribed(self, e: WebhookUnsubscribed) -> None:  # noqa: N802
        self.active = False
