# Sourced by scripts/stack.sh before it starts the order service (bash; STACK_SECRETS_DIR is set). The
# stack creates the JWT key pairs (scripts/lib/parts.sh, ensure_jwt_keys); the order service gets the
# public halves of the user-token and operator-token keys. A development stack may move the service's
# clock (POST /ops/dev/clock), so tests make days pass in a second; production never sets it.
: "${STACK_SECRETS_DIR:?STACK_SECRETS_DIR must be set}"
export USER_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/user-jwt-public.pem"
export OPERATOR_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/operator-jwt-public.pem"
export ORDER_DEV_CLOCK="${ORDER_DEV_CLOCK:-true}"
export ORDER_TIMER_POLL_MS="${ORDER_TIMER_POLL_MS:-250}"
# Crash tests kill the service; a short Kafka session lets the restarted process consume again at once.
export KAFKA_SESSION_TIMEOUT_MS="${KAFKA_SESSION_TIMEOUT_MS:-8000}"
export KAFKA_HEARTBEAT_INTERVAL_MS="${KAFKA_HEARTBEAT_INTERVAL_MS:-1000}"
# The order service asks the wallet for bid locks over its internal API, signing its own service tokens.
export SERVICE_JWT_PRIVATE_KEY_FILE="$STACK_SECRETS_DIR/service-jwt-private.pem"
