/**
 * A seller's new auction: the checks on its prices and end, and the OPEN state it starts in.
 */
import { assertAuction, millis, type Auction } from './auction.js';
import { auctionError, invariant, type AuctionError, type NewAuctionErrorCode } from './errors.js';
import { auctionOpened, type AuctionEvent } from './events.js';

export interface NewAuction {
  sellerId: string;
  startPriceKoinu: bigint;
  reserveKoinu: bigint | null;
  buyNowKoinu: bigint | null;
  endsAt: Date;
}

/** The database clock now, and the configured bounds on how long an auction may run. */
export interface OpeningRules {
  now: Date;
  minDurationMs: number;
  maxDurationMs: number;
}

/** eBay's rule: buy-it-now at least 30% above the start price, i.e. buyNow * 10 >= start * 13. */
const BUY_NOW_MIN_TENTHS_OF_START = 13n;

/** The least buy-it-now price for a start price: 1.3 times it, rounded up to a whole koinu. */
export const minimumBuyNowKoinu = (startPriceKoinu: bigint): bigint =>
  (startPriceKoinu * BUY_NOW_MIN_TENTHS_OF_START + 9n) / 10n;

export function validateNewAuction(
  input: NewAuction & OpeningRules,
): AuctionError<NewAuctionErrorCode> | null {
  const { startPriceKoinu, reserveKoinu, buyNowKoinu, minDurationMs, maxDurationMs } = input;
  invariant(0 <= minDurationMs && minDurationMs <= maxDurationMs, 'auction duration limits are inverted');
  if (startPriceKoinu <= 0n) {
    return auctionError('AUCTION_START_PRICE_NOT_POSITIVE', 'the start price must be greater than zero');
  }
  if (reserveKoinu !== null && reserveKoinu < startPriceKoinu) {
    return auctionError('AUCTION_RESERVE_BELOW_START', 'the reserve must be at least the start price');
  }
  if (buyNowKoinu !== null && buyNowKoinu < minimumBuyNowKoinu(startPriceKoinu)) {
    const message = `buy-it-now must be at least ${minimumBuyNowKoinu(startPriceKoinu)} koinu (start + 30%)`;
    return auctionError('AUCTION_BUY_NOW_TOO_LOW', message);
  }
  if (buyNowKoinu !== null && reserveKoinu !== null && buyNowKoinu < reserveKoinu) {
    return auctionError('AUCTION_BUY_NOW_BELOW_RESERVE', 'buy-it-now must be at least the reserve');
  }
  const endsAtMs = input.endsAt.getTime();
  if (Number.isNaN(endsAtMs)) return auctionError('AUCTION_END_INVALID', 'the end time is not a valid time');
  const durationMs = endsAtMs - millis(input.now);
  if (durationMs < minDurationMs) {
    return auctionError('AUCTION_END_TOO_SOON', `an auction must run at least ${minDurationMs} ms`);
  }
  if (durationMs > maxDurationMs) {
    return auctionError('AUCTION_END_TOO_LATE', `an auction may run at most ${maxDurationMs} ms`);
  }
  return null;
}

export type OpenDecision =
  | { kind: 'REFUSED'; error: AuctionError<NewAuctionErrorCode> }
  | { kind: 'OPENED'; auction: Auction; events: AuctionEvent[] };

export function openAuction(command: NewAuction & { auctionId: string }, rules: OpeningRules): OpenDecision {
  const error = validateNewAuction({ ...command, ...rules });
  if (error !== null) return { kind: 'REFUSED', error };
  const auction: Auction = {
    id: command.auctionId,
    sellerId: command.sellerId,
    status: 'OPEN',
    startPriceKoinu: command.startPriceKoinu,
    reserveKoinu: command.reserveKoinu,
    buyNowKoinu: command.buyNowKoinu,
    endsAt: new Date(millis(command.endsAt)),
    leader: null,
    priceKoinu: null,
    bidCount: 0,
    reserveMet: false,
    ending: null,
  };
  assertAuction(auction);
  return { kind: 'OPENED', auction, events: [auctionOpened(auction)] };
}
