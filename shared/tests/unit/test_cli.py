"""The kernel's commands, through their real command-line interface."""

from typer.testing import CliRunner

from kinerja_kernel.auth import Role, TokenVerifier
from kinerja_kernel.cli import DEV_SECRET, token_app


class TestTokenCommand:
    def test_mints_a_token_the_services_accept(self) -> None:
        result = CliRunner().invoke(token_app, ["--sub", "199001012015011001", "--role", "pegawai", "--role",
                                                "pejabat_penilai", "--office", "KANREG-I", "--name", "Siti"])
        assert result.exit_code == 0, result.output
        principal = TokenVerifier(secret=DEV_SECRET, public_key=None, issuer="kinerja-dev",
                                  audience="kinerja").verify(result.output.strip())
        assert principal.user_id == "199001012015011001"
        assert principal.roles == {Role.PEGAWAI, Role.PEJABAT_PENILAI}
        assert principal.offices == {"KANREG-I"}

    def test_refuses_an_unknown_role(self) -> None:
        result = CliRunner().invoke(token_app, ["--sub", "x", "--role", "raja", "--office", "K1"])
        assert result.exit_code != 0
