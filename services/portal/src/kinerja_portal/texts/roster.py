"""Strings of HR's roster pages (/roster: employees, evaluators and superiors, the roster import, acting
officials Plt/Plh); merged by ``kinerja_portal.i18n``. ``ros.*``."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "nav.roster": {"id": "Roster & Plt", "en": "Roster & acting"},
    "ros.title": {"id": "Roster pegawai {office}", "en": "Employee roster {office}"},
    "ros.intro": {"id": "Siapa bekerja di unit mana, jabatannya, pejabat penilai dan atasan pejabat penilainya. "
                          "Data ini menentukan siapa menyetujui SKP, menilai dan memutus keberatan.",
                  "en": "Who works in which unit, their position, evaluator and the evaluator's superior. This "
                        "decides who approves SKPs, rates and decides objections."},
    "ros.acting_link": {"id": "Pelaksana tugas (Plt/Plh)", "en": "Acting officials (Plt/Plh)"},
    "ros.import": {"id": "Impor roster (CSV/XLSX)", "en": "Import the roster (CSV/XLSX)"},
    "ros.import_hint": {"id": "Kolom (CSV dengan pemisah ; atau ,, atau baris pertama lembar pertama XLSX): nip;nama;"
                                "unit;jabatan;jenis_jabatan;status;nip_penilai;nip_atasan. Di Excel, format kolom NIP "
                                "sebagai Teks. jenis_jabatan: jpt, kepala_unit, ja atau jf; status: pns atau pppk; "
                                "kosongkan nip_penilai/nip_atasan bila tidak ada. Semua baris diperiksa dulu: bila "
                                "satu saja salah, tidak ada yang disimpan.",
                        "en": "Columns (a CSV separated by ; or ,, or the first row of an XLSX file's first "
                              "sheet): nip;nama;unit;jabatan;jenis_jabatan;status;nip_penilai;nip_atasan. In Excel, "
                              "format the NIP columns as Text. jenis_jabatan: jpt, kepala_unit, ja or jf; status: "
                              "pns or "
                              "pppk; leave nip_penilai/nip_atasan empty when there is none. Every row is checked "
                              "first: if one is wrong, nothing is saved."},
    "ros.import_file": {"id": "Berkas roster (CSV atau XLSX)", "en": "Roster file (CSV or XLSX)"},
    "ros.import_submit": {"id": "Impor roster", "en": "Import roster"},
    "ros.import_refused": {"id": "Berkas ditolak: {count} isian perlu diperbaiki (daftarnya di bawah). Tidak ada "
                                 "data yang disimpan.",
                           "en": "File refused: {count} fields need fixing (listed below). Nothing was saved."},
    "ros.import_rows": {"id": "Baris yang perlu diperbaiki", "en": "Rows to fix"},
    "ros.imported": {"id": "Roster diimpor: {rows} baris, {changed} berubah, {unchanged} sudah sama.",
                     "en": "Roster imported: {rows} rows, {changed} changed, {unchanged} already the same."},
    "ros.line": {"id": "Baris", "en": "Line"},
    "ros.column": {"id": "Kolom", "en": "Column"},
    "ros.problem": {"id": "Masalah", "en": "Problem"},
    "ros.employees": {"id": "Pegawai ({count})", "en": "Employees ({count})"},
    "ros.employee": {"id": "Pegawai", "en": "Employee"},
    "ros.unit": {"id": "Unit kerja", "en": "Unit"},
    "ros.position": {"id": "Jabatan", "en": "Position"},
    "ros.position_type": {"id": "Jenis jabatan", "en": "Position type"},
    "ros.employment": {"id": "Status kepegawaian", "en": "Employment"},
    "ros.evaluator": {"id": "Pejabat penilai", "en": "Evaluator"},
    "ros.superior": {"id": "Atasan pejabat penilai", "en": "Evaluator's superior"},
    "ros.none": {"id": "Tidak ada", "en": "None"},
    "ros.missing_superior": {"id": "Belum tercatat", "en": "Not recorded"},
    "ros.not_on_roster": {"id": "NIP {nip} (di luar roster kantor)", "en": "NIP {nip} (outside this office's roster)"},
    "ros.edit": {"id": "Ubah", "en": "Edit"},
    "ros.edit_title": {"id": "Ubah data roster {name}", "en": "Edit roster data of {name}"},
    "ros.name": {"id": "Nama", "en": "Name"},
    "ros.reason": {"id": "Alasan perubahan", "en": "Reason for the change"},
    "ros.reason_hint": {"id": "Dicatat bersama perubahan (mis. nomor SK mutasi)",
                        "en": "Recorded with the change (e.g. the transfer decree)"},
    "ros.save": {"id": "Simpan data roster", "en": "Save roster data"},
    "ros.saved": {"id": "Data roster {name} tersimpan.", "en": "Roster data of {name} saved."},
    "ros.unchanged": {"id": "Tidak ada yang berubah pada data {name}.", "en": "Nothing changed for {name}."},
    "ros.back": {"id": "Kembali ke roster", "en": "Back to the roster"},
    "ros.pick_none": {"id": "— tidak ada —", "en": "— none —"},
    "ros.person": {"id": "{name} — {position}", "en": "{name} — {position}"},
    "ros.unknown_employee": {"id": "Pegawai {nip} tidak ada di roster kantor ini", "en": "{nip} is not on this "
                                                                                            "office's roster"},
    # acting officials
    "act.title": {"id": "Pelaksana tugas (Plt/Plh)", "en": "Acting officials (Plt/Plh)"},
    "act.intro": {"id": "Selama tanggal penugasan, Plt/Plh menyetujui dan mengembalikan SKP, menilai, memfinalkan "
                          "dan memutus keberatan menggantikan pejabat yang berhalangan; setiap tindakannya mencatat "
                          "kedua nama. Di luar tanggal itu ia ditolak.",
                  "en": "Between the dates, the acting official approves and returns SKPs, rates, finalises and "
                        "decides objections in the absent official's place; every action records both names. "
                        "Outside the dates they are refused."},
    "act.new": {"id": "Catat penugasan Plt/Plh", "en": "Record an acting appointment"},
    "act.absent": {"id": "Pejabat yang berhalangan", "en": "Absent official"},
    "act.acting": {"id": "Pelaksana (Plt/Plh)", "en": "Acting official"},
    "act.kind": {"id": "Jenis", "en": "Kind"},
    "act.starts_on": {"id": "Mulai tanggal", "en": "From"},
    "act.ends_on": {"id": "Sampai tanggal", "en": "Until"},
    "act.dates_hint": {"id": "Tanggal menurut zona waktu kantor; tanggal akhir ikut dihitung",
                       "en": "Dates in the office's time zone; the last day counts"},
    "act.reason": {"id": "Alasan", "en": "Reason"},
    "act.decree": {"id": "Nomor surat perintah (opsional)", "en": "Decree number (optional)"},
    "act.save": {"id": "Catat penugasan", "en": "Record appointment"},
    "act.saved": {"id": "{acting} tercatat sebagai {kind} untuk {absent} ({start} s.d. {end}).",
                  "en": "{acting} recorded as {kind} for {absent} ({start} to {end})."},
    "act.cancelled": {"id": "dibatalkan sebelum berlaku ({start})", "en": "cancelled before it began ({start})"},
    "act.list": {"id": "Penugasan", "en": "Appointments"},
    "act.period": {"id": "Masa penugasan", "en": "Period"},
    "act.status": {"id": "Status", "en": "Status"},
    "act.for": {"id": "{acting} ({kind}) untuk {absent}", "en": "{acting} ({kind}) for {absent}"},
    "act.end": {"id": "Akhiri sekarang", "en": "End now"},
    "act.end_reason": {"id": "Alasan mengakhiri", "en": "Reason for ending"},
    "act.ended": {"id": "Penugasan diakhiri: mulai hari ini {acting} tidak lagi bertindak untuk {absent}.",
                  "en": "Appointment ended: from today {acting} no longer acts for {absent}."},
    "act.none": {"id": "Belum ada penugasan Plt/Plh.", "en": "No acting appointments yet."},
    "act.ended_note": {"id": "diakhiri lebih awal: {reason}", "en": "ended early: {reason}"},
    "act.approved_by": {"id": "Disetujui oleh {name}", "en": "Approved by {name}"},
    "act.approved_for": {"id": "Disetujui oleh {name} sebagai {kind} untuk {absent}",
                         "en": "Approved by {name}, acting ({kind}) for {absent}"},
    "act.for_absent": {"id": "sebagai {kind} untuk {absent}", "en": "as {kind} for {absent}"},
    "act.finalised_for": {"id": "Difinalisasi oleh {name} sebagai {kind} untuk {absent}.",
                          "en": "Finalised by {name} as {kind} for {absent}."},
    "act.team_for": {"id": "atas nama {name} ({kind})", "en": "on behalf of {name} ({kind})"},
    "act.on_behalf": {"id": "sebagai {kind} untuk {name}", "en": "as {kind} for {name}"},
}

FIELD_LABELS: Final[dict[str, str]] = {
    "roster_csv": "ros.import_file", "r_name": "ros.name", "r_unit": "ros.unit", "r_position": "ros.position",
    "r_position_type": "ros.position_type", "r_employment": "ros.employment", "r_evaluator": "ros.evaluator",
    "r_superior": "ros.superior", "r_reason": "ros.reason", "a_absent": "act.absent", "a_acting": "act.acting",
    "a_kind": "act.kind", "a_starts_on": "act.starts_on", "a_ends_on": "act.ends_on", "a_reason": "act.reason",
    "a_decree": "act.decree", "end_reason": "act.end_reason",
}

LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "position_type": {"jpt": {"id": "JPT", "en": "Senior executive (JPT)"},
                      "kepala_unit": {"id": "Kepala unit", "en": "Unit head"},
                      "ja": {"id": "Jabatan administrasi (JA)", "en": "Administrative (JA)"},
                      "jf": {"id": "Jabatan fungsional (JF)", "en": "Functional (JF)"}},
    "employment": {"pns": {"id": "PNS", "en": "PNS"}, "pppk": {"id": "PPPK", "en": "PPPK"}},
    "acting_kind": {"plt": {"id": "Plt", "en": "Plt (acting, vacancy)"},
                    "plh": {"id": "Plh", "en": "Plh (acting, absence)"}},
    "acting_status": {"aktif": {"id": "Berlaku", "en": "In force"},
                      "akan_datang": {"id": "Akan berlaku", "en": "Upcoming"},
                      "selesai": {"id": "Selesai", "en": "Over"}},
}
