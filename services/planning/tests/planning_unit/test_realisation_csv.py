"""The realisation CSV import names each bad row and column in Indonesian and says what to write."""

from __future__ import annotations

import uuid

import pytest

from kinerja_kernel.errors import InvalidInput
from kinerja_planning.entrypoints.http_realisation import parse_csv


class TestCsvMessages:
    def test_each_bad_column_of_a_row_is_named_with_what_to_write(self) -> None:
        raw = b"iki_id,value,occurred_on,description\nbukan-kode,tiga,14/03/2026,\n"
        with pytest.raises(InvalidInput) as refused:
            parse_csv(raw)
        message = refused.value.message
        assert refused.value.field == "rows.2"
        assert message.startswith("Baris 2: kolom iki_id 'bukan-kode' bukan kode IKI")
        assert "kolom value 'tiga' harus berupa angka" in message
        assert "kolom occurred_on '14/03/2026' harus berupa tanggal TTTT-BB-HH" in message
        assert "kolom description wajib diisi" in message
        assert "badly formed" not in message and "isoformat" not in message

    def test_every_bad_row_is_reported_not_only_the_first(self) -> None:
        iki = uuid.uuid4()
        raw = f"iki_id,value,occurred_on,description\n{iki},1,2026-03-02,ok\n{iki},x,2026-03-03,a\n" \
              f"{iki},2,2026-13-01,b\n".encode()
        with pytest.raises(InvalidInput) as refused:
            parse_csv(raw)
        assert refused.value.field == "rows.3"
        assert [d.field for d in refused.value.details] == ["rows.4"]

    def test_a_good_file_gives_entries_with_indonesian_decimals(self) -> None:
        iki = uuid.uuid4()
        [entry] = parse_csv(f"iki_id;value;occurred_on;description\n{iki};12,5;2026-03-02;Rapat\n".encode())
        assert str(entry.value) == "12.5" and entry.description == "Rapat"
