/**
 * Proxy bidding, eBay's way: each bidder states a hidden maximum and the platform bids for them only
 * as much as needed. The visible price is the second-highest maximum plus one increment (at that
 * maximum), capped at the leader's maximum; a tie goes to the earlier bid; a leader whose maximum
 * meets the reserve lifts the price to the reserve. Only the leader and the price are stored: the
 * second-highest maximum never needs to be, because a new bid always beats it (it must reach the
 * price plus an increment), so the new bid or the leader's maximum becomes the second-highest.
 */
import type { Auction, Leader } from './auction.js';
import { invariant } from './errors.js';
import { incrementAt, type IncrementLadder } from './ladder.js';

export interface Bid {
  bidId: string;
  bidderId: string;
  maxKoinu: bigint;
  /** The database clock at the bid (clock_timestamp()), never a replica's. */
  at: Date;
}

/** What proxy bidding makes of one bid that passed the checks; `priceKoinu` is the new visible price. */
export type Ruling =
  | { kind: 'FIRST_BID'; leader: Leader; priceKoinu: bigint }
  | { kind: 'RAISED'; leader: Leader; previousMaxKoinu: bigint; priceKoinu: bigint }
  | { kind: 'NEW_LEADER'; leader: Leader; displaced: Leader; priceKoinu: bigint }
  | { kind: 'LOST_AT_ONCE'; leader: Leader; priceKoinu: bigint };

/** The least a bidder other than the leader may state: the start price, then price plus increment. */
export function minimumBidKoinu(auction: Auction, ladder: IncrementLadder): bigint {
  if (auction.priceKoinu === null) return auction.startPriceKoinu;
  return auction.priceKoinu + incrementAt(ladder, auction.priceKoinu);
}

/** A leader whose maximum meets the reserve pays at least the reserve; never more than that maximum. */
export function liftToReserve(
  priceKoinu: bigint,
  leaderMaxKoinu: bigint,
  reserveKoinu: bigint | null,
): bigint {
  if (reserveKoinu === null || leaderMaxKoinu < reserveKoinu || priceKoinu >= reserveKoinu) return priceKoinu;
  return reserveKoinu;
}

/** The price when `secondMaxKoinu` is the best maximum but the leader's. */
function secondPrice(ladder: IncrementLadder, secondMaxKoinu: bigint, leaderMaxKoinu: bigint): bigint {
  const challenged = secondMaxKoinu + incrementAt(ladder, secondMaxKoinu);
  return challenged < leaderMaxKoinu ? challenged : leaderMaxKoinu;
}

/**
 * Rules on a bid already known to be acceptable (open, not the seller's, high enough). The incumbent
 * wins a tie, because its maximum was stated earlier.
 */
export function rule(auction: Auction, bid: Bid, ladder: IncrementLadder): Ruling {
  const { leader, reserveKoinu } = auction;
  const bidAsLeader: Leader = {
    bidId: bid.bidId,
    bidderId: bid.bidderId,
    maxKoinu: bid.maxKoinu,
    placedAt: bid.at,
  };
  if (leader === null) {
    const priceKoinu = liftToReserve(auction.startPriceKoinu, bid.maxKoinu, reserveKoinu);
    return { kind: 'FIRST_BID', leader: bidAsLeader, priceKoinu };
  }
  const currentPrice = auction.priceKoinu;
  invariant(currentPrice !== null, `auction ${auction.id} has a leader but no price`);
  if (leader.bidderId === bid.bidderId) {
    // Raising one's own maximum bids against nobody, so only the reserve can move the price.
    const priceKoinu = liftToReserve(currentPrice, bid.maxKoinu, reserveKoinu);
    return { kind: 'RAISED', leader: bidAsLeader, previousMaxKoinu: leader.maxKoinu, priceKoinu };
  }
  if (bid.maxKoinu > leader.maxKoinu) {
    const priceKoinu = liftToReserve(
      secondPrice(ladder, leader.maxKoinu, bid.maxKoinu),
      bid.maxKoinu,
      reserveKoinu,
    );
    return { kind: 'NEW_LEADER', leader: bidAsLeader, displaced: leader, priceKoinu };
  }
  const priceKoinu = liftToReserve(
    secondPrice(ladder, bid.maxKoinu, leader.maxKoinu),
    leader.maxKoinu,
    reserveKoinu,
  );
  return { kind: 'LOST_AT_ONCE', leader, priceKoinu };
}
