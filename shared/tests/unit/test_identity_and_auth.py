"""NIP validation and JWT principals."""

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest

from kinerja_kernel.auth import Role, TokenVerifier, mint_token
from kinerja_kernel.errors import Forbidden, InvalidInput, Unauthenticated
from kinerja_kernel.identity import check_nip, nip_problem


class TestNip:
    def test_accepts_a_well_formed_nip(self) -> None:
        assert check_nip("199001012015011001") == "199001012015011001"

    @pytest.mark.parametrize(("nip", "says"), [
        ("1990010120150110", "18 digit"),
        ("19900101201501100A", "18 digit"),
        ("199002302015011001", "tanggal lahir"),
        ("199001012015131001", "bulan pengangkatan"),
        ("199001012015013001", "jenis kelamin"),
        ("199001012015011000", "nomor urut"),
        ("199001011995011001", "tahun pengangkatan"),
    ])
    def test_says_exactly_what_is_wrong(self, nip: str, says: str) -> None:
        problem = nip_problem(nip)
        assert problem is not None and says in problem
        with pytest.raises(InvalidInput):
            check_nip(nip)


class TestTokens:
    verifier = TokenVerifier(secret="s3cret-s3cret-s3cret-s3cret-s3cret", public_key=None, issuer="kinerja-dev", audience="kinerja")

    def test_a_minted_token_carries_roles_and_offices(self) -> None:
        token = mint_token(secret="s3cret-s3cret-s3cret-s3cret-s3cret", user_id="199001012015011001", roles=[Role.PEGAWAI], offices=["K1", "K2"])
        principal = self.verifier.verify(token)
        assert principal.user_id == "199001012015011001"
        assert principal.roles == {Role.PEGAWAI} and principal.offices == {"K1", "K2"}
        principal.require_office("K2")
        with pytest.raises(Forbidden):
            principal.require_office("K3")
        with pytest.raises(Forbidden):
            principal.require_role(Role.PEJABAT_PENILAI)

    def test_a_token_signed_with_another_key_is_refused(self) -> None:
        token = mint_token(secret="other-other-other-other-other-other", user_id="u", roles=[Role.PEGAWAI], offices=["K1"])
        with pytest.raises(Unauthenticated):
            self.verifier.verify(token)

    def test_a_verified_token_is_remembered_until_it_expires(self, monkeypatch: pytest.MonkeyPatch) -> None:
        verifier = TokenVerifier(secret="s3cret-s3cret-s3cret-s3cret-s3cret", public_key=None, issuer="kinerja-dev",
                                 audience="kinerja", cache_size=2)
        token = mint_token(secret="s3cret-s3cret-s3cret-s3cret-s3cret", user_id="199001012015011001",
                           roles=[Role.PEGAWAI], offices=["K1"], ttl=timedelta(seconds=30))
        first = verifier.verify(token)
        decoded = 0
        real_decode = jwt.decode

        def counting(*args: Any, **kwargs: Any) -> Any:
            nonlocal decoded
            decoded += 1
            return real_decode(*args, **kwargs)

        monkeypatch.setattr(jwt, "decode", counting)
        assert verifier.verify(token) is first and decoded == 0  # remembered: not decoded again
        later = time.time() + 31
        monkeypatch.setattr(time, "time", lambda: later)
        verifier.verify(token)  # past its exp the cache no longer answers: checked again (PyJWT's clock decides)
        assert decoded == 1
        monkeypatch.undo()
        others = [mint_token(secret="s3cret-s3cret-s3cret-s3cret-s3cret", user_id="199001012015011001",
                             roles=[Role.PEGAWAI], offices=[f"K{i}"]) for i in range(3)]
        for other in others:
            verifier.verify(other)
        assert len(verifier._verified) == 2  # bounded: the oldest forgotten

    def test_a_token_that_failed_is_not_remembered(self) -> None:
        token = mint_token(secret="other-other-other-other-other-other", user_id="199001012015011001",
                           roles=[Role.PEGAWAI], offices=["K1"])
        for _ in range(2):
            with pytest.raises(Unauthenticated):
                self.verifier.verify(token)
        assert token not in self.verifier._verified

    def test_an_expired_token_is_refused(self) -> None:
        token = mint_token(secret="s3cret-s3cret-s3cret-s3cret-s3cret", user_id="u", roles=[Role.PEGAWAI], offices=["K1"],
                           ttl=timedelta(seconds=-5))
        with pytest.raises(Unauthenticated, match="expired"):
            self.verifier.verify(token)
