/**
 * The auctions table: an auction row is the pure Auction (domain/auction) plus the item and the order
 * it made; converted here once (BIGINT koinu through @dbay/money), locked FOR UPDATE for every decision,
 * written back with a version guard.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn } from '@dbay/money';
import type { Auction, AuctionEnding, AuctionStatus, UnsoldReason } from '../../domain/auction/index.js';
import type { AuctionRecord } from '../../domain/auction-records.js';
import { decodeCursor, encodeCursor } from './listings.js';

const TABLE = 'auctions';

interface AuctionRow {
  id: string;
  seller_id: string;
  title: string;
  description: string;
  shipping_days: number;
  status: string;
  start_price_koinu: string;
  reserve_koinu: string | null;
  buy_now_offered_koinu: string | null;
  buy_now_koinu: string | null;
  ends_at: Date;
  leader_bid_id: string | null;
  leader_bidder_id: string | null;
  leader_max_koinu: string | null;
  leader_placed_at: Date | null;
  price_koinu: string | null;
  bid_count: number;
  reserve_met: boolean;
  buy_now_order_id: string | null;
  ending_kind: string | null;
  ending_via: string | null;
  ending_buyer_id: string | null;
  ending_price_koinu: string | null;
  ending_reason: string | null;
  ended_at: Date | null;
  order_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const koinu = (value: string | null): bigint | null => (value === null ? null : koinuFromBigintColumn(value));
const text = (value: bigint | null): string | null => (value === null ? null : value.toString());

function statusOf(value: string): AuctionStatus {
  if (value === 'OPEN' || value === 'CLOSED' || value === 'CANCELLED') return value;
  throw new Error(`unknown auction status in the database: ${value}`);
}

function endingOf(row: AuctionRow): AuctionEnding | null {
  if (row.ending_kind === null || row.ended_at === null) return null;
  if (row.ending_kind === 'SOLD') {
    const via = row.ending_via === 'BUY_NOW' ? 'BUY_NOW' : 'BIDDING';
    return {
      kind: 'SOLD',
      via,
      buyerId: row.ending_buyer_id!,
      priceKoinu: koinu(row.ending_price_koinu)!,
      at: row.ended_at,
    };
  }
  return { kind: 'UNSOLD', reason: row.ending_reason as UnsoldReason, at: row.ended_at };
}

export function auctionFromRow(row: AuctionRow): AuctionRecord {
  const auction: Auction = {
    id: row.id,
    sellerId: row.seller_id,
    status: statusOf(row.status),
    startPriceKoinu: koinuFromBigintColumn(row.start_price_koinu),
    reserveKoinu: koinu(row.reserve_koinu),
    buyNowKoinu: koinu(row.buy_now_koinu),
    endsAt: row.ends_at,
    leader:
      row.leader_bid_id === null
        ? null
        : {
            bidId: row.leader_bid_id,
            bidderId: row.leader_bidder_id!,
            maxKoinu: koinu(row.leader_max_koinu)!,
            placedAt: row.leader_placed_at!,
          },
    priceKoinu: koinu(row.price_koinu),
    bidCount: row.bid_count,
    reserveMet: row.reserve_met,
    ending: endingOf(row),
  };
  return {
    auction,
    title: row.title,
    description: row.description,
    shippingDays: row.shipping_days,
    buyNowOfferedKoinu: koinu(row.buy_now_offered_koinu),
    buyNowOrderId: row.buy_now_order_id,
    orderId: row.order_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function rowOf(record: AuctionRecord): AuctionRow {
  const { auction } = record;
  const ending = auction.ending;
  return {
    id: auction.id,
    seller_id: auction.sellerId,
    title: record.title,
    description: record.description,
    shipping_days: record.shippingDays,
    status: auction.status,
    start_price_koinu: auction.startPriceKoinu.toString(),
    reserve_koinu: text(auction.reserveKoinu),
    buy_now_offered_koinu: text(record.buyNowOfferedKoinu),
    buy_now_koinu: text(auction.buyNowKoinu),
    ends_at: auction.endsAt,
    leader_bid_id: auction.leader?.bidId ?? null,
    leader_bidder_id: auction.leader?.bidderId ?? null,
    leader_max_koinu: text(auction.leader?.maxKoinu ?? null),
    leader_placed_at: auction.leader?.placedAt ?? null,
    price_koinu: text(auction.priceKoinu),
    bid_count: auction.bidCount,
    reserve_met: auction.reserveMet,
    buy_now_order_id: record.buyNowOrderId,
    ending_kind: ending?.kind ?? null,
    ending_via: ending?.kind === 'SOLD' ? ending.via : null,
    ending_buyer_id: ending?.kind === 'SOLD' ? ending.buyerId : null,
    ending_price_koinu: ending?.kind === 'SOLD' ? ending.priceKoinu.toString() : null,
    ending_reason: ending?.kind === 'UNSOLD' ? ending.reason : null,
    ended_at: ending?.at ?? null,
    order_id: record.orderId,
    version: record.version,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

export async function insertAuction(trx: Knex.Transaction, record: AuctionRecord): Promise<void> {
  const row = rowOf(record);
  await trx(TABLE).insert({
    id: row.id,
    seller_id: row.seller_id,
    title: row.title,
    description: row.description,
    shipping_days: row.shipping_days,
    status: row.status,
    start_price_koinu: row.start_price_koinu,
    reserve_koinu: row.reserve_koinu,
    buy_now_offered_koinu: row.buy_now_offered_koinu,
    buy_now_koinu: row.buy_now_koinu,
    ends_at: row.ends_at,
    leader_bid_id: row.leader_bid_id,
    leader_bidder_id: row.leader_bidder_id,
    leader_max_koinu: row.leader_max_koinu,
    leader_placed_at: row.leader_placed_at,
    price_koinu: row.price_koinu,
    bid_count: row.bid_count,
    reserve_met: row.reserve_met,
    buy_now_order_id: row.buy_now_order_id,
    ending_kind: row.ending_kind,
    ending_via: row.ending_via,
    ending_buyer_id: row.ending_buyer_id,
    ending_price_koinu: row.ending_price_koinu,
    ending_reason: row.ending_reason,
    ended_at: row.ended_at,
    order_id: row.order_id,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

/** Saves a changed auction (its version one above the stored one); a lost update fails loudly. */
export async function updateAuction(trx: Knex.Transaction, record: AuctionRecord): Promise<void> {
  const row = rowOf(record);
  const updated = await trx(TABLE)
    .where({ id: row.id, version: row.version - 1 })
    .update({
      status: row.status,
      buy_now_koinu: row.buy_now_koinu,
      ends_at: row.ends_at,
      leader_bid_id: row.leader_bid_id,
      leader_bidder_id: row.leader_bidder_id,
      leader_max_koinu: row.leader_max_koinu,
      leader_placed_at: row.leader_placed_at,
      price_koinu: row.price_koinu,
      bid_count: row.bid_count,
      reserve_met: row.reserve_met,
      buy_now_order_id: row.buy_now_order_id,
      ending_kind: row.ending_kind,
      ending_via: row.ending_via,
      ending_buyer_id: row.ending_buyer_id,
      ending_price_koinu: row.ending_price_koinu,
      ending_reason: row.ending_reason,
      ended_at: row.ended_at,
      order_id: row.order_id,
      version: row.version,
      updated_at: row.updated_at,
    });
  if (updated !== 1)
    throw new Error(`auction ${record.auction.id} changed concurrently (version ${row.version - 1})`);
}

export async function findAuction(
  db: Knex | Knex.Transaction,
  id: string,
): Promise<AuctionRecord | undefined> {
  const row = await db<AuctionRow>(TABLE).where({ id }).first();
  return row && auctionFromRow(row);
}

/**
 * The auction as a new bid sees it, FOR KEY SHARE: it waits for a transaction that holds the row FOR
 * UPDATE (a buy-it-now starting, a bid being applied) and reads what it committed, and it makes a
 * buy-it-now wait for this bid's record in turn. The bid's row takes the same lock for its foreign key.
 */
export async function findAuctionForBid(
  trx: Knex.Transaction,
  id: string,
): Promise<AuctionRecord | undefined> {
  const row = await trx<AuctionRow>(TABLE).where({ id }).forKeyShare().first();
  return row && auctionFromRow(row);
}

export async function lockAuction(trx: Knex.Transaction, id: string): Promise<AuctionRecord | undefined> {
  const row = await trx<AuctionRow>(TABLE).where({ id }).forUpdate().first();
  return row && auctionFromRow(row);
}

/** The auction locked for this transaction, or undefined when another transaction holds it now. */
export async function lockAuctionIfFree(
  trx: Knex.Transaction,
  id: string,
): Promise<AuctionRecord | undefined> {
  const row = await trx<AuctionRow>(TABLE).where({ id }).forUpdate().skipLocked().first();
  return row && auctionFromRow(row);
}

/** Open auctions, ending soonest first; the cursor is the last row's (ends_at, id). */
export async function openAuctions(
  db: Knex,
  limit: number,
  cursor: string | null,
): Promise<{ auctions: AuctionRecord[]; nextCursor: string | null }> {
  const query = db<AuctionRow>(TABLE)
    .where({ status: 'OPEN' })
    .orderBy([
      { column: 'ends_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(limit + 1);
  const after = cursor === null ? null : decodeCursor(cursor);
  if (after) void query.whereRaw('(ends_at, id) > (?, ?)', [after.createdAt, after.id]);
  const rows = await query;
  const auctions = rows.slice(0, limit).map(auctionFromRow);
  const last = auctions[auctions.length - 1];
  return {
    auctions,
    nextCursor: rows.length > limit && last ? encodeCursor(last.auction.endsAt, last.auction.id) : null,
  };
}
