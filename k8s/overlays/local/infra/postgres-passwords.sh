#!/bin/sh
# Runs once, after postgres-init.sql, when the compose stack's Postgres volume is first created
# (docker-entrypoint-initdb.d). The service roles log in with passwords from .env here, where the
# local stack uses trust auth; the schema registry gets its own database and role.
set -eu

run_psql() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" "$@"
}

# Each service's login role and its schema owner's (the owner only runs the migrations).
for service in wallet order deposit_watcher withdrawal_saga signer reconciler; do
  upper="$(echo "$service" | tr '[:lower:]' '[:upper:]')"
  for kind in "" _owner; do
    variable="DBAY_${upper}$(echo "$kind" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    password="$(printenv "$variable" || true)"
    if [ -z "$password" ]; then
      echo "postgres-passwords.sh: $variable is not set (see .env.example)" >&2
      exit 1
    fi
    # psql interpolates :"role" and :'password' (quoted safely) only in what it reads from stdin.
    run_psql -v role="dbay_$service$kind" -v password="$password" <<'SQL'
ALTER ROLE :"role" PASSWORD :'password';
SQL
  done
done

run_psql -v password="$APICURIO_DB_PASSWORD" <<'SQL'
CREATE ROLE apicurio LOGIN PASSWORD :'password';
CREATE DATABASE apicurio OWNER apicurio;
SQL
