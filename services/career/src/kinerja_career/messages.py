"""The career service's message catalog: every refusal and every promotion check it states, by code, in
Indonesian and English.

Domain and application code name the rule (``InvalidInput("career.rank.tmt-in-future", field="tmt",
tmt=...)``); the HTTP edge (and the portal) render the text from here (``kinerja_kernel.messages``).
Registered when the package is imported (``kinerja_career/__init__.py``).
"""

from __future__ import annotations

from typing import Any, Final

from kinerja_kernel import messages
from kinerja_kernel.contracts.evaluation import PREDICATE_LABELS, Predicate

MESSAGES: Final = {
    # -- employees and career records ---------------------------------------------------------------
    "career.employee.unknown": ("Pegawai {employee_id} belum tercatat di layanan karier (roster atau hasil penilaian)",
                                "unknown employee"),
    "career.record.not-found": ("Data karier pegawai {employee_id} tidak ditemukan", "no career record"),
    "career.record.none-yet": ("Belum ada data karier: hasil penilaian atau data kepegawaian belum tercatat",
                               "no career data yet: no appraisal result or personnel data recorded"),
    "career.record.other-office": ("Pegawai {employee_id} terdaftar di kantor {record_office}, bukan {office_id}",
                                   "employee belongs to office {record_office}"),
    "career.record.not-allowed": ("Anda tidak berhak melihat data karier pegawai ini",
                                  "not allowed to read this career record"),
    # -- appraisal results (consumed events) ----------------------------------------------------------
    "career.result.employee-not-nip": ("{problem}", "employee_id {employee_id!r} is not an NIP"),
    "career.result.subject-differs": (
        "Subjek peristiwa ({subject}) berbeda dengan pegawai yang dinilai ({employee_id})",
        "subject {subject!r} differs from result.employee_id {employee_id!r}"),
    "career.result.period-contradicts-key": (
        "Periode {period_key} tidak sesuai dengan jenis, tahun, tanggal atau jumlah bulannya",
        "period {period} contradicts its key (expected {expected})"),
    "career.result.correction-changes-subject": ("Koreksi mengubah pegawai atau periode hasil penilaian",
                                                 "correction changes the employee or the period"),
    "career.result.correction-unknown": ("Hasil penilaian yang dikoreksi ({replaces_event_id}) tidak dikenal",
                                         "correction replaces unknown result event {replaces_event_id}"),
    "career.result.correction-other-period": (
        "Koreksi untuk periode {period_key} menggantikan hasil periode {replaced}",
        "correction period {period_key} differs from replaced {replaced}"),
    # -- HR data entry --------------------------------------------------------------------------------
    "career.rank.tmt-in-future": ("TMT pangkat {tmt} belum berlaku (setelah hari ini)", "rank TMT in the future"),
    "career.position.coefficient-not-positive": ("Koefisien angka kredit harus lebih dari 0",
                                                 "coefficient must be > 0"),
    "career.potential.assessed-in-future": ("Tanggal asesmen potensi tidak boleh setelah hari ini",
                                            "assessment date in the future"),
    "career.import.row-refused": ("{row} ({employee_id}): {problem}", "{row} ({employee_id}): {problem_en}"),
    "career.import.row-refused-named": ("{row} ({name}, {employee_id}): {problem}",
                                        "{row} ({name}, {employee_id}): {problem_en}"),
    "career.import.field-invalid": ("{where}: {problem}", "{where}: {problem_en}"),
    "career.import.value-invalid": ("{problem}", "{problem_en}"),
    "career.import.csv-not-utf8": ("Berkas CSV harus UTF-8", "CSV not UTF-8"),
    "career.import.csv-columns-missing": ("Kolom CSV belum ada: {missing} (wajib: nip;golongan;pangkat;tmt)",
                                          "missing CSV columns {missing}"),
    "career.import.csv-empty": ("Berkas CSV tidak memuat baris data", "empty CSV"),
    # -- training catalog -----------------------------------------------------------------------------
    "career.catalog.value-needed": ("Pelatihan untuk nilai BerAKHLAK wajib menyebut nilainya",
                                    "trigger nilai needs a value"),
    "career.catalog.value-not-taken": ("Pelatihan untuk hasil kerja tidak menyebut nilai BerAKHLAK",
                                       "trigger hasil_kerja takes no value"),
    "career.catalog.entry-not-found": ("Pelatihan {code} tidak ada di katalog kantor", "no catalog entry {code}"),
    # -- individual development plans -----------------------------------------------------------------
    "career.idp.not-found": ("Rencana pengembangan {idp_id} tidak ditemukan", "unknown IDP"),
    "career.idp.not-allowed": ("Rencana pengembangan hanya disusun oleh pegawai, pejabat penilainya, atau "
                               "pengelola kepegawaian kantornya", "not allowed to write this IDP"),
    "career.idp.no-goals": ("Rencana pengembangan wajib memuat minimal satu tujuan", "no goals"),
    "career.idp.no-activities": ("Rencana pengembangan wajib memuat minimal satu kegiatan", "no activities"),
    "career.idp.duplicate-activities": ("Kegiatan tidak boleh ganda", "duplicate activity ids"),
    "career.idp.improvement-needs-coaching": ("Rencana perbaikan kinerja wajib memuat kegiatan coaching",
                                              "an improvement plan needs a coaching activity"),
    "career.idp.activity-not-found": ("Kegiatan {activity_id} tidak ada di rencana ini", "unknown activity"),
    "career.idp.hours-negative": ("Jam yang sudah dijalani tidak boleh negatif", "negative hours"),
    "career.idp.progress-out-of-range": ("Kemajuan harus 0-100 %", "progress outside 0..100"),
    # -- what the views say (the talent grid, the improvement plan) --------------------------------------
    "career.talent.potential-missing": ("Potensi belum dinilai", "potential not assessed yet"),
    "career.talent.result-missing": ("Belum ada hasil penilaian kinerja", "no appraisal result yet"),
    "career.talent.box-needs-both": ("Kotak dihitung setelah potensi dan hasil penilaian tersedia",
                                     "the box follows once the potential and an appraisal result are known"),
    "career.idp.improvement-written": ("Rencana perbaikan kinerja sudah disusun", "the improvement plan is written"),
    "career.idp.improvement-required": (
        "Rencana perbaikan kinerja dengan coaching wajib disusun (predikat {predicate:career_predicate}, periode "
        "{period_key})", "an improvement plan with coaching is required (predicate {predicate}, period {period_key})"),
    # -- promotion checks (the texts the published PromotionEligibilityChanged carries) -----------------
    "career.promotion.rank-not-recorded": ("Pangkat dan TMT belum dicatat oleh pengelola kepegawaian",
                                           "rank and TMT not recorded by HR"),
    "career.promotion.time-in-rank-met": (
        "Masa kerja dalam pangkat {years} tahun {months} bulan (minimal 4 tahun)",
        "{years} years {months} months in rank (at least 4 years)"),
    "career.promotion.time-in-rank-short": (
        "Masa kerja dalam pangkat baru {years} tahun {months} bulan (minimal 4 tahun)",
        "only {years} years {months} months in rank (at least 4 years)"),
    "career.promotion.annual-missing": ("Belum ada predikat tahunan {year}", "no annual predicate for {year}"),
    "career.promotion.predicate-met": ("Predikat {year}: {predicate:career_predicate}",
                                       "predicate {year}: {predicate}"),
    "career.promotion.predicate-low": ("Predikat {year}: {predicate:career_predicate} (minimal Baik)",
                                       "predicate {year}: {predicate} (at least baik)"),
}


def predicate_label(value: Any) -> str:
    """A predicate as people read it (``butuh_perbaikan`` -> ``Butuh Perbaikan``)."""
    return PREDICATE_LABELS[Predicate(value)]


messages.register(MESSAGES)
messages.register_label("career_predicate", predicate_label)
