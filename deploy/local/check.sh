#!/usr/bin/env bash
# The full check: lint, strict type-check, then every test (unit, integration on real PostgreSQL and
# Kafka, end to end across service processes). Artifacts (logs) go to artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.local/bin:$PATH:/usr/sbin:/sbin"
if [ -z "${SSL_CERT_FILE:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
fi
echo "== ruff"; uv run --frozen ruff check .
echo "== mypy (strict)"; uv run --frozen mypy shared/src services/*/src
echo "== pytest"; uv run --frozen pytest "$@"
