"""Docker HEALTHCHECK of the Kinerja image: ``GET /health`` of the service this container runs.

The service comes from PID 1's command line (``kinerja-planning`` etc.), its port from
``KINERJA_<SERVICE>_HTTP_PORT`` or the service's default. ``KINERJA_HEALTHCHECK_URL`` overrides both.
Exit 0 when the service answers ``{"status": "ok"}``, else 1.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request

DEFAULT_PORTS = {"planning": 8101, "evaluation": 8102, "feedback": 8103, "career": 8104, "portal": 8105}


def _service() -> str | None:
    try:
        with open("/proc/1/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        cmdline = ""
    for service in DEFAULT_PORTS:
        if f"kinerja-{service}" in cmdline:
            return service
    configured = [s for s in DEFAULT_PORTS if f"KINERJA_{s.upper()}_HTTP_PORT" in os.environ]
    return configured[0] if len(configured) == 1 else None


def health_url() -> str:
    if url := os.environ.get("KINERJA_HEALTHCHECK_URL"):
        return url
    service = _service()
    if service is None:
        raise SystemExit("healthcheck: cannot tell which Kinerja service runs here")
    port = os.environ.get(f"KINERJA_{service.upper()}_HTTP_PORT") or DEFAULT_PORTS[service]
    return f"http://127.0.0.1:{port}/health"


def main() -> int:
    url = health_url()
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # noqa: S310 - fixed local http URL
            body = json.loads(response.read())
    except (OSError, ValueError) as exc:
        print(f"healthcheck: {url}: {exc}", file=sys.stderr)
        return 1
    if body.get("status") != "ok":
        print(f"healthcheck: {url}: {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
