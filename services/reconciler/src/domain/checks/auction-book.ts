/**
 * Auctions against the wallet's bid locks. The order service keeps the auctions and every bid with the
 * state of its lock as it believes it (services/order, docs/order.md); the wallet keeps one lock per
 * bidder and auction (wallet.bid_locks: ACTIVE, RELEASED or CONVERTED into an order's escrow). For an
 * open auction exactly one lock is active in the end, the leader's, of the leader's maximum; a closed
 * auction keeps none; a won one has its order and the escrow converted from the winner's lock.
 *
 * One auction's book is what the four auction checks read: the auction row, the wallet's active locks on
 * it (and the winner's lock whatever its status), the bids that may account for those locks, and a sold
 * auction's order and escrow. The vocabularies are copies of the owners' (the reconciler imports nothing
 * from another service); the sources read every status against them.
 *
 * In flight (forgiven within the grace period, by the times of both the bid and the lock): a bid whose
 * lock is moving between the two services. A bid PENDING (the wallet locked its maximum; the bid request
 * or the order service's sweeper applies it or releases the lock); a release or a conversion the order
 * service asked for through its outbox and the wallet has not applied yet (RELEASE_REQUESTED,
 * CONVERT_REQUESTED); a leader's raise refused because the auction had just ended (REFUSED, MERGED: the
 * close converts or releases the raised lock). Anything else is never in flight, however recent: the
 * sweeper asks its releases through the outbox (RELEASE_REQUESTED) like every other release.
 */
import type { EscrowStatus, OrderStatus } from './order-escrow.js';
import { changedWithinGrace, type GraceWindow } from '../grace.js';
import type { CheckName } from '../findings.js';

/** The order service's auction statuses (services/order/migrations/20261204000200_auctions.ts). */
export const AUCTION_STATUSES = ['OPEN', 'CLOSED', 'CANCELLED'] as const;
export type AuctionStatus = (typeof AUCTION_STATUSES)[number];

/** A bid's outcome in the order service. */
export const BID_OUTCOMES = ['PENDING', 'LEADING', 'OUTBID', 'REFUSED', 'WON', 'LOST', 'SUPERSEDED'] as const;
export type BidOutcome = (typeof BID_OUTCOMES)[number];

/** The state of a bid's lock as the order service believes it. */
export const BID_LOCK_STATES = [
  'NONE',
  'LOCKED',
  'RELEASE_REQUESTED',
  'RELEASED',
  'CONVERT_REQUESTED',
  'CONVERTED',
  'MERGED',
] as const;
export type BidLockState = (typeof BID_LOCK_STATES)[number];

/** The wallet's bid lock statuses (wallet.bid_locks). */
export const WALLET_BID_LOCK_STATUSES = ['ACTIVE', 'RELEASED', 'CONVERTED'] as const;
export type WalletBidLockStatus = (typeof WALLET_BID_LOCK_STATUSES)[number];

/** How a sold auction was sold: at its close to the leader, or bought now (paid like a listing). */
export const SALE_CHANNELS = ['BIDDING', 'BUY_NOW'] as const;
export type SaleChannel = (typeof SALE_CHANNELS)[number];

export interface AuctionSide {
  status: AuctionStatus;
  /** The bidder whose maximum is locked, while there is one. */
  leader: { bidderId: string; maxKoinu: bigint } | null;
  /** Set when the auction closed SOLD. */
  sale: { via: SaleChannel; buyerId: string; priceKoinu: bigint } | null;
  /** The order of a sold auction (null while none was recorded). */
  orderId: string | null;
  updatedAt: Date;
}

export interface BidSide {
  bidId: string;
  bidderId: string;
  maxKoinu: bigint;
  outcome: BidOutcome;
  lockState: BidLockState;
  updatedAt: Date;
}

export interface WalletBidLock {
  bidderId: string;
  amountKoinu: bigint;
  status: WalletBidLockStatus;
  /** The order whose escrow a CONVERTED lock became. */
  orderId: string | null;
  updatedAt: Date;
}

export interface AuctionOrderSide {
  orderId: string;
  status: OrderStatus;
  buyerId: string;
  amountKoinu: bigint;
  auctionId: string | null;
  updatedAt: Date;
}

export interface AuctionEscrowSide {
  status: EscrowStatus;
  amountKoinu: bigint;
  updatedAt: Date;
}

export interface AuctionBook {
  auctionId: string;
  /** null: the wallet holds a lock for an auction the order service does not have. */
  auction: AuctionSide | null;
  /** The wallet's ACTIVE locks on the auction, and a sold auction's winner's lock whatever its status. */
  locks: WalletBidLock[];
  /** The bids of those locks' bidders that may account for them (LEADING, PENDING, or of the lock's amount). */
  bids: BidSide[];
  /** A sold auction's order (auctions.order_id), and the escrow the wallet holds for it. */
  order: AuctionOrderSide | null;
  escrow: AuctionEscrowSide | null;
}

/** How the order service accounts for one wallet lock. */
export type LockAccount =
  { kind: 'held'; bid: BidSide } | { kind: 'moving'; bid: BidSide } | { kind: 'unaccounted' };

/** A bid whose lock is on its way between the services (see the opening comment). */
export function isMoving(bid: BidSide): boolean {
  if (bid.outcome === 'PENDING') return true;
  if (bid.lockState === 'RELEASE_REQUESTED' || bid.lockState === 'CONVERT_REQUESTED') return true;
  return bid.outcome === 'REFUSED' && bid.lockState === 'MERGED';
}

/** The bid that holds this lock (LEADING and LOCKED, of the lock's amount), or one moving it, or none. */
export function accountFor(lock: WalletBidLock, bids: readonly BidSide[]): LockAccount {
  const same = bids.filter((bid) => bid.bidderId === lock.bidderId && bid.maxKoinu === lock.amountKoinu);
  const held = same.find((bid) => bid.outcome === 'LEADING' && bid.lockState === 'LOCKED');
  if (held) return { kind: 'held', bid: held };
  const moving = same.find(isMoving);
  return moving ? { kind: 'moving', bid: moving } : { kind: 'unaccounted' };
}

/** A lock moving between the services, one of whose two sides changed within the grace period. */
export function movingWithinGrace(account: LockAccount, lock: WalletBidLock, window: GraceWindow): boolean {
  return account.kind === 'moving' && changedWithinGrace(window, account.bid.updatedAt, lock.updatedAt);
}

export const activeLocks = (book: AuctionBook): WalletBidLock[] =>
  book.locks.filter((lock) => lock.status === 'ACTIVE');

/** The subject of a lock: the wallet's key, auction and bidder. */
export const lockSubject = (auctionId: string, lock: WalletBidLock): string =>
  `${auctionId}:${lock.bidderId}`;

export const describeLock = (lock: WalletBidLock): string =>
  `wallet lock of ${lock.bidderId} ${lock.status} for ${lock.amountKoinu} koinu (changed ${lock.updatedAt.toISOString()})`;

export const describeBid = (bid: BidSide): string =>
  `bid ${bid.bidId} ${bid.outcome} with its lock ${bid.lockState} for ${bid.maxKoinu} koinu (changed ${bid.updatedAt.toISOString()})`;

/** What the order service says about a lock's bidder, as an operator reads it. */
export function describeBidsOf(bidderId: string, bids: readonly BidSide[]): string {
  const own = bids.filter((bid) => bid.bidderId === bidderId);
  return own.length === 0 ? 'no bid that holds a lock' : own.map(describeBid).join('; ');
}

/** The checks that examine this book, with how many rows each (for the report's examined counts). */
export function auctionChecksExamining(book: AuctionBook): Array<[CheckName, number]> {
  const examined: Array<[CheckName, number]> = [['bid-lock-matches-bids', activeLocks(book).length]];
  const status = book.auction?.status;
  if (status === 'OPEN') examined.push(['auction-lock-is-leaders', 1]);
  if (status === 'CLOSED' || status === 'CANCELLED') examined.push(['auction-closed-no-lock', 1]);
  if (book.auction?.sale) examined.push(['auction-sold-has-order', 1]);
  return examined;
}
