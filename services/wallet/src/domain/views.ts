/**
 * What a command answers, as JSON-safe values (koinu as integer strings). The executor stores the
 * answer with the idempotency key, so a replay returns exactly the first answer.
 */
import type { BidLock, Deposit, Escrow, Withdrawal } from './types.js';

export interface EscrowView {
  escrowId: string;
  orderId: string;
  buyerId: string;
  sellerId: string;
  amountKoinu: string;
  feeKoinu: string;
  status: Escrow['status'];
  source: Escrow['source'];
  auctionId: string | null;
  /** Who got what, once a dispute was resolved by a split (koinu strings); null otherwise. */
  split: { buyerRefundKoinu: string; sellerCreditKoinu: string; feeKoinu: string } | null;
}

export interface BidLockView {
  auctionId: string;
  userId: string;
  amountKoinu: string;
  status: BidLock['status'];
  orderId: string | null;
}

export interface WithdrawalView {
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  amountKoinu: string;
  networkFeeKoinu: string;
  status: Withdrawal['status'];
  txid: string | null;
  failureCode: string | null;
  requestedAt: string;
  updatedAt: string;
}

export interface DepositView {
  txid: string;
  vout: number;
  userId: string;
  address: string;
  amountKoinu: string;
  confirmations: number;
  status: Deposit['status'];
  blockHash: string | null;
  blockHeight: number | null;
  flaggedForReview: boolean;
  detectedAt: string;
  creditedAt: string | null;
}

export type CommandResult =
  | { kind: 'escrow'; escrow: EscrowView }
  | { kind: 'bidLock'; bidLock: BidLockView; escrow: EscrowView | null }
  | { kind: 'withdrawal'; withdrawal: WithdrawalView }
  | { kind: 'deposit'; deposit: DepositView | null }
  | { kind: 'coldTransfer'; transfer: ColdTransferView };

/** A move between the platform's own holdings (hot wallet, cold account), as booked. */
export interface ColdTransferView {
  direction: 'SWEEP' | 'REFILL';
  txid: string;
  vout: number | null;
  amountKoinu: string;
  minerFeeKoinu: string;
}

export function escrowView(escrow: Escrow): EscrowView {
  return {
    escrowId: escrow.id,
    orderId: escrow.orderId,
    buyerId: escrow.buyerId,
    sellerId: escrow.sellerId,
    amountKoinu: escrow.amountKoinu.toString(),
    feeKoinu: escrow.feeKoinu.toString(),
    status: escrow.status,
    source: escrow.source,
    auctionId: escrow.auctionId,
    split:
      escrow.split === null
        ? null
        : {
            buyerRefundKoinu: escrow.split.buyerRefundKoinu.toString(),
            sellerCreditKoinu: escrow.split.sellerCreditKoinu.toString(),
            feeKoinu: escrow.split.feeKoinu.toString(),
          },
  };
}

export function bidLockView(lock: BidLock): BidLockView {
  return {
    auctionId: lock.auctionId,
    userId: lock.userId,
    amountKoinu: lock.amountKoinu.toString(),
    status: lock.status,
    orderId: lock.orderId,
  };
}

export function withdrawalView(withdrawal: Withdrawal): WithdrawalView {
  return {
    withdrawalId: withdrawal.id,
    userId: withdrawal.userId,
    destinationAddress: withdrawal.destinationAddress,
    amountKoinu: withdrawal.amountKoinu.toString(),
    networkFeeKoinu: withdrawal.networkFeeKoinu.toString(),
    status: withdrawal.status,
    txid: withdrawal.txid,
    failureCode: withdrawal.failureCode,
    requestedAt: withdrawal.requestedAt,
    updatedAt: withdrawal.updatedAt,
  };
}

export function depositView(deposit: Deposit): DepositView {
  return {
    txid: deposit.txid,
    vout: deposit.vout,
    userId: deposit.userId,
    address: deposit.address,
    amountKoinu: deposit.amountKoinu.toString(),
    confirmations: deposit.confirmations,
    status: deposit.status,
    blockHash: deposit.blockHash,
    blockHeight: deposit.blockHeight,
    flaggedForReview: deposit.reversedAfterCreditAt !== null,
    detectedAt: deposit.detectedAt,
    creditedAt: deposit.creditedAt,
  };
}
