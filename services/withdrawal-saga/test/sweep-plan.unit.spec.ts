// Proves the hot/cold rules: what is swept (the excess over the ceiling after what withdrawals are
// owed, once it reaches the minimum), how (largest coins first, change back to hot, dust change to
// cold, the fee at the recommended rate), and when a refill is asked for and of how much.
import { expect } from 'chai';
import { estimateSignedP2pkhSize, feeForSize } from '@dbay/dogecoin';
import { excessOverCeiling, planSweep, refillNeeded, type HotColdPolicy } from '../src/domain/sweep-plan.js';

const DOGE = 100_000_000n;
const policy: HotColdPolicy = {
  ceilingKoinu: 1_000n * DOGE,
  floorKoinu: 200n * DOGE,
  sweepMinKoinu: 100n * DOGE,
  feeRateKoinuPerKb: 1_000_000n,
  maxInputs: 200,
};
const coin = (doge: bigint, id = `${doge}`) => ({
  txid: id.padStart(64, '0'),
  vout: 0,
  amountKoinu: doge * DOGE,
  previousTxBytes: 200,
});

describe('hot and cold (planSweep, refillNeeded)', () => {
  it('sweeps nothing at or below the ceiling plus the minimum, or without a ceiling', () => {
    expect(planSweep([coin(1_099n)], 0n, policy)).to.equal(null);
    expect(planSweep([coin(5_000n)], 4_000n * DOGE, policy)).to.equal(null);
    expect(planSweep([coin(5_000n)], 0n, { ...policy, ceilingKoinu: null })).to.equal(null);
  });

  it('sends exactly the excess to cold from the largest coins, the rest back to hot', () => {
    const coins = [coin(300n, 'a'), coin(900n, 'b'), coin(50n, 'c'), coin(400n, 'd')];
    const plan = planSweep(coins, 100n * DOGE, policy)!;
    // 1,650 available, 100 owed, ceiling 1,000: 550 go to cold.
    expect(plan.coldKoinu).to.equal(550n * DOGE);
    expect(plan.inputs.map((input) => input.amountKoinu)).to.deep.equal([900n * DOGE]);
    const size = estimateSignedP2pkhSize(1, [25, 25]);
    expect(plan).to.include({ estimatedSizeBytes: size, feeKoinu: feeForSize(size, 1_000_000n) });
    expect(plan.changeKoinu).to.equal(900n * DOGE - 550n * DOGE - plan.feeKoinu);
    expect(excessOverCeiling(1_650n * DOGE, 100n * DOGE, 1_000n * DOGE)).to.equal(550n * DOGE);
  });

  it('takes more coins until the excess and the fee are covered', () => {
    const plan = planSweep([coin(600n, 'a'), coin(600n, 'b'), coin(600n, 'c')], 0n, policy)!;
    expect(plan.coldKoinu).to.equal(800n * DOGE);
    expect(plan.inputs).to.have.length(2);
    expect(plan.coldKoinu + plan.changeKoinu + plan.feeKoinu).to.equal(1_200n * DOGE);
  });

  it('sends a dust leftover to cold too, in a transaction without change', () => {
    const size = estimateSignedP2pkhSize(1, [25, 25]);
    const fee = feeForSize(size, 1_000_000n);
    // The largest coin covers the excess and the fee with 0.005 DOGE left: that goes to cold as well.
    const small = { ...coin(1n, 'b'), amountKoinu: 1_000n * DOGE - fee - 500_000n };
    const plan = planSweep([coin(2_000n, 'a'), small], 0n, policy)!;
    expect(plan.inputs.map((input) => input.txid)).to.deep.equal([coin(2_000n, 'a').txid]);
    expect(plan.changeKoinu).to.equal(0n);
    expect(plan.coldKoinu + plan.feeKoinu).to.equal(2_000n * DOGE);
    expect(plan.estimatedSizeBytes).to.equal(estimateSignedP2pkhSize(1, [25]));
  });

  it('asks for a refill below the floor: back to the middle of floor and ceiling, plus what is owed', () => {
    expect(refillNeeded(250n * DOGE, 0n, policy)).to.equal(null);
    expect(refillNeeded(150n * DOGE, 0n, policy)).to.equal(450n * DOGE);
    expect(refillNeeded(250n * DOGE, 100n * DOGE, policy)).to.equal(450n * DOGE);
    expect(refillNeeded(0n, 0n, { ...policy, ceilingKoinu: null })).to.equal(400n * DOGE);
    expect(refillNeeded(0n, 0n, { ...policy, floorKoinu: null })).to.equal(null);
  });
});
