"""Use cases of realisation (progress with evidence) and of service interactions."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_kernel import filetypes
from kinerja_kernel.access import require_access
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.blobs import BlobNotFound, BlobStore
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import (
    Evidence,
    EvidenceKind,
    Origin,
    RealisationCommented,
    RealisationCorrected,
    RealisationRecorded,
    RealisationReturned,
    RealisationWithdrawn,
    ServiceInteraction,
    ServiceInteractionRecorded,
)
from kinerja_kernel.db import Database
from kinerja_kernel.envelope import Actor, EventEnvelope, PendingEvent
from kinerja_kernel.errors import ConcurrencyError, Detail, InvalidInput, NotFound, TooLarge
from kinerja_kernel.logging import causation_id, correlation_id
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.application.roster_admin import ActingCheck, deciding_for
from kinerja_planning.application.views import EntryView, IkiProgressView, ProgressView
from kinerja_planning.domain.interactions import Refusal, add_up, period_year_of, refusals, stream_of
from kinerja_planning.domain.plan import PerformancePlan, plan_id_for
from kinerja_planning.domain.realisation import NewEntry, PlanTargets, Realisation, ServiceTotals

INTERACTION_RETRIES = 5
KNOWN_PLANS = 10_000
"""How many SKPs' targets the service remembers (with the SKP version they were read at)."""
SYSTEM_ACTOR = Actor(id="kinerja-planning", role="system")
READERS = (Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR, Role.ATASAN_PENILAI)
"""Who reads any SKP's realisation (and its files) in their offices, besides the employee and the evaluator."""


@dataclass(frozen=True)
class StoredFile:
    """An evidence file kept in the store: what the entry's evidence names."""

    sha256: str
    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, type and name."""

    data: bytes
    media_type: str
    name: str


@dataclass(frozen=True)
class Ingested:
    """What a batch did: interactions appended, ids already recorded (or repeated in the batch), and the
    interactions the roster does not back (not recorded)."""

    accepted: int
    duplicates: int
    refused: tuple[Refusal, ...] = ()


class RealisationService:
    def __init__(self, plans: EventSourcedRepository[PerformancePlan, Any],
                 realisations: EventSourcedRepository[Realisation, Any], blobs: BlobStore | None = None,
                 max_file_bytes: int = 10 * 1024 * 1024, today: date | None = None,
                 acting: ActingCheck | None = None) -> None:
        self.plans = plans
        self.realisations = realisations
        self.blobs = blobs
        self.max_file_bytes = max_file_bytes
        self.fixed_today = today
        self.acting = acting
        self._known_plans: OrderedDict[uuid.UUID, tuple[int, PlanTargets]] = OrderedDict()

    @property
    def db(self) -> Database:
        """The read models (office time zones, interaction totals) and the interaction transactions."""
        db: Database = self.plans.store.db
        return db

    async def report(self, plan_id: uuid.UUID, entries: list[NewEntry], by: Principal, origin: Origin) -> int:
        """Record entries (all or none); returns how many were new."""
        plan = await self._targets(plan_id, by)
        entries = [replace(e, evidence=await self._files(plan_id, e.evidence, f"entries.{i}.evidence"))
                   for i, e in enumerate(entries)]
        today = await self._today(plan, [e.occurred_on for e in entries])
        new: list[int] = []
        await self._change(plan, by.actor(Role.PEGAWAI), lambda realisation: new.append(realisation.report(
            actor_id=by.user_id, plan=plan, entries=entries, origin=origin, today=today)), start=Realisation)
        return new[0]

    async def return_entry(self, plan_id: uuid.UUID, entry_id: uuid.UUID, reason: str, by: Principal) -> None:
        """The evaluator, or their acting official (Plt/Plh) on a day the appointment covers, sends an entry back
        for correction (the event names both)."""
        plan = await self._targets(plan_id, by)
        on_behalf_of = await deciding_for(self.acting, by, plan.office_id, plan.evaluator_id)
        await self._change(plan, by.actor(Role.PEJABAT_PENILAI), lambda realisation: realisation.return_entry(
            actor_id=by.user_id, plan=plan, entry_id=entry_id, reason=reason, on_behalf_of=on_behalf_of))

    async def correct(self, plan_id: uuid.UUID, entry_id: uuid.UUID, by: Principal, *, value: Decimal,
                      occurred_on: date, description: str, evidence: tuple[Evidence, ...],
                      note: str | None = None) -> None:
        """The employee corrects a returned entry."""
        plan = await self._targets(plan_id, by)
        files = await self._files(plan_id, evidence, "evidence")
        today = await self._today(plan, [occurred_on])
        await self._change(plan, by.actor(Role.PEGAWAI), lambda realisation: realisation.correct(
            actor_id=by.user_id, plan=plan, entry_id=entry_id, value=value, occurred_on=occurred_on,
            description=description, evidence=files, today=today, note=note))

    async def withdraw(self, plan_id: uuid.UUID, entry_id: uuid.UUID, by: Principal, reason: str | None) -> None:
        plan = await self._targets(plan_id, by)
        await self._change(plan, by.actor(Role.PEGAWAI), lambda realisation: realisation.withdraw(
            actor_id=by.user_id, plan=plan, entry_id=entry_id, reason=reason))

    async def upload(self, plan_id: uuid.UUID, data: bytes, name: str, by: Principal) -> StoredFile:
        """Keep an evidence file for the plan's owner: refused (nothing stored) when too large or not an accepted
        type by its content; the same bytes twice are kept once."""
        plan = await self._targets(plan_id, by)
        require_access(by, plan.office_id, parties=(plan.employee_id,), field="plan_id",
                       code="planning.evidence.upload-not-owner")
        if len(data) > self.max_file_bytes:
            raise TooLarge("planning.evidence.too-large", field="file", size=len(data), limit=self.max_file_bytes)
        if not data:
            raise InvalidInput("planning.evidence.empty", field="file")
        media_type = filetypes.sniff(data)
        if media_type is None:
            raise InvalidInput("planning.evidence.type-not-accepted", field="file")
        assert self.blobs is not None
        sha256 = await self.blobs.put(data)
        return StoredFile(sha256=sha256, name=_file_name(name, media_type), media_type=media_type, size=len(data))

    async def download(self, plan_id: uuid.UUID, sha256: str, by: Principal) -> Download:
        """An evidence file of the plan, for those who may see its realisation; only files an entry references."""
        plan = await self._targets(plan_id, by)
        await self._require_reader(plan, by)
        named = next((ev for env in await self.realisations.history(plan_id)
                      for ev in env.payload.get("evidence") or () if ev.get("sha256") == sha256
                      and ev.get("kind") == EvidenceKind.FILE.value), None)
        if named is None or self.blobs is None:
            raise NotFound("planning.evidence.not-on-plan", field="sha256", sha256=sha256)
        try:
            data = await self.blobs.get(sha256)
        except BlobNotFound as exc:
            raise NotFound("planning.evidence.not-stored", field="sha256", sha256=sha256) from exc
        media_type = filetypes.sniff(data) or "application/octet-stream"
        return Download(data=data, media_type=media_type, name=_file_name(named.get("name") or "", media_type))

    async def comment(self, plan_id: uuid.UUID, entry_id: uuid.UUID, text: str, by: Principal) -> uuid.UUID:
        by.require_role(Role.PEJABAT_PENILAI)
        plan = await self._targets(plan_id, by)
        comment_ids: list[uuid.UUID] = []
        await self._change(plan, by.actor(Role.PEJABAT_PENILAI), lambda realisation: comment_ids.append(
            realisation.comment(actor_id=by.user_id, plan=plan, entry_id=entry_id, comment=text)))
        return comment_ids[0]

    async def progress(self, plan_id: uuid.UUID, by: Principal, since: date | None = None,
                       until: date | None = None) -> ProgressView:
        """Progress per IKI over the year (``realised``: every counted entry, i.e. not returned or withdrawn), per
        quarter, and between ``since`` and ``until`` when given (the same entries an appraisal of that period
        counts); every entry with its status, corrections and comments."""
        plan = await self._targets(plan_id, by)
        await self._require_reader(plan, by)
        history = await self.realisations.history(plan_id)  # read once: folded here and listed below
        repository = self.realisations
        realisation = repository.aggregate.replay(repository.registry.decode(e.event_type, e.event_version, e.payload)
                                                  for e in history) if history else Realisation()
        async with self.db.connection() as conn:
            totals = _totals(await rm.interaction_totals(conn, plan.employee_id, plan.period_year))
        entries = _entry_views(history)
        counted = [e for e in entries if e["status"] == "counted"]
        ikis = []
        for target in plan.ikis.values():
            realised = realisation.realised(target, totals)
            mine = [e for e in counted if e["iki_id"] == str(target.iki_id)]
            quarters = [sum((Decimal(e["value"]) for e in mine if (int(e["occurred_on"][5:7]) - 1) // 3 == q),
                            Decimal(0)) for q in range(4)]
            view: dict[str, Any] = {
                "rhk_id": target.rhk_id, "iki_id": target.iki_id, "description": target.description,
                "measure": target.measure, "target": target.target, "unit": target.unit, "realised": realised,
                "percent": float(min(realised / target.target * 100, Decimal(999))) if target.target else None,
                "achieved": target.target is not None and realised >= target.target,  # now, not once
                "announced": target.iki_id in realisation.achieved,
                "by_quarter": quarters if target.measure.value == "manual" else None,
            }
            if since is not None or until is not None:
                low, high = (since or date.min).isoformat(), (until or date.max).isoformat()
                view["realised_in_range"] = sum((Decimal(e["value"]) for e in mine if low <= e["occurred_on"] <= high),
                                                Decimal(0))
            ikis.append(IkiProgressView(**view))
        return ProgressView(plan_id=plan_id, period_year=plan.period_year, today=await self._today(plan), since=since,
                            until=until, ikis=ikis, entries=[EntryView.model_validate(e) for e in entries])

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
            written = {e.event_id for e in await self.plans.store.append_new_streams(
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
        totals = _totals(await rm.interaction_totals(conn, employee_id, period_year))
        await self.realisations.change(
            plan_id, None, lambda realisation: realisation.service_totals_changed(plan=targets, totals=totals),
            start=Realisation, actor=SYSTEM_ACTOR, office_id=targets.office_id, subject=employee_id, conn=conn)

    async def _targets(self, plan_id: uuid.UUID, by: Principal) -> PlanTargets:
        targets = await self._plan_targets(plan_id)
        if targets is None:
            raise NotFound("planning.plan.not-found", field="plan_id", plan_id=str(plan_id))
        by.require_office(targets.office_id)
        return targets

    async def _plan_targets(self, plan_id: uuid.UUID) -> PlanTargets | None:
        """The SKP's targets as stored now: those remembered when no SKP event came after the version they were
        read at (one read that finds nothing), else the SKP folded again (every entry needs its targets, and an
        SKP changes seldom once approved)."""
        known = self._known_plans.get(plan_id)
        if known is not None and not await self.plans.store.read_stream(self.plans.stream_id(plan_id),
                                                                         from_version=known[0] + 1):
            return known[1]
        plan = await self.plans.load(plan_id)
        if plan is None:
            return None
        targets = PlanTargets.of(plan)
        self._known_plans[plan_id] = (plan.version, targets)
        self._known_plans.move_to_end(plan_id)
        if len(self._known_plans) > KNOWN_PLANS:
            self._known_plans.popitem(last=False)
        return targets

    async def _change(self, plan: PlanTargets, actor: Actor, decide: Callable[[Realisation], object], *,
                      start: Callable[[], Realisation] | None = None) -> Realisation:
        """The one use-case loop on the plan's realisation (its entries must exist unless ``start`` is given).
        Reports, comments, returns, corrections and withdrawals state no version the client saw and each
        decision holds on any state, so one that loses a race (the employee and the evaluator, two replicas)
        is decided again on the new state instead of answering 409."""
        return await self.realisations.change(
            plan.plan_id, None, decide, start=start, actor=actor, office_id=plan.office_id, subject=plan.employee_id,
            not_found=lambda: NotFound("planning.realisation.no-entries", field="entry_id"), retry_on_conflict=True)

    async def _require_reader(self, plan: PlanTargets, by: Principal) -> None:
        """The office first, then the employee, the evaluator or whoever acts for the evaluator today, or
        HR and auditors."""
        acting = [] if self.acting is None else await self.acting.acting_parties(plan.office_id, (plan.evaluator_id,))
        require_access(by, plan.office_id, parties=(plan.employee_id, plan.evaluator_id, *acting), roles=READERS,
                       field="plan_id", code="planning.realisation.not-readable")

    async def _today(self, plan: PlanTargets, checking: Iterable[date] | None = None) -> date:
        """Today in the office's time zone (WIB until evaluation has told planning the office's zone), or the day
        the settings fix (tests of another year).

        ``checking``: the dates an entry check compares with today (refused when after it). When none is after
        today on WIB, the westernmost zone and so the earliest date, no office's zone can refuse them: WIB's
        date is returned without reading the office's zone (the check's outcome is the same), which spares a
        read on nearly every entry (a day's entry is dated today, and WIB is behind only around midnight)."""
        if self.fixed_today is not None:
            return self.fixed_today
        now = datetime.now(UTC)
        earliest = TimeZone.WIB.local_date(now)
        if checking is not None and all(day <= earliest for day in checking):
            return earliest
        async with self.db.connection() as conn:
            zone = (await rm.office_time_zones(conn, [plan.office_id])).get(plan.office_id, TimeZone.WIB)
        return zone.local_date(now)

    async def _files(self, plan_id: uuid.UUID, evidence: tuple[Evidence, ...], field: str) -> tuple[Evidence, ...]:
        """File evidence completed from the store (its size and type from its bytes, its reference the download
        path); a file that was never uploaded is refused."""
        completed = []
        for j, item in enumerate(evidence):
            if item.kind is not EvidenceKind.FILE or item.sha256 is None:
                completed.append(item)
                continue
            try:
                data = await self.blobs.get(item.sha256) if self.blobs else None
            except BlobNotFound:
                data = None
            if data is None:
                raise InvalidInput("planning.evidence.not-uploaded", field=f"{field}.{j}.sha256",
                                   sha256=item.sha256)
            media_type = filetypes.sniff(data) or "application/octet-stream"
            completed.append(item.model_copy(update={
                "uri": f"/api/v1/plans/{plan_id}/evidence/{item.sha256}", "size": len(data), "media_type": media_type,
                "name": _file_name(item.name or item.description or "", media_type)}))
        return tuple(completed)


def _refused_batch(refused: list[Refusal]) -> InvalidInput:
    """One problem naming every interaction the roster does not back (``interactions.<i>.<field>``)."""
    (first, *rest) = refused
    return InvalidInput(first.code, field=f"interactions.{first.index}.{first.field}", **first.params,
                        details=[Detail(f"interactions.{r.index}.{r.field}", r.code, r.params) for r in rest])


def _recorded(interaction: ServiceInteraction, period_year: int, actor: Actor) -> PendingEvent:
    event = ServiceInteractionRecorded(interaction=interaction, period_year=period_year)
    return PendingEvent(
        event_type=event.event_type, event_version=event.event_version, subject=interaction.employee_id,
        office_id=interaction.office_id, actor=actor, occurred_at=interaction.occurred_at,
        correlation_id=correlation_id(), causation_id=causation_id(), payload=event.model_dump(mode="json"))


def _entry_views(history: list[EventEnvelope]) -> list[dict[str, Any]]:
    """Each entry as it stands now (in the order recorded): status, the evaluator's return with its reason, the
    corrections with the values they replaced, comments."""
    views: dict[str, dict[str, Any]] = {}
    for env in history:
        p = env.payload
        view = views.get(p.get("entry_id", ""))
        if env.event_type == RealisationRecorded.event_type:
            views[p["entry_id"]] = {**p, "recorded_at": env.recorded_at, "status": "counted", "returned": None,
                                    "corrections": [], "withdrawn": None, "comments": []}
        elif view is None:
            continue
        elif env.event_type == RealisationCommented.event_type:
            view["comments"].append({"author_id": p["author_id"], "comment": p["comment"]})
        elif env.event_type == RealisationReturned.event_type:
            view["status"] = "returned"
            view["returned"] = {"by": p["evaluator_id"], "on_behalf_of": p.get("on_behalf_of"), "reason": p["reason"],
                                "at": env.recorded_at}
        elif env.event_type == RealisationCorrected.event_type:
            view["corrections"].append({"previous_value": p["previous_value"], "value": p["value"],
                                        "previous_occurred_on": p["previous_occurred_on"],
                                        "occurred_on": p["occurred_on"], "note": p.get("note"),
                                        "reason": (view["returned"] or {}).get("reason"), "at": env.recorded_at})
            view.update(value=p["value"], occurred_on=p["occurred_on"], description=p["description"],
                        evidence=p.get("evidence") or [], status="counted")
        elif env.event_type == RealisationWithdrawn.event_type:
            view["status"] = "withdrawn"
            view["withdrawn"] = {"reason": p.get("reason"), "at": env.recorded_at}
    return list(views.values())


def _file_name(name: str, media_type: str) -> str:
    """A safe file name to show and to send: no folders or control characters, the extension of what the bytes
    are (a ``laporan.html`` that is a PDF downloads as ``laporan.pdf``)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>:|?*').strip(" .") or "bukti-dukung"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    extension = filetypes.EXTENSIONS.get(media_type, "bin")
    return f"{stem[:200]}.{extension}"


def _totals(rows: list[asyncpg.Record]) -> ServiceTotals:
    totals = ServiceTotals()
    for r in rows:
        totals.count[r["service_type"]] = r["count"]
        totals.satisfaction_sum[r["service_type"]] = r["satisfaction_sum"]
        totals.satisfaction_count[r["service_type"]] = r["satisfaction_count"]
    return totals
