/**
 * The small, obviously-correct reference of eBay's proxy rules the auction specs compare against: it
 * keeps every accepted bid and recomputes the leader and the price from that list (the model-based
 * property test, and the integration test of 200 concurrent bidders on the real stack).
 */
import type { IncrementLadder } from '../../src/domain/auction/index.js';

export interface Scenario {
  startPriceKoinu: bigint;
  reserveKoinu: bigint | null;
  buyNowKoinu: bigint | null;
  durationMs: number;
  softCloseWindowMs: number;
  ladder: IncrementLadder;
}

export interface ReferenceBid {
  bidderId: string;
  maxKoinu: bigint;
  atMs: number;
  /** Placed by the bidder who led just before it. */
  raise: boolean;
}

export type ReferenceEnding =
  | { kind: 'SOLD'; via: 'BIDDING' | 'BUY_NOW'; buyerId: string; priceKoinu: bigint }
  | { kind: 'UNSOLD'; reason: string };

export interface Reference {
  scenario: Scenario;
  bids: ReferenceBid[];
  ending: ReferenceEnding | null;
  cancelled: boolean;
}

export const increment = (ladder: IncrementLadder, priceKoinu: bigint): bigint =>
  ladder.filter((step) => step.fromPriceKoinu <= priceKoinu).at(-1)!.incrementKoinu;

export const maxOf = (amounts: bigint[]): bigint | undefined =>
  amounts.reduce<bigint | undefined>(
    (best, amount) => (best === undefined || amount > best ? amount : best),
    undefined,
  );

export function referenceLeader(bids: ReferenceBid[]): ReferenceBid | undefined {
  // Strictly greater, scanning in time order: the earliest of equal maxima stays ahead.
  return bids.reduce<ReferenceBid | undefined>(
    (best, bid) => (best === undefined || bid.maxKoinu > best.maxKoinu ? bid : best),
    undefined,
  );
}

export function referencePrice(model: Reference): bigint | null {
  const { bids, scenario } = model;
  const leader = referenceLeader(bids);
  if (leader === undefined) return null;
  const second = maxOf(bids.filter((bid) => bid.bidderId !== leader.bidderId).map((bid) => bid.maxKoinu));
  const lastPricingIndex = bids.findLastIndex((bid) => !bid.raise);
  const cap = maxOf(
    bids
      .slice(0, lastPricingIndex + 1)
      .filter((bid) => bid.bidderId === leader.bidderId)
      .map((bid) => bid.maxKoinu),
  )!;
  let price = scenario.startPriceKoinu;
  if (second !== undefined) {
    const challenged = second + increment(scenario.ladder, second);
    price = challenged < cap ? challenged : cap;
  }
  const reserve = scenario.reserveKoinu;
  if (reserve !== null && leader.maxKoinu >= reserve && price < reserve) price = reserve;
  return price;
}
