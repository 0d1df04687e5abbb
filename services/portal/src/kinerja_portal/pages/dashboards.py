"""Monitoring dashboards: the supervisor's team (/dasbor/tim) and HR's office (/dasbor/kantor), the office recap
per unit and period (/rekap), and the exports of every HR list and recap (/ekspor/<list>.<csv|xlsx>).

Each page asks each service once (its team or office query endpoint), in parallel; the services check the
office and the role. Charts are SVG with presentation attributes (no inline script or style: the CSP)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from kinerja_kernel.auth import Role
from kinerja_portal.clients import ApiError, Services, ServiceUnavailable
from kinerja_portal.exports import FORMATS, Column, Format, export_response
from kinerja_portal.i18n import label
from kinerja_portal.web import Api, CurrentViewer, Viewer, language, render, requires, zone_of

router = APIRouter()
HR = (Role.PENGELOLA_KEPEGAWAIAN, Role.AUDITOR)
SORTS = ("nama", "realisasi", "status", "laporan", "tertinggal")
FILTERS = ("semua", "tertinggal", "belum_disetujui", "belum_lapor", "belum_dinilai")
STATUS_ORDER = {"not_started": 0, "draft": 1, "returned": 2, "submitted": 3, "revising": 4, "approved": 5,
                "closed": 6}
LIST_MAX = 100  # rows a list on the office page shows; the whole list is in its export
PREDICATES = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")


# -- the request's choices ----------------------------------------------------------------------------------
def _year(request: Request) -> int:
    raw = request.query_params.get("tahun", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else date.today().year


def _period(request: Request, year: int) -> str:
    raw = request.query_params.get("periode", "").strip()
    return raw if raw[:4].isdigit() and len(raw) <= 10 else str(year)


def _choice(request: Request, name: str, allowed: Sequence[str]) -> str:
    raw = request.query_params.get(name, "")
    return raw if raw in allowed else allowed[0]


def _office(request: Request, viewer: Viewer) -> str:
    chosen = request.query_params.get("kantor", "")
    return chosen if chosen in viewer.principal.offices else viewer.office


async def _gather(*calls: Any) -> list[Any]:
    return list(await asyncio.gather(*calls))


# -- merging the services' answers --------------------------------------------------------------------------
def merge_members(plans: dict[str, Any], appraisals: dict[str, Any] | None,
                  dialogues: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per member: planning's (status, realisation, behind), evaluation's appraisal and feedback's
    dialogue counts, by NIP."""
    by_nip = {a["employee_id"]: a for a in (appraisals or {}).get("appraisals", [])}
    talks = {d["employee_id"]: d for d in (dialogues or {}).get("members", [])}
    return [{**m, "appraisal": by_nip.get(m["employee_id"]), "dialogues": talks.get(m["employee_id"])}
            for m in plans.get("members", [])]


def _unrated(member: dict[str, Any]) -> bool:
    appraisal = member.get("appraisal")
    return appraisal is None or appraisal["rating"] not in ("rated", "final")


FILTER_RULES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "semua": lambda m: True,
    "tertinggal": lambda m: bool(m["behind"]),
    "belum_disetujui": lambda m: m["blocked_by"] is not None or m["status"] not in ("approved", "closed"),
    "belum_lapor": lambda m: not m["reported_this_month"],
    "belum_dinilai": _unrated,
}

SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "nama": lambda m: (m["name"] or "").lower(),
    "realisasi": lambda m: m["overall_percent"] or 0,
    "status": lambda m: STATUS_ORDER.get(m["status"], 9),
    "laporan": lambda m: m["last_occurred_on"] or "",
    "tertinggal": lambda m: (-len(m["behind"]), (m["name"] or "").lower()),
}


def chosen_members(members: list[dict[str, Any]], *, shown: str, sort: str, descending: bool, search: str,
                   unit: str = "") -> list[dict[str, Any]]:
    """The members the filter, the search (name or NIP) and the unit keep, in the chosen order."""
    needle = search.strip().lower()
    kept = [m for m in members if FILTER_RULES[shown](m)
            and (not needle or needle in (m["name"] or "").lower() or needle in m["employee_id"])
            and (not unit or m["unit_id"] == unit)]
    ordered = sorted(kept, key=SORT_KEYS[sort], reverse=descending)
    if sort == "realisasi":  # members without a measurable IKI come last either way
        ordered = [m for m in ordered if m["overall_percent"] is not None] + \
            [m for m in ordered if m["overall_percent"] is None]
    return ordered


# -- charts (geometry computed here; the template only draws) -----------------------------------------------
def status_chart(members: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Per unit, a stacked bar of the SKP statuses (share of the unit's members)."""
    units: dict[str, dict[str, int]] = {}
    for m in members:
        counts = units.setdefault(m["unit_id"], {})
        counts[m["status"]] = counts.get(m["status"], 0) + 1
    return status_chart_of(units)


def status_chart_of(units: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The same chart from each unit's members per status (planning's office summary counts them)."""
    rows: list[dict[str, Any]] = []
    for unit, counts in sorted(units.items()):
        total = sum(counts.values())
        x = 0.0
        parts: list[dict[str, Any]] = []
        for status in sorted(counts, key=lambda s: STATUS_ORDER.get(s, 9)):
            width = 100 * counts[status] / total
            parts.append({"status": status, "count": counts[status], "x": round(x, 2), "width": round(width, 2)})
            x += width
        rows.append({"unit": unit, "total": total, "parts": parts})
    statuses = sorted({str(p["status"]) for r in rows for p in r["parts"]}, key=lambda s: STATUS_ORDER.get(s, 9))
    return {"rows": rows, "statuses": statuses}


def predicate_chart(unit: dict[str, Any]) -> dict[str, Any]:
    """A unit's predicates as bars (share of the unit) with each curve bound's limit as a mark."""
    total = max(int(unit["total"]), 1)
    bars = [{"code": p, "count": unit["counts"].get(p, 0), "percent": round(100 * unit["counts"].get(p, 0) / total)}
            for p in PREDICATES]
    top = max([b["count"] for b in bars] + [1])
    for b in bars:
        b["height"] = round(80 * b["count"] / top)
    return {"bars": bars, "max": top}


# -- pages -------------------------------------------------------------------------------------------------
async def _optional(call: Any) -> Any:
    """A part of the page from another service: ``None`` when it does not answer (the rest still shows)."""
    try:
        return await call
    except (ApiError, ServiceUnavailable):
        return None


async def _team_data(api: Services, viewer: Viewer, year: int, period: str) -> tuple[list[dict[str, Any]], Any]:
    plans, appraisals, dialogues = await _gather(
        api.call("planning", "GET", "/team/dashboard", viewer.token, params={"period_year": year}),
        _optional(api.call("evaluation", "GET", "/team/appraisal-dashboard", viewer.token,
                           params={"period": period})),
        _optional(api.call("feedback", "GET", "/team/dialogue-summary", viewer.token, params={"period": period})))
    return merge_members(plans, appraisals, dialogues), plans.get("expected_percent")


@router.get("/dasbor/tim")
async def team_dashboard(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """The supervisor's team for the period: per member where the SKP, realisation and appraisal stand."""
    year = _year(request)
    period = _period(request, year)
    shown, sort = _choice(request, "saring", FILTERS), _choice(request, "urut", SORTS)
    descending = request.query_params.get("arah") == "turun"
    search = request.query_params.get("cari", "")[:100]
    members, expected = await _team_data(api, viewer, year, period)
    rows = chosen_members(members, shown=shown, sort=sort, descending=descending, search=search)
    return render(request, "dashboard_team.html", {
        "year": year, "period": period, "members": rows, "total": len(members), "shown": shown, "sort": sort,
        "descending": descending, "search": search, "filters": FILTERS, "sorts": SORTS,
        "behind_count": sum(1 for m in members if m["behind"]), "expected": expected,
        "current_path": "/dasbor/tim"})


async def _office_data(api: Services, viewer: Viewer, office: str, year: int, period: str, unit: str
                       ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The summaries the page shows: per unit the SKP statuses and the first of each list with its total
    (planning), and only the appraisals with an objection (the units count everyone): answers that do not grow
    with the office; a whole office's detail (~3 MB at 2,000 people) is left to the exports."""
    plans, appraisals = await _gather(
        api.call("planning", "GET", f"/offices/{office}/dashboard/summary", viewer.token,
                 params={"period_year": year, "limit": LIST_MAX, **({"unit": unit} if unit else {})}),
        _optional(api.call("evaluation", "GET", f"/offices/{office}/appraisal-dashboard", viewer.token,
                           params={"period": period, "objections_only": "true"})))
    return plans, appraisals


@router.get("/dasbor/kantor", dependencies=[requires(*HR)])
async def office_dashboard(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """HR's office: who has no approved SKP and why, who has not reported this month, appraisal progress and
    predicates against the curve per unit, objections open."""
    office = _office(request, viewer)
    year = _year(request)
    period = _period(request, year)
    unit = request.query_params.get("unit", "")[:64]
    plans, appraisals = await _office_data(api, viewer, office, year, period, unit)
    units = [u["unit_id"] for u in plans["units"]]
    if unit and unit not in units:  # an unknown unit shows the whole office
        unit = ""
        plans, appraisals = await _office_data(api, viewer, office, year, period, unit)
    unit_views = [u for u in (appraisals or {}).get("units", []) if not unit or u["unit_id"] == unit]
    return render(request, "dashboard_office.html", {
        "office": office, "year": year, "period": period, "unit": unit, "units": units,
        "not_approved": plans["not_approved"]["members"], "not_approved_total": plans["not_approved"]["total"],
        "not_reported": plans["not_reported"]["members"], "not_reported_total": plans["not_reported"]["total"],
        "shown_max": LIST_MAX, "appraisal_units": unit_views,
        "status_chart": status_chart_of({u["unit_id"]: u["by_status"] for u in plans["units"]
                                         if not unit or u["unit_id"] == unit}),
        "charts": {u["unit_id"]: predicate_chart(u) for u in unit_views},
        "objections": [a for a in (appraisals or {}).get("appraisals", [])
                       if a["objection_status"] == "filed" and (not unit or a["unit_id"] == unit)],
        "appraisals": appraisals, "today": plans.get("today"), "current_path": "/dasbor/kantor",
        "exports": EXPORT_NAMES})


@router.get("/rekap", dependencies=[requires(*HR)])
async def office_recap(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """The office recap per unit and period: predicates against the curve, who is final, who objected."""
    office = _office(request, viewer)
    year = _year(request)
    period = _period(request, year)
    unit = request.query_params.get("unit", "")[:64]

    async def recap(unit: str) -> Any:  # objections and the first final results: an answer that does not grow
        return await api.call("evaluation", "GET", f"/offices/{office}/appraisal-dashboard", viewer.token,
                              params={"period": period, "objections_only": "true", "final_first": LIST_MAX,
                                      **({"unit": unit} if unit else {})})

    view = await recap(unit)
    units = [u["unit_id"] for u in view["units"]]
    if unit and unit not in units:  # an unknown unit shows the whole office
        unit = ""
        view = await recap(unit)
    shown = [u for u in view["units"] if not unit or u["unit_id"] == unit]
    people = view["appraisals"]
    return render(request, "office_recap.html", {
        "office": office, "year": year, "period": period, "unit": unit, "units": units, "view": view,
        "recap_units": shown, "charts": {u["unit_id"]: predicate_chart(u) for u in shown},
        "final": [a for a in people if a["status"] in ("finalised", "decided")],
        "objected": [a for a in people if a["objection_status"] is not None], "current_path": "/rekap",
        "shown_max": LIST_MAX, "final_total": sum(int(u["final"]) for u in shown)})


# -- exports -----------------------------------------------------------------------------------------------
Rows = list[list[object]]
EXPORT_NAMES = ("roster", "status-skp", "rekap-realisasi", "hasil-penilaian", "kenaikan-pangkat", "talenta",
                "rekap-kantor")


def _lbl(lang: str, group: str, code: object) -> str:
    return "" if code is None or code == "" else label(lang, group, str(code))


async def _roster(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                  ) -> tuple[list[Column], Rows]:
    rows = await api.call("planning", "GET", f"/offices/{office}/employees", viewer.token)
    columns = [Column("NIP"), Column("Nama"), Column("Unit kerja"), Column("Jabatan"), Column("Jenis jabatan"),
               Column("Status kepegawaian"), Column("NIP pejabat penilai"), Column("NIP atasan pejabat penilai"),
               Column("Terakhir diubah", "moment")]
    return columns, [[r["employee_id"], r["name"], r["unit_id"], r["position"], r["position_type"].upper(),
                      r["employment"].upper(), r["evaluator_id"], r["superior_id"], r["updated_at"]]
                     for r in rows]


def _block_text(lang: str, code: str | None) -> str:
    return "" if code is None else label(lang, "dash_block", code)


async def _skp_status(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                      ) -> tuple[list[Column], Rows]:
    view = await api.call("planning", "GET", f"/offices/{office}/dashboard", viewer.token,
                          params={"period_year": year})
    columns = [Column("NIP"), Column("Nama"), Column("Unit kerja"), Column("Jabatan"), Column("Pejabat penilai"),
               Column(f"Status SKP {year}"), Column("Alasan belum disetujui"), Column("Tertinggal")]
    return columns, [[m["employee_id"], m["name"], m["unit_id"], m["position"], m["evaluator_name"],
                      _lbl(lang, "plan_status", m["status"]), _block_text(lang, m["blocked_by"]),
                      ", ".join(label(lang, "dash_behind", b) for b in m["behind"])]
                     for m in view["members"]]


async def _realisation(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                       ) -> tuple[list[Column], Rows]:
    view = await api.call("planning", "GET", f"/offices/{office}/dashboard", viewer.token,
                          params={"period_year": year})
    columns = [Column("NIP"), Column("Nama"), Column("Unit kerja"), Column("RHK"), Column("IKI"),
               Column("Target", "number"), Column("Satuan"), Column("Realisasi", "number"),
               Column("Capaian IKI (%)", "number", 1), Column("Capaian keseluruhan (%)", "number", 1),
               Column("Laporan terakhir", "date"), Column("Lapor bulan ini")]
    rows: Rows = []
    for m in view["members"]:
        common = [m["employee_id"], m["name"], m["unit_id"]]
        tail = [m["overall_percent"], m["last_occurred_on"], m["reported_this_month"]]
        if not m["ikis"]:
            rows.append([*common, None, None, None, None, None, None, *tail])
        for iki in m["ikis"]:
            rows.append([*common, iki["rhk_title"], iki["description"], iki["target"], iki["unit"], iki["realised"],
                         iki["percent"], *tail])
    return columns, rows


async def _results(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                   ) -> tuple[list[Column], Rows]:
    view = await api.call("evaluation", "GET", f"/offices/{office}/appraisal-dashboard", viewer.token,
                          params={"period": period})
    columns = [Column("NIP"), Column("Nama"), Column("Unit kerja"), Column("Periode"), Column("Pejabat penilai"),
               Column("Status penilaian"), Column("Penilaian diri"), Column("360 dijawab", "number"),
               Column("360 diminta", "number"), Column("Hasil kerja"), Column("Perilaku kerja"),
               Column("Predikat"), Column("Difinalisasi", "moment"), Column("Keberatan")]
    return columns, [[a["employee_id"], a["name"], a["unit_id"], view["period"], a["evaluator_name"],
                      _lbl(lang, "appraisal_status", a["status"]), a["self_assessed"], a["peer"]["answered"],
                      a["peer"]["raters"], _lbl(lang, "rating", a["results_rating"]),
                      _lbl(lang, "rating", a["behaviour_rating"]), a["predicate_label"] or "", a["finalised_at"],
                      _lbl(lang, "dash_objection", a["objection_status"])]
                     for a in view["appraisals"]]


async def _promotions(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                      ) -> tuple[list[Column], Rows]:
    view = await api.call("career", "GET", f"/offices/{office}/promotions", viewer.token)
    columns = [Column("NIP"), Column("Nama"), Column("Unit kerja"), Column("Golongan"), Column("Pangkat"),
               Column("TMT pangkat", "date"), Column("Per tanggal", "date"), Column("Memenuhi syarat"),
               Column("Alasan")]
    rows: Rows = [[p["employee_id"], p["name"], p["unit_id"], p["rank"]["grade"], p["rank"]["name"],
                   p["rank"]["tmt"], p["as_of"], p["eligible"], "; ".join(p["reasons"])]
                  for p in [*view["eligible"], *view["not_eligible"]]]
    return columns, rows


async def _talent(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                  ) -> tuple[list[Column], Rows]:
    view = await api.call("career", "GET", f"/offices/{office}/talent", viewer.token)
    columns = [Column("NIP"), Column("Nama"), Column("Unit kerja"), Column("Kotak", "number"), Column("Kelompok"),
               Column("Kinerja"), Column("Potensi"), Column("Dasar periode"), Column("Belum lengkap")]
    rows: Rows = []
    for box, people in sorted(view["grid"].items(), key=lambda item: -int(item[0])):
        for p in people:
            rows.append([p["employee_id"], p["name"], p["unit_id"], int(box),
                         "Talent pool" if p["group"] == "talent_pool" else "Pengembangan",
                         p["performance"], _lbl(lang, "potential", p["potential"]), p["basis_period"], ""])
    for p in view["incomplete"]:
        rows.append([p["employee_id"], p["name"], p["unit_id"], None, "", p.get("performance"),
                     _lbl(lang, "potential", p.get("potential")), p.get("basis_period"), "; ".join(p["missing"])])
    return columns, rows


async def _recap(api: Services, viewer: Viewer, office: str, year: int, period: str, lang: str
                 ) -> tuple[list[Column], Rows]:
    view = await api.call("evaluation", "GET", f"/offices/{office}/appraisal-dashboard", viewer.token,
                          params={"period": period})
    columns = [Column("Unit kerja"), Column("Periode"), Column("Pegawai", "number"),
               *(Column(f"Predikat {view['labels'][p]}", "number") for p in PREDICATES),
               Column("Belum berpredikat", "number"), Column("Predikat organisasi"), Column("Final", "number"),
               Column("Keberatan", "number"), Column("Keberatan terbuka", "number"), Column("Pelanggaran kurva")]
    return columns, [[u["unit_id"], view["period"], u["total"], *(u["counts"][p] for p in PREDICATES),
                      u["pending"], _lbl(lang, "org_predicate", u["organisation_predicate"]), u["final"],
                      u["objected"], u["objections_open"], "; ".join(u["violations"])] for u in view["units"]]


EXPORTS: dict[str, tuple[str, Callable[..., Any]]] = {
    "roster": ("Roster", _roster), "status-skp": ("Status SKP", _skp_status),
    "rekap-realisasi": ("Rekap realisasi", _realisation), "hasil-penilaian": ("Hasil penilaian", _results),
    "kenaikan-pangkat": ("Kenaikan pangkat", _promotions), "talenta": ("Talenta", _talent),
    "rekap-kantor": ("Rekap kantor", _recap),
}


@router.get("/ekspor/{name}.{fmt}", dependencies=[requires(*HR)])
async def export(request: Request, name: str, fmt: str, viewer: CurrentViewer, api: Api) -> Response:
    """One HR list or recap of the chosen office (and year/period) as CSV or XLSX."""
    if name not in EXPORTS or fmt not in FORMATS:
        raise HTTPException(404)
    office = _office(request, viewer)
    year = _year(request)
    period = _period(request, year)
    title, build = EXPORTS[name]
    columns, rows = await build(api, viewer, office, year, period, language(request))
    kind: Format = "csv" if fmt == "csv" else "xlsx"
    stamp = period if name in ("hasil-penilaian", "rekap-kantor") else str(year)
    zone = zone_of((await _settings(api, viewer, office)).get("time_zone"))
    return export_response(f"{name}-{office}-{stamp}", kind, columns, rows, sheet_title=title, zone=zone)


async def _settings(api: Services, viewer: Viewer, office: str) -> dict[str, Any]:
    try:
        found = await api.call("evaluation", "GET", f"/offices/{office}", viewer.token)
    except (ApiError, ServiceUnavailable):
        return {}
    return found.get("settings") or {} if isinstance(found, dict) else {}
