"""The SKP document (PermenPAN-RB 6/2022 annex layout): built from the SKP's stream, the roster streams of the
employee and the evaluator and the evaluator's SKP (the titles of the RHKs it supports); downloaded, signed by
the employee and then the evaluator, and verified against the history by anyone holding its code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from kinerja_kernel.auth import Principal
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.db import Database
from kinerja_kernel.documents.desk import DocumentDesk, Issued, Layout, Verification
from kinerja_kernel.documents.provenance import Derive, Source, Streams
from kinerja_kernel.documents.ranks import ranks_of, with_ranks
from kinerja_kernel.documents.record import OfficialDocument
from kinerja_kernel.documents.texts import ASPECT_LABELS, BERAKHLAK_GUIDE, NOT_RECORDED, angka
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.errors import DomainRuleViolation
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.labels import plan_status_label, tanggal, value_label
from kinerja_kernel.registry import REGISTRY
from kinerja_planning.adapters import read_models as rm
from kinerja_planning.domain.plan import PerformancePlan, PlanStatus, plan_id_for
from kinerja_planning.domain.roster import RosterEntry

APPROACH = {"kuantitatif": "PENDEKATAN HASIL KERJA KUANTITATIF", "kualitatif": "PENDEKATAN HASIL KERJA KUALITATIF"}
FOR_WHOM = {"jpt": "BAGI JABATAN PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI",
            "kepala_unit": "BAGI JABATAN PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI",
            "ja": "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL",
            "jf": "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL"}
SOURCE_LABELS = {"perjanjian_kinerja": "Perjanjian kinerja", "penugasan": "Penugasan"}
APPENDIX_NOTE = "Tidak dicantumkan dalam SKP ini"


def _replay(aggregate: type[Any], events: list[EventEnvelope]) -> Any:
    return aggregate.replay(REGISTRY.decode(e.event_type, e.event_version, e.payload) for e in events)


def _person(entry: RosterEntry | None, nip: str) -> dict[str, str]:
    if entry is None or not entry.version:
        return {"nama": NOT_RECORDED, "nip": nip, "pangkat": NOT_RECORDED, "jabatan": NOT_RECORDED,
                "unit": NOT_RECORDED}
    return {"nama": entry.name, "nip": nip, "pangkat": NOT_RECORDED, "jabatan": entry.position,
            "unit": entry.unit_id}


def _target(aspect: str, value: Any, unit: str | None, description: str | None) -> str:
    if value is not None:
        return f"{angka(value)} {unit or ''}".strip()
    return description or NOT_RECORDED


def skp_content(plan: PerformancePlan, employee: RosterEntry | None, evaluator: RosterEntry | None,
                evaluator_plan: PerformancePlan | None) -> dict[str, Any]:
    """What the SKP prints, from the aggregates at the versions the document was made from."""
    titles = {r.rhk_id: r.title for r in (evaluator_plan.rhks.values() if evaluator_plan else ())}
    sections = []
    for kind, heading in (("utama", "A. UTAMA"), ("tambahan", "B. TAMBAHAN")):
        rows: list[dict[str, Any]] = []
        for rhk in (r for r in plan.rhks.values() if r.kind.value == kind):
            if rhk.intervention is not None:
                above = titles.get(rhk.intervention.rhk_id, NOT_RECORDED)
            elif rhk.source is not None:
                above = f"{SOURCE_LABELS.get(rhk.source.kind.value, rhk.source.kind.value)}: {rhk.source.reference}"
            else:
                above = NOT_RECORDED
            lines = [{"aspek": ASPECT_LABELS.get(t.aspect.value, t.aspect.value), "iki": iki.description,
                      "target": _target(t.aspect.value, t.value, t.unit, t.description)}
                     for iki in rhk.ikis for t in iki.targets] or [
                {"aspek": NOT_RECORDED, "iki": NOT_RECORDED, "target": NOT_RECORDED}]
            rows.append({"no": len(rows) + 1, "rhk_pimpinan": above, "rhk": rhk.title, "baris": lines})
        sections.append({"judul": heading, "rhk": rows})
    behaviour = [{"nilai": value_label(value.value), "uraian": list(BERAKHLAK_GUIDE[value.value]),
                  "ekspektasi": expectation or NOT_RECORDED} for value, expectation in plan.behaviour.items()]
    return {
        "tahun": plan.period_year, "instansi": plan.office_id,
        "periode": f"1 Januari s.d. 31 Desember {plan.period_year}",
        "pendekatan": f"{APPROACH[plan.approach.value]} {FOR_WHOM[plan.position_type.value]}",
        "status": plan_status_label(plan.status.value),
        "pegawai": _person(employee, plan.employee_id), "penilai": _person(evaluator, plan.evaluator_id),
        "hasil_kerja": sections, "perilaku": behaviour,
        "lampiran": [["Dukungan sumber daya", list(plan.appendix.resources) or [APPENDIX_NOTE]],
                     ["Skema pertanggungjawaban", list(plan.appendix.accountability) or [APPENDIX_NOTE]],
                     ["Konsekuensi", list(plan.appendix.consequences) or [APPENDIX_NOTE]]],
        "tempat": plan.office_id,
    }


IANA = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def zone_reader(db: Database) -> Callable[[str], Awaitable[str]]:
    """The office's time zone as evaluation told planning (WIB when it has not), as an IANA name."""
    async def zone_of(office_id: str) -> str:
        async with db.connection() as conn:
            found = await rm.office_time_zones(conn, [office_id])
        return IANA[found.get(office_id, TimeZone.WIB).value]
    return zone_of


class SkpDocuments:
    def __init__(self, store: EventStore, desk: DocumentDesk, *,
                 zone_of: Callable[[str], Awaitable[str]] | None = None, db: Database | None = None) -> None:
        self.store = store
        self.desk = desk
        self.zone_of = zone_of
        self.db = db

    async def _printed(self, content: dict[str, Any], office_id: str) -> dict[str, Any]:
        """Printed beside the hashed content: the employee's and the evaluator's pangkat/golongan (from career)
        and the office's and units' names (from the office settings), where they are known."""
        people = {key: content[key] for key in ("pegawai", "penilai")}
        if self.db is None:
            return people
        async with self.db.connection() as conn:
            found = await ranks_of(conn, [p["nip"] for p in people.values()])
            office_name, units = await rm.office_names(conn, office_id)
        printed = with_ranks(people, found, NOT_RECORDED)
        for person in printed.values():
            person["unit"] = units.get(person["unit"], person["unit"])
        return {**printed, "instansi": office_name or content["instansi"], "tempat": office_name or content["tempat"]}

    async def _streams(self, plan: PerformancePlan) -> dict[str, list[EventEnvelope]]:
        names = [f"skp-{plan.plan_id}", f"pegawai-{plan.employee_id}", f"pegawai-{plan.evaluator_id}"]
        if any(r.intervention is not None for r in plan.rhks.values()):
            names.append(f"skp-{plan_id_for(plan.evaluator_id, plan.period_year)}")
        return {name: await self.store.read_stream(name) for name in names}

    async def _zone(self, office_id: str) -> str:
        return await self.zone_of(office_id) if self.zone_of is not None else "Asia/Jakarta"

    async def layout(self, plan: PerformancePlan) -> Layout:
        streams = await self._streams(plan)
        zone = await self._zone(plan.office_id)
        plan_stream = streams[f"skp-{plan.plan_id}"]
        content = _content(streams, f"skp-{plan.plan_id}")
        found = _replay(PerformancePlan, plan_stream)
        assert found.plan_id is not None
        banner = None if found.status in (PlanStatus.APPROVED, PlanStatus.CLOSED) else (
            f"SKP berstatus {plan_status_label(found.status.value)}: belum disetujui pejabat penilai")
        printed = await self._printed(content, found.office_id)
        return Layout(kind="skp", template="skp.html", subject_id=found.plan_id, employee_id=found.employee_id,
                      office_id=found.office_id, content=content,
                      sources=[Source.of(events[-1]) for events in streams.values() if events],
                      signers=[("pegawai", found.employee_id, content["pegawai"]["nama"]),
                               ("pejabat_penilai", found.evaluator_id, content["penilai"]["nama"])],
                      place=printed["tempat"], zone=zone, banner=banner,
                      printed={"tanggal": tanggal(plan_stream[-1].recorded_at.astimezone(ZoneInfo(zone)).date()),
                               **printed})

    async def download(self, plan: PerformancePlan, by: Principal) -> Issued:
        return await self.desk.document(await self.layout(plan), by)

    async def state(self, plan: PerformancePlan, by: Principal) -> Issued:
        return await self.desk.state(await self.layout(plan), by)

    async def sign(self, plan: PerformancePlan, by: Principal, *, passphrase: str | None, nik: str | None) -> Issued:
        if plan.status is not PlanStatus.APPROVED:
            raise DomainRuleViolation("planning.document.not-approved", field="status", status=plan.status)
        return await self.desk.sign(await self.layout(plan), by, passphrase=passphrase, nik=nik)

    async def verify(self, code: str) -> Verification:
        async def derive(_: str, record: OfficialDocument) -> Derive:
            async def content(streams: Streams) -> Any:
                return _content(streams, f"skp-{record.subject_id}")
            return content

        async def describe(record: OfficialDocument) -> tuple[str, str]:
            events = await self.store.read_stream(f"pegawai-{record.employee_id}")
            name = _replay(RosterEntry, events).name if events else NOT_RECORDED
            return "Sasaran Kinerja Pegawai", name

        return await self.desk.verify(code, derive, describe)


def _content(streams: Streams, plan_stream: str) -> dict[str, Any]:
    """The SKP's content from its streams (at the versions given): the plan, both roster entries, the
    evaluator's SKP for the titles of the RHKs it supports."""
    plan: PerformancePlan = _replay(PerformancePlan, list(streams[plan_stream]))
    employee = _replay(RosterEntry, list(streams.get(f"pegawai-{plan.employee_id}", [])))
    evaluator = _replay(RosterEntry, list(streams.get(f"pegawai-{plan.evaluator_id}", [])))
    cited = streams.get(f"skp-{plan_id_for(plan.evaluator_id, plan.period_year)}")
    evaluator_plan = _replay(PerformancePlan, list(cited)) if cited else None
    return skp_content(plan, employee, evaluator, evaluator_plan)


__all__ = ["SkpDocuments", "skp_content"]
