# Sourced by `npm run stack:up` before it starts the wallet (bash; STACK_DIR is set).
# Creates the local JWT key pairs once, in $STACK_DIR/secrets, and points the wallet at the PUBLIC
# halves only: the user-token issuer key (what an auth service would sign user tokens with) and the
# service-token key (what services sign their calls to /internal with). Tests and the benchmark mint
# tokens from the private halves. ES256 (P-256), the algorithm the wallet pins.
: "${STACK_DIR:?STACK_DIR must be set}"
wallet_secrets="$STACK_DIR/secrets"
mkdir -p "$wallet_secrets"
chmod 700 "$wallet_secrets"

wallet_make_key_pair() {
  local name="$1" private="$wallet_secrets/$1-private.pem" public="$wallet_secrets/$1-public.pem"
  (
    # Other services' hooks may want the same keys at the same time: one creator, atomic files.
    flock 9
    if [ ! -s "$private" ] || [ ! -s "$public" ]; then
      local tmp
      tmp=$(mktemp -d "$wallet_secrets/.keygen.XXXXXX")
      (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/private.pem" 2>/dev/null)
      openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem" 2>/dev/null
      chmod 600 "$tmp/private.pem"
      chmod 644 "$tmp/public.pem"
      mv "$tmp/private.pem" "$private"
      mv "$tmp/public.pem" "$public"
      rmdir "$tmp"
    fi
  ) 9>"$wallet_secrets/.$name.lock"
}

wallet_make_key_pair user-jwt
wallet_make_key_pair service-jwt

export USER_JWT_PUBLIC_KEY_FILE="$wallet_secrets/user-jwt-public.pem"
export SERVICE_JWT_PUBLIC_KEY_FILE="$wallet_secrets/service-jwt-public.pem"
# Written by the signer's wallet creation; the wallet reads it on first use, so start order does not matter.
export ACCOUNT_XPUB_FILE="$wallet_secrets/account-xpub.txt"
export DOGECOIN_NETWORK="${DOGECOIN_NETWORK:-regtest}"
unset -f wallet_make_key_pair
unset wallet_secrets
