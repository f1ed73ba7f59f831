/**
 * The events the saga produces, one builder each, so every payload matches its schema in schemas/.
 * Amounts are integer koinu strings (CONVENTIONS.md); Kafka key = withdrawal id.
 */
import type { FraudReason } from '../domain/fraud.js';
import type { Withdrawal, WithdrawalFailure } from '../domain/withdrawal.js';
import type { OutgoingEvent } from './ports.js';

export const TOPICS = {
  requested: 'withdrawal.requested',
  approved: 'withdrawal.approved',
  held: 'withdrawal.held',
  broadcast: 'withdrawal.broadcast',
  confirmed: 'withdrawal.confirmed',
  failed: 'withdrawal.failed',
  signingRequested: 'withdrawal.signing-requested',
  signed: 'withdrawal.signed',
  signingRefused: 'withdrawal.signing-refused',
  depositConfirmed: 'deposit.confirmed',
  depositReversed: 'deposit.reversed',
} as const;

type Cause = { causationId: string | null };

/** What every event about a withdrawal carries: its key, its user and its correlation. */
type WithdrawalIdentity = Pick<Withdrawal, 'withdrawalId' | 'userId' | 'correlationId'>;

function forWithdrawal(
  topic: string,
  withdrawal: WithdrawalIdentity,
  cause: Cause,
  payload: Record<string, unknown>,
): OutgoingEvent {
  return {
    topic,
    key: withdrawal.withdrawalId,
    correlationId: withdrawal.correlationId,
    causationId: cause.causationId,
    payload,
  };
}

export function approvedEvent(
  withdrawal: WithdrawalIdentity,
  approvedBy: 'FRAUD_RULES' | 'COOL_DOWN_ELAPSED' | 'REVIEWER',
  reviewer: string | null,
  at: Date,
  cause: Cause,
) {
  return forWithdrawal(TOPICS.approved, withdrawal, cause, {
    withdrawalId: withdrawal.withdrawalId,
    userId: withdrawal.userId,
    approvedBy,
    reviewer,
    approvedAt: at.toISOString(),
  });
}

export function heldEvent(
  withdrawal: WithdrawalIdentity,
  holdKind: 'REVIEW' | 'COOL_DOWN',
  reasons: FraudReason[],
  releaseAt: Date | null,
  cause: Cause,
) {
  return forWithdrawal(TOPICS.held, withdrawal, cause, {
    withdrawalId: withdrawal.withdrawalId,
    userId: withdrawal.userId,
    holdKind,
    reasons: reasons.map((reason) => ({ code: reason.code, message: reason.message })),
    releaseAt: releaseAt?.toISOString() ?? null,
  });
}

/** withdrawal.failed with the failure the withdrawal recorded: the wallet refunds on it. */
export function failedEvent(withdrawal: WithdrawalIdentity, failure: WithdrawalFailure, cause: Cause) {
  return forWithdrawal(TOPICS.failed, withdrawal, cause, {
    withdrawalId: withdrawal.withdrawalId,
    userId: withdrawal.userId,
    reasonCode: failure.code,
    reason: failure.reason,
  });
}

export function broadcastEvent(
  withdrawal: Withdrawal,
  txid: string,
  batchId: string,
  withdrawalsInTransaction: number,
  at: Date,
  cause: Cause,
) {
  return forWithdrawal(TOPICS.broadcast, withdrawal, cause, {
    withdrawalId: withdrawal.withdrawalId,
    userId: withdrawal.userId,
    txid,
    batchId,
    withdrawalsInTransaction,
    minerFeeShareKoinu: (withdrawal.minerFeeShareKoinu ?? 0n).toString(),
    broadcastAt: at.toISOString(),
  });
}

export function confirmedEvent(
  withdrawal: Withdrawal,
  txid: string,
  blockHash: string,
  blockHeight: number,
  confirmations: number,
  cause: Cause,
) {
  return forWithdrawal(TOPICS.confirmed, withdrawal, cause, {
    withdrawalId: withdrawal.withdrawalId,
    userId: withdrawal.userId,
    txid,
    blockHash,
    blockHeight,
    confirmations,
    minerFeeShareKoinu: (withdrawal.minerFeeShareKoinu ?? 0n).toString(),
  });
}
