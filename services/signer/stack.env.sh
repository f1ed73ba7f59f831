# shellcheck shell=bash
# Sourced by scripts/stack.sh in the signer's own subshell before it starts the signer. On the first
# run it creates a throwaway regtest wallet: a random passphrase and the encrypted key file in
# $STACK_SECRETS_DIR (mode 600), and the account xpub in $STACK_SECRETS_DIR/account-xpub.txt (public:
# the wallet and the saga read it). Later runs reuse them. Then it exports the signer's settings.
# The mnemonic of this wallet is never shown: the key file is its only copy (regtest coins only).

signer_network="${DOGECOIN_NETWORK:-regtest}"
signer_key_file="$STACK_SECRETS_DIR/signer-wallet.key.json"
signer_passphrase_file="$STACK_SECRETS_DIR/signer-key-passphrase"
signer_xpub_file="$STACK_SECRETS_DIR/account-xpub.txt"
signer_cli=(node --import tsx "$REPO_ROOT/services/signer/src/cli.ts")

if [[ "$signer_network" == mainnet ]]; then
  echo "signer stack.env.sh: refusing to create a wallet for mainnet; the local stack is regtest only" >&2
  return 1
fi

mkdir -p "$STACK_SECRETS_DIR"
chmod 700 "$STACK_SECRETS_DIR"

if [[ ! -s "$signer_passphrase_file" ]]; then
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$signer_passphrase_file")
fi

if [[ ! -s "$signer_key_file" ]]; then
  (cd "$REPO_ROOT" && "${signer_cli[@]}" create --network "$signer_network" --key-file "$signer_key_file" \
    --passphrase-file "$signer_passphrase_file" --xpub-file "$signer_xpub_file" --no-show-mnemonic) || return 1
fi

if [[ ! -s "$signer_xpub_file" ]]; then
  # The key file exists but the xpub file was lost: decrypting proves the passphrase still fits.
  (cd "$REPO_ROOT" && "${signer_cli[@]}" verify --key-file "$signer_key_file" --passphrase-file "$signer_passphrase_file" \
    >"$signer_xpub_file.tmp") || return 1
  mv "$signer_xpub_file.tmp" "$signer_xpub_file"
fi
chmod 600 "$signer_key_file" "$signer_passphrase_file"
chmod 644 "$signer_xpub_file"

# The cold account stands in for an offline wallet: its key file sits beside the others only so an
# operator can rehearse a refill by hand on this regtest stack; no service ever reads it. Services get
# its xpub alone (cold-account-xpub.txt): the signer to check sweeps, the saga to derive cold addresses.
cold_key_file="$STACK_SECRETS_DIR/cold-wallet.key.json"
cold_passphrase_file="$STACK_SECRETS_DIR/cold-key-passphrase"
cold_xpub_file="$STACK_SECRETS_DIR/cold-account-xpub.txt"
if [[ ! -s "$cold_passphrase_file" ]]; then
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$cold_passphrase_file")
fi
if [[ ! -s "$cold_key_file" || ! -s "$cold_xpub_file" ]]; then
  rm -f "$cold_key_file" "$cold_xpub_file"
  (cd "$REPO_ROOT" && "${signer_cli[@]}" create --network "$signer_network" --key-file "$cold_key_file" \
    --passphrase-file "$cold_passphrase_file" --xpub-file "$cold_xpub_file" --no-show-mnemonic) || return 1
fi
chmod 600 "$cold_key_file" "$cold_passphrase_file"
chmod 644 "$cold_xpub_file"

export SIGNER_SECRET_PROVIDER=key-file
export SIGNER_KEY_FILE="$signer_key_file"
export SIGNER_KEY_PASSPHRASE_FILE="$signer_passphrase_file"
export SIGNER_ACCOUNT_XPUB
SIGNER_ACCOUNT_XPUB="$(tr -d ' \n' <"$signer_xpub_file")"
export SIGNER_COLD_ACCOUNT_XPUB
SIGNER_COLD_ACCOUNT_XPUB="$(tr -d ' \n' <"$cold_xpub_file")"
export DOGECOIN_NETWORK="$signer_network"
# Caps for the local stack (koinu); the environment may override them.
export SIGNER_MAX_WITHDRAWAL_KOINU="${SIGNER_MAX_WITHDRAWAL_KOINU:-10000000000000}" # 100,000 DOGE
export SIGNER_DAILY_CAP_KOINU="${SIGNER_DAILY_CAP_KOINU:-100000000000000}"         # 1,000,000 DOGE
export SIGNER_MAX_FEE_KOINU="${SIGNER_MAX_FEE_KOINU:-1000000000}"                  # 10 DOGE
export SIGNER_MAX_FEE_RATE_KOINU_PER_BYTE="${SIGNER_MAX_FEE_RATE_KOINU_PER_BYTE:-2000}"

unset signer_network signer_key_file signer_passphrase_file signer_xpub_file signer_cli
unset cold_key_file cold_passphrase_file cold_xpub_file
