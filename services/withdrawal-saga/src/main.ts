/**
 * The withdrawal saga: it consumes withdrawal.requested and the signer's answers, runs the fraud checks,
 * builds, broadcasts and tracks transactions on timed loops, and serves the operators' review API.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { READINESS, TokenVerifier, requireToken, runService } from '@dbay/platform';
import { enqueueTopicEvent } from '@dbay/contracts';
import { networkByName, outputScriptForAddress, parseAccountXpub } from '@dbay/dogecoin';
import { sagaConfig, sagaSettings } from './config.js';
import { DogecoinRpcClient } from '@dbay/chain-rpc';
import { NodeChain } from './adapters/node-chain.js';
import { REVIEW_TOKEN_CODES, reviewApiDoc, reviewRouter } from './entrypoints/http/review-router.js';
import { messageHandlers } from './entrypoints/messages/handlers.js';
import { buildNextBatch } from './use-cases/build-batch.js';
import { releaseCoolDowns } from './use-cases/review.js';
import { expireFundsWaits } from './use-cases/funds-wait.js';
import { broadcastSigned, trackBroadcast } from './use-cases/broadcast.js';
import { ReorgWatch } from './use-cases/reorg-watch.js';
import { bumpStuckTransactions } from './use-cases/fee-bump.js';
import { createHotColdMetrics, createReorgWatchMetrics } from './adapters/reorg-metrics.js';
import { HotColdKeeper } from './use-cases/hot-cold.js';
import { recheckRefillReports } from './use-cases/refills.js';
import type { CrashPoint, SagaContext } from './use-cases/ports.js';

/** Batches built per tick at most, so one tick cannot starve the other loops of connections. */
const BATCHES_PER_TICK = 20;

await runService({
  name: 'withdrawal-saga',
  config: sagaConfig,
  migrations: fileURLToPath(new URL('../migrations/', import.meta.url)),
  async compose(service) {
    const { logger, db } = service;
    const settings = sagaSettings(service.config);
    const network = networkByName(settings.network);

    const rpc = new DogecoinRpcClient(settings.rpc, {
      onBreakerState(state) {
        const log = state === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
        log({ state }, `Dogecoin RPC circuit breaker ${state}`);
      },
    });
    service.readiness(READINESS.chain, () =>
      rpc.breakerState === 'open' ? Promise.reject(new Error('circuit open')) : Promise.resolve(),
    );
    service.onStop(READINESS.chain, () => rpc.shutdown());

    const crashForScript =
      settings.crashForAddress === undefined
        ? undefined
        : Buffer.from(outputScriptForAddress(settings.crashForAddress, network)).toString('hex');
    const crash = (point: CrashPoint, outputScripts: readonly string[]) => {
      if (settings.crashAt !== point) return;
      if (crashForScript !== undefined && !outputScripts.includes(crashForScript)) return;
      logger.fatal({ point }, 'SAGA_CRASH_AT reached: killing the process (test crash point)');
      process.kill(process.pid, 'SIGKILL');
    };
    const ctx: SagaContext = {
      db,
      publish: async (trx, event) => {
        await enqueueTopicEvent(trx, event);
      },
      chain: new NodeChain(rpc),
      network,
      accountKey: parseAccountXpub(settings.accountXpub(), network),
      policy: settings.policy,
      now: () => new Date(),
      crash,
      logger,
      newId: randomUUID,
    };

    const reorgWatch = new ReorgWatch(
      ctx,
      settings.reorgWatchConfirmations,
      createReorgWatchMetrics(service.metrics.registry),
    );

    const coldAccountXpub = settings.hotCold.coldAccountXpub?.();
    const hotColdMetrics = createHotColdMetrics(service.metrics.registry);
    const hotCold = new HotColdKeeper(
      ctx,
      settings.network,
      coldAccountXpub === undefined ? null : parseAccountXpub(coldAccountXpub, network),
      settings.hotCold.policy,
      hotColdMetrics,
    );

    service.outboxRelay();
    const loops = service.loops([
      {
        name: 'batch',
        intervalMs: settings.ticks.batchMs,
        step: async () => {
          await releaseCoolDowns(ctx);
          await expireFundsWaits(ctx);
          for (let built = 0; built < BATCHES_PER_TICK; built++) {
            if ((await buildNextBatch(ctx)).kind !== 'batched') break;
          }
          await hotCold.tick();
        },
      },
      { name: 'broadcast', intervalMs: settings.ticks.broadcastMs, step: () => broadcastSigned(ctx) },
      {
        name: 'track',
        intervalMs: settings.ticks.trackMs,
        step: async () => {
          await trackBroadcast(ctx);
          await bumpStuckTransactions(ctx);
        },
      },
      {
        name: 'refill-reports',
        intervalMs: settings.ticks.trackMs,
        step: async () => hotColdMetrics.refillReportsPending.set(await recheckRefillReports(ctx)),
      },
      { name: 'reorg-watch', intervalMs: settings.ticks.trackMs, step: () => reorgWatch.tick() },
    ]);
    service.consumer({
      handlers: messageHandlers(ctx, () => setTimeout(() => loops.nudge('broadcast'), 50)),
    });

    const verifier = await TokenVerifier.create({
      operator: {
        publicKeyPem: settings.operatorToken.publicKeyPem(),
        issuer: settings.operatorToken.issuer,
        audience: settings.operatorToken.audience,
      },
    });
    service.openapi(reviewApiDoc());
    service.http((app) => {
      app.use('/internal', requireToken(verifier, { kind: 'operator' }, REVIEW_TOKEN_CODES));
      app.use(reviewRouter(ctx));
    });
  },
});
