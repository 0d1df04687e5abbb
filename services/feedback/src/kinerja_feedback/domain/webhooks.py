"""Outbound webhooks: subscriptions per office, signed deliveries, retry with exponential backoff.

Targets: only public addresses (every address of the host, at registration and again at each delivery,
which then connects to the address it vetted), unless the operator's allow-list names the network or host.

Signature: header ``X-Kinerja-Signature: t=<unix seconds>,v1=<hex>`` where
``hex = HMAC-SHA256(key=secret, msg=f"{t}.{body}")`` over the exact body bytes sent. A receiver
recomputes it, compares in constant time and rejects a ``t`` too far from its own clock (replay).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
        raise InvalidInput("feedback.webhook.url-not-http", field="url")
    return url


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class TargetPolicy:
    """Where webhooks may go: public internet addresses only, unless an address is in an allowed network or
    the host is an allowed name (an on-premise gateway, set by the operator, never by a request)."""

    networks: tuple[IpNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, entries: Iterable[str]) -> TargetPolicy:
        """From the allow-list setting: CIDRs (``10.20.0.0/16``, ``fd00::/8``, ``10.1.2.3``) and host names."""
        networks, hosts = [], set()
        for entry in (e.strip() for e in entries):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    def refusal(self, host: str, addresses: Sequence[IpAddress]) -> str | None:
        """Why a target must not be reached (``None``: it may), checking every address the host has."""
        if host.lower().rstrip(".") in self.hosts:
            return None
        if not addresses:
            return "nama host tidak dapat di-resolve"
        for address in addresses:
            if not any(address in n for n in self.networks) and _internal(address):
                return f"alamat {address} adalah alamat internal"
        return None


def _internal(address: IpAddress) -> bool:
    """Loopback, private, link-local, unique-local, unspecified, multicast, reserved — or an IPv6 address
    that carries such an IPv4 one (mapped, 6to4, Teredo, NAT64)."""
    if address.is_multicast or not address.is_global:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour, address.teredo[1] if address.teredo else None,
                    ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None]
        return any(v4 is not None and _internal(v4) for v4 in embedded)
    return False


def host_of(url: str) -> str:
    """The URL's host name or address literal (without IPv6 brackets)."""
    return urlsplit(url).hostname or ""


def literal_address(host: str) -> IpAddress | None:
    """The host as an IP address when it is one (no name to resolve)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_target(url: str, addresses: Sequence[IpAddress], policy: TargetPolicy) -> None:
    """Refuse a webhook URL whose host is (or resolves to) an internal address, naming ``url``."""
    refusal = policy.refusal(host_of(url), addresses)
    if refusal is not None:
        raise InvalidInput("feedback.webhook.target-refused", field="url", refusal=refusal)


def failure_note(status_code: int) -> str:
    """What ``last_error`` says about an answer that is not 2xx: the code and a short reason, never the body."""
    reason = ("penerima menolak permintaan" if 400 <= status_code < 500 else
              "galat di server penerima" if status_code >= 500 else "jawaban bukan 2xx (pengalihan tidak diikuti)")
    return f"HTTP {status_code}: {reason}"


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
                  kinds: tuple[str, ...], description: str | None, secret: str, addresses: Sequence[IpAddress],
                  policy: TargetPolicy) -> WebhookSubscription:
        """``addresses``: every address the URL's host resolves to now (each one must be allowed)."""
        check_target(check_url(url), addresses, policy)
        s = cls()
        s.record(WebhookSubscribed(subscription_id=subscription_id, office_id=office_id, url=check_url(url),
                                   roles=roles, kinds=kinds, description=description,
                                   secret_fingerprint=fingerprint(secret)))
        return s

    def unsubscribe(self, *, reason: str) -> None:
        if not self.active:
            raise DomainRuleViolation("feedback.webhook.already-unsubscribed")
        assert self.subscription_id is not None
        self.record(WebhookUnsubscribed(subscription_id=self.subscription_id, office_id=self.office_id,
                                        reason=reason))

    def _on_WebhookSubscribed(self, e: WebhookSubscribed) -> None:  # noqa: N802
        self.subscription_id, self.office_id, self.active = e.subscription_id, e.office_id, True

    def _on_WebhookUnsubscribed(self, e: WebhookUnsubscribed) -> None:  # noqa: N802
        self.active = False
