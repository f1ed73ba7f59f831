/**
 * The wallet's configuration, validated once at boot (every variable documented in docs/wallet.md, Configuration).
 * Keys are read from files when a *_FILE variable is given, so secrets never sit in the environment.
 */
import { z } from 'zod';
import { configPieces, readSecret, secretVariables, type PlatformConfigShape } from '@dbay/platform';

const { koinu, positiveInt, flag, list } = configPieces;

/** The wallet's variables on top of the platform's (CONVENTIONS.md). */
export function walletConfig(platform: PlatformConfigShape) {
  return z.object({
    ...platform,
    DOGECOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
    /** The account extended public key m/44'/3'/0' (or a file holding it; read on first use). */
    ...secretVariables('ACCOUNT_XPUB'),
    /**
     * The cold account's xpub (the saga's COLD_ACCOUNT_XPUB): a withdrawal to one of its first
     * OWN_ADDRESS_LOOKAHEAD receive addresses is refused. Unset where there is no cold storage.
     */
    ...secretVariables('COLD_ACCOUNT_XPUB'),
    ...secretVariables('USER_JWT_PUBLIC_KEY'),
    USER_JWT_ISSUER: z.string().min(1).default('dbay-auth'),
    USER_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet'),
    ...secretVariables('SERVICE_JWT_PUBLIC_KEY'),
    SERVICE_JWT_ISSUER: z.string().min(1).default('dbay-services'),
    SERVICE_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet-internal'),
    /** Service names (token subjects) allowed on the internal API: only its real callers. */
    INTERNAL_CALLERS: list('order').refine((callers) => callers.length > 0, 'at least one caller'),
    /**
     * `command:service` pairs: who may send each money command over /internal (reads are open to every
     * INTERNAL_CALLERS service). Only the order service's real HTTP calls by default: it asks for bid locks
     * over HTTP and sends every escrow command over Kafka, where the topic ACLs name it. A command with no
     * pair answers 403 to everyone.
     */
    INTERNAL_COMMAND_CALLERS: list('bid-lock:order,bid-unlock:order')
      .refine(
        (pairs) => pairs.every((pair) => /^[a-z-]+:[a-z][a-z-]*$/.test(pair)),
        'expected command:service pairs',
      )
      .transform((pairs) => pairs.map((pair) => pair.split(':') as [string, string])),
    /** 1 DOGE: well above Dogecoin's soft dust limit (0.01 DOGE) so no output is ever dust. */
    WITHDRAWAL_MINIMUM_KOINU: koinu({ fallback: 100_000_000n, minKoinu: 1n }),
    /** 1 DOGE flat: covers a large multi-input transaction at the recommended 0.01 DOGE/kB. */
    WITHDRAWAL_NETWORK_FEE_KOINU: koinu({ fallback: 100_000_000n }),
    GROUP_COMMIT_MAX_BATCH: positiveInt(200),
    GROUP_COMMIT_MAX_QUEUE: positiveInt(20_000),
    /**
     * Batches in flight at once (each on its own connection, never two on the same wallet). 1 by
     * default: on 2 CPUs more batches only made them smaller (docs/wallet.md, Benchmark); more helps
     * when the database, not the wallet's CPU, is the limit, and keeps one stalled batch from holding up
     * unrelated wallets.
     */
    GROUP_COMMIT_CONCURRENCY: positiveInt(1),
    /**
     * Partitions whose message batches the Kafka consumer applies at once (each batch one transaction
     * on its own connection; the redis and row locks keep batches on one wallet apart).
     */
    CONSUMER_PARTITIONS_CONCURRENTLY: positiveInt(1),
    WALLET_LOCK_TTL_MS: positiveInt(10_000),
    WALLET_LOCK_RETRY_COUNT: z.coerce.number().int().min(0).default(20),
    WALLET_LOCK_RETRY_DELAY_MS: positiveInt(25),
    /**
     * Addresses the platform controls outside the account's BIP44 tree (cold wallet, sweep addresses),
     * comma-separated: a withdrawal to one is refused (docs/wallet.md). Each must be valid for the network.
     */
    PLATFORM_RESERVED_ADDRESSES: list(''),
    /**
     * Receive and change indexes 0 .. N-1 of the account xpub that a withdrawal may not pay (the saga's
     * change and unassigned deposit addresses; assigned deposit addresses are refused at any index).
     */
    OWN_ADDRESS_LOOKAHEAD: positiveInt(1_000),
    /** Off only for HTTP-only runs (a benchmark without Kafka): outbox rows then wait for a relay. */
    KAFKA_ENABLED: flag(true),
  });
}

export type WalletConfig = z.output<ReturnType<typeof walletConfig>>;

/** The xpub, or undefined while the file the signer writes does not exist yet (or, cold, none is set). */
export function xpubReader(
  config: WalletConfig,
  name: 'ACCOUNT_XPUB' | 'COLD_ACCOUNT_XPUB' = 'ACCOUNT_XPUB',
): () => string | undefined {
  return () => {
    try {
      return readSecret(config, name);
    } catch {
      return undefined;
    }
  };
}
