/**
 * The deposits table: one row per txid:vout paying a watched address, holding where the deposit is
 * in its life (domain/deposit.ts). Amounts are BIGINT koinu, converted to bigint here and only here.
 */
import type { Knex } from 'knex';
import type { Deposit, DepositStatus } from '../../domain/deposit.js';

const TABLE = 'deposits';

/** A deposit as stored: the domain state plus the id its events share. */
export interface StoredDeposit extends Deposit {
  correlationId: string;
}

interface Row {
  txid: string;
  vout: number;
  user_id: string;
  address: string;
  derivation_path: string;
  amount_koinu: string;
  status: DepositStatus;
  block_hash: string | null;
  block_height: string | null;
  confirmations: number;
  raw_transaction_hex: string;
  missing_polls: number;
  left_chain: boolean;
  correlation_id: string;
}

const STATUSES: readonly DepositStatus[] = ['pending', 'confirmed', 'reversed'];

function toDeposit(row: Row): StoredDeposit {
  if (!STATUSES.includes(row.status)) throw new Error(`unknown deposit status ${row.status}`);
  if (!/^[1-9]\d*$/.test(row.amount_koinu)) throw new Error(`bad amount_koinu ${row.amount_koinu}`);
  return {
    txid: row.txid,
    vout: row.vout,
    userId: row.user_id,
    address: row.address,
    derivationPath: row.derivation_path,
    amountKoinu: BigInt(row.amount_koinu),
    status: row.status,
    block:
      row.block_hash === null || row.block_height === null
        ? null
        : { hash: row.block_hash, height: Number(row.block_height) },
    confirmations: row.confirmations,
    rawTransactionHex: row.raw_transaction_hex,
    missingPolls: row.missing_polls,
    leftChain: row.left_chain,
    correlationId: row.correlation_id,
  };
}

export function outpointKey(txid: string, vout: number): string {
  return `${txid}:${vout}`;
}

export async function findDeposits(
  trx: Knex.Transaction,
  outpoints: ReadonlyArray<{ txid: string; vout: number }>,
): Promise<Map<string, StoredDeposit>> {
  const found = new Map<string, StoredDeposit>();
  if (outpoints.length === 0) return found;
  const txids = [...new Set(outpoints.map((outpoint) => outpoint.txid))];
  const rows = (await trx(TABLE).whereIn('txid', txids).forUpdate()) as Row[];
  for (const row of rows) found.set(outpointKey(row.txid, row.vout), toDeposit(row));
  return found;
}

/** Pending deposits in a block: the ones whose confirmations move with the tip. */
export async function pendingInBlocks(trx: Knex.Transaction): Promise<StoredDeposit[]> {
  const rows = (await trx(TABLE)
    .where({ status: 'pending' })
    .whereNotNull('block_height')
    .orderBy([{ column: 'block_height' }, { column: 'txid' }, { column: 'vout' }])
    .forUpdate()) as Row[];
  return rows.map(toDeposit);
}

/** Pending or confirmed deposits in a block above `height`: what a rollback to `height` disconnects. */
export async function depositsAbove(trx: Knex.Transaction, height: number): Promise<StoredDeposit[]> {
  const rows = (await trx(TABLE)
    .whereIn('status', ['pending', 'confirmed'])
    .where('block_height', '>', height)
    .orderBy([{ column: 'block_height' }, { column: 'txid' }, { column: 'vout' }])
    .forUpdate()) as Row[];
  return rows.map(toDeposit);
}

/** Pending or confirmed deposits in no block: the ones that must show up in the mempool or a block. */
export async function depositsOutOfChain(trx: Knex.Transaction): Promise<StoredDeposit[]> {
  const rows = (await trx(TABLE)
    .whereIn('status', ['pending', 'confirmed'])
    .whereNull('block_hash')
    .orderBy([{ column: 'txid' }, { column: 'vout' }])
    .forUpdate()) as Row[];
  return rows.map(toDeposit);
}

/** Inserts or updates the deposit; `now` stamps the transition. */
export async function saveDeposit(
  trx: Knex.Transaction,
  previous: Deposit | undefined,
  deposit: StoredDeposit,
  now: Date,
): Promise<void> {
  const row = {
    txid: deposit.txid,
    vout: deposit.vout,
    user_id: deposit.userId,
    address: deposit.address,
    derivation_path: deposit.derivationPath,
    amount_koinu: deposit.amountKoinu.toString(),
    status: deposit.status,
    block_hash: deposit.block?.hash ?? null,
    block_height: deposit.block?.height ?? null,
    confirmations: deposit.confirmations,
    raw_transaction_hex: deposit.rawTransactionHex,
    missing_polls: deposit.missingPolls,
    left_chain: deposit.leftChain,
    correlation_id: deposit.correlationId,
    updated_at: now,
  };
  if (previous === undefined) {
    await trx(TABLE).insert({ ...row, detected_at: now });
    return;
  }
  const stamps: Record<string, Date | null> = {};
  if (previous.status !== 'confirmed' && deposit.status === 'confirmed') stamps.confirmed_at = now;
  if (previous.status !== 'reversed' && deposit.status === 'reversed') stamps.reversed_at = now;
  const updated = await trx(TABLE)
    .where({ txid: deposit.txid, vout: deposit.vout })
    .update({ ...row, ...stamps });
  if (updated !== 1) throw new Error(`deposit ${deposit.txid}:${deposit.vout} vanished while saving`);
}
