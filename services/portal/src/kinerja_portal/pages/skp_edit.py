"""Fixing an SKP in place: the employee edits or deletes an RHK, its IKIs and targets, and re-links the
supervisor RHK it supports (draft, returned or revising SKPs); the evaluator sets the leader's behaviour
expectations (ekspektasi khusus pimpinan) per BerAKHLAK value. Each form is saved whole or not at all."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_portal.clients import ApiError, FormErrors, Services
from kinerja_portal.forms import Checker
from kinerja_portal.i18n import field_label, label, translate
from kinerja_portal.numbers import format_id_number
from kinerja_portal.pages.employee import ASPECTS, CASCADED
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
EDITABLE = ("draft", "returned", "revising")
NEW_IKI = "baru"


def rhk_values(rhk: dict[str, Any]) -> dict[str, str]:
    """The edit form filled from an RHK as the API gives it; numbers shown the Indonesian way."""
    values = {"title": rhk["title"], "kind": rhk["kind"]}
    if rhk.get("intervention"):
        values["link"] = f"{rhk['intervention']['plan_id']}:{rhk['intervention']['rhk_id']}"
    if rhk.get("source"):
        values |= {"source_kind": rhk["source"]["kind"], "source_ref": rhk["source"]["reference"]}
    for n, iki in enumerate(rhk["ikis"]):
        values |= {f"iki_{n}_id": str(iki["iki_id"]), f"iki_{n}_description": iki["description"]}
        for target in iki["targets"]:
            prefix = f"iki_{n}_target_{target['aspect']}"
            if target.get("value") is not None:
                values[f"{prefix}_value"] = format_id_number(target["value"])
            values[f"{prefix}_unit"] = target.get("unit") or ""
            if target.get("description"):
                values[f"{prefix}_description"] = target["description"]
    return values


def iki_slots(values: dict[str, str]) -> list[str]:
    """The IKI blocks the form shows: each existing one (``0``, ``1`` ...) then an empty one to add."""
    found = sorted({int(key.split("_")[1]) for key in values if key.startswith("iki_") and key.split("_")[1].isdigit()})
    return [str(n) for n in found] + [NEW_IKI]


def edit_field_label(lang: str, name: str) -> str:
    """Labels for the edit form's numbered IKI fields (``iki_0_target_kuantitas_value`` ...)."""
    parts = name.split("_")
    if len(parts) >= 3 and parts[0] == "iki":
        which = translate(lang, "skpe.iki_n", n=int(parts[1]) + 1) if parts[1].isdigit() else translate(
            lang, "skpe.iki_new")
        rest = "_".join(parts[2:])
        if rest.startswith("target_"):
            aspect, _, part = rest.removeprefix("target_").partition("_")
            what = f"{translate(lang, 'skp.target')} {label(lang, 'aspect', aspect)}"
            return f"{which} — {what}" + (f" ({translate(lang, 'skp.target_unit')})" if part == "unit" else "")
        return f"{which} — {translate(lang, 'skp.iki')}"
    return field_label(lang, name)


def rhk_body(form: FormData, check: Checker, lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The whole RHK as the API's PUT wants it, and the API's field paths mapped onto the form's fields."""
    title = check.required("title", text(form, "title"))
    kind = check.choice("kind", text(form, "kind"), {"utama", "tambahan"})
    mapping = {"rhk.title": "title", "rhk.kind": "kind", "rhk.intervention": "link", "rhk.source": "source_ref",
               "rhk.source.kind": "source_kind", "rhk": "title", "expected_version": "title"}
    ikis: list[dict[str, Any]] = []
    slots = iki_slots(values_of(form))
    for slot in slots:
        prefix = f"iki_{slot}_"
        if slot != NEW_IKI and text(form, prefix + "remove"):
            continue
        description = text(form, prefix + "description")
        typed = [text(form, f"{prefix}target_{a}_value") for a in ASPECTS]
        if slot == NEW_IKI and not description and not any(typed):
            continue
        check.required(prefix + "description", description)
        index = len(ikis)
        mapping |= {f"rhk.ikis.{index}": f"{prefix}description",
                    f"rhk.ikis.{index}.description": f"{prefix}description"}
        targets: list[dict[str, Any]] = []
        for aspect in ASPECTS:
            name = f"{prefix}target_{aspect}"
            value = check.number(f"{name}_value", text(form, f"{name}_value"), required=aspect == "kuantitas")
            unit = text(form, f"{name}_unit")
            if aspect == "kuantitas":
                check.required(f"{name}_unit", unit)
            if value is not None:
                path = f"rhk.ikis.{index}.targets.{len(targets)}"
                mapping |= {path: f"{name}_value", f"{path}.value": f"{name}_value", f"{path}.unit": f"{name}_unit"}
                targets.append({"aspect": aspect, "value": value, "unit": unit or None})
        iki: dict[str, Any] = {"description": description, "targets": targets}
        with contextlib.suppress(ValueError):
            iki["iki_id"] = str(uuid.UUID(text(form, prefix + "id")))
        ikis.append(iki)
    if not ikis:
        check.errors.add(f"iki_{slots[0]}_description", translate(lang, "skpe.one_iki"))
    rhk: dict[str, Any] = {"title": title, "kind": kind, "ikis": ikis}
    link = text(form, "link")
    if link:
        plan_part, _, rhk_part = link.partition(":")
        try:
            rhk["intervention"] = {"plan_id": str(uuid.UUID(plan_part)), "rhk_id": str(uuid.UUID(rhk_part))}
        except ValueError:
            check.errors.add("link", translate(lang, "form.choice"))
    if text(form, "source_ref"):
        rhk["source"] = {"kind": text(form, "source_kind") or "perjanjian_kinerja",
                         "reference": text(form, "source_ref")}
    return rhk, mapping


async def _edit_page(request: Request, viewer: Viewer, api: Services, plan_id: uuid.UUID, rhk_id: uuid.UUID, *,
                     errors: FormErrors | None = None, values: dict[str, str] | None = None,
                     status: int = 200) -> Response:
    plan = await api.call("planning", "GET", f"/plans/{plan_id}", viewer.token)
    rhk = next((r for r in plan["rhks"] if r["rhk_id"] == str(rhk_id)), None)
    if rhk is None or plan["employee_id"] != viewer.nip or plan["status"] not in EDITABLE:
        flash(request, "skpe.not_editable")
        return RedirectResponse(f"/skp/{plan_id}", status_code=303)
    cascade: dict[str, Any] | None = None
    if plan["position_type"] in CASCADED:
        cascade = await api.call("planning", "GET", "/me/cascade-options", viewer.token,
                                 params={"period_year": plan["period_year"]})
    shown = values if values is not None else rhk_values(rhk)
    lang = language(request)
    blockers = [b for b in plan.get("blockers", []) if b["field"].startswith(f"rhks.{rhk_id}")]
    return render(request, "skp_rhk_edit.html", {
        "plan": plan, "rhk": rhk, "cascade": cascade, "cascaded": plan["position_type"] in CASCADED,
        "aspects": ASPECTS, "slots": iki_slots(shown), "blockers": blockers, "current_path": "/skp",
        "field_label": lambda name: edit_field_label(lang, name),
    }, errors=errors, values=shown, status=status)


@router.get("/skp/{plan_id}/rhk/{rhk_id}", dependencies=[requires(Role.PEGAWAI)])
async def edit_rhk_page(request: Request, plan_id: uuid.UUID, rhk_id: uuid.UUID, viewer: CurrentViewer,
                        api: Api) -> Response:
    return await _edit_page(request, viewer, api, plan_id, rhk_id)


def _versioned(form: FormData) -> dict[str, Any]:
    version = text(form, "expected_version")
    return {"expected_version": int(version)} if version.isdigit() else {}


@router.post("/skp/{plan_id}/rhk/{rhk_id}", dependencies=[requires(Role.PEGAWAI)])
async def update_rhk(request: Request, plan_id: uuid.UUID, rhk_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                     form: Form) -> Response:
    """The whole RHK with its IKIs (edited, removed, one added) in one PUT: saved whole or not at all."""
    lang = language(request)
    check = Checker(lang)
    rhk, mapping = rhk_body(form, check, lang)
    if check.errors:
        return await _edit_page(request, viewer, api, plan_id, rhk_id, errors=check.errors, values=values_of(form),
                                status=422)
    try:
        await api.call("planning", "PUT", f"/plans/{plan_id}/rhks/{rhk_id}", viewer.token,
                       json={"rhk": rhk, **_versioned(form)})
    except ApiError as error:
        return await _edit_page(request, viewer, api, plan_id, rhk_id, errors=FormErrors.from_api(error, mapping),
                                values=values_of(form), status=error.status)
    flash(request, "skpe.saved")
    return RedirectResponse(f"/skp/{plan_id}#rhk-{rhk_id}", status_code=303)


@router.post("/skp/{plan_id}/rhk/{rhk_id}/hapus", dependencies=[requires(Role.PEGAWAI)])
async def remove_rhk(request: Request, plan_id: uuid.UUID, rhk_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                     form: Form) -> Response:
    """Delete an RHK, only once the box saying so is ticked (no script needed to confirm)."""
    if text(form, "confirm") != "ya":
        errors = FormErrors()
        errors.add("confirm", translate(language(request), "skpe.confirm_delete_required"))
        return await _edit_page(request, viewer, api, plan_id, rhk_id, errors=errors, status=422)
    try:
        await api.call("planning", "DELETE", f"/plans/{plan_id}/rhks/{rhk_id}", viewer.token,
                       params={k: str(v) for k, v in _versioned(form).items()})
    except ApiError as error:
        return await _edit_page(request, viewer, api, plan_id, rhk_id, errors=FormErrors.from_api(error, {}),
                                status=error.status)
    flash(request, "skpe.removed")
    return RedirectResponse(f"/skp/{plan_id}", status_code=303)


# -- the leader's behaviour expectations --------------------------------------------------------------------
VALUES = [v.value for v in BerAkhlak]


APPENDIX_PARTS = ("resources", "accountability", "consequences")


def appendix_body(form: Any) -> dict[str, list[str]]:
    """The appendix form as planning's PUT: each part's non-empty lines, in order."""
    return {part: [line.strip() for line in text(form, f"lamp_{part}").splitlines() if line.strip()]
            for part in APPENDIX_PARTS}


@router.post("/tim/skp/{plan_id}/lampiran", dependencies=[requires(*STAFF)])
async def set_appendix(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                       form: Form) -> Response:
    """The SKP's appendix (lampiran): resources, accountability scheme, consequences; one point a line."""
    from kinerja_portal.pages.evaluator import review_page

    body = appendix_body(form)
    try:
        result = await api.call("planning", "PUT", f"/plans/{plan_id}/appendix", viewer.token,
                                json={**body, **_versioned(form)})
    except ApiError as error:
        mapping = {part: f"lamp_{part}" for part in APPENDIX_PARTS}
        return await review_page(request, viewer, api, plan_id, errors=FormErrors.from_api(error, mapping),
                                 values=values_of(form), status=error.status)
    unchanged = _versioned(form).get("expected_version") == result.get("version")
    flash(request, "skpe.nothing_changed" if unchanged else "skpe.appendix_saved")
    return RedirectResponse(f"/tim/skp/{plan_id}#lampiran", status_code=303)


@router.post("/tim/skp/{plan_id}/ekspektasi", dependencies=[requires(*STAFF)])
async def set_expectations(request: Request, plan_id: uuid.UUID, viewer: CurrentViewer, api: Api,
                           form: Form) -> Response:
    """The evaluator's ekspektasi khusus pimpinan, one per BerAKHLAK value (empty clears one)."""
    from kinerja_portal.pages.evaluator import review_page

    expectations = {value: (text(form, f"exp_{value}") or None) for value in VALUES}
    lang = language(request)
    check = Checker(lang)
    for value, written in expectations.items():
        if written is not None and len(written) > 1000:
            check.errors.add(f"exp_{value}", translate(lang, "skpe.too_long", limit=1000))
    if check.errors:
        return await review_page(request, viewer, api, plan_id, errors=check.errors, values=values_of(form),
                                 status=422)
    try:
        result = await api.call("planning", "PUT", f"/plans/{plan_id}/behaviour", viewer.token,
                                json={"expectations": expectations, **_versioned(form)})
    except ApiError as error:
        mapping = {f"expectations.{v}": f"exp_{v}" for v in VALUES} | {"expectations": f"exp_{VALUES[0]}"}
        return await review_page(request, viewer, api, plan_id, errors=FormErrors.from_api(error, mapping),
                                 values=values_of(form), status=error.status)
    unchanged = _versioned(form).get("expected_version") == result.get("version")
    flash(request, "skpe.nothing_changed" if unchanged else "skpe.expectations_saved")
    return RedirectResponse(f"/tim/skp/{plan_id}#ekspektasi", status_code=303)
