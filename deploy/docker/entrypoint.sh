#!/bin/sh
# Container entrypoint of the Kinerja image.
#
# For every variable NAME_FILE=/path with NAME = KINERJA_* or PGPASSWORD (Docker/Compose secrets),
# export NAME with the file's content (trailing newlines dropped) and unset NAME_FILE; then exec
# the command, e.g. `kinerja-planning`. Example: KINERJA_PLANNING_JWT_PUBLIC_KEY_FILE=/run/secrets/jwt
set -eu

for var in $(env | sed -n -e 's/^\(KINERJA_[A-Z0-9_]*_FILE\)=.*$/\1/p' -e 's/^\(PGPASSWORD_FILE\)=.*$/\1/p'); do
    name=${var%_FILE}
    eval "path=\${$var}"
    if [ ! -r "$path" ]; then
        echo "kinerja-entrypoint: $var: cannot read '$path'" >&2
        exit 1
    fi
    value=$(cat "$path")
    export "$name=$value"
    unset "$var"
done

if [ "$#" -eq 0 ]; then
    echo "usage: <image> kinerja-planning | kinerja-evaluation | kinerja-feedback | kinerja-career" >&2
    exit 64
fi
exec "$@"
