/**
 * What the order service keeps around the pure auction (auction/): the item, each bid with its outcome
 * and the state of its lock in the wallet, and the orders an auction makes (won at the close, or bought
 * now). A bid's lock moves LOCKED -> RELEASE_REQUESTED -> RELEASED when it stops leading, or
 * LOCKED -> CONVERT_REQUESTED -> CONVERTED when it wins; a leader's raise MERGEs into their one lock
 * (the wallet keeps one lock per bidder and auction).
 */
import type { Auction } from './auction/index.js';
import type { Transition } from './decisions.js';
import { feeFor, type Order } from './order.js';

export interface AuctionRecord {
  auction: Auction;
  title: string;
  description: string;
  shippingDays: number;
  buyNowOfferedKoinu: bigint | null;
  /** The order of a pending buy-it-now payment; bids wait for the wallet's answer. */
  buyNowOrderId: string | null;
  /** The order of a sold auction. */
  orderId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const BID_OUTCOMES = ['PENDING', 'LEADING', 'OUTBID', 'REFUSED', 'WON', 'LOST', 'SUPERSEDED'] as const;
export type BidStatus = (typeof BID_OUTCOMES)[number];

export const LOCK_STATES = [
  'NONE',
  'LOCKED',
  'RELEASE_REQUESTED',
  'RELEASED',
  'CONVERT_REQUESTED',
  'CONVERTED',
  'MERGED',
] as const;
export type LockState = (typeof LOCK_STATES)[number];

export interface BidRecord {
  id: string;
  auctionId: string;
  bidderId: string;
  maxKoinu: bigint;
  outcome: BidStatus;
  lockState: LockState;
  refusalCode: string | null;
  priceAfterKoinu: bigint | null;
  placedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The wallet's idempotency keys of a bid's lock commands: one lock, one release, per bid. */
export const bidLockKey = (bidId: string): string => `bid:${bidId}:lock`;
export const bidUnlockKey = (bidId: string): string => `bid:${bidId}:unlock`;

/**
 * The wallet command that releases a bidder's lock for one of their bids. It names the lock key of the
 * bid whose lock command set the wallet's lock last (`lockHolderId`: the bid itself, or a leader's raise
 * that topped it up after it): a lock request of that bid that reaches the wallet after this release is
 * refused there instead of locking for good, and a release naming an older bid leaves a newer lock alone.
 */
export function bidRelease(
  bid: { id: string; auctionId: string; bidderId: string },
  lockHolderId: string = bid.id,
): {
  auctionId: string;
  userId: string;
  idempotencyKey: string;
  lockIdempotencyKey: string;
} {
  return {
    auctionId: bid.auctionId,
    userId: bid.bidderId,
    idempotencyKey: bidUnlockKey(bid.id),
    lockIdempotencyKey: bidLockKey(lockHolderId),
  };
}
export const auctionConvertKey = (auctionId: string): string => `auction:${auctionId}:convert`;

/**
 * The order of an auction won at the close: it starts PAID, because the winner's money is already
 * locked (the wallet converts that lock into the order's escrow); the seller's shipping window starts.
 */
export function wonAuctionOrder(
  record: AuctionRecord,
  winner: { bidderId: string; priceKoinu: bigint },
  orderId: string,
  feeBasisPoints: number,
  shippingDeadline: Date,
  now: Date,
): Transition {
  const order: Order = {
    ...auctionOrderBase(record, winner.bidderId, winner.priceKoinu, orderId, feeBasisPoints, now),
    status: 'PAID',
  };
  return {
    order,
    from: null,
    cause: 'AUCTION_WON',
    actor: { kind: 'system' },
    detail: null,
    startTimers: [{ kind: 'SHIPPING_DEADLINE', dueAt: shippingDeadline }],
    stopTimers: [],
    commands: [],
    events: ['order.created', 'order.paid'],
    listing: null,
  };
}

/** The order of a buy-it-now on an auction: paid like a listing, from the buyer's available balance. */
export function buyNowOrder(
  record: AuctionRecord,
  buyerId: string,
  priceKoinu: bigint,
  orderId: string,
  feeBasisPoints: number,
  now: Date,
): Transition {
  const order: Order = {
    ...auctionOrderBase(record, buyerId, priceKoinu, orderId, feeBasisPoints, now),
    status: 'PENDING_PAYMENT',
  };
  return {
    order,
    from: null,
    cause: 'ORDER_PLACED',
    actor: { kind: 'user', userId: buyerId },
    detail: 'BUY_NOW',
    startTimers: [],
    stopTimers: [],
    commands: [{ kind: 'LOCK' }],
    events: ['order.created'],
    listing: null,
  };
}

function auctionOrderBase(
  record: AuctionRecord,
  buyerId: string,
  priceKoinu: bigint,
  orderId: string,
  feeBasisPoints: number,
  now: Date,
): Omit<Order, 'status'> {
  return {
    id: orderId,
    listingId: null,
    auctionId: record.auction.id,
    buyerId,
    sellerId: record.auction.sellerId,
    title: record.title,
    amountKoinu: priceKoinu,
    feeKoinu: feeFor(priceKoinu, feeBasisPoints),
    escrowLockedAt: null,
    escrowFrozenAt: null,
    shippingDays: record.shippingDays,
    trackingNote: null,
    disputeReason: null,
    failureCode: null,
    failureReason: null,
    resolution: null,
    resolvedBy: null,
    buyerRefundKoinu: null,
    sellerCreditKoinu: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
