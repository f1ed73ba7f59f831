/**
 * The deposit watcher: it follows the chain through the node's RPC (behind its circuit breaker),
 * publishes deposit.* events through the outbox, and learns the addresses to watch from
 * deposit-address.assigned. Scanning needs nothing from Kafka's consumer side, so the poller runs
 * while the consumer (re)joins its group; an address assigned meanwhile is backfilled when it arrives.
 */
import { fileURLToPath } from 'node:url';
import { READINESS, runService } from '@dbay/platform';
import { TOPICS, topicHandlers } from '@dbay/contracts';
import { depositWatcherConfig } from './config.js';
import { countWatchedAddresses, WatchedHashes } from './adapters/db/watched-addresses.js';
import { ensureCursor } from './adapters/db/chain-store.js';
import { createDogecoinRpcClient } from '@dbay/chain-rpc';
import { DogecoinNode } from './adapters/rpc/dogecoin-node.js';
import { inlineRawBlockDecoder, WorkerRawBlockDecoder } from './adapters/rpc/raw-block-decoder.js';
import { createWatcherMetrics } from './adapters/watcher-metrics.js';
import { ChainPoller } from './entrypoints/jobs/chain-poller.js';
import { depositAddressAssignedHandler } from './entrypoints/messages/deposit-address-assigned.js';
import { refillNeededHandler } from './entrypoints/messages/refill-needed.js';
import { ChainFollower } from './use-cases/follow-chain.js';

/** How often the watched-address gauge is recounted. */
const WATCHED_COUNT_INTERVAL_MS = 30_000;

await runService({
  name: 'deposit-watcher',
  config: depositWatcherConfig,
  migrations: fileURLToPath(new URL('../migrations/', import.meta.url)),
  async compose(service) {
    const { config, logger, db } = service;
    const watcherMetrics = createWatcherMetrics(service.metrics.registry);
    const rawBlockDecoder =
      config.DEPOSIT_BLOCK_FORMAT === 'raw' && config.DEPOSIT_BLOCK_DECODER === 'worker'
        ? new WorkerRawBlockDecoder({
            onWorkerFailure(reason) {
              watcherMetrics.blockDecoderWorkerFailures.inc();
              logger.warn({ reason }, 'Raw block decoding worker failed; its blocks were decoded inline');
            },
          })
        : inlineRawBlockDecoder;
    if (rawBlockDecoder instanceof WorkerRawBlockDecoder) rawBlockDecoder.start();
    const node = new DogecoinNode(
      createDogecoinRpcClient(config, {
        onCall: (method, outcome, seconds) => watcherMetrics.onCall(method, outcome, seconds),
        onBreakerState(state) {
          watcherMetrics.onBreakerState(state);
          const log = state === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
          log({ state }, `Dogecoin RPC circuit breaker ${state}`);
        },
      }),
      {
        blockFormat: config.DEPOSIT_BLOCK_FORMAT,
        rawBlockDecoder,
        onRawBlockFallback(hash, reason) {
          watcherMetrics.rawBlockFallbacks.inc();
          logger.warn({ blockHash: hash, reason }, 'Raw block not decoded; read it as JSON instead');
        },
      },
    );
    service.readiness(READINESS.chain, () =>
      node.breakerState === 'open' ? Promise.reject(new Error('circuit breaker open')) : Promise.resolve(),
    );
    service.onStop(READINESS.chain, () => node.shutdown());

    const cursor = await ensureCursor(db, config.DEPOSIT_START_HEIGHT);
    logger.info(
      {
        network: config.DOGECOIN_NETWORK,
        rpcUrl: config.DOGECOIN_RPC_URL,
        storedTipHeight: cursor.tipHeight,
        confirmations: config.DEPOSIT_CONFIRMATIONS,
        pollIntervalMs: config.DEPOSIT_POLL_INTERVAL_MS,
      },
      'Deposit watcher configured',
    );
    const follower = new ChainFollower({
      knex: db,
      node,
      logger: logger.child({ component: 'chain' }),
      metrics: watcherMetrics,
      now: () => new Date(),
      watchedHashes: new WatchedHashes(db, config.DEPOSIT_ADDRESS_BACKFILL_MARGIN_MS),
      settings: {
        network: config.DOGECOIN_NETWORK,
        requiredConfirmations: config.DEPOSIT_CONFIRMATIONS,
        mempoolDropPolls: config.DEPOSIT_MEMPOOL_DROP_POLLS,
        maxBlocksPerPoll: config.DEPOSIT_MAX_BLOCKS_PER_POLL,
        blockPrefetch: config.DEPOSIT_BLOCK_PREFETCH,
        mempoolFetchLimit: config.DEPOSIT_MEMPOOL_FETCH_LIMIT,
        backfillMarginMs: config.DEPOSIT_ADDRESS_BACKFILL_MARGIN_MS,
      },
    });
    const poller = new ChainPoller(follower, logger.child({ component: 'poller' }), watcherMetrics);

    service.outboxRelay();
    service.loops([
      { name: 'chain-poll', intervalMs: config.DEPOSIT_POLL_INTERVAL_MS, step: () => poller.poll() },
      {
        name: 'count-watched-addresses',
        intervalMs: WATCHED_COUNT_INTERVAL_MS,
        step: async () => watcherMetrics.watchedAddresses.set(await countWatchedAddresses(db)),
      },
    ]);
    service.consumer({
      handlers: topicHandlers({
        [TOPICS.depositAddressAssigned]: depositAddressAssignedHandler(config.DOGECOIN_NETWORK),
        [TOPICS.hotWalletRefillNeeded]: refillNeededHandler(config.DOGECOIN_NETWORK),
      }),
    });
  },
});
