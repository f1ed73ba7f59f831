# Sourced by scripts/stack.sh before it starts the reconciler (bash; STACK_SECRETS_DIR is set). The
# reconciler serves the users' proof-of-reserves API (docs/reserves.md) with the user tokens' public
# key, the same one the wallet and the order service verify.
: "${STACK_SECRETS_DIR:?STACK_SECRETS_DIR must be set}"
export USER_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/user-jwt-public.pem"
