"""Strings of the official documents (issue 15): downloading the SKP and the Dokumen Evaluasi Kinerja Pegawai,
signing them (TTE) and the public verification page (Indonesian first, English second)."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "doc.panel": {"id": "Dokumen resmi", "en": "Official document"},
    "doc.download_skp": {"id": "Unduh SKP (PDF)", "en": "Download the SKP (PDF)"},
    "doc.download_eval": {"id": "Unduh Dokumen Evaluasi Kinerja (PDF)",
                          "en": "Download the performance evaluation document (PDF)"},
    "doc.sign_page": {"id": "Tanda tangan elektronik", "en": "Electronic signature"},
    "doc.sign_title_skp": {"id": "Tanda tangan elektronik SKP {year}", "en": "Electronic signature of SKP {year}"},
    "doc.sign_title_eval": {"id": "Tanda tangan elektronik dokumen evaluasi kinerja",
                            "en": "Electronic signature of the evaluation document"},
    "doc.order_skp": {"id": "SKP ditandatangani oleh pegawai lebih dahulu, kemudian oleh pejabat penilai kinerja.",
                      "en": "The employee signs the SKP first, then the evaluator."},
    "doc.order_eval": {"id": "Dokumen evaluasi kinerja ditandatangani oleh pejabat penilai kinerja.",
                       "en": "The evaluator signs the evaluation document."},
    "doc.code": {"id": "Kode dokumen", "en": "Document code"},
    "doc.verify_link": {"id": "Halaman verifikasi", "en": "Verification page"},
    "doc.verify_open": {"id": "Periksa keaslian dokumen ini", "en": "Check this document"},
    "doc.signed_by": {"id": "Sudah ditandatangani oleh", "en": "Signed by"},
    "doc.not_signed": {"id": "Belum ada tanda tangan.", "en": "Not signed yet."},
    "doc.next": {"id": "Berikutnya menandatangani", "en": "Signs next"},
    "doc.complete": {"id": "Tanda tangan sudah lengkap.", "en": "All signatures are in place."},
    "doc.your_turn": {"id": "Giliran Anda menandatangani.", "en": "It is your turn to sign."},
    "doc.not_your_turn": {"id": "Anda tidak perlu menandatangani dokumen ini sekarang.",
                          "en": "You do not need to sign this document now."},
    "doc.dev_notice": {"id": "Kantor ini belum terhubung dengan BSrE: tanda tangan dibuat dengan sertifikat "
                              "pengembangan Kinerja (bukan sertifikat elektronik tersertifikasi).",
                       "en": "This office is not connected to BSrE: the signature uses Kinerja's development "
                             "certificate (not a certified electronic certificate)."},
    "doc.bsre_notice": {"id": "Tanda tangan dibuat melalui BSrE (BSSN). Passphrase hanya diteruskan ke server TTE "
                               "instansi dan tidak disimpan.",
                        "en": "The signature is made through BSrE (BSSN). The passphrase only goes to the agency's "
                              "signing server and is not stored."},
    "doc.confirm": {"id": "Saya telah membaca dokumen dan menyetujui isinya",
                    "en": "I have read the document and agree with its content"},
    "doc.confirm_required": {"id": "Centang pernyataan persetujuan sebelum menandatangani",
                             "en": "Tick the statement of agreement before signing"},
    "doc.sign": {"id": "Tandatangani", "en": "Sign"},
    "doc.f_confirm": {"id": "Persetujuan isi dokumen", "en": "Agreement with the document"},
    "doc.f_passphrase": {"id": "Passphrase TTE", "en": "Signing passphrase"},
    "doc.f_nik": {"id": "NIK (sesuai sertifikat BSrE)", "en": "NIK (as on the BSrE certificate)"},
    "doc.signed": {"id": "Dokumen berhasil ditandatangani.", "en": "The document was signed."},
    "doc.role_pegawai": {"id": "Pegawai yang dinilai", "en": "Employee"},
    "doc.role_pejabat_penilai": {"id": "Pejabat penilai kinerja", "en": "Evaluator"},
    "verif.title": {"id": "Verifikasi dokumen", "en": "Document verification"},
    "verif.intro": {"id": "Masukkan kode dokumen yang tercetak di bagian bawah dokumen Kinerja (atau pindai kode "
                            "QR-nya) untuk memeriksa apakah isinya sesuai dengan riwayat peristiwa hari ini.",
                    "en": "Enter the code printed at the bottom of a Kinerja document (or scan its QR code) to "
                          "check whether its content matches the event history today."},
    "verif.check": {"id": "Periksa", "en": "Check"},
    "verif.sesuai": {"id": "SESUAI", "en": "MATCHES"},
    "verif.tidak_sesuai": {"id": "TIDAK SESUAI", "en": "DOES NOT MATCH"},
    "verif.sesuai_text": {"id": "Isi dokumen ini sesuai dengan riwayat peristiwa di Kinerja.",
                          "en": "This document's content matches the event history in Kinerja."},
    "verif.tidak_sesuai_text": {"id": "Isi dokumen ini tidak sesuai dengan riwayat peristiwa di Kinerja. Jangan "
                                       "gunakan dokumen ini; hubungi pengelola kepegawaian.",
                                "en": "This document's content does not match the event history in Kinerja. Do "
                                      "not rely on it; contact the HR administrator."},
    "verif.superseded": {"id": "Perhatian: dokumen ini dibuat dari hasil yang sudah diganti (ada perubahan "
                                 "sesudahnya, misalnya revisi SKP atau keputusan keberatan). Mintalah versi terbaru.",
                         "en": "Note: this document was made from a result that has since been superseded (a "
                               "later change such as an SKP revision or an objection decision). Ask for the "
                               "latest version."},
    "verif.not_found": {"id": "Tidak ada dokumen dengan kode ini.", "en": "There is no document with this code."},
    "verif.kind": {"id": "Jenis dokumen", "en": "Document"},
    "verif.employee": {"id": "Pegawai", "en": "Employee"},
    "verif.issued": {"id": "Dibuat", "en": "Made"},
    "verif.signatures": {"id": "Tanda tangan", "en": "Signatures"},
    "verif.events": {"id": "Peristiwa yang diperiksa", "en": "Events checked"},
    "verif.problems": {"id": "Yang tidak sesuai", "en": "What does not match"},
    "verif.method_dev_ca": {"id": "sertifikat pengembangan", "en": "development certificate"},
    "verif.method_bsre": {"id": "BSrE", "en": "BSrE"},
    "doc.recap_pdf": {"id": "Unduh rekap unit (PDF, dapat diverifikasi)", "en": "Download the unit recap (PDF, "
                      "verifiable)"},
    "verif.unit": {"id": "Unit kerja", "en": "Unit"},
    "skpe.appendix_title": {"id": "Lampiran SKP", "en": "SKP appendix"},
    "skpe.appendix_intro": {"id": "Dicetak pada lampiran dokumen SKP. Satu butir per baris; kosongkan bagian yang "
                            "tidak dicantumkan.",
                            "en": "Printed in the SKP document's appendix. One point a line; leave a part empty "
                            "when it is not stated."},
    "skpe.appendix_resources": {"id": "Dukungan sumber daya", "en": "Resources provided"},
    "skpe.appendix_accountability": {"id": "Skema pertanggungjawaban", "en": "Accountability scheme"},
    "skpe.appendix_consequences": {"id": "Konsekuensi", "en": "Consequences"},
    "skpe.appendix_save": {"id": "Simpan lampiran", "en": "Save the appendix"},
    "skpe.appendix_saved": {"id": "Lampiran SKP disimpan.", "en": "The SKP appendix was saved."},
    "office.name": {"id": "Nama kantor (tercetak di dokumen)", "en": "Office name (printed on documents)"},
    "office.name_hint": {"id": "Contoh: Kantor Regional I Badan Kepegawaian Negara",
                         "en": "For example: Kantor Regional I Badan Kepegawaian Negara"},
    "office.unit_names": {"id": "Nama unit kerja (tercetak di dokumen)", "en": "Unit names (printed on documents)"},
    "office.unit_names_hint": {"id": "Satu unit per baris: KODE-UNIT = Nama unit kerja",
                               "en": "One unit per line: UNIT-CODE = Unit name"},
    "office.unit_names_invalid": {"id": "Baris \"{line}\" tidak berbentuk KODE-UNIT = Nama unit kerja",
                                  "en": "Line \"{line}\" is not of the form UNIT-CODE = Unit name"},
    "verif.log": {"id": "Log transparansi", "en": "Transparency log"},
    "verif.log_intro": {"id": "Peristiwa sumber dokumen ini dibuktikan tercatat dalam checkpoint bertanda tangan "
                        "log transparansi layanan (RFC 9162). Checkpoint yang disaksikan tidak dapat diubah diam-diam, "
                        "bahkan oleh pengelola basis data.",
                        "en": "This document's source events are proven to be in a signed checkpoint of the service's "
                        "transparency log (RFC 9162). A witnessed checkpoint cannot be changed unseen, not even by "
                        "the database operator."},
    "verif.checkpoint": {"id": "Checkpoint", "en": "Checkpoint"},
    "verif.checkpoint_size": {"id": "ukuran {size} peristiwa", "en": "size {size} events"},
    "verif.root": {"id": "Akar (root hash)", "en": "Root hash"},
    "verif.witness": {"id": "Saksi (witness)", "en": "Witness"},
    "verif.witnessed": {"id": "disaksikan oleh {name}", "en": "witnessed by {name}"},
    "verif.not_witnessed": {"id": "belum disaksikan", "en": "not witnessed yet"},
    "verif.proof_terbukti": {"id": "terbukti", "en": "proven"},
    "verif.proof_belum_tercatat": {"id": "belum tercatat (periksa lagi sebentar lagi)",
                                   "en": "not recorded yet (check again shortly)"},
    "verif.proof_tidak_terbukti": {"id": "TIDAK TERBUKTI", "en": "NOT PROVEN"},
    "verif.leaf": {"id": "daun {index}", "en": "leaf {index}"},
    "verif.no_checkpoint": {"id": "Log transparansi belum memiliki checkpoint; periksa lagi sebentar lagi.",
                            "en": "The transparency log has no checkpoint yet; check again shortly."},
    "verif.how": {"id": "Cara memeriksa tanpa perangkat lunak Kinerja: docs/events/transparency.md bagian 8.",
                  "en": "How to check without Kinerja's software: docs/events/transparency.md section 8."},
}
FIELD_LABELS: Final[dict[str, str]] = {"passphrase": "doc.f_passphrase", "nik": "doc.f_nik",
                                       "setuju": "doc.f_confirm", "office_name": "office.name",
                                       "unit_names": "office.unit_names", "lamp_resources": "skpe.appendix_resources",
                                       "lamp_accountability": "skpe.appendix_accountability",
                                       "lamp_consequences": "skpe.appendix_consequences"}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {}
