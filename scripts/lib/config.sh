# shellcheck shell=bash
# Settings of the local stack: every port, folder and credential, from the environment with the defaults of
# docs/CONVENTIONS.md. Sourced by scripts/stack.sh, scripts/test.sh and .ci/run; defines no side effects
# beyond variables and functions.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT
export STACK_DIR="${STACK_DIR:-$REPO_ROOT/.stack}"
export STACK_SECRETS_DIR="$STACK_DIR/secrets"
STACK_LOG_DIR="$STACK_DIR/logs"
STACK_PID_DIR="$STACK_DIR/pids"
STACK_ENV_FILE="$STACK_DIR/stack.env"

# A stack that is already running was started with some settings; commands other than `up` (status,
# restart-service, down) must act on that stack, so they take its stack.env as their defaults.
# Explicit environment variables still win.
stack_load_running_settings() {
  [[ -f "$STACK_ENV_FILE" ]] || return 0
  local line key
  while IFS= read -r line; do
    [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
    key="${BASH_REMATCH[1]}"
    [[ -n "${!key+set}" ]] || export "$key=${BASH_REMATCH[2]}"
  done <"$STACK_ENV_FILE"
}

stack_config() {
  # Kafka: one KRaft node that is broker and controller at once.
  KAFKA_PORT="${KAFKA_PORT:-9092}"
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
  export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
  KAFKA_PORT="${KAFKA_BROKERS##*:}"
  # A test stack on two cores: a small heap, the serial collector and the C1 compiler only, which start
  # faster and leave the CPU to the tests (throughput is not what the local stack is for).
  JVM_LEAN_OPTS="${JVM_LEAN_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
  KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-ZGJheS1sb2NhbC1zdGFjaw}"
  KAFKA_DIR="$STACK_DIR/kafka"
  # The admin principal's client settings: kcat -F, and --command-config for Kafka's Java tools.
  KAFKA_KCAT_CONFIG="$STACK_SECRETS_DIR/kafka-admin.kcat.conf"
  KAFKA_ADMIN_PROPERTIES="$STACK_SECRETS_DIR/kafka-admin.properties"

  # Apicurio Registry 3 with its Confluent-compatible API; it stores schemas in the machine's Postgres so
  # schema ids survive a restart, like the Kafka data that refers to them.
  APICURIO_VERSION="${APICURIO_VERSION:-3.0.9}"
  SCHEMA_REGISTRY_PORT="${SCHEMA_REGISTRY_PORT:-8081}"
  export SCHEMA_REGISTRY_URL="${SCHEMA_REGISTRY_URL:-http://127.0.0.1:$SCHEMA_REGISTRY_PORT/apis/ccompat/v7}"
  SCHEMA_REGISTRY_HEAP_OPTS="${SCHEMA_REGISTRY_HEAP_OPTS:--Xms128m -Xmx512m}"
  SCHEMA_REGISTRY_DB_NAME="${SCHEMA_REGISTRY_DB_NAME:-dbay_registry}"
  SCHEMA_REGISTRY_DB_ROLE="${SCHEMA_REGISTRY_DB_ROLE:-dbay_registry}"
  APICURIO_DIR="$STACK_DIR/apicurio"

  # The machine's PostgreSQL (trust auth locally) and Redis.
  export PGHOST="${PGHOST:-127.0.0.1}"
  export PGPORT="${PGPORT:-5432}"
  export DBAY_DB_NAME="${DBAY_DB_NAME:-dbay}"
  DBAY_DB_ADMIN_USER="${DBAY_DB_ADMIN_USER:-postgres}"
  export DATABASE_ADMIN_URL="${DATABASE_ADMIN_URL:-postgres://$DBAY_DB_ADMIN_USER@$PGHOST:$PGPORT/$DBAY_DB_NAME}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  REDIS_PORT="${REDIS_URL##*:}"
  REDIS_PORT="${REDIS_PORT%%/*}"

  # The Dogecoin regtest node simulator (a real Dogecoin Core in docker-compose).
  DOGECOIN_RPC_PORT="${DOGECOIN_RPC_PORT:-18332}"
  export DOGECOIN_RPC_URL="${DOGECOIN_RPC_URL:-http://127.0.0.1:$DOGECOIN_RPC_PORT}"
  export DOGECOIN_RPC_USER="${DOGECOIN_RPC_USER:-dbay}"
  DOGECOIN_RPC_PASSWORD_FILE="$STACK_SECRETS_DIR/dogecoin-rpc-password"
  export DOGECOIN_NETWORK="${DOGECOIN_NETWORK:-regtest}"
  SIM_DATA_DIR="${SIM_DATA_DIR:-$STACK_DIR/regtest-node}"

  export LOG_LEVEL="${LOG_LEVEL:-info}"
  # How long one part may take to become healthy before `up` gives up on it.
  STACK_START_TIMEOUT_S="${STACK_START_TIMEOUT_S:-120}"
  # How long a process gets to exit after SIGTERM before it is killed.
  STACK_STOP_TIMEOUT_S="${STACK_STOP_TIMEOUT_S:-30}"
}

# Services in start order: the signer's stack.env.sh hook creates the key material that the wallet's reads;
# web (the wallet page) forwards to the wallet and the order service, so it comes after them.
STACK_SERVICES=(signer wallet order deposit-watcher withdrawal-saga reconciler web)

service_default_port() {
  case "$1" in
    wallet) echo 7101 ;;
    order) echo 7102 ;;
    deposit-watcher) echo 7103 ;;
    withdrawal-saga) echo 7104 ;;
    signer) echo 7105 ;;
    reconciler) echo 7106 ;;
    web) echo 7107 ;;
    *) return 1 ;;
  esac
}

# wallet -> WALLET, deposit-watcher -> DEPOSIT_WATCHER
service_env_prefix() { local name="${1//-/_}"; echo "${name^^}"; }
# deposit-watcher -> deposit_watcher: the schema, and with a dbay_ prefix the login role.
service_schema() { echo "${1//-/_}"; }
service_role() { echo "dbay_$(service_schema "$1")"; }
# The role that owns the service's schema and tables and runs its migrations; the service never logs in as it.
service_owner_role() { echo "dbay_$(service_schema "$1")_owner"; }

# The HTTP port of a service: <SERVICE>_HTTP_PORT (e.g. DEPOSIT_WATCHER_HTTP_PORT) or the default.
service_port() {
  local var
  var="$(service_env_prefix "$1")_HTTP_PORT"
  echo "${!var:-$(service_default_port "$1")}"
}

# Whether a service keeps state in Postgres (it has migrations); web has no database, role or schema.
service_has_database() { [[ -d "$REPO_ROOT/services/$1/migrations" ]]; }

service_default_metrics_port() {
  case "$1" in
    wallet) echo 9101 ;;
    order) echo 9102 ;;
    deposit-watcher) echo 9103 ;;
    withdrawal-saga) echo 9104 ;;
    signer) echo 9105 ;;
    reconciler) echo 9106 ;;
    web) echo 9107 ;;
    *) return 1 ;;
  esac
}

# The port a service serves /metrics on (never its HTTP port): <SERVICE>_METRICS_PORT or the default.
service_metrics_port() {
  local var
  var="$(service_env_prefix "$1")_METRICS_PORT"
  echo "${!var:-$(service_default_metrics_port "$1")}"
}

service_database_url() { echo "postgres://$(service_role "$1")@$PGHOST:$PGPORT/$DBAY_DB_NAME"; }
