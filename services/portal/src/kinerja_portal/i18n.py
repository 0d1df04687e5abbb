"""Every string people read, in Bahasa Indonesia first and English second, in one place.

Templates call ``t("key")``; labels of the services' codes (statuses, ratings, aspects) are ``label("group",
code)``. A key missing in English falls back to Indonesian, and a missing key shows itself (``[key]``) so
it is noticed in review rather than hidden.
"""

from __future__ import annotations

import re
from typing import Final

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"

STRINGS: Final[dict[str, dict[str, str]]] = {
    # layout and navigation
    "app.name": {"id": "Kinerja ASN", "en": "Kinerja ASN"},
    "nav.home": {"id": "Beranda", "en": "Home"},
    "nav.skp": {"id": "SKP saya", "en": "My SKP"},
    "nav.notifications": {"id": "Notifikasi", "en": "Notifications"},
    "nav.appraisals": {"id": "Penilaian saya", "en": "My appraisals"},
    "nav.peer": {"id": "Permintaan 360", "en": "360 requests"},
    "nav.talent": {"id": "Talenta", "en": "Talent"},
    "nav.promotions": {"id": "Kenaikan pangkat", "en": "Promotions"},
    "nav.team": {"id": "Tim saya", "en": "My team"},
    "nav.feedback": {"id": "Umpan balik & dialog", "en": "Feedback & dialogues"},
    "nav.career": {"id": "Karier saya", "en": "My career"},
    "nav.career_of": {"id": "Karier", "en": "Career"},
    "nav.personnel": {"id": "Data kepegawaian", "en": "Personnel data"},
    "nav.office": {"id": "Kantor", "en": "Office"},
    "nav.calibration": {"id": "Kalibrasi", "en": "Calibration"},
    "nav.audit": {"id": "Audit", "en": "Audit"},
    "nav.signout": {"id": "Keluar", "en": "Sign out"},
    "nav.skip": {"id": "Langsung ke isi", "en": "Skip to content"},
    "nav.menu": {"id": "Menu utama", "en": "Main menu"},
    "lang.switch": {"id": "English", "en": "Bahasa Indonesia"},
    "lang.label": {"id": "Bahasa", "en": "Language"},
    "common.save": {"id": "Simpan", "en": "Save"},
    "common.back": {"id": "Kembali", "en": "Back"},
    "common.year": {"id": "Tahun", "en": "Year"},
    "common.show": {"id": "Tampilkan", "en": "Show"},
    "common.none": {"id": "Belum ada data.", "en": "Nothing yet."},
    "common.status": {"id": "Status", "en": "Status"},
    "common.name": {"id": "Nama", "en": "Name"},
    "common.required": {"id": "wajib", "en": "required"},
    "common.optional": {"id": "opsional", "en": "optional"},
    "common.open": {"id": "Buka", "en": "Open"},
    "common.reason": {"id": "Alasan perubahan", "en": "Reason for the change"},
    "common.saved": {"id": "Tersimpan.", "en": "Saved."},
    "form.fix": {"id": "Periksa isian yang ditandai lalu kirim lagi. Belum ada yang disimpan.",
                 "en": "Check the marked fields and submit again. Nothing was saved."},
    "form.required": {"id": "wajib diisi", "en": "required"},
    "form.number": {"id": "harus berupa angka, mis. 12 atau 12,5", "en": "must be a number, e.g. 12 or 12.5"},
    "form.integer": {"id": "harus berupa bilangan bulat", "en": "must be a whole number"},
    "form.date": {"id": "harus berupa tanggal (YYYY-MM-DD)", "en": "must be a date (YYYY-MM-DD)"},
    "form.choice": {"id": "pilihan tidak dikenal", "en": "unknown choice"},
    "form.csrf": {"id": "Formulir kedaluwarsa; muat ulang halaman lalu kirim lagi.",
                  "en": "The form expired; reload the page and submit again."},
    "error.title": {"id": "Terjadi kesalahan", "en": "Something went wrong"},
    "error.unavailable": {"id": "Layanan {service} sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
                          "en": "The {service} service cannot be reached right now. Try again shortly."},
    "error.session": {"id": "Sesi Anda telah berakhir, silakan masuk kembali.",
                      "en": "Your session has ended; please sign in again."},
    "error.forbidden": {"id": "Anda tidak memiliki akses ke halaman ini.",
                        "en": "You do not have access to this page."},
    # sign-in
    "signin.title": {"id": "Masuk", "en": "Sign in"},
    "signin.intro": {"id": "Masuk untuk mengelola kinerja Anda: SKP, realisasi, penilaian, dan umpan balik.",
                     "en": "Sign in to manage your performance: SKP, realisation, appraisal and feedback."},
    "signin.dev": {"id": "Masuk pengembangan: pilih pengguna demo",
                   "en": "Development sign-in: pick a demo user"},
    "signin.dev_note": {"id": "Hanya untuk pengembangan dan uji coba. Di produksi Anda masuk melalui "
                                "penyedia identitas instansi (SSO).",
                        "en": "Development and testing only. In production you sign in with the agency's "
                              "identity provider (SSO)."},
    "signin.as": {"id": "Masuk sebagai", "en": "Sign in as"},
    "signin.other": {"id": "Atau masuk dengan NIP lain", "en": "Or sign in with another NIP"},
    "signin.nip": {"id": "NIP", "en": "NIP"},
    "signin.nip_hint": {"id": "18 digit, tanpa spasi", "en": "18 digits, no spaces"},
    "signin.office": {"id": "Kode kantor", "en": "Office code"},
    "signin.roles": {"id": "Peran", "en": "Roles"},
    "signin.display_name": {"id": "Nama tampilan", "en": "Display name"},
    "signin.submit": {"id": "Masuk", "en": "Sign in"},
    "signin.sso": {"id": "Masuk dengan SSO instansi", "en": "Sign in with the agency SSO"},
    "signin.sso_missing": {"id": "Masuk SSO (OIDC) belum dikonfigurasi untuk portal ini.",
                           "en": "SSO sign-in (OIDC) is not configured for this portal."},
    "signin.roles_required": {"id": "pilih minimal satu peran", "en": "choose at least one role"},
    # home
    "home.title": {"id": "Beranda", "en": "Home"},
    "home.hello": {"id": "Selamat datang, {name}", "en": "Welcome, {name}"},
    "home.roles": {"id": "Peran Anda", "en": "Your roles"},
    "home.offices": {"id": "Kantor", "en": "Offices"},
    "home.todo": {"id": "Yang bisa Anda lakukan", "en": "What you can do"},
    # SKP
    "skp.title": {"id": "SKP saya", "en": "My SKP"},
    "skp.list": {"id": "Daftar SKP", "en": "SKP list"},
    "skp.draft": {"id": "Susun SKP baru", "en": "Draft a new SKP"},
    "skp.draft_submit": {"id": "Buat draf SKP", "en": "Create SKP draft"},
    "skp.period": {"id": "Periode", "en": "Period"},
    "skp.rhk_count": {"id": "Jumlah RHK", "en": "RHKs"},
    "skp.detail": {"id": "SKP {year}", "en": "SKP {year}"},
    "skp.evaluator": {"id": "Pejabat penilai", "en": "Evaluator"},
    "skp.rhks": {"id": "Rencana Hasil Kerja (RHK)", "en": "Planned work results (RHK)"},
    "skp.no_rhk": {"id": "Belum ada RHK. Tambahkan RHK di bawah.", "en": "No RHK yet. Add one below."},
    "skp.blockers": {"id": "Yang masih perlu dilengkapi sebelum diajukan",
                     "en": "To complete before submitting"},
    "skp.return_comments": {"id": "Catatan pengembalian dari pejabat penilai", "en": "Evaluator's return comments"},
    "skp.submit": {"id": "Ajukan SKP ke pejabat penilai", "en": "Submit the SKP to the evaluator"},
    "skp.submitted": {"id": "SKP diajukan. Pejabat penilai akan menerima notifikasi.",
                      "en": "SKP submitted. The evaluator is notified."},
    "skp.add_rhk": {"id": "Tambah RHK", "en": "Add an RHK"},
    "skp.rhk_added": {"id": "RHK ditambahkan.", "en": "RHK added."},
    "skp.rhk_title": {"id": "Judul RHK", "en": "RHK title"},
    "skp.rhk_kind": {"id": "Jenis RHK", "en": "RHK kind"},
    "skp.cascade": {"id": "RHK pejabat penilai yang diintervensi", "en": "Evaluator's RHK this supports"},
    "skp.cascade_hint": {"id": "Pilih RHK atasan yang didukung RHK ini (cascading).",
                         "en": "Choose the supervisor's RHK that this RHK supports (cascading)."},
    "skp.cascade_none_choice": {"id": "— pilih RHK atasan —", "en": "— choose a supervisor RHK —"},
    "skp.cascade_blocked": {"id": "Belum bisa memilih RHK atasan", "en": "No supervisor RHK to choose yet"},
    "skp.source": {"id": "Sumber RHK", "en": "RHK source"},
    "skp.source_ref": {"id": "Rujukan (nomor/nama perjanjian kinerja atau surat tugas)",
                       "en": "Reference (performance agreement or assignment)"},
    "skp.iki": {"id": "Indikator Kinerja Individu (IKI)", "en": "Individual performance indicator (IKI)"},
    "skp.target": {"id": "Target", "en": "Target"},
    "skp.target_value": {"id": "Nilai", "en": "Value"},
    "skp.target_unit": {"id": "Satuan", "en": "Unit"},
    "skp.intervention": {"id": "Mendukung RHK atasan", "en": "Supports supervisor RHK"},
    "skp.no_skp": {"id": "Anda belum memiliki SKP. Susun SKP baru di bawah.",
                   "en": "You have no SKP yet. Draft one below."},
    "skp.realisation": {"id": "Realisasi dan capaian", "en": "Realisation and progress"},
    # realisation
    "real.title": {"id": "Realisasi SKP {year}", "en": "Realisation, SKP {year}"},
    "real.progress": {"id": "Capaian per IKI", "en": "Progress per IKI"},
    "real.of": {"id": "{realised} dari {target} {unit}", "en": "{realised} of {target} {unit}"},
    "real.achieved": {"id": "Target tercapai", "en": "Target achieved"},
    "real.add": {"id": "Laporkan realisasi", "en": "Report realisation"},
    "real.iki": {"id": "IKI", "en": "IKI"},
    "real.value": {"id": "Nilai realisasi", "en": "Realised value"},
    "real.date": {"id": "Tanggal kegiatan", "en": "Date of the activity"},
    "real.description": {"id": "Uraian kegiatan", "en": "Description"},
    "real.evidence": {"id": "Tautan bukti dukung", "en": "Evidence link"},
    "real.evidence_hint": {"id": "mis. tautan dokumen di arsip kantor", "en": "e.g. a link to the office archive"},
    "real.saved": {"id": "Realisasi tersimpan.", "en": "Realisation saved."},
    "real.entries": {"id": "Riwayat realisasi", "en": "Realisation history"},
    "real.comments": {"id": "Catatan pejabat penilai", "en": "Evaluator's comments"},
    "real.comment": {"id": "Catatan untuk entri ini", "en": "Comment on this entry"},
    "real.comment_send": {"id": "Kirim catatan", "en": "Send comment"},
    "real.commented": {"id": "Catatan terkirim; pegawai mendapat notifikasi.",
                       "en": "Comment sent; the employee is notified."},
    "real.view": {"id": "Lihat realisasi", "en": "View realisation"},
    "real.import": {"id": "Impor CSV", "en": "Import CSV"},
    "real.import_hint": {"id": "Kolom: iki_id;value;occurred_on;description (opsional: entry_id, evidence_url). "
                                "Semua baris diperiksa dulu; bila ada yang salah, tidak ada yang disimpan.",
                         "en": "Columns: iki_id;value;occurred_on;description (optional: entry_id, evidence_url). "
                               "Every row is checked first; if one is wrong, nothing is saved."},
    "real.file": {"id": "Berkas CSV", "en": "CSV file"},
    "real.imported": {"id": "{count} baris realisasi diimpor.", "en": "{count} realisation rows imported."},
    "real.not_approved": {"id": "Realisasi dapat dilaporkan setelah SKP disetujui.",
                          "en": "Realisation can be reported once the SKP is approved."},
    # notifications
    "notif.title": {"id": "Notifikasi", "en": "Notifications"},
    "notif.unread": {"id": "belum dibaca", "en": "unread"},
    "notif.mark_read": {"id": "Tandai sudah dibaca", "en": "Mark as read"},
    "notif.mark_all": {"id": "Tandai semua sudah dibaca", "en": "Mark all as read"},
    "notif.new": {"id": "Notifikasi baru", "en": "New notification"},
    "notif.empty": {"id": "Tidak ada notifikasi.", "en": "No notifications."},
    # team
    "team.title": {"id": "Tim saya", "en": "My team"},
    "team.plans": {"id": "SKP anggota tim", "en": "Team SKPs"},
    "team.appraisals": {"id": "Penilaian anggota tim", "en": "Team appraisals"},
    "team.period": {"id": "Periode penilaian", "en": "Appraisal period"},
    "team.waiting": {"id": "Menunggu", "en": "Waiting on"},
    "team.review": {"id": "Periksa SKP", "en": "Review SKP"},
    "team.rate": {"id": "Nilai", "en": "Rate"},
    "team.approve": {"id": "Setujui SKP", "en": "Approve SKP"},
    "team.return": {"id": "Kembalikan dengan catatan", "en": "Return with comments"},
    "team.comments": {"id": "Catatan untuk pegawai", "en": "Comments for the employee"},
    "team.approved": {"id": "SKP disetujui.", "en": "SKP approved."},
    "team.returned": {"id": "SKP dikembalikan dengan catatan.", "en": "SKP returned with comments."},
    "team.none": {"id": "Belum ada anggota tim pada periode ini.", "en": "No team members in this period."},
    "team.nothing_waiting": {"id": "tidak ada", "en": "nothing"},
    # appraisal
    "appr.title": {"id": "Penilaian {name} — periode {period}", "en": "Appraisal of {name} — period {period}"},
    "appr.self": {"id": "Penilaian diri", "en": "Self-assessment"},
    "appr.evaluator": {"id": "Penilaian pejabat", "en": "Evaluator's rating"},
    "appr.results": {"id": "Rating Hasil Kerja", "en": "Results rating"},
    "appr.behaviour": {"id": "Rating Perilaku Kerja", "en": "Behaviour rating"},
    "appr.suggested": {"id": "Saran sistem berdasarkan RHK", "en": "Suggested from the RHK ratings"},
    "appr.predicate": {"id": "Predikat kinerja", "en": "Performance predicate"},
    "appr.missing": {"id": "Yang belum dinilai", "en": "Not rated yet"},
    "appr.rate_submit": {"id": "Simpan penilaian", "en": "Save the ratings"},
    "appr.rated": {"id": "Penilaian tersimpan.", "en": "Ratings saved."},
    "appr.finalise": {"id": "Finalisasi penilaian", "en": "Finalise the appraisal"},
    "appr.justification": {"id": "Justifikasi bila distribusi unit melanggar kurva",
                           "en": "Justification if the unit breaks the curve"},
    "appr.finalised": {"id": "Penilaian difinalisasi.", "en": "Appraisal finalised."},
    "appr.realisation": {"id": "Realisasi dan bukti dukung", "en": "Realisation and evidence"},
    "appr.peer": {"id": "Umpan balik 360", "en": "360 feedback"},
    "appr.status_final": {"id": "Penilaian ini sudah final.", "en": "This appraisal is final."},
    "appr.rhk_rating": {"id": "Rating RHK", "en": "RHK rating"},
    "appr.value_rating": {"id": "Rating perilaku", "en": "Behaviour rating"},
    "appr.choose": {"id": "— pilih —", "en": "— choose —"},
    "appr.unit_head_note": {"id": "Rating hasil kerja kepala unit mengikuti predikat kinerja organisasi.",
                            "en": "A unit head's results rating follows the organisation predicate."},
    "appr.mine": {"id": "Penilaian saya", "en": "My appraisals"},
    "appr.mine_caption": {"id": "Penilaian kinerja Anda per periode", "en": "Your appraisals by period"},
    "appr.period": {"id": "Periode", "en": "Period"},
    "appr.none_mine": {"id": "Belum ada penilaian. Penilaian dibuka setelah SKP Anda disetujui dan periode "
                             "penilaian dibuka.",
                       "en": "No appraisals yet. One opens once your SKP is approved and the period is opened."},
    "appr.open_mine": {"id": "Buka penilaian {period}", "en": "Open the appraisal {period}"},
    "appr.self_title": {"id": "Penilaian diri", "en": "Self-assessment"},
    "appr.self_intro": {"id": "Beri rating untuk setiap RHK dan setiap nilai BerAKHLAK. Anda dapat mengubahnya "
                              "selama penilaian masih berjalan.",
                        "en": "Rate every RHK and every BerAKHLAK value. You can change it while the appraisal "
                              "is open."},
    "appr.self_due": {"id": "Batas penilaian diri", "en": "Self-assessment deadline"},
    "appr.self_rhk": {"id": "RHK: {title}", "en": "RHK: {title}"},
    "appr.self_value": {"id": "Perilaku: {value}", "en": "Behaviour: {value}"},
    "appr.summary": {"id": "Catatan penilaian diri (opsional)", "en": "Self-assessment comments (optional)"},
    "appr.self_submit": {"id": "Kirim penilaian diri", "en": "Submit the self-assessment"},
    "appr.self_saved": {"id": "Penilaian diri tersimpan.", "en": "Self-assessment saved."},
    "appr.result_title": {"id": "Hasil penilaian", "en": "Result"},
    "appr.feedback_title": {"id": "Penilaian dan umpan balik pejabat per perilaku",
                            "en": "The evaluator's rating and feedback per value"},
    "appr.comment": {"id": "Catatan", "en": "Comment"},
    "appr.acknowledge": {"id": "Saya sudah menerima hasil penilaian", "en": "I acknowledge the result"},
    "appr.acknowledged": {"id": "Tanda terima hasil penilaian tercatat.", "en": "Acknowledgement recorded."},
    "appr.acknowledged_note": {"id": "Anda sudah menandai hasil ini sebagai diterima.",
                               "en": "You have acknowledged this result."},
    "appr.objection_title": {"id": "Keberatan atas hasil penilaian", "en": "Objection to the result"},
    "appr.objection_deadline": {"id": "Batas pengajuan keberatan", "en": "Objection deadline"},
    "appr.objection_reasons": {"id": "Alasan keberatan (minimal 10 karakter)",
                               "en": "Reasons for the objection (at least 10 characters)"},
    "appr.objection_submit": {"id": "Ajukan keberatan", "en": "File the objection"},
    "appr.objection_filed": {"id": "Keberatan diajukan. Atasan pejabat penilai akan memutuskannya.",
                             "en": "Objection filed. The evaluator's superior will decide it."},
    "appr.objection_status": {"id": "Keberatan Anda", "en": "Your objection"},
    "appr.objection_decision": {"id": "Keputusan", "en": "Decision"},
    "appr.objection_pending": {"id": "menunggu keputusan atasan pejabat penilai",
                               "en": "waiting for the evaluator's superior"},
    # 360
    "peer.title": {"id": "Permintaan penilaian 360", "en": "360 requests"},
    "peer.caption": {"id": "Pegawai yang meminta penilaian perilaku dari Anda",
                     "en": "Colleagues whose behaviour you are asked to rate"},
    "peer.none": {"id": "Tidak ada permintaan penilaian 360 untuk Anda.", "en": "Nobody has asked you for 360 input."},
    "peer.employee": {"id": "Pegawai", "en": "Employee"},
    "peer.relation": {"id": "Hubungan", "en": "Relation"},
    "peer.closes": {"id": "Batas waktu", "en": "Closes"},
    "peer.answered": {"id": "Sudah dijawab (dapat diubah sampai batas waktu)",
                      "en": "Answered (can be changed until it closes)"},
    "peer.waiting": {"id": "Belum dijawab", "en": "Not answered"},
    "peer.closed": {"id": "Ditutup", "en": "Closed"},
    "peer.answer": {"id": "Isi penilaian 360 untuk {name}", "en": "Answer the 360 for {name}"},
    "peer.form_title": {"id": "Penilaian 360 untuk {name}", "en": "360 input for {name}"},
    "peer.intro": {"id": "Beri nilai 1 (sangat kurang) sampai 5 (sangat baik) untuk setiap nilai BerAKHLAK. "
                         "Jawaban Anda hanya ditampilkan sebagai rata-rata, tanpa nama.",
                   "en": "Score every BerAKHLAK value from 1 (very poor) to 5 (very good). Your answer is only "
                         "shown as an average, without your name."},
    "peer.revise_note": {"id": "Anda sudah menjawab; jawaban baru menggantikan yang lama. Isi lagi semua nilai.",
                         "en": "You have answered; a new answer replaces it. Fill in every value again."},
    "peer.score": {"id": "Nilai 360: {value}", "en": "360 score: {value}"},
    "peer.comment": {"id": "Catatan untuk {value} (opsional)", "en": "Comment on {value} (optional)"},
    "peer.submit": {"id": "Kirim penilaian 360", "en": "Submit the 360 input"},
    "peer.saved": {"id": "Penilaian 360 tersimpan. Anda dapat mengubahnya sampai batas waktu.",
                   "en": "360 input saved. You can change it until the window closes."},
    "peer.not_found": {"id": "Anda tidak diminta memberi penilaian 360 untuk penilaian ini.",
                       "en": "You are not asked for 360 input on this appraisal."},
    "raters.title": {"id": "Penilai 360", "en": "360 raters"},
    "raters.intro": {"id": "Rekan kerja setingkat (satu pejabat penilai) atau bawahan langsung pegawai. Baris "
                             "yang NIP-nya dikosongkan dihapus dari daftar; penilai yang sudah menjawab tidak "
                             "dapat dihapus.",
                     "en": "Peers (same evaluator) or direct subordinates of the employee. A row left without a "
                           "NIP is removed; a rater who has answered cannot be removed."},
    "raters.current": {"id": "Penilai saat ini", "en": "Current raters"},
    "raters.row": {"id": "Penilai {n}", "en": "Rater {n}"},
    "raters.nip": {"id": "NIP penilai {n}", "en": "Rater {n} NIP"},
    "raters.relation": {"id": "Hubungan penilai {n}", "en": "Rater {n} relation"},
    "raters.closes": {"id": "Batas pengisian 360 (opsional)", "en": "360 closes on (optional)"},
    "raters.closes_hint": {"id": "Sampai pukul 23:59 waktu kantor; kosongkan untuk batas penilaian pejabat.",
                           "en": "Until 23:59 office time; leave empty for the rating deadline."},
    "raters.submit": {"id": "Simpan penilai 360", "en": "Save the 360 raters"},
    "raters.saved": {"id": "Penilai 360 tersimpan. Mereka akan menerima notifikasi.",
                     "en": "360 raters saved. They will be notified."},
    "raters.window": {"id": "Batas pengisian", "en": "Closes"},
    # career
    "talent.title": {"id": "Peta talenta (9-box) {office}", "en": "Talent map (9-box) {office}"},
    "talent.caption": {"id": "Kotak talenta: potensi (baris) terhadap kinerja (kolom)",
                       "en": "Talent boxes: potential (rows) against performance (columns)"},
    "talent.potential": {"id": "Potensi", "en": "Potential"},
    "talent.performance": {"id": "Kinerja", "en": "Performance"},
    "talent.box": {"id": "Kotak {box}", "en": "Box {box}"},
    "talent.empty": {"id": "kosong", "en": "empty"},
    "talent.people": {"id": "{count} pegawai", "en": "{count} employees"},
    "talent.pool": {"id": "Kelompok rencana suksesi (kotak 7–9)", "en": "Succession pool (boxes 7–9)"},
    "talent.development": {"id": "Kelompok pengembangan (kotak 1–6)", "en": "Development group (boxes 1–6)"},
    "talent.incomplete": {"id": "Belum masuk kotak", "en": "Not in a box yet"},
    "promo.title": {"id": "Kenaikan pangkat reguler {office}", "en": "Regular promotions {office}"},
    "promo.as_of": {"id": "Per tanggal", "en": "As of"},
    "promo.as_of_hint": {"id": "Kosongkan untuk periode kenaikan pangkat berikutnya (1 April atau 1 Oktober).",
                         "en": "Leave empty for the next promotion period (1 April or 1 October)."},
    "promo.eligible": {"id": "Memenuhi syarat per {date}", "en": "Eligible as of {date}"},
    "promo.not_eligible": {"id": "Belum memenuhi syarat per {date}", "en": "Not eligible as of {date}"},
    "promo.rank": {"id": "Pangkat", "en": "Rank"},
    "promo.checks": {"id": "Syarat", "en": "Requirements"},
    "promo.met": {"id": "terpenuhi", "en": "met"},
    "promo.unmet": {"id": "belum terpenuhi", "en": "not met"},
    # HR
    "office.title": {"id": "Pengaturan kantor {office}", "en": "Office settings {office}"},
    "office.settings": {"id": "Kalender dan aturan penilaian", "en": "Calendar and appraisal rules"},
    "office.time_zone": {"id": "Zona waktu", "en": "Time zone"},
    "office.cadence": {"id": "Penilaian periodik", "en": "Periodic appraisal"},
    "office.plan_due": {"id": "Batas penyusunan SKP (hari ke- dalam tahun)", "en": "SKP due (day of the year)"},
    "office.self_due": {"id": "Batas penilaian diri (hari setelah periode)",
                        "en": "Self-assessment deadline (days after the period)"},
    "office.rating_due": {"id": "Batas penilaian pejabat (hari setelah periode)",
                          "en": "Rating deadline (days after the period)"},
    "office.peer_threshold": {"id": "Ambang minimal penilai 360", "en": "360 threshold (raters)"},
    "office.peer_comments": {"id": "Pejabat penilai melihat komentar 360 (tanpa nama)",
                             "en": "Evaluator sees 360 comments (unnamed)"},
    "office.curve": {"id": "Penerapan kurva distribusi", "en": "Curve enforcement"},
    "office.objection_days": {"id": "Jangka waktu keberatan (hari kalender)", "en": "Objection window (days)"},
    "office.saved": {"id": "Pengaturan kantor tersimpan.", "en": "Office settings saved."},
    "office.periods": {"id": "Periode penilaian", "en": "Appraisal periods"},
    "office.open_period": {"id": "Buka periode penilaian", "en": "Open an appraisal period"},
    "office.period": {"id": "Periode (2026, 2026-Q1, 2026-M03)", "en": "Period (2026, 2026-Q1, 2026-M03)"},
    "office.opened": {"id": "Periode {period} dibuka: {count} penilaian.",
                      "en": "Period {period} opened: {count} appraisals."},
    "office.self_due_at": {"id": "Batas penilaian diri", "en": "Self-assessment due"},
    "office.rating_due_at": {"id": "Batas penilaian pejabat", "en": "Rating due"},
    "calib.title": {"id": "Kalibrasi unit {unit} — periode {period}", "en": "Calibration of {unit} — period {period}"},
    "calib.choose": {"id": "Pilih unit dan periode", "en": "Choose the unit and period"},
    "calib.unit": {"id": "Unit kerja", "en": "Unit"},
    "calib.period": {"id": "Periode", "en": "Period"},
    "calib.distribution": {"id": "Sebaran predikat pegawai", "en": "Distribution of employee predicates"},
    "calib.bounds": {"id": "Batas kurva distribusi", "en": "Curve bounds"},
    "calib.org_predicate": {"id": "Predikat kinerja organisasi", "en": "Organisation predicate"},
    "calib.total": {"id": "{total} pegawai, {pending} belum berpredikat",
                    "en": "{total} employees, {pending} without a predicate"},
    "calib.ok": {"id": "Distribusi sesuai kurva.", "en": "The distribution meets the curve."},
    "calib.violated": {"id": "melanggar", "en": "broken"},
    "calib.within": {"id": "sesuai", "en": "met"},
    "calib.limit": {"id": "batas", "en": "limit"},
    "calib.employees": {"id": "Pegawai di unit", "en": "Employees in the unit"},
    "calib.set_org": {"id": "Tetapkan predikat organisasi", "en": "Set the organisation predicate"},
    "calib.instructed_by": {"id": "NIP pimpinan yang menginstruksikan", "en": "NIP of the instructing leader"},
    "calib.org_saved": {"id": "Predikat organisasi tersimpan.", "en": "Organisation predicate saved."},
    "calib.no_predicates": {"id": "Belum ada pegawai di unit ini yang sudah berpredikat.",
                            "en": "No employee in this unit has a predicate yet."},
    "calib.chart_label": {"id": "Grafik jumlah pegawai per predikat", "en": "Chart of employees per predicate"},
    # audit
    "audit.title": {"id": "Jejak audit", "en": "Audit trail"},
    "audit.subject": {"id": "NIP pegawai", "en": "Employee NIP"},
    "audit.kind": {"id": "Jenis peristiwa (opsional)", "en": "Event type (optional)"},
    "audit.since": {"id": "Sejak (tanggal)", "en": "Since (date)"},
    "audit.until": {"id": "Sampai (tanggal)", "en": "Until (date)"},
    "audit.search": {"id": "Tampilkan jejak", "en": "Show the trail"},
    "audit.when": {"id": "Waktu", "en": "When"},
    "audit.who": {"id": "Oleh", "en": "By"},
    "audit.what": {"id": "Peristiwa", "en": "Event"},
    "audit.service": {"id": "Layanan", "en": "Service"},
    "audit.details": {"id": "Rincian", "en": "Details"},
    "audit.verify": {"id": "Verifikasi rantai hash", "en": "Hash-chain verification"},
    "audit.verified": {"id": "utuh", "en": "intact"},
    "audit.broken": {"id": "RUSAK", "en": "BROKEN"},
    "audit.events": {"id": "{count} peristiwa", "en": "{count} events"},
    "audit.pack": {"id": "Unduh paket bukti ({service})", "en": "Download the evidence pack ({service})"},
}

# a form field's name -> the key of its label, so an error summary says which field each message is about
FIELD_LABELS: Final[dict[str, str]] = {
    "nip": "signin.nip", "office": "signin.office", "roles": "signin.roles", "demo": "signin.as",
    "period_year": "skp.period", "title": "skp.rhk_title", "kind": "skp.rhk_kind", "link": "skp.cascade",
    "source_kind": "skp.source", "source_ref": "skp.source_ref", "iki_description": "skp.iki",
    "target_kuantitas_value": "aspect.kuantitas", "target_kuantitas_unit": "skp.target_unit",
    "target_kualitas_value": "aspect.kualitas", "target_kualitas_unit": "skp.target_unit",
    "target_waktu_value": "aspect.waktu", "target_waktu_unit": "skp.target_unit",
    "iki_id": "real.iki", "value": "real.value", "occurred_on": "real.date", "description": "real.description",
    "evidence_url": "real.evidence", "file": "real.file", "comments": "team.comments",
    "results_rating": "appr.results", "behaviour_rating": "appr.behaviour", "reason": "common.reason",
    "justification": "appr.justification", "time_zone": "office.time_zone", "periodic_cadence": "office.cadence",
    "plan_due_day_of_year": "office.plan_due", "self_assessment_due_days": "office.self_due",
    "rating_due_days": "office.rating_due",
    "peer_threshold": "office.peer_threshold", "curve_enforcement": "office.curve",
    "objection_window_days": "office.objection_days", "period": "office.period", "predicate": "calib.org_predicate",
    "instructed_by": "calib.instructed_by", "summary": "appr.summary", "reasons": "appr.objection_reasons",
    "sejak": "audit.since", "sampai": "audit.until", "per": "promo.as_of", "window_closes_on": "raters.closes",
}

LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "plan_status": {
        "not_started": {"id": "Belum disusun", "en": "Not started"},
        "draft": {"id": "Draf", "en": "Draft"},
        "submitted": {"id": "Diajukan", "en": "Submitted"},
        "returned": {"id": "Dikembalikan", "en": "Returned"},
        "approved": {"id": "Disetujui", "en": "Approved"},
        "revising": {"id": "Direvisi", "en": "Being revised"},
        "closed": {"id": "Ditutup", "en": "Closed"},
    },
    "rhk_kind": {"utama": {"id": "Utama", "en": "Main"}, "tambahan": {"id": "Tambahan", "en": "Additional"}},
    "source_kind": {"perjanjian_kinerja": {"id": "Perjanjian kinerja", "en": "Performance agreement"},
                    "penugasan": {"id": "Penugasan", "en": "Assignment"}},
    "aspect": {"kuantitas": {"id": "Kuantitas", "en": "Quantity"}, "kualitas": {"id": "Kualitas", "en": "Quality"},
               "waktu": {"id": "Waktu", "en": "Time"}, "biaya": {"id": "Biaya", "en": "Cost"}},
    "rating": {"di_atas_ekspektasi": {"id": "Di Atas Ekspektasi", "en": "Above expectation"},
               "sesuai_ekspektasi": {"id": "Sesuai Ekspektasi", "en": "Meets expectation"},
               "di_bawah_ekspektasi": {"id": "Di Bawah Ekspektasi", "en": "Below expectation"}},
    "predicate": {"sangat_baik": {"id": "Sangat Baik", "en": "Very good"}, "baik": {"id": "Baik", "en": "Good"},
                  "butuh_perbaikan": {"id": "Butuh Perbaikan", "en": "Needs improvement"},
                  "kurang": {"id": "Kurang/Misconduct", "en": "Poor/Misconduct"},
                  "sangat_kurang": {"id": "Sangat Kurang", "en": "Very poor"}},
    "org_predicate": {"istimewa": {"id": "Istimewa", "en": "Outstanding"}, "baik": {"id": "Baik", "en": "Good"},
                      "butuh_perbaikan": {"id": "Butuh Perbaikan", "en": "Needs improvement"},
                      "kurang": {"id": "Kurang", "en": "Poor"},
                      "sangat_kurang": {"id": "Sangat Kurang", "en": "Very poor"}},
    "value": {"berorientasi_pelayanan": {"id": "Berorientasi Pelayanan", "en": "Service-oriented"},
              "akuntabel": {"id": "Akuntabel", "en": "Accountable"}, "kompeten": {"id": "Kompeten", "en": "Competent"},
              "harmonis": {"id": "Harmonis", "en": "Harmonious"}, "loyal": {"id": "Loyal", "en": "Loyal"},
              "adaptif": {"id": "Adaptif", "en": "Adaptive"},
              "kolaboratif": {"id": "Kolaboratif", "en": "Collaborative"}},
    "waiting": {"penilaian_diri": {"id": "Penilaian diri", "en": "Self-assessment"},
                "penilaian_360": {"id": "Penilaian 360", "en": "360 input"},
                "penilaian_pejabat": {"id": "Penilaian pejabat", "en": "Evaluator rating"},
                "finalisasi": {"id": "Finalisasi", "en": "Finalisation"},
                "tanda_terima_pegawai": {"id": "Tanda terima pegawai", "en": "Employee acknowledgement"},
                "keputusan_keberatan": {"id": "Keputusan keberatan", "en": "Objection decision"}},
    "appraisal_status": {"open": {"id": "Berjalan", "en": "Open"}, "finalised": {"id": "Final", "en": "Final"},
                         "objected": {"id": "Keberatan", "en": "Objected"},
                         "decided": {"id": "Final (keberatan diputus)", "en": "Final (objection decided)"}},
    "role": {"pegawai": {"id": "Pegawai", "en": "Employee"},
             "pejabat_penilai": {"id": "Pejabat Penilai", "en": "Evaluator"},
             "atasan_penilai": {"id": "Atasan Pejabat Penilai", "en": "Evaluator's superior"},
             "pengelola_kepegawaian": {"id": "Pengelola Kepegawaian", "en": "HR administrator"},
             "auditor": {"id": "Auditor", "en": "Auditor"}},
    "relation": {"peer": {"id": "Rekan kerja", "en": "Peer"}, "subordinate": {"id": "Bawahan", "en": "Subordinate"}},
    "potential": {"tinggi": {"id": "Tinggi", "en": "High"}, "menengah": {"id": "Menengah", "en": "Medium"},
                  "rendah": {"id": "Rendah", "en": "Low"}},
    "cadence": {"quarterly": {"id": "Triwulanan", "en": "Quarterly"}, "monthly": {"id": "Bulanan", "en": "Monthly"}},
    "curve": {"warn": {"id": "Peringatan, finalisasi dengan justifikasi",
                       "en": "Warn; finalise with a justification"},
              "block": {"id": "Tolak finalisasi", "en": "Refuse finalisation"}},
    "time_zone": {"WIB": {"id": "WIB (UTC+7)", "en": "WIB (UTC+7)"},
                  "WITA": {"id": "WITA (UTC+8)", "en": "WITA (UTC+8)"},
                  "WIT": {"id": "WIT (UTC+9)", "en": "WIT (UTC+9)"}},
}



def _merge_area_texts() -> None:
    """Add the per-area modules of ``kinerja_portal.texts``; a key defined twice is a mistake, not an override."""
    from kinerja_portal.texts import (
        appraisal,
        audit,
        career,
        dashboard,
        documents,
        feedback,
        home,
        numbers,
        realisation,
        roster,
        signin,
        skp,
    )

    for module in (feedback, appraisal, career, audit, signin, numbers, skp, home, roster, realisation, dashboard,
                   documents):
        for mine, theirs in ((STRINGS, module.STRINGS), (FIELD_LABELS, module.FIELD_LABELS)):
            clash = mine.keys() & theirs.keys()
            if clash:
                raise RuntimeError(f"{module.__name__} redefines {sorted(clash)}")
            mine.update(theirs)
        for group, codes in module.LABELS.items():
            if group in LABELS:
                raise RuntimeError(f"{module.__name__} redefines the label group {group}")
            LABELS[group] = codes


_merge_area_texts()

def normalise_language(value: str | None) -> str:
    """The language to use: a supported one, else Indonesian."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (Indonesian when English is missing), with ``{name}`` filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        return f"[{key}]"
    text = entry.get(lang) or entry["id"]
    return text.format(**values) if values else text


def label(lang: str, group: str, code: str | None) -> str:
    """A service code (``submitted``, ``di_atas_ekspektasi``) as people read it; the code when unknown."""
    if code is None:
        return "—"
    entry = LABELS.get(group, {}).get(code)
    if entry is None:
        return code
    return entry.get(lang) or entry["id"]


def field_label(lang: str, name: str) -> str:
    """The label of a form field, for the error summary (aspect targets read "Target Kuantitas")."""
    key = FIELD_LABELS.get(name)
    if key is None:
        return name
    if key.startswith("aspect."):
        return f"{translate(lang, 'skp.target')} {label(lang, 'aspect', key.removeprefix('aspect.'))}"
    return translate(lang, key)


def appraisal_field_label(lang: str, name: str, rhk_titles: dict[str, str]) -> str:
    """The label of a rating field of the appraisal page (``self_rhk_<id>``, ``value_<code>`` ...), whose
    names carry the RHK or value they rate; other names as ``field_label``."""
    for prefix in ("self_rhk_", "rhk_"):
        if name.startswith(prefix) and name.removeprefix(prefix) in rhk_titles:
            return translate(lang, "appr.self_rhk", title=rhk_titles[name.removeprefix(prefix)])
    if (found := re.fullmatch(r"rater_(\d+)_(nip|relation)", name)) is not None:
        return translate(lang, f"raters.{found[2]}", n=int(found[1]) + 1)
    for prefix, key in (("self_value_", "appr.self_value"), ("value_", "appr.self_value"), ("score_", "peer.score"),
                        ("comment_", "peer.comment")):
        if name.startswith(prefix) and name.removeprefix(prefix) in LABELS["value"]:
            return translate(lang, key, value=label(lang, "value", name.removeprefix(prefix)))
    return field_label(lang, name)


def options(lang: str, group: str) -> list[tuple[str, str]]:
    """(code, label) pairs of a group, in the order above (for ``<select>`` and radio groups)."""
    return [(code, entry.get(lang) or entry["id"]) for code, entry in LABELS[group].items()]
