"""Pengelola kepegawaian: the office's talent 9-box and who is eligible for regular promotion, and why."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request
from starlette.responses import Response

from kinerja_portal.clients import ApiError, FormErrors
from kinerja_portal.forms import Checker
from kinerja_portal.web import Api, CurrentViewer, language, render

router = APIRouter()

# The 9-box as people read it: potential from high (top row) to low, performance from below to above
# expectation (left to right); the numbers are the career service's boxes (7-9 the succession pool).
POTENTIAL_ROWS: Final = ("tinggi", "menengah", "rendah")
PERFORMANCE_COLUMNS: Final = ("di_bawah_ekspektasi", "sesuai_ekspektasi", "di_atas_ekspektasi")
BOX_LAYOUT: Final = ((6, 8, 9), (3, 5, 7), (1, 2, 4))


def nine_box(grid: dict[str, list[dict[str, Any]]]) -> list[tuple[str, list[tuple[int, list[dict[str, Any]]]]]]:
    """The service's ``grid`` (box number -> people) as table rows: (potential, [(box, people) per column])."""
    return [(potential, [(box, grid.get(str(box)) or []) for box in boxes])
            for potential, boxes in zip(POTENTIAL_ROWS, BOX_LAYOUT, strict=True)]


@router.get("/talenta")
async def talent(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    found = await api.call("career", "GET", f"/offices/{viewer.office}/talent", viewer.token)
    return render(request, "talent.html", {"office": viewer.office, "found": found,
                                           "rows": nine_box(found.get("grid") or {}),
                                           "columns": PERFORMANCE_COLUMNS})


@router.get("/kenaikan-pangkat")
async def promotions(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    typed = request.query_params.get("per", "").strip()
    check = Checker(language(request))
    as_of = check.day("per", typed) if typed else None
    values = {"per": typed}
    if check.errors:
        return render(request, "promotions.html", {"office": viewer.office, "found": None}, errors=check.errors,
                      values=values, status=422)
    try:
        found = await api.call("career", "GET", f"/offices/{viewer.office}/promotions", viewer.token,
                               params={"as_of": as_of} if as_of else None)
    except ApiError as error:
        errors = FormErrors.from_api(error, {"as_of": "per", "query.as_of": "per"})
        return render(request, "promotions.html", {"office": viewer.office, "found": None}, errors=errors,
                      values=values, status=error.status)
    return render(request, "promotions.html", {"office": viewer.office, "found": found}, values=values)
