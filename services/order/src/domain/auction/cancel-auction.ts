/**
 * The seller may withdraw an auction nobody has bid on yet. Once there is a bid, money is locked on
 * the auction's behalf and only the close can end it.
 */
import { assertAuction, isOpenAt, type Auction } from './auction.js';
import { auctionError, type AuctionError, type CancelErrorCode } from './errors.js';
import { closed, type AuctionEvent } from './events.js';

export type CancelDecision =
  | { kind: 'REFUSED'; error: AuctionError<CancelErrorCode> }
  | { kind: 'CANCELLED'; auction: Auction; events: AuctionEvent[] };

export function cancelAuction(auction: Auction, command: { by: string; at: Date }): CancelDecision {
  assertAuction(auction);
  const refuse = (code: CancelErrorCode, message: string): CancelDecision => ({
    kind: 'REFUSED',
    error: auctionError(code, message),
  });
  if (command.by !== auction.sellerId) return refuse('AUCTION_NOT_SELLER', 'only the seller may cancel');
  if (!isOpenAt(auction, command.at)) return refuse('AUCTION_CLOSED', `auction ${auction.id} is closed`);
  if (auction.bidCount > 0) return refuse('AUCTION_HAS_BIDS', `auction ${auction.id} already has bids`);
  const ending = { kind: 'UNSOLD', reason: 'CANCELLED_BY_SELLER', at: command.at } as const;
  const after: Auction = { ...auction, status: 'CANCELLED', ending };
  assertAuction(after);
  return { kind: 'CANCELLED', auction: after, events: [closed(auction.id, ending)] };
}
