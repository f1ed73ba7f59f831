/**
 * Composition root of the withdrawal saga: configuration, Postgres (migrations first), the node's
 * RPC behind its breaker, Kafka consumer and outbox relay, the internal review API and the timed
 * loops. runService drains them in order on SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  createKafka,
  createKnex,
  createSchemaRegistry,
  createServiceApp,
  enqueueEvent,
  EventCodec,
  IdempotentConsumer,
  OutboxRelay,
  pingDatabase,
  runMigrations,
  runService,
} from '@dbay/platform';
import { networkByName, outputScriptForAddress, parseAccountXpub } from '@dbay/dogecoin';
import { loadSagaConfig } from './config.js';
import { DogecoinRpcClient } from '@dbay/chain-rpc';
import { NodeChain } from './adapters/node-chain.js';
import { serviceAuthentication } from './adapters/service-auth.js';
import { reviewRouter } from './entrypoints/http/review-router.js';
import { messageHandlers } from './entrypoints/messages/handlers.js';
import { LoopRunner } from './entrypoints/jobs/loops.js';
import { buildNextBatch } from './use-cases/build-batch.js';
import { releaseCoolDowns } from './use-cases/review.js';
import { broadcastSigned, trackBroadcast } from './use-cases/broadcast.js';
import type { CrashPoint, SagaContext } from './use-cases/ports.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
/** Batches built per tick at most, so one tick cannot starve the other loops of connections. */
const BATCHES_PER_TICK = 20;

await runService({
  name: 'withdrawal-saga',
  async start({ name, logger, metrics }) {
    const config = loadSagaConfig();
    const network = networkByName(config.network);
    const accountKey = parseAccountXpub(config.accountXpub(), network);
    const serviceTokenPublicKeyPem = config.serviceToken.publicKeyPem();
    const knex = createKnex({ connectionString: config.databaseUrl, schema: config.dbSchema });
    await pingDatabase(knex);
    const applied = await runMigrations(knex, { directory: MIGRATIONS_DIR, schema: config.dbSchema });
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');

    const rpc = new DogecoinRpcClient(config.rpc, {
      onBreakerState(state) {
        const log = state === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
        log({ state }, `Dogecoin RPC circuit breaker ${state}`);
      },
    });
    const crashForScript =
      config.crashForAddress === undefined
        ? undefined
        : Buffer.from(outputScriptForAddress(config.crashForAddress, network)).toString('hex');
    const crash = (point: CrashPoint, outputScripts: readonly string[]) => {
      if (config.crashAt !== point) return;
      if (crashForScript !== undefined && !outputScripts.includes(crashForScript)) return;
      logger.fatal({ point }, 'SAGA_CRASH_AT reached: killing the process (test crash point)');
      process.kill(process.pid, 'SIGKILL');
    };
    const ctx: SagaContext = {
      db: knex,
      publish: async (trx, event) => {
        await enqueueEvent(trx, event);
      },
      chain: new NodeChain(rpc),
      network,
      accountKey,
      policy: config.policy,
      now: () => new Date(),
      crash,
      logger,
      newId: randomUUID,
    };

    const kafka = createKafka({ clientId: name, brokers: config.kafkaBrokers, logger });
    const codec = new EventCodec(createSchemaRegistry(config.schemaRegistryUrl));
    const relay = new OutboxRelay({
      knex,
      schema: config.dbSchema,
      kafka,
      codec,
      logger,
      metrics,
      producerName: name,
    });

    const loops = new LoopRunner(
      [
        {
          name: 'batch',
          intervalMs: config.ticks.batchMs,
          step: async () => {
            await releaseCoolDowns(ctx);
            for (let built = 0; built < BATCHES_PER_TICK; built++) {
              if ((await buildNextBatch(ctx)).kind !== 'batched') break;
            }
          },
        },
        { name: 'broadcast', intervalMs: config.ticks.broadcastMs, step: () => broadcastSigned(ctx) },
        { name: 'track', intervalMs: config.ticks.trackMs, step: () => trackBroadcast(ctx) },
      ],
      logger,
    );
    const consumer = new IdempotentConsumer({
      kafka,
      knex,
      codec,
      logger,
      metrics,
      groupId: name,
      consumerConfig: config.kafkaConsumer,
      handlers: messageHandlers(ctx, () => setTimeout(() => loops.nudge('broadcast'), 50)),
    });

    const serviceApp = createServiceApp({ logger, metrics });
    const { app, readiness } = serviceApp;
    readiness.register('database', () => pingDatabase(knex));
    readiness.register('consumer', () => consumer.readinessCheck());
    readiness.register('dogecoin-rpc', () =>
      rpc.breakerState === 'open' ? Promise.reject(new Error('circuit open')) : Promise.resolve(),
    );
    app.use(
      '/internal',
      serviceAuthentication({ ...config.serviceToken, publicKeyPem: serviceTokenPublicKeyPem }),
    );
    app.use(reviewRouter(ctx));

    // The loops and the HTTP API need only Postgres and the node, so they start before the consumer
    // joins its group: after a crash, joining waits out the dead member's Kafka session (up to
    // sessionTimeout), and a stored signed transaction should not wait that long for its broadcast.
    // /healthz answers from here on; /readyz stays false until the consumer has joined. A failed
    // join still stops the whole process (runService exits on a failed start).
    await relay.start();
    loops.start();
    const http = await serviceApp.listen(config.httpPort);
    await consumer.start();
    return {
      readiness,
      consumers: [consumer],
      http,
      relays: [relay],
      others: [
        { name: 'loops', stop: () => loops.stop() },
        { name: 'dogecoin-rpc', stop: () => Promise.resolve(rpc.shutdown()) },
      ],
      knex,
    };
  },
});
