#!/usr/bin/env bash
# Runs once, on the first start with an empty postgres-data volume (docker-entrypoint-initdb.d):
# one login role and one database per service, the role owning its database; nobody else may
# connect to it. Passwords come from the compose secrets /run/secrets/<service>_db_password.
set -Eeuo pipefail

for service in planning evaluation feedback career; do
    name="kinerja_${service}"
    password="$(< "/run/secrets/${service}_db_password")"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
         --set=name="$name" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    echo "kinerja: created role and database ${name}"
done
