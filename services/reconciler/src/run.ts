/**
 * Runs one reconciliation and records it: a `runs` row opened before and closed after, with the
 * report. Used by both the one-shot CronJob entry point and the local stack's long-running mode.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createDogecoinRpcClient } from '@dbay/chain-rpc';
import type { ReconciliationReport } from './domain/findings.js';
import { createSources } from './adapters/sources.js';
import { FindingSink } from './adapters/finding-sink.js';
import { reconcile } from './reconcile.js';
import type { ReconcilerConfig } from './config.js';
import type { ReconcilerMetrics } from './metrics.js';

export async function runReconciliation(
  knex: Knex,
  config: ReconcilerConfig,
  logger: Logger,
  metrics: ReconcilerMetrics,
): Promise<ReconciliationReport> {
  const runId = randomUUID();
  const started = process.hrtime.bigint();
  const schemas = {
    wallet: config.WALLET_SCHEMA,
    depositWatcher: config.DEPOSIT_WATCHER_SCHEMA,
    withdrawalSaga: config.WITHDRAWAL_SAGA_SCHEMA,
    order: config.ORDER_SCHEMA,
  };
  const chain = config.CHAIN_CHECKS ? createDogecoinRpcClient(config) : null;
  await knex('runs').insert({ run_id: runId, started_at: new Date(), status: 'RUNNING' });
  const runLogger = logger.child({ runId });
  runLogger.info('Reconciliation started');
  try {
    // One REPEATABLE READ, READ ONLY snapshot for the database reads would make the checks see one
    // instant; a daily run over a live system instead forgives work in flight between two services
    // for a grace period, judged by both sides' timestamps.
    const report = await reconcile({
      runId,
      sources: createSources(knex, schemas),
      chain,
      sink: new FindingSink(knex, runId),
      logger: runLogger,
      graceSeconds: config.RECONCILE_GRACE_SECONDS,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await knex('runs')
      .where({ run_id: runId })
      .update({
        finished_at: new Date(),
        status: report.clean ? 'CLEAN' : 'DISCREPANCIES',
        findings: report.totals.findings,
        report: JSON.stringify({ ...report, findings: report.findings.slice(0, 100) }),
      });
    metrics.observe(report, seconds);
    runLogger.info(
      { findings: report.totals.findings, seconds },
      report.clean ? 'Reconciliation clean' : 'Reconciliation found discrepancies',
    );
    return report;
  } catch (error) {
    metrics.failed();
    await knex('runs').where({ run_id: runId }).update({ finished_at: new Date(), status: 'FAILED' });
    throw error;
  } finally {
    // Serve mode builds a client per run; its breaker's timers must not outlive the run.
    chain?.shutdown();
  }
}
