/**
 * The deposit watcher's configuration, validated once at boot (a bad value stops the service with
 * the variable's name). Every limit the watcher works with is here, by name, with its default.
 */
import { z } from 'zod';
import type { PlatformConfigShape } from '@dbay/platform';
import { DEFAULT_CONFIRMATION_DEPTH, NETWORK_NAMES, type NetworkName } from '@dbay/dogecoin';
import { dogecoinRpcConfigShape, requireDogecoinRpcCredentials } from '@dbay/chain-rpc';

const positiveInt = z.coerce.number().int().positive();

/** The deposit watcher's whole environment, on the platform's shape. */
export function depositWatcherConfig(platform: PlatformConfigShape) {
  return z
    .object({
      ...platform,

      /** The node: endpoint, credentials, timeout and circuit breaker, as every service reaches it. */
      ...dogecoinRpcConfigShape,
      /** Which chain the addresses belong to; deposit-address.assigned for another network is refused. */
      DOGECOIN_NETWORK: z.enum(NETWORK_NAMES as [NetworkName, ...NetworkName[]]).default('regtest'),

      /** Poll the node this often (the seed's 30 s; the local stack polls every few hundred ms). */
      DEPOSIT_POLL_INTERVAL_MS: positiveInt.default(30_000),
      /** A deposit is confirmed (and credited) when its block is this deep: the tip block counts as 1. */
      DEPOSIT_CONFIRMATIONS: positiveInt.default(DEFAULT_CONFIRMATION_DEPTH),
      /**
       * A detected deposit found in neither the chain nor the mempool for this many complete polls in a
       * row is reversed. At least 2, so a transaction mined between our block scan and our mempool
       * listing is never reversed by mistake.
       */
      DEPOSIT_MEMPOOL_DROP_POLLS: z.coerce.number().int().min(2).default(3),
      /** Height of the first block to scan on a fresh database (later starts resume from the stored tip). */
      DEPOSIT_START_HEIGHT: z.coerce.number().int().min(0).default(0),
      /** Blocks connected per poll at most, so a long catch-up still lists the mempool and stops promptly. */
      DEPOSIT_MAX_BLOCKS_PER_POLL: positiveInt.default(500),
      /**
       * How blocks are read: `raw` (getblock <hash> 0, decoded here, falling back to the JSON for a block
       * whose bytes cannot be decoded) or `json` (getblock <hash> 2 only).
       */
      DEPOSIT_BLOCK_FORMAT: z.enum(['raw', 'json']).default('raw'),
      /**
       * Where raw blocks are decoded: `worker` (a worker thread, so a catch-up decodes the next block on
       * another core while one commits) or `inline` (on the event loop).
       */
      DEPOSIT_BLOCK_DECODER: z.enum(['worker', 'inline']).default('worker'),
      /** Blocks fetched ahead of the one being committed, overlapping node and database work. */
      DEPOSIT_BLOCK_PREFETCH: z.coerce.number().int().min(0).max(16).default(4),
      /** Mempool transactions fetched per poll at most; the rest wait for the next poll. */
      DEPOSIT_MEMPOOL_FETCH_LIMIT: positiveInt.default(2_000),
      /** Clock skew allowed between the wallet (assignedAt) and the watcher (block scan times). */
      DEPOSIT_ADDRESS_BACKFILL_MARGIN_MS: z.coerce.number().int().min(0).default(60_000),
    })
    .superRefine(requireDogecoinRpcCredentials);
}

export type DepositWatcherConfig = z.output<ReturnType<typeof depositWatcherConfig>>;
