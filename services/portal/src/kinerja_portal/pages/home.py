"""The home page as the person's next actions, and the daily log (quick entry, month calendar, copy from
yesterday). Each daily entry is a realisation entry through planning's ``POST /plans/{id}/realisation``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal import daily
from kinerja_portal.clients import ApiError, FormErrors, Services, ServiceUnavailable
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import translate
from kinerja_portal.numbers import format_id_number
from kinerja_portal.web import (
    Api,
    CurrentViewer,
    Form,
    Viewer,
    flash,
    language,
    office_settings,
    refresh_acting,
    render,
    requires,
    text,
    values_of,
    zone_of,
)

router = APIRouter()

ENTRY_FIELDS = {"entries.0.iki_id": "iki_id", "entries.0.value": "value", "entries.0.occurred_on": "occurred_on",
                "entries.0.description": "description", "entries.0.evidence": "evidence_url",
                "entries.0": "value", "entries": "value", "plan_id": "iki_id"}


@dataclass
class Collected:
    """What the home page and the daily log gather; a service that does not answer leaves its part empty and
    is named in ``unavailable``."""

    unavailable: list[str] = field(default_factory=list)

    async def get(self, service: str, call: Awaitable[Any], default: Any) -> Any:
        try:
            return await call
        except (ApiError, ServiceUnavailable):
            if service not in self.unavailable:
                self.unavailable.append(service)
            return default


async def _today(api: Services, viewer: Viewer) -> tuple[TimeZone, date]:
    zone = zone_of((await office_settings(api, viewer)).get("time_zone"))
    return zone, zone.local_date(datetime.now(UTC))


async def _my_plans(api: Services, viewer: Viewer, got: Collected) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await got.get("planning", api.call("planning", "GET", "/me/plans", viewer.token),
                                                [])
    return found


def _pick(plans: list[dict[str, Any]], year: int, or_later: bool) -> dict[str, Any] | None:
    """The summary of the caller's SKP of ``year`` (with ``or_later``: else the nearest later period's, e.g. next
    year's SKP drafted early)."""
    later = sorted((p for p in plans if p.get("period_year", 0) > year), key=lambda p: p["period_year"])
    return next((p for p in plans if p.get("period_year") == year), None) or (later[0] if or_later and later else None)


async def _plan_and_progress(api: Services, viewer: Viewer, mine: dict[str, Any] | None, got: Collected
                             ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The SKP in full (blockers, names, IKIs) and, when entries can be logged on it, its realisation: asked at
    once when the summary already says so (one round trip instead of two), else after the SKP."""
    if mine is None:
        return None, None
    plan_call = got.get("planning", api.call("planning", "GET", f"/plans/{mine['plan_id']}", viewer.token), None)
    if not _loggable(mine, viewer):
        plan: dict[str, Any] | None = await plan_call
        return plan, await _progress(api, viewer, plan, got) if _loggable(plan, viewer) else None
    plan, progress = await asyncio.gather(plan_call, _progress(api, viewer, mine, got))
    return plan, progress if _loggable(plan, viewer) else None


async def _progress(api: Services, viewer: Viewer, plan: dict[str, Any] | None, got: Collected
                    ) -> dict[str, Any] | None:
    assert plan is not None
    found: dict[str, Any] | None = await got.get(
        "planning", api.call("planning", "GET", f"/plans/{plan['plan_id']}/realisation", viewer.token), None)
    return found


async def _my_plan(api: Services, viewer: Viewer, year: int, got: Collected, *,
                   or_later: bool = False) -> dict[str, Any] | None:
    """The caller's SKP of ``year`` (with ``or_later``: else the nearest later period's), in full; None when
    there is none."""
    mine = _pick(await _my_plans(api, viewer, got), year, or_later)
    if mine is None:
        return None
    found: dict[str, Any] | None = await got.get(
        "planning", api.call("planning", "GET", f"/plans/{mine['plan_id']}", viewer.token), None)
    return found


def iki_choices(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(iki_id, "RHK — IKI (unit)") for every IKI of the plan, in the plan's order."""
    found = []
    for rhk in plan.get("rhks") or []:
        for iki in rhk.get("ikis") or []:
            unit = next((t.get("unit") for t in iki.get("targets") or [] if t.get("aspect") == "kuantitas"), None)
            name = f"{rhk['title']} — {iki['description']}" + (f" ({unit})" if unit else "")
            found.append((str(iki["iki_id"]), name))
    return found


def iki_names(plan: dict[str, Any]) -> dict[str, str]:
    """iki_id -> the IKI's own description (short, for the list of a day's entries)."""
    return {str(iki["iki_id"]): str(iki["description"]) for rhk in plan.get("rhks") or []
            for iki in rhk.get("ikis") or []}


def _loggable(plan: dict[str, Any] | None, viewer: Viewer) -> bool:
    return plan is not None and plan.get("status") in ("approved", "revising") and plan.get("employee_id") == viewer.nip


def _fresh(today: date, ikis: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """A new entry's form: a fresh id (a double submit counts once), today, and the IKI when there is one."""
    found = {"entry_id": str(uuid.uuid4()), "occurred_on": today.isoformat()}
    if ikis and len(ikis) == 1:
        found["iki_id"] = ikis[0][0]
    return found


# -- home ----------------------------------------------------------------------------------------------
async def _home(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                values: dict[str, str] | None = None, status: int = 200) -> Response:
    lang = language(request)
    got = Collected()
    is_employee = viewer.has(Role.PEGAWAI)
    is_evaluator = viewer.has(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI)
    # two rounds of calls made together (each service's answer time counts once per round, not per call):
    # first what needs nothing else, then what needs the day and the SKP's period
    calls: dict[str, Awaitable[Any]] = {
        "today": _today(api, viewer),
        "reminders": got.get("feedback", api.call("feedback", "GET", "/me/reminders", viewer.token), []),
        "unread": got.get("feedback", api.call("feedback", "GET", "/notifications/unread-count", viewer.token),
                          {"total": 0}),
    }
    if is_employee:
        calls["acting"] = refresh_acting(request, api, viewer)  # the menu shows "Tim saya" to a Plt/Plh
        calls["plans"] = _my_plans(api, viewer, got)
        calls["feedback"] = got.get("feedback", api.call("feedback", "GET", "/notifications", viewer.token, params={
            "unread": "true", "kind": "feedback_received", "limit": 5}), [])
        calls["peer"] = got.get("evaluation", api.call("evaluation", "GET", "/me/peer-requests", viewer.token), [])
    if is_evaluator:
        calls["objections"] = got.get("evaluation", api.call("evaluation", "GET", "/me/objections", viewer.token), [])
    answers = dict(zip(calls, await asyncio.gather(*calls.values()), strict=True))
    zone, today = answers["today"]
    year = today.year
    context: dict[str, Any] = {"today": today, "year": year, "actions": [], "deadlines": [], "feedback": [],
                               "peer": [], "team": [], "plan": None, "ikis": [], "progress": None,
                               "yesterday": [], "num": format_id_number}
    # the SKP's period is the year the rest of the page is about (next year's, once drafted early)
    mine = _pick(answers.get("plans") or [], year, or_later=True)
    if mine is not None:
        year = context["year"] = mine["period_year"]
    second: dict[str, Awaitable[Any]] = {"plan": _plan_and_progress(api, viewer, mine, got)}
    if is_evaluator:
        second["team_plans"] = got.get("planning", api.call("planning", "GET", "/team/plans", viewer.token,
                                                            params={"period_year": year}), [])
        second["team_appraisals"] = got.get("evaluation", api.call("evaluation", "GET", "/team/appraisals",
                                                                   viewer.token, params={"period": str(year)}), [])
    answers |= dict(zip(second, await asyncio.gather(*second.values()), strict=True))
    plan, progress = answers["plan"]

    actions: list[dict[str, Any]] = context["actions"]
    if is_employee and "planning" not in got.unavailable:
        if plan is None:
            actions.append({"kind": "skp_missing", "text": translate(lang, "next.skp_missing", year=year),
                            "href": "/skp", "go": translate(lang, "next.skp_missing_go")})
        elif plan["status"] in ("draft", "returned", "revising"):
            if plan["status"] == "returned" and plan.get("return_comments"):
                actions.append({"kind": "skp_returned", "href": f"/skp/{plan['plan_id']}",
                                "text": translate(lang, "next.skp_returned", year=year,
                                                  comments=plan["return_comments"]),
                                "go": translate(lang, "next.skp_fix")})
            if plan.get("blockers"):
                actions.append({"kind": "skp_blocked", "text": translate(lang, "next.skp_blocked"),
                                "items": [b["message"] for b in plan["blockers"]], "href": f"/skp/{plan['plan_id']}",
                                "go": translate(lang, "next.skp_fix")})
            elif plan["status"] != "returned" or not plan.get("return_comments"):
                actions.append({"kind": "skp_ready", "text": translate(lang, "next.skp_ready", year=year),
                                "href": f"/skp/{plan['plan_id']}", "go": translate(lang, "next.open")})
        elif plan["status"] == "submitted":
            evaluator = (plan.get("people") or {}).get(plan["evaluator_id"], {}).get("name") or plan["evaluator_id"]
            actions.append({"kind": "skp_waiting", "text": translate(lang, "next.skp_waiting", year=year,
                                                                     who=evaluator),
                            "href": f"/skp/{plan['plan_id']}", "go": translate(lang, "next.open")})
    context["feedback"] = answers.get("feedback") or []
    for row in answers.get("team_plans") or []:
        if row.get("status") == "submitted" and row.get("plan_id"):
            context["team"].append({"text": translate(lang, "next.team_plan", name=row.get("name")),
                                    "href": f"/tim/skp/{row['plan_id']}"})
    for row in answers.get("team_appraisals") or []:
        waiting = row.get("waiting_on") or []
        key = "next.team_final" if "finalisasi" in waiting else "next.team_rating" if "penilaian_pejabat" in waiting \
            else None
        if key:
            context["team"].append({"text": translate(lang, key, name=row.get("employee_name") or row.get("name")
                                                      or row.get("employee_id")),
                                    "href": f"/penilaian/{row['appraisal_id']}"})
    for row in answers.get("objections") or []:
        if row.get("my_role") == "atasan_penilai" and row.get("objection_status") == "filed":
            context["team"].append({"text": translate(lang, "next.objections", name=row.get("name")
                                                      or row.get("employee_id")),
                                    "href": f"/penilaian/{row['appraisal_id']}/keberatan"})
    context["unread"] = int((answers.get("unread") or {}).get("total", 0))
    if _loggable(plan, viewer):
        assert plan is not None
        context["plan"] = plan
        context["ikis"] = iki_choices(plan)
        context["progress"] = progress
        today = context["today"] = _planning_today(progress, today)
        context["yesterday"] = daily.yesterday_entries((progress or {}).get("entries") or [], today)
    deadlines = [{"kind": r["kind"], "deadline": r["deadline"], "days": daily.days_left(r["deadline"], today, zone),
                  "when": daily.local_day(r["deadline"], zone, lang),
                  "text": translate(lang, f"deadline.{r['kind']}", year=r.get("reference", year)),
                  "href": _deadline_link(r)} for r in answers["reminders"]]
    for request_ in answers.get("peer") or []:
        if request_.get("answered") or request_.get("peer_window_closed") or request_.get("status") not in (
                None, "open"):
            continue
        name = request_.get("employee_name") or request_.get("employee_id")
        context["peer"].append({"text": translate(lang, "next.peer_item", name=name),
                                "href": f"/penilaian/{request_['appraisal_id']}/360"})
        if request_.get("window_closes_at"):
            deadlines.append({"kind": "peer", "deadline": request_["window_closes_at"],
                              "days": daily.days_left(request_["window_closes_at"], today, zone),
                              "when": daily.local_day(request_["window_closes_at"], zone, lang),
                              "text": translate(lang, "deadline.peer", name=name),
                              "href": f"/penilaian/{request_['appraisal_id']}/360"})
    context["deadlines"] = sorted((d for d in deadlines if d["days"] >= -30), key=lambda d: d["days"])
    context["unavailable"] = got.unavailable
    context["days_text"] = lambda n: daily.days_left_text(lang, n)
    shown = values if values is not None else _fresh(today, context["ikis"])
    return render(request, "home.html", context, errors=errors, values=shown, status=status)


def _planning_today(progress: dict[str, Any] | None, today: date) -> date:
    """The day planning checks entries against (its office-zone today), else ours."""
    try:
        return date.fromisoformat(str((progress or {})["today"]))
    except (KeyError, ValueError):
        return today


def _deadline_link(reminder: dict[str, Any]) -> str:
    kind, ref = reminder["kind"], quote(str(reminder.get("reference", "")), safe="")
    return {"plan_due": "/skp", "self_assessment_due": f"/penilaian/{ref}/penilaian-diri",
            "rating_due": f"/penilaian/{ref}", "objection_window_closing": f"/penilaian/{ref}/keberatan"
            }.get(kind, "/notifikasi")


@router.get("/beranda")
async def home(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _home(request, viewer, api)


# -- daily log -----------------------------------------------------------------------------------------
async def _daily(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                 values: dict[str, str] | None = None, status: int = 200) -> Response:
    lang = language(request)
    got = Collected()
    (_zone, today), plans = await asyncio.gather(_today(api, viewer), _my_plans(api, viewer, got))
    raw_month = request.query_params.get("bulan")
    first = daily.parse_month(raw_month, today)
    month_error = None
    if first is None:
        month_error, first, status = translate(lang, "daily.bad_month"), today.replace(day=1), 422
    plan, progress = await _plan_and_progress(api, viewer, _pick(plans, first.year, not raw_month), got)
    if progress is not None:
        today = _planning_today(progress, today)
        if not raw_month:
            first = today.replace(day=1)
    entries = (progress or {}).get("entries") or []
    month = daily.month_of(first, entries, today)
    ikis = iki_choices(plan) if plan else []
    shown = values if values is not None else _fresh(today, ikis)
    copied = request.query_params.get("salin")
    copied_day = None
    if values is None and copied:
        source = next((e for e in entries if str(e.get("entry_id")) == copied), None)
        if source is not None:
            copied_day = daily.day_name(lang, date.fromisoformat(str(source["occurred_on"])))
            shown = {**shown, "iki_id": str(source["iki_id"]), "value": format_id_number(source["value"]),
                     "description": source["description"],
                     "evidence_url": next((ev["uri"] for ev in source.get("evidence") or []
                                           if ev.get("kind") == "link"), "")}
    return render(request, "daily_log.html", {
        "plan": plan if _loggable(plan, viewer) else None, "year": first.year, "month": month, "today": today,
        "month_name": daily.month_name(lang, first), "prev": daily.shift_month(first, -1),
        "next": daily.shift_month(first, 1), "ikis": ikis, "iki_names": iki_names(plan) if plan else {},
        "day_name": lambda d: daily.day_name(lang, d), "month_error": month_error, "progress": progress,
        "yesterday": daily.yesterday_entries(entries, today), "num": format_id_number,
        "unavailable": got.unavailable, "copied_day": copied_day,
    }, errors=errors, values=shown, status=status)


@router.get("/catatan-harian", dependencies=[requires(Role.PEGAWAI)])
async def daily_log(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """The month calendar of what was logged per day (``?bulan=2026-03``), with the quick entry form;
    ``?salin=<entry id>`` fills the form from an earlier entry (copy from yesterday)."""
    return await _daily(request, viewer, api)


@router.get("/catatan-harian/salin-kemarin", dependencies=[requires(Role.PEGAWAI)])
async def copy_yesterday(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """Fill today's form from yesterday's last entry (nothing is saved until the person saves it)."""
    got = Collected()
    _zone, today = await _today(api, viewer)
    plan = await _my_plan(api, viewer, today.year, got, or_later=True)
    entries: list[dict[str, Any]] = []
    if _loggable(plan, viewer):
        assert plan is not None
        progress = await got.get("planning", api.call("planning", "GET", f"/plans/{plan['plan_id']}/realisation",
                                                      viewer.token), None)
        entries = (progress or {}).get("entries") or []
        today = _planning_today(progress, today)
    found = daily.yesterday_entries(entries, today)
    if not found:
        flash(request, "daily.nothing_yesterday")
        return RedirectResponse("/catatan-harian", status_code=303)
    return RedirectResponse(f"/catatan-harian?salin={found[-1]['entry_id']}#catat", status_code=303)


@router.post("/catatan-harian", dependencies=[requires(Role.PEGAWAI)])
async def log_activity(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    """One day's activity as a realisation entry of the chosen IKI (dated today unless the form says
    otherwise); its ``entry_id`` is fixed when the form is shown, so a double submit is counted once."""
    lang = language(request)
    back = "/beranda" if text(form, "kembali") == "beranda" else "/catatan-harian"
    page = _home if back == "/beranda" else _daily
    check = Checker(lang)
    iki_id = check.required("iki_id", text(form, "iki_id"))
    value = check.number("value", text(form, "value"))
    occurred_on = check.day("occurred_on", text(form, "occurred_on"))
    description = check.required("description", text(form, "description"))
    try:
        entry_id = str(uuid.UUID(text(form, "entry_id")))
    except ValueError:
        entry_id = str(uuid.uuid4())
    if check.errors:
        return await page(request, viewer, api, errors=check.errors, values=values_of(form), status=422)
    assert occurred_on is not None
    got = Collected()
    plan = await _my_plan(api, viewer, int(occurred_on[:4]), got)
    if not _loggable(plan, viewer):
        errors = FormErrors()
        errors.add("iki_id", translate(lang, "daily.no_plan", year=occurred_on[:4]))
        return await page(request, viewer, api, errors=errors, values=values_of(form), status=422)
    assert plan is not None
    entry: dict[str, Any] = {"entry_id": entry_id, "iki_id": iki_id, "value": value, "occurred_on": occurred_on,
                             "description": description}
    if text(form, "evidence_url"):
        entry["evidence"] = [{"kind": "link", "uri": text(form, "evidence_url")}]
    try:
        await api.call("planning", "POST", f"/plans/{plan['plan_id']}/realisation", viewer.token,
                       json={"entries": [entry]})
    except ApiError as error:
        return await page(request, viewer, api, errors=FormErrors.from_api(error, ENTRY_FIELDS),
                          values=values_of(form), status=error.status)
    flash(request, "daily.saved")
    if back == "/beranda":
        return RedirectResponse("/beranda#catat", status_code=303)
    return RedirectResponse(f"/catatan-harian?bulan={occurred_on[:7]}#hari-{occurred_on}", status_code=303)
