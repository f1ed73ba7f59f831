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

/**
 * A set of public key hashes (40 hex digits) with a bitmap in front: one bit per value of a hash's first
 * six hex digits (2^24 bits, 2 MB), set for every hash added. A full block asks about ~8,850 output
 * hashes, nearly all strangers; the bitmap turns ~99 % of them away (at 100,000 hashes, 0.6 % of the bits
 * are set) before the Set is probed, which cost ~1 us a probe at 100,000 entries (cache misses), ~11 % of
 * the event loop in a catch-up's CPU profile. A clear bit proves absence; a set bit asks the Set.
 */
export class PubkeyHashSet {
  private readonly hashes = new Set<string>();
  private readonly bits = new Uint8Array(1 << 21);

  get size(): number {
    return this.hashes.size;
  }

  add(pubkeyHash: string): void {
    const bucket = PubkeyHashSet.bucketOf(pubkeyHash);
    this.bits[bucket >>> 3]! |= 1 << (bucket & 7);
    this.hashes.add(pubkeyHash);
  }

  has(pubkeyHash: string): boolean {
    const bucket = PubkeyHashSet.bucketOf(pubkeyHash);
    return (this.bits[bucket >>> 3]! & (1 << (bucket & 7))) !== 0 && this.hashes.has(pubkeyHash);
  }

  /** The first six hex digits as a number (anything else lands somewhere too: same string, same bucket). */
  private static bucketOf(pubkeyHash: string): number {
    return parseInt(pubkeyHash.substring(0, 6), 16) & 0xffffff; // NaN & n is 0
  }
}

/**
 * The watched public key hashes, held in memory so that a block's outputs are matched without a
 * database round trip: on a full block nearly every output pays someone else, and looking up all
 * of its ~9,000 hashes in PostgreSQL was the largest part of a scan (see docs/deposit-watcher.md).
 * The set only says "maybe": a hash it holds is still looked up in the table, which decides.
 *
 * `refresh()` reads the rows watched since the last refresh, with an overlap of `overlapMs` (the
 * backfill margin): a row whose `watched_at` (its insert's clock) lies before the last refresh but
 * whose transaction committed after it is read by the next one, unless that commit came more than
 * the margin late. That is the same bound the backfill of late-learned addresses already relies on.
 * The scanner refreshes before each block, after taking the block's `scannedAt`, so the set holds
 * every address the table held at that moment, as the single query did before. Concurrent calls
 * share one read. Addresses are never unwatched, so the set only grows.
 */
export class WatchedHashes {
  private readonly hashes = new PubkeyHashSet();
  /** The latest watched_at read so far; undefined before the first (full) read. */
  private highWater: Date | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly db: Knex,
    private readonly overlapMs: number,
  ) {}

  get size(): number {
    return this.hashes.size;
  }

  /** Whether the hash may belong to a watched address (the table decides). */
  has(pubkeyHash: string): boolean {
    return this.hashes.has(pubkeyHash);
  }

  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const query = this.db(TABLE).select('pubkey_hash', 'watched_at');
    if (this.highWater !== undefined)
      query.where('watched_at', '>=', new Date(this.highWater.getTime() - this.overlapMs));
    const rows = (await query) as Array<Pick<Row, 'pubkey_hash' | 'watched_at'>>;
    let highWater = this.highWater ?? new Date(0);
    for (const row of rows) {
      this.hashes.add(row.pubkey_hash);
      if (row.watched_at > highWater) highWater = row.watched_at;
    }
    this.highWater = highWater;
  }
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
