"""Pengelola kepegawaian: the office roster (unit, position, evaluator and superior by name), one employee's
roster form, the roster import (CSV, all or nothing) and acting officials (Plt/Plh)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import label, translate
from kinerja_portal.pages.career import day_input
from kinerja_portal.web import Api, CurrentViewer, Form, Viewer, flash, language, render, requires, values_of

router = APIRouter(dependencies=[requires(Role.PENGELOLA_KEPEGAWAIAN)])  # HR forms only for HR (a 403 page)

EMPLOYEE_FIELDS = {"name": "r_name", "unit_id": "r_unit", "position": "r_position", "position_type": "r_position_type",
                   "employment": "r_employment", "evaluator_id": "r_evaluator", "superior_id": "r_superior",
                   "reason": "r_reason", "office_id": "r_unit", "employee_id": "r_name"}
ACTING_FIELDS = {"absent_id": "a_absent", "acting_id": "a_acting", "kind": "a_kind", "starts_on": "a_starts_on",
                 "ends_on": "a_ends_on", "reason": "a_reason", "decree_number": "a_decree"}


# -- pure parts (unit-tested) -------------------------------------------------------------------------------
def roster_rows(roster: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The roster with the evaluator's and the superior's names (a NIP not on the roster stays a NIP)."""
    names = {str(r["employee_id"]): r.get("name") or str(r["employee_id"]) for r in roster}
    return [{**r, "evaluator_name": names.get(r["evaluator_id"]) if r.get("evaluator_id") else None,
             "superior_name": names.get(r["superior_id"]) if r.get("superior_id") else None} for r in roster]


def long_date(lang: str, value: str) -> str:
    """``2026-12-03`` as people write it: ``3 Desember 2026``."""
    day = date.fromisoformat(value)
    return f"{day.day} {label(lang, 'month', str(day.month))} {day.year}"


def import_problems(error: ApiError) -> list[dict[str, str]]:
    """The refused rows of a roster import (``baris 3.nip_penilai``): line, column and the message without the
    ``Baris 3 (<NIP>):`` the table already says."""
    problems = []
    for item in error.errors:
        found = re.fullmatch(r"baris (\d+)\.(\w+)", item.field)
        if found is None:
            continue
        message = re.sub(r"^(baris \d+\.\w+|Baris \d+ \([^)]*\)): ", "", item.message)
        problems.append({"line": found[1], "column": found[2], "message": message})
    return problems


def employee_body(form: dict[str, str], check: Checker, known: set[str]) -> dict[str, Any]:
    """The whole roster entry as the API wants it: every field stated, ``null`` where there is none."""
    body: dict[str, Any] = {
        "name": check.required("r_name", form.get("r_name", "").strip()),
        "unit_id": check.required("r_unit", form.get("r_unit", "").strip()),
        "position": check.required("r_position", form.get("r_position", "").strip()),
        "position_type": check.choice("r_position_type", form.get("r_position_type", ""),
                                      {"jpt", "kepala_unit", "ja", "jf"}),
        "employment": check.choice("r_employment", form.get("r_employment", ""), {"pns", "pppk"}),
    }
    for key, name in (("evaluator_id", "r_evaluator"), ("superior_id", "r_superior")):
        body[key] = check.choice(name, form.get(name, ""), known, required=False)
    if form.get("r_reason", "").strip():
        body["reason"] = form["r_reason"].strip()
    return body


# -- the roster ---------------------------------------------------------------------------------------------
async def _roster(api: Services, viewer: Viewer) -> list[dict[str, Any]]:
    return roster_rows(await api.call("planning", "GET", f"/offices/{viewer.office}/employees", viewer.token))


async def _list_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                     problems: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    return render(request, "roster_list.html", {"office": viewer.office, "rows": await _roster(api, viewer),
                                                 "problems": problems or []}, errors=errors, status=status)


@router.get("/roster")
async def roster(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _list_page(request, viewer, api)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/roster/impor")
async def import_roster(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    """The CSV or XLSX file goes to planning as it is: it checks every row and records all or none."""
    lang = language(request)
    upload = form.get("roster_csv")
    errors = FormErrors()
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("roster_csv", translate(lang, "form.required"))
        return await _list_page(request, viewer, api, errors=errors, status=422)
    content = await upload.read()
    # a workbook by its name or its zip signature; planning refuses one that is not a real XLSX
    is_xlsx = upload.filename.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04")
    try:
        result = await api.call("planning", "POST", f"/offices/{viewer.office}/roster/import", viewer.token,
                                content=content, content_type=XLSX if is_xlsx else "text/csv")
    except ApiError as error:
        problems = import_problems(error)
        if problems:
            errors.add("roster_csv", translate(lang, "ros.import_refused", count=len(problems)))
        else:
            errors = FormErrors.from_api(error, {"csv": "roster_csv", "file": "roster_csv",
                                                 "body": "roster_csv"})
        return await _list_page(request, viewer, api, errors=errors, problems=problems, status=error.status)
    flash(request, "ros.imported", rows=result["rows"], changed=result["changed"], unchanged=result["unchanged"])
    return RedirectResponse("/roster", status_code=303)


# -- one employee ---------------------------------------------------------------------------------------------
async def _employee_page(request: Request, viewer: Viewer, api: Services, nip: str, *,
                         errors: FormErrors | None = None, values: dict[str, str] | None = None,
                         status: int = 200) -> Response:
    rows = await _roster(api, viewer)
    row = next((r for r in rows if r["employee_id"] == nip), None)
    if row is None:
        return render(request, "error.html", {"message": translate(language(request), "ros.unknown_employee",
                                                                      nip=nip)}, status=404)
    recorded = {"r_name": row["name"], "r_unit": row["unit_id"], "r_position": row["position"],
                "r_position_type": row["position_type"], "r_employment": row["employment"],
                "r_evaluator": row["evaluator_id"] or "", "r_superior": row["superior_id"] or ""}
    people = [(r["employee_id"], f"{r['name']} — {r['position']}") for r in rows if r["employee_id"] != nip]
    return render(request, "roster_employee.html", {"row": row, "people": people}, errors=errors,
                  values=recorded | (values or {}), status=status)


@router.get("/roster/pegawai/{nip}")
async def employee(request: Request, nip: str, viewer: CurrentViewer, api: Api) -> Response:
    return await _employee_page(request, viewer, api, nip)


@router.post("/roster/pegawai/{nip}")
async def save_employee(request: Request, nip: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    typed = values_of(form)
    check = Checker(language(request))
    rows = await _roster(api, viewer)
    body = employee_body(typed, check, {r["employee_id"] for r in rows})
    if check.errors:
        return await _employee_page(request, viewer, api, nip, errors=check.errors, values=typed, status=422)
    before = next((r for r in rows if r["employee_id"] == nip), None)
    try:
        result = await api.call("planning", "PUT", f"/offices/{viewer.office}/employees/{nip}", viewer.token,
                                json=body)
    except ApiError as error:
        return await _employee_page(request, viewer, api, nip, values=typed, status=error.status,
                                    errors=FormErrors.from_api(error, EMPLOYEE_FIELDS))
    unchanged = before is not None and all(before.get(k) == body.get(k) for k in body if k != "reason")
    flash(request, "ros.unchanged" if unchanged else "ros.saved", name=body["name"], version=result["version"])
    return RedirectResponse("/roster", status_code=303)


# -- acting officials ---------------------------------------------------------------------------------------
async def _acting_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                       values: dict[str, str] | None = None, status: int = 200) -> Response:
    rows = await _roster(api, viewer)
    appointments = await api.call("planning", "GET", f"/offices/{viewer.office}/acting-appointments", viewer.token)
    people = [(r["employee_id"], f"{r['name']} — {r['position']}") for r in rows]
    lang = language(request)
    for a in appointments:
        a["starts_label"], a["ends_label"] = long_date(lang, a["starts_on"]), long_date(lang, a["ends_on"])
        a["cancelled"] = a["ends_on"] < a["starts_on"]
    return render(request, "roster_acting.html", {"appointments": appointments, "people": people,
                                                  "day_input": day_input}, errors=errors,
                  values={"a_kind": "plh"} | (values or {}), status=status)


@router.get("/roster/plt")
async def acting(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _acting_page(request, viewer, api)


@router.post("/roster/plt")
async def appoint(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    lang = language(request)
    typed = values_of(form)
    check = Checker(lang)
    body: dict[str, Any] = {
        "absent_id": check.required("a_absent", typed.get("a_absent", "")),
        "acting_id": check.required("a_acting", typed.get("a_acting", "")),
        "kind": check.choice("a_kind", typed.get("a_kind", ""), {"plt", "plh"}),
        "starts_on": check.day("a_starts_on", typed.get("a_starts_on", "")),
        "ends_on": check.day("a_ends_on", typed.get("a_ends_on", "")),
        "reason": check.required("a_reason", typed.get("a_reason", "").strip()),
    }
    if typed.get("a_decree", "").strip():
        body["decree_number"] = typed["a_decree"].strip()
    if check.errors:
        return await _acting_page(request, viewer, api, errors=check.errors, values=typed, status=422)
    try:
        await api.call("planning", "POST", f"/offices/{viewer.office}/acting-appointments", viewer.token, json=body)
    except ApiError as error:
        return await _acting_page(request, viewer, api, values=typed, status=error.status,
                                  errors=FormErrors.from_api(error, ACTING_FIELDS))
    names = {r["employee_id"]: r["name"] for r in await _roster(api, viewer)}
    flash(request, "act.saved", acting=names.get(body["acting_id"], body["acting_id"]),
          absent=names.get(body["absent_id"], body["absent_id"]), kind=label(lang, "acting_kind", body["kind"]),
          start=long_date(lang, body["starts_on"]), end=long_date(lang, body["ends_on"]))
    return RedirectResponse("/roster/plt", status_code=303)


@router.post("/roster/plt/{appointment_id}/akhiri")
async def end(request: Request, appointment_id: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    typed = values_of(form)
    check = Checker(language(request))
    reason = check.required("end_reason", typed.get("end_reason", "").strip())
    if check.errors:
        return await _acting_page(request, viewer, api, errors=check.errors, values=typed, status=422)
    path = f"/offices/{viewer.office}/acting-appointments/{appointment_id}/end"
    try:
        await api.call("planning", "POST", path, viewer.token, json={"reason": reason})
    except ApiError as error:
        return await _acting_page(request, viewer, api, values=typed, status=error.status,
                                  errors=FormErrors.from_api(error, {"reason": "end_reason", "ends_on": "end_reason",
                                                                     "appointment_id": "end_reason"}))
    listed = await api.call("planning", "GET", f"/offices/{viewer.office}/acting-appointments", viewer.token)
    found: dict[str, Any] = next((a for a in listed if str(a["appointment_id"]) == appointment_id), {})
    flash(request, "act.ended", acting=found.get("acting_name") or "", absent=found.get("absent_name") or "")
    return RedirectResponse("/roster/plt", status_code=303)
