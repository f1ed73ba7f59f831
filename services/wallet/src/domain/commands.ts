import type { PlatformAccountCode } from './types.js';

/**
 * The wallet's commands, each a plain value. HTTP handlers and Kafka handlers both build these and
 * hand them to the same executor; the domain decides them in src/domain/decide.ts.
 */

export type Command =
  | PayOrder
  | ReleaseEscrow
  | RefundEscrow
  | DisputeEscrow
  | ResolveDispute
  | LockBid
  | UnlockBid
  | ConvertBid
  | RequestWithdrawal
  | FinalizeWithdrawal
  | FailWithdrawal
  | RecordIncomingDeposit
  | UpdateDepositConfirmations
  | CreditDeposit
  | ReverseDeposit
  | RecordSweep
  | RecordRefill;

export type CommandType = Command['type'];

/** Buy it now: buyer available -> locked, escrow LOCKED. */
export interface PayOrder {
  type: 'PayOrder';
  orderId: string;
  buyerId: string;
  sellerId: string;
  amountKoinu: bigint;
  feeKoinu: bigint;
}

/** Buyer locked -= amount, seller available += amount - fee, fee to MARKETPLACE_FEES. */
export interface ReleaseEscrow {
  type: 'ReleaseEscrow';
  orderId: string;
}

/** Buyer locked -> available. */
export interface RefundEscrow {
  type: 'RefundEscrow';
  orderId: string;
}

/** Freezes a LOCKED escrow: nothing releases or refunds it until ResolveDispute. */
export interface DisputeEscrow {
  type: 'DisputeEscrow';
  orderId: string;
  reason: string;
}

/** Ends a dispute: as a release, as a refund, or divided between buyer and seller (a split). */
export type ResolveDispute = ResolveDisputeWhole | ResolveDisputeBySplit;

/** RELEASE pays the seller exactly as ReleaseEscrow would; REFUND returns it all as RefundEscrow would. */
export interface ResolveDisputeWhole {
  type: 'ResolveDispute';
  orderId: string;
  outcome: 'RELEASE' | 'REFUND';
}

/**
 * The buyer gets buyerRefundKoinu (x) back from locked to available; the seller gets the rest less
 * feeKoinu, the platform fee on the seller's part, which goes to MARKETPLACE_FEES. The order service
 * owns the fee policy and sends the fee; the wallet only checks 0 < x < amount and 0 <= fee <= amount - x.
 */
export interface ResolveDisputeBySplit {
  type: 'ResolveDispute';
  orderId: string;
  outcome: 'SPLIT';
  buyerRefundKoinu: bigint;
  feeKoinu: bigint;
}

/** First bid: available -> locked. A higher bid by the same user raises the lock by the difference. */
export interface LockBid {
  type: 'LockBid';
  auctionId: string;
  userId: string;
  amountKoinu: bigint;
}

/**
 * Outbid or cancelled: locked -> available. `lockIdempotencyKey` names the lock request of the bid this
 * release is for (the same caller's key space): if the wallet has not run that lock yet, it never will,
 * so a lock that arrives after its own release (a request that outlived its caller) cannot stand.
 */
export interface UnlockBid {
  type: 'UnlockBid';
  auctionId: string;
  userId: string;
  lockIdempotencyKey?: string;
  /**
   * Filled in by the command use case from `lockIdempotencyKey`: the command id of that lock, or null
   * when it never locked. A lock that a later lock command of the same bidder has since set (a raise)
   * is that command's now, and this release leaves it alone.
   */
  lockCommandId?: string | null;
}

/**
 * Auction won: the winner's lock becomes the escrow of the new order. amountKoinu is the price,
 * which may be below the lock (the rest returns to available).
 */
export interface ConvertBid {
  type: 'ConvertBid';
  auctionId: string;
  userId: string;
  orderId: string;
  sellerId: string;
  amountKoinu: bigint;
  feeKoinu: bigint;
}

/** available -> pending (amount + the flat network fee). The id is chosen by the entry point. */
export interface RequestWithdrawal {
  type: 'RequestWithdrawal';
  withdrawalId: string;
  userId: string;
  destinationAddress: string;
  amountKoinu: bigint;
}

/** withdrawal.confirmed: pending leaves the platform; the fee goes to NETWORK_FEES. */
export interface FinalizeWithdrawal {
  type: 'FinalizeWithdrawal';
  withdrawalId: string;
  userId: string;
  txid: string;
  blockHash: string;
  blockHeight: number;
  confirmations: number;
  minerFeeShareKoinu: bigint;
}

/** withdrawal.failed: pending -> available. */
export interface FailWithdrawal {
  type: 'FailWithdrawal';
  withdrawalId: string;
  userId: string;
  reasonCode: string;
  reason: string;
}

export interface RecordIncomingDeposit {
  type: 'RecordIncomingDeposit';
  userId: string;
  address: string;
  txid: string;
  vout: number;
  amountKoinu: bigint;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
}

export interface UpdateDepositConfirmations {
  type: 'UpdateDepositConfirmations';
  userId: string;
  txid: string;
  vout: number;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
}

/** deposit.confirmed: credit available exactly once per txid:vout. */
export interface CreditDeposit {
  type: 'CreditDeposit';
  userId: string;
  address: string;
  txid: string;
  vout: number;
  amountKoinu: bigint;
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
  /** occurredAt of the deposit.confirmed event (compared with a reversal's, see decideCreditDeposit). */
  eventOccurredAt: string;
}

export interface ReverseDeposit {
  type: 'ReverseDeposit';
  userId: string;
  address: string;
  txid: string;
  vout: number;
  amountKoinu: bigint;
  wasConfirmed: boolean;
  reason: string;
  eventOccurredAt: string;
}

/**
 * hot-wallet.swept: coins moved from the hot wallet to the cold account, REQUIRED_CONFIRMATIONS deep.
 * Hot -> cold for sweptKoinu, and the sweep's miner fee from NETWORK_FEES (the platform pays it).
 * Once per txid: the Kafka entry point keys it by the txid, not the event.
 */
export interface RecordSweep {
  type: 'RecordSweep';
  txid: string;
  sweptKoinu: bigint;
  minerFeeKoinu: bigint;
}

/** hot-wallet.refilled: a transfer from the cold account taken into the hot wallet. Cold -> hot, once per output. */
export interface RecordRefill {
  type: 'RecordRefill';
  txid: string;
  vout: number;
  amountKoinu: bigint;
}

/** What a command reads, so the executor can load and row-lock it before deciding. */
export interface CommandFootprint {
  /** User wallets named by the command itself (more may come from loaded aggregates). */
  userIds: string[];
  escrowOrderIds: string[];
  bidLocks: { auctionId: string; userId: string }[];
  withdrawalIds: string[];
  deposits: { txid: string; vout: number }[];
  /** Addresses whose assigned owner the decision checks (a deposit is only its address's user's). */
  depositAddresses: string[];
  /** Platform accounts the command may post to; locked after the user wallets. */
  platformAccounts: PlatformAccountCode[];
}

export function footprintOf(command: Command): CommandFootprint {
  const none: CommandFootprint = {
    userIds: [],
    escrowOrderIds: [],
    bidLocks: [],
    withdrawalIds: [],
    deposits: [],
    depositAddresses: [],
    platformAccounts: [],
  };
  switch (command.type) {
    case 'PayOrder':
      return { ...none, userIds: [command.buyerId, command.sellerId], escrowOrderIds: [command.orderId] };
    case 'ReleaseEscrow':
    case 'ResolveDispute':
      return { ...none, escrowOrderIds: [command.orderId], platformAccounts: ['MARKETPLACE_FEES'] };
    case 'RefundEscrow':
    case 'DisputeEscrow':
      return { ...none, escrowOrderIds: [command.orderId] };
    case 'LockBid':
    case 'UnlockBid':
      return {
        ...none,
        userIds: [command.userId],
        bidLocks: [{ auctionId: command.auctionId, userId: command.userId }],
      };
    case 'ConvertBid':
      return {
        ...none,
        userIds: [command.userId, command.sellerId],
        bidLocks: [{ auctionId: command.auctionId, userId: command.userId }],
        escrowOrderIds: [command.orderId],
      };
    case 'RequestWithdrawal':
    case 'FailWithdrawal':
      return { ...none, userIds: [command.userId], withdrawalIds: [command.withdrawalId] };
    case 'FinalizeWithdrawal':
      return {
        ...none,
        userIds: [command.userId],
        withdrawalIds: [command.withdrawalId],
        platformAccounts: ['CHAIN_CLEARING', 'NETWORK_FEES'],
      };
    case 'RecordIncomingDeposit':
      return {
        ...none,
        userIds: [command.userId],
        deposits: [{ txid: command.txid, vout: command.vout }],
        depositAddresses: [command.address],
      };
    case 'UpdateDepositConfirmations':
    case 'ReverseDeposit':
      return { ...none, userIds: [command.userId], deposits: [{ txid: command.txid, vout: command.vout }] };
    case 'CreditDeposit':
      return {
        ...none,
        userIds: [command.userId],
        deposits: [{ txid: command.txid, vout: command.vout }],
        depositAddresses: [command.address],
        platformAccounts: ['CHAIN_CLEARING'],
      };
    case 'RecordSweep':
      return { ...none, platformAccounts: ['CHAIN_CLEARING', 'COLD_STORAGE', 'NETWORK_FEES'] };
    case 'RecordRefill':
      return { ...none, platformAccounts: ['CHAIN_CLEARING', 'COLD_STORAGE'] };
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}
