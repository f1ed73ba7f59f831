# Sourced by `npm run stack:up` before it starts the wallet (bash; STACK_SECRETS_DIR is set). The stack
# creates the JWT key pairs (scripts/lib/parts.sh, ensure_jwt_keys); the wallet gets the PUBLIC halves
# only: the user-token key (what an identity provider signs user tokens with) and the service-token key
# (what services sign their calls to /internal with).
: "${STACK_SECRETS_DIR:?STACK_SECRETS_DIR must be set}"
export USER_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/user-jwt-public.pem"
export SERVICE_JWT_PUBLIC_KEY_FILE="$STACK_SECRETS_DIR/service-jwt-public.pem"
# Written by the signer's wallet creation; the wallet reads it on first use, so start order does not matter.
export ACCOUNT_XPUB_FILE="$STACK_SECRETS_DIR/account-xpub.txt"
# The cold account's xpub, written by the signer's hook with the account's (the saga sweeps there): a
# withdrawal to one of its receive addresses is refused (services/wallet/test/own-address.int.spec.ts).
export COLD_ACCOUNT_XPUB_FILE="$STACK_SECRETS_DIR/cold-account-xpub.txt"
export DOGECOIN_NETWORK="${DOGECOIN_NETWORK:-regtest}"
# A stand-in for an address the platform controls outside its BIP44 tree (a cold wallet): the P2PKH
# address of twenty 0x5a bytes on regtest, which no key of the stack has. A withdrawal to it is refused
# (docs/wallet.md); services/wallet/test/own-address.int.spec.ts relies on it.
export PLATFORM_RESERVED_ADDRESSES="${PLATFORM_RESERVED_ADDRESSES:-mokhM9inegFGeyHpj52nQj8fNwH6eoBxT6}"
