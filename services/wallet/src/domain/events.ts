/**
 * The events the wallet produces, as plain values: topic, Kafka key (the aggregate id) and the payload
 * typed by the topic's generated contract (@dbay/contracts, from schemas/), so a payload that does not
 * fit its schema is a compile error here. Amounts are integer koinu strings. The outbox adds the envelope.
 */
import { TOPICS, type TopicEvent, type TopicProducedBy } from '@dbay/contracts';
import type { Deposit, Escrow, EscrowSplit, Wallet, Withdrawal, EntryType, ReferenceType } from './types.js';

/** Every topic the wallet produces; each must name the wallet as a producer in its topic.json. */
export const PRODUCED_TOPICS = [
  TOPICS.escrowLocked,
  TOPICS.escrowLockFailed,
  TOPICS.escrowReleased,
  TOPICS.escrowRefunded,
  TOPICS.escrowDisputed,
  TOPICS.escrowSplit,
  TOPICS.escrowCommandFailed,
  TOPICS.bidLocked,
  TOPICS.bidLockFailed,
  TOPICS.bidUnlocked,
  TOPICS.bidConverted,
  TOPICS.bidCommandFailed,
  TOPICS.withdrawalRequested,
  TOPICS.withdrawalFinalized,
  TOPICS.withdrawalReleased,
  TOPICS.depositCredited,
  TOPICS.depositReversalFlagged,
  TOPICS.depositAddressAssigned,
  TOPICS.balanceChanged,
] as const satisfies readonly TopicProducedBy<'wallet'>[];

export type ProducedTopic = (typeof PRODUCED_TOPICS)[number];

/** One event the wallet produces: a topic and that topic's payload. */
export type DomainEvent = TopicEvent<ProducedTopic>;

const koinu = (value: bigint): string => value.toString();

export function escrowLocked(escrow: Escrow): DomainEvent {
  return {
    topic: TOPICS.escrowLocked,
    key: escrow.orderId,
    payload: {
      orderId: escrow.orderId,
      escrowId: escrow.id,
      buyerId: escrow.buyerId,
      sellerId: escrow.sellerId,
      amountKoinu: koinu(escrow.amountKoinu),
      feeKoinu: koinu(escrow.feeKoinu),
      source: escrow.source,
      auctionId: escrow.auctionId,
    },
  };
}

export function escrowLockFailed(
  orderId: string,
  buyerId: string,
  amountKoinu: bigint,
  reasonCode: string,
  reason: string,
): DomainEvent {
  return {
    topic: TOPICS.escrowLockFailed,
    key: orderId,
    payload: { orderId, buyerId, amountKoinu: koinu(amountKoinu), reasonCode, reason },
  };
}

export function escrowReleased(escrow: Escrow): DomainEvent {
  return {
    topic: TOPICS.escrowReleased,
    key: escrow.orderId,
    payload: {
      orderId: escrow.orderId,
      escrowId: escrow.id,
      buyerId: escrow.buyerId,
      sellerId: escrow.sellerId,
      amountKoinu: koinu(escrow.amountKoinu),
      feeKoinu: koinu(escrow.feeKoinu),
      sellerCreditKoinu: koinu(escrow.amountKoinu - escrow.feeKoinu),
    },
  };
}

export function escrowRefunded(escrow: Escrow): DomainEvent {
  return {
    topic: TOPICS.escrowRefunded,
    key: escrow.orderId,
    payload: {
      orderId: escrow.orderId,
      escrowId: escrow.id,
      buyerId: escrow.buyerId,
      amountKoinu: koinu(escrow.amountKoinu),
    },
  };
}

export function escrowDisputed(escrow: Escrow): DomainEvent {
  return {
    topic: TOPICS.escrowDisputed,
    key: escrow.orderId,
    payload: {
      orderId: escrow.orderId,
      escrowId: escrow.id,
      buyerId: escrow.buyerId,
      sellerId: escrow.sellerId,
      amountKoinu: koinu(escrow.amountKoinu),
      reason: escrow.disputeReason ?? '',
    },
  };
}

/** A dispute resolved by a split: who got what of the escrow's amount. */
export function escrowSplit(escrow: Escrow, split: EscrowSplit): DomainEvent {
  return {
    topic: TOPICS.escrowSplit,
    key: escrow.orderId,
    payload: {
      orderId: escrow.orderId,
      escrowId: escrow.id,
      buyerId: escrow.buyerId,
      sellerId: escrow.sellerId,
      amountKoinu: koinu(escrow.amountKoinu),
      buyerRefundKoinu: koinu(split.buyerRefundKoinu),
      sellerCreditKoinu: koinu(split.sellerCreditKoinu),
      feeKoinu: koinu(split.feeKoinu),
    },
  };
}

export type EscrowCommandName = 'RELEASE' | 'REFUND' | 'DISPUTE' | 'RESOLVE_DISPUTE';

export function escrowCommandFailed(
  orderId: string,
  command: EscrowCommandName,
  reasonCode: string,
  reason: string,
): DomainEvent {
  return {
    topic: TOPICS.escrowCommandFailed,
    key: orderId,
    payload: { orderId, command, reasonCode, reason },
  };
}

export function bidLocked(
  auctionId: string,
  userId: string,
  lockedKoinu: bigint,
  increaseKoinu: bigint,
): DomainEvent {
  return {
    topic: TOPICS.bidLocked,
    key: auctionId,
    payload: { auctionId, userId, amountKoinu: koinu(lockedKoinu), increaseKoinu: koinu(increaseKoinu) },
  };
}

export function bidLockFailed(
  auctionId: string,
  userId: string,
  amountKoinu: bigint,
  reasonCode: string,
  reason: string,
): DomainEvent {
  return {
    topic: TOPICS.bidLockFailed,
    key: auctionId,
    payload: { auctionId, userId, amountKoinu: koinu(amountKoinu), reasonCode, reason },
  };
}

export function bidUnlocked(auctionId: string, userId: string, amountKoinu: bigint): DomainEvent {
  return {
    topic: TOPICS.bidUnlocked,
    key: auctionId,
    payload: { auctionId, userId, amountKoinu: koinu(amountKoinu) },
  };
}

export function bidConverted(escrow: Escrow, unlockedKoinu: bigint): DomainEvent {
  return {
    topic: TOPICS.bidConverted,
    key: escrow.auctionId ?? escrow.orderId,
    payload: {
      auctionId: escrow.auctionId ?? '',
      userId: escrow.buyerId,
      orderId: escrow.orderId,
      escrowId: escrow.id,
      sellerId: escrow.sellerId,
      amountKoinu: koinu(escrow.amountKoinu),
      feeKoinu: koinu(escrow.feeKoinu),
      unlockedKoinu: koinu(unlockedKoinu),
    },
  };
}

export type BidCommandName = 'UNLOCK' | 'CONVERT';

export function bidCommandFailed(
  auctionId: string,
  userId: string,
  command: BidCommandName,
  orderId: string | null,
  reasonCode: string,
  reason: string,
): DomainEvent {
  return {
    topic: TOPICS.bidCommandFailed,
    key: auctionId,
    payload: { auctionId, userId, command, orderId, reasonCode, reason },
  };
}

export function withdrawalRequested(withdrawal: Withdrawal): DomainEvent {
  return {
    topic: TOPICS.withdrawalRequested,
    key: withdrawal.id,
    payload: {
      withdrawalId: withdrawal.id,
      userId: withdrawal.userId,
      destinationAddress: withdrawal.destinationAddress,
      amountKoinu: koinu(withdrawal.amountKoinu),
      networkFeeKoinu: koinu(withdrawal.networkFeeKoinu),
      requestedAt: withdrawal.requestedAt,
    },
  };
}

export function withdrawalFinalized(withdrawal: Withdrawal): DomainEvent {
  return {
    topic: TOPICS.withdrawalFinalized,
    key: withdrawal.id,
    payload: {
      withdrawalId: withdrawal.id,
      userId: withdrawal.userId,
      txid: withdrawal.txid ?? '',
      amountKoinu: koinu(withdrawal.amountKoinu),
      networkFeeKoinu: koinu(withdrawal.networkFeeKoinu),
      minerFeeShareKoinu: koinu(withdrawal.minerFeeShareKoinu ?? 0n),
      finalizedAt: withdrawal.updatedAt,
    },
  };
}

export function withdrawalReleased(withdrawal: Withdrawal): DomainEvent {
  return {
    topic: TOPICS.withdrawalReleased,
    key: withdrawal.id,
    payload: {
      withdrawalId: withdrawal.id,
      userId: withdrawal.userId,
      amountKoinu: koinu(withdrawal.amountKoinu),
      networkFeeKoinu: koinu(withdrawal.networkFeeKoinu),
      reasonCode: withdrawal.failureCode ?? '',
      reason: withdrawal.failureReason ?? '',
    },
  };
}

export function depositCredited(deposit: Deposit): DomainEvent {
  return {
    topic: TOPICS.depositCredited,
    key: deposit.userId,
    payload: {
      userId: deposit.userId,
      address: deposit.address,
      txid: deposit.txid,
      vout: deposit.vout,
      amountKoinu: koinu(deposit.amountKoinu),
      blockHash: deposit.blockHash,
      blockHeight: deposit.blockHeight,
    },
  };
}

/** The alert for a credited deposit that left the chain (a reorg deeper than the confirmation depth). */
export function depositReversalFlagged(
  deposit: Deposit,
  reason: string,
  severity: 'CRITICAL' | 'WARNING',
): DomainEvent {
  return {
    topic: TOPICS.depositReversalFlagged,
    key: deposit.userId,
    payload: {
      userId: deposit.userId,
      address: deposit.address,
      txid: deposit.txid,
      vout: deposit.vout,
      amountKoinu: koinu(deposit.amountKoinu),
      creditedAt: deposit.creditedAt,
      severity,
      reason,
    },
  };
}

export function depositAddressAssigned(
  userId: string,
  address: string,
  derivationPath: string,
  addressIndex: number,
): DomainEvent {
  return {
    topic: TOPICS.depositAddressAssigned,
    key: userId,
    payload: { userId, address, derivationPath, addressIndex },
  };
}

export function balanceChanged(
  wallet: Wallet,
  cause: EntryType,
  referenceType: ReferenceType,
  referenceId: string,
): DomainEvent {
  return {
    topic: TOPICS.balanceChanged,
    key: wallet.userId,
    payload: {
      userId: wallet.userId,
      availableKoinu: koinu(wallet.availableKoinu),
      lockedKoinu: koinu(wallet.lockedKoinu),
      pendingKoinu: koinu(wallet.pendingKoinu),
      version: wallet.version,
      cause,
      referenceType,
      referenceId,
    },
  };
}
