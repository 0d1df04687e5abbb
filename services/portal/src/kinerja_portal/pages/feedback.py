"""Continuous feedback, one-on-one dialogues and clarification threads (pegawai and pejabat penilai).

The pages the feedback service's notifications link to live here: ``/umpan-balik/{id}``, ``/dialog/{id}``
and ``/klarifikasi/{id}``.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.formats import format_day
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, field_label, translate
from kinerja_portal.web import (
    STAFF,
    Api,
    CurrentViewer,
    Form,
    Viewer,
    flash,
    language,
    office_settings,
    render,
    requires,
    text,
    values_of,
    zone_of,
)

router = APIRouter(dependencies=[requires(*STAFF)])  # feedback, dialogues, clarifications: no auditor forms
VALUES = [v.value for v in BerAkhlak]
KINDS = set(LABELS["feedback_kind"])
ASPECTS = list(LABELS["rating_aspect"])
EXTRA_ACTION_ROWS = 2
NIP = re.compile(r"\d{18}")
_ACTION = re.compile(r"action_(\d+)_(description|owner|due|id)")


# -- pure helpers (unit-tested) ----------------------------------------------------------------------------
def field_label_of(lang: str, name: str) -> str:
    """The label of a field of these pages for the error summary, per-row fields included."""
    if (found := _ACTION.fullmatch(name)) is not None:
        part = {"description": "dlg.action_description", "owner": "dlg.action_owner", "due": "dlg.action_due",
                "id": "dlg.action_description"}[found[2]]
        return f"{translate(lang, 'dlg.action', n=int(found[1]) + 1)}: {translate(lang, part)}"
    if name.startswith("response_"):
        return translate(lang, "fb.your_response")
    return field_label(lang, name)


def show_day(value: str) -> str:
    """A calendar day from a service (``2031-03-31``) as people read it (``31 Maret 2031``)."""
    return format_day(value)


def current_period(now: datetime, zone: str | None, cadence: str | None) -> str:
    """The office's periodic appraisal period (``2026-Q3`` or ``2026-M08``) of ``now`` in its zone."""
    tz = zone_of(zone)
    day = tz.local_date(now)
    if cadence == "monthly":
        return f"{day.year}-M{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def clock_time(check: Checker, name: str, value: str) -> time | None:
    """A time of day typed as ``HH:MM`` (what ``<input type=time>`` sends)."""
    if not value:
        check.errors.add(name, translate(check.lang, "form.required"))
        return None
    try:
        return time.fromisoformat(value).replace(second=0, microsecond=0)
    except ValueError:
        check.errors.add(name, translate(check.lang, "fb.time_invalid"))
        return None


def local_instant(day: str | None, at: time | None, zone: str | None) -> str | None:
    """The instant a date and time typed in the office's zone stand for, as the API wants it (ISO 8601)."""
    if day is None or at is None:
        return None
    tz = zone_of(zone)
    return datetime.combine(date.fromisoformat(day), at, tzinfo=tz.tzinfo).isoformat()


def local_parts(instant: str, zone: str | None) -> tuple[str, str]:
    """``(YYYY-MM-DD, HH:MM)`` of an instant in the office's zone, to fill a date and a time input."""
    tz = zone_of(zone)
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(tz.tzinfo)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def action_rows(values: Mapping[str, str], recorded: int) -> int:
    """How many action rows the notes form shows: the recorded actions (or the rows just sent) plus empty ones."""
    sent = [int(found[1]) for key in values if (found := _ACTION.fullmatch(key)) is not None]
    return max(recorded + EXTRA_ACTION_ROWS, max(sent, default=-1) + 1)


def parse_actions(values: Mapping[str, str], parties: set[str], default_owner: str,
                  check: Checker) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The agreed actions of the notes form (rows ``action_<n>_description/owner/due/id``) as the API wants
    them, and the mapping of the API's field paths (``actions.<i>.due_on``) back onto the rows.

    A row left empty is ignored; a row with an owner or a due date needs its description; a due date must be
    a date; the owner is one of the dialogue's parties."""
    rows = sorted({int(found[1]) for key in values if (found := _ACTION.fullmatch(key)) is not None})
    actions: list[dict[str, Any]] = []
    mapping: dict[str, str] = {}
    for n in rows:
        def cell(part: str, n: int = n) -> str:
            return values.get(f"action_{n}_{part}", "").strip()
        description, due, owner, action_id = cell("description"), cell("due"), cell("owner"), cell("id")
        if not (description or due or action_id):
            continue
        check.required(f"action_{n}_description", description)
        item: dict[str, Any] = {"description": description,
                                "owner_id": check.choice(f"action_{n}_owner", owner or default_owner, parties)}
        if due:
            item["due_on"] = check.day(f"action_{n}_due", due)
        if action_id:
            try:
                item["action_id"] = str(uuid.UUID(action_id))
            except ValueError:
                check.errors.add(f"action_{n}_description", translate(check.lang, "form.choice"))
        i = len(actions)
        mapping |= {f"actions.{i}": f"action_{n}_description", f"actions.{i}.description": f"action_{n}_description",
                    f"actions.{i}.owner_id": f"action_{n}_owner", f"actions.{i}.due_on": f"action_{n}_due"}
        actions.append(item)
    return actions, mapping


def topic_choice(value: str, rhk_ids: set[str]) -> dict[str, str] | None:
    """A topic select's value (``rhk:<id>``, ``value:<code>``, ``aspect:<code>``) as the API's fields."""
    kind, _, code = value.partition(":")
    if kind == "rhk" and code in rhk_ids:
        return {"rhk_id": code}
    if kind == "value" and code in VALUES:
        return {"value": code}
    if kind == "aspect" and code in ASPECTS:
        return {"aspect": code}
    return None


def topic_text(lang: str, topic: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """What a feedback item or a clarification is about, as people read it."""
    if topic.get("rhk_id"):
        title = titles.get(str(topic["rhk_id"]))
        return translate(lang, "fb.about_rhk", title=title) if title else translate(lang, "fb.about_rhk_unknown")
    if topic.get("value"):
        value = LABELS["value"].get(str(topic["value"]), {})
        return translate(lang, "fb.about_value", value=value.get(lang) or value.get("id") or topic["value"])
    if topic.get("aspect"):
        aspect = LABELS["rating_aspect"].get(str(topic["aspect"]), {})
        return aspect.get(lang) or aspect.get("id") or str(topic["aspect"])
    return "—"


# -- what the pages need from the services ------------------------------------------------------------------
async def _plan_titles(api: Services, viewer: Viewer, plan_ids: list[str]) -> dict[str, str]:
    """RHK id -> title of the SKPs given (those the viewer may read)."""
    async def one(plan_id: str) -> list[dict[str, Any]]:
        try:
            plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
        except ApiError:
            return []
        rhks: list[dict[str, Any]] = plan.get("rhks") or []
        return rhks
    found = await asyncio.gather(*(one(p) for p in plan_ids))
    return {str(r["rhk_id"]): str(r["title"]) for rhks in found for r in rhks}


async def _my_titles(api: Services, viewer: Viewer) -> dict[str, str]:
    """RHK titles of the viewer's own SKPs (the three most recent years)."""
    try:
        plans = await api.call("planning", "GET", "/me/plans", viewer.token)
    except ApiError:
        return {}
    return await _plan_titles(api, viewer, [str(p["plan_id"]) for p in plans[:3]])


async def _team(api: Services, viewer: Viewer, year: int) -> list[dict[str, Any]]:
    """The evaluator's team (the roster) with each member's SKP of ``year``, if any."""
    if not viewer.has(Role.PEJABAT_PENILAI):
        return []
    team: list[dict[str, Any]] = await api.call("planning", "GET", "/team/plans", viewer.token,
                                                 params={"period_year": year})
    return team


async def _missing_dialogues(api: Services, viewer: Viewer, period: str) -> dict[str, Any]:
    """The team members short of dialogues in ``period`` (with the service's reason when it cannot say)."""
    try:
        found: dict[str, Any] = await api.call("feedback", "GET", "/team/dialogues/missing", viewer.token,
                                               params={"period": period})
    except ApiError as error:
        return {"missing": [], "error": error.detail}
    return found


async def _list(api: Services, viewer: Viewer, path: str, **params: Any) -> list[dict[str, Any]]:
    """A list from the feedback service; empty where the viewer is not on the roster (yet)."""
    try:
        found: list[dict[str, Any]] = await api.call("feedback", "GET", path, viewer.token, params=params or None)
    except ApiError:
        return []
    return found


def _year(request: Request) -> int:
    raw = request.query_params.get("tahun", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


def _labeller(request: Request) -> Callable[[str], str]:
    lang = language(request)
    return lambda name: field_label_of(lang, name)


def _versioned(form: Any) -> dict[str, Any]:
    version = text(form, "expected_version")
    return {"expected_version": int(version)} if version.isdigit() else {}


def _back(form: Any, default: str) -> str:
    """Where a form returns to: one of the portal's own paths only."""
    back = text(form, "back")
    return back if back.startswith("/") and not back.startswith("//") else default


# -- /umpan-balik ------------------------------------------------------------------------------------------
async def overview_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                        values: dict[str, str] | None = None, status: int = 200) -> Response:
    settings = await office_settings(api, viewer)
    zone = settings.get("time_zone")
    now = datetime.now().astimezone()
    context: dict[str, Any] = {"zone": zone, "field_label": _labeller(request), "back": "/umpan-balik",
                               "show_day": show_day}
    if viewer.has(Role.PEGAWAI):
        received, dialogues, actions, titles = await asyncio.gather(
            _list(api, viewer, f"/employees/{viewer.nip}/feedback"),
            _list(api, viewer, f"/employees/{viewer.nip}/dialogues"),
            _list(api, viewer, "/me/actions"), _my_titles(api, viewer))
        upcoming = sorted((d for d in dialogues if datetime.fromisoformat(d["scheduled_at"]) >= now),
                          key=lambda d: str(d["scheduled_at"]))
        lang = language(request)
        context |= {"received": received, "about": lambda item: topic_text(lang, item, titles), "actions": actions,
                    "upcoming": upcoming,
                    "past": [d for d in dialogues if d not in upcoming]}
        try:
            peers = await api.call("feedback", "GET", f"/offices/{viewer.office}/feedback-settings", viewer.token)
            context["peer_allowed"] = bool(peers.get("peer_feedback_allowed"))
        except ApiError:
            context["peer_allowed"] = False
    if viewer.has(Role.PEJABAT_PENILAI):
        period = request.query_params.get("periode") or current_period(now, zone, settings.get("periodic_cadence"))
        team, missing, mine, given = await asyncio.gather(  # one round of calls, none per team member
            _team(api, viewer, _year(request)), _missing_dialogues(api, viewer, period),
            _list(api, viewer, "/team/dialogues", period=period), _list(api, viewer, "/me/feedback/given"))
        context |= {"period": period, "team": team, "missing": missing, "team_dialogues": mine,
                    "lacking": {m["employee_id"]: m for m in missing["missing"]}, "given": given,
                    "year": _year(request)}
    return render(request, "feedback_overview.html", context, errors=errors, values=values, status=status)


@router.get("/umpan-balik")
async def overview(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await overview_page(request, viewer, api)


# -- giving feedback -----------------------------------------------------------------------------------------
async def _recipient(api: Services, viewer: Viewer, nip: str, year: int) -> tuple[str, list[tuple[str, str]], bool]:
    """The recipient's name, the RHKs of their ``year`` SKP the viewer may see, and whether those are known."""
    team = await _team(api, viewer, year)
    member = next((m for m in team if m["employee_id"] == nip), None)
    if member is None:
        return nip, [], False
    if not member.get("plan_id"):
        return str(member.get("name") or nip), [], True
    titles = await _plan_titles(api, viewer, [str(member["plan_id"])])
    return str(member.get("name") or nip), sorted(titles.items(), key=lambda kv: kv[1]), True


async def new_feedback_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                            values: dict[str, str] | None = None, status: int = 200) -> Response:
    values = values or {}
    nip = values.get("untuk") or request.query_params.get("untuk", "").strip()
    year = int(values["tahun"]) if values.get("tahun", "").isdigit() else _year(request)
    context: dict[str, Any] = {"nip": nip, "year": year, "field_label": _labeller(request),
                               "current_path": "/umpan-balik", "kinds": list(LABELS["feedback_kind"])}
    if not nip:
        context["members"] = [(m["employee_id"], m.get("name") or m["employee_id"])
                              for m in await _team(api, viewer, year)]
    else:
        context["name"], context["rhks"], context["rhks_known"] = await _recipient(api, viewer, nip, year)
    return render(request, "feedback_form.html", context, errors=errors, values={"untuk": nip, **values},
                  status=status)


@router.get("/umpan-balik/baru")
async def new_feedback(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await new_feedback_page(request, viewer, api)


@router.post("/umpan-balik/baru")
async def give_feedback(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    nip = check.required("untuk", text(form, "untuk"))
    if nip and not NIP.fullmatch(nip):
        check.errors.add("untuk", translate(check.lang, "fb.nip_invalid"))
    year = int(text(form, "tahun")) if text(form, "tahun").isdigit() else date.today().year
    _, rhks, _ = await _recipient(api, viewer, nip, year) if nip else ("", [], False)
    kind = check.choice("fb_kind", text(form, "fb_kind"), KINDS)
    about = check.required("fb_about", text(form, "fb_about"))
    topic = topic_choice(about, {r for r, _ in rhks}) if about else None
    if about and (topic is None or "aspect" in topic):
        check.errors.add("fb_about", translate(check.lang, "form.choice"))
    body_text = check.required("fb_text", text(form, "fb_text"))
    if check.errors:
        return await new_feedback_page(request, viewer, api, errors=check.errors, values=values_of(form), status=422)
    body: dict[str, Any] = {"employee_id": nip, "kind": kind, "text": body_text, **(topic or {})}
    if text(form, "fb_evidence"):
        body["evidence"] = [{"uri": text(form, "fb_evidence")}]
    try:
        created = await api.call("feedback", "POST", "/feedback", viewer.token, json=body)
    except ApiError as error:
        mapping = {"employee_id": "untuk", "kind": "fb_kind", "rhk_id": "fb_about", "iki_id": "fb_about",
                   "value": "fb_about", "text": "fb_text", "evidence": "fb_evidence"}
        return await new_feedback_page(request, viewer, api, errors=FormErrors.from_api(error, mapping),
                                       values=values_of(form), status=error.status)
    flash(request, "fb.sent")
    return RedirectResponse(f"/umpan-balik/{created['id']}?tahun={year}", status_code=303)


# -- one feedback item -----------------------------------------------------------------------------------------
async def feedback_page(request: Request, viewer: Viewer, api: Services, feedback_id: uuid.UUID, *,
                        errors: FormErrors | None = None, values: dict[str, str] | None = None,
                        status: int = 200) -> Response:
    item = await api.call("feedback", "GET", f"/feedback/{feedback_id}", viewer.token)
    settings = await office_settings(api, viewer)
    if viewer.nip == item["employee_id"]:
        titles = await _my_titles(api, viewer)
    else:
        # the SKP of the year it was given in, or of the year the form showed (``?tahun=``)
        years = {int(str(item["given_on"])[:4]), _year(request)}
        teams = await asyncio.gather(*(_team(api, viewer, y) for y in sorted(years)))
        plans = [str(m["plan_id"]) for team in teams for m in team
                 if m["employee_id"] == item["employee_id"] and m.get("plan_id")]
        titles = await _plan_titles(api, viewer, plans)
    lang = language(request)
    return render(request, "feedback_detail.html", {
        "item": item, "about": lambda found: topic_text(lang, found, titles), "zone": settings.get("time_zone"),
        "field_label": _labeller(request),
        "back": f"/umpan-balik/{feedback_id}", "current_path": "/umpan-balik",
    }, errors=errors, values=values, status=status)


@router.get("/umpan-balik/{feedback_id}")
async def one_feedback(request: Request, feedback_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await feedback_page(request, viewer, api, feedback_id)


@router.post("/umpan-balik/{feedback_id}/tanggapan")
async def respond_to_feedback(request: Request, feedback_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                              form: Form) -> Response:
    name = f"response_{feedback_id}"
    check = Checker(language(request))
    response = check.required(name, text(form, name))
    back = _back(form, f"/umpan-balik/{feedback_id}")
    errors: FormErrors | None = check.errors or None
    status = 422
    if errors is None:
        try:
            await api.call("feedback", "POST", f"/feedback/{feedback_id}/response", viewer.token,
                           json={"response": response})
        except ApiError as error:
            errors, status = FormErrors.from_api(error, {"response": name, "feedback_id": name}), error.status
    if errors is not None:
        if back == "/umpan-balik":
            return await overview_page(request, viewer, api, errors=errors, values=values_of(form), status=status)
        return await feedback_page(request, viewer, api, feedback_id, errors=errors, values=values_of(form),
                                   status=status)
    flash(request, "fb.responded")
    return RedirectResponse(f"{back}#fb-{feedback_id}", status_code=303)


# -- dialogues ----------------------------------------------------------------------------------------------
async def new_dialogue_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                            values: dict[str, str] | None = None, status: int = 200) -> Response:
    settings = await office_settings(api, viewer)
    team = await _team(api, viewer, _year(request))
    values = {"dengan": request.query_params.get("dengan", ""), **(values or {})}
    return render(request, "dialogue_form.html", {
        "members": [(m["employee_id"], m.get("name") or m["employee_id"]) for m in team],
        "zone": settings.get("time_zone") or "WIB", "field_label": _labeller(request),
        "current_path": "/umpan-balik",
    }, errors=errors, values=values, status=status)


@router.get("/dialog/baru")
async def new_dialogue(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await new_dialogue_page(request, viewer, api)


@router.post("/dialog/baru")
async def schedule_dialogue(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    settings = await office_settings(api, viewer)
    check = Checker(language(request))
    employee = check.required("dengan", text(form, "dengan"))
    when = local_instant(check.day("dlg_date", text(form, "dlg_date")),
                         clock_time(check, "dlg_time", text(form, "dlg_time")), settings.get("time_zone"))
    if check.errors:
        return await new_dialogue_page(request, viewer, api, errors=check.errors, values=values_of(form), status=422)
    body: dict[str, Any] = {"employee_id": employee, "scheduled_at": when}
    if text(form, "dlg_agenda"):
        body["agenda"] = text(form, "dlg_agenda")
    try:
        created = await api.call("feedback", "POST", "/dialogues", viewer.token, json=body)
    except ApiError as error:
        mapping = {"employee_id": "dengan", "scheduled_at": "dlg_date", "period": "dlg_date", "agenda": "dlg_agenda"}
        return await new_dialogue_page(request, viewer, api, errors=FormErrors.from_api(error, mapping),
                                       values=values_of(form), status=error.status)
    flash(request, "dlg.scheduled")
    return RedirectResponse(f"/dialog/{created['id']}", status_code=303)


async def dialogue_page(request: Request, viewer: Viewer, api: Services, dialogue_id: uuid.UUID, *,
                        errors: FormErrors | None = None, values: dict[str, str] | None = None,
                        status: int = 200) -> Response:
    view = await api.call("feedback", "GET", f"/dialogues/{dialogue_id}", viewer.token)
    settings = await office_settings(api, viewer)
    zone = settings.get("time_zone")
    day, at = local_parts(str(view["scheduled_at"]), zone)
    recorded = {"dlg_date": day, "dlg_time": at, "dlg_notes": view.get("notes") or "",
                "dlg_response": view.get("response") or ""}
    for n, a in enumerate(view["actions"]):
        recorded |= {f"action_{n}_description": a["description"], f"action_{n}_owner": a["owner_id"],
                     f"action_{n}_due": a.get("due_on") or "", f"action_{n}_id": str(a["action_id"])}
    typed = values or {}
    if any(_ACTION.fullmatch(k) for k in typed):  # the rows just sent replace the recorded ones
        recorded = {k: v for k, v in recorded.items() if not _ACTION.fullmatch(k)}
    shown = recorded | typed
    is_evaluator, is_employee = viewer.nip == view["evaluator_id"], viewer.nip == view["employee_id"]
    locked = bool(view.get("employee_ack_at") or view.get("evaluator_ack_at"))
    held = view.get("notes") is not None
    mine = view.get("employee_ack_at") if is_employee else view.get("evaluator_ack_at") if is_evaluator else True
    return render(request, "dialogue_detail.html", {
        "view": view, "zone": zone, "is_evaluator": is_evaluator, "is_employee": is_employee,
        "can_reschedule": is_evaluator and not held, "can_record": is_evaluator and not locked,
        "can_respond": is_employee and held and not locked, "can_acknowledge": held and not mine,
        "rows": action_rows(shown, len(view["actions"])), "field_label": _labeller(request), "show_day": show_day,
        "owners": [(view["employee_id"], view.get("employee_name") or view["employee_id"]),
                   (view["evaluator_id"], view.get("evaluator_name") or view["evaluator_id"])],
        "names": {view["employee_id"]: view.get("employee_name") or view["employee_id"],
                  view["evaluator_id"]: view.get("evaluator_name") or view["evaluator_id"]},
        "back": f"/dialog/{dialogue_id}", "current_path": "/umpan-balik",
    }, errors=errors, values=shown, status=status)


@router.get("/dialog/{dialogue_id}")
async def dialogue(request: Request, dialogue_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await dialogue_page(request, viewer, api, dialogue_id)


async def _dialogue_change(request: Request, viewer: Viewer, api: Services, dialogue_id: uuid.UUID, form: Any,
                           path: str, body: dict[str, Any] | None, mapping: dict[str, str], done: str,
                           check: Checker | None = None) -> Response:
    """Send one change of a dialogue; on a refusal the page again with the messages beside the fields."""
    if check is not None and check.errors:
        return await dialogue_page(request, viewer, api, dialogue_id, errors=check.errors, values=values_of(form),
                                   status=422)
    try:
        await api.call("feedback", "POST", f"/dialogues/{dialogue_id}{path}", viewer.token, json=body)
    except ApiError as error:
        return await dialogue_page(request, viewer, api, dialogue_id, errors=FormErrors.from_api(error, mapping),
                                   values=values_of(form), status=error.status)
    flash(request, done)
    return RedirectResponse(_back(form, f"/dialog/{dialogue_id}"), status_code=303)


@router.post("/dialog/{dialogue_id}/jadwal-ulang")
async def reschedule(request: Request, dialogue_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                     form: Form) -> Response:
    settings = await office_settings(api, viewer)
    check = Checker(language(request))
    when = local_instant(check.day("dlg_date", text(form, "dlg_date")),
                         clock_time(check, "dlg_time", text(form, "dlg_time")), settings.get("time_zone"))
    reason = check.required("dlg_reason", text(form, "dlg_reason"))
    return await _dialogue_change(request, viewer, api, dialogue_id, form, "/reschedule",
                                  {"scheduled_at": when, "reason": reason, **_versioned(form)},
                                  {"scheduled_at": "dlg_date", "reason": "dlg_reason"}, "dlg.rescheduled", check)


@router.post("/dialog/{dialogue_id}/catatan")
async def record_notes(request: Request, dialogue_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                       form: Form) -> Response:
    """The notes and all agreed actions in one form: saved together or not at all."""
    view = await api.call("feedback", "GET", f"/dialogues/{dialogue_id}", viewer.token)
    check = Checker(language(request))
    notes = check.required("dlg_notes", text(form, "dlg_notes"))
    actions, mapping = parse_actions(values_of(form), {view["employee_id"], view["evaluator_id"]},
                                     view["employee_id"], check)
    return await _dialogue_change(request, viewer, api, dialogue_id, form, "/notes",
                                  {"notes": notes, "actions": actions, **_versioned(form)},
                                  {"notes": "dlg_notes", **mapping}, "dlg.notes_saved", check)


@router.post("/dialog/{dialogue_id}/tanggapan")
async def respond_to_dialogue(request: Request, dialogue_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                              form: Form) -> Response:
    check = Checker(language(request))
    response = check.required("dlg_response", text(form, "dlg_response"))
    return await _dialogue_change(request, viewer, api, dialogue_id, form, "/response",
                                  {"response": response, **_versioned(form)}, {"response": "dlg_response"},
                                  "dlg.responded", check)


@router.post("/dialog/{dialogue_id}/konfirmasi")
async def acknowledge(request: Request, dialogue_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                      form: Form) -> Response:
    return await _dialogue_change(request, viewer, api, dialogue_id, form, "/acknowledge", _versioned(form), {},
                                  "dlg.acknowledged")


@router.post("/dialog/{dialogue_id}/tindak-lanjut/{action_id}/selesai")
async def complete_action(request: Request, dialogue_id: uuid.UUID, action_id: uuid.UUID, viewer: CurrentViewer,
                          api: Api, form: Form) -> Response:
    if _back(form, "") == "/umpan-balik":
        try:
            await api.call("feedback", "POST", f"/dialogues/{dialogue_id}/actions/{action_id}/complete", viewer.token)
        except ApiError as error:
            return await overview_page(request, viewer, api, errors=FormErrors.from_api(error, {}),
                                       status=error.status)
        flash(request, "fb.completed")
        return RedirectResponse("/umpan-balik#tindak-lanjut", status_code=303)
    return await _dialogue_change(request, viewer, api, dialogue_id, form, f"/actions/{action_id}/complete", None,
                                  {}, "fb.completed")


# -- clarification threads ------------------------------------------------------------------------------------
def _topics(lang: str, appraisal: Mapping[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rating points one may ask about, grouped for the select."""
    def label_of(group: str, code: str) -> str:
        entry = LABELS[group][code]
        return entry.get(lang) or entry["id"]
    return [
        (translate(lang, "clar.group_overall"), [(f"aspect:{a}", label_of("rating_aspect", a)) for a in ASPECTS]),
        (translate(lang, "fb.group_rhk"), [(f"rhk:{r['rhk_id']}", str(r["title"])) for r in appraisal["rhks"]]),
        (translate(lang, "fb.group_value"), [(f"value:{v}", label_of("value", v)) for v in VALUES]),
    ]


async def clarifications_page(request: Request, viewer: Viewer, api: Services, appraisal_id: uuid.UUID, *,
                              errors: FormErrors | None = None, values: dict[str, str] | None = None,
                              status: int = 200) -> Response:
    appraisal = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    try:
        threads = await api.call("feedback", "GET", f"/appraisals/{appraisal_id}/clarifications", viewer.token)
        known = True
    except ApiError:
        threads, known = [], False
    lang = language(request)
    zone = (await office_settings(api, viewer)).get("time_zone")
    titles = {str(r["rhk_id"]): str(r["title"]) for r in appraisal["rhks"]}
    is_employee = viewer.nip == appraisal["employee_id"]
    return render(request, "clarification_list.html", {
        "appraisal": appraisal, "threads": threads, "known": known, "is_employee": is_employee,
        "can_ask": is_employee and appraisal["status"] == "open" and known, "topics": _topics(lang, appraisal),
        "topic_text": lambda topic: topic_text(lang, topic, titles), "field_label": _labeller(request),
        "current_path": "/penilaian" if is_employee else "/tim", "zone": zone,
    }, errors=errors, values=values, status=status)


@router.get("/penilaian/{appraisal_id}/klarifikasi")
async def clarifications(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await clarifications_page(request, viewer, api, appraisal_id)


@router.post("/penilaian/{appraisal_id}/klarifikasi")
async def ask_clarification(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                            form: Form) -> Response:
    appraisal = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    check = Checker(language(request))
    chosen = check.required("clar_topic", text(form, "clar_topic"))
    topic = topic_choice(chosen, {str(r["rhk_id"]) for r in appraisal["rhks"]}) if chosen else None
    if chosen and topic is None:
        check.errors.add("clar_topic", translate(check.lang, "form.choice"))
    question = check.required("clar_question", text(form, "clar_question"))
    if check.errors:
        return await clarifications_page(request, viewer, api, appraisal_id, errors=check.errors,
                                         values=values_of(form), status=422)
    try:
        created = await api.call("feedback", "POST", "/clarifications", viewer.token,
                                 json={"appraisal_id": str(appraisal_id), "topic": topic, "question": question})
    except ApiError as error:
        return await clarifications_page(request, viewer, api, appraisal_id, values=values_of(form),
                                         status=error.status, errors=FormErrors.from_api(
                                             error, {"topic": "clar_topic", "question": "clar_question"}))
    flash(request, "clar.asked")
    return RedirectResponse(f"/klarifikasi/{created['id']}", status_code=303)


async def thread_page(request: Request, viewer: Viewer, api: Services, clarification_id: uuid.UUID, *,
                      errors: FormErrors | None = None, values: dict[str, str] | None = None,
                      status: int = 200) -> Response:
    thread = await api.call("feedback", "GET", f"/clarifications/{clarification_id}", viewer.token)
    try:
        appraisal = await api.call("evaluation", "GET", f"/appraisals/{thread['appraisal_id']}", viewer.token)
    except ApiError:
        appraisal = {"rhks": [], "status": None}
    settings = await office_settings(api, viewer)
    lang = language(request)
    titles = {str(r["rhk_id"]): str(r["title"]) for r in appraisal["rhks"]}
    closed = bool(thread.get("closed")) or appraisal.get("status") not in (None, "open")
    party = viewer.nip in (thread["employee_id"], thread["evaluator_id"])
    names = {thread["employee_id"]: thread.get("employee_name") or thread["employee_id"],
             thread["evaluator_id"]: thread.get("evaluator_name") or thread["evaluator_id"]}
    return render(request, "clarification_thread.html", {
        "thread": thread, "topic": topic_text(lang, thread["topic"], titles), "closed": closed,
        "can_reply": party and not closed, "names": names, "zone": settings.get("time_zone"),
        "field_label": _labeller(request),
        "current_path": "/penilaian" if viewer.nip == thread["employee_id"] else "/tim",
    }, errors=errors, values=values, status=status)


@router.get("/klarifikasi/{clarification_id}")
async def clarification(request: Request, clarification_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await thread_page(request, viewer, api, clarification_id)


@router.post("/klarifikasi/{clarification_id}/balas")
async def reply(request: Request, clarification_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                form: Form) -> Response:
    check = Checker(language(request))
    message = check.required("clar_text", text(form, "clar_text"))
    if check.errors:
        return await thread_page(request, viewer, api, clarification_id, errors=check.errors, values=values_of(form),
                                 status=422)
    try:
        await api.call("feedback", "POST", f"/clarifications/{clarification_id}/messages", viewer.token,
                       json={"text": message})
    except ApiError as error:
        return await thread_page(request, viewer, api, clarification_id, values=values_of(form), status=error.status,
                                 errors=FormErrors.from_api(error, {"text": "clar_text"}))
    flash(request, "clar.replied")
    return RedirectResponse(f"/klarifikasi/{clarification_id}#balas", status_code=303)
