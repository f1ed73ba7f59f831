/**
 * The order service: listings, buy-it-now orders, auctions and their timers (docs/order.md). It never
 * moves a balance: it asks the wallet (escrow.* and bid.* commands through the outbox; a bid's lock
 * synchronously over the wallet's internal API) and applies its answers.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  ServiceTokenSigner,
  TokenVerifier,
  inOneTransaction,
  readSecret,
  runService,
} from '@dbay/platform';
import { orderConfig, type OrderConfig } from './config.js';
import {
  DEFAULT_INCREMENT_LADDER,
  parseIncrementLadder,
  type IncrementLadder,
} from './domain/auction/index.js';
import { CrashPoints } from './adapters/crash-points.js';
import { OrderChangeWaiter } from './adapters/order-change-waiter.js';
import { WalletClient } from './adapters/wallet-client.js';
import { auctionRoutes } from './entrypoints/http/auction-routes.js';
import { databaseUnavailable } from './entrypoints/http/error-table.js';
import { operatorRoutes } from './entrypoints/http/operator-routes.js';
import { userRoutes } from './entrypoints/http/user-routes.js';
import { orderApiDoc } from './entrypoints/http/openapi.js';
import { bidAnswerHandlers } from './entrypoints/messages/bid-answers.js';
import { walletAnswerHandlers } from './entrypoints/messages/wallet-answers.js';
import { sweepPendingBids } from './use-cases/bidding.js';
import type { OrderContext, OrderSettings } from './use-cases/context.js';
import { fireDueTimers } from './use-cases/timers.js';

/** Stale bids settled per sweep at most. */
const SWEEP_BATCH = 50;

function incrementLadder(config: OrderConfig): IncrementLadder {
  if (config.ORDER_AUCTION_INCREMENT_LADDER === undefined) return DEFAULT_INCREMENT_LADDER;
  const parsed = parseIncrementLadder(config.ORDER_AUCTION_INCREMENT_LADDER);
  if (!parsed.ok) {
    throw new ConfigError([{ variable: 'ORDER_AUCTION_INCREMENT_LADDER', problem: parsed.error.message }]);
  }
  return parsed.ladder;
}

function settingsOf(config: OrderConfig): OrderSettings {
  return {
    feeBasisPoints: config.ORDER_FEE_BASIS_POINTS,
    windows: {
      autoReleaseMs: config.ORDER_AUTO_RELEASE_MS,
      disputeFallbackMs: config.ORDER_DISPUTE_FALLBACK_MS,
    },
    paymentWaitMs: config.ORDER_PAYMENT_WAIT_MS,
    timerBatchSize: config.ORDER_TIMER_BATCH_SIZE,
    auctions: {
      ladder: incrementLadder(config),
      softCloseWindowMs: config.ORDER_AUCTION_SOFT_CLOSE_MS,
      minDurationMs: config.ORDER_AUCTION_MIN_DURATION_MS,
      maxDurationMs: config.ORDER_AUCTION_MAX_DURATION_MS,
      bidPendingTimeoutMs: config.ORDER_BID_PENDING_TIMEOUT_MS,
    },
  };
}

await runService({
  name: 'order',
  config: orderConfig,
  migrations: fileURLToPath(new URL('../migrations/', import.meta.url)),
  async compose(service) {
    const { config, logger, db } = service;
    const waiter = new OrderChangeWaiter(db, logger.child({ component: 'order-waiter' }));
    await waiter.start();
    service.onStop('order-waiter', () => waiter.stop());
    const crash = new CrashPoints(
      { point: config.ORDER_CRASH_AT, forSubject: config.ORDER_CRASH_FOR },
      logger,
    );
    const signer = await ServiceTokenSigner.create({
      privateKeyPem: readSecret(config, 'SERVICE_JWT_PRIVATE_KEY'),
      subject: 'order',
      issuer: config.SERVICE_JWT_ISSUER,
      audience: config.WALLET_SERVICE_JWT_AUDIENCE,
    });
    const ctx: OrderContext = {
      db,
      logger,
      crash,
      waiter,
      wallet: new WalletClient(config.WALLET_URL, signer),
      newId: randomUUID,
      settings: settingsOf(config),
    };
    const verifier = await TokenVerifier.create({
      user: {
        publicKeyPem: readSecret(config, 'USER_JWT_PUBLIC_KEY'),
        issuer: config.USER_JWT_ISSUER,
        audience: config.USER_JWT_AUDIENCE,
      },
      operator: {
        publicKeyPem: readSecret(config, 'OPERATOR_JWT_PUBLIC_KEY'),
        issuer: config.OPERATOR_JWT_ISSUER,
        audience: config.OPERATOR_JWT_AUDIENCE,
      },
    });

    service.openapi(orderApiDoc());
    service.http((app) => {
      app.use('/v1', userRoutes(ctx, verifier));
      app.use('/v1', auctionRoutes(ctx, verifier));
      app.use('/ops', operatorRoutes(ctx, verifier, config.ORDER_DEV_CLOCK));
      app.use(databaseUnavailable);
    });
    service.outboxRelay(crash.armed ? { afterPublish: (eventIds) => crash.afterPublish(db, eventIds) } : {});
    service.consumer({
      // A run of one partition's answers in one transaction: one order's answers share its partition,
      // so two partitions' batches never lock the same order.
      handlers: {},
      batchHandlers: inOneTransaction({ ...walletAnswerHandlers(crash), ...bidAnswerHandlers(logger) }),
      maxBatchSize: config.ORDER_CONSUMER_MAX_BATCH,
      partitionsConsumedConcurrently: config.ORDER_CONSUMER_PARTITIONS_CONCURRENTLY,
      ...(crash.armed
        ? {
            beforeOffsetCommit: (topic, partition, offset) =>
              crash.afterAnswerCommitted(db, topic, partition, offset),
          }
        : {}),
    });
    service.loops([
      {
        name: 'timers',
        intervalMs: config.ORDER_TIMER_POLL_MS,
        step: async () => {
          const report = await fireDueTimers(ctx);
          if (report.fired > 0 || report.deferred > 0) logger.info(report, 'Timers fired');
        },
      },
      {
        name: 'bid-sweeper',
        intervalMs: config.ORDER_BID_SWEEP_INTERVAL_MS,
        step: async () => {
          const settled = await sweepPendingBids(ctx, SWEEP_BATCH);
          if (settled > 0)
            logger.warn({ settled }, 'Settled bids whose request died before they were applied');
        },
      },
    ]);
  },
});
