/**
 * The withdrawals table. Every function takes the caller's transaction for writes, so a change of
 * status, its step and its outbox events always commit together. Rows become domain `Withdrawal`s
 * here, once: BIGINT koinu through @dbay/money, vocabulary columns through `oneOf`. A status changes
 * only through `moveWithdrawal`, which asks the domain state machine first and updates only if the row
 * still has the status it was read with. Both writers of a step tell the caller's `StepListener` of it in
 * the same transaction, so no step is recorded without its report to the user.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn } from '@dbay/money';
import { FRAUD_HISTORY_STATUSES, type FraudHistory, type FraudReason } from '../../domain/fraud.js';
import {
  BATCHABLE_STATUSES,
  MOVES,
  OPENING_STEPS,
  RECORDED_FRAUD_OUTCOMES,
  WITHDRAWAL_FAILURE_CODES,
  WITHDRAWAL_STATUSES,
  assertFailureFits,
  isPayable,
  transition,
  type MoveStepName,
  type PayableWithdrawal,
  type RequestedAmounts,
  type Withdrawal,
  type WithdrawalFailure,
  type WithdrawalOpening,
  type WithdrawalStatus,
} from '../../domain/withdrawal.js';
import { recordStep, type StepDetail, type StepListener } from './steps.js';
import { TABLES, jsonColumn, oneOf, type Db } from './schema.js';

interface WithdrawalRow {
  withdrawal_id: string;
  user_id: string;
  destination_address: string;
  destination_script_hex: string;
  amount_koinu: string | null;
  network_fee_koinu: string | null;
  amount_text: string | null;
  network_fee_text: string | null;
  requested_at: Date;
  status: string;
  status_changed_at: Date;
  fraud_outcome: string;
  fraud_reasons: FraudReason[];
  approved_at: Date | null;
  release_at: Date | null;
  reviewed_by: string | null;
  review_note: string | null;
  solo: boolean;
  batch_id: string | null;
  miner_fee_share_koinu: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  correlation_id: string;
}

function amountsOf(row: WithdrawalRow): RequestedAmounts {
  if (row.amount_koinu !== null && row.network_fee_koinu !== null) {
    return {
      kind: 'parsed',
      amountKoinu: koinuFromBigintColumn(row.amount_koinu),
      networkFeeKoinu: koinuFromBigintColumn(row.network_fee_koinu),
    };
  }
  if (row.amount_text !== null && row.network_fee_text !== null)
    return { kind: 'unparsed', amountText: row.amount_text, networkFeeText: row.network_fee_text };
  throw new Error(`withdrawal ${row.withdrawal_id} has neither its amounts nor their text`);
}

function failureOf(row: WithdrawalRow): WithdrawalFailure | null {
  if (row.failure_code === null) return null;
  if (row.failure_reason === null) throw new Error(`withdrawal ${row.withdrawal_id} failed without a reason`);
  return {
    code: oneOf(WITHDRAWAL_FAILURE_CODES, row.failure_code, 'withdrawals.failure_code'),
    reason: row.failure_reason,
  };
}

function toWithdrawal(row: WithdrawalRow): Withdrawal {
  return {
    withdrawalId: row.withdrawal_id,
    userId: row.user_id,
    destinationAddress: row.destination_address,
    destinationScriptHex: row.destination_script_hex,
    amounts: amountsOf(row),
    requestedAt: row.requested_at,
    status: oneOf(WITHDRAWAL_STATUSES, row.status, 'withdrawals.status'),
    statusChangedAt: row.status_changed_at,
    fraudOutcome: oneOf(RECORDED_FRAUD_OUTCOMES, row.fraud_outcome, 'withdrawals.fraud_outcome'),
    fraudReasons: row.fraud_reasons,
    approvedAt: row.approved_at,
    releaseAt: row.release_at,
    reviewedBy: row.reviewed_by,
    reviewNote: row.review_note,
    solo: row.solo,
    batchId: row.batch_id,
    minerFeeShareKoinu:
      row.miner_fee_share_koinu === null ? null : koinuFromBigintColumn(row.miner_fee_share_koinu),
    failure: failureOf(row),
    correlationId: row.correlation_id,
  };
}

/** For the statuses only a payable withdrawal can reach: one without amounts there is a bug. */
function toPayable(row: WithdrawalRow): PayableWithdrawal {
  const withdrawal = toWithdrawal(row);
  if (!isPayable(withdrawal))
    throw new Error(`withdrawal ${withdrawal.withdrawalId} is ${withdrawal.status} without known amounts`);
  return withdrawal;
}

/** Inserts a new withdrawal and its opening step; false when the withdrawal id is already known. */
export async function insertWithdrawal(
  trx: Knex.Transaction,
  opening: WithdrawalOpening,
  onStep: StepListener,
): Promise<boolean> {
  const status = OPENING_STEPS[opening.step];
  assertFailureFits(opening.step, status, opening.failure);
  const { amounts } = opening;
  const parsed = amounts.kind === 'parsed';
  const inserted = await trx(TABLES.withdrawals)
    .insert({
      withdrawal_id: opening.withdrawalId,
      user_id: opening.userId,
      destination_address: opening.destinationAddress,
      destination_script_hex: opening.destinationScriptHex,
      amount_koinu: parsed ? amounts.amountKoinu.toString() : null,
      network_fee_koinu: parsed ? amounts.networkFeeKoinu.toString() : null,
      amount_text: parsed ? null : amounts.amountText,
      network_fee_text: parsed ? null : amounts.networkFeeText,
      requested_at: opening.requestedAt,
      status,
      fraud_outcome: opening.fraudOutcome,
      fraud_reasons: jsonColumn(opening.fraudReasons),
      approved_at: opening.approvedAt,
      release_at: opening.releaseAt,
      failure_code: opening.failure?.code ?? null,
      failure_reason: opening.failure?.reason ?? null,
      correlation_id: opening.correlationId,
      requested_event_id: opening.requestedEventId,
    })
    .onConflict('withdrawal_id')
    .ignore()
    .returning('withdrawal_id');
  if (inserted.length === 0) return false;
  const detail: StepDetail = { fraudOutcome: opening.fraudOutcome, reasons: opening.fraudReasons };
  const occurredAt = await recordStep(trx, {
    withdrawalId: opening.withdrawalId,
    step: opening.step,
    fromStatus: null,
    toStatus: status,
    detail,
  });
  await onStep(trx, { withdrawal: opening, step: opening.step, detail, occurredAt });
  return true;
}

export interface WithdrawalPatch {
  approvedAt?: Date;
  reviewedBy?: string;
  reviewNote?: string | null;
  solo?: boolean;
  batchId?: string | null;
  minerFeeShareKoinu?: bigint | null;
  /** Required by, and only by, a step into FAILED (see FAILURE_CODES). */
  failure?: WithdrawalFailure;
}

function patchColumns(patch: WithdrawalPatch): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (patch.approvedAt !== undefined) columns.approved_at = patch.approvedAt;
  if (patch.reviewedBy !== undefined) columns.reviewed_by = patch.reviewedBy;
  if (patch.reviewNote !== undefined) columns.review_note = patch.reviewNote;
  if (patch.solo !== undefined) columns.solo = patch.solo;
  if (patch.batchId !== undefined) columns.batch_id = patch.batchId;
  if (patch.minerFeeShareKoinu !== undefined)
    columns.miner_fee_share_koinu = patch.minerFeeShareKoinu?.toString() ?? null;
  if (patch.failure !== undefined) {
    columns.failure_code = patch.failure.code;
    columns.failure_reason = patch.failure.reason;
  }
  return columns;
}

/**
 * Applies `step` to the withdrawal (which the caller read inside `trx`), with the extra column changes
 * in `patch`, records the step and tells `onStep`. Throws when the state machine forbids the move, when
 * the failure does not fit the step, or when the row changed underneath (all bugs: the caller holds the
 * row lock).
 */
export async function moveWithdrawal(
  trx: Knex.Transaction,
  withdrawal: Withdrawal,
  step: MoveStepName,
  onStep: StepListener,
  patch: WithdrawalPatch = {},
  detail: StepDetail = {},
): Promise<Withdrawal> {
  const next = transition(withdrawal.status, step);
  assertFailureFits(step, next, patch.failure ?? null);
  const updated = await trx(TABLES.withdrawals)
    .where({ withdrawal_id: withdrawal.withdrawalId, status: withdrawal.status })
    .update({ ...patchColumns(patch), status: next, status_changed_at: trx.fn.now() });
  if (updated !== 1)
    throw new Error(
      `withdrawal ${withdrawal.withdrawalId} changed while moving ${step} from ${withdrawal.status}`,
    );
  const occurredAt = await recordStep(trx, {
    withdrawalId: withdrawal.withdrawalId,
    step,
    fromStatus: withdrawal.status,
    toStatus: next,
    detail,
  });
  const after = await findWithdrawal(trx, withdrawal.withdrawalId);
  if (!after) throw new Error(`withdrawal ${withdrawal.withdrawalId} vanished`);
  await onStep(trx, { withdrawal: after, step, detail, occurredAt });
  return after;
}

/**
 * Adds a fee bump's share to a broadcast withdrawal's miner fee share, so that withdrawal.confirmed
 * carries everything the miners got for paying it (the wallet books it to network fees).
 */
export async function addMinerFeeShare(
  trx: Knex.Transaction,
  withdrawalId: string,
  koinu: bigint,
): Promise<boolean> {
  const updated = await trx(TABLES.withdrawals)
    .where({ withdrawal_id: withdrawalId, status: 'BROADCAST' })
    .update({
      miner_fee_share_koinu: trx.raw('coalesce(miner_fee_share_koinu, 0) + ?', [koinu.toString()]),
    });
  return updated === 1;
}

/** What withdrawals not yet in a transaction will need from the hot wallet (held ones included). */
export async function owedKoinu(db: Db): Promise<bigint> {
  const [row] = await db(TABLES.withdrawals)
    .whereIn('status', ['HELD', 'COOLING_DOWN', 'APPROVED', 'WAITING_FOR_FUNDS'])
    .select<{ total: string | null }[]>(db.raw('cast(sum(amount_koinu) as bigint) as total'));
  return row?.total ? koinuFromBigintColumn(row.total) : 0n;
}

export async function findWithdrawal(
  db: Db,
  withdrawalId: string,
  forUpdate = false,
): Promise<Withdrawal | undefined> {
  const query = db(TABLES.withdrawals)
    .where({ withdrawal_id: withdrawalId })
    .first<WithdrawalRow | undefined>();
  const row = await (forUpdate ? query.forUpdate() : query);
  return row ? toWithdrawal(row) : undefined;
}

/** Withdrawals in any of `statuses`, oldest request first. */
export async function listWithdrawals(
  db: Db,
  statuses: readonly WithdrawalStatus[],
  limit: number,
): Promise<Withdrawal[]> {
  const rows = await db(TABLES.withdrawals)
    .whereIn('status', statuses)
    .orderBy('requested_at')
    .limit(limit)
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

export async function withdrawalsOfBatch(db: Db, batchId: string): Promise<PayableWithdrawal[]> {
  const rows = await db(TABLES.withdrawals)
    .where({ batch_id: batchId })
    .orderBy('withdrawal_id')
    .select<WithdrawalRow[]>('*');
  return rows.map(toPayable);
}

/** Approved (or waiting) withdrawals, oldest approval first, locked for the batch being built. */
export async function batchCandidates(trx: Knex.Transaction, limit: number): Promise<PayableWithdrawal[]> {
  const rows = await trx(TABLES.withdrawals)
    .whereIn('status', BATCHABLE_STATUSES)
    .orderBy([{ column: 'approved_at' }, { column: 'withdrawal_id' }])
    .limit(limit)
    .forUpdate()
    .select<WithdrawalRow[]>('*');
  return rows.map(toPayable);
}

/** Cooling-down withdrawals whose release time has come, locked; another replica skips them. */
export async function dueCoolDowns(trx: Knex.Transaction, now: Date, limit: number): Promise<Withdrawal[]> {
  const rows = await trx(TABLES.withdrawals)
    .whereIn('status', MOVES.COOL_DOWN_ELAPSED.from)
    .andWhere('release_at', '<=', now)
    .orderBy('release_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

/**
 * Withdrawals waiting for funds since `waitingSince` or earlier, oldest first, locked; another replica
 * (or the batcher, which locks its candidates) holding one makes this pass skip it.
 */
export async function expiredFundsWaits(
  trx: Knex.Transaction,
  waitingSince: Date,
  limit: number,
): Promise<Withdrawal[]> {
  const rows = await trx(TABLES.withdrawals)
    .whereIn('status', MOVES.FUNDS_WAIT_EXPIRED.from)
    .andWhere('status_changed_at', '<=', waitingSince)
    .orderBy('status_changed_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

export async function countByStatus(db: Db): Promise<Partial<Record<WithdrawalStatus, number>>> {
  const rows = await db(TABLES.withdrawals)
    .select('status')
    .count<{ status: string; count: string }[]>({ count: '*' })
    .groupBy('status');
  return Object.fromEntries(
    rows.map((row) => [oneOf(WITHDRAWAL_STATUSES, row.status, 'withdrawals.status'), Number(row.count)]),
  );
}

/** What the fraud rules need to know about the past (see FRAUD_HISTORY_STATUSES for who counts). */
export async function fraudHistory(
  trx: Knex.Transaction,
  userId: string,
  destination: string,
  windowStart: Date,
): Promise<FraudHistory> {
  const userRecent = await trx(TABLES.withdrawals)
    .select<{ amount_koinu: string }[]>('amount_koinu')
    .where({ user_id: userId })
    .andWhere('requested_at', '>=', windowStart)
    .whereNotIn('status', FRAUD_HISTORY_STATUSES.userWindowExcludes);
  const used = await trx(TABLES.withdrawals)
    .where({ user_id: userId, destination_address: destination })
    .whereIn('status', FRAUD_HISTORY_STATUSES.destinationUsedIn)
    .first<{ withdrawal_id: string } | undefined>('withdrawal_id');
  const platform = await trx(TABLES.withdrawals)
    .where('requested_at', '>=', windowStart)
    .whereNotIn('status', FRAUD_HISTORY_STATUSES.platformWindowExcludes)
    .first<{ total: string }>(trx.raw('cast(coalesce(sum(amount_koinu), 0) as bigint) as total'));
  return {
    userRecent: userRecent.map((row) => ({ amountKoinu: koinuFromBigintColumn(row.amount_koinu) })),
    destinationUsedBefore: used !== undefined,
    platformWindowTotalKoinu: koinuFromBigintColumn(platform.total),
  };
}
