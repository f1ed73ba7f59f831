/**
 * The withdrawal_steps table: what the withdrawal saga reported about each withdrawal. Written only by
 * the withdrawal.step-recorded handler, inside the consumer's transaction (so with its inbox row), and
 * read by the user API. Plain reads and inserts: nothing here locks or moves money.
 */
import type { Knex } from 'knex';
import { REPORTED_WITHDRAWAL_STEPS, type WithdrawalStep } from '../domain/index.js';

interface StepRow {
  withdrawal_id: string;
  step: string;
  confirmations: number | null;
  txid: string | null;
  reason: string | null;
  at: Date;
}

function stepFromRow(row: StepRow): WithdrawalStep {
  const step = REPORTED_WITHDRAWAL_STEPS.find((known) => known === row.step);
  if (step === undefined) throw new Error(`withdrawal_steps.step holds an unknown step ${row.step}`);
  return {
    withdrawalId: row.withdrawal_id,
    step,
    confirmations: row.confirmations,
    txid: row.txid,
    reason: row.reason,
    at: row.at.toISOString(),
  };
}

/** A reported step and the event that reported it. */
export interface StepToRecord extends WithdrawalStep {
  sourceEventId: string;
}

/** The owner of each of `withdrawalIds` the wallet knows; unknown ids are absent. */
export async function withdrawalOwners(
  trx: Knex.Transaction,
  withdrawalIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await trx('withdrawal_requests')
    .whereIn('id', [...new Set(withdrawalIds)])
    .select<{ id: string; user_id: string }[]>('id', 'user_id');
  return new Map(rows.map((row) => [row.id, row.user_id]));
}

const keyOf = (step: WithdrawalStep) => `${step.withdrawalId}|${step.step}|${step.confirmations ?? ''}`;

/**
 * Records the steps once per (withdrawal, step, count), each at the latest time it was reported: a
 * repeat (a second saga replica, a replay under a new event id) changes nothing unless it is newer,
 * which is what a count that went down and up again in a reorganisation needs. Repeats inside one call
 * are merged first, since one INSERT ... ON CONFLICT cannot touch a row twice.
 */
export async function recordWithdrawalSteps(
  trx: Knex.Transaction,
  steps: readonly StepToRecord[],
): Promise<void> {
  const latest = new Map<string, StepToRecord>();
  for (const step of steps) {
    const seen = latest.get(keyOf(step));
    if (!seen || Date.parse(step.at) > Date.parse(seen.at)) latest.set(keyOf(step), step);
  }
  if (latest.size === 0) return;
  await trx('withdrawal_steps')
    .insert(
      [...latest.values()].map((step) => ({
        withdrawal_id: step.withdrawalId,
        step: step.step,
        confirmations: step.confirmations,
        txid: step.txid,
        reason: step.reason,
        at: step.at,
        source_event_id: step.sourceEventId,
      })),
    )
    .onConflict(['withdrawal_id', 'step', 'confirmations'])
    .merge(['at', 'txid', 'reason', 'source_event_id'])
    .where('withdrawal_steps.at', '<', trx.raw('excluded.at'));
}

/** Every step reported for the given withdrawals. */
export async function stepsOfWithdrawals(
  knex: Knex,
  withdrawalIds: readonly string[],
): Promise<WithdrawalStep[]> {
  if (withdrawalIds.length === 0) return [];
  const rows = await knex('withdrawal_steps')
    .whereIn('withdrawal_id', withdrawalIds)
    .select<StepRow[]>('withdrawal_id', 'step', 'confirmations', 'txid', 'reason', 'at');
  return rows.map(stepFromRow);
}
