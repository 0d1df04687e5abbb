"""One trace across two services (issue 18): an SKP submitted over HTTP to planning is stored, published by
planning's relay with its W3C trace context in the CloudEvents ``ce_traceparent`` header, and consumed by
feedback — and every step is a span of the same trace, exported over OTLP/HTTP to a collector (here a small
local OTLP receiver that decodes the protobuf requests with the OpenTelemetry protocol definitions)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from kinerja_kernel.auth import Role
from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import read_topic

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]
OFFICE = "KANREG-TRACE"


@pytest.fixture
def collector() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An OTLP/HTTP trace receiver on its own thread: each exported span as {trace, span, parent, name,
    service}."""
    spans: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = ExportTraceServiceRequest.FromString(self.rfile.read(int(self.headers["Content-Length"])))
            for resource_spans in request.resource_spans:
                service = next(a.value.string_value for a in resource_spans.resource.attributes
                               if a.key == "service.name")
                for scope in resource_spans.scope_spans:
                    spans.extend({"trace": s.trace_id.hex(), "span": s.span_id.hex(),
                                  "parent": s.parent_span_id.hex(), "name": s.name, "service": service}
                                 for s in scope.spans)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", spans
    finally:
        server.shutdown()


@pytest.fixture
def services(collector: tuple[str, list[dict[str, Any]]], postgres_server_url: str, kafka_bootstrap: str,
             jwt_secret: str, tmp_path: Path, unique: str) -> Iterator[dict[str, ServiceProcess]]:
    endpoint = collector[0]
    with running_services(("planning", "feedback"), server_url=postgres_server_url, bootstrap=kafka_bootstrap,
                          jwt_secret=jwt_secret, log_dir=tmp_path, database_prefix=f"e2e_trace_{unique}",
                          extra_env={"planning": {"KINERJA_PLANNING_OTLP_ENDPOINT": endpoint},
                                     "feedback": {"KINERJA_FEEDBACK_OTLP_ENDPOINT": endpoint}}) as started:
        yield started


async def test_one_trace_spans_planning_http_store_relay_kafka_and_feedbacks_consumer(
        collector: tuple[str, list[dict[str, Any]]], services: dict[str, ServiceProcess], kafka_bootstrap: str,
        jwt_secret: str, unique: str) -> None:
    employee_id = f"19900101201501{1}{int(unique[:6], 16) % 999 + 1:03d}"
    evaluator_id = f"19800101200501{2}{int(unique[4:10], 16) % 999 + 1:03d}"
    employee = bearer(jwt_secret, employee_id, [Role.PEGAWAI], [OFFICE])
    hr = bearer(jwt_secret, "197001012000011003", [Role.PENGELOLA_KEPEGAWAIAN], [OFFICE])
    year = 2030 + int(unique[:4], 16) % 60
    spans = collector[1]
    planning = services["planning"].url
    async with httpx.AsyncClient(timeout=10) as client:
        registered = await client.put(
            f"{planning}/api/v1/offices/{OFFICE}/employees/{employee_id}", headers=hr, json={
                "name": "Pegawai Jejak", "unit_id": "SEKSI-TRACE", "position": "Kepala Seksi",
                "position_type": "kepala_unit", "employment": "pns", "evaluator_id": evaluator_id,
                "superior_id": None})
        assert registered.status_code == 200, registered.text
        created = await client.post(f"{planning}/api/v1/plans", headers=employee, json={"period_year": year})
        assert created.status_code == 201, created.text
        plan_id = created.json()["plan_id"]
        rhk = {"title": "Terselenggaranya layanan", "kind": "utama",
               "source": {"kind": "perjanjian_kinerja", "reference": "PK Seksi"},
               "ikis": [{"description": "Jumlah layanan", "targets": [
                   {"aspect": "kuantitas", "value": "100", "unit": "layanan"}]}]}
        added = await client.post(f"{planning}/api/v1/plans/{plan_id}/rhks", headers=employee,
                                  json={"rhk": rhk})
        assert added.status_code == 201, added.text
        caller_trace, caller_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
        submitted = await client.post(
            f"{planning}/api/v1/plans/{plan_id}/submit", json={"expected_version": 2},
            headers={**employee, "traceparent": f"00-{caller_trace}-{caller_span}-01"})
        assert submitted.status_code == 200, submitted.text

    submitted_records: list[Any] = []
    for _ in range(100):
        submitted_records = [r for r in await read_topic(kafka_bootstrap, "kinerja.planning.events", timeout=5)
                             if r.header("ce_type") == "planning.PlanSubmitted"
                             and plan_id in (r.value or b"").decode()]
        if submitted_records:
            break
        await asyncio.sleep(0.2)
    [record] = submitted_records
    traceparent = record.header("ce_traceparent")
    assert traceparent is not None and traceparent.split("-")[1] == caller_trace  # the caller's trace

    def of_trace() -> list[dict[str, Any]]:
        return [s for s in spans if s["trace"] == caller_trace]

    for _ in range(150):  # spans are exported in batches every half second
        names = {(s["service"], s["name"]) for s in of_trace()}
        if ("kinerja-feedback", "consume planning.PlanSubmitted") in names:
            break
        await asyncio.sleep(0.2)
    trace = of_trace()
    by_id = {s["span"]: s for s in trace}
    server = next(s for s in trace if s["name"] == "POST /api/v1/plans/{plan_id}/submit")
    published = next(s for s in trace if s["name"] == "publish kinerja.planning.events")
    consumed = next(s for s in trace if s["service"] == "kinerja-feedback"
                    and s["name"] == "consume planning.PlanSubmitted")
    assert server["service"] == published["service"] == "kinerja-planning"
    assert server["parent"] == caller_span  # the request continued the caller's trace

    def ancestors(span: dict[str, Any]) -> list[str]:
        chain = []
        while span["parent"] in by_id:
            span = by_id[span["parent"]]
            chain.append(span["span"])
        return chain

    recorded_in = traceparent.split("-")[2]  # the span the event was recorded in: inside the request
    assert recorded_in == server["span"] or server["span"] in ancestors(by_id[recorded_in])
    assert published["parent"] == consumed["parent"] == recorded_in  # relay and consumer: its children
    assert server["span"] in ancestors(consumed)  # one trace from planning's request into feedback
