/**
 * The state of one auction as the order service stores it (one row, loaded FOR UPDATE), and the
 * invariants every decision asserts on the state it returns. The rules themselves are in index.ts.
 */
import { invariant } from './errors.js';
import type { IncrementLadder } from './ladder.js';

export type AuctionStatus = 'OPEN' | 'CLOSED' | 'CANCELLED';

/** The bidder whose maximum is the highest (the earliest of equal maxima), with that bid. */
export interface Leader {
  /** The bid that set the current maximum: the leading bid, or the leader's latest raise. */
  bidId: string;
  bidderId: string;
  /** Hidden from other bidders; exactly this amount is locked in the leader's wallet. */
  maxKoinu: bigint;
  placedAt: Date;
}

export type UnsoldReason = 'NO_BIDS' | 'RESERVE_NOT_MET' | 'CANCELLED_BY_SELLER';

/** How an auction that is no longer OPEN ended. */
export type AuctionEnding =
  | { kind: 'SOLD'; via: 'BIDDING' | 'BUY_NOW'; buyerId: string; priceKoinu: bigint; at: Date }
  | { kind: 'UNSOLD'; reason: UnsoldReason; at: Date };

export interface Auction {
  id: string;
  sellerId: string;
  status: AuctionStatus;
  startPriceKoinu: bigint;
  /** Hidden minimum the seller will sell at; null when there is none. */
  reserveKoinu: bigint | null;
  /** Null when never offered or removed by a bid; kept as paid when bought now. */
  buyNowKoinu: bigint | null;
  /** Moves later under soft close, never earlier. */
  endsAt: Date;
  leader: Leader | null;
  /** The visible price: null until the first bid, then never below the start price. */
  priceKoinu: bigint | null;
  /** Every accepted bid, including a leader's raise and a challenger that lost at once. */
  bidCount: number;
  /** The leader's maximum meets the reserve (any leader when there is no reserve). Never reverts. */
  reserveMet: boolean;
  /** Null while OPEN. */
  ending: AuctionEnding | null;
}

/** A bidder's whole lock on this auction, which the wallet must return to their available balance. */
export interface LockRelease {
  bidderId: string;
  amountKoinu: bigint;
}

/** The rules that come from configuration, not from the auction row. */
export interface BiddingSettings {
  ladder: IncrementLadder;
  /** A bid this close to the end moves the end to this long after the bid; 0 turns soft close off. */
  softCloseWindowMs: number;
}

export const millis = (date: Date): number => {
  const ms = date.getTime();
  invariant(!Number.isNaN(ms), 'a time is an invalid Date');
  return ms;
};

/** Bidding is possible: OPEN and not yet at its end. The end instant itself is closed. */
export const isOpenAt = (auction: Auction, at: Date): boolean =>
  auction.status === 'OPEN' && millis(at) < millis(auction.endsAt);

export const meetsReserve = (auction: Auction, maxKoinu: bigint): boolean =>
  auction.reserveKoinu === null || maxKoinu >= auction.reserveKoinu;

/** The invariants of any stored auction; every decision asserts them on the state it returns. */
export function assertAuction(auction: Auction): void {
  const { leader, priceKoinu, startPriceKoinu, reserveKoinu, id } = auction;
  invariant(startPriceKoinu > 0n, `auction ${id} has no positive start price`);
  invariant(reserveKoinu === null || reserveKoinu >= startPriceKoinu, `auction ${id}: reserve below start`);
  invariant(auction.bidCount >= 0 && Number.isSafeInteger(auction.bidCount), `auction ${id}: bid count`);
  invariant((leader === null) === (priceKoinu === null), `auction ${id}: a price without a leader`);
  invariant((leader === null) === (auction.bidCount === 0), `auction ${id}: bids without a leader`);
  if (leader !== null && priceKoinu !== null) {
    invariant(priceKoinu >= startPriceKoinu, `auction ${id}: price ${priceKoinu} below the start price`);
    invariant(priceKoinu <= leader.maxKoinu, `auction ${id}: price ${priceKoinu} above the leader's max`);
    invariant(leader.bidderId !== auction.sellerId, `auction ${id}: the seller leads`);
  }
  invariant(
    auction.reserveMet === (leader !== null && meetsReserve(auction, leader.maxKoinu)),
    `auction ${id}: reserveMet does not match the leader's max`,
  );
  if (auction.reserveMet && reserveKoinu !== null) {
    invariant(priceKoinu !== null && priceKoinu >= reserveKoinu, `auction ${id}: reserve met, price below`);
  }
  assertEnding(auction);
}

function assertEnding(auction: Auction): void {
  const { ending, id } = auction;
  switch (auction.status) {
    case 'OPEN':
      invariant(ending === null, `open auction ${id} has an ending`);
      invariant(
        auction.buyNowKoinu === null || !auction.reserveMet,
        `auction ${id}: buy-it-now outlived the reserve being met`,
      );
      return;
    case 'CLOSED':
      invariant(ending !== null, `closed auction ${id} has no ending`);
      invariant(
        ending.kind === 'SOLD' || ending.reason !== 'CANCELLED_BY_SELLER',
        `closed auction ${id} ends as cancelled`,
      );
      if (ending.kind === 'SOLD' && ending.via === 'BIDDING') {
        invariant(
          ending.buyerId === auction.leader?.bidderId && ending.priceKoinu === auction.priceKoinu,
          `auction ${id} is sold to someone other than the leader or not at the visible price`,
        );
      }
      return;
    case 'CANCELLED':
      invariant(
        ending?.kind === 'UNSOLD' && ending.reason === 'CANCELLED_BY_SELLER',
        `cancelled auction ${id} does not end as cancelled by the seller`,
      );
      invariant(auction.bidCount === 0, `cancelled auction ${id} had bids`);
      return;
    default: {
      const unknown: never = auction.status;
      throw new Error(`unknown auction status ${String(unknown)}`);
    }
  }
}
