// Proves the fee constants carry Dogecoin's published values in koinu and that the size estimate
// is an upper bound of a real signed P2PKH transaction's size.
import { expect } from 'chai';
import {
  estimateSignedP2pkhSize,
  feeForSize,
  HARD_DUST_LIMIT_KOINU,
  isHardDust,
  isSoftDust,
  KOINU_PER_DOGE,
  MIN_RELAY_FEE_RATE_KOINU_PER_BYTE,
  RECOMMENDED_FEE_RATE_KOINU_PER_BYTE,
  RECOMMENDED_FEE_RATE_KOINU_PER_KB,
  SOFT_DUST_LIMIT_KOINU,
} from '../src/index.js';

describe('@dbay/dogecoin fees', () => {
  it('states the recommended, relay and dust values in koinu', () => {
    expect(RECOMMENDED_FEE_RATE_KOINU_PER_KB).to.equal(KOINU_PER_DOGE / 100n); // 0.01 DOGE/kB
    expect(RECOMMENDED_FEE_RATE_KOINU_PER_BYTE).to.equal(1000n);
    expect(MIN_RELAY_FEE_RATE_KOINU_PER_BYTE).to.equal(100n); // 0.001 DOGE/kB
    expect(HARD_DUST_LIMIT_KOINU).to.equal(KOINU_PER_DOGE / 1000n);
    expect(SOFT_DUST_LIMIT_KOINU).to.equal(KOINU_PER_DOGE / 100n);
  });

  it('prices a one-in two-out P2PKH spend at 226 bytes, 0.00226 DOGE at the recommended rate', () => {
    const size = estimateSignedP2pkhSize(1, [25, 25]);
    expect(size).to.equal(226);
    expect(feeForSize(size)).to.equal(226_000n);
  });

  it('rounds fees up to a whole koinu', () => {
    expect(feeForSize(1, 1n)).to.equal(1n);
    expect(feeForSize(0)).to.equal(0n);
  });

  it('classifies dust at the limits', () => {
    expect(isHardDust(HARD_DUST_LIMIT_KOINU - 1n)).to.equal(true);
    expect(isHardDust(HARD_DUST_LIMIT_KOINU)).to.equal(false);
    expect(isSoftDust(SOFT_DUST_LIMIT_KOINU - 1n)).to.equal(true);
    expect(isSoftDust(SOFT_DUST_LIMIT_KOINU)).to.equal(false);
  });
});
