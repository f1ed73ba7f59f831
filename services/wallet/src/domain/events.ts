/**
 * The events the wallet produces, as plain values: topic, Kafka key (the aggregate id) and the payload
 * in the shape of the topic's Avro schema in schemas/ (amounts are integer koinu strings). The outbox
 * adds the envelope.
 */
import type { Deposit, Escrow, EscrowSplit, Wallet, Withdrawal, EntryType, ReferenceType } from './types.js';

export const PRODUCED_TOPICS = [
  'escrow.locked',
  'escrow.lock-failed',
  'escrow.released',
  'escrow.refunded',
  'escrow.disputed',
  'escrow.split',
  'escrow.command-failed',
  'bid.locked',
  'bid.lock-failed',
  'bid.unlocked',
  'bid.converted',
  'bid.command-failed',
  'withdrawal.requested',
  'withdrawal.finalized',
  'withdrawal.released',
  'deposit.credited',
  'deposit.reversal-flagged',
  'deposit-address.assigned',
  'balance.changed',
] as const;

export type ProducedTopic = (typeof PRODUCED_TOPICS)[number];

export type EventValue = string | number | boolean | null;

export interface DomainEvent {
  topic: ProducedTopic;
  key: string;
  payload: Record<string, EventValue>;
}

const koinu = (value: bigint): string => value.toString();

export function escrowLocked(escrow: Escrow): DomainEvent {
  return {
    topic: 'escrow.locked',
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
    topic: 'escrow.lock-failed',
    key: orderId,
    payload: { orderId, buyerId, amountKoinu: koinu(amountKoinu), reasonCode, reason },
  };
}

export function escrowReleased(escrow: Escrow): DomainEvent {
  return {
    topic: 'escrow.released',
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
    topic: 'escrow.refunded',
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
    topic: 'escrow.disputed',
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
    topic: 'escrow.split',
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
  return { topic: 'escrow.command-failed', key: orderId, payload: { orderId, command, reasonCode, reason } };
}

export function bidLocked(
  auctionId: string,
  userId: string,
  lockedKoinu: bigint,
  increaseKoinu: bigint,
): DomainEvent {
  return {
    topic: 'bid.locked',
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
    topic: 'bid.lock-failed',
    key: auctionId,
    payload: { auctionId, userId, amountKoinu: koinu(amountKoinu), reasonCode, reason },
  };
}

export function bidUnlocked(auctionId: string, userId: string, amountKoinu: bigint): DomainEvent {
  return {
    topic: 'bid.unlocked',
    key: auctionId,
    payload: { auctionId, userId, amountKoinu: koinu(amountKoinu) },
  };
}

export function bidConverted(escrow: Escrow, unlockedKoinu: bigint): DomainEvent {
  return {
    topic: 'bid.converted',
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
    topic: 'bid.command-failed',
    key: auctionId,
    payload: { auctionId, userId, command, orderId, reasonCode, reason },
  };
}

export function withdrawalRequested(withdrawal: Withdrawal): DomainEvent {
  return {
    topic: 'withdrawal.requested',
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
    topic: 'withdrawal.finalized',
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
    topic: 'withdrawal.released',
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
    topic: 'deposit.credited',
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
    topic: 'deposit.reversal-flagged',
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
    topic: 'deposit-address.assigned',
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
    topic: 'balance.changed',
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
