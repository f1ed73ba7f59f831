#!/bin/sh
# Writes the local overlay's secrets/ (git-ignored) from the same secrets docker-compose.yml uses,
# so both local runtimes share one set: the repository's .env and the signer's key file and
# passphrase in docker/secrets/, all of which docker/generate-env.sh creates. The cold account is the
# one docker/generate-env.sh made for Compose: its xpub (COLD_ACCOUNT_XPUB in .env) alone is copied;
# its key file and passphrase (docker/secrets/cold.*) never enter secrets/ nor the cluster.
#   k8s/overlays/local/generate-secrets.sh [path/to/.env] [path/to/docker/secrets]
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
env_file="${1:-$here/../../../.env}"
signer_secrets="${2:-$here/../../../docker/secrets}"
out="$here/secrets"

if [ ! -f "$env_file" ]; then
  echo "no $env_file: run docker/generate-env.sh first" >&2
  exit 1
fi
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a

url() { # role password
  echo "postgres://dbay_$1:$2@postgres:5432/dbay"
}

umask 077
mkdir -p "$out"
cat > "$out/postgres.env" <<ENV
POSTGRES_PASSWORD=$POSTGRES_PASSWORD
DBAY_WALLET_DB_PASSWORD=$DBAY_WALLET_DB_PASSWORD
DBAY_WALLET_OWNER_DB_PASSWORD=$DBAY_WALLET_OWNER_DB_PASSWORD
DBAY_ORDER_DB_PASSWORD=$DBAY_ORDER_DB_PASSWORD
DBAY_ORDER_OWNER_DB_PASSWORD=$DBAY_ORDER_OWNER_DB_PASSWORD
DBAY_DEPOSIT_WATCHER_DB_PASSWORD=$DBAY_DEPOSIT_WATCHER_DB_PASSWORD
DBAY_DEPOSIT_WATCHER_OWNER_DB_PASSWORD=$DBAY_DEPOSIT_WATCHER_OWNER_DB_PASSWORD
DBAY_WITHDRAWAL_SAGA_DB_PASSWORD=$DBAY_WITHDRAWAL_SAGA_DB_PASSWORD
DBAY_WITHDRAWAL_SAGA_OWNER_DB_PASSWORD=$DBAY_WITHDRAWAL_SAGA_OWNER_DB_PASSWORD
DBAY_SIGNER_DB_PASSWORD=$DBAY_SIGNER_DB_PASSWORD
DBAY_SIGNER_OWNER_DB_PASSWORD=$DBAY_SIGNER_OWNER_DB_PASSWORD
DBAY_RECONCILER_DB_PASSWORD=$DBAY_RECONCILER_DB_PASSWORD
DBAY_RECONCILER_OWNER_DB_PASSWORD=$DBAY_RECONCILER_OWNER_DB_PASSWORD
APICURIO_DB_PASSWORD=$APICURIO_DB_PASSWORD
ENV
echo "APICURIO_DATASOURCE_PASSWORD=$APICURIO_DB_PASSWORD" > "$out/schema-registry.env"
echo "REDIS_PASSWORD=$REDIS_PASSWORD" > "$out/redis.env"
rpc="DOGECOIN_RPC_USER=$DOGECOIN_RPC_USER
DOGECOIN_RPC_PASSWORD=$DOGECOIN_RPC_PASSWORD"
echo "$rpc" > "$out/dogecoind.env"
cat > "$out/wallet.env" <<ENV
DATABASE_URL=$(url wallet "$DBAY_WALLET_DB_PASSWORD")
REDIS_URL=redis://:$REDIS_PASSWORD@redis:6379
ACCOUNT_XPUB=$ACCOUNT_XPUB
ENV
echo "DATABASE_URL=$(url order "$DBAY_ORDER_DB_PASSWORD")" > "$out/order.env"
# web has no database; it needs only the identity provider's public key (no private key: no dev login).
echo "# USER_JWT_PUBLIC_KEY=<the identity provider's public key>" > "$out/web.env"
printf 'DATABASE_URL=%s\n%s\n' "$(url deposit_watcher "$DBAY_DEPOSIT_WATCHER_DB_PASSWORD")" "$rpc" > "$out/deposit-watcher.env"
printf 'DATABASE_URL=%s\n%s\nACCOUNT_XPUB=%s\n' "$(url withdrawal_saga "$DBAY_WITHDRAWAL_SAGA_DB_PASSWORD")" "$rpc" "$ACCOUNT_XPUB" \
  > "$out/withdrawal-saga.env"
printf 'DATABASE_URL=%s\n%s\n' "$(url reconciler "$DBAY_RECONCILER_DB_PASSWORD")" "$rpc" > "$out/reconciler.env"
echo "DATABASE_URL=$(url signer "$DBAY_SIGNER_DB_PASSWORD")" > "$out/signer-database.env"
cat > "$out/migrations.env" <<ENV
DATABASE_URL_WALLET=$(url wallet_owner "$DBAY_WALLET_OWNER_DB_PASSWORD")
DATABASE_URL_ORDER=$(url order_owner "$DBAY_ORDER_OWNER_DB_PASSWORD")
DATABASE_URL_DEPOSIT_WATCHER=$(url deposit_watcher_owner "$DBAY_DEPOSIT_WATCHER_OWNER_DB_PASSWORD")
DATABASE_URL_WITHDRAWAL_SAGA=$(url withdrawal_saga_owner "$DBAY_WITHDRAWAL_SAGA_OWNER_DB_PASSWORD")
DATABASE_URL_SIGNER=$(url signer_owner "$DBAY_SIGNER_OWNER_DB_PASSWORD")
DATABASE_URL_RECONCILER=$(url reconciler_owner "$DBAY_RECONCILER_OWNER_DB_PASSWORD")
ENV
# Each Kafka principal's password alone in a file, which the overlay makes into the Secret
# kafka-<principal> (key password).
for principal in admin wallet order web deposit-watcher withdrawal-saga signer reconciler; do
  variable="KAFKA_$(echo "$principal" | tr '[:lower:]-' '[:upper:]_')_PASSWORD"
  password="$(printenv "$variable" || true)"
  if [ -z "$password" ]; then
    echo "no $variable in $env_file: run docker/generate-env.sh (it adds the missing ones)" >&2
    exit 1
  fi
  printf '%s' "$password" > "$out/kafka-$principal.password"
done
# The cold account's xpub alone, which the overlay makes into the Secret dbay-cold-account-xpub (key
# xpub) that the saga and the signer read.
if [ -z "${COLD_ACCOUNT_XPUB:-}" ]; then
  echo "no COLD_ACCOUNT_XPUB in $env_file: run docker/generate-env.sh (it adds it to an older .env)" >&2
  exit 1
fi
printf '%s' "$COLD_ACCOUNT_XPUB" > "$out/cold-account.xpub"
for file in signer.key.json signer.passphrase; do
  if [ ! -f "$signer_secrets/$file" ]; then
    echo "no $signer_secrets/$file: run docker/generate-env.sh first" >&2
    exit 1
  fi
  cp "$signer_secrets/$file" "$out/$file"
done
echo "wrote $out"
