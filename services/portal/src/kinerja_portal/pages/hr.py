"""Pengelola kepegawaian: office settings and period calendar, opening a period, and calibration with the
unit's distribution against the curve's bounds."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, translate
from kinerja_portal.web import Api, CurrentViewer, Form, Viewer, flash, language, render, requires, text, values_of

router = APIRouter(dependencies=[requires(Role.PENGELOLA_KEPEGAWAIAN)])  # HR forms only for HR (a 403 page)

NUMBER_SETTINGS = ("plan_due_day_of_year", "self_assessment_due_days", "rating_due_days", "peer_threshold",
                   "objection_window_days")  # with the three choices and the checkbox: every setting (a full PUT)


def _office(request: Request, viewer: Viewer) -> str:
    chosen = request.query_params.get("kantor", "")
    return chosen if chosen in viewer.principal.offices else viewer.office


async def _office_page(request: Request, viewer: Viewer, api: Services, office: str, *,
                       errors: FormErrors | None = None, values: dict[str, str] | None = None,
                       period_errors: FormErrors | None = None, period_values: dict[str, str] | None = None,
                       status: int = 200) -> Response:
    found = await api.call("evaluation", "GET", f"/offices/{office}", viewer.token)
    settings = found.get("settings") or {}
    current = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in settings.items()
               if k not in ("office_name", "unit_names")}
    current |= {"office_name": settings.get("office_name") or "",
                "unit_names": "\n".join(f"{k} = {v}" for k, v in (settings.get("unit_names") or {}).items())}
    return render(request, "office.html", {
        "office": office, "periods": found.get("periods") or [], "zone": current.get("time_zone"),
        "period_errors": period_errors or FormErrors(),
        "period_values": period_values or {"period": str(date.today().year)},
    }, errors=errors, values=current | (values or {}), status=status)


@router.get("/kantor")
async def office_page(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _office_page(request, viewer, api, _office(request, viewer))


@router.post("/kantor/pengaturan")
async def save_settings(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    office = _office(request, viewer)
    check = Checker(language(request))
    body = settings_body(form, check)
    typed = values_of(form) | {"peer_comments_to_evaluator": "true" if body["peer_comments_to_evaluator"] else "false"}
    if check.errors:
        return await _office_page(request, viewer, api, office, errors=check.errors, values=typed, status=422)
    try:
        await api.call("evaluation", "PUT", f"/offices/{office}/settings", viewer.token, json=body)
    except ApiError as error:
        return await _office_page(request, viewer, api, office, values=typed, status=error.status,
                                  errors=FormErrors.from_api(error, {name: name for name in body}))
    flash(request, "office.saved")
    return RedirectResponse("/kantor", status_code=303)


def settings_body(form: FormData, check: Checker) -> dict[str, Any]:
    """The office settings form as the evaluation service's PUT: every setting, so none is left to a default."""
    body: dict[str, Any] = {
        "time_zone": check.choice("time_zone", text(form, "time_zone"), set(LABELS["time_zone"])),
        "periodic_cadence": check.choice("periodic_cadence", text(form, "periodic_cadence"), set(LABELS["cadence"])),
        "curve_enforcement": check.choice("curve_enforcement", text(form, "curve_enforcement"), set(LABELS["curve"])),
        "peer_comments_to_evaluator": text(form, "peer_comments_to_evaluator") == "true",
        "reason": check.required("reason", text(form, "reason")),
    }
    for name in NUMBER_SETTINGS:
        body[name] = check.integer(name, text(form, name))
    body["office_name"] = text(form, "office_name") or None
    body["unit_names"] = unit_names(text(form, "unit_names"), check)
    return body


def unit_names(typed: str, check: Checker) -> dict[str, str]:
    """``BIDANG-MUTASI = Bidang Mutasi`` per line (the names documents print for each unit code)."""
    names: dict[str, str] = {}
    for line in (raw.strip() for raw in typed.splitlines()):
        unit, sep, name = line.partition("=")
        if not line:
            continue
        if not sep or not unit.strip() or not name.strip():
            check.errors.add("unit_names", translate(check.lang, "office.unit_names_invalid", line=line))
            break
        names[unit.strip()] = name.strip()
    return names


@router.post("/kantor/periode")
async def open_period(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    office = _office(request, viewer)
    check = Checker(language(request))
    period = check.required("period", text(form, "period"))
    if check.errors:
        return await _office_page(request, viewer, api, office, period_errors=check.errors,
                                  period_values=values_of(form), status=422)
    try:
        opened = await api.call("evaluation", "POST", f"/offices/{office}/periods", viewer.token,
                                json={"period": period})
    except ApiError as error:
        return await _office_page(request, viewer, api, office, period_values=values_of(form), status=error.status,
                                  period_errors=FormErrors.from_api(error, {"period": "period"}))
    flash(request, "office.opened", period=period, count=opened.get("appraisals_opened", 0))
    return RedirectResponse("/kantor", status_code=303)


# -- calibration ------------------------------------------------------------------------------------------
async def _units(api: Services, viewer: Viewer, office: str) -> list[str]:
    roster = await api.call("planning", "GET", f"/offices/{office}/employees", viewer.token)
    return sorted({str(row["unit_id"]) for row in roster})


async def _calibration_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                            values: dict[str, str] | None = None, status: int = 200) -> Response:
    office = _office(request, viewer)
    units = await _units(api, viewer, office)
    unit = request.query_params.get("unit") or (units[0] if units else "")
    period = request.query_params.get("periode") or str(date.today().year)
    view: dict[str, Any] | None = None
    problem: str | None = None
    if unit:
        try:
            view = await api.call("evaluation", "GET", f"/offices/{office}/units/{unit}/calibration", viewer.token,
                                  params={"period": period})
        except ApiError as error:
            problem = error.detail
    chart = _chart(view) if view else None
    return render(request, "calibration.html", {
        "office": office, "units": units, "unit": unit, "period": period, "view": view, "chart": chart,
        "problem": problem,
    }, errors=errors, values=values or {"predicate": (view or {}).get("organisation_predicate") or ""},
        status=status)


def _chart(view: dict[str, Any]) -> dict[str, Any]:
    """Bars per predicate (share of the unit) and, per bound, the count against its limit."""
    total = max(int(view["total"]), 1)
    bars = [{"code": code, "label": view["labels"][code], "count": count, "percent": round(100 * count / total)}
            for code, count in view["counts"].items()]
    bounds = []
    for bound in view["bounds"]:
        scale = max(int(bound["count"]), int(bound["limit"]), 1)
        bounds.append({**bound, "count_percent": round(100 * bound["count"] / scale),
                       "limit_percent": round(100 * bound["limit"] / scale)})
    return {"bars": bars, "bounds": bounds, "max": max((b["count"] for b in bars), default=0)}


@router.get("/kalibrasi")
async def calibration(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _calibration_page(request, viewer, api)


@router.post("/kalibrasi/predikat-organisasi")
async def set_organisation_predicate(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    office = _office(request, viewer)
    unit, period = text(form, "unit"), text(form, "period")
    check = Checker(language(request))
    body: dict[str, Any] = {
        "predicate": check.choice("predicate", text(form, "predicate"), set(LABELS["org_predicate"])),
        "reason": check.required("reason", text(form, "reason")),
    }
    if text(form, "instructed_by"):
        body["instructed_by"] = text(form, "instructed_by")
    if check.errors:
        return await _calibration_page(request, viewer, api, errors=check.errors, values=values_of(form), status=422)
    try:
        await api.call("evaluation", "PUT",
                       f"/offices/{office}/units/{unit}/periods/{period}/organisation-predicate", viewer.token,
                       json=body)
    except ApiError as error:
        return await _calibration_page(request, viewer, api, values=values_of(form), status=error.status,
                                       errors=FormErrors.from_api(error, {k: k for k in body}))
    flash(request, "calib.org_saved")
    return RedirectResponse(f"/kalibrasi?unit={unit}&periode={period}", status_code=303)
