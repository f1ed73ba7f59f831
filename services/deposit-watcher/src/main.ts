/**
 * Composition root of the deposit watcher: configuration, the database, Kafka (the outbox relay
 * publishing deposit.* events, the consumer of deposit-address.assigned), the node behind its
 * circuit breaker, the chain poller, and the health/metrics HTTP server. runService drains them in
 * order on SIGTERM: the consumer and the poller finish what they hold, then the relay publishes the
 * last outbox rows, then the pools close.
 */
import {
  createKafka,
  createKnex,
  createSchemaRegistry,
  createServiceApp,
  EventCodec,
  IdempotentConsumer,
  OutboxRelay,
  pingDatabase,
  runService,
} from '@dbay/platform';
import { loadDepositWatcherConfig } from './config.js';
import { countWatchedAddresses } from './adapters/db/watched-addresses.js';
import { ensureCursor } from './adapters/db/chain-store.js';
import { createDogecoinRpcClient } from '@dbay/chain-rpc';
import { DogecoinNode } from './adapters/rpc/dogecoin-node.js';
import { createWatcherMetrics } from './adapters/watcher-metrics.js';
import { ChainPoller } from './entrypoints/jobs/chain-poller.js';
import {
  DEPOSIT_ADDRESS_ASSIGNED_TOPIC,
  depositAddressAssignedHandler,
} from './entrypoints/messages/deposit-address-assigned.js';
import { ChainFollower } from './use-cases/follow-chain.js';

const SERVICE = 'deposit-watcher';
/** How often the watched-address gauge is recounted. */
const WATCHED_COUNT_INTERVAL_MS = 30_000;

await runService({
  name: SERVICE,
  async start(context) {
    const { logger, metrics } = context;
    const config = loadDepositWatcherConfig();
    const knex = createKnex({
      connectionString: config.DATABASE_URL,
      schema: config.DB_SCHEMA,
      applicationName: SERVICE,
    });
    const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
    const codec = new EventCodec(createSchemaRegistry(config.SCHEMA_REGISTRY_URL));
    const watcherMetrics = createWatcherMetrics(metrics.registry);

    const node = new DogecoinNode(
      createDogecoinRpcClient(config, {
        onCall: (method, outcome, seconds) => watcherMetrics.onCall(method, outcome, seconds),
        onBreakerState(state) {
          watcherMetrics.onBreakerState(state);
          const log = state === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
          log({ state }, `Dogecoin RPC circuit breaker ${state}`);
        },
      }),
    );

    const cursor = await ensureCursor(knex, config.DEPOSIT_START_HEIGHT);
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
      knex,
      node,
      logger: logger.child({ component: 'chain' }),
      metrics: watcherMetrics,
      now: () => new Date(),
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
    const poller = new ChainPoller(
      follower,
      config.DEPOSIT_POLL_INTERVAL_MS,
      logger.child({ component: 'poller' }),
      watcherMetrics,
    );

    const relay = new OutboxRelay({
      knex,
      schema: config.DB_SCHEMA,
      kafka,
      codec,
      logger,
      metrics,
      producerName: SERVICE,
    });
    const consumer = new IdempotentConsumer({
      kafka,
      knex,
      codec,
      logger,
      metrics,
      groupId: SERVICE,
      handlers: { [DEPOSIT_ADDRESS_ASSIGNED_TOPIC]: depositAddressAssignedHandler(config.DOGECOIN_NETWORK) },
      onFatalError: (error) => context.crash(error),
    });

    const service = createServiceApp({ logger, metrics });
    const { readiness } = service;
    readiness.register('database', () => pingDatabase(knex));
    readiness.register('consumer', () => consumer.readinessCheck());
    readiness.register('dogecoin-rpc', () =>
      node.breakerState === 'open' ? Promise.reject(new Error('circuit breaker open')) : Promise.resolve(),
    );

    const countWatched = async (): Promise<void> => {
      watcherMetrics.watchedAddresses.set(await countWatchedAddresses(knex));
    };
    const watchedTimer = setInterval(() => {
      countWatched().catch((error: unknown) =>
        logger.warn({ err: error }, 'Could not count watched addresses'),
      );
    }, WATCHED_COUNT_INTERVAL_MS);
    watchedTimer.unref();
    await countWatched();

    await relay.start();
    // Scanning needs nothing from Kafka: an address assigned while the watcher was down is still
    // credited when its message arrives (backfill-addresses). So the poller and /healthz start before
    // the consumer joins its group, which after a crash waits out the dead member's session (30 s);
    // /readyz stays not-ready until the consumer is in.
    poller.start();
    const http = await service.listen(config.HTTP_PORT);
    await consumer.start();

    return {
      readiness,
      // The poller writes outbox rows like a consumer, so it stops before the relay's last flush.
      consumers: [consumer, poller],
      http,
      relays: [relay],
      others: [
        {
          name: 'dogecoin-rpc',
          stop: () => {
            clearInterval(watchedTimer);
            node.shutdown();
            return Promise.resolve();
          },
        },
      ],
      knex,
    };
  },
});
