"""Feeding the career service real CloudEvents on Kafka and reading its database in API tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from typing import Any

import asyncpg
import httpx

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import (
    AppraisalCorrected,
    AppraisalFinalised,
    AppraisalResult,
)
from kinerja_kernel.contracts.planning import EmployeeRegistered, Employment, PositionType
from kinerja_kernel.envelope import EventEnvelope, utcnow
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish


def nip(seed: str, sex: int = 1) -> str:
    """A well-formed, random-ish NIP so tests on a shared broker never see each other's employees."""
    return f"19900101201501{sex}{int(seed, 16) % 999 + 1:03d}"


def finalised(result: AppraisalResult) -> EventEnvelope:
    event = AppraisalFinalised(result=result, finalised_by=result.evaluator_id, objection_deadline=utcnow())
    return envelope_of(event, subject=result.employee_id, office_id=result.office_id, source="/kinerja/evaluation",
                       stream_id=f"penilaian-{result.appraisal_id}")


def corrected(replaced: EventEnvelope, previous: AppraisalResult, result: AppraisalResult, reason: str
              ) -> EventEnvelope:
    event = AppraisalCorrected(replaces_event_id=replaced.event_id, objection_id=uuid.uuid4(), previous=previous,
                               result=result, reason=reason, decided_by="196801011990031001")
    return envelope_of(event, subject=result.employee_id, office_id=result.office_id, source="/kinerja/evaluation",
                       stream_id=replaced.stream_id, stream_version=replaced.stream_version + 1,
                       prev_hash=replaced.hash)


def registered(employee_id: str, office_id: str, evaluator_id: str, *, employment: Employment = Employment.PNS,
               position_type: PositionType = PositionType.JF) -> EventEnvelope:
    event = EmployeeRegistered(employee_id=employee_id, name=f"Pegawai {employee_id[-3:]}", office_id=office_id,
                               unit_id="UNIT-1", position="Pranata Komputer Ahli Pertama",
                               position_type=position_type, employment=employment, evaluator_id=evaluator_id,
                               superior_id=None)
    return envelope_of(event, subject=employee_id, office_id=office_id, source="/kinerja/planning",
                       stream_id=f"pegawai-{employee_id}")


class CareerClient:
    """HTTP shortcuts, Kafka feeding and database peeks for one test's career service."""

    def __init__(self, client: httpx.AsyncClient, *, secret: str, bootstrap: str, database_url: str,
                 consumer: str, evaluation_topic: str, planning_topic: str) -> None:
        self.client = client
        self.secret = secret
        self.bootstrap = bootstrap
        self.database_url = database_url
        self.consumer = consumer
        self.evaluation_topic = evaluation_topic
        self.planning_topic = planning_topic

    def token(self, user_id: str, roles: Iterable[Role], offices: Iterable[str]) -> dict[str, str]:
        return bearer(self.secret, user_id, roles, offices)

    async def put(self, path: str, who: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        return await self.client.put(f"/api/v1{path}", json=body, headers=who)

    async def post(self, path: str, who: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(f"/api/v1{path}", json=body, headers=who)

    async def get(self, path: str, who: dict[str, str]) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1{path}", headers=who)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def feed(self, *envelopes: EventEnvelope, topic: str | None = None) -> None:
        await publish(self.bootstrap, topic or self.evaluation_topic, envelopes)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.database_url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    async def handled(self, *event_ids: uuid.UUID) -> None:
        """Wait until each event is processed (inbox) or dead-lettered (bounded; raises if it never is)."""
        wanted = [str(e) for e in event_ids]
        for _ in range(300):
            rows = await self.fetch(
                "SELECT event_id::text AS id FROM inbox WHERE consumer = $1 AND event_id::text = ANY($2::text[]) "
                "UNION SELECT event_id AS id FROM dead_letters WHERE event_id = ANY($2::text[])",
                self.consumer, wanted)
            if len({r["id"] for r in rows}) == len(set(wanted)):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"events not handled: {wanted}")

    async def events(self, employee_id: str, event_type: str) -> list[asyncpg.Record]:
        return await self.fetch(
            "SELECT event_id, causation_id, payload FROM events WHERE subject = $1 AND event_type = $2 "
            "ORDER BY position", employee_id, event_type)
