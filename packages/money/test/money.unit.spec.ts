// Proves that DOGE amounts cross the boundary exactly: every valid string round-trips to the same koinu,
// and every kind of bad input is refused with its own code instead of being rounded or guessed.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  formatDoge,
  koinuFromBigintColumn,
  koinuFromDecimalColumn,
  MAX_AMOUNT_KOINU,
  MoneyError,
  parseDoge,
  parseKoinu,
} from '../src/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof MoneyError) return error.code;
    throw error;
  }
  return undefined;
}

describe('money', () => {
  it('parses DOGE decimals into exact koinu', () => {
    expect(parseDoge('12.5')).to.equal(1_250_000_000n);
    expect(parseDoge('0.00000001')).to.equal(1n);
    expect(parseDoge('10000000000')).to.equal(MAX_AMOUNT_KOINU);
    expect(parseDoge('0', { allowZero: true })).to.equal(0n);
  });

  it('refuses every malformed amount with a distinct code', () => {
    expect(codeOf(() => parseDoge(12.5))).to.equal('AMOUNT_NOT_A_STRING');
    expect(codeOf(() => parseDoge('1e8'))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseDoge(' 1'))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseDoge('+1'))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseDoge('1.'))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseDoge('0x10'))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseDoge('1.000000001'))).to.equal('AMOUNT_TOO_PRECISE');
    expect(codeOf(() => parseDoge('-1'))).to.equal('AMOUNT_NEGATIVE');
    expect(codeOf(() => parseDoge('0'))).to.equal('AMOUNT_NOT_POSITIVE');
    expect(codeOf(() => parseDoge('10000000000.00000001'))).to.equal('AMOUNT_TOO_LARGE');
    expect(codeOf(() => parseDoge('9'.repeat(21)))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseKoinu('1.5'))).to.equal('AMOUNT_MALFORMED');
    expect(codeOf(() => parseKoinu('-5'))).to.equal('AMOUNT_NEGATIVE');
  });

  it('round-trips every amount through text and the database column form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT_KOINU }), (koinu) => {
        const text = formatDoge(koinu);
        expect(parseDoge(text)).to.equal(koinu);
        expect(parseKoinu(koinu.toString())).to.equal(koinu);
        expect(koinuFromDecimalColumn(text)).to.equal(koinu);
      }),
    );
  });

  it('reads a BIGINT koinu column as koinu, never scaled by 10^8, and refuses a fraction', () => {
    expect(koinuFromBigintColumn('1250000000')).to.equal(1_250_000_000n);
    expect(koinuFromBigintColumn('-7')).to.equal(-7n);
    expect(() => koinuFromBigintColumn('12.5')).to.throw(/BIGINT koinu/);
    // The NUMERIC reader treats its text as DOGE: the same digits are 10^8 times more money.
    expect(koinuFromDecimalColumn('1250000000')).to.equal(1_250_000_000n * 100_000_000n);
  });

  it('formats negative balances for reports', () => {
    expect(formatDoge(-150_000_000n)).to.equal('-1.50000000');
    expect(koinuFromDecimalColumn('-1.50000000')).to.equal(-150_000_000n);
  });
});
