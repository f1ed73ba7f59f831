/**
 * What the saga tells the user's wallet about each step (withdrawal.step-recorded). The saga's own steps
 * say how the saga got somewhere (FRAUD_HELD, COOL_DOWN_ELAPSED, BATCH_CANCELLED...); a user only needs
 * where the withdrawal stands, so each step maps to one reported step in one table the type system keeps
 * complete. The confirmation count is not a saga step (it lives on the batch), so it has its own rule:
 * report it when it changes, below the depth at which CONFIRMED is reported instead.
 *
 * A reason goes to the user, so it is never the stored failure sentence (which may name a reviewer's
 * note, a signer policy or the hot wallet's coins): it is the failure code and a fixed sentence.
 */
import type { StepName, WithdrawalFailure, WithdrawalFailureCode } from './withdrawal.js';

export const REPORTED_STEPS = [
  'HELD_FOR_REVIEW',
  'COOLING_DOWN',
  'APPROVED',
  'REJECTED',
  'WAITING_FOR_FUNDS',
  'SIGNING',
  'SIGNED',
  'BROADCAST',
  'CONFIRMATIONS',
  'CONFIRMED',
  'FAILED',
] as const;

export type ReportedStep = (typeof REPORTED_STEPS)[number];

/** The reported step of every saga step. */
export const REPORTED_STEP_OF = {
  REQUEST_REFUSED: 'REJECTED',
  FRAUD_APPROVED: 'APPROVED',
  FRAUD_HELD: 'HELD_FOR_REVIEW',
  FRAUD_COOLING_DOWN: 'COOLING_DOWN',
  FRAUD_REJECTED: 'REJECTED',
  REVIEW_APPROVED: 'APPROVED',
  REVIEW_REJECTED: 'REJECTED',
  COOL_DOWN_ELAPSED: 'APPROVED',
  FUNDS_SHORT: 'WAITING_FOR_FUNDS',
  BATCHED: 'SIGNING',
  // Its transaction was never signed: the withdrawal is back in the queue for the next one.
  BATCH_CANCELLED: 'APPROVED',
  SIGNED: 'SIGNED',
  SIGNER_REFUSED: 'FAILED',
  BROADCAST: 'BROADCAST',
  CONFIRMED: 'CONFIRMED',
  DROPPED_BY_NETWORK: 'FAILED',
  FUNDS_WAIT_EXPIRED: 'FAILED',
} as const satisfies Record<StepName, ReportedStep>;

/** The sentence a user reads for each failure code. */
export const FAILURE_SENTENCES = {
  WITHDRAWAL_AMOUNT_INVALID: 'the amount could not be read',
  WITHDRAWAL_ADDRESS_INVALID: 'the destination address is not valid for this network',
  WITHDRAWAL_AMOUNT_BELOW_DUST: 'the amount is too small to send on the chain',
  WITHDRAWAL_REJECTED_BY_FRAUD_RULES: "refused by the platform's risk checks",
  WITHDRAWAL_REJECTED_IN_REVIEW: 'refused in review',
  WITHDRAWAL_SIGNER_REFUSED: 'the transaction could not be signed',
  WITHDRAWAL_DROPPED_BY_NETWORK: 'the network dropped the transaction',
  WITHDRAWAL_FUNDS_WAIT_EXPIRED: 'the hot wallet could not cover it in time; the amount is available again',
} as const satisfies Record<WithdrawalFailureCode, string>;

export interface StepReport {
  step: ReportedStep;
  txid: string | null;
  confirmations: number | null;
  reason: string | null;
}

/** What a recorded step carries that a report may show (the step's `detail` in withdrawal_steps). */
export interface StepFacts {
  txid?: string | null;
  confirmations?: number;
}

export function userReason(failure: WithdrawalFailure): string {
  return `${failure.code}: ${FAILURE_SENTENCES[failure.code]}`;
}

/** The report of one recorded saga step. */
export function reportOfStep(
  step: StepName,
  facts: StepFacts,
  failure: WithdrawalFailure | null,
): StepReport {
  const reported = REPORTED_STEP_OF[step];
  return {
    step: reported,
    txid: facts.txid ?? null,
    confirmations: reported === 'CONFIRMED' ? (facts.confirmations ?? null) : null,
    reason: failure === null ? null : userReason(failure),
  };
}

/**
 * The report of a new confirmation count of a broadcast transaction, or null when there is nothing to
 * tell: the count did not change, it reached the depth (where the CONFIRMED step reports it), or the
 * node gave a negative count (a conflicted transaction: the drop checks deal with it).
 */
export function reportOfConfirmations(
  txid: string,
  previous: number,
  current: number,
  requiredConfirmations: number,
): StepReport | null {
  if (current === previous || current < 0 || current >= requiredConfirmations) return null;
  return { step: 'CONFIRMATIONS', txid, confirmations: current, reason: null };
}
