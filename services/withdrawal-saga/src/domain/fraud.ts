/**
 * Fraud rules for a new withdrawal. Pure: the caller passes the user's recent withdrawals, the
 * platform's recent total and the clock, and gets a decision with the reasons behind it. Each rule
 * says what it does when it trips (hold for review or reject outright), so operations tune the
 * policy in configuration without touching code.
 */
import type { WithdrawalStatus } from './withdrawal.js';

export type FraudAction = 'hold' | 'reject';

export const FRAUD_OUTCOMES = ['approve', 'hold', 'cool-down', 'reject'] as const;

export type FraudOutcome = (typeof FRAUD_OUTCOMES)[number];

export type FraudReasonCode =
  | 'FRAUD_SINGLE_AMOUNT_HOLD'
  | 'FRAUD_SINGLE_AMOUNT_REJECT'
  | 'FRAUD_VELOCITY_COUNT'
  | 'FRAUD_VELOCITY_AMOUNT'
  | 'FRAUD_NEW_DESTINATION'
  | 'FRAUD_PLATFORM_DAILY_CAP';

export interface FraudReason {
  code: FraudReasonCode;
  message: string;
}

export interface FraudPolicy {
  /** Amounts at or above this go to manual review. */
  singleAmountHoldKoinu: bigint;
  /** Amounts at or above this are rejected; null disables the rule. */
  singleAmountRejectKoinu: bigint | null;
  /** The sliding window of the velocity and platform rules (24 h). */
  velocityWindowMs: number;
  /** More withdrawals than this in the window (this one included) trips the count rule. */
  velocityMaxCount: number;
  /** More than this amount in the window (this one included) trips the amount rule. */
  velocityMaxAmountKoinu: bigint;
  velocityAction: FraudAction;
  /** A destination the user never was paid to waits this long; 0 disables the cool-down. */
  newDestinationCooldownMs: number;
  /** The platform pays out at most this much per window, this withdrawal included. */
  platformDailyCapKoinu: bigint;
  platformCapAction: FraudAction;
}

export interface NewWithdrawal {
  userId: string;
  destinationAddress: string;
  amountKoinu: bigint;
}

/**
 * Which past withdrawals count for which rule, by status; the repository gathers `FraudHistory` with
 * these. Velocity counts every withdrawal of the user that has not failed, held ones included; the
 * platform cap counts every user's withdrawals that have neither failed nor wait for a reviewer; a
 * destination is "used before" once a withdrawal to it was signed, since from then on it is paid or
 * being paid.
 */
export const FRAUD_HISTORY_STATUSES = {
  userWindowExcludes: ['FAILED'],
  platformWindowExcludes: ['FAILED', 'HELD'],
  destinationUsedIn: ['SIGNED', 'BROADCAST', 'CONFIRMED'],
} as const satisfies Record<string, readonly WithdrawalStatus[]>;

/** What the rules need to know about the past, gathered by the repository. */
export interface FraudHistory {
  /** The user's withdrawals requested inside the window that are not failed or rejected. */
  userRecent: readonly { amountKoinu: bigint }[];
  /** True when the user already has a withdrawal to this destination that was broadcast or confirmed. */
  destinationUsedBefore: boolean;
  /** Sum of every user's withdrawals inside the window that passed the rules (or a reviewer). */
  platformWindowTotalKoinu: bigint;
}

export type FraudDecision =
  | { outcome: 'approve'; reasons: [] }
  | { outcome: 'cool-down'; reasons: FraudReason[]; releaseAt: Date }
  | { outcome: 'hold'; reasons: FraudReason[] }
  | { outcome: 'reject'; reasons: FraudReason[] };

interface Finding {
  action: FraudAction | 'cool-down';
  reason: FraudReason;
}

function findings(request: NewWithdrawal, history: FraudHistory, policy: FraudPolicy): Finding[] {
  const found: Finding[] = [];
  const amount = request.amountKoinu;
  if (policy.singleAmountRejectKoinu !== null && amount >= policy.singleAmountRejectKoinu) {
    found.push({
      action: 'reject',
      reason: {
        code: 'FRAUD_SINGLE_AMOUNT_REJECT',
        message: `amount ${amount} koinu is at or above the rejection threshold`,
      },
    });
  } else if (amount >= policy.singleAmountHoldKoinu) {
    found.push({
      action: 'hold',
      reason: {
        code: 'FRAUD_SINGLE_AMOUNT_HOLD',
        message: `amount ${amount} koinu is at or above the review threshold`,
      },
    });
  }
  const count = history.userRecent.length + 1;
  if (count > policy.velocityMaxCount) {
    found.push({
      action: policy.velocityAction,
      reason: {
        code: 'FRAUD_VELOCITY_COUNT',
        message: `${count} withdrawals in the window; the limit is ${policy.velocityMaxCount}`,
      },
    });
  }
  const userTotal = history.userRecent.reduce((sum, w) => sum + w.amountKoinu, 0n) + amount;
  if (userTotal > policy.velocityMaxAmountKoinu) {
    found.push({
      action: policy.velocityAction,
      reason: {
        code: 'FRAUD_VELOCITY_AMOUNT',
        message: `${userTotal} koinu withdrawn in the window; the limit is ${policy.velocityMaxAmountKoinu}`,
      },
    });
  }
  if (history.platformWindowTotalKoinu + amount > policy.platformDailyCapKoinu) {
    found.push({
      action: policy.platformCapAction,
      reason: {
        code: 'FRAUD_PLATFORM_DAILY_CAP',
        message: 'the platform daily withdrawal cap would be exceeded',
      },
    });
  }
  if (!history.destinationUsedBefore && policy.newDestinationCooldownMs > 0) {
    found.push({
      action: 'cool-down',
      reason: {
        code: 'FRAUD_NEW_DESTINATION',
        message: 'first withdrawal to this destination: cool-down applies',
      },
    });
  }
  return found;
}

/**
 * Decides a new withdrawal. The most severe finding wins: reject, then hold, then cool-down; every
 * finding's reason is kept so a reviewer sees all of them.
 */
export function decideFraud(
  request: NewWithdrawal,
  history: FraudHistory,
  policy: FraudPolicy,
  now: Date,
): FraudDecision {
  const found = findings(request, history, policy);
  const reasons = found.map((finding) => finding.reason);
  if (found.some((finding) => finding.action === 'reject')) return { outcome: 'reject', reasons };
  if (found.some((finding) => finding.action === 'hold')) return { outcome: 'hold', reasons };
  if (found.length > 0) {
    return {
      outcome: 'cool-down',
      reasons,
      releaseAt: new Date(now.getTime() + policy.newDestinationCooldownMs),
    };
  }
  return { outcome: 'approve', reasons: [] };
}
