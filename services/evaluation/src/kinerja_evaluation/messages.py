"""The evaluation service's message catalog: every refusal (and every text a view shows) it raises, by code,
in Indonesian and English.

Domain and application code raise ``DomainRuleViolation("evaluation.appraisal.final", field="status",
step="rating")``; the HTTP edge (and the portal) render the text from here (``kinerja_kernel.messages``).
Registered when the package is imported (``kinerja_evaluation/__init__.py``).
"""

from __future__ import annotations

from typing import Any, Final

from kinerja_kernel import messages
from kinerja_kernel.labels import tanggal_waktu, value_label

STEPS: Final = {
    "self-assessment": "Penilaian diri",
    "assign-raters": "Penugasan penilai 360",
    "close-peer-window": "Penutupan masa penilaian 360",
    "rating": "Penilaian",
    "calibration": "Kalibrasi",
    "finalisation": "Finalisasi",
}
"""The steps of an open appraisal, as a refusal names them (``{step:evaluation_step}``)."""

RELATIONS: Final = {"peer": "rekan kerja setingkat", "subordinate": "bawahan langsung"}
CADENCES: Final = {"monthly": "bulanan", "quarterly": "triwulanan"}

MESSAGES: Final = {
    # -- the appraisal ------------------------------------------------------------------------------
    "evaluation.appraisal.not-found": ("Penilaian {appraisal_id} tidak ditemukan", "appraisal not found"),
    "evaluation.appraisal.not-allowed": ("Anda tidak berhak melihat penilaian ini",
                                         "not allowed to read this appraisal"),
    "evaluation.appraisal.no-rhk": ("SKP yang disetujui belum memiliki RHK untuk dinilai",
                                    "approved SKP has no RHK"),
    "evaluation.appraisal.final": ("{step:evaluation_step} tidak dapat dilakukan: penilaian sudah difinalkan",
                                   "appraisal is final ({step})"),
    "evaluation.appraisal.not-finalised": ("Hasil penilaian belum difinalkan", "not finalised"),
    "evaluation.appraisal.not-evaluator": (
        "Hanya pejabat penilai pegawai ini (atau Plt/Plh-nya pada tanggal penugasan) yang dapat menilai dan "
        "memfinalkan", "only the evaluator rates"),
    # -- self-assessment and ratings ------------------------------------------------------------------
    "evaluation.self-assessment.not-employee": ("Penilaian diri hanya diisi oleh pegawai yang bersangkutan",
                                                "only the employee self-assesses"),
    "evaluation.rating.unknown-rhk": ("RHK tidak termasuk dalam SKP yang dinilai", "unknown rhk"),
    "evaluation.rating.duplicate-rhk": ("Setiap RHK hanya dinilai sekali", "duplicate rhk"),
    "evaluation.rating.duplicate-value": ("Setiap nilai perilaku hanya dinilai sekali", "duplicate value"),
    "evaluation.rating.rhk-missing": ("RHK '{title}' belum dinilai", "RHK '{title}' not rated"),
    "evaluation.rating.value-missing": ("Perilaku '{value:berakhlak}' belum dinilai", "value {value} not rated"),
    "evaluation.rating.results-missing": ("Rating hasil kerja belum diisi", "results rating missing"),
    "evaluation.rating.unit-head-results-missing": (
        "Predikat kinerja organisasi unit belum ditetapkan (rating hasil kerja kepala unit)",
        "the unit's organisation predicate is not set (the unit head's results rating)"),
    "evaluation.rating.behaviour-missing": ("Rating perilaku kerja belum diisi", "behaviour rating missing"),
    "evaluation.rating.unit-head-results-by-evaluator": (
        "Rating hasil kerja kepala unit mengikuti predikat kinerja organisasi dan tidak diisi oleh pejabat penilai",
        "unit head results rating"),
    "evaluation.rating.unit-head-results": ("Rating hasil kerja kepala unit mengikuti predikat kinerja organisasi",
                                            "unit head results rating"),
    # -- 360 ----------------------------------------------------------------------------------------
    "evaluation.raters.not-assigner": ("Penilai 360 ditugaskan oleh pejabat penilai atau pengelola kepegawaian",
                                       "only the evaluator or HR assigns raters"),
    "evaluation.raters.window-closed": ("Masa penilaian 360 telah ditutup", "360 window closed"),
    "evaluation.raters.window-in-past": ("Batas waktu penilaian 360 harus di masa depan", "window in the past"),
    "evaluation.raters.self-rating": ("Pegawai tidak dapat menilai dirinya sendiri", "self-rating"),
    "evaluation.raters.duplicate": ("Penilai tercantum lebih dari satu kali", "duplicate rater"),
    "evaluation.raters.not-related": (
        "{rater_id} bukan {relation:rater_relation} pegawai ini menurut data kepegawaian",
        "{rater_id} is not a {relation}"),
    "evaluation.raters.answered-removed": (
        "Penilai {raters} sudah mengisi penilaian 360 dan tidak dapat dihapus",
        "cannot remove a rater who answered ({raters})"),
    "evaluation.peer.not-assigned": ("Anda tidak ditugaskan sebagai penilai 360 untuk pegawai ini",
                                     "not an assigned rater"),
    "evaluation.peer.closed": ("Masa penilaian 360 telah ditutup; masukan tidak dapat diubah lagi",
                               "360 window closed"),
    "evaluation.peer.values-missing": ("Nilai untuk {values:berakhlak_list} wajib diisi", "missing values: {values}"),
    "evaluation.peer.score-out-of-scale": ("Nilai harus 1 sampai 5", "score out of scale"),
    "evaluation.peer.hidden": ("Hasil 360 ditampilkan setelah minimal {threshold} penilai mengisi ({answered} "
                               "sudah mengisi)",
                               "360 results are shown once {threshold} raters answered ({answered} did)"),
    "evaluation.peer-window.not-closer": ("Masa 360 ditutup oleh pejabat penilai atau pengelola kepegawaian",
                                          "only the evaluator or HR closes the window"),
    "evaluation.peer-window.no-raters": (
        "Belum ada penilai 360 yang ditugaskan; tidak ada masa penilaian 360 yang dapat ditutup",
        "no raters assigned"),
    "evaluation.peer-window.already-closed": ("Masa penilaian 360 sudah ditutup", "360 window already closed"),
    # -- calibration and finalisation ---------------------------------------------------------------
    "evaluation.calibration.not-allowed": (
        "Kalibrasi dilakukan oleh pengelola kepegawaian atau atasan pejabat penilai",
        "only HR or the superior calibrates"),
    "evaluation.calibration.nothing": ("Isi rating hasil kerja atau rating perilaku kerja yang diubah",
                                       "nothing to calibrate"),
    "evaluation.calibration.no-change": ("Kalibrasi tidak mengubah apa pun", "no change"),
    "evaluation.calibration.no-organisation-predicate": (
        "Predikat kinerja organisasi unit ini belum ditetapkan; kurva distribusi belum dapat diterapkan",
        "the unit's organisation predicate is not set; the curve cannot be applied yet"),
    "evaluation.finalise.incomplete": ("Penilaian belum lengkap: {first}{more:lainnya}",
                                       "ratings missing: {first_en} (+{more})"),
    "evaluation.curve.blocked": (
        "Distribusi predikat unit melanggar kurva ({arithmetic}); finalisasi diblokir oleh pengaturan kantor",
        "curve violated (block): {arithmetic}"),
    "evaluation.curve.justification-needed": (
        "Distribusi predikat unit melanggar kurva ({arithmetic}); tuliskan justifikasi untuk tetap memfinalkan",
        "justification needed: {arithmetic}"),
    "evaluation.acknowledge.not-employee": ("Hanya pegawai yang bersangkutan yang dapat menerima hasil penilaian",
                                            "only the employee acknowledges"),
    "evaluation.acknowledge.already": ("Hasil penilaian sudah diterima", "already acknowledged"),
    # -- objection ----------------------------------------------------------------------------------
    "evaluation.objection.not-employee": ("Keberatan hanya dapat diajukan oleh pegawai yang dinilai",
                                          "only the employee objects"),
    "evaluation.objection.second": (
        "Keberatan atas hasil penilaian ini sudah pernah diajukan; keberatan hanya dapat diajukan satu kali",
        "second objection"),
    "evaluation.objection.not-finalised": (
        "Keberatan hanya dapat diajukan atas hasil penilaian yang sudah difinalkan", "not finalised"),
    "evaluation.objection.window-closed": ("Masa pengajuan keberatan telah berakhir pada {deadline:tanggal_waktu} "
                                           "{zone}", "objection window closed on {deadline} {zone}"),
    "evaluation.objection.no-superior": ("Atasan pejabat penilai belum tercatat; hubungi pengelola kepegawaian",
                                         "no superior"),
    "evaluation.objection.not-a-party": ("Penjelasan keberatan diberikan oleh pegawai atau pejabat penilai",
                                         "not a party of the objection"),
    "evaluation.objection.not-superior": (
        "Keberatan diputus oleh atasan pejabat penilai (atau Plt/Plh-nya pada tanggal penugasan)",
        "only the superior or their acting official decides"),
    "evaluation.objection.upheld-with-ratings": ("Keputusan 'dikuatkan' tidak mengubah rating; kosongkan rating",
                                                 "upheld with ratings"),
    "evaluation.objection.changed-without-change": (
        "Keputusan 'diubah' harus mengubah rating hasil kerja atau perilaku kerja", "changed without a change"),
    "evaluation.objection.none-pending": ("Tidak ada keberatan yang sedang diproses", "no pending objection"),
    # -- the office, its periods and units ------------------------------------------------------------
    "evaluation.period.already-open": ("Periode {period} sudah dibuka", "period {period} already open"),
    "evaluation.period.wrong-cadence": (
        "Kantor ini melakukan penilaian periodik {cadence:evaluation_cadence}; periode {period} tidak sesuai "
        "pengaturan", "period {period} does not match the cadence {cadence}"),
    "evaluation.unit.no-head": (
        "Kepala unit {unit_id} belum tercatat di data kepegawaian, sehingga pimpinan unit di atasnya tidak "
        "diketahui", "no unit head of {unit_id}"),
    "evaluation.organisation-predicate.needs-instruction": (
        "Pengelola kepegawaian menetapkan predikat organisasi atas instruksi pimpinan unit di atasnya ({leaders})",
        "HR needs the leader's instruction ({leaders})"),
    "evaluation.organisation-predicate.not-leader": (
        "Predikat kinerja organisasi ditetapkan oleh pimpinan unit di atasnya", "only the leader of the unit above"),
    # -- the evaluation document ----------------------------------------------------------------------
    "evaluation.document.appraisal-not-found": ("Penilaian tidak ditemukan", "appraisal not found"),
    "evaluation.document.not-allowed": ("Anda tidak berhak melihat dokumen penilaian ini",
                                        "not allowed to read this appraisal's document"),
    "evaluation.document.not-finalised": (
        "Penilaian belum difinalisasi; dokumen evaluasi belum dapat ditandatangani",
        "only a finalised appraisal's document is signed"),
    "evaluation.recap.not-found": ("Tidak ada penilaian unit {unit_id} pada periode {period}",
                                   "no appraisals of unit {unit_id} in period {period}"),
    # -- history ------------------------------------------------------------------------------------
    "evaluation.history.not-allowed": ("Anda tidak berhak melihat riwayat penilaian pegawai ini",
                                       "not allowed to read this history"),
    "evaluation.history.not-found": ("Riwayat penilaian pegawai {employee_id} tidak ditemukan",
                                     "no rating history of {employee_id}"),
}


def _value_list(values: Any) -> str:
    return ", ".join(value_label(v.strip()) for v in str(values).split(","))


def _more(count: Any) -> str:
    return f" (dan {count} lainnya)" if count else ""


messages.register(MESSAGES)
messages.register_label("evaluation_step", lambda step: STEPS.get(str(step), str(step)))
messages.register_label("rater_relation", lambda relation: RELATIONS.get(str(relation), str(relation)))
messages.register_label("evaluation_cadence", lambda cadence: CADENCES.get(str(cadence), str(cadence)))
messages.register_label("berakhlak", lambda value: value_label(str(value)))
messages.register_label("berakhlak_list", _value_list)
messages.register_label("lainnya", _more)
messages.register_label("tanggal_waktu", tanggal_waktu)
