/**
 * Where findings go: the reconciler's findings table and, in the same transaction, one
 * `reconciliation.discrepancy` event each through the outbox, so an alerting consumer sees exactly
 * the findings that were recorded. Findings are written in batches to keep memory flat.
 */
import type { Knex } from 'knex';
import { enqueueTopicEvent, TOPICS } from '@dbay/contracts';
import type { Finding } from '../domain/findings.js';
import type { FindingWriter } from '../ports.js';

export const FINDINGS_BATCH_SIZE = 500;

export class FindingSink implements FindingWriter {
  private buffer: Finding[] = [];
  private seq = 0;

  constructor(
    private readonly knex: Knex,
    private readonly runId: string,
  ) {}

  async add(finding: Finding): Promise<void> {
    this.buffer.push(finding);
    if (this.buffer.length >= FINDINGS_BATCH_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    await this.knex.transaction(async (trx) => {
      const rows = batch.map((finding) => ({
        run_id: this.runId,
        seq: ++this.seq,
        check_name: finding.check,
        subject_type: finding.subjectType,
        subject_id: finding.subjectId,
        expected: finding.expected,
        actual: finding.actual,
        detail: finding.detail,
      }));
      await trx('findings').insert(rows);
      for (const row of rows) {
        await enqueueTopicEvent(trx, {
          topic: TOPICS.reconciliationDiscrepancy,
          key: row.subject_id,
          correlationId: this.runId,
          payload: {
            runId: this.runId,
            sequence: row.seq,
            check: row.check_name,
            subjectType: row.subject_type,
            subjectId: row.subject_id,
            expected: row.expected,
            actual: row.actual,
            detail: row.detail,
          },
        });
      }
    });
  }
}
