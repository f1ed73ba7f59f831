/**
 * The reconciler. Three ways to run it:
 * - `--once` (the production CronJob, and `npm run reconcile` by hand): one run, the JSON report on
 *   stdout (or REPORT_FILE), logs on stderr, discrepancy events flushed to Kafka, and the exit code
 *   0 (clean), 2 (discrepancies) or 1 (the run itself failed).
 * - `--reserves-snapshot` (`npm run reserves:snapshot`): one proof-of-reserves snapshot, its summary
 *   as JSON on stdout, exit code 0 (covered), 2 (the coins fall short) or 1 (failure).
 * - without either (the local stack): a long-running service with /healthz, /readyz and /metrics that
 *   reconciles every RECONCILE_INTERVAL_MS, publishes a reserves snapshot every
 *   RESERVES_SNAPSHOT_INTERVAL_MS, and serves the users' reserves API (docs/reserves.md).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pushgateway } from 'prom-client';
import { TokenVerifier, readSecret, requireToken, runJob, runService } from '@dbay/platform';
import { reconcilerConfig } from './config.js';
import { createReconcilerMetrics } from './metrics.js';
import { runReconciliation } from './run.js';
import { runReservesSnapshot } from './reserves/run-snapshot.js';
import { RESERVES_TOKEN_CODES, reservesRouter } from './entrypoints/http/reserves-router.js';

const SERVICE = 'reconciler';
const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));
export const EXIT_CLEAN = 0;
export const EXIT_DISCREPANCIES = 2;

if (process.argv.includes('--reserves-snapshot')) {
  process.exitCode = await runJob({
    name: SERVICE,
    config: reconcilerConfig,
    migrations: MIGRATIONS,
    compose: (job) => void job.outboxRelay(),
    async run({ db, config, logger }) {
      const summary = await runReservesSnapshot(db, config, logger);
      // stdout carries the summary alone, so a caller can pipe it into jq.
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return summary.covered ? EXIT_CLEAN : EXIT_DISCREPANCIES;
    },
  });
} else if (process.argv.includes('--once')) {
  process.exitCode = await runJob({
    name: SERVICE,
    config: reconcilerConfig,
    migrations: MIGRATIONS,
    compose: (job) => void job.outboxRelay(),
    async run({ db, config, logger, metrics }) {
      const report = await runReconciliation(db, config, logger, createReconcilerMetrics(metrics.registry));
      // stdout carries the report alone, so a caller can pipe it into jq.
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (config.REPORT_FILE) writeFileSync(config.REPORT_FILE, text);
      else process.stdout.write(text);
      if (config.PUSHGATEWAY_URL) {
        await new Pushgateway(config.PUSHGATEWAY_URL, {}, metrics.registry).pushAdd({ jobName: SERVICE });
      }
      return report.clean ? EXIT_CLEAN : EXIT_DISCREPANCIES;
    },
  });
} else {
  await runService({
    name: SERVICE,
    config: reconcilerConfig,
    migrations: MIGRATIONS,
    async compose(service) {
      const { db, config, logger } = service;
      const reconcilerMetrics = createReconcilerMetrics(service.metrics.registry);
      service.outboxRelay();
      // A failed run is logged and counted (not a crash); the next one tries again.
      service.loops([
        {
          name: 'reconcile',
          intervalMs: config.RECONCILE_INTERVAL_MS,
          firstStepAfterInterval: true,
          step: async () => {
            await runReconciliation(db, config, logger, reconcilerMetrics).catch((error: unknown) => {
              logger.error({ err: error }, 'Scheduled reconciliation failed');
            });
          },
        },
        {
          name: 'reserves-snapshot',
          intervalMs: config.RESERVES_SNAPSHOT_INTERVAL_MS,
          firstStepAfterInterval: true,
          step: async () => {
            await runReservesSnapshot(db, config, logger).catch((error: unknown) => {
              logger.error({ err: error }, 'Scheduled reserves snapshot failed');
            });
          },
        },
      ]);
      // The users' reserves API needs the user tokens' key; without it (a deployment that runs only the
      // checks) the reconciler serves no /v1 routes and says so once.
      if (config.USER_JWT_PUBLIC_KEY === undefined && config.USER_JWT_PUBLIC_KEY_FILE === undefined) {
        logger.warn('USER_JWT_PUBLIC_KEY(_FILE) not set: the reserves API (/v1/reserves) is not served');
        return;
      }
      const verifier = await TokenVerifier.create({
        user: {
          publicKeyPem: readSecret(config, 'USER_JWT_PUBLIC_KEY'),
          issuer: config.USER_JWT_ISSUER,
          audience: config.USER_JWT_AUDIENCE,
        },
      });
      service.http((app) => {
        app.use('/v1/reserves', requireToken(verifier, { kind: 'user' }, RESERVES_TOKEN_CODES));
        app.use(reservesRouter(db));
      });
    },
  });
}
