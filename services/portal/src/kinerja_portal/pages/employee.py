"""Pegawai: my SKPs, drafting, RHKs with the cascade choice, submitting, realisation with progress bars."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import field_label, translate
from kinerja_portal.numbers import format_id_number
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

ASPECTS = ("kuantitas", "kualitas", "waktu")
CASCADED = ("ja", "jf")  # their RHKs cite the evaluator's RHK; JPT and unit heads cite an agreement or assignment


@router.get("/skp", dependencies=[requires(Role.PEGAWAI)])
async def my_plans(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _plans_page(request, viewer, api)


async def _plans_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                      values: dict[str, str] | None = None, status: int = 200) -> Response:
    plans = await api.call("planning", "GET", "/me/plans", viewer.token)
    return render(request, "skp_list.html", {"plans": plans, "this_year": date.today().year},
                  errors=errors, values=values, status=status)


@router.post("/skp", dependencies=[requires(Role.PEGAWAI)])
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
                     submit_errors: FormErrors | None = None, status: int = 200,
                     plan: dict[str, Any] | None = None) -> Response:
    if plan is None:  # the page's own GET passes the SKP it already read
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


@router.get("/skp/{plan_id}", dependencies=[requires(Role.PEGAWAI)])
async def plan_detail(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    """The owner's SKP page; the evaluator (arriving from a notification) gets the review page."""
    plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
    if plan["employee_id"] != viewer.nip and plan["evaluator_id"] == viewer.nip:
        return RedirectResponse(f"/tim/skp/{plan_id}", status_code=303)
    return await _plan_page(request, viewer, api, plan_id, plan=plan)


RHK_FIELDS = {
    "rhk.title": "title", "rhk.kind": "kind", "rhk.intervention": "link", "rhk.source": "source_ref",
    "rhk.source.kind": "source_kind", "rhk.ikis": "iki_description", "rhk.ikis.0.description": "iki_description",
    "rhk": "title", "expected_version": "title",
}


@router.post("/skp/{plan_id}/rhk", dependencies=[requires(Role.PEGAWAI)])
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


@router.post("/skp/{plan_id}/ajukan", dependencies=[requires(Role.PEGAWAI)])
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
    plan, progress = await asyncio.gather(api.call("planning", "GET", f"/plans/{plan_id}", viewer.token),
                                          api.call("planning", "GET", f"/plans/{plan_id}/realisation", viewer.token))
    today = _day_in_year(progress.get("today"), plan["period_year"])
    fresh = {"entry_id": str(uuid.uuid4()), "occurred_on": today}
    lang = language(request)
    mine = plan["employee_id"] == viewer.nip
    return render(request, "realisation.html", {
        "plan": plan, "progress": progress, "import_errors": import_errors or FormErrors(),
        "can_report": plan["status"] in ("approved", "revising") and mine, "is_owner": mine,
        "can_comment": plan["evaluator_id"] == viewer.nip, "today": progress.get("today"),
        "returned": [e for e in progress["entries"] if e.get("status") == "returned"],
        "file_limit": FILE_LIMIT_TEXT,
        **({"current_path": "/tim"} if plan["evaluator_id"] == viewer.nip else {}),  # the menu marks the team
        "entry_field_label": lambda name: (translate(lang, "real.comment") if name.startswith(COMMENT_PREFIX)
                                           else translate(lang, "real.return") if name.startswith(RETURN_PREFIX)
                                           else field_label(lang, name)),
    }, errors=errors, values=values if values is not None else fresh, status=status)


def _day_in_year(today: str | None, year: int) -> str:
    """The form's default day: today in the office (as planning says), or the SKP year's last day once it is over."""
    day = date.fromisoformat(today) if today else date.today()
    return min(day, date(year, 12, 31)).isoformat() if day.year >= year else date(year, 1, 1).isoformat()


COMMENT_PREFIX = "comment_"
RETURN_PREFIX = "return_"
FILE_LIMIT_TEXT = "10 MB"
MAX_FILE_BYTES = 10 * 1024 * 1024


@router.post("/skp/{plan_id}/realisasi/{entry_id}/catatan", dependencies=[requires(*STAFF)])
async def comment_on_entry(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: CurrentViewer,
                           api: Api, form: Form) -> Response:
    """The evaluator's comment on one realisation entry."""
    return await _entry_action(request, plan_id, entry_id, viewer, api, form, prefix=COMMENT_PREFIX,
                               action="comments", key="comment", done="real.commented")


@router.post("/skp/{plan_id}/realisasi/{entry_id}/kembalikan", dependencies=[requires(*STAFF)])
async def return_entry(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: CurrentViewer,
                       api: Api, form: Form) -> Response:
    """The evaluator sends one entry back for correction, saying why."""
    return await _entry_action(request, plan_id, entry_id, viewer, api, form, prefix=RETURN_PREFIX,
                               action="return", key="reason", done="real.returned_done")


async def _entry_action(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: Viewer, api: Services,
                        form: FormData, *, prefix: str, action: str, key: str, done: str) -> Response:
    """One required text about one realisation entry, sent to planning. Its field is named after the entry, so
    the error shows beside the right one when the page has many."""
    name = f"{prefix}{entry_id}"
    check = Checker(language(request))
    value = check.required(name, text(form, name))
    if check.errors:
        return await _realisation_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                       status=422)
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/realisation/{entry_id}/{action}", viewer.token,
                       json={key: value})
    except ApiError as error:
        return await _realisation_page(request, viewer, api, plan_id, values=values_of(form), status=error.status,
                                       errors=FormErrors.from_api(error, {key: name, "entry_id": name}))
    flash(request, done)
    return RedirectResponse(f"/skp/{plan_id}/realisasi#entri-{entry_id}", status_code=303)


@router.get("/skp/{plan_id}/realisasi", dependencies=[requires(*STAFF)])
async def realisation(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await _realisation_page(request, viewer, api, plan_id)


ENTRY_FIELDS = {"entries.0.iki_id": "iki_id", "entries.0.value": "value", "entries.0.occurred_on": "occurred_on",
                "entries.0.description": "description", "entries.0.evidence.0": "evidence_url",
                "entries.0.evidence.0.uri": "evidence_url", "entries.0.evidence.1.sha256": "evidence_file",
                "entries.0.evidence.0.sha256": "evidence_file", "entries.0.evidence": "evidence_url",
                "entries.0": "value", "entries": "value"}


async def _upload(api: Services, viewer: Viewer, plan_id: uuid.UUID, upload: UploadFile,
                  errors: FormErrors, lang: str) -> dict[str, Any] | None:
    """The file kept by planning (its evidence reference), or None with the refusal beside ``evidence_file``."""
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        errors.add("evidence_file", translate(lang, "real.file_too_large", limit=FILE_LIMIT_TEXT))
        return None
    try:
        stored = await api.call("planning", "POST", f"/plans/{plan_id}/evidence", viewer.token, files={
            "file": (upload.filename or "bukti", data, "application/octet-stream")})
    except ApiError as error:
        found = FormErrors.from_api(error, {"file": "evidence_file", "body": "evidence_file"})
        errors.add("evidence_file", found.fields.get("evidence_file") or (found.general or [error.shown])[0])
        return None
    return {"kind": "file", "sha256": stored["sha256"], "name": stored["name"]}


@router.post("/skp/{plan_id}/realisasi", dependencies=[requires(Role.PEGAWAI)])
async def report_realisation(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                             form: Form) -> Response:
    """One entry, with a link and/or a file as evidence; its ``entry_id`` is fixed when the form is shown, so a
    double submit is counted once. The file is kept only once the other fields pass the portal's checks, and is
    never served unless the entry citing it is recorded."""
    lang = language(request)
    check = Checker(lang)
    iki_id = check.required("iki_id", text(form, "iki_id"))
    value = check.number("value", text(form, "value"))
    occurred_on = check.day("occurred_on", text(form, "occurred_on"))
    description = check.required("description", text(form, "description"))
    entry: dict[str, Any] = {"iki_id": iki_id, "value": value, "occurred_on": occurred_on,
                             "description": description, "evidence": []}
    try:
        entry["entry_id"] = str(uuid.UUID(text(form, "entry_id")))
    except ValueError:
        entry["entry_id"] = str(uuid.uuid4())
    link = text(form, "evidence_url")
    if link:
        entry["evidence"].append({"kind": "link", "uri": link})
    if check.errors:
        return await _realisation_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                       status=422)
    upload = form.get("evidence_file")
    if isinstance(upload, UploadFile) and upload.filename:
        stored = await _upload(api, viewer, plan_id, upload, check.errors, lang)
        if stored is None:
            return await _realisation_page(request, viewer, api, plan_id, errors=check.errors,
                                           values=values_of(form), status=422)
        entry["evidence"].append(stored)
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/realisation", viewer.token, json={"entries": [entry]})
    except ApiError as error:
        return await _realisation_page(request, viewer, api, plan_id, values=values_of(form), status=error.status,
                                       errors=FormErrors.from_api(error, ENTRY_FIELDS))
    flash(request, "real.saved")
    return RedirectResponse(f"/skp/{plan_id}/realisasi", status_code=303)


@router.get("/skp/{plan_id}/bukti/{sha256}")
async def download_evidence(plan_id: uuid.UUID, sha256: str, viewer: CurrentViewer, api: Api) -> Response:
    """An evidence file, passed on as planning sends it: an attachment of a checked type, never a page."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise_not_found()
    found = await api.raw("planning", "GET", f"/plans/{plan_id}/evidence/{sha256}", viewer.token)
    return Response(found.content, media_type=found.headers.get("content-type", "application/octet-stream"), headers={
        "Content-Disposition": found.headers.get("content-disposition", "attachment"),
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store"})


def raise_not_found() -> None:
    from starlette.exceptions import HTTPException

    raise HTTPException(status_code=404)


async def _entry_page(request: Request, viewer: Viewer, api: Services, plan_id: uuid.UUID, entry_id: uuid.UUID, *,
                      errors: FormErrors | None = None, values: dict[str, str] | None = None,
                      status: int = 200) -> Response:
    plan, progress = await asyncio.gather(api.call("planning", "GET", f"/plans/{plan_id}", viewer.token),
                                          api.call("planning", "GET", f"/plans/{plan_id}/realisation", viewer.token))
    entry = next((e for e in progress["entries"] if e["entry_id"] == str(entry_id)), None)
    if entry is None:
        raise_not_found()
    assert entry is not None
    iki: dict[str, Any] = next((i for i in progress["ikis"] if i["iki_id"] == entry["iki_id"]), {})
    shown = values if values is not None else {
        "value": format_id_number(entry["value"]), "occurred_on": entry["occurred_on"],
        "description": entry["description"],
        "evidence_url": next((e["uri"] for e in entry.get("evidence") or [] if e["kind"] == "link"), "")}
    return render(request, "realisation_fix.html", {
        "plan": plan, "entry": entry, "iki": iki, "today": progress.get("today"),
        "can_fix": plan["employee_id"] == viewer.nip and entry["status"] == "returned",
        "can_withdraw": plan["employee_id"] == viewer.nip and entry["status"] != "withdrawn",
        "file_limit": FILE_LIMIT_TEXT,
        "kept": [e.get("name") or "berkas" for e in entry.get("evidence") or [] if e["kind"] == "file"],
    }, errors=errors, values=shown, status=status)


@router.get("/skp/{plan_id}/realisasi/{entry_id}/perbaiki", dependencies=[requires(Role.PEGAWAI)])
async def fix_entry_page(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: CurrentViewer,
                         api: Api) -> Response:
    return await _entry_page(request, viewer, api, plan_id, entry_id)


FIX_FIELDS = {"value": "value", "occurred_on": "occurred_on", "description": "description", "note": "note",
              "evidence.0": "evidence_url", "evidence.0.uri": "evidence_url", "evidence.0.sha256": "evidence_file",
              "evidence.1.sha256": "evidence_file", "entry_id": "value"}


@router.post("/skp/{plan_id}/realisasi/{entry_id}/perbaiki", dependencies=[requires(Role.PEGAWAI)])
async def fix_entry(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                    form: Form) -> Response:
    """The employee corrects an entry the evaluator sent back (the evidence given here replaces the old)."""
    lang = language(request)
    check = Checker(lang)
    value = check.number("value", text(form, "value"))
    occurred_on = check.day("occurred_on", text(form, "occurred_on"))
    description = check.required("description", text(form, "description"))
    evidence: list[dict[str, Any]] = []
    if text(form, "evidence_url"):
        evidence.append({"kind": "link", "uri": text(form, "evidence_url")})
    if check.errors:
        return await _entry_page(request, viewer, api, plan_id, entry_id, errors=check.errors,
                                 values=values_of(form), status=422)
    upload = form.get("evidence_file")
    if isinstance(upload, UploadFile) and upload.filename:
        stored = await _upload(api, viewer, plan_id, upload, check.errors, lang)
        if stored is None:
            return await _entry_page(request, viewer, api, plan_id, entry_id, errors=check.errors,
                                     values=values_of(form), status=422)
        evidence.append(stored)
    else:  # no new file: the files the entry cited stay
        progress = await api.call("planning", "GET", f"/plans/{plan_id}/realisation", viewer.token)
        old: dict[str, Any] = next((e for e in progress["entries"] if e["entry_id"] == str(entry_id)), {})
        evidence += [{"kind": "file", "sha256": e["sha256"], "name": e.get("name")}
                     for e in old.get("evidence") or [] if e["kind"] == "file"]
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/realisation/{entry_id}/correction", viewer.token,
                       json={"value": value, "occurred_on": occurred_on, "description": description,
                             "evidence": evidence, "note": text(form, "note") or None})
    except ApiError as error:
        return await _entry_page(request, viewer, api, plan_id, entry_id, values=values_of(form),
                                 status=error.status, errors=FormErrors.from_api(error, FIX_FIELDS))
    flash(request, "real.fixed")
    return RedirectResponse(f"/skp/{plan_id}/realisasi#entri-{entry_id}", status_code=303)


@router.post("/skp/{plan_id}/realisasi/{entry_id}/tarik", dependencies=[requires(Role.PEGAWAI)])
async def withdraw_entry(request: Request, plan_id: uuid.UUID, entry_id: uuid.UUID, viewer: CurrentViewer,
                         api: Api, form: Form) -> Response:
    try:
        await api.call("planning", "POST", f"/plans/{plan_id}/realisation/{entry_id}/withdrawal", viewer.token,
                       json={"reason": text(form, "withdraw_reason") or None})
    except ApiError as error:
        return await _entry_page(request, viewer, api, plan_id, entry_id, values=values_of(form),
                                 status=error.status,
                                 errors=FormErrors.from_api(error, {"reason": "withdraw_reason",
                                                                    "entry_id": "withdraw_reason"}))
    flash(request, "real.withdrawn")
    return RedirectResponse(f"/skp/{plan_id}/realisasi#entri-{entry_id}", status_code=303)


@router.post("/skp/{plan_id}/realisasi/impor", dependencies=[requires(Role.PEGAWAI)])
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
