"""``GET /metrics`` on a running service (issue 18): Prometheus figures for HTTP latency by route template,
the relay, consumers, dead letters, the connection pool and feedback's webhook queue — and no personal data."""

from __future__ import annotations

import asyncio

import pytest

from kinerja_kernel.auth import Role

from .support import Service, nip, service

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


def _value(text: str, name: str, **labels: str) -> float:
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    for line in text.splitlines():
        if line.startswith(name) and all(w in line for w in wanted):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no {name} {labels} in the metrics")


async def test_metrics_report_latency_by_route_template_relay_consumers_pool_and_webhooks(service: Service) -> None:
    employee = nip("3e7c1")
    await service.register("OFF-M", employee, evaluator=None)
    await service.wait_registered(employee)
    for _ in range(3):
        await service.inbox(employee, "OFF-M")
    refused = await service.client.get("/api/v1/notifications")  # no token: a 401 counted under its route

    for _ in range(100):  # the relay elects itself leader shortly after start
        text = (await service.client.get("/metrics")).text
        if _value(text, "kinerja_relay_leader", service="feedback") == 1:
            break
        await asyncio.sleep(0.1)
    route = "/api/v1/notifications"
    assert _value(text, "kinerja_http_requests_total", service="feedback", method="GET", route=route,
                  status="200") >= 3
    assert _value(text, "kinerja_http_requests_total", service="feedback", method="GET", route=route,
                  status=str(refused.status_code)) >= 1
    assert _value(text, "kinerja_http_request_duration_seconds_count", route=route, status="200") >= 3
    assert _value(text, "kinerja_relay_unpublished_events", service="feedback") >= 0
    assert _value(text, "kinerja_db_pool_connections", service="feedback", state="max") >= 1
    assert _value(text, "kinerja_webhook_queue_deliveries", service="feedback") == 0
    assert _value(text, "kinerja_webhook_parked_deliveries", service="feedback") == 0
    assert _value(text, "kinerja_consumer_halted", service="feedback", consumer="kinerja-feedback") == 0
    assert _value(text, "kinerja_consumer_lag_records", consumer="kinerja-feedback",
                  topic="kinerja.planning.events") >= 0  # the registration was consumed: its partition is known
    assert employee not in text and "OFF-M" not in text  # ids never become labels
    assert (await service.client.get("/metrics", headers=service.token(employee, "OFF-M", Role.PEGAWAI))
            ).status_code == 200


async def test_probes_ready_with_relay_and_consumers_and_not_live_when_the_relay_task_ended(service: Service) -> None:
    for _ in range(100):  # the consumers start with the app; the relay connects shortly after
        ready = await service.client.get("/health/ready")
        if ready.status_code == 200:
            break
        await asyncio.sleep(0.1)
    assert ready.status_code == 200 and ready.json() == {"ready": True, "reasons": []}
    assert (await service.client.get("/health/live")).json() == {"alive": True, "reasons": []}

    runtime = service.app.state.runtime
    [relay_task] = [t for t in runtime._tasks if t.get_name() == "feedback-relay"]
    relay_task.cancel()  # the relay's work ends (as an unexpected error would end it)
    await asyncio.gather(relay_task, return_exceptions=True)
    live = await service.client.get("/health/live")
    assert live.status_code == 503 and live.json()["reasons"] == ["feedback-relay: ended"]
    ready = await service.client.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["reasons"][0].startswith("relay: no database connection")
