/**
 * The wallet's state as the pure domain sees it. Money is bigint koinu everywhere; ids are strings
 * (UUIDs for users, orders, auctions and withdrawals; txid:vout for deposits).
 */

/** The three buckets of a user's wallet. Each bucket reconciles on its own against the ledger. */
export type Bucket = 'AVAILABLE' | 'LOCKED' | 'PENDING';
export const BUCKETS: readonly Bucket[] = ['AVAILABLE', 'LOCKED', 'PENDING'];

/**
 * Platform accounts make the ledger double-entry: every movement is balanced against one of them or
 * against another user bucket, so all accounts together always sum to zero.
 * - CHAIN_CLEARING: the mirror of the coins held on chain in the hot wallet. Deposits and refills from
 *   cold debit it; withdrawals, miner fees and sweeps to cold credit it. Expected sign: <= 0 (minus the
 *   hot custody the chain should show).
 * - COLD_STORAGE: the mirror of the coins the platform moved to its cold account (sweeps debit it,
 *   refills from cold credit it). Sign: normally <= 0; above 0 when a refill came from cold coins that
 *   were never swept (an operator funding the hot wallet), so no CHECK. Hot + cold together are what
 *   the reconciler holds against users' liabilities.
 * - MARKETPLACE_FEES: sale fees taken at escrow release. Sign: >= 0 (a CHECK constraint).
 * - NETWORK_FEES: the flat network fee users pay on withdrawals, minus the miner fees actually paid.
 *   Normally >= 0; negative means miners received more than users paid (an alert for the reconciler,
 *   never a reason to stop a withdrawal from finalizing).
 */
export type PlatformAccountCode = 'CHAIN_CLEARING' | 'COLD_STORAGE' | 'MARKETPLACE_FEES' | 'NETWORK_FEES';
export const PLATFORM_ACCOUNT_CODES: readonly PlatformAccountCode[] = [
  'CHAIN_CLEARING',
  'COLD_STORAGE',
  'MARKETPLACE_FEES',
  'NETWORK_FEES',
];

export type EntryType =
  | 'DEPOSIT'
  | 'WITHDRAWAL_HOLD'
  | 'WITHDRAWAL'
  | 'WITHDRAWAL_RELEASE'
  | 'NETWORK_FEE'
  | 'MINER_FEE'
  | 'BID_LOCK'
  | 'BID_UNLOCK'
  | 'ESCROW_LOCK'
  | 'ESCROW_RELEASE'
  | 'SALE'
  | 'FEE'
  | 'ESCROW_REFUND'
  | 'SWEEP'
  | 'REFILL';

export type ReferenceType = 'order' | 'auction' | 'withdrawal' | 'tx';

export interface Wallet {
  userId: string;
  availableKoinu: bigint;
  lockedKoinu: bigint;
  pendingKoinu: bigint;
  /** Bumped once per command that moves this wallet's money. */
  version: number;
}

export interface PlatformAccount {
  code: PlatformAccountCode;
  balanceKoinu: bigint;
  version: number;
}

/**
 * LOCKED -> RELEASED | REFUNDED | DISPUTED; DISPUTED -> RELEASED | REFUNDED | SPLIT. Only LOCKED and
 * DISPUTED hold the buyer's money in locked; the other three are final.
 */
export type EscrowStatus = 'LOCKED' | 'RELEASED' | 'REFUNDED' | 'DISPUTED' | 'SPLIT';
export type EscrowSource = 'PAY_ORDER' | 'BID';

/** How a SPLIT escrow was divided: the three parts sum to the escrow's amount. */
export interface EscrowSplit {
  buyerRefundKoinu: bigint;
  sellerCreditKoinu: bigint;
  feeKoinu: bigint;
}

export interface Escrow {
  id: string;
  orderId: string;
  buyerId: string;
  sellerId: string;
  amountKoinu: bigint;
  feeKoinu: bigint;
  status: EscrowStatus;
  source: EscrowSource;
  auctionId: string | null;
  disputeReason: string | null;
  /** Set when (and only when) the status is SPLIT. */
  split: EscrowSplit | null;
  createdAt: string;
  updatedAt: string;
}

export type BidLockStatus = 'ACTIVE' | 'RELEASED' | 'CONVERTED';

export interface BidLock {
  auctionId: string;
  userId: string;
  amountKoinu: bigint;
  status: BidLockStatus;
  orderId: string | null;
  /** The lock command (a bid, or a leader's raise) that last set the amount; null for older locks. */
  lockCommandId: string | null;
  updatedAt: string;
}

export type WithdrawalStatus = 'REQUESTED' | 'FINALIZED' | 'FAILED';

export interface Withdrawal {
  id: string;
  userId: string;
  destinationAddress: string;
  amountKoinu: bigint;
  networkFeeKoinu: bigint;
  status: WithdrawalStatus;
  txid: string | null;
  minerFeeShareKoinu: bigint | null;
  failureCode: string | null;
  failureReason: string | null;
  requestedAt: string;
  updatedAt: string;
}

/**
 * INCOMING: seen on chain, not yet DEPOSIT_CONFIRMATIONS deep; shown to the user, not spendable.
 * CREDITED: confirmed and credited to available (exactly once per txid:vout).
 * REVERSED: left the chain before it was credited; the user never had it.
 */
export type DepositStatus = 'INCOMING' | 'CREDITED' | 'REVERSED';

export interface Deposit {
  txid: string;
  vout: number;
  userId: string;
  address: string;
  amountKoinu: bigint;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
  status: DepositStatus;
  /** Set when a deposit that had been credited left the chain (a reorg deeper than the confirmation depth). */
  reversedAfterCreditAt: string | null;
  reversalReason: string | null;
  /** occurredAt of the deposit.reversed event that reversed it, to spot a stale deposit.confirmed. */
  reversedEventAt: string | null;
  detectedAt: string;
  creditedAt: string | null;
  updatedAt: string;
}

export const depositKey = (txid: string, vout: number): string => `${txid}:${vout}`;
export const bidLockKey = (auctionId: string, userId: string): string => `${auctionId}:${userId}`;

/**
 * Everything one batch of commands may read or change, loaded (and row-locked) by the executor. A
 * missing map entry means "does not exist in the database".
 */
export interface Book {
  wallets: Map<string, Wallet>;
  platformAccounts: Map<PlatformAccountCode, PlatformAccount>;
  escrows: Map<string, Escrow>;
  bidLocks: Map<string, BidLock>;
  withdrawals: Map<string, Withdrawal>;
  deposits: Map<string, Deposit>;
  /**
   * The user each deposit address named by the batch was assigned to (deposit_addresses; an address
   * missing here was never handed out). Read, not locked: an assignment never changes.
   */
  depositAddressOwners: Map<string, string>;
}

export function emptyBook(): Book {
  return {
    wallets: new Map(),
    platformAccounts: new Map(),
    escrows: new Map(),
    bidLocks: new Map(),
    withdrawals: new Map(),
    deposits: new Map(),
    depositAddressOwners: new Map(),
  };
}
