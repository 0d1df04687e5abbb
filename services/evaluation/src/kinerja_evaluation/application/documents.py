"""The Dokumen Evaluasi Kinerja Pegawai (PermenPAN-RB 6/2022 annex): built from the appraisal's stream (period,
the people's NIPs, RHK and BerAKHLAK ratings with the evaluator's feedback, the ratings, the predicates, the
objection and its decided result); signed by the evaluator; verified against the history by anyone holding its
code. Names, positions and units come from evaluation's copy of planning's roster (a read model, not this
service's events): they are printed beside the hashed content, never part of it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kinerja_evaluation.adapters import planning_facts as facts
from kinerja_evaluation.adapters import read_models as rm
from kinerja_evaluation.application import recap
from kinerja_evaluation.domain.appraisal import Appraisal, Status
from kinerja_kernel.auth import Principal
from kinerja_kernel.contracts.evaluation import PREDICATE_LABELS, RATING_LABELS, ObjectionDecision, PeriodKind
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.db import Database
from kinerja_kernel.documents.desk import DocumentDesk, Issued, Layout, Verification
from kinerja_kernel.documents.provenance import Derive, Source, Streams
from kinerja_kernel.documents.ranks import ranks_of
from kinerja_kernel.documents.record import OfficialDocument
from kinerja_kernel.documents.texts import NOT_RECORDED
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.errors import DomainRuleViolation
from kinerja_kernel.eventstore import EventStore
from kinerja_kernel.labels import tanggal, value_label
from kinerja_kernel.registry import REGISTRY
from kinerja_kernel.repository import EventSourcedRepository

PERIOD_KINDS = {PeriodKind.ANNUAL: "TAHUNAN", PeriodKind.QUARTERLY: "TRIWULANAN", PeriodKind.MONTHLY: "BULANAN"}
ORGANISATION = {"istimewa": "Istimewa", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan", "kurang": "Kurang",
                "sangat_kurang": "Sangat Kurang"}
ORDER = list(BerAkhlak)
IANA = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def _rating(value: Any) -> str:
    return RATING_LABELS.get(value, NOT_RECORDED) if value is not None else NOT_RECORDED


def evaluation_content(appraisal: Appraisal) -> dict[str, Any]:
    """What the document prints that the appraisal's events decide (hashed)."""
    assert appraisal.period is not None
    period = appraisal.period
    results = [{"rhk": rhk.title, "jenis": rhk.kind.value.capitalize(),
                "rating": _rating(r.rating if (r := appraisal.rhk_ratings.get(rhk.rhk_id)) else None),
                "umpan_balik": (r.comment if r and r.comment else NOT_RECORDED)}
               for rhk in appraisal.rhks.values()]
    behaviour = [{"nilai": value_label(v.value), "rating": _rating(rated.rating),
                  "umpan_balik": rated.comment or NOT_RECORDED}
                 for v, rated in sorted(appraisal.value_ratings.items(), key=lambda item: ORDER.index(item[0]))]
    objection = appraisal.objection
    decided = None
    if objection is not None and objection.decision is not None:
        outcome = ("keberatan ditolak, hasil penilaian tetap" if objection.decision is ObjectionDecision.UPHELD
                   else "hasil penilaian diubah")
        decided = f"Diputuskan atasan pejabat penilai: {outcome}. Alasan: {objection.decision_reason or '—'}"
        if appraisal.previous_result is not None:
            decided += f" (predikat sebelumnya: {PREDICATE_LABELS[appraisal.previous_result.predicate]})"
    return {
        "periode": f"{tanggal(period.start)} s.d. {tanggal(period.end)}",
        "jenis_periode": PERIOD_KINDS.get(period.kind, period.kind.value.upper()),
        "nip": {"pegawai": appraisal.employee_id, "penilai": appraisal.evaluator_id,
                "atasan": appraisal.superior_id or NOT_RECORDED},
        "instansi": appraisal.office_id, "unit": appraisal.unit_id, "status": appraisal.status.value,
        "predikat_organisasi": ORGANISATION.get(appraisal.organisation_predicate.value, NOT_RECORDED)
        if appraisal.organisation_predicate else NOT_RECORDED,
        "hasil_kerja": results, "rating_hasil": _rating(appraisal.results_rating),
        "perilaku": behaviour, "rating_perilaku": _rating(appraisal.behaviour_rating),
        "predikat": PREDICATE_LABELS[appraisal.predicate] if appraisal.predicate else NOT_RECORDED,
        "catatan": (appraisal.self_summary and f"Catatan pegawai: {appraisal.self_summary}") or NOT_RECORDED,
        "keberatan": decided, "tempat": appraisal.office_id,
    }


def _replay(events: list[EventEnvelope]) -> Appraisal:
    return Appraisal.replay(REGISTRY.decode(e.event_type, e.event_version, e.payload) for e in events)


class EvaluationDocuments:
    def __init__(self, store: EventStore, desk: DocumentDesk, db: Database) -> None:
        self.store = store
        self.appraisals: EventSourcedRepository[Appraisal, EventStore] = EventSourcedRepository(
            store, Appraisal, prefix="penilaian")
        self.desk = desk
        self.db = db
        self.recap = recap.OfficeRecap(store, db)

    async def recap_document(self, office_id: str, unit_id: str, period_key: str, by: Principal) -> Issued:
        """The office recap of a unit and period (HR of the office: checked by the route)."""
        return await self.desk.document(await self.recap.layout(office_id, unit_id, period_key), by)

    async def _printed(self, appraisal: Appraisal) -> tuple[dict[str, Any], str]:
        """Printed beside the hashed content: the three people (names, positions and units from the roster
        planning publishes, pangkat/golongan from career), the office's and units' names (office settings); and
        the office's time zone."""
        async with self.db.connection() as conn:
            people = {}
            nips = (("pegawai", appraisal.employee_id), ("penilai", appraisal.evaluator_id),
                    ("atasan", appraisal.superior_id))
            ranks = await ranks_of(conn, [nip for _, nip in nips])
            for key, nip in nips:
                row = await facts.staff_member(conn, nip) if nip else None
                people[key] = {"nama": row["name"] if row else NOT_RECORDED, "nip": nip or NOT_RECORDED,
                               "pangkat": ranks.get(nip or "", NOT_RECORDED),
                               "jabatan": row["position"] if row else NOT_RECORDED,
                               "unit": row["unit_id"] if row else NOT_RECORDED}
            settings = await rm.office_settings(conn, appraisal.office_id)
        units, office = settings.unit_names, settings.office_name or appraisal.office_id
        for person in people.values():
            person["unit"] = units.get(person["unit"], person["unit"])
        printed = {**people, "instansi": office, "tempat": office,
                   "unit": units.get(appraisal.unit_id, appraisal.unit_id)}
        return printed, IANA.get(settings.time_zone.value, "Asia/Jakarta")

    async def layout(self, appraisal: Appraisal) -> Layout:
        assert appraisal.appraisal_id is not None
        stream = f"penilaian-{appraisal.appraisal_id}"
        events = await self.store.read_stream(stream)
        found = _replay(events)
        content = evaluation_content(found)
        printed, zone = await self._printed(found)
        superseded = found.status is Status.OPEN
        banner = "Penilaian belum difinalisasi: dokumen ini belum merupakan hasil akhir" if superseded else None
        return Layout(kind="evaluasi", template="evaluasi.html", subject_id=appraisal.appraisal_id,
                      employee_id=found.employee_id, office_id=found.office_id, content=content,
                      sources=[Source.of(events[-1])],
                      signers=[("pejabat_penilai", found.evaluator_id, printed["penilai"]["nama"])],
                      place=printed["tempat"], zone=zone, banner=banner,
                      printed={**printed, "tanggal": tanggal(events[-1].recorded_at.astimezone(ZoneInfo(zone)).date())})

    async def download(self, appraisal: Appraisal, by: Principal) -> Issued:
        return await self.desk.document(await self.layout(appraisal), by)

    async def state(self, appraisal: Appraisal, by: Principal) -> Issued:
        return await self.desk.state(await self.layout(appraisal), by)

    async def sign(self, appraisal: Appraisal, by: Principal, *, passphrase: str | None, nik: str | None) -> Issued:
        if appraisal.status is Status.OPEN:
            raise DomainRuleViolation("evaluation.document.not-finalised", field="status")
        return await self.desk.sign(await self.layout(appraisal), by, passphrase=passphrase, nik=nik)

    async def verify(self, code: str) -> Verification:
        async def derive(_: str, record: OfficialDocument) -> Derive:
            async def content(streams: Streams) -> Any:
                if record.kind == recap.KIND:
                    return recap.content_from(streams)
                return evaluation_content(_replay(list(streams[f"penilaian-{record.subject_id}"])))
            return content

        async def describe(record: OfficialDocument) -> tuple[str, str]:
            if record.kind == recap.KIND:  # subject <office>/<unit>: the unit's name, as the office names it
                office_id, _, unit_id = record.employee_id.partition("/")
                async with self.db.connection() as conn:
                    units = (await rm.office_settings(conn, office_id)).unit_names
                return "Rekap Kinerja Unit", units.get(unit_id, unit_id)
            async with self.db.connection() as conn:
                names = await facts.names_of(conn, [record.employee_id])
            return "Dokumen Evaluasi Kinerja Pegawai", names.get(record.employee_id, NOT_RECORDED)

        return await self.desk.verify(code, derive, describe)

