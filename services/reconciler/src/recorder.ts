/**
 * The run's tally: per check the findings, the rows examined and the seconds spent; every finding
 * logged and handed to the sink (findings table and discrepancy event) as it is found; the first
 * REPORT_FINDINGS_LIMIT kept in full for the report, so memory stays bounded however many there are.
 */
import type { Logger } from 'pino';
import {
  CHECKS,
  REPORT_FINDINGS_LIMIT,
  type CheckName,
  type CheckSummary,
  type FindingCheckName,
  type Finding,
  type ReconciliationReport,
} from './domain/findings.js';
import type { FindingWriter } from './ports.js';

export class Recorder {
  private readonly summaries = new Map<FindingCheckName, CheckSummary>(
    CHECKS.map((check) => [check, { check, findings: 0, examined: 0, seconds: 0 }]),
  );
  private readonly kept: Finding[] = [];
  private total = 0;

  constructor(
    private readonly sink: FindingWriter,
    private readonly logger: Logger,
    private readonly onFinding?: (finding: Finding) => void,
  ) {}

  private summary(check: FindingCheckName): CheckSummary {
    const summary = this.summaries.get(check);
    if (!summary) throw new Error(`unknown check ${check}`);
    return summary;
  }

  async report(findings: readonly Finding[]): Promise<void> {
    for (const found of findings) {
      this.summary(found.check).findings += 1;
      this.total += 1;
      if (this.kept.length < REPORT_FINDINGS_LIMIT) this.kept.push(found);
      this.onFinding?.(found);
      this.logger.warn({ finding: found }, 'Reconciliation discrepancy');
      await this.sink.add(found);
    }
  }

  examined(check: CheckName, rows = 1): void {
    this.summary(check).examined += rows;
  }

  /** Runs the work of these checks and shares its seconds among them. */
  async timed(checks: readonly CheckName[], work: () => Promise<void>): Promise<void> {
    const started = process.hrtime.bigint();
    await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const check of checks) this.summary(check).seconds += seconds / checks.length;
  }

  /** Flushes the sink and summarises the run. */
  async finish(runId: string, startedAt: Date): Promise<ReconciliationReport> {
    await this.sink.flush();
    const checks = [...this.summaries.values()];
    return {
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      clean: this.total === 0,
      totals: {
        findings: this.total,
        examined: checks.reduce((sum, summary) => sum + summary.examined, 0),
      },
      checks: checks.map((summary) => ({ ...summary, seconds: Math.round(summary.seconds * 1000) / 1000 })),
      findings: this.kept,
      truncatedFindings: this.total - this.kept.length,
    };
  }
}
