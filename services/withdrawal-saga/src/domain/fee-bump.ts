/**
 * Child-pays-for-parent. Dogecoin Core 1.14 has no replace-by-fee, and a signed withdrawal transaction
 * is never signed again, so the one lever on a transaction stuck at a fee rate miners skip is its own
 * change: a child spending the change to a fresh change address with a fee high enough that the
 * package (the stuck transaction, the bumps already out, and the child) reaches a fee rate miners take
 * (Core mines by ancestor-package fee rate, addPackageTxs). The withdrawals stay paid by the same
 * transaction; only the fee grows, and it is booked to network fees like the rest.
 *
 * A bump is planned when the package has waited FEE_BUMP_AFTER_BLOCKS blocks since the last broadcast
 * in it; the n-th bump aims at n times FEE_BUMP_RATE_KOINU_PER_KB, pays at least the saga's fee rate for
 * its own bytes, at most FEE_BUMP_MAX_FEE_KOINU, and leaves a change of at least the soft dust limit.
 * The configuration allows one bump (config.ts says why); the planner itself handles more.
 */
import { SOFT_DUST_LIMIT_KOINU, estimateSignedP2pkhSize, feeForSize } from '@dbay/dogecoin';

export interface FeeBumpPolicy {
  afterBlocks: number;
  rateKoinuPerKb: bigint;
  /** 0 turns bumping off. */
  maxTimes: number;
  maxFeeKoinu: bigint;
  /** The rate the bump pays at least for its own bytes: the saga's FEE_RATE_KOINU_PER_KB, as it checks. */
  ownFeeRateKoinuPerKb: bigint;
}

/** One transaction of the unconfirmed package, as signed. */
export interface PackageMember {
  sizeBytes: number;
  feeKoinu: bigint;
}

export interface BumpSituation {
  tipHeight: number;
  /** The height at which the newest transaction of the package was broadcast. */
  lastBroadcastHeight: number;
  /** Bumps already attempted for this transaction, refused ones included. */
  bumpsSoFar: number;
  /** The stuck transaction and the bumps already broadcast. */
  package: readonly PackageMember[];
  /** The unconfirmed change output the bump spends. */
  changeKoinu: bigint;
}

export type BumpDecision =
  | {
      kind: 'bump';
      bumpNumber: number;
      feeKoinu: bigint;
      changeKoinu: bigint;
      targetRateKoinuPerKb: bigint;
      estimatedSizeBytes: number;
    }
  | { kind: 'wait' }
  | { kind: 'never'; reason: string };

/** A bump: one P2PKH input, one P2PKH output (script of 25 bytes). */
export const BUMP_ESTIMATED_SIZE_BYTES = estimateSignedP2pkhSize(1, [25]);

export function planFeeBump(situation: BumpSituation, policy: FeeBumpPolicy): BumpDecision {
  if (policy.maxTimes === 0) return { kind: 'never', reason: 'fee bumping is off (FEE_BUMP_MAX_TIMES=0)' };
  if (situation.bumpsSoFar >= policy.maxTimes)
    return { kind: 'never', reason: `already bumped ${situation.bumpsSoFar} times (FEE_BUMP_MAX_TIMES)` };
  if (situation.tipHeight - situation.lastBroadcastHeight < policy.afterBlocks) return { kind: 'wait' };
  const bumpNumber = situation.bumpsSoFar + 1;
  const targetRateKoinuPerKb = policy.rateKoinuPerKb * BigInt(bumpNumber);
  const packageBytes = situation.package.reduce((sum, member) => sum + member.sizeBytes, 0);
  const packageFee = situation.package.reduce((sum, member) => sum + member.feeKoinu, 0n);
  const size = BUMP_ESTIMATED_SIZE_BYTES;
  const wanted = feeForSize(packageBytes + size, targetRateKoinuPerKb) - packageFee;
  const ownBytes = feeForSize(size, policy.ownFeeRateKoinuPerKb);
  let feeKoinu = wanted > ownBytes ? wanted : ownBytes;
  if (feeKoinu > policy.maxFeeKoinu) feeKoinu = policy.maxFeeKoinu;
  const changeKoinu = situation.changeKoinu - feeKoinu;
  if (changeKoinu < SOFT_DUST_LIMIT_KOINU)
    return {
      kind: 'never',
      reason: `the change of ${situation.changeKoinu} koinu cannot pay a bump fee of ${feeKoinu} and keep ${SOFT_DUST_LIMIT_KOINU}`,
    };
  return { kind: 'bump', bumpNumber, feeKoinu, changeKoinu, targetRateKoinuPerKb, estimatedSizeBytes: size };
}
