"""Pegawai: my appraisals, the self-assessment, acknowledging the result and objecting to it; and the paths
the feedback service's notifications link to (``/penilaian/{id}/penilaian-diri`` ...)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors
from kinerja_portal.forms import Checker
from kinerja_portal.pages.evaluator import RATINGS, VALUES, appraisal_page
from kinerja_portal.web import Api, CurrentViewer, Form, flash, language, render, requires, text, values_of

router = APIRouter()


@router.get("/penilaian", dependencies=[requires(Role.PEGAWAI)])
async def my_appraisals(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    rows = await api.call("evaluation", "GET", "/me/appraisals", viewer.token)
    return render(request, "my_appraisals.html", {"appraisals": rows})


def self_assessment_body(form: Any, rhk_ids: list[str], check: Checker) -> tuple[dict[str, Any], dict[str, str]]:
    """The self-assessment as the API wants it, from the form's ``self_rhk_<id>``/``self_value_<code>`` radios
    (each required), and the mapping of the API's field paths back onto those radios."""
    body: dict[str, Any] = {"rhk_ratings": [], "value_ratings": []}
    mapping = {"summary": "summary"}
    for rhk_id in rhk_ids:
        name = f"self_rhk_{rhk_id}"
        mapping[f"rhk_ratings.{rhk_id}"] = name  # the service names a missing item by its key
        if chosen := check.choice(name, text(form, name), RATINGS):
            mapping[f"rhk_ratings.{len(body['rhk_ratings'])}"] = name
            body["rhk_ratings"].append({"rhk_id": rhk_id, "rating": chosen})
    for value in VALUES:
        name = f"self_value_{value}"
        mapping[f"value_ratings.{value}"] = name
        if chosen := check.choice(name, text(form, name), RATINGS):
            mapping[f"value_ratings.{len(body['value_ratings'])}"] = name
            body["value_ratings"].append({"value": value, "rating": chosen})
    if text(form, "summary"):
        body["summary"] = text(form, "summary")
    version = text(form, "expected_version")
    if version.isdigit():
        body["expected_version"] = int(version)
    return body, mapping


@router.post("/penilaian/{appraisal_id}/penilaian-diri", dependencies=[requires(Role.PEGAWAI)])
async def self_assess(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                      form: Form) -> Response:
    view = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    check = Checker(language(request))
    body, mapping = self_assessment_body(form, [str(r["rhk_id"]) for r in view["rhks"]], check)
    if check.errors:
        return await appraisal_page(request, viewer, api, appraisal_id, errors=check.errors, values=values_of(form),
                                    status=422)
    try:
        await api.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/self-assessment", viewer.token, json=body)
    except ApiError as error:
        return await appraisal_page(request, viewer, api, appraisal_id, values=values_of(form), status=error.status,
                                    errors=FormErrors.from_api(error, mapping))
    flash(request, "appr.self_saved")
    return RedirectResponse(f"/penilaian/{appraisal_id}", status_code=303)


@router.post("/penilaian/{appraisal_id}/tanda-terima", dependencies=[requires(Role.PEGAWAI)])
async def acknowledge(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                      form: Form) -> Response:
    try:
        await api.call("evaluation", "POST", f"/appraisals/{appraisal_id}/acknowledge", viewer.token)
    except ApiError as error:
        return await appraisal_page(request, viewer, api, appraisal_id, status=error.status,
                                    errors=FormErrors.from_api(error, {}))
    flash(request, "appr.acknowledged")
    return RedirectResponse(f"/penilaian/{appraisal_id}#hasil", status_code=303)


@router.post("/penilaian/{appraisal_id}/keberatan", dependencies=[requires(Role.PEGAWAI)])
async def object_to(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                    form: Form) -> Response:
    check = Checker(language(request))
    reasons = check.required("reasons", text(form, "reasons"))
    if check.errors:
        return await appraisal_page(request, viewer, api, appraisal_id, errors=check.errors, values=values_of(form),
                                    status=422)
    try:
        await api.call("evaluation", "POST", f"/appraisals/{appraisal_id}/objection", viewer.token,
                       json={"reasons": reasons})
    except ApiError as error:
        return await appraisal_page(request, viewer, api, appraisal_id, values=values_of(form), status=error.status,
                                    errors=FormErrors.from_api(error, {"reasons": "reasons"}))
    flash(request, "appr.objection_filed")
    return RedirectResponse(f"/penilaian/{appraisal_id}#keberatan", status_code=303)


# -- where the notifications link to ---------------------------------------------------------------------
@router.get("/penilaian/{appraisal_id}/penilaian-diri", dependencies=[requires(Role.PEGAWAI)])
async def self_assessment_link(appraisal_id: uuid.UUID, viewer: CurrentViewer) -> Response:
    return RedirectResponse(f"/penilaian/{appraisal_id}#penilaian-diri", status_code=303)


@router.get("/penilaian/{appraisal_id}/keberatan/{objection_id}")
async def objection_link(appraisal_id: uuid.UUID, objection_id: uuid.UUID, viewer: CurrentViewer) -> Response:
    """The objection page (``pages/objection.py``), for the superior, the evaluator and the employee."""
    return RedirectResponse(f"/penilaian/{appraisal_id}/keberatan", status_code=303)
