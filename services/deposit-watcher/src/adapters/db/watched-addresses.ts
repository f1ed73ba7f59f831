/**
 * The watched-address table: written by the deposit-address.assigned consumer, read by the scanner
 * to match outputs (by public key hash) and to find addresses learned after blocks were scanned.
 */
import type { Knex } from 'knex';
import type { WatchedAddress } from '../../domain/matching.js';

const TABLE = 'watched_addresses';

export interface NewWatchedAddress extends WatchedAddress {
  addressIndex: number;
  assignedAt: Date;
  assignedEventId: string;
}

export interface AddressAwaitingBackfill extends WatchedAddress {
  assignedAt: Date;
  watchedAt: Date;
}

interface Row {
  address: string;
  pubkey_hash: string;
  user_id: string;
  derivation_path: string;
  address_index: string;
  assigned_at: Date;
  watched_at: Date;
}

function toWatched(
  row: Pick<Row, 'address' | 'pubkey_hash' | 'user_id' | 'derivation_path'>,
): WatchedAddress {
  return {
    address: row.address,
    pubkeyHash: row.pubkey_hash,
    userId: row.user_id,
    derivationPath: row.derivation_path,
  };
}

export type InsertOutcome = 'inserted' | 'already-watched';

export class AddressConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressConflictError';
  }
}

/**
 * Starts watching an address. Assigning the same address to the same user again is a no-op (a
 * replay with new event ids); to another user, or on another path, is a bug upstream that must not
 * be papered over: it throws, and the consumer dead-letters the event after its retries.
 */
export async function watchAddress(
  trx: Knex.Transaction,
  address: NewWatchedAddress,
): Promise<InsertOutcome> {
  const inserted = await trx(TABLE)
    .insert({
      address: address.address,
      pubkey_hash: address.pubkeyHash,
      user_id: address.userId,
      derivation_path: address.derivationPath,
      address_index: address.addressIndex,
      assigned_at: address.assignedAt,
      assigned_event_id: address.assignedEventId,
      watched_at: trx.raw('clock_timestamp()'),
    })
    .onConflict('address')
    .ignore()
    .returning('address');
  if (inserted.length > 0) return 'inserted';
  const existing = (await trx(TABLE).where({ address: address.address }).first()) as Row | undefined;
  if (existing === undefined)
    throw new AddressConflictError(`address ${address.address} conflicts on its key hash`);
  if (existing.user_id !== address.userId || existing.derivation_path !== address.derivationPath) {
    throw new AddressConflictError(
      `address ${address.address} is already assigned to user ${existing.user_id} at ${existing.derivation_path}; ` +
        `refusing to reassign it to user ${address.userId} at ${address.derivationPath}`,
    );
  }
  return 'already-watched';
}

/** Watched addresses among the given public key hashes, keyed by hash. */
export async function watchedByPubkeyHashes(
  db: Knex | Knex.Transaction,
  pubkeyHashes: readonly string[],
): Promise<Map<string, WatchedAddress>> {
  const watched = new Map<string, WatchedAddress>();
  if (pubkeyHashes.length === 0) return watched;
  const result = await db.raw<{ rows: Row[] }>(
    `SELECT address, pubkey_hash, user_id, derivation_path FROM ${TABLE} WHERE pubkey_hash = ANY(?::char(40)[])`,
    [[...pubkeyHashes]],
  );
  const rows = result.rows;
  for (const row of rows) watched.set(row.pubkey_hash, toWatched(row));
  return watched;
}

export async function addressesAwaitingBackfill(db: Knex, limit: number): Promise<AddressAwaitingBackfill[]> {
  const rows = (await db(TABLE)
    .select('address', 'pubkey_hash', 'user_id', 'derivation_path', 'assigned_at', 'watched_at')
    .where({ backfilled: false })
    .orderBy('assigned_at')
    .limit(limit)) as Row[];
  return rows.map((row) => ({ ...toWatched(row), assignedAt: row.assigned_at, watchedAt: row.watched_at }));
}

export async function markBackfilled(trx: Knex.Transaction, addresses: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  await trx(TABLE).whereIn('address', addresses).update({ backfilled: true });
}

export async function countWatchedAddresses(db: Knex): Promise<number> {
  const result = await db.raw<{ rows: Array<{ count: string }> }>(`SELECT count(*) AS count FROM ${TABLE}`);
  return Number(result.rows[0]?.count ?? 0);
}
