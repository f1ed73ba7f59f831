# Sourced by `npm run stack:up` before it starts web (bash; STACK_SECRETS_DIR is set). The stack creates
# the JWT key pairs (scripts/lib/parts.sh, ensure_jwt_keys). Web verifies user tokens with the public
# half; on this development stack only, it also gets the PRIVATE half and WEB_DEV_LOGIN=true, so
# POST /dev/login can sign tokens as an identity provider would. Production (docker-compose, k8s/) sets
# neither, and the route does not exist there.
: "${STACK_SECRETS_DIR:?STACK_SECRETS_DIR must be set}"
export USER_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/user-jwt-public.pem"
export USER_JWT_PRIVATE_KEY_FILE="$STACK_SECRETS_DIR/user-jwt-private.pem"
export WEB_DEV_LOGIN="${WEB_DEV_LOGIN:-true}"
export DOGECOIN_NETWORK="${DOGECOIN_NETWORK:-regtest}"
# The APIs it forwards, where this stack runs them.
export WALLET_URL="http://127.0.0.1:$(service_port wallet)"
export ORDER_URL="http://127.0.0.1:$(service_port order)"
