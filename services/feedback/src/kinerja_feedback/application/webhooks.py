"""Outbound webhooks: subscriptions (HR of an office), and the delivery worker.

Delivery: at least once, signed (see ``domain.webhooks``), only to an address the target policy allows
(the host is resolved again before each try and the connection goes to the address checked), one
subscription at a time in order of creation, subscriptions in parallel — a target that hangs (bounded by
the HTTP timeout) or fails delays only its own queue. A failed try is retried with exponential backoff;
after ``max_attempts`` the delivery is ``parked`` with its last error (a status code and a short reason,
never what the target answered) until someone redelivers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog

from kinerja_feedback.adapters import webhook_store
from kinerja_feedback.adapters.resolver import Resolver, resolve
from kinerja_feedback.application.access import Clock, require_office_reader
from kinerja_feedback.domain.webhooks import (
    SIGNATURE_HEADER,
    IpAddress,
    TargetPolicy,
    WebhookSubscription,
    after_failure,
    failure_note,
    host_of,
    literal_address,
    sign,
)
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.db import Database
from kinerja_kernel.errors import DomainRuleViolation, NotFound
from kinerja_kernel.repository import EventSourcedRepository

log = structlog.get_logger(__name__)
PUBLIC_ONLY = TargetPolicy()
LEASE_MARGIN_SECONDS = 30


class WebhookService:
    def __init__(self, subscriptions: EventSourcedRepository[WebhookSubscription], clock: Clock, *,
                 policy: TargetPolicy = PUBLIC_ONLY, resolver: Resolver = resolve) -> None:
        self.subscriptions = subscriptions
        self.db = subscriptions.store.db
        self.clock = clock
        self.policy = policy
        self.resolve = resolver

    async def subscribe(self, office_id: str, *, url: str, roles: tuple[str, ...], kinds: tuple[str, ...],
                        description: str | None, by: Principal) -> tuple[uuid.UUID, str]:
        """Returns the subscription id and its secret (shown once; only a fingerprint is kept in events)."""
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        by.require_office(office_id)
        subscription_id, secret = uuid.uuid4(), secrets.token_hex(32)
        subscription = WebhookSubscription.subscribe(
            subscription_id=subscription_id, office_id=office_id, url=url, roles=roles, kinds=kinds,
            description=description, secret=secret, addresses=await self.resolve(host_of(url)), policy=self.policy)
        async with self.db.transaction() as conn:
            await webhook_store.save_secret(conn, subscription_id, secret)
            await self.subscriptions.save(subscription_id, subscription, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN),
                                          office_id=office_id, subject=office_id, conn=conn)
        return subscription_id, secret

    async def unsubscribe(self, office_id: str, subscription_id: uuid.UUID, reason: str, by: Principal) -> None:
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        by.require_office(office_id)
        def in_this_office(s: WebhookSubscription) -> None:
            if s.office_id != office_id:
                raise _subscription_not_found()

        await self.subscriptions.change(
            subscription_id, None, lambda s: s.unsubscribe(reason=reason), check=in_this_office,
            not_found=_subscription_not_found, actor=by.actor(Role.PENGELOLA_KEPEGAWAIAN), office_id=office_id,
            subject=office_id)

    async def list_subscriptions(self, office_id: str, by: Principal) -> list[webhook_store.SubscriptionView]:
        require_office_reader(by, office_id)
        async with self.db.connection() as conn:
            return await webhook_store.subscriptions(conn, office_id)

    async def deliveries(self, subscription_id: uuid.UUID, status: str | None, limit: int,
                         by: Principal) -> list[webhook_store.DeliveryView]:
        async with self.db.connection() as conn:
            await self._require_office(conn, subscription_id, by)
            return await webhook_store.deliveries(conn, subscription_id, status, limit)

    async def redeliver(self, subscription_id: uuid.UUID, delivery_id: uuid.UUID, by: Principal) -> None:
        by.require_role(Role.PENGELOLA_KEPEGAWAIAN)
        async with self.db.transaction() as conn:
            await self._require_office(conn, subscription_id, by)
            before = await webhook_store.redeliver(conn, subscription_id, delivery_id, self.clock())
        if before is None:
            raise NotFound("feedback.webhook.delivery-not-found", field="delivery_id")
        if before != "parked":
            raise DomainRuleViolation("feedback.webhook.delivery-not-parked", field="delivery_id", status=before)

    async def _require_office(self, conn: Any, subscription_id: uuid.UUID, by: Principal) -> None:
        office = await webhook_store.subscription_office(conn, subscription_id)
        if office is None:
            raise _subscription_not_found()
        require_office_reader(by, office)


def _subscription_not_found() -> NotFound:
    return NotFound("feedback.webhook.subscription-not-found", field="subscription_id")


class DeliveryWorker:
    """Claims due deliveries and sends them, one task per subscription."""

    def __init__(self, db: Database, clock: Clock, *, timeout: float, max_attempts: int, backoff_base: float,
                 backoff_cap: float, batch: int = 100, poll_interval: float = 1.0,
                 transport: httpx.AsyncBaseTransport | None = None, policy: TargetPolicy = PUBLIC_ONLY,
                 resolver: Resolver = resolve) -> None:
        self.policy = policy
        self.resolve = resolver
        self.db = db
        self.clock = clock
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.batch = batch
        self.poll_interval = poll_interval
        self.transport = transport
        self._busy: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._client: httpx.AsyncClient | None = None

    def wake(self, *_: object) -> None:
        self._wake.set()

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            # no kept-alive connections: each one is opened to the address just vetted, with its host's SNI
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout), transport=self.transport,
                                             follow_redirects=False, limits=httpx.Limits(max_keepalive_connections=0),
                                             headers={"User-Agent": "kinerja-feedback-webhooks/1"})
        return self._client

    async def run(self, stop: asyncio.Event) -> None:
        """The loop of the service process, until ``stop`` (in-flight deliveries are then cancelled; their
        lease runs out and they are retried: delivery is at least once)."""
        try:
            while not stop.is_set():
                try:
                    await self.dispatch(self.clock())
                except Exception:
                    log.exception("webhooks.dispatch_failed")
                self._wake.clear()
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
                await asyncio.wait(waiters, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED)
                for w in waiters:
                    w.cancel()
        finally:
            await self.close()

    async def close(self) -> None:
        for task in list(self._busy.values()):
            task.cancel()
        for task in list(self._busy.values()):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def dispatch(self, now: datetime) -> list[asyncio.Task[None]]:
        """Start sending what is due at ``now`` for every subscription not already being served."""
        async with self.db.transaction() as conn:
            rows = await webhook_store.claim(conn, now, self._lease(now), list(self._busy), self.batch)
            targets = await webhook_store.targets(conn, list({r["subscription_id"] for r in rows}))
        by_subscription: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for row in rows:
            by_subscription.setdefault(row["subscription_id"], []).append(row)
        started = []
        for subscription_id, queue in by_subscription.items():
            task = asyncio.create_task(self._serve(subscription_id, targets.get(subscription_id), queue),
                                       name=f"webhook-{subscription_id}")
            self._busy[subscription_id] = task
            task.add_done_callback(self.wake)
            started.append(task)
        return started

    async def _serve(self, subscription_id: uuid.UUID, target: dict[str, Any] | None,
                     queue: list[dict[str, Any]]) -> None:
        try:
            for i, row in enumerate(queue):
                if target is None or not target["active"]:
                    async with self.db.transaction() as conn:
                        await webhook_store.failed(conn, row["delivery_id"], subscription_id,
                                                   attempts=row["attempts"], status="cancelled", next_attempt_at=None,
                                                   error="subscription ended", status_code=None)
                    continue
                waiting = [r["delivery_id"] for r in queue[i + 1:]]
                try:
                    sent = await self._deliver(subscription_id, target, row, waiting)
                except Exception as exc:  # the database failed around the POST: give the rest back
                    log.warning("webhooks.serve_failed", subscription_id=str(subscription_id), error=repr(exc))
                    sent = False
                if not sent:
                    await self._release(waiting)
                    return
        finally:
            self._busy.pop(subscription_id, None)

    def _lease(self, now: datetime) -> datetime:
        """A lease covers one try (the HTTP timeout and a margin): a delivery claimed by a process that dies
        is free again within about a minute, not after the whole batch's worth of timeouts."""
        return now + timedelta(seconds=self.timeout + LEASE_MARGIN_SECONDS)

    async def _release(self, ids: list[uuid.UUID]) -> None:
        """Give back what this process will not send now (if the database is down too, the short lease
        frees them)."""
        if not ids:
            return
        try:
            async with self.db.transaction() as conn:
                await webhook_store.release(conn, ids)
        except Exception as exc:  # the lease runs out by itself
            log.warning("webhooks.release_failed", deliveries=len(ids), error=repr(exc))

    async def _deliver(self, subscription_id: uuid.UUID, target: dict[str, Any], row: dict[str, Any],
                       waiting: list[uuid.UUID]) -> bool:
        body = str(row["body"]).encode()
        async with self.db.transaction() as conn:
            attempts = await webhook_store.start_attempt(conn, row["delivery_id"], waiting, self._lease(self.clock()))
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(target["secret"], body, int(time.time())),
                   "X-Kinerja-Delivery": str(row["delivery_id"]), "X-Kinerja-Event": str(row["kind"]),
                   "X-Kinerja-Attempt": str(attempts)}
        status_code: int | None = None
        host = host_of(target["url"])
        addresses = await self.resolve(host)  # again now: the name may point elsewhere than at registration
        refusal = self.policy.refusal(host, addresses)
        try:
            if refusal is not None:
                error: str | None = f"alamat tujuan ditolak: {refusal}"
            else:
                url, extensions = _pinned(target["url"], host, addresses[0] if addresses else None, headers)
                response = await self.client.post(url, content=body, headers=headers, extensions=extensions)
                status_code = response.status_code
                error = None if 200 <= status_code < 300 else failure_note(status_code)  # never the body
        except httpx.TimeoutException:
            error = f"waktu habis setelah {self.timeout:g} detik"
        except httpx.HTTPError as exc:
            error = f"koneksi ke penerima gagal ({type(exc).__name__})"
        now = self.clock()
        async with self.db.transaction() as conn:  # failing here: the caller releases the rest, the lease this one
            if error is None:
                assert status_code is not None
                await webhook_store.delivered(conn, row["delivery_id"], status_code, now)
                return True
            status, next_at = after_failure(attempts, now, max_attempts=self.max_attempts, base=self.backoff_base,
                                            cap=self.backoff_cap)
            await webhook_store.failed(conn, row["delivery_id"], subscription_id, attempts=attempts, status=status,
                                       next_attempt_at=next_at, error=error, status_code=status_code)
        log.warning("webhooks.delivery_failed", subscription_id=str(subscription_id),
                    delivery_id=str(row["delivery_id"]), attempts=attempts, status=status, error=error)
        return False


def _pinned(url: str, host: str, address: IpAddress | None, headers: dict[str, str]
            ) -> tuple[httpx.URL, dict[str, Any]]:
    """The request to the vetted address (no second lookup that could answer differently), keeping the host
    in ``Host`` and, over TLS, in SNI and the certificate check. An allowed host that did not resolve here
    is left to the connection's own lookup."""
    target = httpx.URL(url)
    if address is None or literal_address(host) is not None:
        return target, {}
    headers["Host"] = target.netloc.decode("ascii")
    return target.copy_with(host=str(address)), {"sni_hostname": host} if target.scheme == "https" else {}
