"""A development certificate authority for tests of TLS (PostgreSQL ``verify-full``): ``openssl`` makes an EC
CA and issues server certificates with the subject alternative names a test chooses."""

from __future__ import annotations

import subprocess
from pathlib import Path


class DevCA:
    """A throwaway CA in ``folder`` (``ca.crt``, ``ca.key``), made when constructed."""

    def __init__(self, folder: Path, name: str = "Kinerja test CA") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.cert, self.key = folder / "ca.crt", folder / "ca.key"
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                      "-days", "2", "-subj", f"/CN={name}", "-keyout", str(self.key), "-out", str(self.cert))

    def issue(self, name: str, *, san: str, into: Path | None = None) -> tuple[Path, Path]:
        """A server certificate and key (mode 0600) for ``san`` (e.g. ``IP:127.0.0.1``), signed by this CA."""
        folder = into or self.folder
        folder.mkdir(parents=True, exist_ok=True)
        cert, key, csr, ext = (folder / f"{name}{suffix}" for suffix in (".crt", ".key", ".csr", ".ext"))
        self._openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                      "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(csr))
        ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
                       f"subjectAltName={san}\n")
        self._openssl("x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key),
                      "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(cert))
        csr.unlink()
        ext.unlink()
        key.chmod(0o600)
        return cert, key

    @staticmethod
    def _openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
