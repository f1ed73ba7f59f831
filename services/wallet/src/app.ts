/**
 * Builds the wallet from its configuration: pools, the redis lock, the group-commit executor, the HTTP
 * API, and (when Kafka is enabled) the outbox relay and the idempotent consumer. main.ts runs it under
 * @dbay/platform's runService; tests build it the same way.
 */
import { Counter } from 'prom-client';
import {
  EventCodec,
  IdempotentConsumer,
  OutboxRelay,
  createKafka,
  createKnex,
  createSchemaRegistry,
  createServiceApp,
  pingDatabase,
  type ServiceContext,
  type ServiceResources,
} from '@dbay/platform';
import { networkByName } from '@dbay/dogecoin';
import { readKey, xpubReader, type WalletConfig } from './config.js';
import { CommandExecutor, createExecutorMetrics } from './adapters/command-executor.js';
import { DepositAddresses } from './adapters/deposit-addresses.js';
import { WalletQueries } from './adapters/queries.js';
import { TokenVerifier } from './adapters/tokens.js';
import { RedlockWalletLocks, createLockRedis } from './adapters/wallet-locks.js';
import { internalRoutes } from './entrypoints/http/internal-routes.js';
import { userRoutes } from './entrypoints/http/user-routes.js';
import { walletHandlers } from './entrypoints/messages/handlers.js';

export const SERVICE_NAME = 'wallet';

export async function startWallet(config: WalletConfig, context: ServiceContext): Promise<ServiceResources> {
  const { logger, metrics } = context;
  const network = networkByName(config.DOGECOIN_NETWORK);
  const knex = createKnex({
    connectionString: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    poolMax: config.DB_POOL_MAX,
  });
  await pingDatabase(knex);

  const redis = createLockRedis(config.REDIS_URL);
  const degraded = new Counter({
    name: 'wallet_redlock_degraded_total',
    help: 'Batches that ran on row locks alone because the redis lock was unavailable or contended.',
    labelNames: ['reason'],
    registers: [metrics.registry],
  });
  const locks = new RedlockWalletLocks(
    redis,
    {
      lockTtlMs: config.WALLET_LOCK_TTL_MS,
      retryCount: config.WALLET_LOCK_RETRY_COUNT,
      retryDelayMs: config.WALLET_LOCK_RETRY_DELAY_MS,
      retryJitterMs: config.WALLET_LOCK_RETRY_DELAY_MS,
    },
    logger.child({ component: 'wallet-locks' }),
    degraded,
  );
  const executor = new CommandExecutor({
    knex,
    locks,
    policy: {
      network,
      withdrawalMinimumKoinu: config.WITHDRAWAL_MINIMUM_KOINU,
      withdrawalNetworkFeeKoinu: config.WITHDRAWAL_NETWORK_FEE_KOINU,
    },
    logger: logger.child({ component: 'executor' }),
    metrics: createExecutorMetrics(metrics.registry),
    settings: {
      maxBatchSize: config.GROUP_COMMIT_MAX_BATCH,
      maxConcurrentBatches: config.GROUP_COMMIT_CONCURRENCY,
      maxQueueLength: config.GROUP_COMMIT_MAX_QUEUE,
    },
  });

  const verifier = await TokenVerifier.create(
    {
      publicKeyPem: readKey(
        config.USER_JWT_PUBLIC_KEY,
        config.USER_JWT_PUBLIC_KEY_FILE,
        'USER_JWT_PUBLIC_KEY',
      ),
      issuer: config.USER_JWT_ISSUER,
      audience: config.USER_JWT_AUDIENCE,
    },
    {
      publicKeyPem: readKey(
        config.SERVICE_JWT_PUBLIC_KEY,
        config.SERVICE_JWT_PUBLIC_KEY_FILE,
        'SERVICE_JWT_PUBLIC_KEY',
      ),
      issuer: config.SERVICE_JWT_ISSUER,
      audience: config.SERVICE_JWT_AUDIENCE,
    },
    config.INTERNAL_CALLERS,
  );
  const queries = new WalletQueries(knex);
  const depositAddresses = new DepositAddresses(knex, network, xpubReader(config));

  const service = createServiceApp({ logger, metrics });
  service.readiness.register('postgres', () => pingDatabase(knex));
  service.app.use('/v1', userRoutes({ executor, queries, depositAddresses, verifier }));
  service.app.use('/internal', internalRoutes({ executor, queries, verifier }));

  const resources: ServiceResources = {
    readiness: service.readiness,
    knex,
    others: [
      { name: 'executor', stop: () => executor.drain() },
      { name: 'redis', stop: () => locks.close() },
    ],
  };
  if (config.KAFKA_ENABLED) {
    const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.KAFKA_BROKERS, logger });
    const codec = new EventCodec(createSchemaRegistry(config.SCHEMA_REGISTRY_URL));
    const relay = new OutboxRelay({
      knex,
      schema: config.DB_SCHEMA,
      kafka,
      codec,
      logger,
      metrics,
      producerName: SERVICE_NAME,
    });
    const consumer = new IdempotentConsumer({
      kafka,
      knex,
      codec,
      logger,
      metrics,
      groupId: SERVICE_NAME,
      handlers: {},
      batchHandlers: walletHandlers(executor),
      maxBatchSize: config.GROUP_COMMIT_MAX_BATCH,
      partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY,
      onFatalError: (error) => context.crash(error),
    });
    await relay.start();
    await consumer.start();
    service.readiness.register('kafka-consumer', () => consumer.readinessCheck());
    resources.relays = [relay];
    resources.consumers = [consumer];
  } else {
    logger.warn('KAFKA_ENABLED=false: no consumer and no outbox relay; events wait in the outbox');
  }
  resources.http = await service.listen(config.HTTP_PORT);
  return resources;
}
