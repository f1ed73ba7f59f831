/**
 * The hot wallet's coins and the previous transactions legacy P2PKH signing needs for each of them.
 * Rows become domain `HotWalletCoin`s here, once (BIGINT koinu through @dbay/money). A coin changes
 * status only by one of the domain's COIN_MOVES, applied to the coins that are in one of the move's
 * starting statuses; the functions return how many coins moved.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn } from '@dbay/money';
import {
  COIN_MOVES,
  COIN_SOURCES,
  COIN_STATUSES,
  type CoinMoveName,
  type CoinStatusTotal,
  type HotWalletCoin,
  type NewHotWalletCoin,
} from '../../domain/hot-wallet.js';
import { TABLES, oneOf, type Db } from './schema.js';

interface CoinRow {
  txid: string;
  vout: number;
  amount_koinu: string;
  address: string;
  derivation_path: string;
  source: string;
  status: string;
  batch_id: string | null;
  /** Joined from previous_transactions by availableCoins; 0 where not read. */
  previous_tx_bytes?: number | string;
}

function toCoin(row: CoinRow): HotWalletCoin {
  return {
    txid: row.txid,
    vout: row.vout,
    amountKoinu: koinuFromBigintColumn(row.amount_koinu),
    address: row.address,
    derivationPath: row.derivation_path,
    source: oneOf(COIN_SOURCES, row.source, 'coins.source'),
    status: oneOf(COIN_STATUSES, row.status, 'coins.status'),
    batchId: row.batch_id,
    previousTxBytes: Number(row.previous_tx_bytes ?? 0),
  };
}

/** Adds a coin; false when the outpoint is already known (a replayed deposit or change). */
export async function addCoin(trx: Knex.Transaction, coin: NewHotWalletCoin): Promise<boolean> {
  const inserted = await trx(TABLES.coins)
    .insert({
      txid: coin.txid,
      vout: coin.vout,
      amount_koinu: coin.amountKoinu.toString(),
      address: coin.address,
      derivation_path: coin.derivationPath,
      source: coin.source,
      status: coin.status,
      created_by_batch_id: coin.createdByBatchId,
      source_event_id: coin.sourceEventId,
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
): Promise<HotWalletCoin | undefined> {
  const row = await trx(TABLES.coins).where({ txid, vout }).forUpdate().first<CoinRow | undefined>();
  return row ? toCoin(row) : undefined;
}

/**
 * Every coin a new batch may take, locked for the batch being built, with the size of the transaction
 * that created it (the PSBT carries that transaction).
 */
export async function availableCoins(trx: Knex.Transaction): Promise<HotWalletCoin[]> {
  const rows = await trx(`${TABLES.coins} as c`)
    .whereIn('c.status', COIN_MOVES.RESERVE.from)
    .forUpdate()
    .select<CoinRow[]>(
      'c.*',
      trx.raw(
        `(SELECT length(p.raw_hex) / 2 FROM ${TABLES.previousTransactions} p WHERE p.txid = c.txid) AS previous_tx_bytes`,
      ),
    );
  return rows.map(toCoin);
}

/** The sum of the coins a batch may take (AVAILABLE), without locking them. */
export async function availableTotalKoinu(db: Db): Promise<bigint> {
  const [row] = await db(TABLES.coins)
    .whereIn('status', COIN_MOVES.RESERVE.from)
    .select<{ total: string | null }[]>(db.raw('cast(sum(amount_koinu) as bigint) as total'));
  return row?.total ? koinuFromBigintColumn(row.total) : 0n;
}

/**
 * Applies `move` to the coins matching `where` that are in one of its starting statuses, writing
 * `batchId` as their batch link when given (a reserved coin names its batch, a free one none).
 */
async function moveCoins(
  trx: Knex.Transaction,
  move: CoinMoveName,
  where: Record<string, string | number>,
  batchId?: string | null,
): Promise<number> {
  const { from, to } = COIN_MOVES[move];
  return trx(TABLES.coins)
    .where(where)
    .whereIn('status', from)
    .update({
      status: to,
      ...(batchId === undefined ? {} : { batch_id: batchId }),
      updated_at: trx.fn.now(),
    });
}

export async function reserveCoins(
  trx: Knex.Transaction,
  coins: readonly { txid: string; vout: number }[],
  batchId: string,
): Promise<void> {
  for (const coin of coins) {
    const moved = await moveCoins(trx, 'RESERVE', { txid: coin.txid, vout: coin.vout }, batchId);
    if (moved !== 1) throw new Error(`coin ${coin.txid}:${coin.vout} was not available to reserve`);
  }
}

/** Puts a batch's reserved coins back: the batch ended before broadcast. */
export async function releaseCoins(trx: Knex.Transaction, batchId: string): Promise<number> {
  return moveCoins(trx, 'RELEASE', { batch_id: batchId }, null);
}

/** A fee bump reserves the unconfirmed change it spends; false when the coin is not unconfirmed change. */
export async function reserveChangeForBump(
  trx: Knex.Transaction,
  coin: { txid: string; vout: number },
  batchId: string,
): Promise<boolean> {
  return (await moveCoins(trx, 'RESERVE_FOR_BUMP', { txid: coin.txid, vout: coin.vout }, batchId)) === 1;
}

/**
 * A fee bump ended before broadcast: its coin is the hot wallet's again, spendable at once when the
 * transaction that created it is confirmed deep enough, unconfirmed change otherwise.
 */
export async function releaseBumpCoin(
  trx: Knex.Transaction,
  batchId: string,
  spendable: boolean,
): Promise<number> {
  return moveCoins(trx, spendable ? 'RELEASE' : 'RELEASE_BUMP', { batch_id: batchId }, null);
}

export async function markCoinsSpent(trx: Knex.Transaction, batchId: string): Promise<number> {
  return moveCoins(trx, 'SPEND', { batch_id: batchId });
}

/** One input of a dropped transaction that is still unspent on chain becomes available again. */
export async function recoverCoinAfterDrop(
  trx: Knex.Transaction,
  txid: string,
  vout: number,
): Promise<number> {
  return moveCoins(trx, 'RECOVER_AFTER_DROP', { txid, vout }, null);
}

export async function reverseCoin(trx: Knex.Transaction, txid: string, vout: number): Promise<number> {
  return moveCoins(trx, 'REVERSE', { txid, vout });
}

/** A reversed deposit confirmed again and unspent on chain becomes available. */
export async function reinstateCoin(trx: Knex.Transaction, txid: string, vout: number): Promise<number> {
  return moveCoins(trx, 'REINSTATE', { txid, vout, source: 'DEPOSIT' }, null);
}

/** The change a batch's transaction created is now deep enough to spend. */
export async function makeChangeAvailable(trx: Knex.Transaction, batchId: string): Promise<number> {
  return moveCoins(trx, 'CHANGE_CONFIRMED', { created_by_batch_id: batchId });
}

/** Coins per status with their totals, for the review API. */
export async function hotWalletSummary(db: Db): Promise<CoinStatusTotal[]> {
  const rows = await db(TABLES.coins)
    .select<{ status: string; count: string; total: string }[]>(
      'status',
      db.raw('count(*) as count'),
      db.raw('cast(sum(amount_koinu) as bigint) as total'),
    )
    .groupBy('status');
  return rows.map((row) => ({
    status: oneOf(COIN_STATUSES, row.status, 'coins.status'),
    count: Number(row.count),
    totalKoinu: koinuFromBigintColumn(row.total),
  }));
}

export async function savePreviousTransaction(
  trx: Knex.Transaction,
  txid: string,
  rawHex: string,
): Promise<void> {
  await trx(TABLES.previousTransactions).insert({ txid, raw_hex: rawHex }).onConflict('txid').ignore();
}

/** The raw previous transactions of `txids`, by txid. */
export async function previousTransactions(db: Db, txids: readonly string[]): Promise<Map<string, string>> {
  const rows = await db(TABLES.previousTransactions)
    .whereIn('txid', [...new Set(txids)])
    .select<{ txid: string; raw_hex: string }[]>('txid', 'raw_hex');
  return new Map(rows.map((row) => [row.txid, row.raw_hex]));
}
