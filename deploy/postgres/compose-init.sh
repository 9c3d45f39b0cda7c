#!/usr/bin/env bash
# Run by the postgres image's entry point on the first start of an empty volume (compose.yaml
# mounts it in /docker-entrypoint-initdb.d): deploy/postgres/init.sql, as the image's superuser.
set -euo pipefail
psql -X -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v app_password="$COORACE_DB_PASSWORD" -v reader_password="$COORACE_READER_PASSWORD" \
    -f /coorace/init.sql
