/**
 * The saga's reports to the user's wallet (withdrawal.step-recorded), written to the outbox in the
 * transaction that records what they report: every recorded step through `reportSteps`, which the
 * repository's step writers require, and each change of a broadcast transaction's confirmation count
 * through `reportConfirmations`.
 */
import type { Knex } from 'knex';
import { reportOfConfirmations, reportOfStep } from '../domain/step-report.js';
import type { StepListener } from '../adapters/db/steps.js';
import { withdrawalsOfBatch } from '../adapters/db/withdrawals.js';
import { stepRecordedEvent } from './events.js';
import type { SagaContext } from './ports.js';

/** The listener every step writer gets: it publishes the step's report with the step's own time. */
export function reportSteps(ctx: Pick<SagaContext, 'publish'>): StepListener {
  return async (trx, { withdrawal, step, detail, occurredAt }) => {
    const report = reportOfStep(step, detail, withdrawal.failure);
    await ctx.publish(trx, stepRecordedEvent(withdrawal, report, occurredAt, { causationId: null }));
  };
}

/**
 * Reports a new confirmation count of a batch's transaction to each withdrawal it pays; nothing when the
 * count did not change (the tracker looks every tick) or reached the depth (CONFIRMED reports that).
 */
export async function reportConfirmations(
  ctx: Pick<SagaContext, 'publish' | 'policy' | 'now'>,
  trx: Knex.Transaction,
  batch: { batchId: string; txid: string; confirmations: number },
  current: number,
): Promise<void> {
  const report = reportOfConfirmations(
    batch.txid,
    batch.confirmations,
    current,
    ctx.policy.requiredConfirmations,
  );
  if (report === null) return;
  const at = ctx.now();
  for (const withdrawal of await withdrawalsOfBatch(trx, batch.batchId))
    await ctx.publish(trx, stepRecordedEvent(withdrawal, report, at, { causationId: null }));
}
