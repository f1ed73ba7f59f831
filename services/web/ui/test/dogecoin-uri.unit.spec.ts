// Proves the deposit QR code's payload: the address exactly as given (base58 is case-sensitive) and an
// amount only when one is asked for, written without float rounding.
import { expect } from 'chai';
import { dogecoinUri } from '../src/lib/dogecoin-uri.js';

const ADDRESS = 'nXa7Bq4kUoRpW3XG3jSb5dDmSpjHn2cEYq';

describe('dogecoin: URI', () => {
  it('keeps the address case exactly', () => {
    expect(dogecoinUri(ADDRESS)).to.equal(`dogecoin:${ADDRESS}`);
  });

  it('adds an amount without trailing zeros', () => {
    expect(dogecoinUri(ADDRESS, 1_250_000_000n)).to.equal(`dogecoin:${ADDRESS}?amount=12.5`);
    expect(dogecoinUri(ADDRESS, 1_000_000_000n)).to.equal(`dogecoin:${ADDRESS}?amount=10`);
    expect(dogecoinUri(ADDRESS, 1n)).to.equal(`dogecoin:${ADDRESS}?amount=0.00000001`);
  });

  it('leaves the amount out when there is none or it is not positive', () => {
    expect(dogecoinUri(ADDRESS, 0n)).to.equal(`dogecoin:${ADDRESS}`);
    expect(dogecoinUri(ADDRESS, undefined)).to.equal(`dogecoin:${ADDRESS}`);
  });
});
