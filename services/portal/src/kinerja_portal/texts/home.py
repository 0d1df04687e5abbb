"""Strings of the home page (the person's next actions), the daily log, the phone menu and the error pages."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    # error pages
    "error.title_400": {"id": "Permintaan tidak dapat diproses", "en": "The request cannot be processed"},
    "error.title_403": {"id": "Halaman ini bukan untuk peran Anda", "en": "This page is not for your role"},
    "error.title_404": {"id": "Halaman tidak ditemukan", "en": "Page not found"},
    "error.title_409": {"id": "Data sudah berubah", "en": "The data has changed"},
    "error.title_422": {"id": "Data tidak dapat diterima", "en": "The data cannot be accepted"},
    "error.title_503": {"id": "Layanan sedang tidak tersedia", "en": "A service is unavailable"},
    "error.hint": {"id": "Kembali ke halaman sebelumnya atau mulai lagi dari Beranda.",
                   "en": "Go back to the previous page or start again from Home."},
    "error.not_found": {"id": "Alamat yang Anda buka tidak ada di portal ini. Periksa tautannya, atau buka "
                              "halaman dari menu.",
                        "en": "The address you opened does not exist in this portal. Check the link, or open "
                              "the page from the menu."},
    "error.method": {"id": "Alamat ini tidak menerima cara pengiriman tersebut; buka halaman dari menu lalu "
                           "kirim formulirnya.",
                     "en": "This address does not accept that kind of request; open the page from the menu and "
                           "send its form."},
    "error.bad_address": {"id": "Alamat halaman tidak valid: kode di dalamnya tidak dikenali (mungkin tautannya "
                                "terpotong). Buka halaman dari menu atau dari tautan aslinya.",
                          "en": "The page address is not valid: the code in it is not recognised (the link may "
                                "be cut off). Open the page from the menu or from the original link."},
    "error.not_allowed": {"id": "Halaman ini hanya untuk {roles}. Akun Anda tidak memiliki peran tersebut, "
                                "jadi tidak ada yang ditampilkan atau disimpan.",
                          "en": "This page is only for {roles}. Your account does not have that role, so "
                                "nothing was shown or saved."},
    "error.not_allowed_hint": {"id": "Jika Anda memerlukan akses ini, hubungi pengelola kepegawaian kantor Anda.",
                               "en": "If you need this access, contact your office's HR administrator."},
    # the phone menu
    "nav.open_menu": {"id": "Menu", "en": "Menu"},
    # home: next actions
    "next.title": {"id": "Yang perlu Anda lakukan", "en": "What you need to do"},
    "next.none": {"id": "Tidak ada yang menunggu Anda saat ini.", "en": "Nothing is waiting for you right now."},
    "next.skp_missing": {"id": "Anda belum menyusun SKP {year}.", "en": "You have not drafted your {year} SKP yet."},
    "next.skp_missing_go": {"id": "Susun SKP", "en": "Draft the SKP"},
    "next.skp_blocked": {"id": "SKP Anda belum bisa diajukan:", "en": "Your SKP cannot be submitted yet:"},
    "next.skp_fix": {"id": "Perbaiki SKP", "en": "Fix the SKP"},
    "next.skp_ready": {"id": "SKP {year} Anda siap diajukan kepada pejabat penilai.",
                       "en": "Your {year} SKP is ready to submit to your evaluator."},
    "next.skp_returned": {"id": "SKP {year} dikembalikan oleh pejabat penilai: {comments}",
                          "en": "Your {year} SKP was returned by your evaluator: {comments}"},
    "next.skp_waiting": {"id": "SKP {year} menunggu persetujuan {who}.",
                         "en": "Your {year} SKP is waiting for {who}'s approval."},
    "next.open": {"id": "Buka", "en": "Open"},
    "next.deadlines": {"id": "Batas waktu", "en": "Deadlines"},
    "next.no_deadlines": {"id": "Tidak ada batas waktu dalam waktu dekat.", "en": "No deadline coming up."},
    "next.days_left": {"id": "{n} hari lagi", "en": "{n} days left"},
    "next.day_left": {"id": "1 hari lagi", "en": "1 day left"},
    "next.today": {"id": "hari ini", "en": "today"},
    "next.overdue": {"id": "lewat {n} hari", "en": "{n} days overdue"},
    "next.feedback": {"id": "Umpan balik belum dibaca", "en": "Unread feedback"},
    "next.peer": {"id": "Permintaan penilaian 360", "en": "360 requests"},
    "next.peer_item": {"id": "Nilai perilaku {name}", "en": "Rate {name}'s behaviour"},
    "next.team": {"id": "Tim Anda menunggu", "en": "Your team is waiting"},
    "next.team_plan": {"id": "SKP {name} menunggu persetujuan Anda", "en": "{name}'s SKP awaits your approval"},
    "next.team_rating": {"id": "Penilaian {name} menunggu rating Anda", "en": "{name}'s appraisal awaits your rating"},
    "next.team_final": {"id": "Penilaian {name} siap difinalisasi", "en": "{name}'s appraisal is ready to finalise"},
    "next.objections": {"id": "Keberatan {name} menunggu keputusan Anda",
                        "en": "{name}'s objection awaits your decision"},
    "next.notifications": {"id": "{n} notifikasi belum dibaca", "en": "{n} unread notifications"},
    "next.unavailable": {"id": "Sebagian data tidak dapat dimuat ({service}); coba muat ulang sebentar lagi.",
                         "en": "Some data could not be loaded ({service}); try reloading shortly."},
    "deadline.plan_due": {"id": "Penyusunan SKP {year}", "en": "Drafting the {year} SKP"},
    "deadline.self_assessment_due": {"id": "Penilaian diri", "en": "Self-assessment"},
    "deadline.rating_due": {"id": "Pemberian rating bawahan", "en": "Rating your team"},
    "deadline.objection_window_closing": {"id": "Masa pengajuan keberatan", "en": "Objection window"},
    "deadline.peer": {"id": "Penilaian 360 untuk {name}", "en": "360 input for {name}"},
    # daily log
    "daily.title": {"id": "Catatan harian", "en": "Daily log"},
    "daily.nav": {"id": "Catatan harian", "en": "Daily log"},
    "daily.quick": {"id": "Catat kegiatan hari ini", "en": "Log today's activity"},
    "daily.intro": {"id": "Setiap catatan dihitung sebagai realisasi IKI yang dipilih pada SKP {year}.",
                    "en": "Each entry counts as realisation of the chosen IKI in your {year} SKP."},
    "daily.no_plan": {"id": "Catatan harian dapat diisi setelah SKP {year} Anda disetujui.",
                      "en": "The daily log opens once your {year} SKP is approved."},
    "daily.value_hint": {"id": "jumlah yang dicapai hari ini untuk IKI ini, mis. 1 atau 2,5",
                         "en": "how much of this IKI was achieved today, e.g. 1 or 2.5"},
    "daily.save": {"id": "Simpan catatan", "en": "Save entry"},
    "daily.saved": {"id": "Kegiatan tercatat dan dihitung pada IKI-nya.",
                    "en": "Activity logged and counted towards its IKI."},
    "daily.copy": {"id": "Salin kegiatan kemarin", "en": "Copy yesterday's activity"},
    "daily.copy_this": {"id": "Salin ke hari ini", "en": "Copy to today"},
    "daily.copied": {"id": "Isian disalin dari {day}; periksa lalu simpan.",
                     "en": "Copied from {day}; check it and save."},
    "daily.nothing_yesterday": {"id": "Tidak ada kegiatan tercatat kemarin untuk disalin.",
                                "en": "No activity was logged yesterday to copy."},
    "daily.month": {"id": "Bulan", "en": "Month"},
    "daily.prev": {"id": "Bulan sebelumnya", "en": "Previous month"},
    "daily.next": {"id": "Bulan berikutnya", "en": "Next month"},
    "daily.calendar": {"id": "Kalender kegiatan {month}", "en": "Activity calendar {month}"},
    "daily.days_logged": {"id": "{n} dari {m} hari kerja sudah tercatat", "en": "{n} of {m} working days logged"},
    "daily.entries": {"id": "{n} kegiatan", "en": "{n} activities"},
    "daily.empty_day": {"id": "belum ada", "en": "none"},
    "daily.today_mark": {"id": "hari ini", "en": "today"},
    "daily.day_list": {"id": "Kegiatan per hari", "en": "Activities per day"},
    "daily.none_month": {"id": "Belum ada kegiatan tercatat pada bulan ini.", "en": "No activity logged this month."},
    "daily.progress": {"id": "Capaian IKI", "en": "IKI progress"},
    "daily.bad_month": {"id": "Bulan harus ditulis TTTT-BB, mis. 2026-03",
                        "en": "Write the month as YYYY-MM, e.g. 2026-03"},
    "daily.returned": {"id": "dikembalikan", "en": "sent back"},
}

FIELD_LABELS: Final[dict[str, str]] = {}

LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "weekday": {"0": {"id": "Sen", "en": "Mon"}, "1": {"id": "Sel", "en": "Tue"}, "2": {"id": "Rab", "en": "Wed"},
                "3": {"id": "Kam", "en": "Thu"}, "4": {"id": "Jum", "en": "Fri"}, "5": {"id": "Sab", "en": "Sat"},
                "6": {"id": "Min", "en": "Sun"}},
    "weekday_long": {"0": {"id": "Senin", "en": "Monday"}, "1": {"id": "Selasa", "en": "Tuesday"},
                     "2": {"id": "Rabu", "en": "Wednesday"}, "3": {"id": "Kamis", "en": "Thursday"},
                     "4": {"id": "Jumat", "en": "Friday"}, "5": {"id": "Sabtu", "en": "Saturday"},
                     "6": {"id": "Minggu", "en": "Sunday"}},
    "month": {str(n): {"id": i, "en": e} for n, (i, e) in enumerate(
        [("Januari", "January"), ("Februari", "February"), ("Maret", "March"), ("April", "April"), ("Mei", "May"),
         ("Juni", "June"), ("Juli", "July"), ("Agustus", "August"), ("September", "September"),
         ("Oktober", "October"), ("November", "November"), ("Desember", "December")], start=1)},
}
