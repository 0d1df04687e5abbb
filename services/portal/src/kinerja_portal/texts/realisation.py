"""Strings of the realisation page: evidence files, what the totals count, entries sent back for correction."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "real.evidence_file": {"id": "Berkas bukti dukung", "en": "Evidence file"},
    "real.evidence_file_hint": {
        "id": "PDF, gambar (PNG, JPEG, WebP) atau dokumen Word/Excel/PowerPoint/OpenDocument tanpa makro, "
              "maks. {limit}. Hanya Anda, pejabat penilai, atasannya, pengelola kepegawaian dan auditor yang dapat "
              "mengunduhnya.",
        "en": "PDF, images (PNG, JPEG, WebP) or Word/Excel/PowerPoint/OpenDocument files without macros, at most "
              "{limit}. Only you, your evaluator, their superior, HR and auditors can download it."},
    "real.download": {"id": "Unduh {name}", "en": "Download {name}"},
    "real.counts_year": {"id": "Sepanjang tahun {year}", "en": "Whole year {year}"},
    "real.counts_note": {
        "id": "Yang dihitung: semua entri bertanggal dalam tahun SKP, kecuali yang dikembalikan untuk diperbaiki "
              "atau ditarik. Penilaian periodik menghitung entri yang sama, hanya yang bertanggal dalam periodenya "
              "(rincian per triwulan di bawah setiap IKI).",
        "en": "Counted: every entry dated in the SKP's year, except those sent back for correction or withdrawn. "
              "A periodic appraisal counts the same entries, only those dated in its period (the quarters are "
              "shown under each IKI)."},
    "real.appraisal_counts": {
        "id": "Dihitung untuk penilaian ini: entri realisasi bertanggal {start} s.d. {end}, kecuali yang "
              "dikembalikan untuk diperbaiki atau ditarik. Halaman realisasi SKP menunjukkan seluruh tahun dan "
              "rincian per triwulan.",
        "en": "Counted for this appraisal: realisation entries dated {start} to {end}, except those sent back for "
              "correction or withdrawn. The SKP's realisation page shows the whole year and each quarter."},
    "real.keep_file": {"id": "Tanpa berkas baru, berkas yang sudah dilampirkan tetap dipakai: {names}.",
                       "en": "Without a new file, the file already attached stays: {names}."},
    "real.quarters": {"id": "Per triwulan", "en": "Per quarter"},
    "real.quarter": {"id": "Tw {n}", "en": "Q{n}"},
    "real.today": {"id": "Tanggal kegiatan paling lambat hari ini ({today}) dan dalam tahun {year}.",
                   "en": "The date is at the latest today ({today}) and within {year}."},
    "real.status": {"id": "Status", "en": "Status"},
    "real.returned_reason": {"id": "Alasan pengembalian", "en": "Why it was sent back"},
    "real.return": {"id": "Alasan mengembalikan entri ini", "en": "Why you send this entry back"},
    "real.return_hint": {"id": "Tulis apa yang harus diperbaiki; entri tidak dihitung sampai diperbaiki.",
                         "en": "Say what must be corrected; the entry does not count until it is."},
    "real.return_send": {"id": "Kembalikan untuk diperbaiki", "en": "Send back for correction"},
    "real.returned_done": {"id": "Entri dikembalikan; pegawai melihat alasannya di halaman realisasi.",
                           "en": "Entry sent back; the employee sees why on the realisation page."},
    "real.fix": {"id": "Perbaiki atau tarik", "en": "Correct or withdraw"},
    "real.fix_title": {"id": "Perbaiki entri realisasi", "en": "Correct a realisation entry"},
    "real.fix_note": {"id": "Catatan perbaikan", "en": "What you corrected"},
    "real.fix_send": {"id": "Simpan perbaikan", "en": "Save the correction"},
    "real.fixed": {"id": "Perbaikan tersimpan; entri dihitung kembali.",
                   "en": "Correction saved; the entry counts again."},
    "real.withdraw_title": {"id": "Tarik entri", "en": "Withdraw the entry"},
    "real.withdraw_hint": {"id": "Entri yang ditarik tidak dihitung lagi dan tidak dapat dikembalikan.",
                           "en": "A withdrawn entry no longer counts and cannot be restored."},
    "real.withdraw_reason": {"id": "Alasan menarik (opsional)", "en": "Why you withdraw it (optional)"},
    "real.withdraw_send": {"id": "Tarik entri ini", "en": "Withdraw this entry"},
    "real.withdrawn": {"id": "Entri ditarik; tidak dihitung lagi.", "en": "Entry withdrawn; it no longer counts."},
    "real.corrected_from": {"id": "Diperbaiki dari {value} ({day})", "en": "Corrected from {value} ({day})"},
    "real.returned_notice": {"id": "{count} entri dikembalikan pejabat penilai untuk diperbaiki.",
                             "en": "{count} entries were sent back by your evaluator for correction."},
}

FIELD_LABELS: Final[dict[str, str]] = {"evidence_file": "real.evidence_file",
                                       "note": "real.fix_note", "withdraw_reason": "real.withdraw_reason"}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {"entry_status": {
    "counted": {"id": "Dihitung", "en": "Counted"},
    "returned": {"id": "Dikembalikan untuk diperbaiki", "en": "Sent back for correction"},
    "withdrawn": {"id": "Ditarik", "en": "Withdrawn"}}}
STRINGS["real.file_too_large"] = {"id": "Berkas terlalu besar; batasnya {limit}. Perkecil atau pisahkan berkasnya.",
                                  "en": "The file is too large; the limit is {limit}. Make it smaller or split it."}
