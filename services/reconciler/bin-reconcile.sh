#!/usr/bin/env bash
# Runs one reconciliation against the local stack by hand: `npm run reconcile`. Prints the JSON report
# on stdout; exit code 0 clean, 2 discrepancies, 1 failure. Extra arguments are ignored.
set -euo pipefail
cd "$(dirname "$0")/../.."
STACK_ENV=${STACK_ENV:-.stack/stack.env}
if [[ ! -f "$STACK_ENV" ]]; then
  echo "No $STACK_ENV: start the stack first with npm run stack:up" >&2
  exit 1
fi
set -a
# shellcheck disable=SC1090
. "$STACK_ENV"
set +a
export DATABASE_URL="${RECONCILER_DATABASE_URL:-postgres://dbay_reconciler@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${DBAY_DB_NAME:-dbay}}"
export DB_SCHEMA=reconciler
# Kafka: as the reconciler's own principal (docs/CONVENTIONS.md, "Kafka principals").
export KAFKA_SASL_USERNAME=reconciler
export KAFKA_SASL_PASSWORD_FILE="${KAFKA_SASL_PASSWORD_FILE:-${STACK_SECRETS_DIR:-.stack/secrets}/kafka-reconciler-password}"
exec node --import tsx services/reconciler/src/main.ts --once
