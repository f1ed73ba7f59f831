/**
 * The reconciler. Two ways to run it:
 * - `--once` (the production CronJob, and `npm run reconcile` by hand): one run, the JSON report on
 *   stdout (or REPORT_FILE), logs on stderr, discrepancy events flushed to Kafka, and the exit code
 *   0 (clean), 2 (discrepancies) or 1 (the run itself failed).
 * - without it (the local stack): a long-running service with /healthz, /readyz and /metrics that
 *   runs every RECONCILE_INTERVAL_MS.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pushgateway } from 'prom-client';
import { runJob, runService } from '@dbay/platform';
import { reconcilerConfig } from './config.js';
import { createReconcilerMetrics } from './metrics.js';
import { runReconciliation } from './run.js';

const SERVICE = 'reconciler';
const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));
export const EXIT_CLEAN = 0;
export const EXIT_DISCREPANCIES = 2;

if (process.argv.includes('--once')) {
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
    compose(service) {
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
      ]);
    },
  });
}
