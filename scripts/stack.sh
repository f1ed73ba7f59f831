#!/usr/bin/env bash
# The local stack without Docker: Kafka (KRaft), Apicurio Registry, the machine's PostgreSQL and Redis, the
# Dogecoin regtest node simulator and every service, each its own background process under .stack/.
#
#   scripts/stack.sh up                      start what is not running, wait until all is healthy
#   scripts/stack.sh down                    stop what `up` started (PostgreSQL and Redis stay up)
#   scripts/stack.sh status                  show every part; exit 1 when one is down
#   scripts/stack.sh restart-service NAME    stop (SIGTERM) and start one service, wait for /healthz
#   scripts/stack.sh stop-service NAME       stop one service; start-service NAME starts it again
#   scripts/stack.sh reset                   down, then forget Kafka's data and the databases
#
# Settings come from environment variables (scripts/lib/config.sh lists them with their defaults).
set -euo pipefail

# shellcheck source=lib/config.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/config.sh"
# shellcheck source=lib/proc.sh
source "$REPO_ROOT/scripts/lib/proc.sh"
# shellcheck source=lib/install.sh
source "$REPO_ROOT/scripts/lib/install.sh"
# shellcheck source=lib/parts.sh
source "$REPO_ROOT/scripts/lib/parts.sh"

write_stack_env() {
  local tmp="$STACK_ENV_FILE.tmp" svc prefix
  {
    echo "# Endpoints of the running local stack, written by scripts/stack.sh up. Read by @dbay/testing."
    echo "STACK_DIR=$STACK_DIR"
    echo "STACK_SECRETS_DIR=$STACK_SECRETS_DIR"
    echo "STACK_LOG_DIR=$STACK_LOG_DIR"
    echo "STACK_PID_DIR=$STACK_PID_DIR"
    echo "KAFKA_BROKERS=$KAFKA_BROKERS"
    echo "KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT"
    echo "KAFKA_LIBS_DIR=$KAFKA_DIR/libs"
    echo "KAFKA_SASL_MECHANISM=scram-sha-512"
    echo "KAFKA_KCAT_CONFIG=$KAFKA_KCAT_CONFIG"
    echo "KAFKA_ADMIN_PROPERTIES=$KAFKA_ADMIN_PROPERTIES"
    echo "SCHEMA_REGISTRY_URL=$SCHEMA_REGISTRY_URL"
    echo "SCHEMA_REGISTRY_PORT=$SCHEMA_REGISTRY_PORT"
    echo "SCHEMA_REGISTRY_DB_NAME=$SCHEMA_REGISTRY_DB_NAME"
    echo "PGHOST=$PGHOST"
    echo "PGPORT=$PGPORT"
    echo "DBAY_DB_NAME=$DBAY_DB_NAME"
    echo "DATABASE_ADMIN_URL=$DATABASE_ADMIN_URL"
    echo "REDIS_URL=$REDIS_URL"
    echo "DOGECOIN_RPC_URL=$DOGECOIN_RPC_URL"
    echo "DOGECOIN_RPC_USER=$DOGECOIN_RPC_USER"
    echo "DOGECOIN_RPC_PASSWORD_FILE=$DOGECOIN_RPC_PASSWORD_FILE"
    echo "DOGECOIN_NETWORK=$DOGECOIN_NETWORK"
    echo "SIM_DATA_DIR=$SIM_DATA_DIR"
    for svc in "${STACK_SERVICES[@]}"; do
      prefix="$(service_env_prefix "$svc")"
      echo "${prefix}_HTTP_PORT=$(service_port "$svc")"
      echo "${prefix}_URL=http://127.0.0.1:$(service_port "$svc")"
      echo "${prefix}_METRICS_PORT=$(service_metrics_port "$svc")"
      echo "${prefix}_METRICS_URL=http://127.0.0.1:$(service_metrics_port "$svc")"
      echo "${prefix}_DATABASE_URL=$(service_database_url "$svc")"
      echo "${prefix}_DB_SCHEMA=$(service_schema "$svc")"
    done
  } >"$tmp"
  mv "$tmp" "$STACK_ENV_FILE"
}

# One line per part: name, state, where it listens, its log.
print_summary() {
  local state svc
  row() { printf '  %-17s %-8s %-50s %s\n' "$@"; }
  row PART STATE ENDPOINT LOG
  postgres_probe && state=up || state=down
  row postgres "$state" "postgres://$PGHOST:$PGPORT/$DBAY_DB_NAME (role per service)" "/var/log/postgresql/"
  redis_probe && state=up || state=down
  row redis "$state" "$REDIS_URL" "/var/log/redis/ci.log"
  running_pid kafka >/dev/null && kafka_probe && state=up || state=down
  row kafka "$state" "$KAFKA_BROKERS (controller :$KAFKA_CONTROLLER_PORT)" "$(log_file kafka)"
  running_pid schema-registry >/dev/null && registry_probe && state=up || state=down
  row schema-registry "$state" "$SCHEMA_REGISTRY_URL" "$(log_file schema-registry)"
  if [[ -f "$REPO_ROOT/$REGTEST_MAIN" ]]; then
    running_pid regtest-node >/dev/null && chain_probe && state=up || state=down
    row regtest-node "$state" "$DOGECOIN_RPC_URL (user $DOGECOIN_RPC_USER)" "$(log_file regtest-node)"
  else
    row regtest-node absent "($REGTEST_MAIN does not exist yet)" "-"
  fi
  for svc in "${STACK_SERVICES[@]}"; do
    if service_exists "$svc"; then
      running_pid "$svc" >/dev/null && service_probe "$svc" && state=up || state=down
      row "$svc" "$state" "http://127.0.0.1:$(service_port "$svc") (metrics :$(service_metrics_port "$svc"))" "$(log_file "$svc")"
    else
      row "$svc" absent "($(service_main "$svc") does not exist yet)" "-"
    fi
  done
  echo "  settings: $STACK_ENV_FILE"
}

cmd_up() {
  local started=$SECONDS
  mkdir -p "$STACK_LOG_DIR" "$STACK_PID_DIR" "$STACK_SECRETS_DIR"
  chmod 700 "$STACK_SECRETS_DIR"
  ensure_installed
  load_rpc_password
  postgres_up
  redis_up
  if database_predates_owner_roles; then
    say "    the database predates the schema owner roles: resetting the local stack (its data is dev data)"
    cmd_reset
  fi
  kafka_up
  drop_abandoned_throwaway_databases
  database_setup
  registry_up
  write_stack_env
  step "migrating every service's schema as its owner role"
  run_migrations
  step "waiting for Kafka and the schema registry"
  wait_healthy kafka kafka_probe
  wait_healthy schema-registry registry_probe
  step "creating topics and registering schemas"
  provision_topics_and_schemas
  chain_up
  ensure_jwt_keys
  services_up
  echo "stack is up ($((SECONDS - started))s):"
  print_summary
}

cmd_down() {
  local i
  for ((i = ${#STACK_SERVICES[@]} - 1; i >= 0; i--)); do stop_part "${STACK_SERVICES[i]}"; done
  stop_part regtest-node
  stop_part schema-registry
  stop_part kafka
  echo "stack is down (PostgreSQL and Redis are the machine's services and keep running)."
}

cmd_reset() {
  cmd_down
  rm -rf "$KAFKA_DIR/data" "$SIM_DATA_DIR"
  drop_databases_of_old_cluster
  echo "stack reset: Kafka data, simulator data and the databases $DBAY_DB_NAME and $SCHEMA_REGISTRY_DB_NAME are gone."
}

main() {
  local command="${1:-}"
  [[ "$command" == up ]] || stack_load_running_settings
  stack_config
  load_rpc_password_quietly() { [[ -f "$DOGECOIN_RPC_PASSWORD_FILE" ]] && load_rpc_password || true; }
  case "$command" in
    up) cmd_up ;;
    down) cmd_down ;;
    reset) cmd_reset ;;
    status)
      load_rpc_password_quietly
      local summary
      summary="$(print_summary)"
      echo "$summary"
      ! grep -qE '^  [a-z-]+ +down ' <<<"$summary"
      ;;
    restart-service | start-service | stop-service)
      [[ -n "${2:-}" ]] || die "usage: $0 $command NAME"
      load_rpc_password_quietly
      case "$command" in
        restart-service) service_restart "$2" ;;
        start-service)
          running_pid "$2" >/dev/null || service_start "$2"
          wait_healthy "$2" service_probe "$2"
          ;;
        stop-service) stop_part "$2" ;;
      esac
      ;;
    *)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      [[ -z "$command" || "$command" == help ]] || exit 2
      ;;
  esac
}

main "$@"
