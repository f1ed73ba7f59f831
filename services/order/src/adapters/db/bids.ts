/** The bids table: every bid kept, with its maximum, outcome, the price after it and its lock's state. */
import type { Knex } from 'knex';
import { koinuFromBigintColumn } from '@dbay/money';
import {
  BID_OUTCOMES,
  LOCK_STATES,
  type BidRecord,
  type BidStatus,
  type LockState,
} from '../../domain/auction-records.js';

const TABLE = 'bids';

interface BidRow {
  id: string;
  auction_id: string;
  bidder_id: string;
  max_koinu: string;
  outcome: string;
  lock_state: string;
  refusal_code: string | null;
  price_after_koinu: string | null;
  placed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function member<T extends string>(values: readonly T[], value: string, what: string): T {
  if (!(values as readonly string[]).includes(value))
    throw new Error(`unknown ${what} in the database: ${value}`);
  return value as T;
}

function bidFromRow(row: BidRow): BidRecord {
  return {
    id: row.id,
    auctionId: row.auction_id,
    bidderId: row.bidder_id,
    maxKoinu: koinuFromBigintColumn(row.max_koinu),
    outcome: member<BidStatus>(BID_OUTCOMES, row.outcome, 'bid outcome'),
    lockState: member<LockState>(LOCK_STATES, row.lock_state, 'lock state'),
    refusalCode: row.refusal_code,
    priceAfterKoinu: row.price_after_koinu === null ? null : koinuFromBigintColumn(row.price_after_koinu),
    placedAt: row.placed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Unique violation of bids_one_pending: the bidder already has a bid in flight on this auction. */
export function isBidInFlightConflict(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'bids_one_pending';
}

export async function insertPendingBid(
  trx: Knex.Transaction,
  bid: { id: string; auctionId: string; bidderId: string; maxKoinu: bigint },
  now: Date,
): Promise<void> {
  await trx(TABLE).insert({
    id: bid.id,
    auction_id: bid.auctionId,
    bidder_id: bid.bidderId,
    max_koinu: bid.maxKoinu.toString(),
    outcome: 'PENDING',
    lock_state: 'NONE',
    created_at: now,
    updated_at: now,
  });
}

export async function findBid(db: Knex | Knex.Transaction, id: string): Promise<BidRecord | undefined> {
  const row = await db<BidRow>(TABLE).where({ id }).first();
  return row && bidFromRow(row);
}

export async function lockBid(trx: Knex.Transaction, id: string): Promise<BidRecord | undefined> {
  const row = await trx<BidRow>(TABLE).where({ id }).forUpdate().first();
  return row && bidFromRow(row);
}

export interface BidChange {
  outcome?: BidStatus;
  lockState?: LockState;
  refusalCode?: string | null;
  priceAfterKoinu?: bigint | null;
  placedAt?: Date | null;
}

export async function updateBid(
  trx: Knex.Transaction,
  id: string,
  change: BidChange,
  now: Date,
): Promise<void> {
  const updated = await trx(TABLE)
    .where({ id })
    .update({
      ...(change.outcome === undefined ? {} : { outcome: change.outcome }),
      ...(change.lockState === undefined ? {} : { lock_state: change.lockState }),
      ...(change.refusalCode === undefined ? {} : { refusal_code: change.refusalCode }),
      ...(change.priceAfterKoinu === undefined
        ? {}
        : { price_after_koinu: change.priceAfterKoinu?.toString() ?? null }),
      ...(change.placedAt === undefined ? {} : { placed_at: change.placedAt }),
      updated_at: now,
    });
  if (updated !== 1) throw new Error(`bid ${id} does not exist`);
}

/** Moves the lock state of a bidder's bids on an auction (the wallet answered for their one lock). */
export async function moveLockState(
  trx: Knex.Transaction,
  lock: { auctionId: string; bidderId: string },
  from: readonly LockState[],
  to: LockState,
  now: Date,
): Promise<number> {
  return trx(TABLE)
    .where({ auction_id: lock.auctionId, bidder_id: lock.bidderId })
    .whereIn('lock_state', [...from])
    .update({ lock_state: to, updated_at: now });
}

/** A bidder's bids on an auction whose lock is in the given state. */
export async function bidsWithLock(
  db: Knex | Knex.Transaction,
  auctionId: string,
  bidderId: string,
  lockState: LockState,
): Promise<BidRecord[]> {
  const rows = await db<BidRow>(TABLE).where({
    auction_id: auctionId,
    bidder_id: bidderId,
    lock_state: lockState,
  });
  return rows.map(bidFromRow);
}

/** Whether any bid on the auction is PENDING: its lock may be on its way to the wallet. */
export async function hasPendingBid(trx: Knex.Transaction, auctionId: string): Promise<boolean> {
  const row = await trx<BidRow>(TABLE).where({ auction_id: auctionId, outcome: 'PENDING' }).first('id');
  return row !== undefined;
}

/**
 * The leader's raise refused because the auction had just ended (REFUSED, MERGED), placed after their
 * leading bid: its lock command set the wallet's lock last, so the lock's release must name it.
 */
export async function latestMergedRaise(
  trx: Knex.Transaction,
  leading: BidRecord,
): Promise<BidRecord | undefined> {
  const row = await trx<BidRow>(TABLE)
    .where({ auction_id: leading.auctionId, bidder_id: leading.bidderId, outcome: 'REFUSED' })
    .where('lock_state', 'MERGED')
    .where('created_at', '>', leading.createdAt)
    .orderBy('created_at', 'desc')
    .first();
  return row && bidFromRow(row);
}

/** The bids of an auction that still lead or were outbid (for the close: everyone else lost). */
export async function liveBidsOf(trx: Knex.Transaction, auctionId: string): Promise<BidRecord[]> {
  const rows = await trx<BidRow>(TABLE)
    .where({ auction_id: auctionId })
    .whereIn('outcome', ['LEADING', 'OUTBID']);
  return rows.map(bidFromRow);
}

export async function bidsOfAuction(db: Knex, auctionId: string): Promise<BidRecord[]> {
  const rows = await db<BidRow>(TABLE)
    .where({ auction_id: auctionId })
    .whereNotIn('outcome', ['PENDING', 'REFUSED'])
    .orderBy([
      { column: 'placed_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
  return rows.map(bidFromRow);
}

export async function bidsOfBidder(db: Knex, bidderId: string, limit: number): Promise<BidRecord[]> {
  const rows = await db<BidRow>(TABLE)
    .where({ bidder_id: bidderId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(bidFromRow);
}

/** Bids left PENDING longer than `olderThanMs` (their request died between the lock and the record). */
export async function stalePendingBids(db: Knex, olderThanMs: number, limit: number): Promise<BidRecord[]> {
  const rows = await db<BidRow>(TABLE)
    .where({ outcome: 'PENDING' })
    .whereRaw(`created_at < order_now() - make_interval(secs => ? / 1000.0)`, [olderThanMs])
    .orderBy('created_at')
    .limit(limit);
  return rows.map(bidFromRow);
}
