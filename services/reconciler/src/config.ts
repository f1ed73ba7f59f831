/**
 * The reconciler's configuration, validated at boot. It reads the other services' schemas through its
 * read-only role (DATABASE_URL is dbay_reconciler) and the chain through the node's RPC; the RPC
 * password may come from a file (DOGECOIN_RPC_PASSWORD_FILE) so it never sits in the environment.
 */
import { z } from 'zod';
import {
  configPieces,
  loadConfig,
  secretVariables,
  serviceConfigShape,
  type PlatformConfigShape,
} from '@dbay/platform';
import { dogecoinRpcConfigShape, requireDogecoinRpcCredentials } from '@dbay/chain-rpc';

type Environment = Readonly<Record<string, string | undefined>>;

const DAY_MS = 86_400_000;

/** The reconciler's whole environment, on the platform's shape. */
export function reconcilerConfig(platform: PlatformConfigShape) {
  return z
    .object({
      ...platform,
      WALLET_SCHEMA: configPieces.schemaName.default('wallet'),
      DEPOSIT_WATCHER_SCHEMA: configPieces.schemaName.default('deposit_watcher'),
      WITHDRAWAL_SAGA_SCHEMA: configPieces.schemaName.default('withdrawal_saga'),
      ORDER_SCHEMA: configPieces.schemaName.default('order'),
      /** Off for a ledger-only run (no node reachable): the two chain checks are then skipped and reported so. */
      CHAIN_CHECKS: z
        .enum(['true', 'false'])
        .default('true')
        .transform((value) => value === 'true'),
      /** The node, as every service reaches it (@dbay/chain-rpc); only needed with CHAIN_CHECKS. */
      ...dogecoinRpcConfigShape,
      /**
       * Work in flight between two services (an event one side produced and the other has not applied
       * yet) is not a finding while either side changed less than this long ago.
       */
      RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(0).default(300),
      /** Serve mode (local stack): how often to run. The production CronJob runs `--once` daily instead. */
      RECONCILE_INTERVAL_MS: z.coerce.number().int().positive().default(DAY_MS),
      /** The chain's parameters, for the addresses of the coins a reserves snapshot lists. */
      DOGECOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
      /** Serve mode: how often a proof-of-reserves snapshot is published (docs/reserves.md). Daily. */
      RESERVES_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().positive().default(DAY_MS),
      /**
       * Serve mode: the user tokens' public key (SPKI PEM, ES256), issuer and audience, the wallet's own,
       * so a user fetches their proof of reserves with the token they use everywhere. Not needed by the
       * one-shot jobs.
       */
      ...secretVariables('USER_JWT_PUBLIC_KEY'),
      USER_JWT_ISSUER: z.string().min(1).default('dbay-auth'),
      USER_JWT_AUDIENCE: z.string().min(1).default('dbay-wallet'),
      /** Where the one-shot run writes its JSON report; stdout when unset. */
      REPORT_FILE: z.string().optional(),
      /** A Prometheus Pushgateway for the one-shot run's metrics (a CronJob pod is gone before a scrape). */
      PUSHGATEWAY_URL: z.url().optional(),
    })
    .superRefine((config, context) => {
      if (config.CHAIN_CHECKS) requireDogecoinRpcCredentials(config, context);
    });
}

export type ReconcilerConfig = z.output<ReturnType<typeof reconcilerConfig>>;

export function loadReconcilerConfig(env: Environment = process.env): ReconcilerConfig {
  return loadConfig(reconcilerConfig(serviceConfigShape('reconciler', env)), env);
}
