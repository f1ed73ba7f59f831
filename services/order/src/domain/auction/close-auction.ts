/**
 * Closing an auction at its end, fired by the timer poller. A close is decided exactly once: the
 * second attempt finds the auction no longer OPEN and is answered AUCTION_CLOSED, which the caller
 * treats as already done. Sold: the leader's lock becomes the order's escrow at the visible price and
 * the rest of the maximum returns to them. Unsold: the leader's lock, if any, is released.
 */
import { assertAuction, millis, type Auction, type Leader, type LockRelease } from './auction.js';
import { auctionError, invariant, type AuctionError, type CloseErrorCode } from './errors.js';
import { closed, type AuctionEvent } from './events.js';

/** The winner's lock converted into escrow: `priceKoinu` is escrowed, `returnedKoinu` goes back. */
export interface LockConversion {
  bidderId: string;
  lockedKoinu: bigint;
  priceKoinu: bigint;
  returnedKoinu: bigint;
}

export type CloseDecision =
  | { kind: 'REFUSED'; error: AuctionError<CloseErrorCode> }
  | { kind: 'SOLD'; auction: Auction; winner: Leader; conversion: LockConversion; events: AuctionEvent[] }
  | {
      kind: 'UNSOLD';
      auction: Auction;
      reason: 'NO_BIDS' | 'RESERVE_NOT_MET';
      release: LockRelease | null;
      events: AuctionEvent[];
    };

export function closeAuction(auction: Auction, at: Date): CloseDecision {
  assertAuction(auction);
  if (auction.status !== 'OPEN') {
    return {
      kind: 'REFUSED',
      error: auctionError('AUCTION_CLOSED', `auction ${auction.id} is ${auction.status}`),
    };
  }
  if (millis(at) < millis(auction.endsAt)) {
    const message = `auction ${auction.id} ends at ${auction.endsAt.toISOString()}`;
    return { kind: 'REFUSED', error: auctionError('AUCTION_CLOSE_NOT_DUE', message) };
  }
  const { leader, priceKoinu } = auction;
  if (leader === null || !auction.reserveMet) {
    const reason = leader === null ? 'NO_BIDS' : 'RESERVE_NOT_MET';
    const ending = { kind: 'UNSOLD', reason, at } as const;
    const after: Auction = { ...auction, status: 'CLOSED', ending };
    assertAuction(after);
    const release = leader === null ? null : { bidderId: leader.bidderId, amountKoinu: leader.maxKoinu };
    return { kind: 'UNSOLD', auction: after, reason, release, events: [closed(auction.id, ending)] };
  }
  invariant(priceKoinu !== null, `auction ${auction.id} has a leader but no price`);
  const ending = { kind: 'SOLD', via: 'BIDDING', buyerId: leader.bidderId, priceKoinu, at } as const;
  const after: Auction = { ...auction, status: 'CLOSED', ending };
  assertAuction(after);
  const conversion: LockConversion = {
    bidderId: leader.bidderId,
    lockedKoinu: leader.maxKoinu,
    priceKoinu,
    returnedKoinu: leader.maxKoinu - priceKoinu,
  };
  invariant(conversion.returnedKoinu >= 0n, `auction ${auction.id}: the price exceeds the winner's lock`);
  return { kind: 'SOLD', auction: after, winner: leader, conversion, events: [closed(auction.id, ending)] };
}
