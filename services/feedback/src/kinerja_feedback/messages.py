"""The feedback service's message catalog: every refusal it raises, by code, in Indonesian and English.

Domain and application code raise ``InvalidInput("feedback.dialogue.notes-empty", field="notes")``; the HTTP
edge (and the portal) render the text from here (``kinerja_kernel.messages``). Registered when the package
is imported (``kinerja_feedback/__init__.py``).
"""

from __future__ import annotations

from typing import Final

from kinerja_kernel import messages
from kinerja_kernel.labels import tanggal

MESSAGES: Final = {
    # -- the roster and who reaches whom ------------------------------------------------------------
    "feedback.employee.not-on-roster": ("Pegawai {employee_id} belum tercatat di roster kantor",
                                        "employee {employee_id} is not on the roster"),
    "feedback.employee.not-allowed": ("Anda tidak berhak melihat data pegawai ini",
                                      "not allowed to read this employee"),
    "feedback.reach.oneself": ("Anda tidak dapat memberi umpan balik kepada diri sendiri", "feedback to oneself"),
    "feedback.reach.peers-not-allowed": ("Kantor ini tidak mengizinkan umpan balik antar rekan kerja",
                                         "peer feedback is not allowed in this office"),
    "feedback.reach.outside": ("Pegawai {employee_id} bukan bawahan langsung atau rekan kerja Anda",
                               "the employee is outside the author's reach"),
    "feedback.reach.not-subordinate": ("Pegawai {employee_id} bukan bawahan yang Anda nilai",
                                       "not a subordinate of the caller"),
    # -- feedback -----------------------------------------------------------------------------------
    "feedback.feedback.not-found": ("Umpan balik tidak ditemukan", "feedback not found"),
    "feedback.feedback.link-exactly-one": ("Umpan balik harus terkait tepat satu: RHK/IKI atau nilai BerAKHLAK",
                                           "link exactly one of rhk_id or value"),
    "feedback.feedback.iki-needs-rhk": ("IKI hanya dapat disebut bersama RHK-nya", "iki_id needs rhk_id"),
    "feedback.feedback.text-empty": ("Isi umpan balik wajib diisi", "empty text"),
    "feedback.feedback.employee-responds": ("Hanya pegawai yang menerima umpan balik yang dapat menanggapinya",
                                            "only the employee may respond"),
    "feedback.feedback.recipient-responds": ("Hanya pegawai penerima yang menanggapi umpan balik",
                                             "only the employee responds to feedback"),
    "feedback.feedback.response-empty": ("Tanggapan wajib diisi", "empty response"),
    "feedback.feedback.response-unchanged": ("Tanggapan sama dengan sebelumnya", "unchanged response"),
    # -- performance dialogues ----------------------------------------------------------------------
    "feedback.dialogue.not-found": ("Dialog kinerja tidak ditemukan", "dialogue not found"),
    "feedback.dialogue.not-a-party": ("Anda bukan peserta dialog kinerja ini", "not a party of the dialogue"),
    "feedback.dialogue.evaluator-only": ("Hanya pejabat penilai yang dapat melakukan ini", "evaluator only"),
    "feedback.dialogue.employee-only": ("Hanya pegawai yang dapat memberi tanggapan", "employee only"),
    "feedback.dialogue.acknowledged": ("Catatan dialog sudah dikonfirmasi dan tidak dapat diubah lagi",
                                       "the dialogue record is acknowledged"),
    "feedback.dialogue.held": ("Dialog sudah berlangsung; jadwalnya tidak dapat diubah", "the dialogue was held"),
    "feedback.dialogue.date-past": ("Tanggal dialog sudah lewat; pilih hari ini atau tanggal sesudahnya",
                                    "the dialogue date is in the past"),
    "feedback.dialogue.notes-empty": ("Catatan dialog wajib diisi", "empty notes"),
    "feedback.dialogue.no-notes": ("Catatan dialog belum dicatat", "no notes yet"),
    "feedback.dialogue.nothing-to-acknowledge": ("Catatan dialog belum dicatat; belum ada yang dapat dikonfirmasi",
                                                 "no notes to acknowledge"),
    "feedback.dialogue.already-acknowledged": ("Anda sudah mengonfirmasi catatan dialog ini", "already acknowledged"),
    "feedback.dialogue.duplicate-actions": ("Tindak lanjut ganda", "duplicate action ids"),
    "feedback.dialogue.action-owner-not-party": ("Penanggung jawab tindak lanjut harus pegawai atau pejabat penilai",
                                                 "action owner must be a party"),
    "feedback.dialogue.action-due-before": (
        "Tenggat tindak lanjut tidak boleh sebelum tanggal dialog ({held_on:tanggal})",
        "an action cannot fall due before the dialogue ({held_on})"),
    "feedback.dialogue.action-not-found": ("Tindak lanjut tidak ditemukan", "action not found"),
    "feedback.dialogue.action-owner-or-evaluator": (
        "Hanya penanggung jawab atau pejabat penilai yang dapat menyelesaikan tindak lanjut",
        "owner or evaluator only"),
    "feedback.dialogue.action-done": ("Tindak lanjut sudah selesai", "action already done"),
    # -- clarifications -----------------------------------------------------------------------------
    "feedback.appraisal.not-found": ("Penilaian tidak ditemukan (belum dibuka untuk Anda)", "appraisal not found"),
    "feedback.clarification.not-found": ("Klarifikasi tidak ditemukan", "clarification not found"),
    "feedback.clarification.appraised-asks": ("Hanya pegawai yang dinilai yang dapat meminta klarifikasi",
                                              "only the appraised employee may ask"),
    "feedback.clarification.parties-reply": ("Hanya pegawai dan pejabat penilainya yang membalas klarifikasi",
                                             "only the employee and the evaluator reply"),
    "feedback.clarification.not-allowed": ("Anda tidak berhak melihat klarifikasi ini", "not allowed"),
    "feedback.clarification.not-a-party": ("Anda bukan pihak dalam klarifikasi ini", "not a party"),
    "feedback.clarification.final-ask": (
        "Hasil penilaian sudah final; klarifikasi tidak dapat diajukan lagi (gunakan keberatan)",
        "the result is final"),
    "feedback.clarification.final-reply": ("Hasil penilaian sudah final; utas klarifikasi ditutup",
                                           "the result is final"),
    "feedback.clarification.one-rating-point": (
        "Sebutkan tepat satu butir penilaian: RHK, nilai BerAKHLAK, atau rating keseluruhan",
        "name exactly one rating point"),
    "feedback.clarification.question-empty": ("Pertanyaan wajib diisi", "empty question"),
    "feedback.clarification.text-empty": ("Isi pesan wajib diisi", "empty text"),
    # -- notifications and webhooks -----------------------------------------------------------------
    "feedback.notification.not-found": ("Notifikasi tidak ditemukan", "notification not found"),
    "feedback.notification.not-recipient": ("Notifikasi ini bukan milik Anda", "not the recipient"),
    "feedback.webhook.url-not-http": ("URL webhook harus diawali http:// atau https:// dan memuat nama host",
                                      "webhook URL must be an absolute http(s) URL"),
    "feedback.webhook.target-refused": (
        "URL webhook ditolak: {refusal}; webhook hanya boleh menuju alamat publik atau gateway yang diizinkan "
        "operator", "webhook target refused: {refusal}"),
    "feedback.webhook.already-unsubscribed": ("Langganan webhook sudah dihentikan", "already unsubscribed"),
    "feedback.webhook.subscription-not-found": ("Langganan webhook tidak ditemukan", "subscription not found"),
    "feedback.webhook.delivery-not-found": ("Pengiriman tidak ditemukan", "delivery not found"),
    "feedback.webhook.delivery-not-parked": (
        "Hanya pengiriman yang diparkir yang dapat dikirim ulang (status: {status})",
        "delivery is {status}, not parked"),
}
messages.register(MESSAGES)
messages.register_label("tanggal", tanggal)
