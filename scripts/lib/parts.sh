# shellcheck shell=bash
# The parts of the local stack: how each starts, how it is probed, how it stops. Every *_up function leaves
# a part that is already running alone (after checking that it is healthy).

# ---------------------------------------------------------------- PostgreSQL and Redis (the machine's own)

postgres_probe() { pg_isready -q -h "$PGHOST" -p "$PGPORT"; }

postgres_up() {
  postgres_probe && return 0
  step "starting PostgreSQL"
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$version" ]] || die "PostgreSQL is not answering on $PGHOST:$PGPORT and no local cluster is installed"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    die "PostgreSQL did not start; see /var/log/postgresql/postgresql-$version-main.log"
  local deadline=$((SECONDS + 30))
  until postgres_probe; do
    ((SECONDS < deadline)) || die "PostgreSQL is not ready; see /var/log/postgresql/postgresql-$version-main.log"
    sleep 0.5
  done
}

redis_probe() { [[ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" == PONG ]]; }

redis_up() {
  redis_probe && return 0
  step "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null || die "Redis did not start; see /var/log/redis/ci.log"
  local deadline=$((SECONDS + 15))
  until redis_probe; do
    ((SECONDS < deadline)) || die "Redis is not answering on $REDIS_URL; see /var/log/redis/ci.log"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- the database, its schemas and roles

psql_admin() {
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" \
    -U "$DBAY_DB_ADMIN_USER" "$@"
}

database_exists() { [[ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]; }

ensure_login_role() {
  psql_admin -d postgres -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$1') THEN CREATE ROLE \"$1\" LOGIN; END IF;
    END \$\$;"
}

ensure_database() {
  database_exists "$1" || psql_admin -d postgres -c "CREATE DATABASE \"$1\" OWNER \"$2\""
}

# A new Kafka cluster (fresh .stack/kafka/data) starts with empty topics, so the databases whose rows
# point into Kafka (outboxes, inboxes, the registry's schema ids) are recreated with it.
drop_databases_of_old_cluster() {
  local db
  for db in "$DBAY_DB_NAME" "$SCHEMA_REGISTRY_DB_NAME"; do
    if database_exists "$db"; then
      say "    new Kafka cluster: recreating database $db"
      psql_admin -d postgres -c "DROP DATABASE \"$db\" WITH (FORCE)"
    fi
  done
}

# One schema per service and two roles: dbay_<service>_owner owns the schema and its tables and runs
# the migrations; dbay_<service>, the one the service logs in as, reads and writes rows and owns nothing,
# so it cannot drop a trigger, alter a table or grant itself a privilege (issue 16). The reconciler reads
# every other schema, now and in future tables, and writes none. The same as docker/postgres-init.sql.
# Idempotent.
database_setup() {
  local svc role owner schema
  ensure_login_role "$SCHEMA_REGISTRY_DB_ROLE"
  ensure_database "$SCHEMA_REGISTRY_DB_NAME" "$SCHEMA_REGISTRY_DB_ROLE"
  for svc in "${STACK_SERVICES[@]}"; do
    service_has_database "$svc" || continue
    ensure_login_role "$(service_role "$svc")"
    ensure_login_role "$(service_owner_role "$svc")"
  done
  ensure_database "$DBAY_DB_NAME" "$DBAY_DB_ADMIN_USER"

  local sql="
    REVOKE ALL ON DATABASE \"$DBAY_DB_NAME\" FROM PUBLIC;
    REVOKE ALL ON SCHEMA public FROM PUBLIC;"
  for svc in "${STACK_SERVICES[@]}"; do
    service_has_database "$svc" || continue
    role="$(service_role "$svc")"
    owner="$(service_owner_role "$svc")"
    schema="$(service_schema "$svc")"
    sql+="
    GRANT CONNECT, TEMPORARY ON DATABASE \"$DBAY_DB_NAME\" TO \"$role\";
    GRANT CONNECT ON DATABASE \"$DBAY_DB_NAME\" TO \"$owner\";
    CREATE SCHEMA IF NOT EXISTS \"$schema\" AUTHORIZATION \"$owner\";
    REVOKE ALL ON SCHEMA \"$schema\" FROM PUBLIC;
    GRANT USAGE ON SCHEMA \"$schema\" TO \"$role\";
    ALTER DEFAULT PRIVILEGES FOR ROLE \"$owner\" IN SCHEMA \"$schema\"
      GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \"$role\";
    ALTER DEFAULT PRIVILEGES FOR ROLE \"$owner\" IN SCHEMA \"$schema\"
      GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO \"$role\";
    ALTER ROLE \"$role\" IN DATABASE \"$DBAY_DB_NAME\" SET search_path = \"$schema\";
    ALTER ROLE \"$owner\" IN DATABASE \"$DBAY_DB_NAME\" SET search_path = \"$schema\";"
  done
  local reader
  reader="$(service_role reconciler)"
  for svc in "${STACK_SERVICES[@]}"; do
    [[ "$svc" == reconciler ]] && continue
    service_has_database "$svc" || continue
    owner="$(service_owner_role "$svc")"
    schema="$(service_schema "$svc")"
    sql+="
    GRANT USAGE ON SCHEMA \"$schema\" TO \"$reader\";
    GRANT SELECT ON ALL TABLES IN SCHEMA \"$schema\" TO \"$reader\";
    ALTER DEFAULT PRIVILEGES FOR ROLE \"$owner\" IN SCHEMA \"$schema\" GRANT SELECT ON TABLES TO \"$reader\";"
  done
  psql_admin -d "$DBAY_DB_NAME" -c "$sql" || die "setting up database $DBAY_DB_NAME failed"
}

# Throwaway databases that tests and benchmarks create (@dbay/testing's ThrowawayDatabase) and drop
# when they end; a run that was killed leaves its own behind. Dropped here when nobody is connected to
# them, so a test running meanwhile keeps its database.
drop_abandoned_throwaway_databases() {
  local db
  for db in $(psql_admin -d postgres -tAc "SELECT datname FROM pg_database d
      WHERE (datname LIKE 'dbay\_test\_%' OR datname LIKE 'dbay\_bench\_%' OR datname LIKE 'dbay\_reconcile\_%'
             OR datname LIKE 'dw\_test\_%' OR datname LIKE 'dbay\_signer\_cap\_%')
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)"); do
    say "    dropping the abandoned throwaway database $db"
    psql_admin -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" || true
  done
}

# A database set up before the owner roles: its schemas belong to the service roles themselves. Such a
# local stack is reset (Kafka data, simulator data, databases) rather than converted in place.
database_predates_owner_roles() {
  database_exists "$DBAY_DB_NAME" || return 1
  [[ "$(psql_admin -d "$DBAY_DB_NAME" -tAc "SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
      WHERE n.nspname = 'wallet' AND r.rolname = 'dbay_wallet'")" == 1 ]]
}

run_migrations() {
  (cd "$REPO_ROOT" && node --import tsx scripts/migrate.ts) || die "migrations failed (see the output above)"
}

# ---------------------------------------------------------------- Kafka (KRaft, broker + controller)

kafka_probe() { kcat -F "$KAFKA_KCAT_CONFIG" -b "$KAFKA_BROKERS" -L -m 3 -J 2>/dev/null | grep -q '"brokers":\[{'; }

# Every client of the broker proves who it is (SASL/SCRAM-SHA-512): each service as its own principal, so
# the ACLs that scripts/provision.ts derives from schemas/*.topic.json decide what it may produce and read;
# admin is the super user (the broker itself, provisioning, tests and the tools). Passwords are generated
# once into .stack/secrets; the SCRAM credentials are written when the data dir is formatted.
kafka_principals() { echo admin "${STACK_SERVICES[@]}"; }
kafka_password_file() { echo "$STACK_SECRETS_DIR/kafka-$1-password"; }

# The secrets of every principal, and the admin's client settings for kcat (-F) and the Java tools
# (--command-config), so no password is ever on a command line.
ensure_kafka_secrets() {
  local principal admin_password
  for principal in $(kafka_principals); do ensure_secret "kafka-$principal-password"; done
  admin_password="$(<"$(kafka_password_file admin)")"
  (
    umask 077
    printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanisms=SCRAM-SHA-512' 'sasl.username=admin' \
      "sasl.password=$admin_password" >"$KAFKA_KCAT_CONFIG"
    printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$admin_password\";" \
      >"$KAFKA_ADMIN_PROPERTIES"
  )
}

# What a client of the stack's broker exports to be `principal` (the platform's KAFKA_SASL_* variables).
export_kafka_client_env() {
  export KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME="$1" KAFKA_SASL_PASSWORD_FILE
  KAFKA_SASL_PASSWORD_FILE="$(kafka_password_file "$1")"
}


kafka_write_config() {
  local host="${KAFKA_BROKERS%:*}" admin_password
  admin_password="$(<"$(kafka_password_file admin)")"
  mkdir -p "$KAFKA_DIR/data"
  # It holds the admin's password.
  (umask 077 && : >"$KAFKA_DIR/server.properties")
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by scripts/stack.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$KAFKA_CONTROLLER_PORT
listeners=SASL_PLAINTEXT://$host:$KAFKA_PORT,CONTROLLER://$host:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$host:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
# Clients: SCRAM-SHA-512, one principal per service. The controller listener takes PLAIN for admin alone
# (KRaft cannot use SCRAM there: the credentials live in the metadata the controller serves).
listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_password";
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_password" user_admin="$admin_password";
sasl.mechanism.controller.protocol=PLAIN
# Nothing is allowed unless an ACL allows it; admin (the broker itself and provisioning) is the super user.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
log.dirs=$KAFKA_DIR/data
# Topics exist only as declared in schemas/*.topic.json (or created by a test on purpose).
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=168
EOF
  cat >"$KAFKA_DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.log=WARN
EOF
}

# The java command line of the broker and of its tools (StorageTool, ConsumerGroupCommand, ...).
kafka_java() {
  # shellcheck disable=SC2206 # the heap options are a list of words on purpose
  KAFKA_JAVA=(java $KAFKA_HEAP_OPTS $JVM_LEAN_OPTS -Djava.awt.headless=true
    -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" -cp "$KAFKA_DIR/libs/*")
}

# Formats the data dir with the SCRAM credentials of every principal. The passwords pass through a
# process's arguments here (StorageTool has no other way); it runs for a moment on the developer's own
# machine, and its output (which does not echo them) goes to the log.
kafka_format() {
  local principal scram=()
  for principal in $(kafka_principals); do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$principal,password=$(<"$(kafka_password_file "$principal")")]")
  done
  kafka_java
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$KAFKA_DIR/server.properties" \
    "${scram[@]}" >>"$(log_file kafka)" 2>&1 || die "formatting the Kafka data dir failed; see $(log_file kafka)"
  kafka_principals >"$KAFKA_DIR/data/.dbay-principals"
}

# Starts Kafka if it is not running (without waiting for it). A data dir that was never formatted means a
# new cluster: it is formatted, and the databases that refer to the old cluster's data are dropped first.
kafka_up() {
  running_pid kafka >/dev/null && return 0
  ensure_port_free kafka "$KAFKA_PORT"
  ensure_port_free kafka "$KAFKA_CONTROLLER_PORT"
  ensure_kafka_secrets
  kafka_write_config
  # A cluster formatted before SASL (or for other principals) has no credentials for today's principals:
  # it is replaced by a new one, as a never-formatted data dir is.
  if [[ -f "$KAFKA_DIR/data/meta.properties" && "$(cat "$KAFKA_DIR/data/.dbay-principals" 2>/dev/null)" != "$(kafka_principals)" ]]; then
    say "    the Kafka data predates its principals' credentials: starting a new cluster (its data is dev data)"
    rm -rf "$KAFKA_DIR/data"
    mkdir -p "$KAFKA_DIR/data"
  fi
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    drop_databases_of_old_cluster
    kafka_format
  fi
  step "starting Kafka on $KAFKA_BROKERS"
  kafka_java
  launch kafka "$KAFKA_DIR" -- "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties"
}

# ---------------------------------------------------------------- Apicurio Registry (Confluent API)

registry_probe() { http_ok "http://127.0.0.1:$SCHEMA_REGISTRY_PORT/health/ready"; }

# Starts the registry if it is not running (without waiting for it); its database must exist.
registry_up() {
  running_pid schema-registry >/dev/null && return 0
  ensure_port_free schema-registry "$SCHEMA_REGISTRY_PORT"
  step "starting Apicurio Registry $APICURIO_VERSION on port $SCHEMA_REGISTRY_PORT"
  # shellcheck disable=SC2086 # the heap options are a list of words on purpose
  launch schema-registry "$APICURIO_DIR" -- java $SCHEMA_REGISTRY_HEAP_OPTS $JVM_LEAN_OPTS \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$SCHEMA_REGISTRY_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=postgresql \
    -Dapicurio.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$SCHEMA_REGISTRY_DB_NAME" \
    -Dapicurio.datasource.username="$SCHEMA_REGISTRY_DB_ROLE" -Dapicurio.datasource.password=trust \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=10 \
    -Dapicurio.rest.deletion.artifact.enabled=true -Dapicurio.rest.deletion.artifact-version.enabled=true \
    -Dapicurio.rest.deletion.group.enabled=true -Dquarkus.http.access-log.enabled=false \
    -jar "$APICURIO_JAR"
}

# ---------------------------------------------------------------- topics and schemas

provision_topics_and_schemas() {
  (cd "$REPO_ROOT" && export_kafka_client_env admin && node --import tsx scripts/provision.ts) ||
    die "provisioning topics, ACLs and schemas failed (see above)"
}

# ---------------------------------------------------------------- the Dogecoin regtest node simulator

REGTEST_MAIN="tools/regtest-node/src/main.ts"

ensure_secret() {
  local file="$STACK_SECRETS_DIR/$1"
  if [[ ! -s "$file" ]]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file")
  fi
}

load_rpc_password() {
  if [[ -z "${DOGECOIN_RPC_PASSWORD:-}" ]]; then
    ensure_secret dogecoin-rpc-password
    DOGECOIN_RPC_PASSWORD="$(<"$DOGECOIN_RPC_PASSWORD_FILE")"
  fi
  export DOGECOIN_RPC_PASSWORD
}

chain_probe() {
  curl -fsS --max-time 3 -u "$DOGECOIN_RPC_USER:$DOGECOIN_RPC_PASSWORD" -H 'content-type: text/plain' \
    --data-binary '{"jsonrpc":"1.0","id":"stack","method":"getblockcount","params":[]}' "$DOGECOIN_RPC_URL" |
    grep -q '"result"'
}

chain_up() {
  [[ -f "$REPO_ROOT/$REGTEST_MAIN" ]] || return 0
  if running_pid regtest-node >/dev/null; then
    wait_healthy regtest-node chain_probe
    return 0
  fi
  ensure_port_free regtest-node "$DOGECOIN_RPC_PORT"
  step "starting the Dogecoin regtest node simulator on $DOGECOIN_RPC_URL"
  mkdir -p "$SIM_DATA_DIR"
  (
    export DOGECOIN_RPC_PORT SIM_DATA_DIR
    launch regtest-node "$REPO_ROOT" -- node --import tsx "$REGTEST_MAIN"
  ) || exit 1
  wait_healthy regtest-node chain_probe
}

# ---------------------------------------------------------------- token keys

# The local stack's JWT signing key pairs (ES256, P-256), one per kind of caller the platform knows:
# user-jwt (what an identity provider signs user tokens with), service-jwt (services calling each
# other's internal APIs) and operator-jwt (people of the platform's staff: reviews, disputes). The
# services get the public halves; tests, the demo and the development login mint tokens from the
# private halves. Created once, atomically, before any service starts.
ensure_jwt_keys() {
  local name private public tmp
  for name in user-jwt service-jwt operator-jwt; do
    private="$STACK_SECRETS_DIR/$name-private.pem"
    public="$STACK_SECRETS_DIR/$name-public.pem"
    [[ -s "$private" && -s "$public" ]] && continue
    tmp=$(mktemp -d "$STACK_SECRETS_DIR/.keygen.XXXXXX")
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/private.pem" 2>/dev/null) ||
      die "creating the $name key pair failed (openssl)"
    openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem" 2>/dev/null
    chmod 600 "$tmp/private.pem"
    chmod 644 "$tmp/public.pem"
    mv "$tmp/private.pem" "$private"
    mv "$tmp/public.pem" "$public"
    rmdir "$tmp"
  done
}

# ---------------------------------------------------------------- the services

service_main() { echo "services/$1/src/main.ts"; }
service_exists() { [[ -f "$REPO_ROOT/$(service_main "$1")" ]]; }
service_probe() { http_ok "http://127.0.0.1:$(service_port "$1")/healthz"; }

# The wallet page's UI (services/web/ui, a Vite build) is built before web starts when its dist is missing
# or older than its sources; a checkout without the UI skips this and web answers / with a coded 503.
WEB_UI_DIR="services/web/ui"

web_ui_up_to_date() {
  local dist="$REPO_ROOT/$WEB_UI_DIR/dist/index.html"
  [[ -f "$dist" ]] || return 1
  [[ -z "$(find "$REPO_ROOT/$WEB_UI_DIR" -path "$REPO_ROOT/$WEB_UI_DIR/node_modules" -prune -o \
    -path "$REPO_ROOT/$WEB_UI_DIR/dist" -prune -o -type f -newer "$dist" -print -quit)" ]]
}

ensure_web_ui_built() {
  [[ -f "$REPO_ROOT/$WEB_UI_DIR/package.json" ]] || return 0
  web_ui_up_to_date && return 0
  step "building the wallet page's UI (npm run build -w @dbay/web-ui)"
  (cd "$REPO_ROOT" && npm run build -w @dbay/web-ui >>"$(log_file web-ui-build)" 2>&1) ||
    die "building the UI failed; see $(log_file web-ui-build)"
}

# Starts one service (not waiting for it). Its environment is the convention's plus whatever its optional
# services/<name>/stack.env.sh hook exports; the hook runs in the service's own subshell.
service_start() {
  local name="$1" hook="$REPO_ROOT/services/$1/stack.env.sh"
  ensure_port_free "$name" "$(service_port "$name")"
  ensure_port_free "$name" "$(service_metrics_port "$name")"
  [[ "$name" == web ]] && ensure_web_ui_built
  (
    export SERVICE_NAME="$name"
    export HTTP_PORT
    HTTP_PORT="$(service_port "$name")"
    export METRICS_PORT
    METRICS_PORT="$(service_metrics_port "$name")"
    export DATABASE_URL
    DATABASE_URL="$(service_database_url "$name")"
    export DB_SCHEMA
    DB_SCHEMA="$(service_schema "$name")"
    export KAFKA_BROKERS SCHEMA_REGISTRY_URL REDIS_URL DOGECOIN_RPC_URL DOGECOIN_RPC_USER \
      DOGECOIN_RPC_PASSWORD DOGECOIN_NETWORK LOG_LEVEL STACK_DIR STACK_SECRETS_DIR REPO_ROOT
    export_kafka_client_env "$name"
    if [[ -f "$hook" ]]; then
      # shellcheck disable=SC1090
      source "$hook" >>"$(log_file "$name")" 2>&1 || die "$name: its hook $hook failed; see $(log_file "$name")"
    fi
    launch "$name" "$REPO_ROOT" -- node --import tsx "$(service_main "$name")"
  ) || exit 1
}

services_up() {
  local name started=()
  for name in "${STACK_SERVICES[@]}"; do
    service_exists "$name" || continue
    if running_pid "$name" >/dev/null; then
      started+=("$name")
      continue
    fi
    step "starting $name on port $(service_port "$name")"
    service_start "$name"
    started+=("$name")
  done
  for name in "${started[@]}"; do
    wait_healthy "$name" service_probe "$name"
  done
}

service_restart() {
  local name="$1"
  service_exists "$name" || die "no such service: $name ($(service_main "$name") does not exist)"
  stop_part "$name"
  service_start "$name"
  wait_healthy "$name" service_probe "$name"
}
