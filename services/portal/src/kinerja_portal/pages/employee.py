"""Pegawai: my SKPs, drafting, RHKs with the cascade choice, submitting, realisation with progress bars."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import field_label, translate
from kinerja_portal.web import Api, CurrentViewer, Form, Viewer, flash, language, render, text, values_of

router = APIRouter()

ASPECTS = ("kuantitas", "kualitas", "waktu")
CASCADED = ("ja", "jf")  # their RHKs cite the evaluator's RHK; JPT and unit heads cite an agreement or assignment


@router.get("/skp")
async def my_plans(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _plans_page(request, viewer, api)


async def _plans_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                      values: dict[str, str] | None = None, status: int = 200) -> Response:
    plans = await api.call("planning", "GET", "/me/plans", viewer.token)
    return render(request, "skp_list.html", {"plans": plans, "this_year": date.today().year},
                  errors=errors, values=values, status=status)


@router.post("/skp")
async def draft_plan(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    year = check.integer("period_year", text(form, "period_year"))
    if check.errors or year is None:
        return await _plans_page(request, viewer, api, errors=check.errors, values=values_of(form), status=422)
    try:
        created = await api.call("planning", "POST", "/plans", viewer.token, json={"period_year": year})
    except ApiError as error:
        errors = FormErrors.from_api(error, {"period_year": "period_year", "employee_id": "period_year"})
        return await _plans_page(request, viewer, api, errors=errors, values=values_of(form), status=error.status)
    return RedirectResponse(f"/skp/{created['plan_id']}", status_code=303)


# -- one SKP -------------------------------------------------------------------------------------------
async def _plan_page(request: Request, viewer: Viewer, api: Services, plan_id: uuid.UUID, *,
                     errors: FormErrors | None = None, values: dict[str, str] | None = None,
                     submit_errors: FormErrors | None = None, status: int = 200) -> Response:
    plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
    cascade: dict[str, Any] | None = None
    editable = plan["status"] in ("draft", "returned", "revising") and plan["employee_id"] == viewer.nip
    if editable and plan["position_type"] in CASCADED:
        cascade = await api.call("planning", "GET", "/me/cascade-options", viewer.token,
                                 params={"period_year": plan["period_year"]})
    defaults = {"kind": "utama", "target_kualitas_value": "100", "target_kualitas_unit": "%",
                "target_waktu_value": "12", "target_waktu_unit": "bulan"}
    return render(request, "skp_detail.html", {
        "plan": plan, "cascade": cascade, "editable": editable, "cascaded": plan["position_type"] in CASCADED,
        "aspects": ASPECTS, "submit_errors": submit_errors or FormErrors(),
    }, errors=errors, values=values if values is not None else defaults, status=status)


@router.get("/skp/{plan_id}")
async def plan_detail(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    """The owner's SKP page; the evaluator (arriving from a notification) gets the review page."""
    plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
    if plan["employee_id"] != viewer.nip and plan["evaluator_id"] == viewer.nip:
        return RedirectResponse(f"/tim/skp/{plan_id}", status_code=303)
    return await _plan_page(request, viewer, api, plan_id)


RHK_FIELDS = {
    "rhk.title": "title", "rhk.kind": "kind", "rhk.intervention": "link", "rhk.source": "source_ref",
    "rhk.source.kind": "source_kind", "rhk.ikis": "iki_description", "rhk.ikis.0.description": "iki_description",
    "rhk": "title", "expected_version": "title",
}


@router.post("/skp/{plan_id}/rhk")
async def add_rhk(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    """One RHK with one IKI and its targets, in one request: saved whole or not at all."""
    check = Checker(language(request))
    title = check.required("title", text(form, "title"))
    kind = check.choice("kind", text(form, "kind"), {"utama", "tambahan"})
    description = check.required("iki_description", text(form, "iki_description"))
    targets: list[dict[str, Any]] = []
    mapping = dict(RHK_FIELDS)
    for aspect in ASPECTS:
        value = check.number(f"target_{aspect}_value", text(form, f"target_{aspect}_value"),
                             required=aspect == "kuantitas")
        unit = text(form, f"target_{aspect}_unit")
        if aspect == "kuantitas":
            check.required(f"target_{aspect}_unit", unit)
        if value is not None:
            mapping[f"rhk.ikis.0.targets.{len(targets)}.value"] = f"target_{aspect}_value"
            mapping[f"rhk.ikis.0.targets.{len(targets)}.unit"] = f"target_{aspect}_unit"
            mapping[f"rhk.ikis.0.targets.{len(targets)}"] = f"target_{aspect}_value"
            targets.append({"aspect": aspect, "value": value, "unit": unit or None})
    rhk: dict[str, Any] = {"title": title, "kind": kind,
                           "ikis": [{"description": description, "targets": targets}]}
    link = text(form, "link")
    if link:
        plan_part, _, rhk_part = link.partition(":")
        try:
            rhk["intervention"] = {"plan_id": str(uuid.UUID(plan_part)), "rhk_id": str(uuid.UUID(rhk_part))}
        except ValueError:
            check.errors.add("link", translate(check.lang, "form.choice"))
    source_ref = text(form, "source_ref")
    if source_ref:
        rhk["source"] = {"kind": text(form, "source_kind") or "perjanjian_kinerja", "reference": source_ref}
    if check.errors:
        return await _plan_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                status=422)
    body: dict[str, Any] = {"rhk": rhk}
    if text(form, "expected_version").isdigit():
        body["expected_version"] = int(text(form, "expected_version"))
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/rhks", viewer.token, json=body)
    except ApiError as error:
        return await _plan_page(request, viewer, api, plan_id, errors=FormErrors.from_api(error, mapping),
                                values=values_of(form), status=error.status)
    flash(request, "skp.rhk_added")
    return RedirectResponse(f"/skp/{plan_id}", status_code=303)


@router.post("/skp/{plan_id}/ajukan")
async def submit_plan(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    body: dict[str, Any] = {}
    if text(form, "expected_version").isdigit():
        body["expected_version"] = int(text(form, "expected_version"))
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/submit", viewer.token, json=body)
    except ApiError as error:
        errors = FormErrors(general=[error.detail] + [e.message for e in error.errors if e.message != error.detail])
        return await _plan_page(request, viewer, api, plan_id, submit_errors=errors, status=error.status)
    flash(request, "skp.submitted")
    return RedirectResponse(f"/skp/{plan_id}", status_code=303)


# -- realisation ---------------------------------------------------------------------------------------
async def _realisation_page(request: Request, viewer: Viewer, api: Services, plan_id: uuid.UUID, *,
                            errors: FormErrors | None = None, values: dict[str, str] | None = None,
                            import_errors: FormErrors | None = None, status: int = 200) -> Response:
    plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
    progress = await api.call("planning", "GET", f"/plans/{plan_id}/realisation", viewer.token)
    fresh = {"entry_id": str(uuid.uuid4()), "occurred_on": date.today().isoformat()}
    lang = language(request)
    return render(request, "realisation.html", {
        "plan": plan, "progress": progress, "import_errors": import_errors or FormErrors(),
        "can_report": plan["status"] in ("approved", "revising") and plan["employee_id"] == viewer.nip,
        "can_comment": plan["evaluator_id"] == viewer.nip,
        **({"current_path": "/tim"} if plan["evaluator_id"] == viewer.nip else {}),  # the menu marks the team
        "entry_field_label": lambda name: (translate(lang, "real.comment") if name.startswith(COMMENT_PREFIX)
                                           else field_label(lang, name)),
    }, errors=errors, values=values if values is not None else fresh, status=status)


COMMENT_PREFIX = "comment_"


@router.post("/skp/{plan_id}/realisasi/{entry_id}/catatan")
async def comment_on_entry(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: CurrentViewer,
                           api: Api, form: Form) -> Response:
    """The evaluator's comment on one realisation entry (its field is named after the entry, so the error
    shows beside the right one when the page has many)."""
    name = f"{COMMENT_PREFIX}{entry_id}"
    check = Checker(language(request))
    comment = check.required(name, text(form, name))
    if check.errors:
        return await _realisation_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                       status=422)
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/realisation/{entry_id}/comments", viewer.token,
                       json={"comment": comment})
    except ApiError as error:
        return await _realisation_page(request, viewer, api, plan_id, values=values_of(form), status=error.status,
                                       errors=FormErrors.from_api(error, {"comment": name, "entry_id": name}))
    flash(request, "real.commented")
    return RedirectResponse(f"/skp/{plan_id}/realisasi#entri-{entry_id}", status_code=303)


@router.get("/skp/{plan_id}/realisasi")
async def realisation(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await _realisation_page(request, viewer, api, plan_id)


ENTRY_FIELDS = {"entries.0.iki_id": "iki_id", "entries.0.value": "value", "entries.0.occurred_on": "occurred_on",
                "entries.0.description": "description", "entries.0.evidence": "evidence_url",
                "entries.0": "value", "entries": "value"}


@router.post("/skp/{plan_id}/realisasi")
async def report_realisation(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                             form: Form) -> Response:
    """One entry; its ``entry_id`` is fixed when the form is shown, so a double submit is counted once."""
    check = Checker(language(request))
    iki_id = check.required("iki_id", text(form, "iki_id"))
    value = check.number("value", text(form, "value"))
    occurred_on = check.day("occurred_on", text(form, "occurred_on"))
    description = check.required("description", text(form, "description"))
    entry: dict[str, Any] = {"iki_id": iki_id, "value": value, "occurred_on": occurred_on,
                             "description": description}
    try:
        entry["entry_id"] = str(uuid.UUID(text(form, "entry_id")))
    except ValueError:
        entry["entry_id"] = str(uuid.uuid4())
    evidence = text(form, "evidence_url")
    if evidence:
        entry["evidence"] = [{"kind": "link", "uri": evidence}]
    if check.errors:
        return await _realisation_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                       status=422)
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/realisation", viewer.token, json={"entries": [entry]})
    except ApiError as error:
        return await _realisation_page(request, viewer, api, plan_id, values=values_of(form), status=error.status,
                                       errors=FormErrors.from_api(error, ENTRY_FIELDS))
    flash(request, "real.saved")
    return RedirectResponse(f"/skp/{plan_id}/realisasi", status_code=303)


@router.post("/skp/{plan_id}/realisasi/impor")
async def import_realisation(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                             form: Form) -> Response:
    """A CSV file passed to planning as it is; planning checks every row and records all or none."""
    upload = form.get("file")
    lang = language(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = FormErrors()
        errors.add("file", translate(lang, "form.required"))
        return await _realisation_page(request, viewer, api, plan_id, import_errors=errors, status=422)
    content = await upload.read()
    try:
        result = await api.call("planning", "POST", f"/plans/{plan_id}/realisation/import", viewer.token,
                                content=content, content_type="text/csv")
    except ApiError as error:
        return await _realisation_page(request, viewer, api, plan_id, status=error.status,
                                       import_errors=FormErrors.from_api(error, {"file": "file"}))
    flash(request, "real.imported", count=result["recorded"])
    return RedirectResponse(f"/skp/{plan_id}/realisasi", status_code=303)
