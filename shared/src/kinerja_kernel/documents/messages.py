"""The texts of the documents' refusals (kinerja_kernel.messages): signing order, BSrE's answers."""

from __future__ import annotations

from typing import Final

from kinerja_kernel import messages

ROLE_LABELS: Final = {"pegawai": "pegawai yang dinilai", "pejabat_penilai": "pejabat penilai kinerja"}

MESSAGES: Final = {
    "documents.document.not-found": ("Dokumen dengan kode ini tidak ditemukan", "no document with this code"),
    "documents.sign.fully-signed": ("Dokumen ini sudah ditandatangani lengkap", "already fully signed"),
    "documents.sign.not-your-turn": ("Belum giliran Anda: dokumen ini lebih dahulu ditandatangani oleh "
                                     "{role:signer_role}", "not your turn to sign: the {role} signs first"),
    "documents.sign.not-a-signer": ("Anda bukan penanda tangan dokumen ini", "not a signer of this document"),
    "documents.sign.passphrase-required": ("Passphrase TTE wajib diisi", "passphrase required"),
    "documents.sign.nik-required": ("NIK penanda tangan (16 digit, sesuai sertifikat BSrE) wajib diisi",
                                    "NIK of 16 digits required"),
    "documents.bsre.wrong-passphrase": ("Passphrase TTE salah; dokumen tidak ditandatangani", "wrong passphrase"),
    "documents.bsre.not-registered": ("NIK penanda tangan belum terdaftar di BSrE; hubungi admin TTE instansi",
                                      "signer not registered at BSrE"),
    "documents.bsre.account-refused": ("Akun Esign Client instansi ditolak BSrE; hubungi admin TTE instansi",
                                       "the agency's Esign Client credentials were refused"),
    "documents.bsre.refused": ("BSrE menolak penandatanganan ({status}): {reason}",
                               "BSrE refused the request ({status})"),
    "documents.bsre.unreachable": ("Server TTE (BSrE Esign Client) tidak dapat dihubungi; coba lagi nanti",
                                   "Esign Client unreachable: {error}"),
    "documents.bsre.server-error": ("Server TTE (BSrE Esign Client) sedang bermasalah; coba lagi nanti",
                                    "Esign Client answered {status}"),
    "documents.bsre.no-file": ("BSrE tidak mengembalikan dokumen bertanda tangan", "no signed file returned"),
}
messages.register(MESSAGES)
messages.register_label("signer_role", lambda role: ROLE_LABELS.get(str(role), str(role)))
