"""Pegawai as a 360 rater: the requests and the answer form (a score 1–5 per BerAKHLAK value, optional
comments), which can be sent again until the window closes."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import appraisal_field_label, translate
from kinerja_portal.pages.evaluator import VALUES
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
)

router = APIRouter()
SCORES = [str(n) for n in range(1, 6)]


def peer_input_body(form: Any, check: Checker) -> tuple[dict[str, Any], dict[str, str]]:
    """The 360 answer as the API wants it from ``score_<value>`` radios (each required) and optional
    ``comment_<value>`` texts, and the mapping of the API's field paths back onto them."""
    body: dict[str, Any] = {"scores": {}, "comments": {}}
    mapping: dict[str, str] = {}
    for value in VALUES:
        if chosen := check.choice(f"score_{value}", text(form, f"score_{value}"), set(SCORES)):
            body["scores"][value] = int(chosen)
        if comment := text(form, f"comment_{value}"):
            body["comments"][value] = comment
        mapping |= {f"scores.{value}": f"score_{value}", f"comments.{value}": f"comment_{value}"}
    return body, mapping


@router.get("/360", dependencies=[requires(Role.PEGAWAI)])
async def requests(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    rows = await api.call("evaluation", "GET", "/me/peer-requests", viewer.token)
    zone = (await office_settings(api, viewer)).get("time_zone")
    return render(request, "peer_list.html", {"requests": rows, "zone": zone})


async def _form_page(request: Request, viewer: Viewer, api: Services, appraisal_id: uuid.UUID, *,
                     errors: FormErrors | None = None, values: dict[str, str] | None = None,
                     status: int = 200) -> Response:
    try:
        found = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}/peer-input", viewer.token)
    except ApiError as error:
        if error.status not in (403, 404):
            raise
        return render(request, "error.html", {"message": translate(language(request), "peer.not_found")}, status=404)
    lang = language(request)
    return render(request, "peer_form.html", {
        "req": found, "zone": found.get("time_zone"), "values_list": VALUES, "scores": [(s, s) for s in SCORES],
        "field_label": lambda name: appraisal_field_label(lang, name, {}),
    }, errors=errors, status=status,
        # once closed the form shows only what was saved (it can no longer change), not what was just typed
        values=saved_answer(found) | ({} if found.get("closed") else values or {}))


def saved_answer(found: dict[str, Any]) -> dict[str, str]:
    """The rater's saved answer as form values (``score_<value>``, ``comment_<value>``), to revise it."""
    saved = {f"score_{value}": str(score) for value, score in (found.get("scores") or {}).items()}
    return saved | {f"comment_{value}": str(comment) for value, comment in (found.get("comments") or {}).items()}


@router.get("/360/{appraisal_id}", dependencies=[requires(Role.PEGAWAI)])
async def answer_form(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await _form_page(request, viewer, api, appraisal_id)


@router.post("/360/{appraisal_id}", dependencies=[requires(Role.PEGAWAI)])
async def answer(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    body, mapping = peer_input_body(form, check)
    if check.errors:
        return await _form_page(request, viewer, api, appraisal_id, errors=check.errors, values=values_of(form),
                                status=422)
    try:
        await api.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/peer-input", viewer.token, json=body)
    except ApiError as error:
        return await _form_page(request, viewer, api, appraisal_id, values=values_of(form), status=error.status,
                                errors=FormErrors.from_api(error, mapping))
    flash(request, "peer.saved")
    return RedirectResponse("/360", status_code=303)


@router.get("/penilaian/{appraisal_id}/360", dependencies=[requires(*STAFF)])
async def peer_link(appraisal_id: uuid.UUID, viewer: CurrentViewer) -> Response:
    """Where the 360 request notification links to."""
    return RedirectResponse(f"/360/{appraisal_id}", status_code=303)
