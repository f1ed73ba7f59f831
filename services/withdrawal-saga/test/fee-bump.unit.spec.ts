// Proves the child-pays-for-parent plan: when a stuck transaction is bumped, by how much (the package
// reaches the n-th target rate, the child pays at least the relay rate for itself, never more than the
// cap), and when it is never bumped (off, bumped enough, change too small).
import { expect } from 'chai';
import { feeForSize } from '@dbay/dogecoin';
import { BUMP_ESTIMATED_SIZE_BYTES, planFeeBump, type FeeBumpPolicy } from '../src/domain/fee-bump.js';

const DOGE = 100_000_000n;
const policy: FeeBumpPolicy = {
  afterBlocks: 3,
  rateKoinuPerKb: 5_000_000n,
  maxTimes: 2,
  maxFeeKoinu: DOGE,
  ownFeeRateKoinuPerKb: 1_000_000n,
};
const stuck = { sizeBytes: 1551, feeKoinu: 1_551_000n };
const situation = {
  tipHeight: 103,
  lastBroadcastHeight: 100,
  bumpsSoFar: 0,
  package: [stuck],
  changeKoinu: 50n * DOGE,
};

describe('fee bumps (planFeeBump)', () => {
  it('waits until the package has waited FEE_BUMP_AFTER_BLOCKS blocks', () => {
    expect(planFeeBump({ ...situation, tipHeight: 102 }, policy)).to.deep.equal({ kind: 'wait' });
    expect(planFeeBump(situation, policy).kind).to.equal('bump');
  });

  it('lifts the whole package to the target rate: the child pays for the stuck bytes too', () => {
    const decision = planFeeBump(situation, policy);
    if (decision.kind !== 'bump') expect.fail(JSON.stringify(decision));
    const packageBytes = stuck.sizeBytes + BUMP_ESTIMATED_SIZE_BYTES;
    expect(decision.feeKoinu + stuck.feeKoinu).to.equal(feeForSize(packageBytes, 5_000_000n));
    expect(decision.changeKoinu).to.equal(50n * DOGE - decision.feeKoinu);
    expect(decision.bumpNumber).to.equal(1);
  });

  it('aims higher at each bump, counting the bumps already out in the package', () => {
    const first = planFeeBump(situation, policy);
    if (first.kind !== 'bump') expect.fail(JSON.stringify(first));
    const second = planFeeBump(
      {
        ...situation,
        bumpsSoFar: 1,
        package: [stuck, { sizeBytes: 191, feeKoinu: first.feeKoinu }],
        changeKoinu: first.changeKoinu,
      },
      policy,
    );
    if (second.kind !== 'bump') expect.fail(JSON.stringify(second));
    expect(second.targetRateKoinuPerKb).to.equal(10_000_000n);
    expect(second.feeKoinu + first.feeKoinu + stuck.feeKoinu).to.equal(
      feeForSize(stuck.sizeBytes + 191 + BUMP_ESTIMATED_SIZE_BYTES, 10_000_000n),
    );
  });

  it('pays at least the relay rate for its own bytes, and never more than the cap', () => {
    const rich = planFeeBump({ ...situation, package: [{ sizeBytes: 226, feeKoinu: DOGE }] }, policy);
    if (rich.kind !== 'bump') expect.fail(JSON.stringify(rich));
    expect(rich.feeKoinu).to.equal(feeForSize(BUMP_ESTIMATED_SIZE_BYTES));
    // At the saga's own configured rate, which is what its check of the signed bump asks for.
    const dearer = planFeeBump(
      { ...situation, package: [{ sizeBytes: 226, feeKoinu: DOGE }] },
      { ...policy, ownFeeRateKoinuPerKb: 3_000_000n },
    );
    if (dearer.kind !== 'bump') expect.fail(JSON.stringify(dearer));
    expect(dearer.feeKoinu).to.equal(feeForSize(BUMP_ESTIMATED_SIZE_BYTES, 3_000_000n));
    const capped = planFeeBump(situation, { ...policy, maxFeeKoinu: 10_000n });
    if (capped.kind !== 'bump') expect.fail(JSON.stringify(capped));
    expect(capped.feeKoinu).to.equal(10_000n);
  });

  it('never bumps when off, when bumped enough, or when the change cannot pay and keep a non-dust output', () => {
    expect(planFeeBump(situation, { ...policy, maxTimes: 0 }).kind).to.equal('never');
    expect(planFeeBump({ ...situation, bumpsSoFar: 2 }, policy).kind).to.equal('never');
    expect(planFeeBump({ ...situation, changeKoinu: 1_500_000n }, policy).kind).to.equal('never');
  });
});
