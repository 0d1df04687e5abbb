"""Objections (keberatan): the list of those awaiting the evaluator's superior (atasan penilai) or the
evaluator, and the objection page — the employee's reasons, the explanations, the result objected to, the
explanation form (evaluator or employee) and the superior's decision form (uphold, or change the ratings,
always with a reason). The notification links ``/penilaian/{id}/keberatan`` lead here."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, translate
from kinerja_portal.pages.evaluator import RATINGS
from kinerja_portal.web import (
    STAFF,
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
DECISIONS = set(LABELS["objection_decision"])
DECISION_FIELDS = {"decision": "decision", "reason": "decision_reason", "results_rating": "new_results_rating",
                   "behaviour_rating": "new_behaviour_rating"}


def decision_body(form: Any, check: Checker, *, unit_head: bool = False) -> dict[str, Any]:
    """The superior's decision as the API wants it. A reason is always needed; "changed" needs at least one
    new rating (a unit head's results rating is never one) and "upheld" takes none."""
    decision = check.choice("decision", text(form, "decision"), DECISIONS)
    results = None if unit_head else check.choice("new_results_rating", text(form, "new_results_rating"), RATINGS,
                                                  required=False)
    behaviour = check.choice("new_behaviour_rating", text(form, "new_behaviour_rating"), RATINGS, required=False)
    if decision == "changed" and results is None and behaviour is None and "new_results_rating" not in \
            check.errors.fields and "new_behaviour_rating" not in check.errors.fields:
        check.errors.add("new_results_rating" if not unit_head else "new_behaviour_rating",
                         translate(check.lang, "obj.change_needed"))
    if decision == "upheld" and (results is not None or behaviour is not None):
        check.errors.add("new_results_rating" if results is not None else "new_behaviour_rating",
                         translate(check.lang, "obj.upheld_no_ratings"))
    reason = check.required("decision_reason", text(form, "decision_reason"))  # last: the summary follows the form
    body: dict[str, Any] = {"decision": decision, "reason": reason}
    if decision == "changed":
        body |= {k: v for k, v in (("results_rating", results), ("behaviour_rating", behaviour)) if v is not None}
    return body


def sort_objections(rows: list[dict[str, Any]], viewer_nip: str) -> dict[str, list[dict[str, Any]]]:
    """The list page's three groups: awaiting my decision, awaiting the superior (as the evaluator), decided."""
    groups: dict[str, list[dict[str, Any]]] = {"mine": [], "evaluated": [], "decided": []}
    for row in rows:
        if row.get("objection_status") != "filed":
            groups["decided"].append(row)
        elif row.get("superior_id") == viewer_nip or row.get("my_role") == "atasan_penilai":  # or their Plt/Plh
            groups["mine"].append(row)
        else:
            groups["evaluated"].append(row)
    return groups


@router.get("/keberatan", dependencies=[requires(*STAFF)])
async def objections(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    rows = await api.call("evaluation", "GET", "/me/objections", viewer.token)
    office = await api.call("evaluation", "GET", f"/offices/{viewer.office}", viewer.token) if viewer.office else {}
    return render(request, "objection_list.html", {
        "groups": sort_objections(rows, viewer.nip), "zone": (office.get("settings") or {}).get("time_zone")})


async def objection_page(request: Request, viewer: Viewer, api: Services, appraisal_id: uuid.UUID, *,
                         errors: FormErrors | None = None, values: dict[str, str] | None = None,
                         status: int = 200) -> Response:
    view = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    objection = view.get("objection")
    pending = objection is not None and view["status"] == "objected"
    acts_for = view.get("viewer_acts_for") or {}  # a Plt/Plh in the evaluator's or superior's place today
    is_employee = viewer.nip == view["employee_id"]
    is_evaluator = viewer.nip == view["evaluator_id"] or bool(acts_for.get("evaluator"))
    names = {view["employee_id"]: view.get("employee_name"), view["evaluator_id"]: view.get("evaluator_name")}
    if view.get("superior_id"):
        names[view["superior_id"]] = view.get("superior_name")
    if objection and objection.get("decided_by"):
        names.setdefault(objection["decided_by"], objection.get("decided_by_name"))
    return render(request, "objection.html", {
        "view": view, "objection": objection, "names": names, "zone": view.get("time_zone"),
        "name": view.get("employee_name") or view["employee_id"],
        "can_decide": pending and (viewer.nip == view.get("superior_id") or bool(acts_for.get("superior"))),
        "can_explain": pending and (is_employee or is_evaluator), "is_employee": is_employee,
        "current_path": "/penilaian" if is_employee else "/keberatan",
    }, errors=errors, values=values, status=status)


@router.get("/penilaian/{appraisal_id}/keberatan", dependencies=[requires(*STAFF)])
async def objection(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    """The objection page; the employee without an objection yet goes to the form on their appraisal page
    (where the reminder of the closing objection window leads)."""
    view = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    if view.get("objection") is None and viewer.nip == view["employee_id"]:
        return RedirectResponse(f"/penilaian/{appraisal_id}#keberatan", status_code=303)
    return await objection_page(request, viewer, api, appraisal_id)


@router.post("/penilaian/{appraisal_id}/keberatan/penjelasan", dependencies=[requires(*STAFF)])
async def explain(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                  form: Form) -> Response:
    check = Checker(language(request))
    explanation = check.required("explanation", text(form, "explanation"))
    if check.errors:
        return await objection_page(request, viewer, api, appraisal_id, errors=check.errors, values=values_of(form),
                                    status=422)
    try:
        await api.call("evaluation", "POST", f"/appraisals/{appraisal_id}/objection/explanations", viewer.token,
                       json={"text": explanation})
    except ApiError as error:
        return await objection_page(request, viewer, api, appraisal_id, values=values_of(form), status=error.status,
                                    errors=FormErrors.from_api(error, {"text": "explanation"}))
    flash(request, "obj.explained")
    return RedirectResponse(f"/penilaian/{appraisal_id}/keberatan#penjelasan", status_code=303)


@router.post("/penilaian/{appraisal_id}/keberatan/keputusan", dependencies=[requires(*STAFF)])
async def decide(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    body = decision_body(form, check, unit_head=text(form, "unit_head") == "true")
    if check.errors:
        return await objection_page(request, viewer, api, appraisal_id, errors=check.errors, values=values_of(form),
                                    status=422)
    try:
        await api.call("evaluation", "POST", f"/appraisals/{appraisal_id}/objection/decision", viewer.token,
                       json=body)
    except ApiError as error:
        return await objection_page(request, viewer, api, appraisal_id, values=values_of(form), status=error.status,
                                    errors=FormErrors.from_api(error, DECISION_FIELDS))
    flash(request, "obj.decided")
    return RedirectResponse(f"/penilaian/{appraisal_id}/keberatan#keputusan", status_code=303)
