/**
 * Proof-of-reserves storage: the users' liabilities read from the wallet's book in one consistent
 * snapshot (REPEATABLE READ, READ ONLY, through the reconciler's read-only role), and the reconciler's
 * own snapshot tables (migration 20261126000000). Money columns are converted once, here: the wallet's
 * NUMERIC(20,8) DOGE and the reconciler's BIGINT koinu.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn, koinuFromDecimalColumn } from '@dbay/money';
import type { Liability } from '@dbay/proof-of-reserves';
import { quoted, select } from './sql.js';

/** Rows inserted per statement, well under Postgres's bind-parameter limit. */
const INSERT_CHUNK_ROWS = 1_000;

export interface ReserveCoin {
  txid: string;
  vout: number;
  /** null for an output script that is not P2PKH (the hot wallet has none). */
  address: string | null;
  amountKoinu: bigint;
  confirmations: number;
}

export interface SnapshotHeader {
  snapshotId: string;
  createdAt: Date;
  runId: string;
  rootHash: string;
  totalKoinu: bigint;
  users: number;
  chainKoinu: bigint;
  inFlightKoinu: bigint;
  covered: boolean;
}

export interface StoredSnapshot extends SnapshotHeader {
  saltSecret: Buffer;
}

/**
 * Every user's available + locked + pending (escrowed funds sit in the buyer's locked bucket), and the
 * same total summed by Postgres, both from one snapshot of the wallet's tables.
 */
export async function readLiabilities(
  knex: Knex,
  walletSchema: string,
): Promise<{ liabilities: Liability[]; ledgerTotalKoinu: bigint }> {
  const w = quoted(walletSchema);
  return knex.transaction(
    async (trx) => {
      const rows = await select<{ user_id: string; total: string }>(
        trx,
        `SELECT user_id, available + locked + pending AS total FROM ${w}.wallet_balances ORDER BY user_id`,
      );
      const [sum] = await select<{ total: string }>(
        trx,
        `SELECT COALESCE(SUM(available + locked + pending), 0) AS total FROM ${w}.wallet_balances`,
      );
      return {
        liabilities: rows.map((row) => ({
          userId: row.user_id,
          balanceKoinu: koinuFromDecimalColumn(row.total),
        })),
        ledgerTotalKoinu: koinuFromDecimalColumn(sum?.total ?? '0'),
      };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}

async function insertChunked(trx: Knex.Transaction, table: string, rows: readonly object[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
    await trx(table).insert(rows.slice(start, start + INSERT_CHUNK_ROWS));
  }
}

/** Writes a snapshot, its leaves and its coins in one transaction: a snapshot is whole or absent. */
export async function insertSnapshot(
  knex: Knex,
  snapshot: StoredSnapshot,
  liabilities: readonly Liability[],
  coins: readonly ReserveCoin[],
): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('reserve_snapshots').insert({
      snapshot_id: snapshot.snapshotId,
      created_at: snapshot.createdAt,
      run_id: snapshot.runId,
      root_hash: snapshot.rootHash,
      total_koinu: snapshot.totalKoinu.toString(),
      users: snapshot.users,
      salt_secret: snapshot.saltSecret,
      chain_koinu: snapshot.chainKoinu.toString(),
      in_flight_koinu: snapshot.inFlightKoinu.toString(),
      covered: snapshot.covered,
    });
    await insertChunked(
      trx,
      'reserve_snapshot_liabilities',
      liabilities.map((liability) => ({
        snapshot_id: snapshot.snapshotId,
        user_id: liability.userId,
        balance_koinu: liability.balanceKoinu.toString(),
      })),
    );
    await insertChunked(
      trx,
      'reserve_snapshot_coins',
      coins.map((coin) => ({
        snapshot_id: snapshot.snapshotId,
        txid: coin.txid,
        vout: coin.vout,
        address: coin.address,
        amount_koinu: coin.amountKoinu.toString(),
        confirmations: coin.confirmations,
      })),
    );
  });
}

type SnapshotRow = {
  snapshot_id: string;
  created_at: Date;
  run_id: string;
  root_hash: string;
  total_koinu: string;
  users: number;
  salt_secret: Buffer;
  chain_koinu: string;
  in_flight_koinu: string;
  covered: boolean;
};

/** The newest snapshot, secret included (never to be published as such). */
export async function latestSnapshot(knex: Knex): Promise<StoredSnapshot | undefined> {
  const row = await knex('reserve_snapshots')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'snapshot_id', order: 'desc' },
    ])
    .first<SnapshotRow | undefined>('*');
  if (!row) return undefined;
  return {
    snapshotId: row.snapshot_id,
    createdAt: row.created_at,
    runId: row.run_id,
    rootHash: row.root_hash,
    totalKoinu: koinuFromBigintColumn(row.total_koinu),
    users: row.users,
    saltSecret: row.salt_secret,
    chainKoinu: koinuFromBigintColumn(row.chain_koinu),
    inFlightKoinu: koinuFromBigintColumn(row.in_flight_koinu),
    covered: row.covered,
  };
}

export async function snapshotLiabilities(knex: Knex, snapshotId: string): Promise<Liability[]> {
  const rows = await knex('reserve_snapshot_liabilities')
    .where({ snapshot_id: snapshotId })
    .select<{ user_id: string; balance_koinu: string }[]>('user_id', 'balance_koinu');
  return rows.map((row) => ({ userId: row.user_id, balanceKoinu: koinuFromBigintColumn(row.balance_koinu) }));
}

export async function snapshotCoins(knex: Knex, snapshotId: string): Promise<ReserveCoin[]> {
  const rows = await knex('reserve_snapshot_coins')
    .where({ snapshot_id: snapshotId })
    .orderBy(['txid', 'vout'])
    .select<
      { txid: string; vout: number; address: string | null; amount_koinu: string; confirmations: number }[]
    >('*');
  return rows.map((row) => ({
    txid: row.txid,
    vout: row.vout,
    address: row.address,
    amountKoinu: koinuFromBigintColumn(row.amount_koinu),
    confirmations: row.confirmations,
  }));
}
