"""Pejabat penilai: the team board, approving or returning SKPs, rating an appraisal and finalising it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, appraisal_field_label, label, translate
from kinerja_portal.web import (
    Api,
    CurrentViewer,
    Form,
    Viewer,
    flash,
    language,
    refresh_acting,
    render,
    text,
    values_of,
)

router = APIRouter()
RATINGS = set(LABELS["rating"])
VALUES = [v.value for v in BerAkhlak]
EXTRA_RATER_ROWS = 3


def rater_rows(values: dict[str, str], assigned: int) -> int:
    """How many rows the form shows: the assigned raters (or the rows just sent) plus empty ones."""
    sent = [int(key.split("_")[1]) for key in values if key.startswith("rater_") and key.endswith("_nip")
            and key.split("_")[1].isdigit()]
    return max(assigned + EXTRA_RATER_ROWS, max(sent, default=-1) + 1)


def _year(request: Request) -> int:
    raw = request.query_params.get("tahun", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


@router.get("/tim")
async def team_board(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """Who is waiting on what: SKPs to approve and appraisals by what they wait on."""
    year = _year(request)
    period = request.query_params.get("periode") or str(year)
    plans, appraisals, appointed = await asyncio.gather(
        api.call("planning", "GET", "/team/plans", viewer.token, params={"period_year": year}),
        api.call("evaluation", "GET", "/team/appraisals", viewer.token, params={"period": period}),
        refresh_acting(request, api, viewer))
    acting = {a["absent_id"]: a for a in appointed}
    return render(request, "team.html", {"plans": plans, "appraisals": appraisals, "year": year, "period": period,
                                         "acting": acting})


async def _review_page(request: Request, viewer: Viewer, api: Services, plan_id: uuid.UUID, *,
                       errors: FormErrors | None = None, values: dict[str, str] | None = None,
                       status: int = 200) -> Response:
    plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
    shown = {f"exp_{value}": expected or "" for value, expected in (plan.get("behaviour") or {}).items()}
    shown |= {f"lamp_{part}": "\n".join(points) for part, points in (plan.get("appendix") or {}).items()}
    return render(request, "plan_review.html", {
        "plan": plan, "values_list": VALUES, "current_path": "/tim",
        "can_set_expectations": plan["evaluator_id"] == viewer.nip and plan["status"] in (
            "draft", "returned", "revising", "submitted"),
    }, errors=errors, values=shown | (values or {}), status=status)


review_page = _review_page


@router.get("/tim/skp/{plan_id}")
async def review_plan(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await _review_page(request, viewer, api, plan_id)


def _board(form: Any) -> str:
    """Back to the team board of the SKP's year."""
    year = text(form, "period_year")
    return f"/tim?tahun={year}" if year.isdigit() else "/tim"


def _versioned(form: Any) -> dict[str, Any]:
    version = text(form, "expected_version")
    return {"expected_version": int(version)} if version.isdigit() else {}


@router.post("/tim/skp/{plan_id}/setujui")
async def approve_plan(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    """Approve, with an optional comment for the employee (recorded on the approval)."""
    body = _versioned(form)
    if text(form, "approval_comments"):
        body["comments"] = text(form, "approval_comments")
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/approve", viewer.token, json=body)
    except ApiError as error:
        return await _review_page(request, viewer, api, plan_id, status=error.status, values=values_of(form),
                                  errors=FormErrors.from_api(error, {"comments": "approval_comments"}))
    flash(request, "team.approved")
    return RedirectResponse(_board(form), status_code=303)


@router.post("/tim/skp/{plan_id}/kembalikan")
async def return_plan(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    comments = check.required("comments", text(form, "comments"))
    if check.errors:
        return await _review_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                  status=422)
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/return", viewer.token,
                       json={"comments": comments, **_versioned(form)})
    except ApiError as error:
        return await _review_page(request, viewer, api, plan_id, values=values_of(form), status=error.status,
                                  errors=FormErrors.from_api(error, {"comments": "comments"}))
    flash(request, "team.returned")
    return RedirectResponse(_board(form), status_code=303)


# -- appraisal -------------------------------------------------------------------------------------------
async def appraisal_page(request: Request, viewer: Viewer, api: Services, appraisal_id: uuid.UUID, *,
                          errors: FormErrors | None = None, values: dict[str, str] | None = None,
                          status: int = 200) -> Response:
    view = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    name = view.get("employee_name") or view["employee_id"]
    # the form starts from what the evaluator already recorded; what was just typed wins
    recorded = {f"rhk_{r['rhk_id']}": (r.get("evaluator") or {}).get("rating") or "" for r in view["rhks"]}
    recorded |= {f"value_{v['value']}": (v.get("evaluator") or {}).get("rating") or "" for v in view["values"]}
    recorded |= {f"rhk_comment_{r['rhk_id']}": (r.get("evaluator") or {}).get("comment") or "" for r in view["rhks"]}
    recorded |= {f"value_comment_{v['value']}": (v.get("evaluator") or {}).get("comment") or ""
                 for v in view["values"]}
    recorded |= {"results_rating": view.get("results_rating") or "",
                 "behaviour_rating": view.get("behaviour_rating") or ""}
    is_employee = viewer.nip == view["employee_id"]
    if is_employee:
        name = viewer.principal.name or name
        recorded = {f"self_rhk_{r['rhk_id']}": (r.get("self") or {}).get("rating") or "" for r in view["rhks"]}
        recorded |= {f"self_value_{v['value']}": (v.get("self") or {}).get("rating") or "" for v in view["values"]}
        recorded["summary"] = view.get("self_summary") or ""
    raters = (view.get("peer") or {}).get("raters") or []
    for n, rater in enumerate(raters):
        recorded |= {f"rater_{n}_nip": rater["rater_id"], f"rater_{n}_relation": rater["relation"]}
    values = recorded | (values or {})
    lang = language(request)
    titles = {str(r["rhk_id"]): str(r["title"]) for r in view["rhks"]}
    # the evaluator or HR manage the 360 raters while the appraisal is open; raters from the roster's list
    manages_360 = view["status"] == "open" and not is_employee and (
        viewer.nip == view["evaluator_id"] or viewer.has(Role.PENGELOLA_KEPEGAWAIAN))
    can_assign = manages_360 and not (view.get("peer") or {}).get("closed")
    candidates = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}/rater-candidates",
                                viewer.token) if can_assign else []
    return render(request, "appraisal.html", {
        "view": view, "name": name, "is_evaluator": viewer.nip == view["evaluator_id"]
        or bool((view.get("viewer_acts_for") or {}).get("evaluator")), "is_employee": is_employee,
        "open": view["status"] == "open", "zone": view.get("time_zone"),
        "manages_360": manages_360, "can_assign": can_assign,
        "candidates": [c for c in candidates if not c.get("assigned")],
        "rater_rows": rater_rows(values, len(raters)),
        "can_object": is_employee and view["status"] == "finalised" and view.get("objection") is None,
        "field_label": lambda field_name: rating_field_label(lang, field_name, titles),
        # the menu marks "Penilaian saya" only on one's own appraisal, else the team board
        "current_path": "/penilaian" if is_employee else "/tim",
    }, errors=errors, values=values, status=status)


def rating_field_label(lang: str, name: str, titles: dict[str, str]) -> str:
    """The appraisal page's field labels, with the evaluator's notes (``rhk_comment_<id>``, ``value_comment_<v>``)
    and the finalisation's confirmation box."""
    if name.startswith("rhk_comment_") and name.removeprefix("rhk_comment_") in titles:
        return translate(lang, "skpe.rhk_comment", title=titles[name.removeprefix("rhk_comment_")])
    if name.startswith("value_comment_") and name.removeprefix("value_comment_") in LABELS["value"]:
        return translate(lang, "skpe.value_comment", value=label(lang, "value", name.removeprefix("value_comment_")))
    if name == "confirm":
        return translate(lang, "skpe.confirm_label")
    return appraisal_field_label(lang, name, titles)


@router.get("/penilaian/{appraisal_id}")
async def appraisal(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await appraisal_page(request, viewer, api, appraisal_id)


@router.post("/penilaian/{appraisal_id}/nilai")
async def rate(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    """The evaluator's ratings: any part, per RHK and value and overall; saved together or not at all."""
    check = Checker(language(request))
    body: dict[str, Any] = {"rhk_ratings": [], "value_ratings": []}
    mapping: dict[str, str] = {"results_rating": "results_rating", "behaviour_rating": "behaviour_rating",
                               "reason": "reason"}
    for name in form:
        if not name.startswith("rhk_") or name.startswith("rhk_comment_"):
            continue
        rhk_id, comment = name.removeprefix("rhk_"), text(form, f"rhk_comment_{name.removeprefix('rhk_')}")
        if chosen := check.choice(name, text(form, name), RATINGS, required=False):
            index = len(body["rhk_ratings"])
            mapping |= {f"rhk_ratings.{index}": name, f"rhk_ratings.{rhk_id}": name,
                        f"rhk_ratings.{index}.comment": f"rhk_comment_{rhk_id}"}
            body["rhk_ratings"].append({"rhk_id": rhk_id, "rating": chosen, "comment": comment or None})
        elif comment:
            check.errors.add(name, translate(check.lang, "skpe.rating_for_comment"))
    for value in VALUES:
        comment = text(form, f"value_comment_{value}")
        if chosen := check.choice(f"value_{value}", text(form, f"value_{value}"), RATINGS, required=False):
            index = len(body["value_ratings"])
            mapping |= {f"value_ratings.{index}": f"value_{value}", f"value_ratings.{value}": f"value_{value}",
                        f"value_ratings.{index}.comment": f"value_comment_{value}"}
            body["value_ratings"].append({"value": value, "rating": chosen, "comment": comment or None})
        elif comment:
            check.errors.add(f"value_{value}", translate(check.lang, "skpe.rating_for_comment"))
    for overall in ("results_rating", "behaviour_rating"):
        if chosen := check.choice(overall, text(form, overall), RATINGS, required=False):
            body[overall] = chosen
    if text(form, "reason"):
        body["reason"] = text(form, "reason")
    body |= _versioned(form)
    if check.errors:
        return await appraisal_page(request, viewer, api, appraisal_id, errors=check.errors,
                                     values=values_of(form), status=422)
    if not (body["rhk_ratings"] or body["value_ratings"] or "results_rating" in body or "behaviour_rating" in body):
        flash(request, "skpe.nothing_rated")
        return RedirectResponse(f"/penilaian/{appraisal_id}", status_code=303)
    try:
        result = await api.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/ratings", viewer.token, json=body)
    except ApiError as error:
        return await appraisal_page(request, viewer, api, appraisal_id, values=values_of(form),
                                     status=error.status, errors=FormErrors.from_api(error, mapping))
    unchanged = isinstance(result, dict) and body.get("expected_version") == result.get("version")
    flash(request, "skpe.nothing_changed" if unchanged else "appr.rated")
    return RedirectResponse(f"/penilaian/{appraisal_id}", status_code=303)


@router.post("/penilaian/{appraisal_id}/finalisasi")
async def finalise(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                   form: Form) -> Response:
    body: dict[str, Any] = _versioned(form)
    if text(form, "justification"):
        body["justification"] = text(form, "justification")
    if text(form, "confirm") != "ya":  # finalising cannot be undone: the box must be ticked first
        errors = FormErrors()
        errors.add("confirm", translate(language(request), "skpe.confirm_finalise_required"))
        return await appraisal_page(request, viewer, api, appraisal_id, errors=errors, status=422,
                                     values={"justification": text(form, "justification")})
    try:
        await api.call("evaluation", "POST", f"/appraisals/{appraisal_id}/finalise", viewer.token, json=body)
    except ApiError as error:
        errors = FormErrors.from_api(error, {"justification": "justification"})
        return await appraisal_page(request, viewer, api, appraisal_id, errors=errors, status=error.status,
                                     values={"justification": text(form, "justification")})
    flash(request, "appr.finalised")
    return RedirectResponse(f"/penilaian/{appraisal_id}", status_code=303)
