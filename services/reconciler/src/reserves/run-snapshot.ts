/**
 * Composes one proof-of-reserves snapshot from the reconciler's configuration: its database (the
 * read-only role for the wallet's and the saga's tables, its own schema for the snapshot) and a node
 * client for this snapshot alone.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createDogecoinRpcClient } from '@dbay/chain-rpc';
import { createSources } from '../adapters/sources.js';
import type { ReconcilerConfig } from '../config.js';
import { takeReservesSnapshot, type SnapshotSummary } from './take-snapshot.js';

export async function runReservesSnapshot(
  knex: Knex,
  config: ReconcilerConfig,
  logger: Logger,
): Promise<SnapshotSummary> {
  const chain = createDogecoinRpcClient(config);
  try {
    const sources = createSources(knex, {
      wallet: config.WALLET_SCHEMA,
      depositWatcher: config.DEPOSIT_WATCHER_SCHEMA,
      withdrawalSaga: config.WITHDRAWAL_SAGA_SCHEMA,
      order: config.ORDER_SCHEMA,
    });
    return await takeReservesSnapshot({
      knex,
      walletSchema: config.WALLET_SCHEMA,
      crossService: sources.crossService,
      chain,
      network: config.DOGECOIN_NETWORK,
      logger,
    });
  } finally {
    chain.shutdown();
  }
}
