/**
 * The events the saga produces, one builder each; OutgoingEvent types every payload by its topic's
 * contract (@dbay/contracts, from schemas/). Amounts are integer koinu strings (CONVENTIONS.md); Kafka
 * key = withdrawal id.
 */
import { TOPICS } from '@dbay/contracts';
import type { FraudReason } from '../domain/fraud.js';
import type { OutgoingEvent } from './ports.js';
import type { Withdrawal, WithdrawalFailure } from '../domain/withdrawal.js';
import type { StepReport } from '../domain/step-report.js';
import type { Batch } from '../domain/batch.js';
import type { ChainSighting } from '../domain/broadcast.js';
import type { ReorgStage } from '../domain/reorg-watch.js';

type Cause = { causationId: string | null };

/** Key and flow of a withdrawal's event: keyed by the withdrawal id, in the withdrawal's flow. */
/** What every event about a withdrawal carries: its key, its user and its correlation. */
type WithdrawalIdentity = Pick<Withdrawal, 'withdrawalId' | 'userId' | 'correlationId'>;

function routedBy(withdrawal: WithdrawalIdentity, cause: Cause) {
  return {
    key: withdrawal.withdrawalId,
    correlationId: withdrawal.correlationId,
    causationId: cause.causationId,
  };
}

export function approvedEvent(
  withdrawal: WithdrawalIdentity,
  approvedBy: 'FRAUD_RULES' | 'COOL_DOWN_ELAPSED' | 'REVIEWER',
  reviewer: string | null,
  at: Date,
  cause: Cause,
): OutgoingEvent {
  return {
    ...routedBy(withdrawal, cause),
    topic: TOPICS.withdrawalApproved,
    payload: {
      withdrawalId: withdrawal.withdrawalId,
      userId: withdrawal.userId,
      approvedBy,
      reviewer,
      approvedAt: at.toISOString(),
    },
  };
}

export function heldEvent(
  withdrawal: WithdrawalIdentity,
  holdKind: 'REVIEW' | 'COOL_DOWN',
  reasons: FraudReason[],
  releaseAt: Date | null,
  cause: Cause,
): OutgoingEvent {
  return {
    ...routedBy(withdrawal, cause),
    topic: TOPICS.withdrawalHeld,
    payload: {
      withdrawalId: withdrawal.withdrawalId,
      userId: withdrawal.userId,
      holdKind,
      reasons: reasons.map((reason) => ({ code: reason.code, message: reason.message })),
      releaseAt: releaseAt?.toISOString() ?? null,
    },
  };
}

/** withdrawal.failed with the failure the withdrawal recorded: the wallet refunds on it. */
export function failedEvent(
  withdrawal: WithdrawalIdentity,
  failure: WithdrawalFailure,
  cause: Cause,
): OutgoingEvent {
  return {
    ...routedBy(withdrawal, cause),
    topic: TOPICS.withdrawalFailed,
    payload: {
      withdrawalId: withdrawal.withdrawalId,
      userId: withdrawal.userId,
      reasonCode: failure.code,
      reason: failure.reason,
    },
  };
}

export function broadcastEvent(
  withdrawal: Withdrawal,
  txid: string,
  batchId: string,
  withdrawalsInTransaction: number,
  at: Date,
  cause: Cause,
): OutgoingEvent {
  return {
    ...routedBy(withdrawal, cause),
    topic: TOPICS.withdrawalBroadcast,
    payload: {
      withdrawalId: withdrawal.withdrawalId,
      userId: withdrawal.userId,
      txid,
      batchId,
      withdrawalsInTransaction,
      minerFeeShareKoinu: (withdrawal.minerFeeShareKoinu ?? 0n).toString(),
      broadcastAt: at.toISOString(),
    },
  };
}

export function confirmedEvent(
  withdrawal: Withdrawal,
  txid: string,
  blockHash: string,
  blockHeight: number,
  confirmations: number,
  cause: Cause,
): OutgoingEvent {
  return {
    ...routedBy(withdrawal, cause),
    topic: TOPICS.withdrawalConfirmed,
    payload: {
      withdrawalId: withdrawal.withdrawalId,
      userId: withdrawal.userId,
      txid,
      blockHash,
      blockHeight,
      confirmations,
      minerFeeShareKoinu: (withdrawal.minerFeeShareKoinu ?? 0n).toString(),
    },
  };
}

/** withdrawal.step-recorded: where the withdrawal stands, for its user's wallet. */
export function stepRecordedEvent(
  withdrawal: WithdrawalIdentity,
  report: StepReport,
  at: Date,
  cause: Cause,
): OutgoingEvent {
  return {
    ...routedBy(withdrawal, cause),
    topic: TOPICS.withdrawalStepRecorded,
    payload: {
      withdrawalId: withdrawal.withdrawalId,
      userId: withdrawal.userId,
      step: report.step,
      txid: report.txid,
      confirmations: report.confirmations,
      reason: report.reason,
      at: at.getTime(),
    },
  };
}

/** withdrawal.reorged: the operations alert about a confirmed transaction a reorganisation moved or took out. */
export function reorgedEvent(
  batch: Batch,
  stage: ReorgStage,
  look: {
    confirmedBlockHash: string;
    confirmedBlockHeight: number;
    inChain: ChainSighting | null;
    rebroadcast: boolean;
    inputsSpentElsewhere: string[];
  },
  at: Date,
): OutgoingEvent {
  const paid = batch.outputs.filter((output) => output.withdrawalId !== null);
  return {
    key: batch.txid!,
    correlationId: batch.correlationId,
    causationId: null,
    topic: TOPICS.withdrawalReorged,
    payload: {
      txid: batch.txid!,
      batchId: batch.batchId,
      stage,
      withdrawalIds: paid.map((output) => output.withdrawalId!),
      paidKoinu: paid.reduce((sum, output) => sum + output.amountKoinu, 0n).toString(),
      confirmedBlockHash: look.confirmedBlockHash,
      confirmedBlockHeight: look.confirmedBlockHeight,
      blockHash: look.inChain?.blockHash ?? null,
      confirmations: look.inChain?.confirmations ?? 0,
      rebroadcast: look.rebroadcast,
      inputsSpentElsewhere: look.inputsSpentElsewhere,
      observedAt: at.toISOString(),
    },
  };
}

/**
 * hot-wallet.swept: a sweep to the cold account is REQUIRED_CONFIRMATIONS deep; the wallet books it
 * from hot to cold and its fee from NETWORK_FEES. Keyed by the txid, in the sweep's own flow.
 */
export function sweptEvent(
  batch: Batch,
  sighting: { blockHash: string; blockHeight: number; confirmations: number },
): OutgoingEvent {
  const cold = batch.outputs.flatMap((output, vout) =>
    output.coldIndex === undefined ? [] : [{ output, vout }],
  );
  return {
    key: batch.txid!,
    correlationId: batch.correlationId,
    causationId: null,
    topic: TOPICS.hotWalletSwept,
    payload: {
      txid: batch.txid!,
      batchId: batch.batchId,
      sweptKoinu: cold.reduce((sum, { output }) => sum + output.amountKoinu, 0n).toString(),
      minerFeeKoinu: batch.feeKoinu.toString(),
      coldOutputs: cold.map(({ vout }) => `${batch.txid!}:${vout}`),
      blockHash: sighting.blockHash,
      blockHeight: sighting.blockHeight,
      confirmations: sighting.confirmations,
    },
  };
}

/** hot-wallet.refilled: a transfer from cold taken into the hot wallet; the wallet books it from cold to hot. */
export function refilledEvent(
  refill: { txid: string; vout: number; amountKoinu: bigint; address: string; declaredBy: string },
  correlationId: string,
): OutgoingEvent {
  return {
    key: refill.txid,
    correlationId,
    causationId: null,
    topic: TOPICS.hotWalletRefilled,
    payload: {
      txid: refill.txid,
      vout: refill.vout,
      amountKoinu: refill.amountKoinu.toString(),
      address: refill.address,
      declaredBy: refill.declaredBy,
    },
  };
}
