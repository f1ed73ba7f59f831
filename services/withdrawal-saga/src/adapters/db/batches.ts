/**
 * The batches table: one row per hot-wallet transaction, from the unsigned PSBT to the stored signed
 * transaction and its fate on chain. Rows become domain `Batch`es here, once: BIGINT koinu columns and
 * the koinu strings inside the inputs/outputs jsonb through @dbay/money's koinuFromBigintColumn.
 * Status changes go through `updateBatch`, which asks the domain's BATCH_MOVES first.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn } from '@dbay/money';
import {
  BATCH_PURPOSES,
  BATCH_STATUSES,
  canMoveBatch,
  type Batch,
  type BatchStatus,
  type NewBatch,
} from '../../domain/batch.js';
import { CHAIN_EXITS, type ChainExit } from '../../domain/reorg-watch.js';
import { SCHEMA, TABLES, jsonColumn, oneOf, type Db } from './schema.js';

interface BatchRow {
  batch_id: string;
  status: string;
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
  watch_ended_at: Date | null;
  purpose: string;
  bumps_batch_id: string | null;
  broadcast_height: string | null;
  chain_exit: string | null;
  chain_exits: number;
  correlation_id: string;
  created_at: Date;
}

function toBatch(row: BatchRow): Batch {
  return {
    batchId: row.batch_id,
    status: oneOf(BATCH_STATUSES, row.status, 'batches.status'),
    psbtBase64: row.psbt_base64,
    inputs: row.inputs.map((input) => ({ ...input, amountKoinu: koinuFromBigintColumn(input.amountKoinu) })),
    outputs: row.outputs.map((output) => ({
      ...output,
      amountKoinu: koinuFromBigintColumn(output.amountKoinu),
    })),
    feeKoinu: koinuFromBigintColumn(row.fee_koinu),
    estimatedSizeBytes: row.estimated_size_bytes,
    changeIndex: row.change_index,
    changeDerivationPath: row.change_derivation_path,
    changeKoinu: koinuFromBigintColumn(row.change_koinu),
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
    watchEndedAt: row.watch_ended_at,
    purpose: oneOf(BATCH_PURPOSES, row.purpose, 'batches.purpose'),
    bumpsBatchId: row.bumps_batch_id,
    broadcastHeight: row.broadcast_height === null ? null : Number(row.broadcast_height),
    chainExit: row.chain_exit === null ? null : oneOf(CHAIN_EXITS, row.chain_exit, 'batches.chain_exit'),
    chainExits: row.chain_exits,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
  };
}

/** Stores a planned batch, AWAITING_SIGNATURE. */
export async function insertBatch(trx: Knex.Transaction, batch: NewBatch): Promise<void> {
  const status: BatchStatus = 'AWAITING_SIGNATURE';
  await trx(TABLES.batches).insert({
    batch_id: batch.batchId,
    status,
    psbt_base64: batch.psbtBase64,
    inputs: jsonColumn(batch.inputs),
    outputs: jsonColumn(batch.outputs),
    fee_koinu: batch.feeKoinu.toString(),
    estimated_size_bytes: batch.estimatedSizeBytes,
    change_index: batch.changeIndex,
    change_derivation_path: batch.changeDerivationPath,
    change_koinu: batch.changeKoinu.toString(),
    correlation_id: batch.correlationId,
    purpose: batch.purpose ?? 'WITHDRAWALS',
    bumps_batch_id: batch.bumpsBatchId ?? null,
  });
}

export async function findBatch(db: Db, batchId: string, forUpdate = false): Promise<Batch | undefined> {
  const query = db(TABLES.batches).where({ batch_id: batchId }).first<BatchRow | undefined>();
  const row = await (forUpdate ? query.forUpdate() : query);
  return row ? toBatch(row) : undefined;
}

export async function findBatchByTxid(db: Db, txid: string): Promise<Batch | undefined> {
  const row = await db(TABLES.batches).where({ txid }).first<BatchRow | undefined>();
  return row ? toBatch(row) : undefined;
}

/** Batches in `status`, oldest first. */
export async function batchesWithStatus(db: Db, status: BatchStatus, limit: number): Promise<Batch[]> {
  const rows = await db(TABLES.batches)
    .where({ status })
    .orderBy('created_at')
    .limit(limit)
    .select<BatchRow[]>('*');
  return rows.map(toBatch);
}

export interface BatchPatch {
  rawTxHex?: string;
  txid?: string;
  signedSizeBytes?: number;
  broadcastAttempts?: number;
  lastBroadcastError?: string | null;
  broadcastAt?: Date;
  broadcastHeight?: number;
  confirmations?: number;
  blockHash?: string | null;
  blockHeight?: number | null;
  dropChecks?: number;
  /** Why a batch ended before broadcast: the signer's code, our check's code, or why it was cancelled. */
  refusalCode?: string;
  refusalReason?: string;
}

const PATCH_COLUMNS: Record<keyof BatchPatch, string> = {
  rawTxHex: 'raw_tx_hex',
  txid: 'txid',
  signedSizeBytes: 'signed_size_bytes',
  broadcastAttempts: 'broadcast_attempts',
  lastBroadcastError: 'last_broadcast_error',
  broadcastAt: 'broadcast_at',
  broadcastHeight: 'broadcast_height',
  confirmations: 'confirmations',
  blockHash: 'block_hash',
  blockHeight: 'block_height',
  dropChecks: 'drop_checks',
  refusalCode: 'refusal_code',
  refusalReason: 'refusal_reason',
};

/**
 * Updates a batch if it still has `from` status; returns whether it did. A move BATCH_MOVES does not
 * allow is a bug and throws before anything is written.
 */
export async function updateBatch(
  trx: Knex.Transaction,
  batchId: string,
  from: BatchStatus,
  to: BatchStatus,
  patch: BatchPatch = {},
): Promise<boolean> {
  if (!canMoveBatch(from, to)) throw new Error(`batch ${batchId} cannot go from ${from} to ${to}`);
  const columns: Record<string, unknown> = { status: to, updated_at: trx.fn.now() };
  for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof BatchPatch, string][]) {
    if (patch[key] !== undefined) columns[column] = patch[key];
  }
  const updated = await trx(TABLES.batches).where({ batch_id: batchId, status: from }).update(columns);
  return updated === 1;
}

/**
 * The blocks holding confirmed transactions still watched for deep reorganisations (not off the chain
 * already: those are `batchesOffChain`), oldest first, so a backlog of deep ones ends its watch first.
 */
export async function watchedBlocks(db: Db, limit: number): Promise<string[]> {
  const rows = await db(TABLES.batches)
    .where({ status: 'CONFIRMED' })
    .whereNull('watch_ended_at')
    .whereNull('chain_exit')
    .groupBy('block_hash')
    .orderByRaw('max(block_height)')
    .limit(limit)
    .select<{ block_hash: string }[]>('block_hash');
  return rows.map((row) => row.block_hash);
}

/** The watched confirmed batches whose transaction was last seen in `blockHash`. */
export async function watchedBatchesInBlock(db: Db, blockHash: string): Promise<Batch[]> {
  const rows = await db(TABLES.batches)
    .where({ status: 'CONFIRMED', block_hash: blockHash })
    .whereNull('watch_ended_at')
    .whereNull('chain_exit')
    .orderBy('created_at')
    .select<BatchRow[]>('*');
  return rows.map(toBatch);
}

/** Confirmed batches whose transaction a reorganisation took out of the chain, oldest block first. */
export async function batchesOffChain(db: Db, limit: number): Promise<Batch[]> {
  const rows = await db(TABLES.batches)
    .where({ status: 'CONFIRMED' })
    .whereNotNull('chain_exit')
    .orderBy('block_height')
    .orderBy('created_at')
    .limit(limit)
    .select<BatchRow[]>('*');
  return rows.map(toBatch);
}

/** Ends the watch of every confirmed batch in `blockHash` (now deep enough); returns how many. */
export async function endWatch(db: Db, blockHash: string): Promise<number> {
  return db(TABLES.batches)
    .where({ status: 'CONFIRMED', block_hash: blockHash })
    .whereNull('watch_ended_at')
    .whereNull('chain_exit')
    .update({ watch_ended_at: db.fn.now(), updated_at: db.fn.now() });
}

export interface WatchPatch {
  chainExit: ChainExit | null;
  /** True when it is leaving the chain on this look (counts an exit and stamps left_chain_at). */
  leaving: boolean;
  /** The block now holding it, when it is in the chain. */
  inChain: { blockHash: string; blockHeight: number; confirmations: number } | null;
}

/** Records a look at a watched confirmed batch; a CONFIRMED batch stays CONFIRMED. */
export async function recordWatch(
  trx: Knex.Transaction,
  batchId: string,
  patch: WatchPatch,
): Promise<boolean> {
  const columns: Record<string, unknown> = { chain_exit: patch.chainExit, updated_at: trx.fn.now() };
  if (patch.leaving) {
    columns.left_chain_at = trx.fn.now();
    columns.chain_exits = trx.raw('chain_exits + 1');
  }
  if (patch.inChain) {
    columns.block_hash = patch.inChain.blockHash;
    columns.block_height = patch.inChain.blockHeight;
    columns.confirmations = patch.inChain.confirmations;
  }
  const updated = await trx(TABLES.batches).where({ batch_id: batchId, status: 'CONFIRMED' }).update(columns);
  return updated === 1;
}

/** The number of confirmed batches out of the chain now (the alerting gauge). */
export async function countOffChain(db: Db): Promise<number> {
  const rows = await db(TABLES.batches)
    .where({ status: 'CONFIRMED' })
    .whereNotNull('chain_exit')
    .count<{ count: string }[]>({ count: '*' });
  return Number(rows[0]!.count);
}

/**
 * Withdrawals batches broadcast at or below `height` and still unconfirmed, with a change output and
 * fewer than `maxBumps` bumps: the candidates for a child-pays-for-parent bump, oldest first.
 */
export async function stuckBatches(
  db: Db,
  height: number,
  maxBumps: number,
  limit: number,
): Promise<Batch[]> {
  const rows = await db(`${TABLES.batches} as b`)
    .where({ 'b.status': 'BROADCAST', 'b.purpose': 'WITHDRAWALS', 'b.confirmations': 0 })
    .whereNotNull('b.change_index')
    .where('b.broadcast_height', '<=', height)
    // Not those bumped as often as allowed: they would fill every page and starve the newer ones.
    .whereRaw(`(select count(*) from ${TABLES.batches} bump where bump.bumps_batch_id = b.batch_id) < ?`, [
      maxBumps,
    ])
    .orderBy('b.broadcast_height')
    .limit(limit)
    .select<BatchRow[]>('b.*');
  return rows.map(toBatch);
}

/** Every fee bump of `batchId`, oldest first. */
export async function bumpsOf(db: Db, batchId: string): Promise<Batch[]> {
  const rows = await db(TABLES.batches)
    .where({ bumps_batch_id: batchId })
    .orderBy('created_at')
    .select<BatchRow[]>('*');
  return rows.map(toBatch);
}

/** The newest sweep to cold storage, if any. */
export async function lastSweep(db: Db): Promise<Batch | undefined> {
  const row = await db(TABLES.batches)
    .where({ purpose: 'SWEEP' })
    .orderBy('created_at', 'desc')
    .first<BatchRow | undefined>();
  return row ? toBatch(row) : undefined;
}

/** The next receive index of the cold account: a sequence, so none is ever reused. */
export async function nextColdIndex(trx: Knex.Transaction): Promise<number> {
  const result = await trx.raw<{ rows: { index: string }[] }>(
    `select nextval('${SCHEMA}.cold_index_seq') as index`,
  );
  return Number(result.rows[0]!.index);
}

/** Records a broadcast sweep's outputs to the cold account (idempotent). */
export async function recordColdCoins(trx: Knex.Transaction, batch: Batch): Promise<number> {
  const rows = batch.outputs.flatMap((output, vout) =>
    output.coldIndex === undefined
      ? []
      : [
          {
            txid: batch.txid!,
            vout,
            amount_koinu: output.amountKoinu.toString(),
            address: output.coldAddress!,
            cold_index: output.coldIndex,
            batch_id: batch.batchId,
          },
        ],
  );
  if (rows.length === 0) return 0;
  await trx(`${SCHEMA}.cold_coins`).insert(rows).onConflict(['txid', 'vout']).ignore();
  return rows.length;
}

/** The next change index: a Postgres sequence, so a rolled-back batch leaves a gap, never a reuse. */
export async function nextChangeIndex(trx: Knex.Transaction): Promise<number> {
  const result = await trx.raw<{ rows: { index: string }[] }>(
    `select nextval('${SCHEMA}.change_index_seq') as index`,
  );
  return Number(result.rows[0]!.index);
}
