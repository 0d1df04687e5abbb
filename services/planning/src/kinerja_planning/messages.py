"""The planning service's message catalog: every code its errors and problems carry, in Indonesian (as
civil servants read it) and English. Registered with ``kinerja_kernel.messages`` when the package is
imported; the HTTP edge and the portal render them (``{status:plan_status}`` is a label, see the kernel).
"""

from __future__ import annotations

from typing import Final

from kinerja_kernel import messages
from kinerja_kernel.labels import plan_status_label, tanggal

MESSAGES: Final = {
    # -- the SKP ------------------------------------------------------------------------------------------
    "planning.plan.not-found": ("SKP {plan_id} tidak ditemukan", "plan {plan_id} not found"),
    "planning.plan.exists": ("SKP periode {period_year} sudah ada", "a plan for period {period_year} exists"),
    "planning.plan.not-on-roster": (
        "Data Anda (atau pejabat penilai Anda) belum tercatat di roster kantor; hubungi pengelola kepegawaian",
        "employee or evaluator missing from the roster"),
    "planning.plan.evaluator-nip-invalid": ("Pejabat penilai: {problem}", "invalid evaluator NIP {value!r}"),
    "planning.plan.draft-not-own": ("Hanya pegawai yang bersangkutan yang dapat menyusun SKP-nya",
                                    "only the employee drafts their own SKP"),
    "planning.plan.evaluator-is-self": ("Pejabat penilai tidak boleh diri sendiri",
                                        "the evaluator cannot be the employee"),
    "planning.plan.edit-not-owner": ("Hanya pemilik SKP yang dapat mengubah isinya", "only the owner edits"),
    "planning.plan.not-editable": (
        "SKP berstatus '{status:plan_status}' tidak dapat diubah; ajukan revisi bila sudah disetujui",
        "the plan is {status}: not editable"),
    "planning.plan.not-changeable": ("SKP berstatus '{status:plan_status}' tidak dapat diubah",
                                     "the plan is {status}: not changeable"),
    "planning.plan.submit-not-owner": ("Hanya pemilik SKP yang dapat mengajukannya", "only the owner submits"),
    "planning.plan.not-submittable": ("SKP berstatus '{status:plan_status}' tidak dapat diajukan",
                                      "cannot submit a plan in status {status}"),
    "planning.plan.cannot-submit-yet": ("SKP belum dapat diajukan: {problem}",
                                        "the plan cannot be submitted yet: {problem_en}"),
    "planning.plan.no-main-rhk": ("SKP harus memiliki minimal satu RHK utama", "the plan needs a main RHK"),
    "planning.plan.evaluator-plan-not-approved": (
        "Pejabat penilai ({evaluator_id}) belum memiliki SKP periode {period_year} yang disetujui, sehingga belum "
        "ada RHK atasan yang dapat diacu",
        "the evaluator {evaluator_id} has no approved plan for {period_year}: no RHK to cite"),
    "planning.plan.decide-not-evaluator": (
        "Hanya pejabat penilai SKP ini (atau Plt/Plh-nya pada tanggal penugasan) yang dapat {verb}nya",
        "only the plan's evaluator or their acting official decides"),
    "planning.plan.not-decidable": (
        "SKP berstatus '{status:plan_status}' tidak dapat diputuskan; hanya SKP yang diajukan",
        "the plan is {status}, not submitted"),
    "planning.plan.return-comments-required": ("Catatan pengembalian wajib diisi", "comments required"),
    "planning.plan.revise-not-owner": ("Hanya pemilik SKP yang dapat merevisinya", "only the owner revises"),
    "planning.plan.revise-not-approved": ("Hanya SKP yang sudah disetujui yang dapat direvisi",
                                          "only approved plans are revised (the plan is {status})"),
    "planning.plan.revision-reason-required": ("Alasan revisi wajib diisi", "reason required"),
    "planning.plan.already-closed": ("SKP sudah ditutup", "already closed"),
    "planning.plan.not-readable": ("Anda tidak berhak melihat SKP ini", "not allowed to read this plan"),
    "planning.document.not-approved": (
        "SKP berstatus '{status:plan_status}' belum dapat ditandatangani; hanya SKP yang sudah disetujui",
        "only an approved SKP is signed (the plan is {status})"),
    "planning.behaviour.not-owner-or-evaluator": (
        "Hanya pegawai atau pejabat penilainya yang dapat mengisi ekspektasi perilaku",
        "only owner or evaluator set expectations"),
    # -- RHK, IKI, targets ---------------------------------------------------------------------------------
    "planning.rhk.incomplete": ("RHK belum lengkap: {problem}", "the RHK is incomplete: {problem_en}"),
    "planning.rhk.duplicate-id": ("RHK dengan id ini sudah ada", "duplicate rhk id {rhk_id}"),
    "planning.rhk.not-found": ("RHK tidak ditemukan di SKP ini", "no rhk {rhk_id}"),
    "planning.rhk.no-iki": ("Setiap RHK harus memiliki minimal satu IKI", "every RHK needs an IKI"),
    "planning.rhk.source-not-for-ja-jf": (
        "RHK pegawai JA/JF mengacu pada RHK atasan (intervensi), bukan perjanjian kinerja atau penugasan",
        "a JA/JF RHK cites the supervisor's RHK, not a source"),
    "planning.rhk.intervention-not-for-leaders": (
        "RHK JPT/kepala unit mengacu pada perjanjian kinerja atau penugasan, bukan RHK atasan",
        "a JPT/unit head RHK cites a source, not a supervisor's RHK"),
    "planning.rhk.source-required": (
        "RHK JPT/kepala unit wajib menyebut perjanjian kinerja atau penugasan yang menjadi sumbernya",
        "a JPT/unit head RHK names its source"),
    "planning.rhk.perspective-required": ("RHK JPT wajib memiliki perspektif", "a JPT RHK needs a perspective"),
    "planning.rhk.not-cascaded": ("RHK '{title}' belum mengacu pada RHK pejabat penilai",
                                  "RHK '{title}' cites no RHK of the evaluator"),
    "planning.rhk.cited-rhk-gone": (
        "RHK atasan yang diacu RHK '{title}' tidak ada lagi di SKP pejabat penilai yang disetujui; pilih RHK "
        "atasan yang lain", "the RHK cited by '{title}' is no longer on the evaluator's approved plan"),
    "planning.iki.aspect-repeated": ("Setiap aspek target hanya boleh diisi sekali", "an aspect appears twice"),
    "planning.iki.quantity-required": ("IKI wajib memiliki target aspek kuantitas", "an IKI needs a quantity target"),
    "planning.iki.satisfaction-out-of-range": ("Target kepuasan layanan harus di antara 1 dan 5",
                                               "a satisfaction target is between 1 and 5 (got {value})"),
    "planning.iki.service-type-on-manual": (
        "Jenis layanan hanya berlaku untuk IKI yang dihitung dari interaksi layanan",
        "a service type only applies to IKIs counted from service interactions"),
    "planning.target.value-required": ("Target {aspect} wajib berupa angka pada pendekatan kuantitatif",
                                       "the {aspect} target needs a number (quantitative approach)"),
    "planning.target.not-positive": ("Target {aspect} harus lebih dari nol",
                                     "the {aspect} target must be above zero (got {value})"),
    "planning.target.unit-required": ("Target {aspect} wajib memiliki satuan (mis. dokumen, %, bulan)",
                                      "the {aspect} target needs a unit"),
    "planning.target.description-required": ("Target {aspect} wajib diuraikan pada pendekatan kualitatif",
                                             "the {aspect} target needs a description (qualitative approach)"),
    "planning.cascade.no-evaluator": ("Pejabat penilai Anda belum tercatat di roster kantor",
                                      "your evaluator is not on the office roster"),
    "planning.cascade.evaluator-has-no-plan": ("Pejabat penilai ({who}) belum menyusun SKP periode {period_year}",
                                               "the evaluator ({who}) has no plan for {period_year}"),
    "planning.cascade.evaluator-plan-not-approved": (
        "SKP pejabat penilai ({who}) masih berstatus '{status:plan_status}'; RHK-nya dapat diacu setelah disetujui",
        "the evaluator's ({who}) plan is {status}: its RHKs are cited once approved"),
    "planning.cascade.plan-not-found": ("SKP atasan yang diacu tidak ditemukan", "the cited plan was not found"),
    "planning.cascade.not-evaluators": (
        "RHK yang diacu harus milik pejabat penilai Anda ({evaluator_id}), bukan milik {owner_id}",
        "the cited RHK must belong to the evaluator {evaluator_id}, not {owner_id}"),
    "planning.cascade.other-period": ("RHK yang diacu harus dari SKP periode {period_year}",
                                      "the cited RHK must be from a plan of {period_year}"),
    "planning.cascade.not-approved": (
        "SKP pejabat penilai masih berstatus '{status:plan_status}'; hanya RHK dari SKP yang sudah disetujui yang "
        "dapat diacu", "the evaluator's plan is {status}: only an approved plan's RHKs are cited"),
    "planning.cascade.rhk-not-found": ("RHK atasan yang diacu tidak ada di SKP tersebut",
                                       "the cited RHK is not on that plan"),
    # -- realisation ---------------------------------------------------------------------------------------
    "planning.realisation.report-not-owner": ("Realisasi hanya dapat dilaporkan oleh pemilik SKP",
                                              "only the plan's owner reports realisation"),
    "planning.realisation.report-not-approved": (
        "Realisasi hanya dapat dilaporkan pada SKP yang disetujui (status: {status})", "plan not approved ({status})"),
    "planning.realisation.change-not-owner": ("Hanya pemilik SKP yang dapat memperbaiki atau menarik entri realisasi",
                                              "only the plan's owner corrects or withdraws entries"),
    "planning.realisation.change-not-approved": (
        "Realisasi hanya dapat diubah pada SKP yang disetujui (status: {status})", "plan not approved ({status})"),
    "planning.realisation.invalid-entries": ("{problem}", "invalid realisation entries: {problem_en}"),
    "planning.realisation.invalid-correction": ("{problem}", "invalid correction: {problem_en}"),
    "planning.realisation.iki-not-on-plan": ("IKI ini tidak ada di SKP Anda", "the IKI is not on the plan"),
    "planning.realisation.iki-counted-from-services": ("IKI ini dihitung otomatis dari interaksi layanan",
                                                       "the IKI is counted from service interactions"),
    "planning.realisation.value-not-positive": ("Nilai realisasi harus lebih dari nol",
                                                "the value must be above zero (got {value})"),
    "planning.realisation.after-today": (
        "Tanggal realisasi tidak boleh setelah hari ini ({today:tanggal}, waktu kantor); laporkan kegiatan yang "
        "sudah dilakukan", "the day is after today ({today}, office time)"),
    "planning.realisation.outside-year": (
        "Tanggal realisasi harus dalam tahun SKP {period_year} (1 Januari–31 Desember {period_year})",
        "the day is outside the plan's year {period_year}"),
    "planning.realisation.description-required": ("Uraian kegiatan wajib diisi", "description required"),
    "planning.realisation.comment-not-evaluator": ("Hanya pejabat penilai yang dapat memberi catatan realisasi",
                                                   "only the evaluator comments"),
    "planning.realisation.comment-required": ("Catatan wajib diisi", "comment required"),
    "planning.realisation.return-not-evaluator": (
        "Hanya pejabat penilai (atau Plt/Plh-nya pada masa tugas) yang dapat mengembalikan entri realisasi",
        "only the evaluator or their acting official returns an entry"),
    "planning.realisation.return-reason-required": (
        "Alasan pengembalian wajib diisi: tulis apa yang harus diperbaiki", "reason required"),
    "planning.realisation.entry-not-counted": ("Entri ini sudah dikembalikan atau ditarik",
                                               "the entry is {status}, not counted now"),
    "planning.realisation.entry-not-returned": ("Hanya entri yang dikembalikan pejabat penilai yang dapat diperbaiki",
                                                "only a returned entry is corrected (the entry is {status})"),
    "planning.realisation.already-withdrawn": ("Entri ini sudah ditarik", "entry already withdrawn"),
    "planning.realisation.entry-not-found": ("Entri realisasi tidak ditemukan", "no such entry"),
    "planning.evidence.link-scheme": ("Tautan bukti dukung harus diawali http:// atau https://",
                                      "an evidence link starts with http:// or https://"),
    "planning.evidence.sha256-required": ("Berkas bukti dukung wajib disertai sha256 isinya",
                                          "a file evidence needs its sha256"),
    "planning.realisation.no-entries": ("Entri realisasi tidak ditemukan", "the plan has no realisation entries"),
    "planning.realisation.not-readable": ("Anda tidak berhak melihat realisasi SKP ini",
                                          "not allowed to read this plan's realisation"),
    "planning.evidence.upload-not-owner": ("Hanya pemilik SKP yang dapat mengunggah bukti dukung",
                                           "only the plan's owner uploads evidence"),
    "planning.evidence.too-large": ("Berkas terlalu besar ({size:ukuran}); batasnya {limit:ukuran}",
                                    "file of {size} bytes is larger than {limit} bytes"),
    "planning.evidence.empty": ("Berkas kosong: pilih berkas bukti dukung", "empty file"),
    "planning.evidence.type-not-accepted": (
        "Jenis berkas tidak diterima: unggah PDF, gambar (PNG, JPEG, WebP) atau dokumen Office/OpenDocument tanpa "
        "makro", "file type not accepted (by content)"),
    "planning.evidence.not-on-plan": ("Berkas bukti dukung tidak ditemukan pada realisasi SKP ini",
                                      "no entry of this plan names file {sha256}"),
    "planning.evidence.not-stored": ("Berkas bukti dukung tidak ditemukan di penyimpanan",
                                     "file {sha256} is not in the store"),
    "planning.evidence.not-uploaded": ("Berkas bukti dukung belum diunggah: unggah berkasnya dahulu",
                                       "no stored file with sha256 {sha256}"),
    "planning.evidence.bad-name": ("Nama berkas memuat karakter yang tidak valid", "unstorable file name"),
    "planning.csv.too-large": ("Berkas impor terlalu besar (maks {limit:ukuran})", "import larger than {limit} bytes"),
    "planning.csv.not-utf8": ("Berkas CSV harus berkodekan UTF-8", "CSV not UTF-8"),
    "planning.csv.columns-missing": ("Kolom CSV wajib tidak ada: {missing}", "missing CSV columns: {missing}"),
    "planning.csv.too-many-rows": ("Maksimal {maximum} baris per impor", "at most {maximum} rows per import"),
    "planning.csv.empty": ("Berkas CSV tidak berisi baris", "the CSV has no rows"),
    "planning.csv.row": ("Baris {row}: {problem}", "row {row}: {problem_en}"),
    "planning.csv.row-column": ("Baris {row} kolom {column}: {problem}", "row {row} column {column}: {problem_en}"),
    "planning.csv.problem": ("{problem}", "{problem_en}"),
    "planning.csv.iki-id": ("kolom iki_id '{value}' bukan kode IKI (salin kode IKI dari halaman realisasi)",
                            "iki_id '{value}' is not an IKI id"),
    "planning.csv.value": ("kolom value '{value}' harus berupa angka, mis. 3 atau 12,5",
                           "value '{value}' is not a number"),
    "planning.csv.occurred-on": ("kolom occurred_on '{value}' harus berupa tanggal TTTT-BB-HH, mis. 2026-03-14",
                                 "occurred_on '{value}' is not a YYYY-MM-DD date"),
    "planning.csv.description": ("kolom description wajib diisi (uraian kegiatan)", "description required"),
    "planning.csv.entry-id": ("kolom entry_id harus berupa UUID atau dikosongkan", "entry_id is not a UUID"),
    "planning.csv.evidence": (
        "kolom evidence_url (maks. 2000 karakter), evidence_sha256 (64 huruf heksadesimal kecil) atau "
        "evidence_description (maks. 500 karakter) tidak sesuai", "invalid evidence columns"),
    "planning.interaction.office-not-allowed": ("Interaksi ke-{index} untuk kantor {office_id} di luar kewenangan Anda",
                                                "interaction {index}: office {office_id} is not yours"),
    "planning.interaction.not-on-roster": ("Pegawai {employee_id} tidak terdaftar di roster kantor mana pun",
                                           "employee not on any office roster"),
    "planning.interaction.other-office": ("Pegawai {employee_id} tidak terdaftar di roster kantor {office_id}",
                                          "employee is on another office's roster"),
    # -- roster and acting officials --------------------------------------------------------------------------
    "planning.roster.nip-invalid": ("{problem}", "invalid NIP {value!r}"),
    "planning.roster.own-evaluator": ("Pegawai tidak boleh menjadi pejabat penilai atau atasan dirinya sendiri",
                                      "self as evaluator"),
    "planning.roster.evaluator-required": ("Pegawai JA/JF wajib memiliki pejabat penilai", "evaluator required"),
    "planning.roster.other-office": (
        "Pegawai terdaftar di kantor {office_id}; mutasi antarkantor dicatat oleh kantor asal",
        "registered in another office ({office_id})"),
    "planning.import.row": ("Baris {row} ({employee_id}): {problem}", "row {row} ({employee_id}): {problem_en}"),
    "planning.import.duplicate-nip": ("NIP ini sudah ada di baris {first_row}; satu pegawai satu baris",
                                      "the NIP is already on row {first_row}"),
    "planning.import.evaluator-unknown": (
        "Pejabat penilai {nip} tidak ada di roster kantor ini maupun di berkas; tambahkan barisnya atau perbaiki "
        "NIP-nya", "the evaluator {nip} is neither on the roster nor in the file"),
    "planning.import.superior-unknown": (
        "Atasan pejabat penilai {nip} tidak ada di roster kantor ini maupun di berkas; tambahkan barisnya atau "
        "perbaiki NIP-nya", "the superior {nip} is neither on the roster nor in the file"),
    "planning.import.field": ("{where}: {problem}", "{where}: {problem_en}"),
    "planning.import.value-invalid": ("{problem}", "{problem}"),
    "planning.import.missing": ("wajib diisi", "required"),
    "planning.import.extra-column": ("kolom tidak dikenal", "unknown column"),
    "planning.import.no-rows": ("minimal satu baris", "at least one row"),
    "planning.import.too-long": ("terlalu panjang", "too long"),
    "planning.import.unknown-value": ("nilainya tidak dikenal", "unknown value"),
    "planning.import.unknown-position-type": ("nilainya tidak dikenal; isi salah satu: jpt, kepala_unit, ja, jf",
                                              "unknown value; one of jpt, kepala_unit, ja, jf"),
    "planning.import.unknown-employment": ("nilainya tidak dikenal; isi pns atau pppk",
                                           "unknown value; pns or pppk"),
    "planning.import.not-json": ("bukan JSON yang valid", "not valid JSON"),
    "planning.import.not-object": ("harus berupa objek JSON", "must be a JSON object"),
    "planning.import.not-list": ("harus berupa daftar", "must be a list"),
    "planning.import.invalid": ("nilainya tidak valid", "invalid value"),
    "planning.import.csv-not-utf8": ("Berkas CSV harus UTF-8", "CSV not UTF-8"),
    "planning.import.not-xlsx": ("Berkas bukan XLSX (Excel) yang valid; simpan ulang sebagai .xlsx atau unggah CSV",
                                 "not a valid XLSX file: {reason}"),
    "planning.import.too-many-rows": ("Berkas XLSX memuat lebih dari {maximum} baris; bagi menjadi beberapa berkas",
                                      "more than {maximum} rows"),
    "planning.import.empty": ("Berkas {kind} tidak memuat baris data", "empty {kind}"),
    "planning.import.nip-as-number": (
        "NIP tersimpan sebagai angka di Excel sehingga digit terakhirnya hilang; format kolom sebagai Teks lalu "
        "ketik ulang NIP", "an NIP stored as a number lost its last digits; format the column as text"),
    "planning.import.columns-missing": ("Kolom {kind} belum ada: {missing} (wajib: {header})",
                                        "missing {kind} columns {missing}"),
    "planning.acting.not-found": ("Penugasan Plt/Plh tidak ditemukan di kantor ini", "no such appointment"),
    "planning.acting.acts-for-self": ("Pelaksana tugas tidak boleh pejabat yang digantikan sendiri",
                                      "acting official is the absent official"),
    "planning.acting.absent-not-on-roster": ("Pejabat yang digantikan tidak ada di roster kantor ini",
                                             "absent official not on this office's roster"),
    "planning.acting.acting-not-on-roster": ("Pelaksana tidak ada di roster kantor ini",
                                             "acting official not on this office's roster"),
    "planning.acting.ends-before-start": ("Tanggal selesai tidak boleh sebelum tanggal mulai", "ends before it starts"),
    "planning.acting.too-long": (
        "Penugasan Plt/Plh paling lama {max_days} hari; perpanjangan dicatat sebagai penugasan baru",
        "longer than {max_days} days"),
    "planning.acting.reason-required": ("Alasan penugasan wajib diisi", "reason required"),
    "planning.acting.end-reason-required": ("Alasan pengakhiran wajib diisi", "reason required"),
    "planning.acting.cannot-extend": (
        "Penugasan sudah berakhir {ends_on:tanggal}; memperpanjang dicatat sebagai penugasan baru",
        "cannot extend an appointment (it ends {ends_on})"),
    "planning.acting.ends-too-early": (
        "Tanggal berakhir paling awal sehari sebelum tanggal mulai (membatalkan penugasan)", "ends too early"),
}
messages.register(MESSAGES)
messages.register_label("plan_status", plan_status_label)
messages.register_label("tanggal", tanggal)


def ukuran(size: int) -> str:
    """A file size as a person reads it: ``12 KB``, ``10,0 MB``."""
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",") if size >= 1024 * 1024 else f"{size // 1024} KB"


messages.register_label("ukuran", ukuran)
