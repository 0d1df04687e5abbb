"""Auditor: an employee's timeline merged across the services, hash-chain verification, evidence packs."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from kinerja_kernel.identity import nip_problem
from kinerja_portal.clients import SERVICES, ApiError, FormErrors, Services, ServiceUnavailable
from kinerja_portal.forms import Checker
from kinerja_portal.web import Api, CurrentViewer, Viewer, language, render

router = APIRouter()


async def _timeline(api: Services, viewer: Viewer, service: str, params: dict[str, Any]) -> dict[str, Any]:
    """One service's part; a service that does not answer is named on the page, the others still show."""
    try:
        timeline, verified = await asyncio.gather(
            api.call(service, "GET", "/audit/timeline", viewer.token, params=params),
            api.call(service, "GET", "/audit/verify", viewer.token, params={"subject": params["subject"]}))
    except ServiceUnavailable:
        return {"service": service, "entries": [], "verify": None}
    return {"service": service, "entries": timeline["entries"], "verify": verified}


@router.get("/audit")
async def audit(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """The trail of one employee (NIP) from every service, newest last, filtered by kind and dates."""
    query = request.query_params
    values = {k: query.get(k, "") for k in ("nip", "jenis", "sejak", "sampai")}
    if not values["nip"]:
        return render(request, "audit.html", {"results": None}, values=values)
    check = Checker(language(request))
    if (problem := nip_problem(values["nip"])) is not None:
        check.errors.add("nip", problem)
    since = check.day("sejak", values["sejak"]) if values["sejak"] else None
    until = check.day("sampai", values["sampai"]) if values["sampai"] else None
    if check.errors:
        return render(request, "audit.html", {"results": None}, errors=check.errors, values=values, status=422)
    params: dict[str, Any] = {"subject": values["nip"]}
    if values["jenis"]:
        params["kind"] = values["jenis"]
    if since:
        params["since"] = f"{since}T00:00:00Z"
    if until:
        params["until"] = f"{until}T23:59:59Z"
    try:
        results = await asyncio.gather(*(_timeline(api, viewer, s, params) for s in SERVICES))
    except ApiError as error:
        return render(request, "audit.html", {"results": None}, values=values, status=error.status,
                      errors=FormErrors.from_api(error, {"subject": "nip", "since": "sejak", "until": "sampai"}))
    entries = sorted(((r["service"], e) for r in results for e in r["entries"]),
                     key=lambda pair: str(pair[1]["recorded_at"]))
    return render(request, "audit.html", {"results": results, "entries": entries}, values=values)


@router.get("/audit/paket/{service}")
async def evidence_pack(request: Request, service: str, viewer: CurrentViewer, api: Api) -> Response:
    """The service's evidence pack for the employee (zip: events, verification, report, manifest)."""
    nip = request.query_params.get("nip", "")
    if service not in SERVICES or nip_problem(nip) is not None:
        return Response(status_code=404)
    answer = await api.raw(service, "GET", "/audit/evidence-pack", viewer.token, params={"subject": nip})
    disposition = answer.headers.get("Content-Disposition", f'attachment; filename="bukti-{service}.zip"')
    return Response(answer.content, media_type="application/zip", headers={"Content-Disposition": disposition})
