# Sourced by scripts/stack.sh before it starts the deposit watcher on the local stack (bash, in the
# service's own subshell). The convention's variables (HTTP_PORT, DATABASE_URL, KAFKA_BROKERS,
# DOGECOIN_RPC_URL/USER/PASSWORD, DOGECOIN_NETWORK, ...) are already exported; this adds the
# watcher's own settings for a fast local loop. Production keeps the defaults of src/config.ts.

# Poll the simulator every 200 ms instead of the seed's 30 s.
export DEPOSIT_POLL_INTERVAL_MS="${DEPOSIT_POLL_INTERVAL_MS:-200}"
# Try the node again 2 s after the breaker opened (30 s in production), over a 5 s window.
export DOGECOIN_RPC_BREAKER_RESET_MS="${DOGECOIN_RPC_BREAKER_RESET_MS:-2000}"
export DOGECOIN_RPC_BREAKER_WINDOW_MS="${DOGECOIN_RPC_BREAKER_WINDOW_MS:-5000}"
export DOGECOIN_RPC_TIMEOUT_MS="${DOGECOIN_RPC_TIMEOUT_MS:-3000}"
# The local chain is young and reorged on purpose by tests: scan it from genesis.
export DEPOSIT_START_HEIGHT="${DEPOSIT_START_HEIGHT:-0}"
# The password file the stack generated, when the convention's variable is not set.
if [[ -z "${DOGECOIN_RPC_PASSWORD:-}" && -f "${STACK_SECRETS_DIR:-}/dogecoin-rpc-password" ]]; then
  DOGECOIN_RPC_PASSWORD="$(cat "$STACK_SECRETS_DIR/dogecoin-rpc-password")"
  export DOGECOIN_RPC_PASSWORD
fi
