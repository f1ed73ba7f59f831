/**
 * Postgres access for the saga's own schema. Every function takes the caller's transaction, so a
 * state change, its step and its outbox events always commit together. pg returns BIGINT as text:
 * it becomes bigint here, once. Status changes go through `moveWithdrawal`, which asks the domain
 * state machine first and updates only if the row still has the status it was read with.
 */
import type { Knex } from 'knex';
import { transition, type WithdrawalEventType, type WithdrawalStatus } from '../domain/withdrawal.js';
import type { FraudHistory, FraudReason } from '../domain/fraud.js';

export const SCHEMA = 'withdrawal_saga';
const WITHDRAWALS = `${SCHEMA}.withdrawals`;
const STEPS = `${SCHEMA}.withdrawal_steps`;
const BATCHES = `${SCHEMA}.batches`;
const COINS = `${SCHEMA}.coins`;
const PREVIOUS = `${SCHEMA}.previous_transactions`;

/** Advisory lock keys: one serialises fraud decisions (platform totals), one batch building (coins). */
const FRAUD_LOCK_KEY = 7_104_001;
const BATCH_LOCK_KEY = 7_104_002;

export type Db = Knex | Knex.Transaction;

export interface Withdrawal {
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  destinationScriptHex: string;
  amountKoinu: bigint;
  networkFeeKoinu: bigint;
  requestedAt: Date;
  status: WithdrawalStatus;
  statusChangedAt: Date;
  fraudOutcome: string;
  fraudReasons: FraudReason[];
  approvedAt: Date | null;
  releaseAt: Date | null;
  reviewedBy: string | null;
  reviewNote: string | null;
  solo: boolean;
  batchId: string | null;
  minerFeeShareKoinu: bigint | null;
  failureCode: string | null;
  failureReason: string | null;
  correlationId: string;
}

interface WithdrawalRow {
  withdrawal_id: string;
  user_id: string;
  destination_address: string;
  destination_script_hex: string;
  amount_koinu: string;
  network_fee_koinu: string;
  requested_at: Date;
  status: WithdrawalStatus;
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

function toWithdrawal(row: WithdrawalRow): Withdrawal {
  return {
    withdrawalId: row.withdrawal_id,
    userId: row.user_id,
    destinationAddress: row.destination_address,
    destinationScriptHex: row.destination_script_hex,
    amountKoinu: BigInt(row.amount_koinu),
    networkFeeKoinu: BigInt(row.network_fee_koinu),
    requestedAt: row.requested_at,
    status: row.status,
    statusChangedAt: row.status_changed_at,
    fraudOutcome: row.fraud_outcome,
    fraudReasons: row.fraud_reasons,
    approvedAt: row.approved_at,
    releaseAt: row.release_at,
    reviewedBy: row.reviewed_by,
    reviewNote: row.review_note,
    solo: row.solo,
    batchId: row.batch_id,
    minerFeeShareKoinu: row.miner_fee_share_koinu === null ? null : BigInt(row.miner_fee_share_koinu),
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    correlationId: row.correlation_id,
  };
}

export async function lockFraudDecisions(trx: Knex.Transaction): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?)', [FRAUD_LOCK_KEY]);
}

export async function lockBatchBuilding(trx: Knex.Transaction): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(?)', [BATCH_LOCK_KEY]);
}

// ---------------------------------------------------------------- withdrawals

export interface NewWithdrawalRow {
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  destinationScriptHex: string;
  amountKoinu: bigint;
  networkFeeKoinu: bigint;
  requestedAt: Date;
  status: WithdrawalStatus;
  fraudOutcome: string;
  fraudReasons: FraudReason[];
  approvedAt: Date | null;
  releaseAt: Date | null;
  failureCode: string | null;
  failureReason: string | null;
  correlationId: string;
  requestedEventId: string;
}

/** Inserts a new withdrawal and its first step; false when the withdrawal id is already known. */
export async function insertWithdrawal(
  trx: Knex.Transaction,
  row: NewWithdrawalRow,
  step: string,
): Promise<boolean> {
  const inserted = await trx(WITHDRAWALS)
    .insert({
      withdrawal_id: row.withdrawalId,
      user_id: row.userId,
      destination_address: row.destinationAddress,
      destination_script_hex: row.destinationScriptHex,
      amount_koinu: row.amountKoinu.toString(),
      network_fee_koinu: row.networkFeeKoinu.toString(),
      requested_at: row.requestedAt,
      status: row.status,
      fraud_outcome: row.fraudOutcome,
      fraud_reasons: JSON.stringify(row.fraudReasons),
      approved_at: row.approvedAt,
      release_at: row.releaseAt,
      failure_code: row.failureCode,
      failure_reason: row.failureReason,
      correlation_id: row.correlationId,
      requested_event_id: row.requestedEventId,
    })
    .onConflict('withdrawal_id')
    .ignore()
    .returning('withdrawal_id');
  if (inserted.length === 0) return false;
  await trx(STEPS).insert({
    withdrawal_id: row.withdrawalId,
    step,
    from_status: null,
    to_status: row.status,
    detail: JSON.stringify({ fraudOutcome: row.fraudOutcome, reasons: row.fraudReasons }),
  });
  return true;
}

export async function fraudHistory(
  trx: Knex.Transaction,
  userId: string,
  destination: string,
  windowStart: Date,
): Promise<FraudHistory> {
  const userRecent = await trx(WITHDRAWALS)
    .select<{ amount_koinu: string }[]>('amount_koinu')
    .where({ user_id: userId })
    .andWhere('requested_at', '>=', windowStart)
    .andWhereNot({ status: 'FAILED' });
  const used = await trx(WITHDRAWALS)
    .where({ user_id: userId, destination_address: destination })
    .whereIn('status', ['SIGNED', 'BROADCAST', 'CONFIRMED'])
    .first<{ withdrawal_id: string } | undefined>('withdrawal_id');
  const platform = await trx(WITHDRAWALS)
    .where('requested_at', '>=', windowStart)
    .whereNotIn('status', ['FAILED', 'HELD'])
    .first<{ total: string | null } | undefined>(trx.raw('sum(amount_koinu) as total'));
  return {
    userRecent: userRecent.map((row) => ({ amountKoinu: BigInt(row.amount_koinu) })),
    destinationUsedBefore: used !== undefined,
    platformWindowTotalKoinu: BigInt(platform?.total ?? '0'),
  };
}

export async function findWithdrawal(
  db: Db,
  withdrawalId: string,
  forUpdate = false,
): Promise<Withdrawal | undefined> {
  const query = db(WITHDRAWALS).where({ withdrawal_id: withdrawalId }).first<WithdrawalRow | undefined>();
  const row = await (forUpdate ? query.forUpdate() : query);
  return row ? toWithdrawal(row) : undefined;
}

export async function listWithdrawals(
  db: Db,
  statuses: readonly WithdrawalStatus[],
  limit: number,
): Promise<Withdrawal[]> {
  const rows = await db(WITHDRAWALS)
    .whereIn('status', statuses)
    .orderBy('requested_at')
    .limit(limit)
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

export async function withdrawalsOfBatch(db: Db, batchId: string): Promise<Withdrawal[]> {
  const rows = await db(WITHDRAWALS)
    .where({ batch_id: batchId })
    .orderBy('withdrawal_id')
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

export async function stepsOf(db: Db, withdrawalId: string) {
  return db(STEPS)
    .where({ withdrawal_id: withdrawalId })
    .orderBy('step_id')
    .select('step', 'from_status', 'to_status', 'detail', 'occurred_at');
}

export interface WithdrawalPatch {
  approvedAt?: Date | null;
  releaseAt?: Date | null;
  reviewedBy?: string | null;
  reviewNote?: string | null;
  solo?: boolean;
  batchId?: string | null;
  minerFeeShareKoinu?: bigint | null;
  failureCode?: string | null;
  failureReason?: string | null;
}

/**
 * Applies `event` to the withdrawal (which the caller read inside `trx`), with the extra column
 * changes in `patch`, and records the step. Throws when the state machine forbids the move or the
 * row changed underneath (both bugs: the caller holds the row lock).
 */
export async function moveWithdrawal(
  trx: Knex.Transaction,
  withdrawal: Withdrawal,
  event: WithdrawalEventType,
  patch: WithdrawalPatch = {},
  detail: Record<string, unknown> = {},
): Promise<Withdrawal> {
  const next = transition(withdrawal.status, event);
  const columns: Record<string, unknown> = { status: next, status_changed_at: trx.fn.now() };
  if (patch.approvedAt !== undefined) columns.approved_at = patch.approvedAt;
  if (patch.releaseAt !== undefined) columns.release_at = patch.releaseAt;
  if (patch.reviewedBy !== undefined) columns.reviewed_by = patch.reviewedBy;
  if (patch.reviewNote !== undefined) columns.review_note = patch.reviewNote;
  if (patch.solo !== undefined) columns.solo = patch.solo;
  if (patch.batchId !== undefined) columns.batch_id = patch.batchId;
  if (patch.minerFeeShareKoinu !== undefined)
    columns.miner_fee_share_koinu = patch.minerFeeShareKoinu?.toString() ?? null;
  if (patch.failureCode !== undefined) columns.failure_code = patch.failureCode;
  if (patch.failureReason !== undefined) columns.failure_reason = patch.failureReason;
  const updated = await trx(WITHDRAWALS)
    .where({ withdrawal_id: withdrawal.withdrawalId, status: withdrawal.status })
    .update(columns);
  if (updated !== 1)
    throw new Error(
      `withdrawal ${withdrawal.withdrawalId} changed while moving ${event} from ${withdrawal.status}`,
    );
  await trx(STEPS).insert({
    withdrawal_id: withdrawal.withdrawalId,
    step: event,
    from_status: withdrawal.status,
    to_status: next,
    detail: JSON.stringify(detail, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    ),
  });
  const after = await findWithdrawal(trx, withdrawal.withdrawalId);
  if (!after) throw new Error(`withdrawal ${withdrawal.withdrawalId} vanished`);
  return after;
}

/** Approved (or waiting) withdrawals, oldest approval first, locked for the batch being built. */
export async function batchCandidates(trx: Knex.Transaction, limit: number): Promise<Withdrawal[]> {
  const rows = await trx(WITHDRAWALS)
    .whereIn('status', ['APPROVED', 'WAITING_FOR_FUNDS'])
    .orderBy([{ column: 'approved_at' }, { column: 'withdrawal_id' }])
    .limit(limit)
    .forUpdate()
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

export async function dueCoolDowns(trx: Knex.Transaction, now: Date, limit: number): Promise<Withdrawal[]> {
  const rows = await trx(WITHDRAWALS)
    .where({ status: 'COOLING_DOWN' })
    .andWhere('release_at', '<=', now)
    .orderBy('release_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .select<WithdrawalRow[]>('*');
  return rows.map(toWithdrawal);
}

export async function countByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db(WITHDRAWALS)
    .select('status')
    .count<{ status: string; count: string }[]>({ count: '*' })
    .groupBy('status');
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

// ---------------------------------------------------------------- coins

export type CoinStatus = 'UNCONFIRMED_CHANGE' | 'AVAILABLE' | 'RESERVED' | 'SPENT' | 'REVERSED';

export interface HotCoin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  address: string;
  derivationPath: string;
  source: 'DEPOSIT' | 'CHANGE';
  status: CoinStatus;
  batchId: string | null;
}

interface CoinRow {
  txid: string;
  vout: number;
  amount_koinu: string;
  address: string;
  derivation_path: string;
  source: 'DEPOSIT' | 'CHANGE';
  status: CoinStatus;
  batch_id: string | null;
}

function toCoin(row: CoinRow): HotCoin {
  return {
    txid: row.txid,
    vout: row.vout,
    amountKoinu: BigInt(row.amount_koinu),
    address: row.address,
    derivationPath: row.derivation_path,
    source: row.source,
    status: row.status,
    batchId: row.batch_id,
  };
}

export async function savePreviousTransaction(
  trx: Knex.Transaction,
  txid: string,
  rawHex: string,
): Promise<void> {
  await trx(PREVIOUS).insert({ txid, raw_hex: rawHex }).onConflict('txid').ignore();
}

export async function previousTransactions(db: Db, txids: readonly string[]): Promise<Map<string, string>> {
  const rows = await db(PREVIOUS)
    .whereIn('txid', [...new Set(txids)])
    .select<{ txid: string; raw_hex: string }[]>('txid', 'raw_hex');
  return new Map(rows.map((row) => [row.txid, row.raw_hex]));
}

/** Adds a coin; false when the outpoint is already known (a replayed deposit or change). */
export async function addCoin(
  trx: Knex.Transaction,
  coin: Omit<HotCoin, 'batchId'> & { createdByBatchId?: string | null; sourceEventId?: string | null },
): Promise<boolean> {
  const inserted = await trx(COINS)
    .insert({
      txid: coin.txid,
      vout: coin.vout,
      amount_koinu: coin.amountKoinu.toString(),
      address: coin.address,
      derivation_path: coin.derivationPath,
      source: coin.source,
      status: coin.status,
      created_by_batch_id: coin.createdByBatchId ?? null,
      source_event_id: coin.sourceEventId ?? null,
    })
    .onConflict(['txid', 'vout'])
    .ignore()
    .returning('txid');
  return inserted.length > 0;
}

export async function findCoin(
  trx: Knex.Transaction,
  txid: string,
  vout: number,
): Promise<HotCoin | undefined> {
  const row = await trx(COINS).where({ txid, vout }).forUpdate().first<CoinRow | undefined>();
  return row ? toCoin(row) : undefined;
}

export async function availableCoins(trx: Knex.Transaction): Promise<HotCoin[]> {
  const rows = await trx(COINS).where({ status: 'AVAILABLE' }).forUpdate().select<CoinRow[]>('*');
  return rows.map(toCoin);
}

export async function coinsOfBatch(db: Db, batchId: string): Promise<HotCoin[]> {
  const rows = await db(COINS).where({ batch_id: batchId }).select<CoinRow[]>('*');
  return rows.map(toCoin);
}

async function setCoinStatus(
  trx: Knex.Transaction,
  where: Record<string, unknown>,
  from: CoinStatus[],
  columns: Record<string, unknown>,
) {
  return trx(COINS)
    .where(where)
    .whereIn('status', from)
    .update({ ...columns, updated_at: trx.fn.now() });
}

export async function reserveCoins(
  trx: Knex.Transaction,
  coins: readonly { txid: string; vout: number }[],
  batchId: string,
): Promise<void> {
  for (const coin of coins) {
    const updated = await setCoinStatus(trx, { txid: coin.txid, vout: coin.vout }, ['AVAILABLE'], {
      status: 'RESERVED',
      batch_id: batchId,
    });
    if (updated !== 1) throw new Error(`coin ${coin.txid}:${coin.vout} was not available to reserve`);
  }
}

/** Puts a batch's reserved coins back; returns how many. */
export async function releaseCoins(trx: Knex.Transaction, batchId: string): Promise<number> {
  return setCoinStatus(trx, { batch_id: batchId }, ['RESERVED'], { status: 'AVAILABLE', batch_id: null });
}

export async function markCoinsSpent(trx: Knex.Transaction, batchId: string): Promise<number> {
  return setCoinStatus(trx, { batch_id: batchId }, ['RESERVED'], { status: 'SPENT' });
}

export async function releaseOneCoin(trx: Knex.Transaction, txid: string, vout: number): Promise<number> {
  return setCoinStatus(trx, { txid, vout }, ['RESERVED', 'SPENT'], { status: 'AVAILABLE', batch_id: null });
}

export async function reverseCoin(trx: Knex.Transaction, txid: string, vout: number): Promise<number> {
  return setCoinStatus(trx, { txid, vout }, ['AVAILABLE', 'RESERVED', 'UNCONFIRMED_CHANGE'], {
    status: 'REVERSED',
  });
}

export async function makeChangeAvailable(trx: Knex.Transaction, batchId: string): Promise<number> {
  return setCoinStatus(trx, { created_by_batch_id: batchId }, ['UNCONFIRMED_CHANGE'], {
    status: 'AVAILABLE',
  });
}

export async function hotWalletSummary(
  db: Db,
): Promise<{ status: string; count: number; totalKoinu: bigint }[]> {
  const rows = await db(COINS)
    .select<{ status: string; count: string; total: string }[]>(
      'status',
      db.raw('count(*) as count'),
      db.raw('sum(amount_koinu) as total'),
    )
    .groupBy('status');
  return rows.map((row) => ({ status: row.status, count: Number(row.count), totalKoinu: BigInt(row.total) }));
}

export async function nextChangeIndex(trx: Knex.Transaction): Promise<number> {
  const result = await trx.raw<{ rows: { index: string }[] }>(
    `select nextval('${SCHEMA}.change_index_seq') as index`,
  );
  return Number(result.rows[0]!.index);
}

// ---------------------------------------------------------------- batches

export type BatchStatus =
  'AWAITING_SIGNATURE' | 'SIGNED' | 'BROADCAST' | 'CONFIRMED' | 'REFUSED' | 'CANCELLED' | 'DROPPED';

export interface BatchInput {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  derivationPath: string;
}

export interface BatchOutput {
  scriptHex: string;
  amountKoinu: bigint;
  /** null for the change output. */
  withdrawalId: string | null;
}

export interface Batch {
  batchId: string;
  status: BatchStatus;
  psbtBase64: string;
  inputs: BatchInput[];
  outputs: BatchOutput[];
  feeKoinu: bigint;
  estimatedSizeBytes: number;
  changeIndex: number | null;
  changeDerivationPath: string | null;
  changeKoinu: bigint;
  rawTxHex: string | null;
  txid: string | null;
  signedSizeBytes: number | null;
  broadcastAttempts: number;
  lastBroadcastError: string | null;
  broadcastAt: Date | null;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
  dropChecks: number;
  correlationId: string;
  createdAt: Date;
}

interface BatchRow {
  batch_id: string;
  status: BatchStatus;
  psbt_base64: string;
  inputs: { txid: string; vout: number; amountKoinu: string; derivationPath: string }[];
  outputs: { scriptHex: string; amountKoinu: string; withdrawalId: string | null }[];
  fee_koinu: string;
  estimated_size_bytes: number;
  change_index: number | null;
  change_derivation_path: string | null;
  change_koinu: string;
  raw_tx_hex: string | null;
  txid: string | null;
  signed_size_bytes: number | null;
  broadcast_attempts: number;
  last_broadcast_error: string | null;
  broadcast_at: Date | null;
  confirmations: number;
  block_hash: string | null;
  block_height: string | null;
  drop_checks: number;
  correlation_id: string;
  created_at: Date;
}

function toBatch(row: BatchRow): Batch {
  return {
    batchId: row.batch_id,
    status: row.status,
    psbtBase64: row.psbt_base64,
    inputs: row.inputs.map((input) => ({ ...input, amountKoinu: BigInt(input.amountKoinu) })),
    outputs: row.outputs.map((output) => ({ ...output, amountKoinu: BigInt(output.amountKoinu) })),
    feeKoinu: BigInt(row.fee_koinu),
    estimatedSizeBytes: row.estimated_size_bytes,
    changeIndex: row.change_index,
    changeDerivationPath: row.change_derivation_path,
    changeKoinu: BigInt(row.change_koinu),
    rawTxHex: row.raw_tx_hex,
    txid: row.txid,
    signedSizeBytes: row.signed_size_bytes,
    broadcastAttempts: row.broadcast_attempts,
    lastBroadcastError: row.last_broadcast_error,
    broadcastAt: row.broadcast_at,
    confirmations: row.confirmations,
    blockHash: row.block_hash,
    blockHeight: row.block_height === null ? null : Number(row.block_height),
    dropChecks: row.drop_checks,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
  };
}

export async function insertBatch(
  trx: Knex.Transaction,
  batch: Omit<
    Batch,
    | 'status'
    | 'rawTxHex'
    | 'txid'
    | 'signedSizeBytes'
    | 'broadcastAttempts'
    | 'lastBroadcastError'
    | 'broadcastAt'
    | 'confirmations'
    | 'blockHash'
    | 'blockHeight'
    | 'dropChecks'
    | 'createdAt'
  >,
): Promise<void> {
  await trx(BATCHES).insert({
    batch_id: batch.batchId,
    status: 'AWAITING_SIGNATURE',
    psbt_base64: batch.psbtBase64,
    inputs: JSON.stringify(
      batch.inputs.map((input) => ({ ...input, amountKoinu: input.amountKoinu.toString() })),
    ),
    outputs: JSON.stringify(
      batch.outputs.map((output) => ({ ...output, amountKoinu: output.amountKoinu.toString() })),
    ),
    fee_koinu: batch.feeKoinu.toString(),
    estimated_size_bytes: batch.estimatedSizeBytes,
    change_index: batch.changeIndex,
    change_derivation_path: batch.changeDerivationPath,
    change_koinu: batch.changeKoinu.toString(),
    correlation_id: batch.correlationId,
  });
}

export async function findBatch(db: Db, batchId: string, forUpdate = false): Promise<Batch | undefined> {
  const query = db(BATCHES).where({ batch_id: batchId }).first<BatchRow | undefined>();
  const row = await (forUpdate ? query.forUpdate() : query);
  return row ? toBatch(row) : undefined;
}

export async function batchesWithStatus(db: Db, status: BatchStatus, limit: number): Promise<Batch[]> {
  const rows = await db(BATCHES).where({ status }).orderBy('created_at').limit(limit).select<BatchRow[]>('*');
  return rows.map(toBatch);
}

export interface BatchPatch {
  rawTxHex?: string;
  txid?: string;
  signedSizeBytes?: number;
  broadcastAttempts?: number;
  lastBroadcastError?: string | null;
  broadcastAt?: Date;
  confirmations?: number;
  blockHash?: string | null;
  blockHeight?: number | null;
  dropChecks?: number;
  refusalCode?: string;
  refusalReason?: string;
}

/** Updates a batch if it still has `from` status; returns whether it did. */
export async function updateBatch(
  trx: Knex.Transaction,
  batchId: string,
  from: BatchStatus,
  to: BatchStatus,
  patch: BatchPatch = {},
): Promise<boolean> {
  const columns: Record<string, unknown> = { status: to, updated_at: trx.fn.now() };
  const names: Record<keyof BatchPatch, string> = {
    rawTxHex: 'raw_tx_hex',
    txid: 'txid',
    signedSizeBytes: 'signed_size_bytes',
    broadcastAttempts: 'broadcast_attempts',
    lastBroadcastError: 'last_broadcast_error',
    broadcastAt: 'broadcast_at',
    confirmations: 'confirmations',
    blockHash: 'block_hash',
    blockHeight: 'block_height',
    dropChecks: 'drop_checks',
    refusalCode: 'refusal_code',
    refusalReason: 'refusal_reason',
  };
  for (const [key, column] of Object.entries(names) as [keyof BatchPatch, string][]) {
    if (patch[key] !== undefined) columns[column] = patch[key];
  }
  const updated = await trx(BATCHES).where({ batch_id: batchId, status: from }).update(columns);
  return updated === 1;
}
