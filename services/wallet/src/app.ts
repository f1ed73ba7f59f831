/**
 * What the wallet has, composed on the platform's skeleton: its pool, the redis lock, the group-commit
 * executor, the user and internal HTTP APIs, and (when Kafka is enabled) the outbox relay and the
 * idempotent consumer of its command and event topics.
 */
import { Counter } from 'prom-client';
import { ConfigError, READINESS, TokenVerifier, readSecret, type ServiceKit } from '@dbay/platform';
import { isValidAddress, networkByName } from '@dbay/dogecoin';
import { xpubReader, type WalletConfig } from './config.js';
import { CommandExecutor, createExecutorMetrics } from './command-executor.js';
import { DepositAddresses } from './adapters/deposit-addresses.js';
import { OwnAddresses } from './adapters/own-addresses.js';
import { WalletQueries } from './adapters/queries.js';
import { RedlockWalletLocks, createLockRedis } from './adapters/wallet-locks.js';
import { internalRoutes } from './entrypoints/http/internal-routes.js';
import { userRoutes } from './entrypoints/http/user-routes.js';
import { walletApiDoc } from './entrypoints/http/openapi.js';
import { walletHandlers } from './entrypoints/messages/handlers.js';
import { withdrawalStepsHandler } from './entrypoints/messages/withdrawal-steps.js';

export const SERVICE_NAME = 'wallet';

export async function composeWallet(service: ServiceKit<WalletConfig>): Promise<void> {
  const { config, logger, metrics, db } = service;
  const network = networkByName(config.DOGECOIN_NETWORK);
  const invalidReserved = config.PLATFORM_RESERVED_ADDRESSES.filter(
    (address) => !isValidAddress(address, network),
  );
  if (invalidReserved.length > 0) {
    throw new ConfigError([
      {
        variable: 'PLATFORM_RESERVED_ADDRESSES',
        problem: `${invalidReserved.length} entries are not ${config.DOGECOIN_NETWORK} addresses`,
      },
    ]);
  }

  const redis = createLockRedis(config.REDIS_URL);
  const locks = new RedlockWalletLocks(
    redis,
    {
      lockTtlMs: config.WALLET_LOCK_TTL_MS,
      retryCount: config.WALLET_LOCK_RETRY_COUNT,
      retryDelayMs: config.WALLET_LOCK_RETRY_DELAY_MS,
      retryJitterMs: config.WALLET_LOCK_RETRY_DELAY_MS,
    },
    logger.child({ component: 'wallet-locks' }),
    new Counter({
      name: `${metrics.prefix}redlock_degraded_total`,
      help: 'Batches that ran on row locks alone because the redis lock was unavailable or contended.',
      labelNames: ['reason'],
      registers: [metrics.registry],
    }),
  );
  const executor = new CommandExecutor({
    knex: db,
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
  // The executor's queue drains before the pools close; the redis lock closes after it.
  service.onStop('executor', () => executor.drain());
  service.onStop(READINESS.redis, () => locks.close());

  const verifier = await TokenVerifier.create({
    user: {
      publicKeyPem: readSecret(config, 'USER_JWT_PUBLIC_KEY'),
      issuer: config.USER_JWT_ISSUER,
      audience: config.USER_JWT_AUDIENCE,
    },
    service: {
      publicKeyPem: readSecret(config, 'SERVICE_JWT_PUBLIC_KEY'),
      issuer: config.SERVICE_JWT_ISSUER,
      audience: config.SERVICE_JWT_AUDIENCE,
    },
  });
  const queries = new WalletQueries(db);
  const depositAddresses = new DepositAddresses(db, network, xpubReader(config));
  const ownAddresses = new OwnAddresses(
    db,
    network,
    { account: xpubReader(config), cold: xpubReader(config, 'COLD_ACCOUNT_XPUB') },
    config.PLATFORM_RESERVED_ADDRESSES,
    config.OWN_ADDRESS_LOOKAHEAD,
  );
  ownAddresses.warm();
  service.openapi(walletApiDoc());
  service.http((app) => {
    app.use(
      '/v1',
      userRoutes({
        executor,
        withdrawalPolicy: {
          minimumKoinu: config.WITHDRAWAL_MINIMUM_KOINU,
          networkFeeKoinu: config.WITHDRAWAL_NETWORK_FEE_KOINU,
        },
        queries,
        depositAddresses,
        ownAddresses,
        verifier,
      }),
    );
    app.use(
      '/internal',
      internalRoutes({
        executor,
        queries,
        verifier,
        callers: config.INTERNAL_CALLERS,
        commandCallers: config.INTERNAL_COMMAND_CALLERS,
      }),
    );
  });

  if (!config.KAFKA_ENABLED) {
    logger.warn('KAFKA_ENABLED=false: no consumer and no outbox relay; events wait in the outbox');
    return;
  }
  service.outboxRelay();
  const withdrawalSteps = withdrawalStepsHandler({
    unknownWithdrawals: new Counter({
      name: `${metrics.prefix}withdrawal_steps_unknown_withdrawal_total`,
      help: 'withdrawal.step-recorded events ignored because the wallet does not know the withdrawal.',
      registers: [metrics.registry],
    }),
  });
  service.consumer({
    handlers: {},
    batchHandlers: walletHandlers(executor, withdrawalSteps),
    maxBatchSize: config.GROUP_COMMIT_MAX_BATCH,
    partitionsConsumedConcurrently: config.CONSUMER_PARTITIONS_CONCURRENTLY,
  });
}
