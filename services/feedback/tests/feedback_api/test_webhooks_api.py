"""Outbound webhooks against real local HTTP servers: signed deliveries, retries with backoff on a
controlled clock, parking with the last error, redelivery, and a hanging target that blocks nobody."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from kinerja_feedback.domain.webhooks import IpAddress, verify
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts import planning as pl

from .support import Service, nip, service, started

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Gateway:
    """A tiny HTTP/1.1 server: answers each POST with the next scripted status (``None`` = never answer)."""

    script: list[int | None]
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.received.append(Received(headers, body))
            status = self.script.pop(0) if len(self.script) > 1 else self.script[0]
            if status is None:
                await asyncio.Event().wait()  # hang until the client gives up
            writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbalas".encode())
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def gateway(*script: int | None) -> AsyncIterator[Gateway]:
    g = Gateway(list(script))
    server = await asyncio.start_server(g.handle, "127.0.0.1", 0)
    g.port = server.sockets[0].getsockname()[1]
    try:
        yield g
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)


class Office:
    def __init__(self, service: Service, unique: str) -> None:
        self.s = service
        self.id = f"KANTOR-W-{unique}"
        self.hr = service.token(nip(""), self.id, Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN)

    async def subscribe(self, url: str, **extra: Any) -> dict[str, Any]:
        r = await self.s.client.post(f"/api/v1/offices/{self.id}/webhooks", headers=self.hr, json={"url": url, **extra})
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def deliveries(self, subscription_id: str, **params: Any) -> list[dict[str, Any]]:
        r = await self.s.client.get(f"/api/v1/webhooks/{subscription_id}/deliveries", params=params, headers=self.hr)
        assert r.status_code == 200, r.text
        return list(r.json())

    async def notify(self, employee: str) -> None:
        """A planning event that puts one notification (plan approved) in the employee's inbox."""
        evaluator = nip("")
        await self.s.produce("planning", (pl.PlanApproved(plan_id=uuid.uuid4(), employee_id=employee, office_id=self.id,
                                                          period_year=2031, evaluator_id=evaluator,
                                                          approved_by=evaluator), employee, self.id))
        await self.s.wait_inbox(employee, self.id, "plan_approved")

    async def dispatch(self) -> list[asyncio.Task[None]]:
        return await self.s.feedback.deliveries.dispatch(self.s.clock())


class TestDelivery:
    async def test_a_failing_gateway_is_retried_with_backoff_and_gets_the_same_signed_delivery(
        self, service: Service, unique: str
    ) -> None:
        office, employee = Office(service, unique), nip("")
        async with gateway(500, 503, 200) as g:
            sub = await office.subscribe(g.url, kinds=["plan_approved"], roles=["pegawai"])
            await office.notify(employee)
            [pending] = await office.deliveries(sub["subscription_id"])
            assert (pending["status"], pending["attempts"]) == ("pending", 0)

            await asyncio.gather(*await office.dispatch())
            [first] = await office.deliveries(sub["subscription_id"])
            assert (first["status"], first["attempts"], first["last_status"]) == ("pending", 1, 500)
            assert first["last_error"].startswith("HTTP 500")
            assert await office.dispatch() == []  # not due yet: backoff (base 10 s in these tests)
            service.clock.advance(seconds=10)
            await asyncio.gather(*await office.dispatch())
            [second] = await office.deliveries(sub["subscription_id"])
            assert (second["attempts"], second["last_status"]) == (2, 503)
            service.clock.advance(seconds=10)
            assert await office.dispatch() == []  # the second wait is twice as long
            service.clock.advance(seconds=10)
            await asyncio.gather(*await office.dispatch())
            [done] = await office.deliveries(sub["subscription_id"], status="delivered")
            assert (done["attempts"], done["last_status"], done["last_error"]) == (3, 200, None)

        assert len(g.received) == 3
        assert {r.headers["x-kinerja-delivery"] for r in g.received} == {done["delivery_id"]}
        assert [r.headers["x-kinerja-attempt"] for r in g.received] == ["1", "2", "3"]
        for r in g.received:
            assert verify(sub["secret"], r.body, r.headers["x-kinerja-signature"], now=int(time.time()))
            assert not verify("wrong-secret", r.body, r.headers["x-kinerja-signature"], now=int(time.time()))
        payload = json.loads(g.received[0].body)
        assert payload["kind"] == "plan_approved" and payload["recipient_id"] == employee
        assert payload["title"] == "SKP Anda telah disetujui" and payload["office_id"] == office.id

    async def test_a_delivery_of_a_process_that_died_mid_post_is_free_again_after_one_lease(
        self, service: Service, unique: str
    ) -> None:
        """Issue 18: the lease covers one try (timeout + 30 s), not a batch's worth of timeouts; the attempt is
        counted before the POST, so the retry after the crash says attempt 2."""
        office, employee = Office(service, unique), nip("")
        async with gateway(None, 204, 204) as g:
            sub = await office.subscribe(g.url, kinds=["plan_approved"], roles=["pegawai"])
            await office.notify(employee)
            await office.notify(employee)
            await service.wait_inbox(employee, office.id, "plan_approved", 2)
            await service.wait_for("SELECT count(*) = 2 FROM webhook_deliveries WHERE subscription_id = $1",
                                   uuid.UUID(sub["subscription_id"]))
            [task] = await office.dispatch()
            for _ in range(100):  # the first POST reached the gateway, which does not answer
                if g.received:
                    break
                await asyncio.sleep(0.05)
            task.cancel()  # the process dies mid-POST: nothing is written after it
            with contextlib.suppress(asyncio.CancelledError):
                await task
            stranded = await office.deliveries(sub["subscription_id"])
            assert [d["attempts"] for d in stranded] == [1, 0] or [d["attempts"] for d in stranded] == [0, 1]
            assert await office.dispatch() == []  # still leased: nobody sends it twice at once
            service.clock.advance(seconds=1 + 30 + 1)  # one try's timeout (1 s in these tests) and the margin
            await asyncio.gather(*await office.dispatch())
            done = await office.deliveries(sub["subscription_id"], status="delivered")
            assert sorted(d["attempts"] for d in done) == [1, 2]
        assert [r.headers["x-kinerja-attempt"] for r in g.received] == ["1", "2", "1"]  # in order, none lost
        assert g.received[0].headers["x-kinerja-delivery"] == g.received[1].headers["x-kinerja-delivery"]

    async def test_a_dead_gateway_is_parked_with_its_last_error_and_a_hanging_one_blocks_no_other(
        self, service: Service, unique: str
    ) -> None:
        office, employee = Office(service, unique), nip("")
        async with gateway(500) as dead, gateway(None) as hanging, gateway(204) as healthy:
            subs = {name: await office.subscribe(g.url) for name, g in
                    (("dead", dead), ("hanging", hanging), ("healthy", healthy))}
            other_kind = await office.subscribe(healthy.url, kinds=["rating_ready"])
            await office.notify(employee)

            tasks = {t.get_name(): t for t in await office.dispatch()}  # one task per subscription
            healthy_task = tasks[f"webhook-{subs['healthy']['subscription_id']}"]
            hanging_task = tasks[f"webhook-{subs['hanging']['subscription_id']}"]
            await healthy_task
            assert not hanging_task.done()  # still waiting for the hanging gateway ...
            [ok] = await office.deliveries(subs["healthy"]["subscription_id"])
            assert (ok["status"], ok["last_status"]) == ("delivered", 204)  # ... while the healthy one is served
            await asyncio.gather(*tasks.values())
            [slow] = await office.deliveries(subs["hanging"]["subscription_id"])
            assert slow["status"] == "pending" and slow["last_error"] == "waktu habis setelah 1 detik"
            assert await office.deliveries(other_kind["subscription_id"]) == []  # filtered by kind

            for _ in range(2):  # 3 attempts in these tests
                service.clock.advance(minutes=5)
                await asyncio.gather(*await office.dispatch())
            [parked] = await office.deliveries(subs["dead"]["subscription_id"], status="parked")
            assert parked["attempts"] == 3 and parked["last_error"] == "HTTP 500: galat di server penerima"
            assert "balas" not in json.dumps(await office.deliveries(subs["dead"]["subscription_id"]))  # its body
            assert parked["next_attempt_at"] is None

            listed = (await service.client.get(f"/api/v1/offices/{office.id}/webhooks", headers=office.hr)).json()
            assert {s["subscription_id"]: s["parked"] for s in listed}[subs["dead"]["subscription_id"]] == 1

            again = await service.client.post(
                f"/api/v1/webhooks/{subs['dead']['subscription_id']}/deliveries/{parked['delivery_id']}/redeliver",
                headers=office.hr)
            assert again.status_code == 202, again.text
            [back] = await office.deliveries(subs["dead"]["subscription_id"])
            assert (back["status"], back["attempts"]) == ("pending", 0)
            twice = await service.client.post(
                f"/api/v1/webhooks/{subs['healthy']['subscription_id']}/deliveries/{ok['delivery_id']}/redeliver",
                headers=office.hr)
            assert twice.status_code == 409

    async def test_bad_webhook_input_is_refused_with_the_field(self, service: Service, unique: str) -> None:
        office = Office(service, unique)
        for url in ("ftp://gateway.example/hook", "gateway.example/hook", "http://", "javascript:alert(1)"):
            r = await service.client.post(f"/api/v1/offices/{office.id}/webhooks", headers=office.hr, json={"url": url})
            assert r.status_code == 422, url
            assert r.json()["errors"][0]["field"] == "url" and "http" in r.json()["detail"]
        role = await service.client.post(f"/api/v1/offices/{office.id}/webhooks", headers=office.hr,
                                         json={"url": "https://gateway.example/hook", "roles": ["raja"]})
        assert role.status_code == 422 and role.json()["errors"][0]["field"] == "roles.0"
        employee = service.token(nip(""), office.id)
        assert (await service.client.post(f"/api/v1/offices/{office.id}/webhooks", headers=employee,
                                          json={"url": "https://gateway.example/hook"})).status_code == 403
        elsewhere = service.token(nip(""), "KANTOR-LAIN", Role.PENGELOLA_KEPEGAWAIAN)
        assert (await service.client.post(f"/api/v1/offices/{office.id}/webhooks", headers=elsewhere,
                                          json={"url": "https://gateway.example/hook"})).status_code == 403


@pytest_asyncio.fixture(loop_scope="session")
async def public_only(database_url: str, kafka_bootstrap: str, jwt_secret: str) -> AsyncIterator[Service]:
    """The service as deployed by default: no allow-list, webhooks reach public addresses only."""
    async with started(database_url, kafka_bootstrap, jwt_secret) as s:
        yield s


def answering(*addresses: str) -> Callable[[str], Awaitable[list[IpAddress]]]:
    """A name server that answers every name with these addresses (as a rebinding attacker's would)."""
    async def resolve(host: str) -> list[IpAddress]:
        return [ipaddress.ip_address(a) for a in addresses]
    return resolve


PUBLIC = "93.184.215.14"
INTERNAL = ["http://127.0.0.1:9/hook", "http://localhost:8080/hook", "http://10.1.2.3/hook", "http://172.16.0.1/hook",
            "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:8080/hook",
            "http://100.64.0.1/hook", "http://[::1]:8080/hook", "http://[fc00::1]/hook", "http://[fe80::1]/hook",
            "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:10.0.0.1]/hook", "https://[2002:a00:1::1]/hook",
            "http://0x7f000001/hook", "http://tidak-ada.invalid/hook"]


class TestTargets:
    async def test_internal_addresses_and_names_resolving_to_them_are_refused_at_registration(
        self, public_only: Service, unique: str
    ) -> None:
        office = Office(public_only, unique)
        for url in INTERNAL:
            r = await public_only.client.post(f"/api/v1/offices/{office.id}/webhooks", headers=office.hr,
                                              json={"url": url})
            assert r.status_code == 422, url
            problem = r.json()
            assert [e["field"] for e in problem["errors"]] == ["url"], url
            assert problem["detail"].startswith("URL webhook ditolak") and problem["detail_en"], url
        assert (await public_only.client.get(f"/api/v1/offices/{office.id}/webhooks", headers=office.hr)).json() == []
        public = await office.subscribe(f"https://{PUBLIC}/hook")
        assert public["subscription_id"]

    async def test_a_name_that_points_inside_at_delivery_time_is_not_reached(
        self, public_only: Service, unique: str
    ) -> None:
        """DNS rebinding: the name answered a public address at registration and 127.0.0.1 at delivery."""
        office, employee = Office(public_only, unique), nip("")
        async with gateway(200) as g:
            public_only.feedback.webhooks.resolve = answering(PUBLIC)
            sub = await office.subscribe(f"http://gateway.rebind.test:{g.port}/hook")
            public_only.feedback.deliveries.resolve = answering(PUBLIC, "127.0.0.1")
            await office.notify(employee)
            await asyncio.gather(*await office.dispatch())
            assert g.received == []
        [refused] = await office.deliveries(sub["subscription_id"])
        assert refused["status"] == "pending" and refused["last_status"] is None
        assert refused["last_error"] == "alamat tujuan ditolak: alamat 127.0.0.1 adalah alamat internal"

    async def test_an_allow_listed_gateway_is_reached_at_the_address_vetted_with_its_host_kept(
        self, service: Service, unique: str
    ) -> None:
        """The allow-list (127.0.0.1/32 here) admits an on-premise gateway; the request goes to the address that
        was checked, never through a second lookup (this name has no DNS at all), with ``Host`` kept."""
        office, employee = Office(service, unique), nip("")
        async with gateway(204) as g:
            service.feedback.webhooks.resolve = answering("127.0.0.1")
            service.feedback.deliveries.resolve = answering("127.0.0.1")
            sub = await office.subscribe(f"http://wa-gateway.kantor.test:{g.port}/hook")
            await office.notify(employee)
            await asyncio.gather(*await office.dispatch())
            [received] = g.received
        assert received.headers["host"] == f"wa-gateway.kantor.test:{g.port}"
        [done] = await office.deliveries(sub["subscription_id"])
        assert (done["status"], done["last_status"], done["last_error"]) == ("delivered", 204, None)
