"""The monitoring dashboards' planning part: per member of a team or an office, the SKP's status and why it is
not approved, realisation per IKI and overall, the last report, and whether the member is falling behind. One
request answers a whole office (three indexed queries, no per-member round trip)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from kinerja_kernel.access import OVERSIGHT, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.contracts.planning import Measure
from kinerja_kernel.db import Database
from kinerja_planning.adapters import dashboard_models as dm
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.application.roster_admin import RosterAdmin
from kinerja_planning.domain.dashboard import (
    PlanBlock,
    behind,
    expected_percent,
    iki_percent,
    overall_percent,
    plan_block,
)
from kinerja_planning.domain.realisation import IkiTarget, ServiceTotals


class DashboardQueries:
    def __init__(self, db: Database, acting: RosterAdmin, today: date | None = None) -> None:
        self.db = db
        self.acting = acting
        self.fixed_today = today

    async def team(self, by: Principal, period_year: int) -> dict[str, Any]:
        """The caller's team (and the teams of those the caller acts for today, Plt/Plh)."""
        represented = [absent for absent, office in await self.acting.represented(by) if by.in_office(office)]
        if not represented:
            by.require_role(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI)
        evaluators = [by.user_id, *represented]
        async with self.db.connection() as conn:
            rows = within_offices(by, await dm.team_members(conn, evaluators, period_year))
            rows = [r for r in rows if r["employee_id"] != by.user_id]
            return await self._view(conn, rows, period_year, by.offices)

    async def office(self, office_id: str, by: Principal, period_year: int, *, ikis: bool = True) -> dict[str, Any]:
        """Every employee of the office (HR, auditors, superiors of the office); without ``ikis`` each member's
        IKIs are left out of the answer (still counted in the overall percent): a page's summary, a quarter of
        the size of the whole view."""
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            rows = await dm.office_members(conn, office_id, period_year)
            view = await self._view(conn, rows, period_year, {office_id}, ikis=ikis)
            return view | {"office_id": office_id}

    async def office_summary(self, office_id: str, by: Principal, period_year: int, *, unit: str | None,
                             limit: int) -> dict[str, Any]:
        """Per unit the SKP statuses, and who has no approved SKP and who has not reported this month (the
        first ``limit`` of each, of ``unit`` when given, with the totals): an answer that does not grow with
        the office."""
        require_office_role(by, office_id, *OVERSIGHT)
        async with self.db.connection() as conn:
            rows = await dm.office_members(conn, office_id, period_year)
            today = await self._today(conn, {office_id})
            units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for r in rows:
                units[r["unit_id"]][r["status"]] += 1
            chosen = [r for r in rows if not unit or r["unit_id"] == unit]
            # who is listed is decided on the member rows alone; only the listed few get the full view (IKIs,
            # service totals), so the answer's cost does not follow the office's size
            waiting = [r for r in chosen if _block(r) is not None or r["status"] not in ("approved", "closed")]
            silent = [r for r in chosen if r["status"] in ("approved", "revising")
                      and not _reported_in_month(r["last_occurred_on"], today)]
            shown = {id(r): r for r in (*waiting[:limit], *silent[:limit])}
            view = await self._view(conn, list(shown.values()), period_year, {office_id}, ikis=False)
        member = dict(zip(shown, view["members"], strict=True))
        return {"office_id": office_id, "period_year": period_year, "today": view["today"],
                "expected_percent": view["expected_percent"],
                "units": [{"unit_id": u, "total": sum(c.values()), "by_status": dict(c)}
                          for u, c in sorted(units.items())],
                "not_approved": {"total": len(waiting), "members": [member[id(r)] for r in waiting[:limit]]},
                "not_reported": {"total": len(silent), "members": [member[id(r)] for r in silent[:limit]]}}

    async def _today(self, conn: asyncpg.Connection, offices: Any) -> date:
        if self.fixed_today is not None:
            return self.fixed_today
        zones = await rm.office_time_zones(conn, sorted(offices))
        zone = next(iter(zones.values()), TimeZone.WIB)
        return zone.local_date(datetime.now(UTC))

    async def _view(self, conn: asyncpg.Connection, rows: list[asyncpg.Record], period_year: int,
                    offices: Any, *, ikis: bool = True) -> dict[str, Any]:
        today = await self._today(conn, offices)
        plan_ids = [r["plan_id"] for r in rows if r["plan_id"] is not None]
        by_plan: dict[uuid.UUID, list[asyncpg.Record]] = defaultdict(list)
        for iki in await dm.ikis_of(conn, plan_ids):
            by_plan[iki["plan_id"]].append(iki)
        totals: dict[str, ServiceTotals] = defaultdict(ServiceTotals)
        for t in await dm.service_totals(conn, [r["employee_id"] for r in rows], period_year):
            found = totals[t["employee_id"]]
            found.count[t["service_type"]] = int(t["count"])
            found.satisfaction_sum[t["service_type"]] = int(t["satisfaction_sum"])
            found.satisfaction_count[t["service_type"]] = int(t["satisfaction_count"])
        expected = expected_percent(today, period_year)
        members = [_member(r, by_plan.get(r["plan_id"], []), totals[r["employee_id"]], today, period_year, expected,
                           ikis_shown=ikis) for r in rows]
        return {"period_year": period_year, "today": today, "expected_percent": expected, "members": members}


def _iki(row: asyncpg.Record, totals: ServiceTotals) -> dict[str, Any]:
    measure = Measure(row["measure"])
    realised: Decimal = row["realised"]
    if measure is not Measure.MANUAL:
        realised = totals.realised(IkiTarget(rhk_id=row["rhk_id"], iki_id=row["iki_id"], description="",
                                             measure=measure, service_type=row["service_type"],
                                             target=row["target"], unit=row["unit"]))
    return {"iki_id": row["iki_id"], "rhk_id": row["rhk_id"], "rhk_title": row["rhk_title"],
            "description": row["description"], "measure": measure.value, "target": row["target"],
            "unit": row["unit"], "realised": realised, "percent": iki_percent(realised, row["target"])}


def _block(row: asyncpg.Record) -> PlanBlock | None:
    return plan_block(row["status"], rhk_count=row["rhk_count"], has_evaluator=row["evaluator_id"] is not None,
                      position_type=row["position_type"], evaluator_plan_status=row["evaluator_plan_status"])


def _reported_in_month(last_on: date | None, today: date) -> bool:
    return last_on is not None and (last_on.year, last_on.month) == (today.year, today.month)


def _member(row: asyncpg.Record, ikis: list[asyncpg.Record], totals: ServiceTotals, today: date, year: int,
            expected: float, *, ikis_shown: bool = True) -> dict[str, Any]:
    shown = [_iki(i, totals) for i in ikis]
    overall = overall_percent(i["percent"] for i in shown)
    last_on: date | None = row["last_occurred_on"]  # the latest day of work reported (the office's calendar)
    block = _block(row)
    return {
        "employee_id": row["employee_id"], "name": row["name"], "office_id": row["office_id"],
        "unit_id": row["unit_id"], "position": row["position"], "position_type": row["position_type"],
        "evaluator_id": row["evaluator_id"], "evaluator_name": row["evaluator_name"], "plan_id": row["plan_id"],
        "status": row["status"], "blocked_by": block.value if block else None,
        "ikis": shown if ikis_shown else [], "overall_percent": overall, "entries": row["entries"],
        "last_reported_at": row["last_reported_at"], "last_occurred_on": last_on,
        "reported_this_month": _reported_in_month(last_on, today),
        "behind": [b.value for b in behind(status=row["status"], overall=overall, expected=expected,
                                           last_reported_on=last_on, today=today,
                                           year=year)],
    }
