/**
 * Expected refusals of the auction domain, as values with codes that carry the domain, and the one
 * way a broken rule is reported: a thrown AuctionInvariantViolation. Only the HTTP entry point maps
 * codes to statuses.
 */
import { InvariantViolation, invariantOf, type Invariant } from '@dbay/platform/invariant';

/** Why a configured increment ladder is unusable (checked once, at boot). */
export type IncrementLadderErrorCode =
  | 'AUCTION_LADDER_EMPTY'
  | 'AUCTION_LADDER_MALFORMED'
  | 'AUCTION_LADDER_NOT_FROM_ZERO'
  | 'AUCTION_LADDER_NOT_INCREASING'
  | 'AUCTION_LADDER_INCREMENT_NOT_POSITIVE';

/** Why a seller's new auction is refused. */
export type NewAuctionErrorCode =
  | 'AUCTION_START_PRICE_NOT_POSITIVE'
  | 'AUCTION_RESERVE_BELOW_START'
  | 'AUCTION_BUY_NOW_TOO_LOW'
  | 'AUCTION_BUY_NOW_BELOW_RESERVE'
  | 'AUCTION_END_INVALID'
  | 'AUCTION_END_TOO_SOON'
  | 'AUCTION_END_TOO_LATE';

/** Why a bid is refused. */
export type BidErrorCode =
  'AUCTION_CLOSED' | 'AUCTION_OWN_AUCTION' | 'AUCTION_BID_TOO_LOW' | 'AUCTION_BID_NOT_HIGHER';

export type BuyNowErrorCode = 'AUCTION_CLOSED' | 'AUCTION_OWN_AUCTION' | 'AUCTION_BUY_NOW_NOT_OFFERED';

/** AUCTION_CLOSED here means the auction is no longer OPEN: a replayed close changes nothing. */
export type CloseErrorCode = 'AUCTION_CLOSED' | 'AUCTION_CLOSE_NOT_DUE';

export type CancelErrorCode = 'AUCTION_CLOSED' | 'AUCTION_NOT_SELLER' | 'AUCTION_HAS_BIDS';

/** Every code the auction domain can answer with. */
export type AuctionErrorCode =
  | IncrementLadderErrorCode
  | NewAuctionErrorCode
  | BidErrorCode
  | BuyNowErrorCode
  | CloseErrorCode
  | CancelErrorCode;

export interface AuctionError<Code extends AuctionErrorCode = AuctionErrorCode> {
  code: Code;
  message: string;
}

export function auctionError<Code extends AuctionErrorCode>(code: Code, message: string): AuctionError<Code> {
  return { code, message };
}

/**
 * A broken auction rule: a bug, never an expected outcome. Thrown so the caller's transaction rolls
 * back and the process says so loudly, instead of committing a lock that does not match the leader.
 */
export class AuctionInvariantViolation extends InvariantViolation {
  constructor(message: string) {
    super('auction', message);
  }
}

export const invariant: Invariant = invariantOf(AuctionInvariantViolation);
