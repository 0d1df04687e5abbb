"""Official documents in the portal (issue 15): download the SKP and the Dokumen Evaluasi Kinerja Pegawai,
sign them (the passphrase and NIK asked only when the office signs through BSrE; with the development CA a
confirmation), and the public verification page ``/verifikasi/<code>`` (no sign-in: whoever holds a printed
document checks it)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.i18n import translate
from kinerja_portal.web import Api, CurrentViewer, Form, Viewer, flash, language, render, requires, text

router = APIRouter()
KINDS = {"skp": ("planning", "/plans/{id}", "/skp/{id}"), "penilaian": ("evaluation", "/appraisals/{id}",
                                                                      "/penilaian/{id}")}


def _where(kind: str, subject: uuid.UUID) -> tuple[str, str, str]:
    service, api_path, page = KINDS[kind]
    return service, api_path.format(id=subject), page.format(id=subject)


async def _download(viewer: Viewer, api: Services, kind: str, subject: uuid.UUID) -> Response:
    service, path, _ = _where(kind, subject)
    return _pdf(await api.raw(service, "GET", f"{path}/document", viewer.token))


def _pdf(found: httpx.Response) -> Response:
    return Response(found.content, media_type="application/pdf", headers={
        "Content-Disposition": found.headers.get("content-disposition", "attachment"),
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store"})


@router.get("/skp/{plan_id}/dokumen")
async def skp_document(plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    """The SKP as PDF (the signed version once signed), for whoever may read the SKP."""
    return await _download(viewer, api, "skp", plan_id)


@router.get("/penilaian/{appraisal_id}/dokumen")
async def evaluation_document(appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await _download(viewer, api, "penilaian", appraisal_id)


@router.get("/rekap/dokumen", dependencies=[requires(Role.PENGELOLA_KEPEGAWAIAN)])
async def recap_document(request: Request, viewer: CurrentViewer, api: Api, unit: str, periode: str,
                         kantor: str = "") -> Response:
    """The office recap of a unit and period as PDF (HR of the office; the service checks it again)."""
    office = kantor if kantor in viewer.principal.offices else viewer.office
    found = await api.raw("evaluation", "GET", f"/offices/{quote(office, safe='')}/units/{quote(unit, safe='')}"
                          "/recap/document", viewer.token, params={"period": periode})
    return _pdf(found)


async def _sign_page(request: Request, viewer: Viewer, api: Services, kind: str, subject: uuid.UUID, *,
                     errors: FormErrors | None = None, values: dict[str, str] | None = None,
                     status: int = 200) -> Response:
    service, path, page = _where(kind, subject)
    state = await api.call(service, "GET", f"{path}/document/state", viewer.token)
    year = None
    if kind == "skp":
        year = (await api.call(service, "GET", path, viewer.token)).get("period_year")
    return render(request, "document_sign.html", {
        "kind": kind, "state": state, "page": page, "year": year, "your_turn": state["next_signer"] == viewer.nip,
        "download": f"{page}/dokumen", "action": f"{page}/dokumen/tandatangan"},
        errors=errors, values=values, status=status)


@router.get("/skp/{plan_id}/dokumen/tandatangan")
async def skp_sign_page(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api) -> Response:
    return await _sign_page(request, viewer, api, "skp", plan_id)


@router.get("/penilaian/{appraisal_id}/dokumen/tandatangan")
async def evaluation_sign_page(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer,
                               api: Api) -> Response:
    return await _sign_page(request, viewer, api, "penilaian", appraisal_id)


async def _sign(request: Request, viewer: Viewer, api: Services, form: Any, kind: str,
                subject: uuid.UUID) -> Response:
    service, path, page = _where(kind, subject)
    lang = language(request)
    body: dict[str, Any] = {}
    errors = FormErrors()
    if text(form, "passphrase") or text(form, "nik"):  # BSrE: what the signer typed goes to the service once
        body = {"passphrase": text(form, "passphrase") or None, "nik": text(form, "nik") or None}
    elif text(form, "setuju") != "ya":
        errors.fields["setuju"] = translate(lang, "doc.confirm_required")
    if not errors:
        try:
            await api.call(service, "POST", f"{path}/document/signatures", viewer.token, json=body)
        except ApiError as error:
            errors = FormErrors.from_api(error, {"passphrase": "passphrase", "nik": "nik"})
            return await _sign_page(request, viewer, api, kind, subject, errors=errors,
                                    values={"nik": text(form, "nik")}, status=error.status)
        flash(request, "doc.signed")
        return RedirectResponse(f"{page}/dokumen/tandatangan", status_code=303)
    return await _sign_page(request, viewer, api, kind, subject, errors=errors, status=422)


@router.post("/skp/{plan_id}/dokumen/tandatangan")
async def skp_sign(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    return await _sign(request, viewer, api, form, "skp", plan_id)


@router.post("/penilaian/{appraisal_id}/dokumen/tandatangan")
async def evaluation_sign(request: Request, appraisal_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                          form: Form) -> Response:
    return await _sign(request, viewer, api, form, "penilaian", appraisal_id)


@router.get("/verifikasi")
async def verification_form(request: Request, kode: str = "") -> Response:
    """The public page: a form for a code (or straight to its answer when ``?kode=`` is given)."""
    code = "".join(ch for ch in kode.upper() if ch.isalnum())
    if code:
        return RedirectResponse(f"/verifikasi/{code}", status_code=303)
    return render(request, "verification.html", {"code": "", "found": None})


@router.get("/verifikasi/{code}")
async def verification(request: Request, code: str, api: Api) -> Response:
    """Public: whether the document with this code still follows from the event history."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    found: dict[str, Any] | None = None
    if len(normal) == 16:
        for service in ("planning", "evaluation"):
            try:
                answer = await api.public(service, f"/documents/{normal}/verification")
            except ApiError:
                continue
            if answer.get("found"):
                found = answer
                break
    display = "-".join(normal[i:i + 4] for i in range(0, len(normal), 4))
    return render(request, "verification.html", {"code": display, "found": found or {"found": False}},
                  status=200 if found else 404)
