// Builders for the auction specs: ids, a fixed clock, the settings of the default platform, and
// helpers that fail the test when a decision is not of the expected kind.
import { expect } from 'chai';
import {
  DEFAULT_INCREMENT_LADDER,
  openAuction,
  placeBid,
  type Auction,
  type BidDecision,
  type BiddingSettings,
  type NewAuction,
  type OpeningRules,
} from '../../src/domain/auction/index.js';

export const DOGE = 100_000_000n;
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;

export const AUCTION_ID = 'a0000000-0000-4000-8000-000000000001';
export const SELLER = 'u0000000-0000-4000-8000-00000000000s';
export const ALICE = 'u0000000-0000-4000-8000-00000000000a';
export const BOB = 'u0000000-0000-4000-8000-00000000000b';
export const CAROL = 'u0000000-0000-4000-8000-00000000000c';

export const T0 = new Date('2027-03-01T12:00:00.000Z');
export const at = (msAfterT0: number): Date => new Date(T0.getTime() + msAfterT0);

export const SETTINGS: BiddingSettings = {
  ladder: DEFAULT_INCREMENT_LADDER,
  softCloseWindowMs: 2 * MINUTE_MS,
};
export const OPENING: OpeningRules = { now: T0, minDurationMs: HOUR_MS, maxDurationMs: 10 * 24 * HOUR_MS };

/** An OPEN auction by SELLER from T0 to T0 + 1 h, starting at 10 DOGE, without reserve or buy-it-now. */
export function anAuction(overrides: Partial<NewAuction> = {}): Auction {
  const decision = openAuction(
    {
      auctionId: AUCTION_ID,
      sellerId: SELLER,
      startPriceKoinu: 10n * DOGE,
      reserveKoinu: null,
      buyNowKoinu: null,
      endsAt: at(HOUR_MS),
      ...overrides,
    },
    OPENING,
  );
  if (decision.kind !== 'OPENED') expect.fail(`the auction was refused: ${decision.error.code}`);
  return decision.auction;
}

let bidSequence = 0;

/** Places a bid ten minutes after T0 (unless told), and fails the test unless it is accepted. */
export function accepted(
  auction: Auction,
  bidderId: string,
  maxKoinu: bigint,
  when: Date = at(10 * MINUTE_MS),
): Extract<BidDecision, { kind: 'ACCEPTED' }> {
  bidSequence += 1;
  const bidId = `b0000000-0000-4000-8000-${String(bidSequence).padStart(12, '0')}`;
  const decision = placeBid(auction, { bidId, bidderId, maxKoinu, at: when }, SETTINGS);
  if (decision.kind !== 'ACCEPTED') expect.fail(`the bid was refused: ${decision.error.message}`);
  return decision;
}

/** Applies bids in order, each by [bidder, max], and returns the auction after the last. */
export function afterBids(auction: Auction, bids: [string, bigint][]): Auction {
  return bids.reduce(
    (current, [bidderId, maxKoinu]) => accepted(current, bidderId, maxKoinu).auction,
    auction,
  );
}
