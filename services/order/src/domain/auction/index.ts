/**
 * The auction domain of the order service: pure rules, no I/O, no clock, no randomness. The order
 * service loads the auction row FOR UPDATE, calls one function here with the database clock and the
 * ids, saves the returned auction with its events (outbox) in the same transaction, and sends the
 * returned lock instructions to the wallet. Money is bigint koinu; the wallet owns every balance.
 *
 *   openAuction --> OPEN --placeBid (accepted)--> OPEN     bid-placed [+ outbid] [+ extended]
 *                    |  --buyNow-----------------> CLOSED  closed SOLD via BUY_NOW; leader released
 *                    |  --closeAuction, at >= end> CLOSED  closed SOLD via BIDDING: lock -> escrow
 *                    |                                     closed UNSOLD NO_BIDS / RESERVE_NOT_MET
 *                    '  --cancelAuction, no bids-> CANCELLED  closed UNSOLD CANCELLED_BY_SELLER
 *   Nothing leaves CLOSED or CANCELLED: every command is answered AUCTION_CLOSED there.
 *
 * Bidding (eBay's proxy rules; proxy.ts):
 * - A bid states a hidden maximum. The seller cannot bid. A bid at or after the end is refused, so
 *   the end instant belongs to the close.
 * - The first bid must reach the start price; every later bid the price plus incrementAt(price), the
 *   increment being chosen by the current price on the ladder (ladder.ts). The leader may instead
 *   raise their own maximum to anything above it (AUCTION_BID_NOT_HIGHER otherwise).
 * - The price is null before the first bid (the minimum bid is then the start price), then
 *   min(leader's max, second-highest max + incrementAt(second-highest max)), never below the start
 *   price. The first bid sets it to the start price.
 * - A tie goes to the earlier bid: a challenger whose maximum equals the leader's loses at once, and
 *   the price becomes that maximum.
 * - A challenger who loses at once still pushes the price up and counts as a bid (bidCount), and
 *   hears auction.outbid. A displaced leader hears it too.
 * - The leader raising their maximum does not move the price (nobody bid against them), except that
 *   a raise that meets the reserve lifts the price to the reserve. A raise counts as a bid.
 * - Reserve (hidden): bids below it are accepted but cannot win. When the leader's maximum meets it,
 *   the price is lifted to the reserve if below; it never exceeds the leader's maximum.
 * - Buy-it-now ends with the first bid when there is no reserve, or with the first bid that meets the
 *   reserve (a leader's raise included) when there is one.
 * - Soft close: an accepted bid at `at` moves the end to at + softCloseWindowMs when that is later;
 *   the end never moves earlier.
 *
 * Money (the caller has locked the bid's maximum before calling placeBid): for an open auction
 * exactly one bidder, the leader, holds a lock, equal to their maximum. Each accepted bid says the
 * bidder's lock afterwards (the new maximum when leading, 0 when outbid at once) and which displaced
 * leader's lock to release; placeBid asserts that this keeps the rule, and throws
 * AuctionInvariantViolation otherwise. At the close the winner's lock converts to escrow at the price
 * (the rest returns to them); unsold or bought now, the leader's lock is released.
 */
export {
  assertAuction,
  type Auction,
  type AuctionEnding,
  type AuctionStatus,
  type BiddingSettings,
  type Leader,
  type LockRelease,
  type UnsoldReason,
} from './auction.js';
export { buyNow, type BuyNowDecision } from './buy-now.js';
export { cancelAuction, type CancelDecision } from './cancel-auction.js';
export { closeAuction, type CloseDecision, type LockConversion } from './close-auction.js';
export {
  AuctionInvariantViolation,
  type AuctionError,
  type AuctionErrorCode,
  type BidErrorCode,
  type BuyNowErrorCode,
  type CancelErrorCode,
  type CloseErrorCode,
  type IncrementLadderErrorCode,
  type NewAuctionErrorCode,
} from './errors.js';
export { type AuctionEvent, type AuctionTopic, type BidOutcomeKind } from './events.js';
export {
  DEFAULT_INCREMENT_LADDER,
  incrementAt,
  parseIncrementLadder,
  validateIncrementLadder,
  type IncrementLadder,
  type IncrementStep,
  type LadderResult,
} from './ladder.js';
export {
  minimumBuyNowKoinu,
  openAuction,
  validateNewAuction,
  type NewAuction,
  type OpenDecision,
  type OpeningRules,
} from './open-auction.js';
export { placeBid, type BidDecision, type BidLocks, type BidOutcome, type BidRefusal } from './place-bid.js';
export { minimumBidKoinu, type Bid } from './proxy.js';
