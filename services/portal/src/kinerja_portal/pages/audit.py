"""Auditor: an employee's timeline merged across the services, hash-chain verification, evidence packs,
a stream's state at a chosen moment, and the reconciliation of each service's store with its topic.

Times are read and typed in the office's zone (the evaluation service's office settings; WIB when unknown)
and the page names that zone; the services receive ISO instants with their offset.
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.identity import nip_problem
from kinerja_portal.clients import SERVICES, ApiError, FormErrors, Services, ServiceUnavailable
from kinerja_portal.formats import format_moment
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import LABELS, label, translate
from kinerja_portal.web import Api, CurrentViewer, Viewer, language, office_settings, render, requires, zone_of

router = APIRouter(dependencies=[requires(Role.AUDITOR, Role.PENGELOLA_KEPEGAWAIAN)])

STREAM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}")
TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")


# -- times in the office's zone -----------------------------------------------------------------------
async def office_zone(api: Services, viewer: Viewer) -> TimeZone:
    """The zone of the viewer's office (its evaluation settings); WIB when unknown or unreachable."""
    return zone_of((await office_settings(api, viewer)).get("time_zone"))


def parse_instant(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def zoned(value: object, zone: TimeZone) -> str:
    """An instant from a service as an auditor reads it, to the second, zone named:
    ``23 November 2026 15.04.05 WIB``."""
    if parse_instant(value) is None:
        return "—" if value in (None, "") else str(value)
    return format_moment(value, zone, seconds=True)


def moment_after(recorded_at: object, zone: TimeZone) -> tuple[str, str] | None:
    """The date and time (whole seconds, in ``zone``) at which the event recorded at ``recorded_at`` has just
    happened: its instant rounded up to the next second, so the state then includes it."""
    moment = parse_instant(recorded_at)
    if moment is None:
        return None
    local = moment.astimezone(zone.tzinfo)
    if local.microsecond:
        local = local.replace(microsecond=0) + timedelta(seconds=1)
    return local.date().isoformat(), local.strftime("%H:%M:%S")


def check_time(check: Checker, name: str, value: str) -> time | None:
    """``HH:MM`` or ``HH:MM:SS`` (24 hours), as a time input sends it."""
    found = TIME.fullmatch(value)
    if found is None:
        check.errors.add(name, translate(check.lang, "audit.time_invalid"))
        return None
    return time(int(found[1]), int(found[2]), int(found[3] or 0))


def day_bounds(day: str, zone: TimeZone, *, end: bool) -> str:
    """The first (or last) instant of a calendar day in the office's zone, as ISO with its offset."""
    start = datetime.combine(date.fromisoformat(day), time(0, 0), tzinfo=zone.tzinfo)
    return (start + timedelta(days=1, microseconds=-1) if end else start).isoformat()


# -- a state as people read it ------------------------------------------------------------------------
@dataclass
class Shown:
    """One value of a state: text, a list of values, or named values (rendered as nested lists)."""

    text: str = ""
    items: list[Shown] = field(default_factory=list)
    named: list[tuple[str, Shown]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "named" if self.named else "items" if self.items else "text"


# the label group of a member's codes, by the member's name
KEY_GROUPS: dict[str, str] = {
    "predicate": "predicate", "organisation_predicate": "org_predicate", "rating": "rating",
    "relation": "relation", "kind": "rhk_kind", "aspect": "aspect", "time_zone": "time_zone",
    "potential": "potential", "actor_role": "role", "role": "role", "value": "value",
    "approach": "audit_approach", "position_type": "audit_position_type",
}
STATUS_GROUPS: dict[str | None, str] = {"PerformancePlan": "plan_status", "Appraisal": "appraisal_status"}
# codes that mean one thing wherever they appear
UNAMBIGUOUS_GROUPS = ("rating", "value")
MAX_DEPTH = 8


def _group_of(key: str | None, aggregate: str | None) -> str | None:
    if key is None:
        return None
    if key == "status":
        return STATUS_GROUPS.get(aggregate)
    if key.endswith("_rating") or key.endswith("_ratings"):
        return "rating"
    return KEY_GROUPS.get(key)


def key_label(lang: str, key: str) -> str:
    """A member's name as people read it: a known field, a BerAKHLAK value, else the name with spaces."""
    known = translate(lang, f"audit.f.{key}")
    if not known.startswith("["):
        return known
    if key in LABELS["value"]:
        return label(lang, "value", key)
    return key.replace("_", " ")


def show_value(value: Any, lang: str, zone: TimeZone, *, key: str | None = None, aggregate: str | None = None,
               depth: int = 0) -> Shown:
    """Any JSON value of an aggregate's state as ``Shown``: codes by their labels (ratings, predicates,
    statuses, BerAKHLAK values), instants in the office's zone, yes/no, — for nothing."""
    if value is None or value == {} or value == [] or value == "":
        return Shown("—")
    if isinstance(value, bool):
        return Shown(translate(lang, "audit.yes" if value else "audit.no"))
    if isinstance(value, int | float):
        return Shown(str(int(value)) if isinstance(value, float) and math.isfinite(value) and value.is_integer()
                     else str(value))
    if isinstance(value, str):
        group = _group_of(key, aggregate)
        if group is not None and value in LABELS.get(group, {}):
            return Shown(label(lang, group, value))
        for candidate in UNAMBIGUOUS_GROUPS:
            if value in LABELS[candidate]:
                return Shown(label(lang, candidate, value))
        if len(value) >= 20 and parse_instant(value) is not None:
            return Shown(zoned(value, zone))
        return Shown(value)
    if depth >= MAX_DEPTH:
        return Shown(str(value))
    if isinstance(value, dict):
        return Shown(named=[(key_label(lang, str(k)), show_value(v, lang, zone, key=str(k), aggregate=aggregate,
                                                                  depth=depth + 1)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        member = key[:-1] if key and key.endswith("s") else key
        return Shown(items=[show_value(v, lang, zone, key=member, aggregate=aggregate, depth=depth + 1)
                            for v in value])
    return Shown(str(value))


def show_state(state: dict[str, Any] | None, lang: str, zone: TimeZone,
               aggregate: str | None) -> list[tuple[str, Shown]]:
    if not state:
        return []
    shown = show_value(state, lang, zone, aggregate=aggregate)
    return shown.named


# -- reconciliation -----------------------------------------------------------------------------------
def difference_rows(report: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Each difference of a service's reconciliation as a table row people read: what (labelled), which
    event, where in the store (stream and version) and where on the topic (partition and offset)."""
    rows = []
    for d in report.get("differences") or []:
        stream = d.get("stream_id")
        version = d.get("stream_version")
        partition, offset = d.get("partition"), d.get("offset")
        rows.append({
            "kind": d.get("kind") or "", "what": label(lang, "audit_difference", d.get("kind")),
            "event": d.get("event_id") or "—",
            "store": f"{stream} v{version}" if stream and version is not None else (stream or "—"),
            "topic": translate(lang, "audit.rec.at_topic", partition=partition, offset=offset)
            if partition is not None and offset is not None else "—",
            "detail": d.get("detail") or "",
        })
    return rows


# -- pages --------------------------------------------------------------------------------------------
async def _timeline(api: Services, viewer: Viewer, service: str, params: dict[str, Any]) -> dict[str, Any]:
    """One service's part; a service that does not answer is named on the page, the others still show."""
    try:
        timeline, verified = await asyncio.gather(
            api.call(service, "GET", "/audit/timeline", viewer.token, params=params),
            api.call(service, "GET", "/audit/verify", viewer.token, params={"subject": params["subject"]}))
    except ServiceUnavailable:
        return {"service": service, "entries": [], "verify": None}
    return {"service": service, "entries": timeline["entries"], "verify": verified}


def state_link(service: str, entry: dict[str, Any], nip: str, zone: TimeZone) -> str | None:
    """The page of the entry's stream as it stood just after the entry."""
    moment = moment_after(entry.get("recorded_at"), zone)
    stream = entry.get("stream_id")
    if moment is None or not isinstance(stream, str) or STREAM_ID.fullmatch(stream) is None:
        return None
    query = urlencode({"nip": nip, "tanggal": moment[0], "jam": moment[1]})
    return f"/audit/aliran/{service}/{quote(stream, safe='')}?{query}"


@router.get("/audit")
async def audit(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """The trail of one employee (NIP) from every service, newest last, filtered by kind and dates (days in
    the office's zone)."""
    query = request.query_params
    values = {k: query.get(k, "") for k in ("nip", "jenis", "sejak", "sampai")}
    zone = await office_zone(api, viewer)
    context: dict[str, Any] = {"results": None, "zone": zone.value}
    if not values["nip"]:
        return render(request, "audit.html", context, values=values)
    check = Checker(language(request))
    if (problem := nip_problem(values["nip"])) is not None:
        check.errors.add("nip", problem)
    since = check.day("sejak", values["sejak"]) if values["sejak"] else None
    until = check.day("sampai", values["sampai"]) if values["sampai"] else None
    if since and until and until < since:
        check.errors.add("sampai", translate(check.lang, "audit.until_before"))
    if check.errors:
        return render(request, "audit.html", context, errors=check.errors, values=values, status=422)
    params: dict[str, Any] = {"subject": values["nip"]}
    if values["jenis"]:
        params["kind"] = values["jenis"]
    if since:
        params["since"] = day_bounds(since, zone, end=False)
    if until:
        params["until"] = day_bounds(until, zone, end=True)
    try:
        results = await asyncio.gather(*(_timeline(api, viewer, s, params) for s in SERVICES))
    except ApiError as error:
        return render(request, "audit.html", context, values=values, status=error.status,
                      errors=FormErrors.from_api(error, {"subject": "nip", "since": "sejak", "until": "sampai"}))
    entries = [(service, e, zoned(e["recorded_at"], zone), state_link(service, e, values["nip"], zone))
               for service, e in sorted(((r["service"], e) for r in results for e in r["entries"]),
                                        key=lambda pair: str(pair[1]["recorded_at"]))]
    names = await _roster_names(api, viewer)
    return render(request, "audit.html", {**context, "results": results, "entries": entries, "names": names},
                  values=values)


async def _roster_names(api: Services, viewer: Viewer) -> dict[str, str]:
    """Who is who in the viewer's office (planning's roster), so the trail shows actors by name; ``{}`` when
    the roster cannot be read (the NIPs are shown then)."""
    if not viewer.office:
        return {}
    try:
        rows = await api.call("planning", "GET", f"/offices/{quote(viewer.office, safe='')}/employees", viewer.token)
    except (ApiError, ServiceUnavailable):
        return {}
    return {str(r["employee_id"]): str(r["name"]) for r in rows or [] if r.get("name")}


@router.get("/audit/aliran/{service}/{stream_id}")
async def stream_state(request: Request, service: str, stream_id: str, viewer: CurrentViewer, api: Api) -> Response:
    """A stream (an SKP, an appraisal, ...) as it stood at a chosen moment (date and time in the office's
    zone; now when none is chosen): its state readably, its version and the last event it reflects."""
    if service not in SERVICES or STREAM_ID.fullmatch(stream_id) is None:
        return Response(status_code=404)
    query = request.query_params
    values = {k: query.get(k, "").strip() for k in ("nip", "tanggal", "jam")}
    zone = await office_zone(api, viewer)
    lang = language(request)
    context: dict[str, Any] = {"service": service, "stream_id": stream_id, "zone": zone.value, "found": None,
                               "nip": values["nip"] if nip_problem(values["nip"]) is None else ""}
    check = Checker(lang)
    at: datetime | None = None
    if values["tanggal"] or values["jam"]:
        day = check.day("tanggal", values["tanggal"])
        clock = check_time(check, "jam", values["jam"]) if values["jam"] else time(23, 59, 59)
        if day and clock is not None:
            at = datetime.combine(date.fromisoformat(day), clock, tzinfo=zone.tzinfo)
    if check.errors:
        return render(request, "audit_stream.html", context, errors=check.errors, values=values, status=422)
    params = {"at": at.isoformat()} if at is not None else None
    try:
        found = await api.call(service, "GET", f"/audit/streams/{quote(stream_id, safe='')}", viewer.token,
                               params=params)
    except ApiError as error:
        return render(request, "audit_stream.html", context, values=values, status=error.status,
                      errors=FormErrors.from_api(error, {"at": "tanggal"}))
    events = found.get("events") or []
    last = events[-1] if events else None
    context |= {
        "found": found, "at": zoned(at.isoformat(), zone) if at else None,
        "rows": show_state(found.get("state"), lang, zone, found.get("aggregate")),
        "last": last, "last_when": zoned(last["recorded_at"], zone) if last else None,
        "events": [(e, zoned(e["recorded_at"], zone)) for e in events],
    }
    return render(request, "audit_stream.html", context, values=values)


@router.get("/audit/rekonsiliasi")
async def reconciliation(request: Request, viewer: CurrentViewer, api: Api) -> Response:
    """Each service's store compared with its Kafka topic for an office: consistent, or what is missing,
    extra, altered or out of order, and where."""
    offices = sorted(viewer.principal.offices)
    chosen = request.query_params.get("kantor", "").strip()
    values = {"kantor": chosen or (offices[0] if offices else "")}
    context: dict[str, Any] = {"office_choices": [(o, o) for o in offices], "reports": None}
    if not chosen:
        return render(request, "audit_reconcile.html", context, values=values)
    check = Checker(language(request))
    check.choice("kantor", chosen, set(offices))
    if check.errors:
        return render(request, "audit_reconcile.html", context, errors=check.errors, values=values, status=422)

    async def one(service: str) -> dict[str, Any]:
        try:
            report = await api.call(service, "GET", "/audit/reconcile", viewer.token, params={"office_id": chosen})
        except ServiceUnavailable:
            return {"service": service, "report": None, "rows": []}
        return {"service": service, "report": report, "rows": difference_rows(report, language(request))}

    try:
        reports = await asyncio.gather(*(one(s) for s in SERVICES))
    except ApiError as error:
        return render(request, "audit_reconcile.html", context, values=values, status=error.status,
                      errors=FormErrors.from_api(error, {"office_id": "kantor"}))
    return render(request, "audit_reconcile.html", {**context, "reports": reports}, values=values)


@router.get("/audit/paket/{service}")
async def evidence_pack(request: Request, service: str, viewer: CurrentViewer, api: Api) -> Response:
    """The service's evidence pack for the employee (zip: events, verification, report, manifest)."""
    nip = request.query_params.get("nip", "")
    if service not in SERVICES or nip_problem(nip) is not None:
        return Response(status_code=404)
    answer = await api.raw(service, "GET", "/audit/evidence-pack", viewer.token, params={"subject": nip})
    disposition = answer.headers.get("Content-Disposition", f'attachment; filename="bukti-{service}.zip"')
    return Response(answer.content, media_type="application/zip", headers={"Content-Disposition": disposition})
