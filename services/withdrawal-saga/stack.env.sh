# Sourced by scripts/stack.sh before starting the withdrawal saga on the local stack. Every value can be
# overridden from the caller's environment (the e2e crash tests and the benchmark restart the service
# with their own), which is why each one is "${VAR:-default}".
# The account xpub is written by the signer's hook; the operator-token key pair by the stack itself
# (scripts/lib/parts.sh, ensure_jwt_keys): the review API is for operators, recorded by name.
export ACCOUNT_XPUB_FILE="${ACCOUNT_XPUB_FILE:-$STACK_SECRETS_DIR/account-xpub.txt}"
# The cold account's xpub, written by the signer's hook. No ceiling locally: the e2e test of sweeps sets
# HOT_WALLET_CEILING_KOINU when it restarts the saga, so other tests keep their hot coins.
export COLD_ACCOUNT_XPUB_FILE="${COLD_ACCOUNT_XPUB_FILE:-$STACK_SECRETS_DIR/cold-account-xpub.txt}"
export OPERATOR_JWT_PUBLIC_KEY_FILE="${OPERATOR_JWT_PUBLIC_KEY_FILE:-$STACK_SECRETS_DIR/operator-jwt-public.pem}"

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
# Watch confirmed withdrawals for deep reorganisations until 20 blocks deep (100 in production), so the
# e2e tests see the watch end after a few mined blocks.
export REORG_WATCH_CONFIRMATIONS="${REORG_WATCH_CONFIRMATIONS:-20}"
# Bump a stuck withdrawal transaction after 2 blocks (10 in production), so the e2e test of
# child-pays-for-parent needs only a few mined blocks.
export FEE_BUMP_AFTER_BLOCKS="${FEE_BUMP_AFTER_BLOCKS:-2}"
