#!/usr/bin/env bash
# Start this machine's PostgreSQL (installing it if missing), make the venture role and an empty
# database named $1 (default venture_test); prints the server's port.
set -euo pipefail
database="${1:-venture_test}"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
cluster="$(pg_lsclusters --no-header | head -n1)"
version="$(echo "$cluster" | awk '{print $1}')"
name="$(echo "$cluster" | awk '{print $2}')"
if ! echo "$cluster" | grep -q online; then
  pg_ctlcluster "$version" "$name" start >&2
fi
port="$(pg_lsclusters --no-header | head -n1 | awk '{print $3}')"
(cd / && runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -q <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'venture') THEN
    CREATE ROLE venture LOGIN PASSWORD 'venture' CREATEDB;
  END IF;
END $$;
SQL
)
(cd / && runuser -u postgres -- psql -p "$port" -q -c "DROP DATABASE IF EXISTS $database" \
  && runuser -u postgres -- psql -p "$port" -q -c "CREATE DATABASE $database OWNER venture")
echo "$port"
