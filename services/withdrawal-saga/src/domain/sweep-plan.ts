/**
 * Hot and cold. The hot wallet keeps what withdrawals need; what is above HOT_WALLET_CEILING_KOINU
 * (after the approved withdrawals still owed) goes to the cold account, whose keys the platform never
 * holds, once the excess is at least HOT_WALLET_SWEEP_MIN_KOINU (no sweeps of crumbs). Below
 * HOT_WALLET_FLOOR_KOINU a person is asked to refill the hot wallet from cold, with the amount that
 * brings it back to the middle of floor and ceiling.
 *
 * A sweep takes the largest coins first (fewest inputs, and the small ones stay for small withdrawals),
 * pays the excess to one fresh cold address and the rest back to a hot change address; a change below
 * the soft dust limit goes to cold as well. The fee is the recommended rate on the worst-case size.
 */
import { SOFT_DUST_LIMIT_KOINU, estimateSignedP2pkhSize, feeForSize } from '@dbay/dogecoin';
import type { Coin } from './coin-selection.js';

export interface HotColdPolicy {
  ceilingKoinu: bigint | null;
  floorKoinu: bigint | null;
  sweepMinKoinu: bigint;
  feeRateKoinuPerKb: bigint;
  maxInputs: number;
}

export interface SweepPlan<C extends Coin> {
  inputs: C[];
  coldKoinu: bigint;
  /** 0 when everything selected goes to cold. */
  changeKoinu: bigint;
  feeKoinu: bigint;
  estimatedSizeBytes: number;
}

const P2PKH_SCRIPT_BYTES = 25;

/** What the hot wallet holds above its ceiling, after what approved withdrawals still need. */
export function excessOverCeiling(availableKoinu: bigint, owedKoinu: bigint, ceilingKoinu: bigint): bigint {
  const excess = availableKoinu - owedKoinu - ceilingKoinu;
  return excess > 0n ? excess : 0n;
}

export function planSweep<C extends Coin>(
  coins: readonly C[],
  owedKoinu: bigint,
  policy: HotColdPolicy,
): SweepPlan<C> | null {
  if (policy.ceilingKoinu === null) return null;
  const available = coins.reduce((sum, coin) => sum + coin.amountKoinu, 0n);
  const excess = excessOverCeiling(available, owedKoinu, policy.ceilingKoinu);
  if (excess < policy.sweepMinKoinu) return null;
  const largestFirst = [...coins].sort((left, right) =>
    left.amountKoinu === right.amountKoinu ? 0 : left.amountKoinu > right.amountKoinu ? -1 : 1,
  );
  const inputs: C[] = [];
  let selected = 0n;
  for (const coin of largestFirst) {
    if (inputs.length >= policy.maxInputs) break;
    inputs.push(coin);
    selected += coin.amountKoinu;
    const size = estimateSignedP2pkhSize(inputs.length, [P2PKH_SCRIPT_BYTES, P2PKH_SCRIPT_BYTES]);
    const fee = feeForSize(size, policy.feeRateKoinuPerKb);
    if (selected < excess + fee) continue;
    const change = selected - excess - fee;
    if (change >= SOFT_DUST_LIMIT_KOINU)
      return { inputs, coldKoinu: excess, changeKoinu: change, feeKoinu: fee, estimatedSizeBytes: size };
    // The leftover is dust: it goes to cold with the excess, in a transaction without change.
    const alone = estimateSignedP2pkhSize(inputs.length, [P2PKH_SCRIPT_BYTES]);
    const aloneFee = feeForSize(alone, policy.feeRateKoinuPerKb);
    return {
      inputs,
      coldKoinu: selected - aloneFee,
      changeKoinu: 0n,
      feeKoinu: aloneFee,
      estimatedSizeBytes: alone,
    };
  }
  return null;
}

/** Below the floor: what to send from cold to bring the hot wallet back to the middle of floor and ceiling. */
export function refillNeeded(
  availableKoinu: bigint,
  owedKoinu: bigint,
  policy: HotColdPolicy,
): bigint | null {
  if (policy.floorKoinu === null) return null;
  const spare = availableKoinu - owedKoinu;
  if (spare >= policy.floorKoinu) return null;
  const target =
    policy.ceilingKoinu === null ? 2n * policy.floorKoinu : (policy.floorKoinu + policy.ceilingKoinu) / 2n;
  return target - spare;
}
