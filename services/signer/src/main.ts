/**
 * Composition root of the signer: load the seed from its secret provider (before anything else, so
 * a wrong key or passphrase stops the service at once), then Postgres (migrations first), the
 * idempotent consumer of signing requests and the outbox relay of answers, and a health/metrics
 * port on loopback only. The signer never talks to the chain and has no other ingress.
 */
import { fileURLToPath } from 'node:url';
import { Counter } from 'prom-client';
import {
  createKafka,
  createKnex,
  createSchemaRegistry,
  createServiceApp,
  EventCodec,
  IdempotentConsumer,
  OutboxRelay,
  pingDatabase,
  runMigrations,
  runService,
} from '@dbay/platform';
import { loadSignerConfig } from './config.js';
import { loadAccountKeys } from './adapters/secrets/load-account-keys.js';
import { seedProviderFromConfig } from './adapters/secrets/seed-provider-from-config.js';
import { messageHandlers } from './entrypoints/messages/handlers.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

await runService({
  name: 'signer',
  async start(context) {
    const { name, logger, metrics } = context;
    const config = loadSignerConfig();
    const provider = seedProviderFromConfig(config.secrets);
    const keys = await loadAccountKeys(provider, config.network, config.expectedAccountXpub);
    logger.info(
      { network: config.network, accountXpub: keys.accountXpub, source: provider.description },
      'signer keys loaded',
    );
    logger.info(
      { policy: Object.fromEntries(Object.entries(config.policy).map(([k, v]) => [k, String(v)])) },
      'signing policy',
    );

    const knex = createKnex({ connectionString: config.databaseUrl, schema: config.dbSchema });
    await pingDatabase(knex);
    const applied = await runMigrations(knex, { directory: MIGRATIONS_DIR, schema: config.dbSchema });
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');

    const decisions = new Counter({
      name: 'dbay_signer_decisions_total',
      help: 'Signing requests answered, by outcome (signed, replayed, refused) and refusal code.',
      labelNames: ['outcome', 'code'],
      registers: [metrics.registry],
    });

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
    const consumer = new IdempotentConsumer({
      kafka,
      knex,
      codec,
      logger,
      metrics,
      groupId: name,
      handlers: messageHandlers({
        keys,
        policy: config.policy,
        recordDecision: (outcome, code) => decisions.inc({ outcome, code }),
      }),
      onFatalError: (error) => context.crash(error),
    });

    const app = createServiceApp({ logger, metrics });
    const { readiness } = app;
    readiness.register('database', () => pingDatabase(knex));
    readiness.register('consumer', () => consumer.readinessCheck());
    readiness.register('outbox-relay', () =>
      relay.isRunning() ? Promise.resolve() : Promise.reject(new Error('relay not running')),
    );

    await relay.start();
    await consumer.start();
    const http = await app.listen(config.httpPort, config.httpHost);
    return { readiness, consumers: [consumer], http, relays: [relay], knex };
  },
});
