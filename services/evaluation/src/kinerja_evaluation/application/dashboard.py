"""The monitoring dashboards' evaluation part: per appraisal of a team or an office, where the self-assessment,
the 360 and the rating stand, the predicate, the objection and the days to each deadline; per unit of an
office, the appraisals' progress and the predicates against the curve of the unit's organisation predicate."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

import asyncpg

from kinerja_evaluation.adapters import dashboard_queries as dq
from kinerja_evaluation.adapters import read_models as rm
from kinerja_evaluation.application.service import Evaluation
from kinerja_evaluation.application.views import waiting_on
from kinerja_evaluation.domain.rules import check_curve
from kinerja_kernel.access import OVERSIGHT, require_office_role, within_offices
from kinerja_kernel.auth import Principal, Role
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    EvaluationPeriod,
    OrganisationPredicate,
    Predicate,
    TimeZone,
)

DONE = frozenset({"finalised", "decided"})


def _days(deadline: datetime | None, today: date, zone: TimeZone) -> int | None:
    return None if deadline is None else (zone.local_date(deadline) - today).days


def _rating_state(row: asyncpg.Record) -> str:
    if row["status"] in DONE or row["status"] == "objected":
        return "final"
    rated = row["rated_rhk_count"] + row["rated_value_count"]
    if row["results_rating"] and row["behaviour_rating"]:
        return "rated"
    return "partial" if rated else "not_started"


def _peer_state(row: asyncpg.Record) -> str:
    if not row["raters"]:
        return "no_raters"
    if row["peer_answered"] >= row["raters"]:
        return "complete"
    return "closed" if row["peer_window_closed"] else "waiting"


def _listed(rows: list[asyncpg.Record], objections_only: bool, final_first: int | None, unit: str | None
            ) -> list[asyncpg.Record]:
    kept = [r for r in rows if not unit or r["unit_id"] == unit]
    if not objections_only:
        return kept
    final = {r["appraisal_id"] for r in [r for r in kept if r["status"] in DONE][:final_first or 0]}
    return [r for r in kept if r["objection_status"] is not None or r["appraisal_id"] in final]


def appraisal_row(row: asyncpg.Record, today: date, zone: TimeZone) -> dict[str, Any]:
    predicate = row["predicate"]
    return {
        "appraisal_id": row["appraisal_id"], "employee_id": row["employee_id"], "name": row["name"],
        "office_id": row["office_id"], "unit_id": row["unit_id"], "evaluator_id": row["evaluator_id"],
        "evaluator_name": row["evaluator_name"], "status": row["status"], "self_assessed": row["self_assessed"],
        "peer": {"state": _peer_state(row), "raters": row["raters"], "answered": row["peer_answered"]},
        "rating": _rating_state(row), "results_rating": row["results_rating"],
        "behaviour_rating": row["behaviour_rating"], "predicate": predicate,
        "predicate_label": PREDICATE_LABELS[Predicate(predicate)] if predicate else None,
        "objection_status": row["objection_status"], "finalised_at": row["finalised_at"],
        "acknowledged_at": row["acknowledged_at"], "waiting_on": waiting_on(row),
        "deadlines": {"self_assessment": row["self_assessment_due"], "rating": row["rating_due"],
                      "objection": row["objection_deadline"]},
        "days_left": {"self_assessment": None if row["self_assessed"] or row["status"] != "open" else
                      _days(row["self_assessment_due"], today, zone),
                      "rating": None if row["status"] != "open" else _days(row["rating_due"], today, zone),
                      "objection": _days(row["objection_deadline"], today, zone)
                      if row["status"] in DONE and row["objection_status"] is None else None},
    }


def unit_summary(unit_id: str, rows: list[asyncpg.Record], organisation: str | None) -> dict[str, Any]:
    statuses = Counter(r["status"] for r in rows)
    predicates = [Predicate(r["predicate"]) if r["predicate"] else None for r in rows]
    counts = {p.value: sum(1 for q in predicates if q is p) for p in Predicate}
    curve = check_curve(OrganisationPredicate(organisation), predicates) if organisation else None
    return {
        "unit_id": unit_id, "total": len(rows), "by_status": dict(statuses),
        "self_assessed": sum(1 for r in rows if r["self_assessed"]),
        "rated": sum(1 for r in rows if _rating_state(r) in ("rated", "final")),
        "final": sum(1 for r in rows if r["status"] in DONE), "counts": counts,
        "pending": sum(1 for p in predicates if p is None), "organisation_predicate": organisation,
        "objections_open": sum(1 for r in rows if r["objection_status"] == "filed"),
        "objected": sum(1 for r in rows if r["objection_status"] is not None),
        "bounds": [{"label": c.label, "share": c.share, "at_most": c.at_most, "count": c.count, "limit": c.limit,
                    "violated": c.violated, "explanation": c.explanation,
                    "predicates": [p.value for p in c.predicates]} for c in curve.checks] if curve else [],
        "violations": list(curve.violations) if curve else [],
    }


class AppraisalDashboard:
    def __init__(self, service: Evaluation) -> None:
        self.service = service
        self.db = service.db

    async def team(self, period_key: str, by: Principal) -> dict[str, Any]:
        key = EvaluationPeriod.parse(period_key).key
        async with self.db.connection() as conn:
            represented = await self.service.queries.represented(conn, by)  # the acting rule is the service's
            if not represented:
                by.require_role(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI)
            rows = within_offices(by, await dq.team_appraisals(conn, [by.user_id, *represented], key))
            zone = await self._zone(conn, sorted(by.offices))
            today = zone.local_date(self.service.clock())
        return {"period": key, "today": today,
                "appraisals": [appraisal_row(r, today, zone) for r in rows if r["employee_id"] != by.user_id]}

    async def office(self, office_id: str, period_key: str, by: Principal, *, objections_only: bool = False,
                     final_first: int | None = None, unit: str | None = None) -> dict[str, Any]:
        """The office's period: per unit and per appraisal. What a page lists, while the units still count
        everyone: with ``objections_only`` only the appraisals with an objection, plus the first ``final_first``
        final ones (by unit and name) when given; with ``unit`` only that unit's appraisals."""
        require_office_role(by, office_id, *OVERSIGHT)
        key = EvaluationPeriod.parse(period_key).key
        async with self.db.connection() as conn:
            rows = await dq.office_appraisals(conn, office_id, key)
            organisation = await dq.organisation_predicates(conn, office_id, key)
            period = await dq.period(conn, office_id, key)
            settings = await rm.office_settings(conn, office_id)
        zone = settings.time_zone
        today = zone.local_date(self.service.clock())
        units: dict[str, list[asyncpg.Record]] = defaultdict(list)
        for r in rows:
            units[r["unit_id"]].append(r)
        year = EvaluationPeriod.parse(key).year
        plan_due = date.fromordinal(date(year, 1, 1).toordinal() + settings.plan_due_day_of_year - 1)
        return {
            "office_id": office_id, "period": key, "today": today, "time_zone": zone.value,
            "labels": {p.value: PREDICATE_LABELS[p] for p in Predicate},
            "deadlines": {"plan": plan_due, "self_assessment": period["self_assessment_due"] if period else None,
                          "rating": period["rating_due"] if period else None},
            "days_left": {"plan": (plan_due - today).days,
                          "self_assessment": _days(period["self_assessment_due"], today, zone) if period else None,
                          "rating": _days(period["rating_due"], today, zone) if period else None},
            "units": [unit_summary(u, members, organisation.get(u)) for u, members in sorted(units.items())],
            "appraisals": [appraisal_row(r, today, zone) for r in _listed(rows, objections_only, final_first, unit)],
        }

    async def _zone(self, conn: asyncpg.Connection, offices: list[str]) -> TimeZone:
        return (await rm.office_settings(conn, offices[0])).time_zone if offices else TimeZone.WIB
