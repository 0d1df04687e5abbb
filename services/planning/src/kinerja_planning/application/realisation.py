"""Use cases of realisation (progress with evidence) and of service interactions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import (
    Origin,
    RealisationRecorded,
    ServiceInteraction,
    ServiceInteractionRecorded,
)
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError, Forbidden, NotFound
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.domain.interactions import add_up, period_year_of, stream_of
from kinerja_planning.domain.plan import PerformancePlan, plan_id_for
from kinerja_planning.domain.realisation import NewEntry, PlanTargets, Realisation, ServiceTotals

INTERACTION_RETRIES = 5


@dataclass(frozen=True)
class Ingested:
    accepted: int
    duplicates: int


class RealisationService:
    def __init__(self, plans: EventSourcedRepository[PerformancePlan],
                 realisations: EventSourcedRepository[Realisation]) -> None:
        self.plans = plans
        self.realisations = realisations
        self.store = plans.store
        self.db = plans.store.db

    async def report(self, plan_id: uuid.UUID, entries: list[NewEntry], by: Principal, origin: Origin) -> int:
        plan = await self._targets(plan_id, by)
        realisation = await self.realisations.load(plan_id) or Realisation()
        new = realisation.report(actor_id=by.user_id, plan=plan, entries=entries, origin=origin)
        await self._save(plan, realisation, by.actor(Role.PEGAWAI))
        return new

    async def comment(self, plan_id: uuid.UUID, entry_id: uuid.UUID, text: str, by: Principal) -> uuid.UUID:
        by.require_role(Role.PEJABAT_PENILAI)
        plan = await self._targets(plan_id, by)
        realisation = await self.realisations.load(plan_id)
        if realisation is None:
            raise NotFound("Entri realisasi tidak ditemukan", field="entry_id")
        comment_id = realisation.comment(actor_id=by.user_id, plan=plan, entry_id=entry_id, comment=text)
        await self._save(plan, realisation, by.actor(Role.PEJABAT_PENILAI))
        return comment_id

    async def progress(self, plan_id: uuid.UUID, by: Principal) -> dict[str, Any]:
        plan = await self._targets(plan_id, by)
        if by.user_id not in (plan.employee_id, plan.evaluator_id) and not by.has_role(
                Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.ATASAN_PENILAI):
            raise Forbidden("Anda tidak berhak melihat realisasi ini", message_en="not allowed")
        realisation = await self.realisations.load(plan_id) or Realisation()
        async with self.db.connection() as conn:
            totals = _totals(await rm.interaction_totals(conn, plan.employee_id, plan.period_year))
        history = await self.realisations.history(plan_id)
        entries = [e for e in history if e.event_type == RealisationRecorded.event_type]
        ikis = []
        for target in plan.ikis.values():
            realised = realisation.realised(target, totals)
            ikis.append({
                "rhk_id": target.rhk_id, "iki_id": target.iki_id, "description": target.description,
                "measure": target.measure, "target": target.target, "unit": target.unit, "realised": realised,
                "percent": float(min(realised / target.target * 100, Decimal(999))) if target.target else None,
                "achieved": target.iki_id in realisation.achieved,
            })
        return {"plan_id": plan_id, "ikis": ikis, "entries": [_entry_view(e, realisation) for e in entries]}

    async def ingest(self, interactions: list[ServiceInteraction], actor: Actor) -> Ingested:
        """Record interactions once each, add them up, and announce service targets reached."""
        for attempt in range(INTERACTION_RETRIES):
            try:
                return await self._ingest(interactions, actor)
            except (ConcurrencyError, asyncpg.DeadlockDetectedError):
                if attempt == INTERACTION_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _ingest(self, interactions: list[ServiceInteraction], actor: Actor) -> Ingested:
        async with self.db.transaction() as conn:
            zones = await rm.office_time_zones(conn, (i.office_id for i in interactions))
            years = {i.interaction_id: period_year_of(i, zones.get(i.office_id, TimeZone.WIB)) for i in interactions}
            written = await self.store.append_new_streams(
                [(stream_of(i), _recorded(i, years[i.interaction_id], actor)) for i in interactions], conn=conn)
            new_ids = {e.stream_id for e in written}
            totals = add_up((i, years[i.interaction_id]) for i in interactions if stream_of(i) in new_ids)
            fresh = sum(t[0] for t in totals.values())
            await rm.add_interaction_totals(conn, totals)
            for employee_id, period_year in sorted({(k[0], k[1]) for k in totals}):
                await self._announce_service_targets(conn, employee_id, period_year)
        return Ingested(accepted=fresh, duplicates=len(interactions) - fresh)

    async def _announce_service_targets(self, conn: asyncpg.Connection, employee_id: str, period_year: int) -> None:
        plan_id = plan_id_for(employee_id, period_year)
        plan = await self.plans.load(plan_id, conn=conn)
        if plan is None:
            return
        targets = PlanTargets.of(plan)
        if not any(t.measure.value == "service_volume" for t in targets.ikis.values()):
            return
        realisation = await self.realisations.load(plan_id, conn=conn) or Realisation()
        totals = _totals(await rm.interaction_totals(conn, employee_id, period_year))
        realisation.service_totals_changed(plan=targets, totals=totals)
        if realisation.pending:
            await self.realisations.save(plan_id, realisation, actor=Actor(id="kinerja-planning", role="system"),
                                         office_id=targets.office_id, subject=employee_id, conn=conn)

    async def _targets(self, plan_id: uuid.UUID, by: Principal) -> PlanTargets:
        plan = await self.plans.load(plan_id)
        if plan is None:
            raise NotFound(f"SKP {plan_id} tidak ditemukan", field="plan_id")
        by.require_office(plan.office_id)
        return PlanTargets.of(plan)

    async def _save(self, plan: PlanTargets, realisation: Realisation, actor: Actor) -> None:
        await self.realisations.save(plan.plan_id, realisation, actor=actor, office_id=plan.office_id,
                                     subject=plan.employee_id)


def _recorded(interaction: ServiceInteraction, period_year: int, actor: Actor) -> PendingEvent:
    event = ServiceInteractionRecorded(interaction=interaction, period_year=period_year)
    return PendingEvent(
        event_type=event.event_type, event_version=event.event_version, subject=interaction.employee_id,
        office_id=interaction.office_id, actor=actor, occurred_at=interaction.occurred_at,
        correlation_id=correlation_id(), causation_id=causation_id(), payload=event.model_dump(mode="json"))


def _entry_view(envelope: EventEnvelope, realisation: Realisation) -> dict[str, Any]:
    comments = realisation.comments.get(uuid.UUID(envelope.payload["entry_id"]), [])
    return {**envelope.payload, "recorded_at": envelope.recorded_at,
            "comments": [{"author_id": author, "comment": text} for author, text in comments]}


def _totals(rows: list[asyncpg.Record]) -> ServiceTotals:
    totals = ServiceTotals()
    for r in rows:
        totals.count[r["service_type"]] = r["count"]
        totals.satisfaction_sum[r["service_type"]] = r["satisfaction_sum"]
        totals.satisfaction_count[r["service_type"]] = r["satisfaction_count"]
    return totals
