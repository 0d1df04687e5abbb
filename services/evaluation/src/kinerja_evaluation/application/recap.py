"""The office recap per unit and period as a PDF (issue 15): the predicate distribution against the curve of the
unit's organisation predicate, who is final and who objected. Made with the same machinery as the other documents
(code, QR, the events listed with their transparency proof, the public verification): its content is derived from
the unit's appraisal streams and its organisation predicate stream; names are printed beside it. HR of the office
only; a unit and period without appraisals has no recap."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from kinerja_evaluation.adapters import planning_facts as facts
from kinerja_evaluation.adapters import read_models as rm
from kinerja_evaluation.domain.appraisal import Appraisal, Status
from kinerja_evaluation.domain.office import UnitPredicate, unit_predicate_key
from kinerja_evaluation.domain.rules import check_curve
from kinerja_kernel.contracts.evaluation import (
    PREDICATE_LABELS,
    ObjectionDecision,
    OrganisationPredicate,
    Predicate,
)
from kinerja_kernel.db import Database
from kinerja_kernel.documents.desk import Layout
from kinerja_kernel.documents.provenance import Source, Streams
from kinerja_kernel.documents.texts import NOT_RECORDED
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.errors import NotFound
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.labels import tanggal
from kinerja_kernel.registry import REGISTRY

KIND = "rekap"
STATUS = {Status.OPEN: "Belum final", Status.FINALISED: "Final", Status.OBJECTED: "Keberatan diproses",
          Status.DECIDED: "Final (setelah keberatan)"}
ORGANISATION = {"istimewa": "Istimewa", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan", "kurang": "Kurang",
                "sangat_kurang": "Sangat Kurang"}
IANA = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
APPRAISAL, PREDICATE_STREAM = "penilaian-", "predikat-organisasi-"


def recap_subject(office_id: str, unit_id: str, period_key: str) -> uuid.UUID:
    """The recap's stable id: the same unit and period always name the same subject."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kinerja:rekap:{unit_predicate_key(office_id, unit_id, period_key)}")


def _objection(appraisal: Appraisal) -> str:
    objection = appraisal.objection
    if objection is None:
        return NOT_RECORDED
    if objection.decision is None:
        return "Diajukan, menunggu keputusan"
    return ("Diputuskan: hasil tetap" if objection.decision is ObjectionDecision.UPHELD
            else "Diputuskan: hasil diubah")


def recap_content(appraisals: list[Appraisal], organisation: OrganisationPredicate | None) -> dict[str, Any]:
    """What the recap prints that the events decide (hashed): one row per appraisal (by NIP), the predicate
    distribution and the curve's bounds with their arithmetic."""
    first = appraisals[0]
    assert first.period is not None
    rows = [{"nip": a.employee_id, "predikat": PREDICATE_LABELS[a.predicate] if a.predicate else NOT_RECORDED,
             "status": STATUS[a.status], "keberatan": _objection(a), "penilai": a.evaluator_id}
            for a in sorted(appraisals, key=lambda a: a.employee_id)]
    predicates = [a.predicate for a in appraisals]
    counts = Counter(p for p in predicates if p is not None)
    total = len(appraisals)
    distribution = [{"predikat": PREDICATE_LABELS[p], "jumlah": counts[p],
                     "persen": f"{round(100 * counts[p] / total)}%"} for p in Predicate]
    pending = sum(1 for p in predicates if p is None)
    distribution.append({"predikat": "Belum ada predikat", "jumlah": pending,
                         "persen": f"{round(100 * pending / total)}%"})
    curve = check_curve(organisation, predicates) if organisation else None
    return {
        "instansi": first.office_id, "unit": first.unit_id, "periode": first.period.key,
        "rentang": f"{tanggal(first.period.start)} s.d. {tanggal(first.period.end)}",
        "predikat_organisasi": ORGANISATION[organisation.value] if organisation else NOT_RECORDED,
        "jumlah": total, "belum_berpredikat": pending, "distribusi": distribution,
        "kurva": [{"batas": c.explanation, "dilanggar": c.violated} for c in curve.checks] if curve else [],
        "final": sum(1 for a in appraisals if a.status in (Status.FINALISED, Status.DECIDED)),
        "keberatan": sum(1 for a in appraisals if a.objection is not None),
        "pegawai": rows,
    }


def _replay(aggregate: type[Any], events: list[EventEnvelope]) -> Any:
    return aggregate.replay(REGISTRY.decode(e.event_type, e.event_version, e.payload) for e in events)


def content_from(streams: Streams) -> dict[str, Any]:
    """The recap's content from its streams (at the versions given): the appraisals, the organisation predicate."""
    appraisals = [_replay(Appraisal, list(events)) for name, events in sorted(streams.items())
                  if name.startswith(APPRAISAL) and events]
    organisation = next((_replay(UnitPredicate, list(events)).predicate for name, events in streams.items()
                         if name.startswith(PREDICATE_STREAM) and events), None)
    return recap_content(appraisals, organisation)


class OfficeRecap:
    def __init__(self, store: EventStore, db: Database) -> None:
        self.store = store
        self.db = db

    async def layout(self, office_id: str, unit_id: str, period_key: str) -> Layout:
        async with self.db.connection() as conn:
            rows = await conn.fetch(
                "SELECT appraisal_id, employee_id, evaluator_id FROM appraisals "
                "WHERE office_id = $1 AND unit_id = $2 AND period_key = $3", office_id, unit_id, period_key)
            settings = await rm.office_settings(conn, office_id)
            names = await facts.names_of(conn, sorted({r[k] for r in rows for k in ("employee_id", "evaluator_id")}))
        ids = [r["appraisal_id"] for r in rows]
        if not ids:
            raise NotFound("evaluation.recap.not-found", field="unit_id", unit_id=unit_id, period=period_key)
        names_for = {f"{APPRAISAL}{i}" for i in ids}
        streams = {name: await self.store.read_stream(name) for name in sorted(names_for)}
        predicate_stream = f"{PREDICATE_STREAM}{unit_predicate_key(office_id, unit_id, period_key)}"
        streams[predicate_stream] = await self.store.read_stream(predicate_stream)
        content = content_from(streams)
        zone = IANA.get(settings.time_zone.value, "Asia/Jakarta")
        office = settings.office_name or office_id
        last = max(events[-1].recorded_at for events in streams.values() if events)
        return Layout(kind=KIND, template="rekap.html", subject_id=recap_subject(office_id, unit_id, period_key),
                      employee_id=f"{office_id}/{unit_id}", office_id=office_id, content=content,
                      sources=[Source.of(events[-1]) for events in streams.values() if events], signers=[],
                      place=office, zone=zone,
                      banner=None if content["final"] == content["jumlah"] else
                      "Sebagian penilaian belum final: rekap ini belum merupakan hasil akhir unit",
                      printed={"instansi": office, "unit": settings.unit_names.get(unit_id, unit_id), "tempat": office,
                               "tanggal": tanggal(last.astimezone(ZoneInfo(zone)).date()), "nama": names})


__all__ = ["KIND", "OfficeRecap", "content_from", "recap_content", "recap_subject"]
