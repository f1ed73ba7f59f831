// Proves the increment ladder: the step is chosen by the current price, at each boundary the higher
// step applies, the default ladder is eBay's with DOGE for dollars, and a configured ladder that
// does not start at 0, does not rise, has a non-positive increment or is not text we understand is
// refused with its code.
import { expect } from 'chai';
import fc from 'fast-check';
import type { IncrementLadderErrorCode } from '../../src/domain/auction/errors.js';
import {
  DEFAULT_INCREMENT_LADDER,
  incrementAt,
  parseIncrementLadder,
  validateIncrementLadder,
  type LadderResult,
} from '../../src/domain/auction/ladder.js';

const DOGE = 100_000_000n;

function expectLadderError(result: LadderResult, code: IncrementLadderErrorCode): void {
  if (result.ok) expect.fail(`expected ${code}, got a ladder`);
  expect(result.error.code).to.equal(code);
}

describe('auction increment ladder', () => {
  it("the default ladder is eBay's: 0.05 DOGE below 1 DOGE up to 100 DOGE from 5000 DOGE", () => {
    const cases: [bigint, bigint][] = [
      [0n, 5_000_000n],
      [DOGE - 1n, 5_000_000n],
      [DOGE, 25_000_000n],
      [5n * DOGE - 1n, 25_000_000n],
      [5n * DOGE, 50_000_000n],
      [25n * DOGE, DOGE],
      [100n * DOGE, 250_000_000n],
      [250n * DOGE, 5n * DOGE],
      [500n * DOGE, 10n * DOGE],
      [1000n * DOGE, 25n * DOGE],
      [2500n * DOGE, 50n * DOGE],
      [4999n * DOGE, 50n * DOGE],
      [5000n * DOGE, 100n * DOGE],
      [10_000_000n * DOGE, 100n * DOGE],
    ];
    for (const [price, increment] of cases) {
      expect(incrementAt(DEFAULT_INCREMENT_LADDER, price), `at ${price}`).to.equal(increment);
    }
  });

  it('the default ladder passes its own validation', () => {
    expect(validateIncrementLadder(DEFAULT_INCREMENT_LADDER).ok).to.equal(true);
  });

  it('the increment is the one of the last step at or below the price', () => {
    const steps = fc
      .uniqueArray(fc.bigInt({ min: 1n, max: 10_000n }), { maxLength: 6 })
      .map((froms) => [0n, ...froms.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))])
      .chain((froms) =>
        fc.tuple(
          fc.constant(froms),
          fc.array(fc.bigInt({ min: 1n, max: 500n }), { minLength: froms.length, maxLength: froms.length }),
        ),
      );
    fc.assert(
      fc.property(steps, fc.bigInt({ min: 0n, max: 20_000n }), ([froms, increments], price) => {
        const ladder = froms.map((fromPriceKoinu, i) => ({ fromPriceKoinu, incrementKoinu: increments[i]! }));
        const validated = validateIncrementLadder(ladder);
        if (!validated.ok) expect.fail(validated.error.message);
        const applicable = ladder.filter((step) => step.fromPriceKoinu <= price).at(-1)!;
        expect(incrementAt(validated.ladder, price)).to.equal(applicable.incrementKoinu);
      }),
    );
  });

  it('a configured ladder is parsed from fromPrice:increment pairs in DOGE', () => {
    const result = parseIncrementLadder(' 0:0.05, 1:0.25 ,5:0.5,25:1');
    if (!result.ok) expect.fail(result.error.message);
    expect(result.ladder).to.deep.equal(DEFAULT_INCREMENT_LADDER.slice(0, 4));
  });

  it('a ladder with no step is refused', () => {
    expectLadderError(parseIncrementLadder(''), 'AUCTION_LADDER_EMPTY');
    expectLadderError(validateIncrementLadder([]), 'AUCTION_LADDER_EMPTY');
  });

  it('a ladder that does not start at 0 is refused', () => {
    expectLadderError(parseIncrementLadder('1:0.25,5:0.5'), 'AUCTION_LADDER_NOT_FROM_ZERO');
  });

  it('a ladder whose prices do not strictly rise is refused', () => {
    expectLadderError(parseIncrementLadder('0:0.05,5:0.5,5:1'), 'AUCTION_LADDER_NOT_INCREASING');
    expectLadderError(parseIncrementLadder('0:0.05,5:0.5,1:0.25'), 'AUCTION_LADDER_NOT_INCREASING');
  });

  it('a ladder with a zero or negative increment is refused', () => {
    expectLadderError(parseIncrementLadder('0:0.05,1:0'), 'AUCTION_LADDER_INCREMENT_NOT_POSITIVE');
    expectLadderError(
      validateIncrementLadder([{ fromPriceKoinu: 0n, incrementKoinu: -1n }]),
      'AUCTION_LADDER_INCREMENT_NOT_POSITIVE',
    );
  });

  it('text that is not DOGE pairs is refused as malformed', () => {
    for (const text of ['0:0.05,1', '0:0.05:1', '0:abc', '0:1e3', '0:-1', '0:0.000000001']) {
      expectLadderError(parseIncrementLadder(text), 'AUCTION_LADDER_MALFORMED');
    }
  });
});
