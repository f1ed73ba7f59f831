// The reconciler's own metrics: the outcome of the last run per check, for alerting.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReconciliationReport } from './domain/findings.js';

export interface ReconcilerMetrics {
  observe(report: ReconciliationReport, seconds: number): void;
  failed(): void;
}

export function createReconcilerMetrics(registry: Registry): ReconcilerMetrics {
  const registers = [registry];
  const findings = new Gauge({
    name: 'dbay_reconciler_findings',
    help: 'Findings of the last reconciliation run, per check.',
    labelNames: ['check'],
    registers,
  });
  const examined = new Gauge({
    name: 'dbay_reconciler_examined',
    help: 'Rows examined by the last reconciliation run, per check.',
    labelNames: ['check'],
    registers,
  });
  const clean = new Gauge({
    name: 'dbay_reconciler_last_run_clean',
    help: '1 when the last run found nothing.',
    registers,
  });
  const duration = new Gauge({
    name: 'dbay_reconciler_duration_seconds',
    help: 'Duration of the last run.',
    registers,
  });
  const lastRun = new Gauge({
    name: 'dbay_reconciler_last_run_timestamp_seconds',
    help: 'When the last run finished.',
    registers,
  });
  const runs = new Counter({
    name: 'dbay_reconciler_runs_total',
    help: 'Runs by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  return {
    observe(report, seconds) {
      for (const check of report.checks) {
        findings.set({ check: check.check }, check.findings);
        examined.set({ check: check.check }, check.examined);
      }
      clean.set(report.clean ? 1 : 0);
      duration.set(seconds);
      lastRun.set(Date.now() / 1000);
      runs.inc({ outcome: report.clean ? 'clean' : 'discrepancies' });
    },
    failed() {
      runs.inc({ outcome: 'failed' });
    },
  };
}
