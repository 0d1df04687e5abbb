"""Strings of the SKP editing pages (edit and delete RHKs and IKIs, re-link the cascade, the leader's
behaviour expectations) and of the appraisal's rating and finalisation steps (``skpe.*``)."""

from __future__ import annotations

from typing import Final

_VALUES: Final = {"berorientasi_pelayanan": "Berorientasi Pelayanan", "akuntabel": "Akuntabel",
                  "kompeten": "Kompeten", "harmonis": "Harmonis", "loyal": "Loyal", "adaptif": "Adaptif",
                  "kolaboratif": "Kolaboratif"}

STRINGS: Final[dict[str, dict[str, str]]] = {
    # editing an RHK
    "skpe.edit": {"id": "Ubah", "en": "Edit"},
    "skpe.edit_title": {"id": "Ubah RHK", "en": "Edit the RHK"},
    "skpe.save": {"id": "Simpan perubahan RHK", "en": "Save the RHK"},
    "skpe.saved": {"id": "Perubahan RHK tersimpan.", "en": "RHK changes saved."},
    "skpe.not_editable": {"id": "RHK ini tidak dapat diubah: SKP tidak berstatus draf atau dikembalikan.",
                          "en": "This RHK cannot be changed: the SKP is not a draft or returned."},
    "skpe.cascade_hint": {"id": "Pilih RHK pejabat penilai yang didukung RHK ini. Mengganti pilihan langsung "
                                "memperbarui acuan RHK ini.",
                          "en": "Choose the evaluator's RHK this RHK supports. Changing it re-links this RHK."},
    "skpe.iki_n": {"id": "IKI {n}", "en": "IKI {n}"},
    "skpe.iki_new": {"id": "Tambah IKI", "en": "Add an IKI"},
    "skpe.iki_new_hint": {"id": "Biarkan kosong bila tidak menambah IKI.",
                          "en": "Leave empty unless you add an IKI."},
    "skpe.one_iki": {"id": "RHK harus memiliki minimal satu IKI; isi IKI atau jangan hapus semuanya",
                     "en": "an RHK needs at least one IKI; fill one in or keep one"},
    "skpe.number_hint": {"id": "Ribuan dengan titik, desimal dengan koma: 1.000 atau 12,5",
                         "en": "Thousands with a dot, decimals with a comma: 1.000 or 12,5"},
    "skpe.remove_iki": {"id": "Hapus IKI ini saat disimpan", "en": "Remove this IKI when saving"},
    "skpe.delete_title": {"id": "Hapus RHK", "en": "Delete the RHK"},
    "skpe.delete": {"id": "Hapus RHK", "en": "Delete the RHK"},
    "skpe.confirm_delete": {"id": "Ya, hapus RHK \u201c{title}\u201d beserta IKI-nya",
                            "en": "Yes, delete the RHK \u201c{title}\u201d and its IKIs"},
    "skpe.confirm_delete_required": {"id": "centang kotak ini untuk memastikan RHK memang dihapus; belum ada yang "
                                           "dihapus",
                                     "en": "tick this box to confirm the deletion; nothing was deleted"},
    "skpe.removed": {"id": "RHK dihapus.", "en": "RHK deleted."},
    "skpe.fix_this": {"id": "Perbaiki RHK ini", "en": "Fix this RHK"},
    "skpe.fix_add_rhk": {"id": "Tambah RHK utama", "en": "Add a main RHK"},
    "skpe.returned_hint": {"id": "Ubah RHK atau IKI yang diminta dengan tombol \u201cUbah\u201d, lalu ajukan lagi.",
                           "en": "Change the RHKs or IKIs asked for with \u201cEdit\u201d, then submit again."},
    "skpe.too_long": {"id": "paling banyak {limit} karakter", "en": "at most {limit} characters"},
    "skpe.nothing_changed": {"id": "Tidak ada yang berubah, jadi tidak ada yang disimpan.",
                             "en": "Nothing changed, so nothing was saved."},
    # approval and the leader's expectations
    "skpe.approval_comment": {"id": "Catatan persetujuan", "en": "Approval comment"},
    "skpe.approval_comment_hint": {"id": "Opsional; dibaca pegawai bersama persetujuan.",
                                   "en": "Optional; the employee reads it with the approval."},
    "skpe.approval_comments": {"id": "Catatan persetujuan pejabat penilai", "en": "The evaluator's approval comment"},
    "skpe.expectations_title": {"id": "Ekspektasi khusus pimpinan", "en": "The leader's specific expectations"},
    "skpe.expectations_intro": {"id": "Tuliskan harapan Anda untuk setiap nilai BerAKHLAK pegawai ini (boleh "
                                      "dikosongkan). Dapat diisi sampai SKP disetujui.",
                                "en": "Write what you expect for each BerAKHLAK value (optional). Possible until "
                                      "the SKP is approved."},
    "skpe.expectations_save": {"id": "Simpan ekspektasi", "en": "Save the expectations"},
    "skpe.expectations_saved": {"id": "Ekspektasi khusus pimpinan tersimpan.",
                                "en": "The leader's expectations were saved."},
    "skpe.expectation": {"id": "Ekspektasi pimpinan", "en": "Leader's expectation"},
    # rating and finalising
    "skpe.rhk_comment": {"id": "Catatan untuk RHK: {title}", "en": "Note on the RHK: {title}"},
    "skpe.value_comment": {"id": "Umpan balik {value}", "en": "Feedback on {value}"},
    "skpe.rating_for_comment": {"id": "pilih rating untuk catatan ini; catatan tanpa rating tidak disimpan",
                                "en": "choose a rating for this note; a note without a rating is not saved"},
    "skpe.nothing_rated": {"id": "Tidak ada yang disimpan: belum ada rating yang dipilih.",
                           "en": "Nothing was saved: no rating was chosen."},
    "skpe.finalise_warning": {"id": "Setelah difinalisasi, rating tidak dapat diubah lagi kecuali melalui "
                                    "keberatan. Pegawai menerima hasilnya.",
                              "en": "Once finalised, ratings cannot change except through an objection. The "
                                    "employee receives the result."},
    "skpe.confirm_finalise": {"id": "Saya sudah memeriksa semua rating {name} dan ingin memfinalisasinya",
                              "en": "I have checked all of {name}'s ratings and want to finalise them"},
    "skpe.confirm_label": {"id": "Konfirmasi finalisasi", "en": "Confirm finalisation"},
    "skpe.confirm_finalise_required": {"id": "centang konfirmasi dulu; penilaian belum difinalisasi",
                                       "en": "tick the confirmation first; the appraisal was not finalised"},
    **{f"skpe.exp_{code}": {"id": f"Ekspektasi {name}", "en": f"Expectation: {name}"}
       for code, name in _VALUES.items()},
}
FIELD_LABELS: Final[dict[str, str]] = {
    "approval_comments": "skpe.approval_comment", "confirm": "skpe.confirm_label",
    **{f"exp_{code}": f"skpe.exp_{code}" for code in _VALUES},
}
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {}
