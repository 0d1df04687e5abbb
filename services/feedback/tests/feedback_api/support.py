"""Shared set-up of the feedback API tests: the service in-process on real PostgreSQL and Kafka, and
other services' events produced to Kafka as those services would publish them."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI

from kinerja_feedback.bootstrap import FeedbackApp
from kinerja_feedback.config import FeedbackSettings
from kinerja_feedback.entrypoints.main import create_app
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.registry import DomainEvent
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish


def nip(seed: str, sex: int = 1) -> str:
    """A well-formed, random-enough NIP (unique per test)."""
    n = int(uuid.uuid4().hex[:15], 16) if seed == "" else int(seed, 16)
    # each part from its own digits of n (about 10^9 NIPs; parts derived from one residue collided in ~2·10^4)
    born, month, day = 80 + n % 20, 1 + n // 20 % 12, 1 + n // 240 % 28
    appointed, appointed_month, sequence = max(0, born - 85) + n // 6720 % 10, 1 + n // 100800 % 12, 1 + n // 1209600 % 999
    return f"19{born:02d}{month:02d}{day:02d}20{appointed:02d}{appointed_month:02d}{sex}{sequence:03d}"


class Clock:
    """A controllable clock for the service (reminders, webhook retries)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class Service:
    def __init__(self, client: httpx.AsyncClient, app: FastAPI, bootstrap: str, secret: str, clock: Clock) -> None:
        self.client = client
        self.app = app
        self.bootstrap = bootstrap
        self.secret = secret
        self.clock = clock

    @property
    def feedback(self) -> FeedbackApp:
        found: FeedbackApp = self.app.state.feedback
        return found

    def token(self, user: str, office: str, *roles: Role) -> dict[str, str]:
        return bearer(self.secret, user, roles or (Role.PEGAWAI,), [office])

    async def produce(self, service: str, *events: tuple[DomainEvent, str, str]) -> list[EventEnvelope]:
        """Publish (event, subject, office) triples on ``kinerja.<service>.events``."""
        envelopes = [envelope_of(e, subject=subject, office_id=office, source=f"/kinerja/{service}",
                                 stream_id=f"{service}-{uuid.uuid4()}") for e, subject, office in events]
        await publish(self.bootstrap, events_topic(service), envelopes)
        return envelopes

    async def republish(self, service: str, envelopes: list[EventEnvelope]) -> None:
        await publish(self.bootstrap, events_topic(service), envelopes)

    async def register(self, office: str, employee: str, evaluator: str | None, superior: str | None = None,
                       unit: str = "UNIT-1") -> EventEnvelope:
        [env] = await self.produce("planning", (pl.EmployeeRegistered(
            employee_id=employee, name=f"Pegawai {employee[-3:]}", office_id=office, unit_id=unit, position="Analis",
            position_type=pl.PositionType.JA, employment=pl.Employment.PNS, evaluator_id=evaluator,
            superior_id=superior), employee, office))
        return env

    async def inbox(self, user: str, office: str, **params: Any) -> list[dict[str, Any]]:
        r = await self.client.get("/api/v1/notifications", params=params, headers=self.token(user, office))
        assert r.status_code == 200, r.text
        return list(r.json())

    async def wait_inbox(self, user: str, office: str, kind: str, count: int = 1) -> list[dict[str, Any]]:
        """Poll the inbox until ``count`` notifications of ``kind`` are there (events travel through Kafka)."""
        found: list[dict[str, Any]] = []
        for _ in range(300):
            found = [n for n in await self.inbox(user, office) if n["kind"] == kind]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"{user} got {len(found)} {kind} notifications, expected {count}")

    async def wait_for(self, sql: str, *args: Any) -> Any:
        """Poll the service's database until ``sql`` returns a truthy value (a consumed event's effect)."""
        for _ in range(300):
            async with self.feedback.notifications.db.connection() as conn:
                value = await conn.fetchval(sql, *args)
            if value:
                return value
            await asyncio.sleep(0.1)
        raise AssertionError(f"never true: {sql} {args}")

    async def wait_registered(self, *employees: str) -> None:
        await self.wait_for("SELECT count(*) = $2 FROM people WHERE employee_id = ANY ($1)", list(employees),
                            len(employees))


@pytest_asyncio.fixture(loop_scope="session")
async def service(database_url: str, kafka_bootstrap: str, jwt_secret: str) -> AsyncIterator[Service]:
    """The service whose webhooks may reach the tests' local gateways on 127.0.0.1 (the allow-list)."""
    async with started(database_url, kafka_bootstrap, jwt_secret, webhook_allowed_targets=("127.0.0.1/32",)) as s:
        yield s


@contextlib.asynccontextmanager
async def started(database_url: str, kafka_bootstrap: str, jwt_secret: str, **overrides: Any
                  ) -> AsyncIterator[Service]:
    settings = FeedbackSettings(**{
        "database_url": database_url, "kafka_bootstrap_servers": kafka_bootstrap, "jwt_secret": jwt_secret,
        "environment": "test", "reminders_enabled": False, "webhooks_enabled": False,
        "webhook_timeout_seconds": 1.0, "webhook_max_attempts": 3, "webhook_backoff_base_seconds": 10,
        "max_body_bytes": 8 * 1024, **overrides})
    app = create_app(settings)
    clock = Clock(datetime(2031, 3, 1, tzinfo=UTC))
    app.state.clock = clock
    async with running_app(app) as client:
        yield Service(client, app, kafka_bootstrap, jwt_secret, clock)
        await app.state.feedback.deliveries.close()


# -- event builders ----------------------------------------------------------------------------------
def appraisal_opened(employee: str, evaluator: str, office: str, *, superior: str | None = None,
                     period: str = "2031-Q1", due: datetime | None = None,
                     rating_due: datetime | None = None) -> ev.AppraisalOpened:
    return ev.AppraisalOpened(
        appraisal_id=uuid.uuid4(), employee_id=employee, office_id=office, unit_id="UNIT-1",
        period=ev.EvaluationPeriod.parse(period), plan_id=uuid.uuid4(), evaluator_id=evaluator, superior_id=superior,
        position_type=pl.PositionType.JA, employment=pl.Employment.PNS, unit_head=False,
        rhks=(ev.AppraisedRhk(rhk_id=uuid.uuid4(), title="Layanan mutasi", kind=pl.RhkKind.UTAMA),),
        self_assessment_due=due or datetime(2031, 4, 5, 16, 59, 59, tzinfo=UTC),
        rating_due=rating_due or datetime(2031, 4, 15, 16, 59, 59, tzinfo=UTC),
    )


def finalised(opened: ev.AppraisalOpened, objection_deadline: datetime) -> ev.AppraisalFinalised:
    return ev.AppraisalFinalised(
        result=ev.AppraisalResult(
            appraisal_id=opened.appraisal_id, employee_id=opened.employee_id, office_id=opened.office_id,
            unit_id=opened.unit_id, period=opened.period, position_type=opened.position_type,
            employment=opened.employment, evaluator_id=opened.evaluator_id, results_rating=ev.Rating.SESUAI,
            behaviour_rating=ev.Rating.SESUAI, predicate=ev.Predicate.BAIK, rhk_ratings=(), value_ratings=()),
        finalised_by=opened.evaluator_id, objection_deadline=objection_deadline,
    )
