"""Career pages: the employee's own career (/karier) with their individual development plans (IDP), an
employee's career for their evaluator and HR (/karier/{nip}); HR's talent 9-box and who is eligible for
regular promotion, and why."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any, Final

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, field_label, translate
from kinerja_portal.web import (
    Api,
    CurrentViewer,
    Form,
    Viewer,
    flash,
    language,
    render,
    requires,
    text,
    values_of,
)

router = APIRouter()

# The 9-box as people read it: potential from high (top row) to low, performance from below to above
# expectation (left to right); the numbers are the career service's boxes (7-9 the succession pool).
POTENTIAL_ROWS: Final = ("tinggi", "menengah", "rendah")
PERFORMANCE_COLUMNS: Final = ("di_bawah_ekspektasi", "sesuai_ekspektasi", "di_atas_ekspektasi")
BOX_LAYOUT: Final = ((6, 8, 9), (3, 5, 7), (1, 2, 4))


def nine_box(grid: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[tuple[int, list[dict[str, Any]]]]]]:
    """The service's ``grid`` (box number -> people) as table rows: (potential, [(box, people) per column])."""
    return [(potential, [(box, grid.get(str(box)) or []) for box in boxes])
            for potential, boxes in zip(POTENTIAL_ROWS, BOX_LAYOUT, strict=True)]


@router.get("/talenta", dependencies=[requires(Role.PENGELOLA_KEPEGAWAIAN)])
async def talent(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    found = await api.call("career", "GET", f"/offices/{viewer.office}/talent", viewer.token)
    return render(request, "talent.html", {"office": viewer.office, "found": found,
                                           "rows": nine_box(found.get("grid") or {}),
                                           "columns": PERFORMANCE_COLUMNS})


@router.get("/kenaikan-pangkat", dependencies=[requires(Role.PENGELOLA_KEPEGAWAIAN)])
async def promotions(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    typed = request.query_params.get("per", "").strip()
    check = Checker(language(request))
    as_of = check.day("per", typed) if typed else None
    values = {"per": typed}
    if check.errors:
        return render(request, "promotions.html", {"office": viewer.office, "found": None}, errors=check.errors,
                      values=values, status=422)
    try:
        found = await api.call("career", "GET", f"/offices/{viewer.office}/promotions", viewer.token,
                               params={"as_of": as_of} if as_of else None)
    except ApiError as error:
        errors = FormErrors.from_api(error, {"as_of": "per", "query.as_of": "per"})
        return render(request, "promotions.html", {"office": viewer.office, "found": None}, errors=errors,
                      values=values, status=error.status)
    return render(request, "promotions.html", {"office": viewer.office, "found": found}, values=values)



# -- the career page --------------------------------------------------------------------------------------
def period_label(lang: str, key: str) -> str:
    """A period key as people read it: ``2031`` Tahunan 2031, ``2031-Q2`` Triwulan 2 2031, ``2031-M03`` Bulan 3."""
    found = re.fullmatch(r"(\d{4})(?:-Q([1-4])|-M(\d{2}))?", key)
    if found is None:
        return key
    year, quarter, month = found.groups()
    if quarter:
        return translate(lang, "car.period_quarter", n=int(quarter), year=year)
    if month:
        return translate(lang, "car.period_month", n=int(month), year=year)
    return translate(lang, "car.period_annual", year=year)


def day_input(value: str | None) -> str:
    """The type of a date field showing ``value``: ``date`` (the phone's date picker) for nothing or a date,
    ``text`` for anything else typed, so a refused value stays visible (a date input would blank it)."""
    if not value:
        return "date"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "text"
    return "date" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else "text"


def can_write_plans(viewer: Viewer, employee: dict[str, Any]) -> bool:
    """Who may write an employee's IDP (as the career service decides): the employee, their evaluator, or HR
    of the employee's office."""
    if viewer.nip in (employee.get("employee_id"), employee.get("evaluator_id")):
        return True
    return viewer.has(Role.PENGELOLA_KEPEGAWAIAN) and employee.get("office_id") in viewer.principal.offices


def career_field_label(lang: str, name: str, activity_titles: dict[str, str]) -> str:
    """The label of a field of the career pages for the error summary: IDP activity rows (``act_2_hours``,
    "Kegiatan 3: Jam direncanakan") and progress reports (``p_<activity id>_percent``, named by the activity)."""
    row = re.fullmatch(r"act_(\d+)_(title|type|hours|due|catalog)", name)
    if row is not None:
        return translate(lang, "car.act_field", n=int(row[1]) + 1, field=translate(lang, ACTIVITY_FIELDS[row[2]]))
    report = re.fullmatch(r"p_([0-9a-f-]{36})_(hours|percent|note)", name)
    if report is not None and report[1] in activity_titles:
        return translate(lang, "car.progress_field", title=activity_titles[report[1]],
                         field=translate(lang, PROGRESS_FIELDS[report[2]]))
    return field_label(lang, name)


ACTIVITY_FIELDS: Final = {"title": "car.act_title", "type": "car.act_type", "hours": "car.act_hours",
                          "due": "car.act_due", "catalog": "car.act_catalog"}
PROGRESS_FIELDS: Final = {"hours": "car.hours_done", "percent": "car.percent", "note": "car.note"}


async def _career_view(api: Services, viewer: Viewer, nip: str | None, as_of: str | None) -> dict[str, Any]:
    params = {"as_of": as_of} if as_of else None
    if nip is None or nip == viewer.nip:
        found: dict[str, Any] = await api.call("career", "GET", "/me/career", viewer.token, params=params)
    else:
        found = await api.call("career", "GET", f"/employees/{nip}/career", viewer.token, params=params)
    return found


async def career_page(request: Request, viewer: Viewer, api: Services, nip: str | None, *,
                      errors: FormErrors | None = None, values: dict[str, str] | None = None,
                      status: int = 200) -> Response:
    """The employee's career: history, credit points, promotion (as of ``?per=``), box, recommendations,
    improvement plan, contract review and IDPs (with a progress form per activity for those who may write)."""
    lang = language(request)
    typed = request.query_params.get("per", "").strip()
    check = Checker(lang)
    as_of = check.day("per", typed) if typed else None
    try:
        found = await _career_view(api, viewer, nip, as_of)
    except ApiError as error:
        if error.status != 422:
            raise
        check.errors = FormErrors.from_api(error, {"as_of": "per", "query.as_of": "per"})
        found = await _career_view(api, viewer, nip, None)
    own = nip is None or nip == viewer.nip
    employee = found.get("employee") or {"employee_id": found.get("employee_id"), "evaluator_id": None,
                                         "office_id": viewer.office}
    titles = {str(a["activity_id"]): str(a["title"]) for plan in found.get("development_plans") or []
              for a in plan.get("activities") or []}
    all_errors = errors or check.errors
    name = employee.get("name") or (viewer.principal.name if own else None) or employee.get("employee_id")
    return render(request, "career_page.html", {
        "found": found, "employee": employee, "own": own, "name": name,
        "can_write": found.get("known") and can_write_plans(viewer, employee),
        "base": "/karier" if own else f"/karier/{found.get('employee_id')}",
        "period_label": lambda key: period_label(lang, key),
        "field_label": lambda field: career_field_label(lang, field, titles),
        "query_errors": check.errors, "day_input": day_input,
    }, errors=all_errors, values={"per": typed} | (values or {}), status=status if not check.errors else 422)


@router.get("/karier", dependencies=[requires(Role.PEGAWAI)])
async def my_career(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await career_page(request, viewer, api, None)


@router.get("/karier/rencana/baru", dependencies=[requires(Role.PEGAWAI)])
async def new_plan(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """The form for a new IDP: for oneself, or (``?untuk=<NIP>``) for an employee one evaluates or administers;
    ``?jenis=perbaikan`` starts an improvement plan."""
    kind = request.query_params.get("jenis", "pengembangan")
    values = {"idp_year": str(date.today().year), "idp_kind": kind if kind in LABELS["idp_kind"] else "pengembangan",
              "employee_id": request.query_params.get("untuk", viewer.nip)}
    return await _plan_form(request, viewer, api, None, values=values)


@router.post("/karier/rencana", dependencies=[requires(Role.PEGAWAI)])
async def create_plan(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    catalog = await _catalog_for(api, viewer)
    goals, activities, mapping = plan_body(form, check, catalog)
    year = check.integer("idp_year", text(form, "idp_year"))
    if year is not None and not 2000 <= year <= 2100:
        check.errors.add("idp_year", translate(check.lang, "car.year_range"))
    kind = check.choice("idp_kind", text(form, "idp_kind"), set(LABELS["idp_kind"]))
    employee_id = text(form, "employee_id") or viewer.nip
    typed = values_of(form)
    if "tambah" in form or check.errors:  # another activity row, or something to fix: the form again
        return await _plan_form(request, viewer, api, None, values=typed, status=200 if "tambah" in form else 422,
                                errors=None if "tambah" in form else check.errors, extra_row="tambah" in form)
    body = {"employee_id": employee_id, "year": year, "kind": kind, "goals": goals, "activities": activities}
    try:
        plan = await api.call("career", "POST", "/development-plans", viewer.token, json=body)
    except ApiError as error:
        mapping |= {"year": "idp_year", "kind": "idp_kind", "goals": "idp_goals", "activities": "idp_activities"}
        return await _plan_form(request, viewer, api, None, values=typed, status=error.status,
                                errors=FormErrors.from_api(error, mapping))
    flash(request, "car.idp_created", year=year)
    return RedirectResponse(_career_path(viewer, employee_id) + f"#idp-{plan['idp_id']}", status_code=303)


@router.get("/karier/rencana/{idp_id}", dependencies=[requires(Role.PEGAWAI)])
async def edit_plan(request: Request, idp_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    plan = await api.call("career", "GET", f"/development-plans/{idp_id}", viewer.token)
    return await _plan_form(request, viewer, api, plan, values=plan_values(plan))


@router.post("/karier/rencana/{idp_id}", dependencies=[requires(Role.PEGAWAI)])
async def revise_plan(request: Request, idp_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    plan = await api.call("career", "GET", f"/development-plans/{idp_id}", viewer.token)
    check = Checker(language(request))
    catalog = await _catalog_for(api, viewer)
    goals, activities, mapping = plan_body(form, check, catalog)
    reason = check.required("idp_reason", text(form, "idp_reason"))
    typed = values_of(form)
    if "tambah" in form or check.errors:
        return await _plan_form(request, viewer, api, plan, values=typed, status=200 if "tambah" in form else 422,
                                errors=None if "tambah" in form else check.errors, extra_row="tambah" in form)
    body: dict[str, Any] = {"goals": goals, "activities": activities, "reason": reason}
    if text(form, "expected_version").isdigit():
        body["expected_version"] = int(text(form, "expected_version"))
    try:
        await api.call("career", "PUT", f"/development-plans/{idp_id}", viewer.token, json=body)
    except ApiError as error:
        mapping |= {"goals": "idp_goals", "activities": "idp_activities", "reason": "idp_reason"}
        return await _plan_form(request, viewer, api, plan, values=typed, status=error.status,
                                errors=FormErrors.from_api(error, mapping))
    flash(request, "car.idp_revised", year=plan["year"])
    return RedirectResponse(_career_path(viewer, plan["employee_id"]) + f"#idp-{idp_id}", status_code=303)


@router.post("/karier/rencana/{idp_id}/kegiatan/{activity_id}", dependencies=[requires(Role.PEGAWAI)])
async def report_progress(request: Request, idp_id: uuid.UUID, activity_id: uuid.UUID, viewer: CurrentViewer,
                          api: Api, form: Form) -> Response:
    plan = await api.call("career", "GET", f"/development-plans/{idp_id}", viewer.token)
    nip = None if plan["employee_id"] == viewer.nip else str(plan["employee_id"])
    check = Checker(language(request))
    body, mapping = progress_body(form, str(activity_id), check)
    if check.errors:
        return await career_page(request, viewer, api, nip, errors=check.errors, values=values_of(form), status=422)
    try:
        await api.call("career", "POST", f"/development-plans/{idp_id}/activities/{activity_id}/progress",
                       viewer.token, json=body)
    except ApiError as error:
        return await career_page(request, viewer, api, nip, values=values_of(form), status=error.status,
                                 errors=FormErrors.from_api(error, mapping))
    flash(request, "car.progress_saved")
    return RedirectResponse(_career_path(viewer, plan["employee_id"]) + f"#act-{activity_id}", status_code=303)


@router.get("/karier/{nip}")
async def employee_career(request: Request, nip: str, viewer: CurrentViewer, api: Api) -> Response:
    """An employee's career page for their evaluator, HR, auditors and superiors of the office."""
    if nip == viewer.nip:
        return RedirectResponse("/karier", status_code=303)
    return await career_page(request, viewer, api, nip)


def _career_path(viewer: Viewer, employee_id: str) -> str:
    return "/karier" if employee_id == viewer.nip else f"/karier/{employee_id}"


# -- IDP forms --------------------------------------------------------------------------------------------
EMPTY_ACTIVITY_ROWS: Final = 2
MAX_ACTIVITY_ROWS: Final = 50


def activity_rows(values: dict[str, str]) -> list[int]:
    """The activity rows the form shows: those sent (``act_<n>_...``) or given, at least ``EMPTY_ACTIVITY_ROWS``."""
    sent = [int(m[1]) for key in values if (m := re.fullmatch(r"act_(\d+)_\w+", key)) is not None]
    return list(range(min(max(max(sent, default=-1) + 1, EMPTY_ACTIVITY_ROWS), MAX_ACTIVITY_ROWS)))


def plan_body(form: FormData | dict[str, str], check: Checker, catalog: dict[str, dict[str, Any]]
              ) -> tuple[list[str], list[dict[str, Any]], dict[str, str]]:
    """Goals (one per line of ``idp_goals``) and activities (the filled-in ``act_<n>_...`` rows; a catalog
    training fills an empty title and hours) as the API wants them, and the API's field paths mapped back
    onto the rows (``activities.0.title`` -> ``act_2_title`` when rows 0 and 1 were left empty)."""
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    goals = [line.strip() for line in values.get("idp_goals", "").splitlines() if line.strip()]
    if not goals:
        check.errors.add("idp_goals", translate(check.lang, "car.goals_required"))
    activities: list[dict[str, Any]] = []
    mapping: dict[str, str] = {}
    for n in activity_rows(values):
        def get(field: str, n: int = n) -> str:
            return values.get(f"act_{n}_{field}", "")

        if not any(get(f) for f in ("title", "hours", "due", "catalog")):
            continue  # an empty row
        code = get("catalog")
        entry = catalog.get(code) if code else None
        if code and entry is None:
            check.errors.add(f"act_{n}_catalog", translate(check.lang, "form.choice"))
        title = get("title") or (str(entry["title"]) if entry else "")
        hours_text = get("hours") or (str(entry["hours"]) if entry else "")
        activity: dict[str, Any] = {
            "title": check.required(f"act_{n}_title", title),
            "type": check.choice(f"act_{n}_type", get("type"), set(LABELS["activity_type"])),
        }
        hours = check.integer(f"act_{n}_hours", hours_text)
        if hours is not None and not 1 <= hours <= 2000:
            check.errors.add(f"act_{n}_hours", translate(check.lang, "car.hours_range"))
        activity["hours_planned"] = hours
        if get("due"):
            activity["due_on"] = check.day(f"act_{n}_due", get("due"))
        if code:
            activity["catalog_code"] = code
        if get("id"):
            activity["activity_id"] = get("id")
        index = len(activities)
        mapping |= {f"activities.{index}.title": f"act_{n}_title", f"activities.{index}.type": f"act_{n}_type",
                    f"activities.{index}.hours_planned": f"act_{n}_hours", f"activities.{index}.due_on": f"act_{n}_due",
                    f"activities.{index}.catalog_code": f"act_{n}_catalog"}
        activities.append(activity)
    if not activities and "act_0_title" not in check.errors.fields:
        check.errors.add("idp_activities", translate(check.lang, "car.activities_required"))
    return goals, activities, mapping


def plan_values(plan: dict[str, Any]) -> dict[str, str]:
    """An IDP as the form's values (its activities as rows, one empty row after them)."""
    values = {"idp_year": str(plan["year"]), "idp_kind": str(plan["kind"]), "idp_goals": "\n".join(plan["goals"]),
              "employee_id": str(plan["employee_id"]), "expected_version": str(plan["version"])}
    for n, a in enumerate(plan["activities"]):
        values |= {f"act_{n}_id": str(a["activity_id"]), f"act_{n}_title": str(a["title"]),
                   f"act_{n}_type": str(a["type"]), f"act_{n}_hours": str(a["hours_planned"]),
                   f"act_{n}_due": str(a.get("due_on") or ""), f"act_{n}_catalog": str(a.get("catalog_code") or "")}
    values[f"act_{len(plan['activities'])}_title"] = ""
    return values


def progress_body(form: FormData | dict[str, str], activity_id: str, check: Checker
                  ) -> tuple[dict[str, Any], dict[str, str]]:
    """A progress report on one activity (``p_<activity id>_hours/percent/note``) as the API wants it."""
    prefix = f"p_{activity_id}_"
    raw = {k.removeprefix(prefix): v.strip() for k, v in form.items() if isinstance(v, str) and k.startswith(prefix)}
    hours = check.number(prefix + "hours", raw.get("hours", ""))
    if hours is not None and Decimal(hours) < 0:  # Checker.number returns a valid decimal
        check.errors.add(prefix + "hours", translate(check.lang, "car.not_negative"))
    percent = check.integer(prefix + "percent", raw.get("percent", ""))
    if percent is not None and not 0 <= percent <= 100:
        check.errors.add(prefix + "percent", translate(check.lang, "car.percent_range"))
    body: dict[str, Any] = {"hours_done": hours, "progress_percent": percent}
    if raw.get("note"):
        body["note"] = raw["note"]
    mapping = {"hours_done": prefix + "hours", "progress_percent": prefix + "percent", "note": prefix + "note",
               "activity_id": prefix + "hours"}
    return body, mapping


async def _catalog_for(api: Services, viewer: Viewer) -> dict[str, dict[str, Any]]:
    """The training catalog of the viewer's office, by code (to pick an IDP activity from)."""
    if not viewer.office:
        return {}
    rows = await api.call("career", "GET", f"/offices/{viewer.office}/training-catalog", viewer.token)
    return {str(r["code"]): r for r in rows}


async def _plan_form(request: Request, viewer: Viewer, api: Services, plan: dict[str, Any] | None, *,
                     values: dict[str, str], errors: FormErrors | None = None, status: int = 200,
                     extra_row: bool = False) -> Response:
    """The IDP form: new (``plan`` None) or revising ``plan``."""
    lang = language(request)
    employee_id = str(plan["employee_id"]) if plan else values.get("employee_id") or viewer.nip
    career = await _career_view(api, viewer, employee_id, None)
    employee = career.get("employee") or {}
    rows = activity_rows(values)
    if extra_row and len(rows) < MAX_ACTIVITY_ROWS:
        rows.append(len(rows))
    catalog = await _catalog_for(api, viewer)
    return render(request, "career_idp_form.html", {
        "plan": plan, "employee_id": employee_id, "rows": rows, "own": employee_id == viewer.nip,
        "name": employee.get("name") or employee_id, "back": _career_path(viewer, employee_id),
        "catalog": [(code, f"{code} — {row['title']} ({row['hours']} JP)") for code, row in catalog.items()],
        "field_label": lambda field: career_field_label(lang, field, {}), "focus_row": rows[-1] if extra_row else None,
        "day_input": day_input,
    }, errors=errors, values=values, status=status)
