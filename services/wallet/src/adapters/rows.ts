/**
 * Row <-> domain conversion, done once here: pg returns NUMERIC and BIGINT as strings (see
 * @dbay/platform's MONEY_SAFE_TYPES); money becomes bigint koinu, and goes back as NUMERIC(20,8) text.
 */
import { decimalColumnFromKoinu, koinuFromDecimalColumn } from '@dbay/money';
import type {
  BidLock,
  Deposit,
  Escrow,
  EscrowSplit,
  PlatformAccount,
  PlatformAccountCode,
  Wallet,
  Withdrawal,
} from '../domain/index.js';

type Text = string;
const money = (value: Text | null): bigint | null => (value === null ? null : koinuFromDecimalColumn(value));
const moneyOf = (value: Text): bigint => koinuFromDecimalColumn(value);
const iso = (value: Date | string): string =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();
const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : iso(value));
export const column = (koinu: bigint): string => decimalColumnFromKoinu(koinu);

export interface WalletRow {
  user_id: string;
  available: Text;
  locked: Text;
  pending: Text;
  version: Text;
}

export const walletFromRow = (row: WalletRow): Wallet => ({
  userId: row.user_id,
  availableKoinu: moneyOf(row.available),
  lockedKoinu: moneyOf(row.locked),
  pendingKoinu: moneyOf(row.pending),
  version: Number(row.version),
});

export interface PlatformAccountRow {
  code: PlatformAccountCode;
  balance: Text;
  version: Text;
}

export const platformAccountFromRow = (row: PlatformAccountRow): PlatformAccount => ({
  code: row.code,
  balanceKoinu: moneyOf(row.balance),
  version: Number(row.version),
});

export interface EscrowRow {
  id: string;
  order_id: string;
  buyer_id: string;
  seller_id: string;
  amount: Text;
  fee_amount: Text;
  status: Escrow['status'];
  source: Escrow['source'];
  auction_id: string | null;
  dispute_reason: string | null;
  /** The three parts of a SPLIT escrow; all null for any other status (a CHECK constraint says so). */
  split_buyer_refund: Text | null;
  split_seller_credit: Text | null;
  split_fee: Text | null;
  created_at: Date;
  updated_at: Date;
}

function splitFromRow(row: EscrowRow): EscrowSplit | null {
  if (row.split_buyer_refund === null || row.split_seller_credit === null || row.split_fee === null)
    return null;
  return {
    buyerRefundKoinu: moneyOf(row.split_buyer_refund),
    sellerCreditKoinu: moneyOf(row.split_seller_credit),
    feeKoinu: moneyOf(row.split_fee),
  };
}

export const escrowFromRow = (row: EscrowRow): Escrow => ({
  id: row.id,
  orderId: row.order_id,
  buyerId: row.buyer_id,
  sellerId: row.seller_id,
  amountKoinu: moneyOf(row.amount),
  feeKoinu: moneyOf(row.fee_amount),
  status: row.status,
  source: row.source,
  auctionId: row.auction_id,
  disputeReason: row.dispute_reason,
  split: splitFromRow(row),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

export const escrowToRow = (escrow: Escrow) => ({
  id: escrow.id,
  order_id: escrow.orderId,
  buyer_id: escrow.buyerId,
  seller_id: escrow.sellerId,
  amount: column(escrow.amountKoinu),
  fee_amount: column(escrow.feeKoinu),
  status: escrow.status,
  source: escrow.source,
  auction_id: escrow.auctionId,
  dispute_reason: escrow.disputeReason,
  split_buyer_refund: escrow.split === null ? null : column(escrow.split.buyerRefundKoinu),
  split_seller_credit: escrow.split === null ? null : column(escrow.split.sellerCreditKoinu),
  split_fee: escrow.split === null ? null : column(escrow.split.feeKoinu),
  created_at: escrow.createdAt,
  updated_at: escrow.updatedAt,
});

export interface BidLockRow {
  auction_id: string;
  user_id: string;
  amount: Text;
  status: BidLock['status'];
  order_id: string | null;
  lock_command_id: string | null;
  updated_at: Date;
}

export const bidLockFromRow = (row: BidLockRow): BidLock => ({
  auctionId: row.auction_id,
  userId: row.user_id,
  amountKoinu: moneyOf(row.amount),
  status: row.status,
  orderId: row.order_id,
  lockCommandId: row.lock_command_id,
  updatedAt: iso(row.updated_at),
});

export const bidLockToRow = (lock: BidLock) => ({
  auction_id: lock.auctionId,
  user_id: lock.userId,
  amount: column(lock.amountKoinu),
  status: lock.status,
  order_id: lock.orderId,
  lock_command_id: lock.lockCommandId,
  updated_at: lock.updatedAt,
});

export interface WithdrawalRow {
  id: string;
  user_id: string;
  destination_address: string;
  amount: Text;
  network_fee: Text;
  status: Withdrawal['status'];
  txid: string | null;
  miner_fee_share: Text | null;
  failure_code: string | null;
  failure_reason: string | null;
  requested_at: Date;
  updated_at: Date;
}

export const withdrawalFromRow = (row: WithdrawalRow): Withdrawal => ({
  id: row.id,
  userId: row.user_id,
  destinationAddress: row.destination_address,
  amountKoinu: moneyOf(row.amount),
  networkFeeKoinu: moneyOf(row.network_fee),
  status: row.status,
  txid: row.txid,
  minerFeeShareKoinu: money(row.miner_fee_share),
  failureCode: row.failure_code,
  failureReason: row.failure_reason,
  requestedAt: iso(row.requested_at),
  updatedAt: iso(row.updated_at),
});

export const withdrawalToRow = (withdrawal: Withdrawal) => ({
  id: withdrawal.id,
  user_id: withdrawal.userId,
  destination_address: withdrawal.destinationAddress,
  amount: column(withdrawal.amountKoinu),
  network_fee: column(withdrawal.networkFeeKoinu),
  status: withdrawal.status,
  txid: withdrawal.txid,
  miner_fee_share: withdrawal.minerFeeShareKoinu === null ? null : column(withdrawal.minerFeeShareKoinu),
  failure_code: withdrawal.failureCode,
  failure_reason: withdrawal.failureReason,
  requested_at: withdrawal.requestedAt,
  updated_at: withdrawal.updatedAt,
});

export interface DepositRow {
  txid: string;
  vout: number;
  user_id: string;
  address: string;
  amount: Text;
  confirmations: number;
  block_hash: string | null;
  block_height: Text | null;
  status: Deposit['status'];
  reversed_after_credit_at: Date | null;
  reversal_reason: string | null;
  reversed_event_at: string | null;
  detected_at: Date;
  credited_at: Date | null;
  updated_at: Date;
}

export const depositFromRow = (row: DepositRow): Deposit => ({
  txid: row.txid,
  vout: row.vout,
  userId: row.user_id,
  address: row.address,
  amountKoinu: moneyOf(row.amount),
  confirmations: row.confirmations,
  blockHash: row.block_hash,
  blockHeight: row.block_height === null ? null : Number(row.block_height),
  status: row.status,
  reversedAfterCreditAt: isoOrNull(row.reversed_after_credit_at),
  reversalReason: row.reversal_reason,
  reversedEventAt: row.reversed_event_at,
  detectedAt: iso(row.detected_at),
  creditedAt: isoOrNull(row.credited_at),
  updatedAt: iso(row.updated_at),
});

export const depositToRow = (deposit: Deposit) => ({
  txid: deposit.txid,
  vout: deposit.vout,
  user_id: deposit.userId,
  address: deposit.address,
  amount: column(deposit.amountKoinu),
  confirmations: deposit.confirmations,
  block_hash: deposit.blockHash,
  block_height: deposit.blockHeight,
  status: deposit.status,
  reversed_after_credit_at: deposit.reversedAfterCreditAt,
  reversal_reason: deposit.reversalReason,
  reversed_event_at: deposit.reversedEventAt,
  detected_at: deposit.detectedAt,
  credited_at: deposit.creditedAt,
  updated_at: deposit.updatedAt,
});
