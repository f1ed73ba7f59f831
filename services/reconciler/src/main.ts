/**
 * The reconciler. Two ways to run it:
 * - `--once` (the production CronJob, and `npm run reconcile` by hand): one run, the JSON report on
 *   stdout (or REPORT_FILE), logs on stderr, discrepancy events flushed to Kafka, and the exit code
 *   0 (clean), 2 (discrepancies) or 1 (the run itself failed).
 * - without it (the local stack): a long-running process with /healthz, /readyz and /metrics that
 *   runs every RECONCILE_INTERVAL_MS.
 */
import { writeFileSync } from 'node:fs';
import {
  createKafka,
  createKnex,
  createLogger,
  createMetrics,
  createSchemaRegistry,
  createServiceApp,
  EventCodec,
  OutboxRelay,
  pingDatabase,
  runService,
} from '@dbay/platform';
import { Pushgateway } from 'prom-client';
import { loadReconcilerConfig } from './config.js';
import { createReconcilerMetrics } from './metrics.js';
import { runReconciliation } from './run.js';

const SERVICE = 'reconciler';
export const EXIT_CLEAN = 0;
export const EXIT_FAILED = 1;
export const EXIT_DISCREPANCIES = 2;

async function runOnce(): Promise<number> {
  // stdout carries the report alone, so a caller can pipe it into jq.
  const logger = createLogger({ service: SERVICE, level: 'info', destination: process.stderr });
  const metrics = createMetrics({ service: SERVICE });
  try {
    const config = loadReconcilerConfig();
    const knex = createKnex({ connectionString: config.DATABASE_URL, schema: config.DB_SCHEMA, poolMax: 4 });
    const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
    const relay = new OutboxRelay({
      knex,
      schema: config.DB_SCHEMA,
      kafka,
      codec: new EventCodec(createSchemaRegistry(config.SCHEMA_REGISTRY_URL)),
      logger,
      metrics,
      producerName: SERVICE,
    });
    await relay.start();
    try {
      const report = await runReconciliation(knex, config, logger, createReconcilerMetrics(metrics.registry));
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (config.REPORT_FILE) writeFileSync(config.REPORT_FILE, text);
      else process.stdout.write(text);
      if (config.PUSHGATEWAY_URL) {
        await new Pushgateway(config.PUSHGATEWAY_URL, {}, metrics.registry).pushAdd({ jobName: SERVICE });
      }
      return report.clean ? EXIT_CLEAN : EXIT_DISCREPANCIES;
    } finally {
      await relay.stop({ flush: true });
      await knex.destroy();
    }
  } catch (error) {
    logger.fatal({ err: error }, 'Reconciliation failed');
    return EXIT_FAILED;
  }
}

async function serve(): Promise<void> {
  await runService({
    name: SERVICE,
    async start({ logger, metrics }) {
      const config = loadReconcilerConfig();
      const knex = createKnex({
        connectionString: config.DATABASE_URL,
        schema: config.DB_SCHEMA,
        poolMax: 4,
      });
      const kafka = createKafka({ clientId: SERVICE, brokers: config.KAFKA_BROKERS, logger });
      const relay = new OutboxRelay({
        knex,
        schema: config.DB_SCHEMA,
        kafka,
        codec: new EventCodec(createSchemaRegistry(config.SCHEMA_REGISTRY_URL)),
        logger,
        metrics,
        producerName: SERVICE,
      });
      await relay.start();
      const reconcilerMetrics = createReconcilerMetrics(metrics.registry);
      const { readiness, listen } = createServiceApp({ logger, metrics });
      readiness.register('database', () => pingDatabase(knex));
      const http = await listen(config.HTTP_PORT);
      let running: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        running = runReconciliation(knex, config, logger, reconcilerMetrics).catch((error: unknown) => {
          logger.error({ err: error }, 'Scheduled reconciliation failed');
        });
      }, config.RECONCILE_INTERVAL_MS);
      timer.unref();
      // A failed run is logged and counted (not a crash); the next one tries again.
      return {
        readiness,
        http,
        relays: [relay],
        others: [
          {
            name: 'schedule',
            async stop() {
              clearInterval(timer);
              await running;
            },
          },
        ],
        knex,
      };
    },
  });
}

if (process.argv.includes('--once')) {
  process.exitCode = await runOnce();
} else {
  await serve();
}
