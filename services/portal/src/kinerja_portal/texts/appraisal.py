"""Strings of the portal's appraisal pages (Indonesian first, English second); merged by ``kinerja_portal.i18n``.

``obj.*``: objections (keberatan) — the list of those awaiting the superior or the evaluator, the objection
page with the explanations and the decision. ``r360.*``: choosing 360 raters from the roster and closing
the 360 window.
"""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    # objections
    "obj.nav": {"id": "Keberatan", "en": "Objections"},
    "obj.list_title": {"id": "Keberatan atas hasil penilaian", "en": "Objections to appraisal results"},
    "obj.list_intro": {"id": "Keberatan diputus oleh atasan pejabat penilai setelah meminta penjelasan pejabat "
                               "penilai dan pegawai. Keputusan bersifat final.",
                       "en": "The evaluator's superior decides an objection after asking the evaluator and the "
                             "employee to explain. The decision is final."},
    "obj.awaiting_me": {"id": "Menunggu keputusan Anda", "en": "Awaiting your decision"},
    "obj.awaiting_superior": {"id": "Keberatan atas penilaian yang Anda berikan",
                              "en": "Objections to ratings you gave"},
    "obj.decided_list": {"id": "Sudah diputuskan", "en": "Decided"},
    "obj.none": {"id": "Tidak ada keberatan.", "en": "No objections."},
    "obj.open": {"id": "Buka keberatan", "en": "Open the objection"},
    "obj.filed_at": {"id": "Diajukan", "en": "Filed"},
    "obj.decided_at": {"id": "Diputuskan", "en": "Decided"},
    "obj.explanation_count": {"id": "Penjelasan", "en": "Explanations"},
    "obj.title": {"id": "Keberatan {name} — periode {period}", "en": "Objection of {name} — period {period}"},
    "obj.employee": {"id": "Pegawai", "en": "Employee"},
    "obj.evaluator": {"id": "Pejabat penilai", "en": "Evaluator"},
    "obj.superior": {"id": "Atasan pejabat penilai", "en": "Evaluator's superior"},
    "obj.state": {"id": "Status keberatan", "en": "Objection status"},
    "obj.reasons": {"id": "Alasan keberatan pegawai", "en": "The employee's reasons"},
    "obj.explanations": {"id": "Penjelasan", "en": "Explanations"},
    "obj.no_explanations": {"id": "Belum ada penjelasan.", "en": "No explanation yet."},
    "obj.current": {"id": "Hasil penilaian yang diajukan keberatan", "en": "The result objected to"},
    "obj.see_appraisal": {"id": "Lihat penilaian lengkap", "en": "See the whole appraisal"},
    "obj.explain_title": {"id": "Beri penjelasan", "en": "Explain"},
    "obj.explanation": {"id": "Penjelasan Anda", "en": "Your explanation"},
    "obj.explain_hint": {"id": "Atasan pejabat penilai membaca penjelasan ini sebelum memutuskan.",
                         "en": "The evaluator's superior reads this before deciding."},
    "obj.explain_submit": {"id": "Kirim penjelasan", "en": "Send the explanation"},
    "obj.explained": {"id": "Penjelasan terkirim.", "en": "Explanation sent."},
    "obj.decide_title": {"id": "Keputusan atas keberatan", "en": "Decision on the objection"},
    "obj.decide_hint": {"id": "Keputusan bersifat final: keberatan kedua atas hasil ini tidak dapat diajukan.",
                        "en": "The decision is final: no second objection to this result is possible."},
    "obj.decision": {"id": "Keputusan", "en": "Decision"},
    "obj.new_results": {"id": "Rating Hasil Kerja baru", "en": "New results rating"},
    "obj.new_behaviour": {"id": "Rating Perilaku Kerja baru", "en": "New behaviour rating"},
    "obj.new_ratings": {"id": "Rating baru", "en": "New ratings"},
    "obj.new_hint": {"id": "Hanya untuk keputusan \"Diubah\". Pilih rating yang berubah; biarkan yang lain "
                              "\"tidak berubah\".",
                     "en": "Only for \"Changed\". Choose the ratings that change; leave the others \"unchanged\"."},
    "obj.unit_head_note": {"id": "Rating hasil kerja kepala unit mengikuti predikat kinerja organisasi dan tidak "
                                 "diubah melalui keberatan.",
                           "en": "A unit head's results rating follows the organisation predicate and is not "
                                 "changed by an objection."},
    "obj.no_change": {"id": "— tidak berubah —", "en": "— unchanged —"},
    "obj.decision_reason": {"id": "Alasan keputusan", "en": "Reason for the decision"},
    "obj.decide_submit": {"id": "Simpan keputusan", "en": "Record the decision"},
    "obj.decided": {"id": "Keputusan keberatan tersimpan. Pegawai menerima notifikasi.",
                    "en": "Decision recorded. The employee is notified."},
    "obj.change_needed": {"id": "pilih Rating Hasil Kerja atau Rating Perilaku Kerja yang baru untuk keputusan "
                                "\"Diubah\"",
                          "en": "choose a new results or behaviour rating for \"Changed\""},
    "obj.upheld_no_ratings": {"id": "kosongkan rating baru: keputusan \"Dikuatkan\" tidak mengubah rating",
                              "en": "leave the new ratings empty: \"Upheld\" changes no rating"},
    "obj.outcome": {"id": "Keputusan", "en": "Decision"},
    "obj.decided_by": {"id": "Diputuskan oleh", "en": "Decided by"},
    "obj.previous_predicate": {"id": "Predikat sebelum keputusan", "en": "Predicate before the decision"},
    "obj.corrected_predicate": {"id": "Predikat setelah keputusan", "en": "Predicate after the decision"},
    "obj.none_here": {"id": "Belum ada keberatan atas penilaian ini.", "en": "No objection to this appraisal."},
    "obj.pending": {"id": "Menunggu keputusan atasan pejabat penilai", "en": "Awaiting the superior's decision"},
    "obj.details": {"id": "Rincian keberatan dan penjelasan", "en": "The objection and its explanations"},
    "obj.filed_notice": {"id": "Pegawai mengajukan keberatan atas hasil ini.",
                         "en": "The employee objected to this result."},
    # 360 raters from the roster, closing the window
    "r360.candidates": {"id": "Tambahkan penilai dari daftar", "en": "Add raters from the list"},
    "r360.candidates_hint": {"id": "Rekan kerja setingkat (satu pejabat penilai) dan bawahan langsung menurut data "
                                   "kepegawaian.",
                             "en": "Peers (same evaluator) and direct subordinates per the personnel data."},
    "r360.candidate": {"id": "{name} — {relation}", "en": "{name} — {relation}"},
    "r360.no_candidates": {"id": "Data kepegawaian belum mencatat rekan kerja atau bawahan lain yang dapat menilai "
                                 "pegawai ini.",
                           "en": "The personnel data lists no other peer or subordinate who could rate this "
                                 "employee."},
    "r360.manual": {"id": "Penilai yang ditugaskan (atau ketik NIP)", "en": "Assigned raters (or type an NIP)"},
    "r360.manual_hint": {"id": "Kosongkan NIP untuk menghapus penilai yang belum mengisi.",
                         "en": "Clear an NIP to remove a rater who has not answered."},
    "r360.close_title": {"id": "Tutup masa penilaian 360", "en": "Close the 360 window"},
    "r360.close_hint": {"id": "{answered} dari {assigned} penilai sudah mengisi. Setelah ditutup, penilai tidak "
                              "dapat lagi mengisi atau mengubah masukan.",
                        "en": "{answered} of {assigned} raters answered. Once closed, raters can no longer answer "
                              "or revise."},
    "r360.close_submit": {"id": "Tutup masa penilaian 360 sekarang", "en": "Close the 360 window now"},
    "r360.closed": {"id": "Masa penilaian 360 ditutup.", "en": "The 360 window is closed."},
    "r360.closed_note": {"id": "Masa penilaian 360 sudah ditutup; penilai tidak dapat ditambah atau diubah.",
                         "en": "The 360 window is closed; raters can no longer be added or changed."},
    "r360.form_closed": {"id": "Masa penilaian 360 telah ditutup; jawaban Anda tidak dapat diubah lagi.",
                         "en": "The 360 window is closed; your answer can no longer be changed."},
    "r360.your_answer": {"id": "Jawaban Anda yang tersimpan", "en": "Your saved answer"},
    # calibration: which predicates a bound of the curve counts
    "cal.bound_counts": {"id": "Predikat yang dihitung", "en": "Predicates counted"},
}

FIELD_LABELS: Final[dict[str, str]] = {
    "decision": "obj.decision", "decision_reason": "obj.decision_reason", "explanation": "obj.explanation",
    "new_results_rating": "obj.new_results", "new_behaviour_rating": "obj.new_behaviour",
    "candidates": "r360.candidates",
}

LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "objection_decision": {"upheld": {"id": "Dikuatkan — hasil penilaian tetap", "en": "Upheld — the result stands"},
                           "changed": {"id": "Diubah — rating dikoreksi", "en": "Changed — ratings corrected"}},
    "objection_state": {"filed": {"id": "Menunggu keputusan", "en": "Awaiting the decision"},
                        "upheld": {"id": "Dikuatkan", "en": "Upheld"}, "changed": {"id": "Diubah", "en": "Changed"}},
}
