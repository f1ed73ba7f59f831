/**
 * How long an approved withdrawal may wait for the hot wallet. A withdrawal the hot wallet cannot pay
 * waits in WAITING_FOR_FUNDS (the batcher retries it every tick); past the configured limit it fails
 * with WITHDRAWAL_FUNDS_WAIT_EXPIRED and the wallet returns the user's pending money to available. The
 * wait starts when the withdrawal entered WAITING_FOR_FUNDS (its statusChangedAt: the batcher records
 * FUNDS_SHORT only for an APPROVED withdrawal, so a waiting one keeps its start), and starts again
 * after a cancelled batch sends it back to APPROVED.
 */
import { canTransition, type Withdrawal, type WithdrawalFailure } from './withdrawal.js';

export interface FundsWaitPolicy {
  /** WITHDRAWAL_FUNDS_TIMEOUT_MS: the longest a withdrawal waits for the hot wallet's coins. */
  fundsWaitTimeoutMs: number;
}

/** Withdrawals that entered WAITING_FOR_FUNDS at or before this moment have waited too long. */
export function fundsWaitCutoff(now: Date, policy: FundsWaitPolicy): Date {
  return new Date(now.getTime() - policy.fundsWaitTimeoutMs);
}

/**
 * The failure to record when `withdrawal` has waited for funds longer than the policy allows, or null
 * when it may keep waiting (or is not waiting at all: it may have been batched meanwhile).
 */
export function fundsWaitExpiry(
  withdrawal: Pick<Withdrawal, 'status' | 'statusChangedAt'>,
  now: Date,
  policy: FundsWaitPolicy,
): WithdrawalFailure | null {
  if (!canTransition(withdrawal.status, 'FUNDS_WAIT_EXPIRED')) return null;
  if (withdrawal.statusChangedAt.getTime() > fundsWaitCutoff(now, policy).getTime()) return null;
  const minutes = Math.round(policy.fundsWaitTimeoutMs / 60_000);
  return {
    code: 'WITHDRAWAL_FUNDS_WAIT_EXPIRED',
    reason:
      `the hot wallet could not cover the withdrawal within ${minutes} min ` +
      `(${policy.fundsWaitTimeoutMs} ms) of waiting; the funds return to available`,
  };
}
