/**
 * Which approved withdrawals go into the next transaction, and with which coins. Withdrawals are
 * taken oldest first; one the hot wallet cannot cover together with those already taken is left
 * waiting for funds, and younger, smaller ones may still go ahead (no withdrawal blocks the queue).
 * The miner fee is then shared between the withdrawals of the batch, so the reconciler can tie every
 * koinu of it to a withdrawal.
 */
import {
  selectCoins,
  type Coin,
  type Payment,
  type Selection,
  type SelectionPolicy,
} from './coin-selection.js';

export interface BatchPolicy extends SelectionPolicy {
  maxWithdrawalsPerBatch: number;
  /** A batch is formed once the oldest candidate waited this long (0: at once). */
  batchWindowMs: number;
}

export interface Candidate extends Payment {
  /** When the withdrawal became approved; the batching window counts from the oldest one. */
  approvedAt: Date;
}

export interface BatchPlan<C extends Coin> {
  payments: Payment[];
  selection: Selection<C>;
  /** The miner fee split over the payments, in the order of `payments`; sums to the fee exactly. */
  feeSharesKoinu: bigint[];
  /** Candidates the hot wallet cannot cover yet. */
  waitingForFunds: string[];
}

export type PlanResult<C extends Coin> =
  | { kind: 'nothing-to-do' }
  | { kind: 'window-open'; ripeAt: Date }
  | { kind: 'all-waiting-for-funds'; waitingForFunds: string[] }
  | { kind: 'batch'; plan: BatchPlan<C> };

/** Equal shares of the fee; the first payments take one koinu more each until the remainder is gone. */
export function shareFee(feeKoinu: bigint, paymentCount: number): bigint[] {
  if (paymentCount <= 0) throw new Error('cannot share a fee between no payments');
  const count = BigInt(paymentCount);
  const base = feeKoinu / count;
  const remainder = feeKoinu % count;
  return Array.from({ length: paymentCount }, (_, index) => base + (BigInt(index) < remainder ? 1n : 0n));
}

function byApprovedAt(left: Candidate, right: Candidate): number {
  const difference = left.approvedAt.getTime() - right.approvedAt.getTime();
  if (difference !== 0) return difference;
  return left.withdrawalId < right.withdrawalId ? -1 : left.withdrawalId > right.withdrawalId ? 1 : 0;
}

export function planBatch<C extends Coin>(
  candidates: readonly Candidate[],
  coins: readonly C[],
  policy: BatchPolicy,
  now: Date,
): PlanResult<C> {
  if (candidates.length === 0) return { kind: 'nothing-to-do' };
  const queue = [...candidates].sort(byApprovedAt);
  const oldest = queue[0]!;
  const ripeAt = new Date(oldest.approvedAt.getTime() + policy.batchWindowMs);
  if (queue.length < policy.maxWithdrawalsPerBatch && ripeAt.getTime() > now.getTime())
    return { kind: 'window-open', ripeAt };

  const taken: Payment[] = [];
  const waitingForFunds: string[] = [];
  let selection: Selection<C> | undefined;
  for (const candidate of queue) {
    if (taken.length >= policy.maxWithdrawalsPerBatch) break;
    const payment: Payment = {
      withdrawalId: candidate.withdrawalId,
      amountKoinu: candidate.amountKoinu,
      scriptLength: candidate.scriptLength,
    };
    const attempt = selectCoins(coins, [...taken, payment], policy);
    if (attempt.ok) {
      taken.push(payment);
      selection = attempt.selection;
    } else if (taken.length === 0 || !selectCoins(coins, [payment], policy).ok) {
      // Only a withdrawal the hot wallet cannot pay even on its own is shown as waiting; one that
      // merely does not fit beside the others simply goes in the next batch.
      waitingForFunds.push(candidate.withdrawalId);
    }
  }
  if (!selection) return { kind: 'all-waiting-for-funds', waitingForFunds };
  assertBalanced(taken, selection);
  return {
    kind: 'batch',
    plan: {
      payments: taken,
      selection,
      feeSharesKoinu: shareFee(selection.feeKoinu, taken.length),
      waitingForFunds,
    },
  };
}

/** Inputs = payments + change + fee, to the koinu; anything else is a bug that would lose money. */
export function assertBalanced(payments: readonly Payment[], selection: Selection<Coin>): void {
  const inputs = selection.inputs.reduce((sum, coin) => sum + coin.amountKoinu, 0n);
  const outputs = payments.reduce((sum, payment) => sum + payment.amountKoinu, 0n) + selection.changeKoinu;
  if (inputs !== outputs + selection.feeKoinu || selection.feeKoinu <= 0n) {
    throw new Error(
      `unbalanced transaction plan: inputs ${inputs}, outputs ${outputs}, fee ${selection.feeKoinu}`,
    );
  }
}
