/**
 * The bid increment ladder: how much the visible price must rise, chosen by the current price (not
 * by anyone's maximum), as on eBay. Each step applies from its price up to the next step's price.
 */
import { KOINU_PER_DOGE, MoneyError, parseDoge } from '@dbay/money';
import { auctionError, invariant, type AuctionError, type IncrementLadderErrorCode } from './errors.js';

export interface IncrementStep {
  /** The step applies when the current price is at least this. */
  fromPriceKoinu: bigint;
  incrementKoinu: bigint;
}

/** Steps in strictly increasing fromPriceKoinu, the first from 0, every increment positive. */
export type IncrementLadder = readonly IncrementStep[];

const doge = (whole: bigint, hundredths = 0n): bigint => whole * KOINU_PER_DOGE + hundredths * 1_000_000n;

/** eBay's US ladder with DOGE for dollars: below 1 DOGE the price rises by 0.05 DOGE, and so on. */
export const DEFAULT_INCREMENT_LADDER: IncrementLadder = Object.freeze([
  { fromPriceKoinu: 0n, incrementKoinu: doge(0n, 5n) },
  { fromPriceKoinu: doge(1n), incrementKoinu: doge(0n, 25n) },
  { fromPriceKoinu: doge(5n), incrementKoinu: doge(0n, 50n) },
  { fromPriceKoinu: doge(25n), incrementKoinu: doge(1n) },
  { fromPriceKoinu: doge(100n), incrementKoinu: doge(2n, 50n) },
  { fromPriceKoinu: doge(250n), incrementKoinu: doge(5n) },
  { fromPriceKoinu: doge(500n), incrementKoinu: doge(10n) },
  { fromPriceKoinu: doge(1000n), incrementKoinu: doge(25n) },
  { fromPriceKoinu: doge(2500n), incrementKoinu: doge(50n) },
  { fromPriceKoinu: doge(5000n), incrementKoinu: doge(100n) },
]);

/** The increment of the step that covers `priceKoinu`. The ladder must have been validated. */
export function incrementAt(ladder: IncrementLadder, priceKoinu: bigint): bigint {
  invariant(priceKoinu >= 0n, `a price of ${priceKoinu} koinu is negative`);
  let increment: bigint | undefined;
  for (const step of ladder) {
    if (step.fromPriceKoinu > priceKoinu) break;
    increment = step.incrementKoinu;
  }
  invariant(increment !== undefined && increment > 0n, 'the increment ladder was not validated');
  return increment;
}

export type LadderResult =
  { ok: true; ladder: IncrementLadder } | { ok: false; error: AuctionError<IncrementLadderErrorCode> };

/** Checks a configured ladder: at least one step, the first from 0, prices rising, increments positive. */
export function validateIncrementLadder(steps: readonly IncrementStep[]): LadderResult {
  const refuse = (code: IncrementLadderErrorCode, message: string): LadderResult => ({
    ok: false,
    error: auctionError(code, message),
  });
  const [first] = steps;
  if (first === undefined) return refuse('AUCTION_LADDER_EMPTY', 'the increment ladder has no step');
  if (first.fromPriceKoinu !== 0n) {
    return refuse('AUCTION_LADDER_NOT_FROM_ZERO', 'the first step of the increment ladder must start at 0');
  }
  for (const [index, step] of steps.entries()) {
    if (step.incrementKoinu <= 0n) {
      return refuse('AUCTION_LADDER_INCREMENT_NOT_POSITIVE', `step ${index + 1} has no positive increment`);
    }
    const previous = steps[index - 1];
    if (previous !== undefined && step.fromPriceKoinu <= previous.fromPriceKoinu) {
      return refuse('AUCTION_LADDER_NOT_INCREASING', `step ${index + 1} does not start above step ${index}`);
    }
  }
  return { ok: true, ladder: Object.freeze(steps.map((step) => ({ ...step }))) };
}

/**
 * Parses a ladder from configuration text: comma-separated `fromPrice:increment` pairs in DOGE, for
 * example "0:0.05,1:0.25,5:0.5", then validates it.
 */
export function parseIncrementLadder(text: string): LadderResult {
  const steps: IncrementStep[] = [];
  for (const pair of text.split(',').filter((part) => part.trim() !== '')) {
    const [from, increment, ...rest] = pair.split(':').map((part) => part.trim());
    if (from === undefined || increment === undefined || rest.length > 0) {
      return malformed(`"${pair}" is not a fromPrice:increment pair`);
    }
    try {
      steps.push({
        fromPriceKoinu: parseDoge(from, { allowZero: true }),
        incrementKoinu: parseDoge(increment, { allowZero: true }),
      });
    } catch (error) {
      if (error instanceof MoneyError) return malformed(`"${pair}": ${error.message}`);
      throw error;
    }
  }
  return validateIncrementLadder(steps);
}

const malformed = (message: string): LadderResult => ({
  ok: false,
  error: auctionError('AUCTION_LADDER_MALFORMED', `increment ladder: ${message}`),
});
