/**
 * The order service: listings, buy-it-now orders and their timers (docs/order.md). It never moves a
 * balance: it asks the wallet over Kafka (escrow.*-requested, through the outbox) and applies its answers.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TokenVerifier, readSecret, runService } from '@dbay/platform';
import { orderConfig } from './config.js';
import { CrashPoints } from './adapters/crash-points.js';
import { OrderChangeWaiter } from './adapters/order-change-waiter.js';
import { operatorRoutes } from './entrypoints/http/operator-routes.js';
import { userRoutes } from './entrypoints/http/user-routes.js';
import { walletAnswerHandlers } from './entrypoints/messages/wallet-answers.js';
import type { OrderContext } from './use-cases/context.js';
import { fireDueTimers } from './use-cases/timers.js';

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
      { point: config.ORDER_CRASH_AT, forListing: config.ORDER_CRASH_FOR_LISTING },
      logger,
    );
    const ctx: OrderContext = {
      db,
      logger,
      crash,
      waiter,
      newId: randomUUID,
      settings: {
        feeBasisPoints: config.ORDER_FEE_BASIS_POINTS,
        windows: {
          autoReleaseMs: config.ORDER_AUTO_RELEASE_MS,
          disputeFallbackMs: config.ORDER_DISPUTE_FALLBACK_MS,
        },
        paymentWaitMs: config.ORDER_PAYMENT_WAIT_MS,
        timerBatchSize: config.ORDER_TIMER_BATCH_SIZE,
      },
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

    service.http((app) => {
      app.use('/v1', userRoutes(ctx, verifier));
      app.use('/ops', operatorRoutes(ctx, verifier, config.ORDER_DEV_CLOCK));
    });
    service.outboxRelay(crash.armed ? { afterPublish: (eventIds) => crash.afterPublish(db, eventIds) } : {});
    service.consumer({
      handlers: walletAnswerHandlers(crash),
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
    ]);
  },
});
