/**
 * The withdrawal_steps table: one row per step a withdrawal took, written in the transaction of the
 * change it records (withdrawals.ts is the only writer). Step names are the domain's `StepName`.
 */
import type { Knex } from 'knex';
import type { StepFacts } from '../../domain/step-report.js';
import {
  STEP_NAMES,
  WITHDRAWAL_STATUSES,
  type Step,
  type StepName,
  type Withdrawal,
  type WithdrawalStatus,
} from '../../domain/withdrawal.js';
import { TABLES, jsonColumn, oneOf, type Db } from './schema.js';

/**
 * The names the version before this one gave the opening steps, built from the fraud outcome's text.
 * Migration 20261125000000 renames the stored ones; a process of that version still running during a
 * rolling deploy may write a few more after it, and those are read under their current names.
 */
const LEGACY_STEP_NAMES: Readonly<Record<string, StepName>> = {
  FRAUD_APPROVE: 'FRAUD_APPROVED',
  FRAUD_HOLD: 'FRAUD_HELD',
  FRAUD_COOL_DOWN: 'FRAUD_COOLING_DOWN',
  FRAUD_REJECT: 'FRAUD_REJECTED',
};

interface StepRow {
  step: string;
  from_status: string | null;
  to_status: string;
  detail: Record<string, unknown>;
  occurred_at: Date;
}

function toStep(row: StepRow): Step {
  const status = (value: string) => oneOf(WITHDRAWAL_STATUSES, value, 'withdrawal_steps status');
  return {
    step: oneOf(STEP_NAMES, LEGACY_STEP_NAMES[row.step] ?? row.step, 'withdrawal_steps.step'),
    fromStatus: row.from_status === null ? null : status(row.from_status),
    toStatus: status(row.to_status),
    detail: row.detail,
    occurredAt: row.occurred_at,
  };
}

/** A step's detail: free-form for the audit trail, with the facts a report to the user may show. */
export type StepDetail = StepFacts & Record<string, unknown>;

/** A step as the rest of the saga learns of it, inside the transaction that records it. */
export interface RecordedStep {
  withdrawal: Pick<Withdrawal, 'withdrawalId' | 'userId' | 'correlationId' | 'failure'>;
  step: StepName;
  detail: StepDetail;
  occurredAt: Date;
}

/**
 * Told of every step in the transaction that records it; the saga publishes withdrawal.step-recorded
 * from it (use-cases/step-reports.ts), so a step and its report commit together or not at all.
 */
export type StepListener = (trx: Knex.Transaction, recorded: RecordedStep) => Promise<void>;

export interface StepRecord {
  withdrawalId: string;
  step: StepName;
  /** null for the opening step. */
  fromStatus: WithdrawalStatus | null;
  toStatus: WithdrawalStatus;
  detail: StepDetail;
}

/** Inserts the step; returns the time the database recorded it at. */
export async function recordStep(trx: Knex.Transaction, record: StepRecord): Promise<Date> {
  const [row] = await trx(TABLES.steps)
    .insert({
      withdrawal_id: record.withdrawalId,
      step: record.step,
      from_status: record.fromStatus,
      to_status: record.toStatus,
      detail: jsonColumn(record.detail),
    })
    .returning<{ occurred_at: Date }[]>('occurred_at');
  if (!row) throw new Error(`withdrawal_steps insert for ${record.withdrawalId} returned no row`);
  return row.occurred_at;
}

/** Every step of a withdrawal, oldest first. */
export async function stepsOf(db: Db, withdrawalId: string): Promise<Step[]> {
  const rows = await db(TABLES.steps)
    .where({ withdrawal_id: withdrawalId })
    .orderBy('step_id')
    .select<StepRow[]>('step', 'from_status', 'to_status', 'detail', 'occurred_at');
  return rows.map(toStep);
}
