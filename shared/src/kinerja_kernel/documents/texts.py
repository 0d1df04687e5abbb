"""Fixed texts the document layouts print: the BerAKHLAK core values' behaviour guide (as in the annex of
PermenPAN-RB 6/2022), aspects, and numbers written the Indonesian way."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

BERAKHLAK_GUIDE: Final[dict[str, tuple[str, ...]]] = {
    "berorientasi_pelayanan": ("Memahami dan memenuhi kebutuhan masyarakat",
                               "Ramah, cekatan, solutif, dan dapat diandalkan",
                               "Melakukan perbaikan tiada henti"),
    "akuntabel": ("Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, dan berintegritas tinggi",
                  "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, dan efisien",
                  "Tidak menyalahgunakan kewenangan jabatan"),
    "kompeten": ("Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah",
                 "Membantu orang lain belajar", "Melaksanakan tugas dengan kualitas terbaik"),
    "harmonis": ("Menghargai setiap orang apa pun latar belakangnya", "Suka menolong orang lain",
                 "Membangun lingkungan kerja yang kondusif"),
    "loyal": ("Memegang teguh ideologi Pancasila, UUD 1945, setia kepada NKRI serta pemerintahan yang sah",
              "Menjaga nama baik sesama ASN, pimpinan, instansi, dan negara", "Menjaga rahasia jabatan dan negara"),
    "adaptif": ("Cepat menyesuaikan diri menghadapi perubahan", "Terus berinovasi dan mengembangkan kreativitas",
                "Bertindak proaktif"),
    "kolaboratif": ("Memberi kesempatan kepada berbagai pihak untuk berkontribusi",
                    "Terbuka dalam bekerja sama untuk menghasilkan nilai tambah",
                    "Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama"),
}

ASPECT_LABELS: Final[dict[str, str]] = {"kuantitas": "Kuantitas", "kualitas": "Kualitas", "waktu": "Waktu",
                                        "biaya": "Biaya"}

NOT_RECORDED: Final = "—"


def angka(value: Decimal | int | None) -> str:
    """``1234.5`` -> ``1.234,5``; no trailing zeros; None -> the dash."""
    if value is None:
        return NOT_RECORDED
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    sign, text = ("-" if number < 0 else ""), f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + ".".join(groups or ["0"]) + ("," + fraction if fraction else "")
