"""Strings of the portal's audit pages (Indonesian first, English second); merged by ``kinerja_portal.i18n``."""

from __future__ import annotations

from typing import Final


def _fields(**names: tuple[str, str]) -> dict[str, dict[str, str]]:
    """``audit.f.<member>``: how the members of an aggregate's state read on the state page."""
    return {f"audit.f.{key}": {"id": id_, "en": en} for key, (id_, en) in names.items()}


STRINGS: Final[dict[str, dict[str, str]]] = {
    # timeline
    "audit.kind_hint": {"id": "Nama peristiwa, mis. PlanApproved atau ResultsRatingSet",
                        "en": "An event name, e.g. PlanApproved or ResultsRatingSet"},
    "audit.days_in_zone": {"id": "Hari menurut waktu {zone}", "en": "Days in {zone} time"},
    "audit.times_in_zone": {"id": "Waktu dalam {zone} (zona waktu kantor).",
                            "en": "Times in {zone} (the office's zone)."},
    "audit.until_before": {"id": "tidak boleh sebelum tanggal 'Sejak'", "en": "must not be before 'Since'"},
    "audit.stream": {"id": "Aliran", "en": "Stream"},
    "audit.state_after": {"id": "Keadaan saat itu", "en": "State then"},
    "audit.state_after_of": {"id": "Keadaan aliran setelah {what} pada {when}",
                             "en": "The stream's state after {what} at {when}"},
    "audit.time_invalid": {"id": "harus berupa jam JJ:MM atau JJ:MM:DD (24 jam)",
                           "en": "must be a time HH:MM or HH:MM:SS (24 hours)"},
    "audit.yes": {"id": "Ya", "en": "Yes"},
    "audit.no": {"id": "Tidak", "en": "No"},
    # a stream's state at a moment
    "audit.state.title": {"id": "Keadaan pada suatu saat", "en": "State at a moment"},
    "audit.state.back": {"id": "Kembali ke jejak audit", "en": "Back to the audit trail"},
    "audit.state.intro": {"id": "Keadaan dihitung ulang dari peristiwa yang tercatat sampai saat yang dipilih.",
                          "en": "The state is recomputed from the events recorded up to the chosen moment."},
    "audit.state.aggregate": {"id": "Jenis data", "en": "Kind of record"},
    "audit.state.date": {"id": "Tanggal", "en": "Date"},
    "audit.state.time": {"id": "Jam ({zone})", "en": "Time ({zone})"},
    "audit.state.time_label": {"id": "Jam", "en": "Time"},
    "audit.state.date_hint": {"id": "Kosongkan tanggal dan jam untuk keadaan saat ini.",
                              "en": "Leave date and time empty for the state now."},
    "audit.state.time_hint": {"id": "Waktu {zone}, zona waktu kantor; kosongkan untuk akhir hari (23:59:59).",
                              "en": "{zone} time, the office's zone; leave empty for the end of the day (23:59:59)."},
    "audit.state.show": {"id": "Tampilkan keadaan", "en": "Show the state"},
    "audit.state.at": {"id": "Keadaan pada {at}", "en": "State at {at}"},
    "audit.state.now": {"id": "Keadaan saat ini", "en": "State now"},
    "audit.state.none_yet": {"id": "Pada saat itu aliran ini belum memiliki peristiwa (belum ada).",
                             "en": "At that moment this stream had no events yet (it did not exist)."},
    "audit.state.version": {"id": "Versi", "en": "Version"},
    "audit.state.last_event": {"id": "Peristiwa terakhir yang tercermin", "en": "Last event reflected"},
    "audit.state.event_id": {"id": "ID peristiwa", "en": "Event id"},
    "audit.state.no_fold": {"id": "Layanan ini tidak merangkum aliran ini menjadi keadaan; lihat peristiwanya.",
                            "en": "The service does not fold this stream into a state; see its events."},
    "audit.state.events": {"id": "Peristiwa sampai saat itu ({count})", "en": "Events up to then ({count})"},
    "audit.state.raw": {"id": "Data mentah (JSON)", "en": "Raw data (JSON)"},
    # reconciliation
    "audit.rec.link": {"id": "Rekonsiliasi penyimpanan dengan topik Kafka",
                       "en": "Reconcile the stores with the Kafka topics"},
    "audit.rec.title": {"id": "Rekonsiliasi penyimpanan dan topik", "en": "Store and topic reconciliation"},
    "audit.rec.intro": {"id": "Membandingkan peristiwa di penyimpanan tiap layanan dengan pesan di topik Kafka-nya: "
                              "peristiwa yang sama, isi yang sama, urutan yang sama per aliran.",
                        "en": "Compares the events in each service's store with the messages on its Kafka topic: "
                              "same events, same content, same order per stream."},
    "audit.rec.office": {"id": "Kantor", "en": "Office"},
    "audit.rec.run": {"id": "Jalankan rekonsiliasi", "en": "Run the reconciliation"},
    "audit.rec.result": {"id": "Hasil untuk kantor {office}", "en": "Result for office {office}"},
    "audit.rec.ok": {"id": "konsisten", "en": "consistent"},
    "audit.rec.differs": {"id": "{count} perbedaan", "en": "{count} differences"},
    "audit.rec.counts": {"id": "Topik {topic}: {stored} peristiwa tersimpan, {on_topic} pesan di topik, "
                               "{duplicates} kiriman ulang identik.",
                         "en": "Topic {topic}: {stored} stored events, {on_topic} messages on the topic, "
                               "{duplicates} identical redeliveries."},
    "audit.rec.differences": {"id": "Perbedaan di layanan {service}", "en": "Differences in the {service} service"},
    "audit.rec.what": {"id": "Perbedaan", "en": "Difference"},
    "audit.rec.event": {"id": "Peristiwa", "en": "Event"},
    "audit.rec.store": {"id": "Di penyimpanan (aliran, versi)", "en": "In the store (stream, version)"},
    "audit.rec.topic": {"id": "Di topik", "en": "On the topic"},
    "audit.rec.detail": {"id": "Rincian teknis", "en": "Technical detail"},
    "audit.rec.at_topic": {"id": "partisi {partition}, offset {offset}",
                           "en": "partition {partition}, offset {offset}"},
    **_fields(
        plan_id=("ID SKP", "SKP id"), appraisal_id=("ID penilaian", "Appraisal id"),
        employee_id=("NIP pegawai", "Employee NIP"), office_id=("Kantor", "Office"), unit_id=("Unit kerja", "Unit"),
        period_year=("Tahun", "Year"), period=("Periode", "Period"), evaluator_id=("Pejabat penilai", "Evaluator"),
        superior_id=("Atasan pejabat penilai", "Evaluator's superior"),
        position_type=("Jenis jabatan", "Position type"),
        approach=("Pendekatan", "Approach"), status=("Status", "Status"), rhks=("RHK", "RHKs"),
        behaviour=("Perilaku kerja (ekspektasi khusus)", "Work behaviour (specific expectations)"),
        approved_by=("Disetujui oleh", "Approved by"), return_comments=("Catatan pengembalian", "Return comments"),
        revision_reasons=("Alasan revisi", "Revision reasons"), title=("Judul", "Title"), kind=("Jenis", "Kind"),
        ikis=("Indikator (IKI)", "Indicators (IKI)"), targets=("Target", "Targets"),
        description=("Uraian", "Description"), aspect=("Aspek", "Aspect"), unit=("Satuan", "Unit"),
        rating=("Rating", "Rating"), comment=("Komentar", "Comment"),
        results_rating=("Rating hasil kerja", "Results rating"),
        behaviour_rating=("Rating perilaku kerja", "Behaviour rating"),
        results_source=("Sumber rating hasil kerja", "Source of the results rating"),
        predicate=("Predikat kinerja", "Performance predicate"),
        organisation_predicate=("Predikat kinerja organisasi", "Organisation predicate"), result=("Hasil", "Result"),
        objection_deadline=("Batas keberatan", "Objection deadline"), acknowledged=("Diterima pegawai", "Acknowledged"),
        objection=("Keberatan", "Objection"), corrected=("Dikoreksi", "Corrected"),
        self_rhks=("Penilaian diri per RHK", "Self-assessment per RHK"),
        self_values=("Penilaian diri per nilai BerAKHLAK", "Self-assessment per BerAKHLAK value"),
        self_summary=("Ringkasan penilaian diri", "Self-assessment summary"), raters=("Penilai 360", "360 raters"),
        window_closes_at=("Jendela 360 ditutup pada", "360 window closes at"),
        peer_window_closed=("Jendela 360 ditutup", "360 window closed"), peer_inputs=("Masukan 360", "360 inputs"),
        rhk_ratings=("Rating per RHK", "Rating per RHK"),
        value_ratings=("Rating per nilai BerAKHLAK", "Rating per BerAKHLAK value"),
        self_assessment_due=("Batas penilaian diri", "Self-assessment due"),
        rating_due=("Batas penilaian", "Rating due"),
        employment=("Status kepegawaian", "Employment"), unit_head=("Kepala unit", "Unit head"),
        rater_id=("NIP penilai", "Rater NIP"), relation=("Hubungan", "Relation"), rhk_id=("ID RHK", "RHK id"),
        source=("Sumber", "Source"), reason=("Alasan", "Reason"), value=("Nilai", "Value"), scores=("Skor", "Scores"),
        settings=("Pengaturan", "Settings"), time_zone=("Zona waktu", "Time zone"), name=("Nama", "Name"),
    ),
}
FIELD_LABELS: Final[dict[str, str]] = {"tanggal": "audit.state.date", "jam": "audit.state.time_label",
                                       "kantor": "audit.rec.office"}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "audit_difference": {
        "missing_on_topic": {"id": "Tidak ada di topik", "en": "Missing on the topic"},
        "extra_on_topic": {"id": "Hanya ada di topik", "en": "Only on the topic"},
        "content_differs": {"id": "Isi berbeda", "en": "Content differs"},
        "out_of_order": {"id": "Urutan salah", "en": "Out of order"},
        "malformed": {"id": "Pesan rusak", "en": "Malformed message"},
    },
    "audit_aggregate": {
        "PerformancePlan": {"id": "SKP", "en": "SKP"}, "RosterEntry": {"id": "Data pegawai", "en": "Roster entry"},
        "Realisation": {"id": "Realisasi", "en": "Realisation"}, "Appraisal": {"id": "Penilaian", "en": "Appraisal"},
        "Office": {"id": "Pengaturan kantor", "en": "Office settings"},
        "UnitPredicate": {"id": "Predikat organisasi", "en": "Organisation predicate"},
        "CareerRecord": {"id": "Riwayat karier", "en": "Career record"},
        "TrainingCatalog": {"id": "Katalog pelatihan", "en": "Training catalog"},
        "DevelopmentPlan": {"id": "Rencana pengembangan (IDP)", "en": "Development plan (IDP)"},
    },
    "audit_approach": {"kuantitatif": {"id": "Kuantitatif", "en": "Quantitative"},
                       "kualitatif": {"id": "Kualitatif", "en": "Qualitative"}},
    "audit_position_type": {"jpt": {"id": "JPT", "en": "JPT"}, "kepala_unit": {"id": "Kepala unit", "en": "Unit head"},
                            "ja": {"id": "Jabatan administrasi (JA)", "en": "Administrative (JA)"},
                            "jf": {"id": "Jabatan fungsional (JF)", "en": "Functional (JF)"}},
}
