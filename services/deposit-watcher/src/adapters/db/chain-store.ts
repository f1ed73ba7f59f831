/**
 * The scanned chain: one row per block (height, hash, previous hash) and the cursor row that names
 * the stored tip. Every scan step locks the cursor and checks it is where the step expects, so a
 * second watcher (or a stale step) can never interleave or skip a block.
 */
import type { Knex } from 'knex';
import type { BlockRef, ChainBlock } from '../../domain/chain.js';

const BLOCKS = 'chain_blocks';
const CURSOR = 'chain_cursor';
const CURSOR_ID = 1;

export interface Cursor {
  tipHeight: number;
  /** Null until the first block is scanned: the block at tipHeight + 1 is then taken as it comes. */
  tipHash: string | null;
}

export class CursorMovedError extends Error {
  constructor(expected: Cursor, found: Cursor) {
    super(
      `chain cursor moved: expected ${expected.tipHeight}/${expected.tipHash ?? '-'}, ` +
        `found ${found.tipHeight}/${found.tipHash ?? '-'} (is a second watcher running?)`,
    );
    this.name = 'CursorMovedError';
  }
}

interface CursorRow {
  tip_height: string;
  tip_hash: string | null;
}

function toCursor(row: CursorRow): Cursor {
  return { tipHeight: Number(row.tip_height), tipHash: row.tip_hash };
}

/** Creates the cursor on first start so the first scanned block is `startHeight`. */
export async function ensureCursor(db: Knex, startHeight: number): Promise<Cursor> {
  await db(CURSOR)
    .insert({ id: CURSOR_ID, tip_height: startHeight - 1, tip_hash: null })
    .onConflict('id')
    .ignore();
  return readCursor(db);
}

export async function readCursor(db: Knex | Knex.Transaction): Promise<Cursor> {
  const row = (await db(CURSOR).where({ id: CURSOR_ID }).first()) as CursorRow | undefined;
  if (row === undefined) throw new Error('chain cursor missing: ensureCursor was not called');
  return toCursor(row);
}

/** Locks the cursor for the transaction and checks it is still `expected`. */
export async function lockCursorAt(trx: Knex.Transaction, expected: Cursor): Promise<void> {
  const row = (await trx(CURSOR).where({ id: CURSOR_ID }).forUpdate().first()) as CursorRow | undefined;
  if (row === undefined) throw new Error('chain cursor missing');
  const found = toCursor(row);
  if (found.tipHeight !== expected.tipHeight || found.tipHash !== expected.tipHash) {
    throw new CursorMovedError(expected, found);
  }
}

export async function moveCursor(trx: Knex.Transaction, cursor: Cursor): Promise<void> {
  await trx(CURSOR)
    .where({ id: CURSOR_ID })
    .update({ tip_height: cursor.tipHeight, tip_hash: cursor.tipHash, updated_at: trx.fn.now() });
}

export async function insertBlock(trx: Knex.Transaction, block: ChainBlock, scannedAt: Date): Promise<void> {
  await trx(BLOCKS).insert({
    height: block.height,
    hash: block.hash,
    previous_hash: block.previousHash,
    scanned_at: scannedAt,
    transaction_count: block.transactions.length,
  });
}

/** Up to `limit` stored blocks at or below `fromHeight`, highest first. */
export async function storedBlocksDescending(
  db: Knex | Knex.Transaction,
  fromHeight: number,
  limit: number,
): Promise<BlockRef[]> {
  const rows = (await db(BLOCKS)
    .select('height', 'hash')
    .where('height', '<=', fromHeight)
    .orderBy('height', 'desc')
    .limit(limit)) as Array<{ height: string; hash: string }>;
  return rows.map((row) => ({ height: Number(row.height), hash: row.hash }));
}

export async function lowestStoredHeight(db: Knex | Knex.Transaction): Promise<number | undefined> {
  const row = (await db(BLOCKS).select('height').orderBy('height', 'asc').first()) as
    { height: string } | undefined;
  return row === undefined ? undefined : Number(row.height);
}

export async function deleteBlocksAbove(trx: Knex.Transaction, height: number): Promise<number> {
  return trx(BLOCKS).where('height', '>', height).delete();
}

/** Stored blocks scanned within [from, to], lowest first. */
export async function blocksScannedBetween(db: Knex, from: Date, to: Date): Promise<BlockRef[]> {
  const rows = (await db(BLOCKS)
    .select('height', 'hash')
    .whereBetween('scanned_at', [from, to])
    .orderBy('height', 'asc')) as Array<{ height: string; hash: string }>;
  return rows.map((row) => ({ height: Number(row.height), hash: row.hash }));
}
