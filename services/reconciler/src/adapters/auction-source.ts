/**
 * The order service's auctions and bids beside the wallet's bid locks, through the reconciler's read-only
 * role: one book per auction (domain/checks/auction-book.ts), streamed through a cursor in auction id
 * order. Every auction of the order service is read, and every auction the wallet holds an ACTIVE lock
 * on, known to the order service or not. Per auction the statement carries only what the checks judge:
 * the ACTIVE locks (and a sold auction's winner's lock, whatever its status), the bids of those locks'
 * bidders that may account for them (LEADING, PENDING, or of a lock's amount; a hot auction's thousands
 * of settled bids stay in the database), and a sold auction's order and escrow. One statement per book,
 * so each book is one snapshot of both services.
 *
 * Amounts: bids, auctions and orders are BIGINT koinu, the wallet's locks and escrows NUMERIC(20,8) DOGE,
 * carried as text through JSON so no amount passes through a float. The order service's times are put
 * back on the database's clock (order-source.ts), as the orders' are.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn, koinuFromDecimalColumn } from '@dbay/money';
import {
  AUCTION_STATUSES,
  BID_LOCK_STATES,
  BID_OUTCOMES,
  SALE_CHANNELS,
  WALLET_BID_LOCK_STATUSES,
  type AuctionBook,
  type AuctionSide,
  type BidSide,
  type WalletBidLock,
} from '../domain/checks/auction-book.js';
import { ESCROW_STATUSES, ORDER_STATUSES } from '../domain/checks/order-escrow.js';
import type { AuctionReads } from '../ports.js';
import { orderClockOffsetMs } from './order-source.js';
import { quoted, statusFrom, stream } from './sql.js';

/** A lock as json_build_object writes it: amounts as text, times as epoch milliseconds. */
interface LockJson {
  user_id: string;
  amount: string;
  status: string;
  order_id: string | null;
  updated_ms: number;
}

interface BidJson {
  id: string;
  bidder_id: string;
  max_koinu: string;
  outcome: string;
  lock_state: string;
  updated_ms: number;
}

interface BookRow {
  auction_id: string;
  status: string | null;
  leader_bidder_id: string | null;
  leader_max_koinu: string | null;
  ending_kind: string | null;
  ending_via: string | null;
  ending_buyer_id: string | null;
  ending_price_koinu: string | null;
  auction_order_id: string | null;
  auction_updated_at: Date | null;
  order_id: string | null;
  order_status: string | null;
  order_buyer_id: string | null;
  order_amount_koinu: string | null;
  order_auction_id: string | null;
  order_updated_at: Date | null;
  escrow_status: string | null;
  escrow_amount: string | null;
  escrow_updated_at: Date | null;
  locks: LockJson[] | null;
  bids: BidJson[] | null;
}

export class AuctionSource implements AuctionReads {
  private readonly o: string;
  private readonly w: string;

  constructor(
    private readonly knex: Knex,
    schemas: { order: string; wallet: string },
  ) {
    this.o = quoted(schemas.order);
    this.w = quoted(schemas.wallet);
  }

  private sql(): string {
    const { o, w } = this;
    return `
      WITH books AS (
        SELECT id AS auction_id FROM ${o}.auctions
        UNION
        SELECT auction_id FROM ${w}.bid_locks WHERE status = 'ACTIVE'
      )
      SELECT k.auction_id,
             a.status, a.leader_bidder_id, a.leader_max_koinu, a.ending_kind, a.ending_via,
             a.ending_buyer_id, a.ending_price_koinu, a.order_id AS auction_order_id,
             a.updated_at AS auction_updated_at,
             ord.id AS order_id, ord.status AS order_status, ord.buyer_id AS order_buyer_id,
             ord.amount_koinu AS order_amount_koinu, ord.auction_id AS order_auction_id,
             ord.updated_at AS order_updated_at,
             e.status AS escrow_status, e.amount AS escrow_amount, e.updated_at AS escrow_updated_at,
             (SELECT json_agg(json_build_object(
                       'user_id', l.user_id, 'amount', l.amount::text, 'status', l.status,
                       'order_id', l.order_id,
                       'updated_ms', (extract(epoch FROM l.updated_at) * 1000)::bigint))
                FROM ${w}.bid_locks l
               WHERE l.auction_id = k.auction_id
                 AND (l.status = 'ACTIVE' OR (a.ending_kind = 'SOLD' AND l.user_id = a.ending_buyer_id))
             ) AS locks,
             (SELECT json_agg(json_build_object(
                       'id', b.id, 'bidder_id', b.bidder_id, 'max_koinu', b.max_koinu::text,
                       'outcome', b.outcome, 'lock_state', b.lock_state,
                       'updated_ms', (extract(epoch FROM b.updated_at) * 1000)::bigint))
                FROM ${o}.bids b
                JOIN ${w}.bid_locks l
                  ON l.auction_id = b.auction_id AND l.user_id = b.bidder_id AND l.status = 'ACTIVE'
               WHERE b.auction_id = k.auction_id
                 AND (b.outcome IN ('LEADING', 'PENDING') OR b.max_koinu = l.amount * 100000000)
             ) AS bids
      FROM books k
      LEFT JOIN ${o}.auctions a ON a.id = k.auction_id
      LEFT JOIN ${o}.orders ord ON ord.id = a.order_id
      LEFT JOIN ${w}.escrow e ON e.order_id = a.order_id
      ORDER BY k.auction_id`;
  }

  async *auctionBooks(): AsyncGenerator<AuctionBook> {
    const offsetMs = await orderClockOffsetMs(this.knex, this.o);
    const orderTime = (at: Date | number): Date => new Date(new Date(at).getTime() - offsetMs);
    for await (const row of stream<BookRow>(this.knex, this.sql())) {
      yield {
        auctionId: row.auction_id,
        auction: auctionOf(row, orderTime),
        locks: (row.locks ?? []).map(lockOf),
        bids: (row.bids ?? []).map((bid) => bidOf(bid, orderTime)),
        order:
          row.order_id === null
            ? null
            : {
                orderId: row.order_id,
                status: statusFrom(ORDER_STATUSES, row.order_status!, 'orders.status'),
                buyerId: row.order_buyer_id!,
                amountKoinu: koinuFromBigintColumn(row.order_amount_koinu!),
                auctionId: row.order_auction_id,
                updatedAt: orderTime(row.order_updated_at!),
              },
        escrow:
          row.escrow_status === null
            ? null
            : {
                status: statusFrom(ESCROW_STATUSES, row.escrow_status, 'escrow.status'),
                amountKoinu: koinuFromDecimalColumn(row.escrow_amount!),
                updatedAt: row.escrow_updated_at!,
              },
      };
    }
  }
}

function auctionOf(row: BookRow, orderTime: (at: Date) => Date): AuctionSide | null {
  if (row.status === null) return null;
  const sold = row.ending_kind === 'SOLD';
  return {
    status: statusFrom(AUCTION_STATUSES, row.status, 'auctions.status'),
    leader:
      row.leader_bidder_id === null || row.leader_max_koinu === null
        ? null
        : { bidderId: row.leader_bidder_id, maxKoinu: koinuFromBigintColumn(row.leader_max_koinu) },
    sale: sold
      ? {
          via: statusFrom(SALE_CHANNELS, row.ending_via ?? '', 'auctions.ending_via'),
          buyerId: row.ending_buyer_id!,
          priceKoinu: koinuFromBigintColumn(row.ending_price_koinu!),
        }
      : null,
    orderId: row.auction_order_id,
    updatedAt: orderTime(row.auction_updated_at!),
  };
}

function lockOf(lock: LockJson): WalletBidLock {
  return {
    bidderId: lock.user_id,
    amountKoinu: koinuFromDecimalColumn(lock.amount),
    status: statusFrom(WALLET_BID_LOCK_STATUSES, lock.status, 'bid_locks.status'),
    orderId: lock.order_id,
    updatedAt: new Date(lock.updated_ms),
  };
}

function bidOf(bid: BidJson, orderTime: (at: number) => Date): BidSide {
  return {
    bidId: bid.id,
    bidderId: bid.bidder_id,
    maxKoinu: koinuFromBigintColumn(bid.max_koinu),
    outcome: statusFrom(BID_OUTCOMES, bid.outcome, 'bids.outcome'),
    lockState: statusFrom(BID_LOCK_STATES, bid.lock_state, 'bids.lock_state'),
    updatedAt: orderTime(bid.updated_ms),
  };
}
