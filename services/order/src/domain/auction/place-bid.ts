/**
 * Placing a bid: the checks that refuse it, then proxy bidding (proxy.ts), soft close, the end of
 * buy-it-now, and what the wallet must do with the locks. The caller has already locked the bid's
 * maximum in the bidder's wallet; it applies `locks` after saving the returned auction.
 */
import {
  assertAuction,
  isOpenAt,
  meetsReserve,
  millis,
  type Auction,
  type BiddingSettings,
  type Leader,
  type LockRelease,
} from './auction.js';
import { auctionError, invariant, type AuctionError } from './errors.js';
import { bidPlaced, extended, outbid, type AuctionEvent } from './events.js';
import { minimumBidKoinu, rule, type Bid, type Ruling } from './proxy.js';

export type BidRefusal =
  | AuctionError<'AUCTION_CLOSED' | 'AUCTION_OWN_AUCTION'>
  | (AuctionError<'AUCTION_BID_TOO_LOW'> & { minimumBidKoinu: bigint })
  | (AuctionError<'AUCTION_BID_NOT_HIGHER'> & { currentMaxKoinu: bigint });

/** The answer the bidder gets: leading (new leader or a raise) or outbid at once, with the price. */
export type BidOutcome = { kind: 'LEADING'; priceKoinu: bigint } | { kind: 'OUTBID'; priceKoinu: bigint };

/** What the wallet must do with bid locks on this auction once the bid is saved. */
export interface BidLocks {
  /** The bidder's lock afterwards: the new maximum while leading, 0 (release it all) when outbid. */
  bidderLockKoinu: bigint;
  /** The displaced leader's lock, to release in full. */
  release: LockRelease | null;
}

export type BidDecision =
  | { kind: 'REFUSED'; error: BidRefusal }
  | {
      kind: 'ACCEPTED';
      auction: Auction;
      outcome: BidOutcome;
      /** The previous leader, now outbid. */
      displaced: Leader | null;
      extended: boolean;
      buyNowRemoved: boolean;
      locks: BidLocks;
      events: AuctionEvent[];
    };

function refusal(auction: Auction, bid: Bid, settings: BiddingSettings): BidRefusal | null {
  if (!isOpenAt(auction, bid.at)) return auctionError('AUCTION_CLOSED', `auction ${auction.id} is closed`);
  if (bid.bidderId === auction.sellerId) {
    return auctionError('AUCTION_OWN_AUCTION', 'a seller cannot bid on their own auction');
  }
  const { leader } = auction;
  if (leader?.bidderId === bid.bidderId) {
    if (bid.maxKoinu > leader.maxKoinu) return null;
    return {
      ...auctionError('AUCTION_BID_NOT_HIGHER', `your maximum is already ${leader.maxKoinu} koinu`),
      currentMaxKoinu: leader.maxKoinu,
    };
  }
  const minimum = minimumBidKoinu(auction, settings.ladder);
  if (bid.maxKoinu >= minimum) return null;
  return {
    ...auctionError('AUCTION_BID_TOO_LOW', `the minimum bid is ${minimum} koinu`),
    minimumBidKoinu: minimum,
  };
}

/** Soft close: a bid within the window before the end moves the end to one window after the bid. */
function endAfterBid(endsAt: Date, at: Date, softCloseWindowMs: number): Date {
  invariant(Number.isSafeInteger(softCloseWindowMs) && softCloseWindowMs >= 0, 'soft close window');
  const softEnd = millis(at) + softCloseWindowMs;
  return softEnd > millis(endsAt) ? new Date(softEnd) : endsAt;
}

interface Consequences {
  outcome: BidOutcome;
  displaced: Leader | null;
  locks: BidLocks;
  /** Who must hear auction.outbid. */
  loser: { bidderId: string; bidId: string } | null;
}

function consequences(ruling: Ruling, bid: Bid): Consequences {
  const leading: BidOutcome = { kind: 'LEADING', priceKoinu: ruling.priceKoinu };
  switch (ruling.kind) {
    case 'FIRST_BID':
    case 'RAISED':
      return {
        outcome: leading,
        displaced: null,
        locks: { bidderLockKoinu: bid.maxKoinu, release: null },
        loser: null,
      };
    case 'NEW_LEADER': {
      const { displaced } = ruling;
      return {
        outcome: leading,
        displaced,
        locks: {
          bidderLockKoinu: bid.maxKoinu,
          release: { bidderId: displaced.bidderId, amountKoinu: displaced.maxKoinu },
        },
        loser: displaced,
      };
    }
    case 'LOST_AT_ONCE':
      return {
        outcome: { kind: 'OUTBID', priceKoinu: ruling.priceKoinu },
        displaced: null,
        locks: { bidderLockKoinu: 0n, release: null },
        loser: bid,
      };
    default: {
      const unknown: never = ruling;
      throw new Error(`unknown ruling ${JSON.stringify(unknown)}`);
    }
  }
}

export function placeBid(auction: Auction, bid: Bid, settings: BiddingSettings): BidDecision {
  assertAuction(auction);
  const refused = refusal(auction, bid, settings);
  if (refused !== null) return { kind: 'REFUSED', error: refused };

  const ruling = rule(auction, bid, settings.ladder);
  const reserveMet = meetsReserve(auction, ruling.leader.maxKoinu);
  const buyNowRemoved = auction.buyNowKoinu !== null && reserveMet;
  const after: Auction = {
    ...auction,
    leader: ruling.leader,
    priceKoinu: ruling.priceKoinu,
    bidCount: auction.bidCount + 1,
    reserveMet,
    buyNowKoinu: buyNowRemoved ? null : auction.buyNowKoinu,
    endsAt: endAfterBid(auction.endsAt, bid.at, settings.softCloseWindowMs),
  };
  const { outcome, displaced, locks, loser } = consequences(ruling, bid);
  assertBidKeptTheRules(auction, after, bid, locks);

  const wasExtended = millis(after.endsAt) > millis(auction.endsAt);
  const events: AuctionEvent[] = [bidPlaced(after, bid, outcome.kind, buyNowRemoved)];
  if (loser !== null) events.push(outbid(after, loser));
  if (wasExtended) events.push(extended(after, bid.bidId, auction.endsAt));
  return {
    kind: 'ACCEPTED',
    auction: after,
    outcome,
    displaced,
    extended: wasExtended,
    buyNowRemoved,
    locks,
    events,
  };
}

/**
 * Given that before the bid exactly one bidder (the leader) held a lock equal to their maximum, the
 * lock changes in `locks` must leave exactly one again: the new leader's, equal to the new maximum.
 * The price only rises, and stays between the start price and the leader's maximum.
 */
function assertBidKeptTheRules(before: Auction, after: Auction, bid: Bid, locks: BidLocks): void {
  assertAuction(after);
  const leader = after.leader;
  invariant(leader !== null && after.priceKoinu !== null, 'an accepted bid left no leader');
  invariant(before.priceKoinu === null || after.priceKoinu >= before.priceKoinu, 'the price fell');
  invariant(millis(after.endsAt) >= millis(before.endsAt), 'the end moved earlier');
  if (leader.bidderId === bid.bidderId) {
    invariant(locks.bidderLockKoinu === leader.maxKoinu, "the bidder's lock is not the leader's maximum");
  } else {
    invariant(locks.bidderLockKoinu === 0n, 'a bidder who does not lead keeps a lock');
    invariant(before.leader?.bidderId === leader.bidderId, 'the leader changed to someone who did not bid');
    invariant(before.leader.maxKoinu === leader.maxKoinu, "the leader's maximum changed without their bid");
  }
  const previous = before.leader;
  if (previous === null || previous.bidderId === leader.bidderId) {
    invariant(locks.release === null, 'a lock is released while the leader is unchanged');
  } else {
    invariant(
      locks.release?.bidderId === previous.bidderId && locks.release.amountKoinu === previous.maxKoinu,
      "the displaced leader's lock is not released in full",
    );
  }
}
