"""Pengelola kepegawaian: the personnel data the career service needs (rank and TMT, functional position,
potential), a rank import from CSV, and the office's training catalog."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Final

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.career import DEFAULT_COEFFICIENTS, FunctionalLevel
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.formats import format_day
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, label, translate
from kinerja_portal.pages.career import day_input
from kinerja_portal.web import Api, CurrentViewer, Form, Viewer, flash, language, render, requires, text, values_of

router = APIRouter(dependencies=[requires(Role.PENGELOLA_KEPEGAWAIAN)])  # HR forms only for HR (a 403 page)

# the civil servants' (PNS) grades and their standard rank titles: an empty title takes the standard one
PNS_RANKS: Final = {
    "I/a": "Juru Muda", "I/b": "Juru Muda Tingkat I", "I/c": "Juru", "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda", "II/b": "Pengatur Muda Tingkat I", "II/c": "Pengatur", "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda", "III/b": "Penata Muda Tingkat I", "III/c": "Penata", "III/d": "Penata Tingkat I",
    "IV/a": "Pembina", "IV/b": "Pembina Tingkat I", "IV/c": "Pembina Utama Muda", "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
CODE: Final = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


# -- pure parts (unit-tested) -------------------------------------------------------------------------------
def personnel_rows(roster: list[dict[str, Any]], career: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The roster (planning) with what the career service holds for each employee, in roster order; people
    the career service holds data for who are not on the roster come last, marked."""
    by_nip = {str(c["employee_id"]): c for c in career}
    rows = [{"employee_id": str(r["employee_id"]), "name": r.get("name"), "unit_id": r.get("unit_id"),
             "position": r.get("position"), "on_roster": True, "career": by_nip.pop(str(r["employee_id"]), None)}
            for r in roster]
    rows += [{"employee_id": nip, "name": c.get("name"), "unit_id": c.get("unit_id"), "position": c.get("position"),
              "on_roster": False, "career": c} for nip, c in by_nip.items()]
    return rows


def rank_body(form: FormData | dict[str, str], check: Checker) -> dict[str, Any]:
    """Rank and TMT as the API wants them; an empty title takes the grade's standard PNS title."""
    grade = check.required("rank_grade", _text(form, "rank_grade"))
    name = _text(form, "rank_name") or PNS_RANKS.get(grade, "")
    if grade and not name:
        check.errors.add("rank_name", translate(check.lang, "kp.rank_unknown_name", grade=grade))
    body: dict[str, Any] = {"grade": grade, "name": name, "tmt": check.day("rank_tmt", _text(form, "rank_tmt"))}
    if _text(form, "rank_reason"):
        body["reason"] = _text(form, "rank_reason")
    return body


def functional_body(form: FormData | dict[str, str], check: Checker) -> dict[str, Any]:
    body: dict[str, Any] = {
        "level": check.choice("fp_level", _text(form, "fp_level"), set(LABELS["functional_level"])),
        "effective_year": check.integer("fp_year", _text(form, "fp_year")),
    }
    coefficient = check.number("fp_coefficient", _text(form, "fp_coefficient"), required=False)
    if coefficient is not None:
        body["coefficient"] = coefficient
    if _text(form, "fp_reason"):
        body["reason"] = _text(form, "fp_reason")
    return body


def potential_body(form: FormData | dict[str, str], check: Checker) -> dict[str, Any]:
    body: dict[str, Any] = {
        "potential": check.choice("pot_potential", _text(form, "pot_potential"), set(LABELS["potential"])),
        "source": check.required("pot_source", _text(form, "pot_source")),
        "assessed_on": check.day("pot_assessed_on", _text(form, "pot_assessed_on")),
    }
    if _text(form, "pot_reason"):
        body["reason"] = _text(form, "pot_reason")
    return body


def catalog_body(form: FormData | dict[str, str], check: Checker) -> dict[str, Any]:
    """A training catalog entry as the API wants it: a ``nilai`` training names its BerAKHLAK value, a
    ``hasil_kerja`` one names none."""
    trigger = check.choice("cat_trigger", _text(form, "cat_trigger"), set(LABELS["catalog_trigger"]))
    value = _text(form, "cat_value")
    if trigger == "nilai":
        if not value:
            check.errors.add("cat_value", translate(check.lang, "kp.cat_value_needed"))
        else:
            check.choice("cat_value", value, set(LABELS["value"]))
    elif trigger == "hasil_kerja" and value:
        check.errors.add("cat_value", translate(check.lang, "kp.cat_value_unwanted"))
    hours = check.integer("cat_hours", _text(form, "cat_hours"))
    if hours is not None and not 1 <= hours <= 2000:
        check.errors.add("cat_hours", translate(check.lang, "car.hours_range"))
    body: dict[str, Any] = {"title": check.required("cat_title", _text(form, "cat_title")), "trigger": trigger,
                            "hours": hours}
    if value and trigger == "nilai":
        body["value"] = value
    if _text(form, "cat_provider"):
        body["provider"] = _text(form, "cat_provider")
    return body


def import_problems(error: ApiError) -> list[dict[str, str]]:
    """The rows a rank import was refused for, from the API's field errors (``baris 3.tmt``): line, column
    and the message (without the ``Baris 3 (<NIP>):`` the table already says)."""
    problems = []
    for item in error.errors:
        found = re.fullmatch(r"baris (\d+)\.(\w+)", item.field)
        if found is None:
            continue
        message = re.sub(r"^(baris \d+\.\w+|Baris \d+ \([^)]*\)): ", "", item.message)
        problems.append({"line": found[1], "column": found[2], "message": message})
    return problems


def _text(form: FormData | dict[str, str], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _coefficient_defaults(lang: str) -> str:
    return "; ".join(f"{label(lang, 'functional_level', level.value)} {coefficient}"
                     for level, coefficient in DEFAULT_COEFFICIENTS.items())


# -- the office's employees -------------------------------------------------------------------------------
async def _personnel(api: Services, viewer: Viewer) -> list[dict[str, Any]]:
    roster, career = await asyncio.gather(
        api.call("planning", "GET", f"/offices/{viewer.office}/employees", viewer.token),
        api.call("career", "GET", f"/offices/{viewer.office}/employees", viewer.token))
    return personnel_rows(roster, career)


LIST_MAX = 100  # rows the page shows (a search finds anyone; the roster export holds the whole office)


async def _list_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                     problems: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    search = request.query_params.get("cari", "")[:100].strip()
    needle = search.lower()
    rows = [r for r in await _personnel(api, viewer)
            if not needle or needle in (r.get("name") or "").lower() or needle in r["employee_id"]]
    return render(request, "personnel_list.html", {
        "office": viewer.office, "rows": rows[:LIST_MAX], "total": len(rows), "search": search,
        "problems": problems or [],
    }, errors=errors, status=status)


@router.get("/kepegawaian")
async def personnel(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _list_page(request, viewer, api)


@router.post("/kepegawaian/impor-pangkat")
async def import_ranks(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    """A CSV file passed to the career service as it is; it checks every row and records all or none."""
    lang = language(request)
    upload = form.get("rank_csv")
    errors = FormErrors()
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("rank_csv", translate(lang, "form.required"))
        return await _list_page(request, viewer, api, errors=errors, status=422)
    content = await upload.read()
    try:
        result = await api.call("career", "POST", f"/offices/{viewer.office}/ranks/import", viewer.token,
                                content=content, content_type="text/csv")
    except ApiError as error:
        problems = import_problems(error)
        if problems:
            errors.add("rank_csv", translate(lang, "kp.import_refused", count=len(problems)))
        else:
            errors = FormErrors.from_api(error, {"csv": "rank_csv"})
        return await _list_page(request, viewer, api, errors=errors, problems=problems, status=error.status)
    flash(request, "kp.imported", rows=result["rows"], changed=result["changed"])
    return RedirectResponse("/kepegawaian", status_code=303)


# -- one employee's data ----------------------------------------------------------------------------------
def _recorded(row: dict[str, Any]) -> dict[str, str]:
    """What the career service holds, as the forms' starting values."""
    career = row.get("career") or {}
    rank = career.get("rank") or {}
    position = career.get("functional_position") or {}
    talent = career.get("talent") or {}
    return {"rank_grade": rank.get("grade") or "", "rank_name": rank.get("name") or "",
            "rank_tmt": rank.get("tmt") or "", "fp_level": position.get("level") or "",
            "fp_coefficient": position.get("coefficient") or "",
            "fp_year": str(position.get("effective_year") or ""), "pot_potential": talent.get("potential") or "",
            "pot_source": talent.get("potential_source") or "",
            "pot_assessed_on": talent.get("potential_assessed_on") or ""}


async def _employee_page(request: Request, viewer: Viewer, api: Services, nip: str, *,
                         errors: FormErrors | None = None, values: dict[str, str] | None = None,
                         status: int = 200) -> Response:
    rows = await _personnel(api, viewer)
    row = next((r for r in rows if r["employee_id"] == nip), None)
    if row is None:
        row = {"employee_id": nip, "name": None, "unit_id": None, "position": None, "on_roster": False,
               "career": None}
    lang = language(request)
    return render(request, "personnel_employee.html", {
        "row": row, "name": row["name"] or nip, "defaults": _coefficient_defaults(lang),
        "ranks": list(PNS_RANKS.items()), "day_input": day_input,
    }, errors=errors, values=_recorded(row) | (values or {}), status=status)


@router.get("/kepegawaian/pegawai/{nip}")
async def employee(request: Request, nip: str, viewer: CurrentViewer, api: Api) -> Response:
    return await _employee_page(request, viewer, api, nip)


async def _save(request: Request, viewer: Viewer, api: Services, form: FormData, nip: str, *, path: str,
                body: dict[str, Any], check: Checker, mapping: dict[str, str]) -> Response | None:
    """Send one of the employee forms; the page again with the messages when refused, None when saved."""
    typed = values_of(form)
    if check.errors:
        return await _employee_page(request, viewer, api, nip, errors=check.errors, values=typed, status=422)
    try:
        await api.call("career", "PUT", f"/offices/{viewer.office}/employees/{nip}/{path}", viewer.token, json=body)
    except ApiError as error:
        return await _employee_page(request, viewer, api, nip, values=typed, status=error.status,
                                    errors=FormErrors.from_api(error, mapping))
    return None


@router.post("/kepegawaian/pegawai/{nip}/pangkat")
async def save_rank(request: Request, nip: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    body = rank_body(form, check)
    refused = await _save(request, viewer, api, form, nip, path="rank", body=body, check=check, mapping={
        "grade": "rank_grade", "name": "rank_name", "tmt": "rank_tmt", "reason": "rank_reason",
        "employee_id": "rank_grade"})
    if refused:
        return refused
    flash(request, "kp.rank_saved", grade=body["grade"], tmt=format_day(body["tmt"]))
    return RedirectResponse(f"/kepegawaian/pegawai/{nip}", status_code=303)


@router.post("/kepegawaian/pegawai/{nip}/jabatan-fungsional")
async def save_functional(request: Request, nip: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    body = functional_body(form, check)
    refused = await _save(request, viewer, api, form, nip, path="functional-position", body=body, check=check,
                          mapping={"level": "fp_level", "coefficient": "fp_coefficient", "effective_year": "fp_year",
                                   "reason": "fp_reason", "employee_id": "fp_level"})
    if refused:
        return refused
    coefficient = body.get("coefficient") or str(DEFAULT_COEFFICIENTS[FunctionalLevel(body["level"])])
    flash(request, "kp.fp_saved", coefficient=coefficient)
    return RedirectResponse(f"/kepegawaian/pegawai/{nip}", status_code=303)


@router.post("/kepegawaian/pegawai/{nip}/potensi")
async def save_potential(request: Request, nip: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    lang = language(request)
    check = Checker(lang)
    body = potential_body(form, check)
    refused = await _save(request, viewer, api, form, nip, path="potential", body=body, check=check, mapping={
        "potential": "pot_potential", "source": "pot_source", "assessed_on": "pot_assessed_on",
        "reason": "pot_reason", "employee_id": "pot_potential"})
    if refused:
        return refused
    flash(request, "kp.pot_saved", potential=label(lang, "potential", body["potential"]))
    return RedirectResponse(f"/kepegawaian/pegawai/{nip}", status_code=303)


# -- the training catalog ---------------------------------------------------------------------------------
CATALOG_MAPPING: Final = {"title": "cat_title", "trigger": "cat_trigger", "value": "cat_value", "hours": "cat_hours",
                          "provider": "cat_provider", "code": "cat_code", "path.code": "cat_code"}


async def _catalog(api: Services, viewer: Viewer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await api.call("career", "GET", f"/offices/{viewer.office}/training-catalog",
                                                viewer.token)
    return rows


async def _catalog_page(request: Request, viewer: Viewer, api: Services, *, errors: FormErrors | None = None,
                        values: dict[str, str] | None = None, status: int = 200) -> Response:
    return render(request, "personnel_catalog.html", {"office": viewer.office, "entries": await _catalog(api, viewer)},
                  errors=errors, values=values or {"cat_trigger": "nilai"}, status=status)


@router.get("/kepegawaian/katalog")
async def catalog(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    return await _catalog_page(request, viewer, api)


@router.post("/kepegawaian/katalog")
async def add_entry(request: Request, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    lang = language(request)
    check = Checker(lang)
    code = check.required("cat_code", text(form, "cat_code"))
    if code and not CODE.fullmatch(code):
        check.errors.add("cat_code", translate(lang, "kp.cat_code_invalid"))
    body = catalog_body(form, check)
    if code and code in {str(e["code"]) for e in await _catalog(api, viewer)}:
        check.errors.add("cat_code", translate(lang, "kp.cat_code_taken", code=code))
    if check.errors:
        return await _catalog_page(request, viewer, api, errors=check.errors, values=values_of(form), status=422)
    try:
        await api.call("career", "PUT", f"/offices/{viewer.office}/training-catalog/{code}", viewer.token, json=body)
    except ApiError as error:
        return await _catalog_page(request, viewer, api, values=values_of(form), status=error.status,
                                   errors=FormErrors.from_api(error, CATALOG_MAPPING))
    flash(request, "kp.cat_saved", code=code)
    return RedirectResponse("/kepegawaian/katalog", status_code=303)


async def _entry_page(request: Request, viewer: Viewer, api: Services, code: str, *,
                      errors: FormErrors | None = None, values: dict[str, str] | None = None,
                      status: int = 200) -> Response:
    entry = next((e for e in await _catalog(api, viewer) if e["code"] == code), None)
    if entry is None:
        return render(request, "error.html", {"status": 404, "message": translate(
            language(request), "kp.cat_edit", code=code) + ": " + translate(language(request), "common.none")},
            status=404)
    recorded = {"cat_title": entry["title"], "cat_trigger": entry["trigger"], "cat_value": entry.get("value") or "",
                "cat_hours": str(entry["hours"]), "cat_provider": entry.get("provider") or ""}
    return render(request, "personnel_catalog_entry.html", {"entry": entry}, errors=errors,
                  values=recorded | (values or {}), status=status)


@router.get("/kepegawaian/katalog/{code}")
async def entry(request: Request, code: str, viewer: CurrentViewer, api: Api) -> Response:
    return await _entry_page(request, viewer, api, code)


@router.post("/kepegawaian/katalog/{code}")
async def change_entry(request: Request, code: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    check = Checker(language(request))
    body = catalog_body(form, check)
    if check.errors:
        return await _entry_page(request, viewer, api, code, errors=check.errors, values=values_of(form), status=422)
    try:
        await api.call("career", "PUT", f"/offices/{viewer.office}/training-catalog/{code}", viewer.token, json=body)
    except ApiError as error:
        return await _entry_page(request, viewer, api, code, values=values_of(form), status=error.status,
                                 errors=FormErrors.from_api(error, CATALOG_MAPPING))
    flash(request, "kp.cat_saved", code=code)
    return RedirectResponse("/kepegawaian/katalog", status_code=303)


@router.post("/kepegawaian/katalog/{code}/hapus")
async def remove_entry(request: Request, code: str, viewer: CurrentViewer, api: Api, form: Form) -> Response:
    try:
        await api.call("career", "DELETE", f"/offices/{viewer.office}/training-catalog/{code}", viewer.token)
    except ApiError as error:
        return await _catalog_page(request, viewer, api, errors=FormErrors.from_api(error, {}), status=error.status)
    flash(request, "kp.cat_removed", code=code)
    return RedirectResponse("/kepegawaian/katalog", status_code=303)
