/**
 * The wallet's configuration, validated once at boot (every variable documented in docs/wallet.md, Configuration).
 * Keys are read from files when a *_FILE variable is given, so secrets never sit in the environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig, serviceConfigShape } from '@dbay/platform';
import { parseKoinu } from '@dbay/money';

const koinu = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseKoinu(text);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: error instanceof Error ? error.message : 'not a koinu amount',
        });
        return z.NEVER;
      }
    });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

export function walletConfigSchema(env: Readonly<Record<string, string | undefined>> = process.env) {
  return z.object({
    ...serviceConfigShape('wallet', env),
    DOGECOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
    /** The account extended public key m/44'/3'/0' (or a file holding it; read on first use). */
    ACCOUNT_XPUB: z.string().optional(),
    ACCOUNT_XPUB_FILE: z.string().optional(),
    USER_JWT_PUBLIC_KEY: z.string().optional(),
    USER_JWT_PUBLIC_KEY_FILE: z.string().optional(),
    USER_JWT_ISSUER: z.string().min(1).default('dbay-auth'),
    USER_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet'),
    SERVICE_JWT_PUBLIC_KEY: z.string().optional(),
    SERVICE_JWT_PUBLIC_KEY_FILE: z.string().optional(),
    SERVICE_JWT_ISSUER: z.string().min(1).default('dbay-services'),
    SERVICE_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet-internal'),
    /** Service names (token subjects) allowed on the internal API. */
    INTERNAL_CALLERS: z
      .string()
      .default('order,withdrawal-saga,deposit-watcher,reconciler')
      .transform((list) =>
        list
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    /** 1 DOGE: well above Dogecoin's soft dust limit (0.01 DOGE) so no output is ever dust. */
    WITHDRAWAL_MINIMUM_KOINU: koinu('100000000'),
    /** 1 DOGE flat: covers a large multi-input transaction at the recommended 0.01 DOGE/kB. */
    WITHDRAWAL_NETWORK_FEE_KOINU: koinu('100000000'),
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
    DB_POOL_MAX: positiveInt(10),
    /** Off only for HTTP-only runs (a benchmark without Kafka): outbox rows then wait for a relay. */
    KAFKA_ENABLED: flag(true),
  });
}

export type WalletConfig = z.output<ReturnType<typeof walletConfigSchema>>;

export function loadWalletConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WalletConfig {
  return loadConfig(walletConfigSchema(env), env);
}

/** A PEM from the variable itself or from the file it names; throws naming the variable if neither. */
export function readKey(inline: string | undefined, file: string | undefined, variable: string): string {
  if (inline) return inline;
  if (file) return readFileSync(file, 'utf8');
  throw new Error(`${variable} or ${variable}_FILE must be set`);
}

/** The xpub, or undefined while the file the signer writes does not exist yet. */
export function xpubReader(config: WalletConfig): () => string | undefined {
  return () => {
    if (config.ACCOUNT_XPUB) return config.ACCOUNT_XPUB.trim();
    if (config.ACCOUNT_XPUB_FILE && existsSync(config.ACCOUNT_XPUB_FILE)) {
      return readFileSync(config.ACCOUNT_XPUB_FILE, 'utf8').trim() || undefined;
    }
    return undefined;
  };
}
