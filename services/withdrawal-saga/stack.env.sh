# Sourced by scripts/stack.sh before starting the withdrawal saga on the local stack. Every value can be
# overridden from the caller's environment (the e2e crash tests and the benchmark restart the service
# with their own), which is why each one is "${VAR:-default}".
# The account xpub is written by the signer's hook; the service-token public key by the wallet's hook (one key pair for every internal API).
export ACCOUNT_XPUB_FILE="${ACCOUNT_XPUB_FILE:-$STACK_SECRETS_DIR/account-xpub.txt}"
# The wallet's hook creates the service-token key pair; when the saga starts first, create it the same
# way (same files, same lock, atomic moves), so whichever hook runs first makes the one pair.
saga_make_service_jwt_keys() {
  local private="$STACK_SECRETS_DIR/service-jwt-private.pem" public="$STACK_SECRETS_DIR/service-jwt-public.pem"
  mkdir -p "$STACK_SECRETS_DIR"
  (
    flock 9
    if [ ! -s "$private" ] || [ ! -s "$public" ]; then
      local tmp
      tmp=$(mktemp -d "$STACK_SECRETS_DIR/.keygen.XXXXXX")
      (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/private.pem" 2>/dev/null)
      openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem" 2>/dev/null
      chmod 600 "$tmp/private.pem"
      chmod 644 "$tmp/public.pem"
      mv "$tmp/private.pem" "$private"
      mv "$tmp/public.pem" "$public"
      rmdir "$tmp"
    fi
  ) 9>"$STACK_SECRETS_DIR/.service-jwt.lock"
}
if [[ -z "${SERVICE_JWT_PUBLIC_KEY_FILE:-}" ]]; then
  saga_make_service_jwt_keys
  export SERVICE_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/service-jwt-public.pem"
fi
unset -f saga_make_service_jwt_keys

# Local policy: short waits so the e2e tests and the benchmark run in seconds, thresholds the e2e
# tests can trip on purpose (a 1,000 DOGE withdrawal is held for review).
export FRAUD_SINGLE_AMOUNT_HOLD_KOINU="${FRAUD_SINGLE_AMOUNT_HOLD_KOINU:-100000000000}"
export FRAUD_NEW_DESTINATION_COOLDOWN_MS="${FRAUD_NEW_DESTINATION_COOLDOWN_MS:-1000}"
export FRAUD_VELOCITY_MAX_COUNT="${FRAUD_VELOCITY_MAX_COUNT:-100000}"
export FRAUD_VELOCITY_MAX_AMOUNT_KOINU="${FRAUD_VELOCITY_MAX_AMOUNT_KOINU:-100000000000000}"
export FRAUD_PLATFORM_DAILY_CAP_KOINU="${FRAUD_PLATFORM_DAILY_CAP_KOINU:-1000000000000000}"
export BATCH_WINDOW_MS="${BATCH_WINDOW_MS:-300}"
export BATCH_TICK_MS="${BATCH_TICK_MS:-200}"
export BROADCAST_TICK_MS="${BROADCAST_TICK_MS:-200}"
export TRACK_TICK_MS="${TRACK_TICK_MS:-500}"
export DROP_CONFIRMATION_CHECKS="${DROP_CONFIRMATION_CHECKS:-3}"
# Try the node again 15 s after the breaker opened (30 s by default), as the saga always has locally.
export DOGECOIN_RPC_BREAKER_RESET_MS="${DOGECOIN_RPC_BREAKER_RESET_MS:-15000}"
# The crash tests SIGKILL the saga; a short Kafka session lets the restarted process take its
# partitions back in seconds instead of waiting out a dead member for 30 s.
export KAFKA_SESSION_TIMEOUT_MS="${KAFKA_SESSION_TIMEOUT_MS:-8000}"
export KAFKA_HEARTBEAT_INTERVAL_MS="${KAFKA_HEARTBEAT_INTERVAL_MS:-1000}"
if [[ -n "${SAGA_CRASH_AT:-}" ]]; then export SAGA_CRASH_AT; fi
if [[ -n "${SAGA_CRASH_FOR_ADDRESS:-}" ]]; then export SAGA_CRASH_FOR_ADDRESS; fi
