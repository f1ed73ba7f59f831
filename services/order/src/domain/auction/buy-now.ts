/**
 * Buy it now: while it is still offered (before the first bid, or before the reserve is met), any
 * buyer but the seller ends the auction at once at the buy-it-now price. A leader can only exist then
 * with a maximum below the reserve; that bid can no longer win, so its lock is released. The buyer
 * pays through the fixed-price order flow, not through a bid lock.
 */
import { assertAuction, isOpenAt, type Auction, type LockRelease } from './auction.js';
import { auctionError, invariant, type AuctionError, type BuyNowErrorCode } from './errors.js';
import { closed, type AuctionEvent } from './events.js';

export type BuyNowDecision =
  | { kind: 'REFUSED'; error: AuctionError<BuyNowErrorCode> }
  | {
      kind: 'SOLD';
      auction: Auction;
      priceKoinu: bigint;
      release: LockRelease | null;
      events: AuctionEvent[];
    };

export function buyNow(auction: Auction, command: { buyerId: string; at: Date }): BuyNowDecision {
  assertAuction(auction);
  const refuse = (code: BuyNowErrorCode, message: string): BuyNowDecision => ({
    kind: 'REFUSED',
    error: auctionError(code, message),
  });
  if (!isOpenAt(auction, command.at)) return refuse('AUCTION_CLOSED', `auction ${auction.id} is closed`);
  if (command.buyerId === auction.sellerId) {
    return refuse('AUCTION_OWN_AUCTION', 'a seller cannot buy their own auction');
  }
  const priceKoinu = auction.buyNowKoinu;
  if (priceKoinu === null) {
    return refuse('AUCTION_BUY_NOW_NOT_OFFERED', `auction ${auction.id} does not offer buy-it-now`);
  }
  const { leader } = auction;
  invariant(leader === null || !auction.reserveMet, `auction ${auction.id}: buy-it-now with the reserve met`);
  const ending = {
    kind: 'SOLD',
    via: 'BUY_NOW',
    buyerId: command.buyerId,
    priceKoinu,
    at: command.at,
  } as const;
  const after: Auction = { ...auction, status: 'CLOSED', ending };
  assertAuction(after);
  return {
    kind: 'SOLD',
    auction: after,
    priceKoinu,
    release: leader === null ? null : { bidderId: leader.bidderId, amountKoinu: leader.maxKoinu },
    events: [closed(auction.id, ending)],
  };
}
