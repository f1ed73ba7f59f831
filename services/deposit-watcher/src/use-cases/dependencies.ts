/**
 * What the watcher's use cases work with. One object, built in main.ts, so each use case reads as
 * its story: fetch from the node, decide with the domain, commit state and events together.
 */
import type { Knex } from 'knex';
import type { Logger } from '@dbay/platform';
import type { DogecoinNode } from '../adapters/rpc/dogecoin-node.js';
import type { WatcherMetrics } from '../adapters/watcher-metrics.js';
import type { WatchedHashes } from '../adapters/db/watched-addresses.js';

export interface ScanSettings {
  network: string;
  requiredConfirmations: number;
  mempoolDropPolls: number;
  maxBlocksPerPoll: number;
  blockPrefetch: number;
  mempoolFetchLimit: number;
  backfillMarginMs: number;
}

export interface ScanDependencies {
  knex: Knex;
  node: DogecoinNode;
  logger: Logger;
  metrics: WatcherMetrics;
  settings: ScanSettings;
  now: () => Date;
  /** The watched hashes in memory, refreshed before each block is matched. */
  watchedHashes: WatchedHashes;
}

/** Concurrent RPC calls a use case keeps in flight when it fetches many things at once. */
export const RPC_FETCH_CONCURRENCY = 8;

/** Maps with at most `concurrency` promises pending, keeping the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
