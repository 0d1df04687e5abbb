"""Pejabat penilai / pengelola kepegawaian: who gives 360 input on an appraisal (``PUT /raters``), from the
appraisal page — the roster's peers and subordinates offered by name (checkboxes), the assigned ones in
rows (an NIP can still be typed); the list is replaced as a whole. And closing the 360 window early."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_portal.clients import ApiError, FormErrors
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import translate
from kinerja_portal.pages.evaluator import appraisal_page
from kinerja_portal.web import STAFF, Api, CurrentViewer, Form, flash, language, requires, text, values_of, zone_of

router = APIRouter()
RELATIONS = {"peer", "subordinate"}


def raters_body(form: Any, check: Checker, zone: str | None,
                candidates: dict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The rater list from rows ``rater_<n>_nip``/``rater_<n>_relation`` (rows without a NIP are dropped)
    and the ticked ``candidate`` checkboxes (an NIP of ``candidates``, NIP -> relation, from the roster), the
    window's last day as 23:59:59 in the office's zone, and the API's field paths back onto the form."""
    rows = sorted({int(key.split("_")[1]) for key in form if key.startswith("rater_") and key.endswith("_nip")
                   and key.split("_")[1].isdigit()})
    body: dict[str, Any] = {"raters": []}
    mapping = {"window_closes_at": "window_closes_on", "raters": "rater_0_nip"}
    for n in rows:
        nip = text(form, f"rater_{n}_nip")
        if not nip:
            continue
        relation = check.choice(f"rater_{n}_relation", text(form, f"rater_{n}_relation"), RELATIONS)
        index = len(body["raters"])
        mapping |= {f"raters.{index}": f"rater_{n}_nip", f"raters.{index}.rater_id": f"rater_{n}_nip",
                    f"raters.{index}.relation": f"rater_{n}_relation"}
        body["raters"].append({"rater_id": nip, "relation": relation})
    known = candidates or {}
    for nip in ticked(form):
        if nip not in known:
            check.errors.add("candidates", translate(check.lang, "form.choice"))
            continue
        index = len(body["raters"])
        mapping |= {f"raters.{index}": "candidates"}
        body["raters"].append({"rater_id": nip, "relation": known[nip]})
    day = text(form, "window_closes_on")
    if day and (closes := check.day("window_closes_on", day)) is not None:
        body["window_closes_at"] = zone_of(zone).end_of_day(date.fromisoformat(closes)).isoformat()
    return body, mapping


def ticked(form: Any) -> list[str]:
    """The NIPs of the ticked candidate checkboxes, in the order sent, once each."""
    found = [value.strip() for value in form.getlist("candidate") if isinstance(value, str) and value.strip()]
    return list(dict.fromkeys(found))


def typed(form: Any) -> dict[str, str]:
    """What was sent, to re-render the form: the text fields and each ticked checkbox as ``candidate_<nip>``."""
    return values_of(form) | {f"candidate_{nip}": "on" for nip in ticked(form)}


@router.post("/penilaian/{appraisal_id}/penilai-360", dependencies=[requires(*STAFF)])
async def assign(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    view = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}", viewer.token)
    candidates = await api.call("evaluation", "GET", f"/appraisals/{appraisal_id}/rater-candidates",
                                viewer.token) if ticked(form) else []
    check = Checker(language(request))
    body, mapping = raters_body(form, check, view.get("time_zone"),
                                {str(c["employee_id"]): str(c["relation"]) for c in candidates})
    if check.errors:
        return await appraisal_page(request, viewer, api, appraisal_id, errors=check.errors, values=typed(form),
                                    status=422)
    try:
        await api.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/raters", viewer.token, json=body)
    except ApiError as error:
        return await appraisal_page(request, viewer, api, appraisal_id, values=typed(form), status=error.status,
                                    errors=FormErrors.from_api(error, mapping))
    flash(request, "raters.saved")
    return RedirectResponse(f"/penilaian/{appraisal_id}#penilai-360", status_code=303)


@router.post("/penilaian/{appraisal_id}/360/tutup", dependencies=[requires(*STAFF)])
async def close_window(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                       form: Form) -> Response:
    """Close the 360 window now; the service's refusal (closed already, nobody assigned ...) is shown on top."""
    try:
        await api.call("evaluation", "POST", f"/appraisals/{appraisal_id}/peer-window/close", viewer.token)
    except ApiError as error:
        return await appraisal_page(request, viewer, api, appraisal_id, status=error.status,
                                    errors=FormErrors.from_api(error, {}))
    flash(request, "r360.closed")
    return RedirectResponse(f"/penilaian/{appraisal_id}#penilai-360", status_code=303)
