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
from kinerja_kernel.errors import ConcurrencyError, Forbidden, InvalidInput, NotFound
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.domain.interactions import Refusal, add_up, period_year_of, refusals, stream_of
from kinerja_planning.domain.plan import PerformancePlan, plan_id_for
from kinerja_planning.domain.realisation import NewEntry, PlanTargets, Realisation, ServiceTotals

INTERACTION_RETRIES = 5


@dataclass(frozen=True)
class Ingested:
    """What a batch did: interactions appended, ids already recorded (or repeated in the batch), and the
    interactions the roster does not back (not recorded)."""

    accepted: int
    duplicates: int
    refused: tuple[Refusal, ...] = ()


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

    async def ingest(self, interactions: list[ServiceInteraction], actor: Actor, *,
                     all_or_nothing: bool = False) -> Ingested:
        """Record the interactions the roster backs, once each (an id repeated, in the batch or later, counts
        once), add up only what was appended, and announce service targets reached. An interaction the roster
        does not back refuses the whole batch when ``all_or_nothing`` (HTTP); otherwise (Kafka) it is returned
        as refused and the rest is recorded."""
        for attempt in range(INTERACTION_RETRIES):
            try:
                return await self._ingest(interactions, actor, all_or_nothing)
            except (ConcurrencyError, asyncpg.DeadlockDetectedError):
                if attempt == INTERACTION_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _ingest(self, interactions: list[ServiceInteraction], actor: Actor, all_or_nothing: bool) -> Ingested:
        async with self.db.transaction() as conn:
            refused = refusals(interactions, await rm.roster_offices(conn, (i.employee_id for i in interactions)))
            if refused and all_or_nothing:
                raise _refused_batch(refused)
            skipped = {r.index for r in refused}
            backed = [i for n, i in enumerate(interactions) if n not in skipped]
            zones = await rm.office_time_zones(conn, (i.office_id for i in backed))
            pending = [(i, _recorded(i, period_year_of(i, zones.get(i.office_id, TimeZone.WIB)), actor))
                       for i in backed]
            written = {e.event_id for e in await self.store.append_new_streams(
                [(stream_of(i), p) for i, p in pending], conn=conn)}
            totals = add_up((i, p.payload["period_year"]) for i, p in pending if p.event_id in written)
            await rm.add_interaction_totals(conn, totals)
            for employee_id, period_year in sorted({(k[0], k[1]) for k in totals}):
                await self._announce_service_targets(conn, employee_id, period_year)
        return Ingested(accepted=len(written), duplicates=len(backed) - len(written), refused=tuple(refused))

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


def _refused_batch(refused: list[Refusal]) -> InvalidInput:
    """One problem naming every interaction the roster does not back (``interactions.<i>.<field>``)."""
    (first, *rest) = refused
    return InvalidInput(first.message, message_en=first.message_en, field=f"interactions.{first.index}.{first.field}",
                        details=[(f"interactions.{r.index}.{r.field}", r.message) for r in rest])


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
