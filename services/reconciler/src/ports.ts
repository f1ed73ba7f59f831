/**
 * What a reconciliation run needs from the world, in the domain's terms: rows already in koinu and
 * dates, streamed where they can be many. The adapters run the SQL and convert every column once;
 * the run (reconcile.ts) feeds these rows to the pure checks in domain/checks.
 */
import type { BucketNets, WalletBalance } from './domain/book.js';
import type { AuctionBook } from './domain/checks/auction-book.js';
import type { Finding } from './domain/findings.js';
import type { ColdTransferPair } from './domain/checks/cold-transfer-booked.js';
import type { ChainedEntry } from './domain/checks/balance-after-continuity.js';
import type { DepositPair } from './domain/checks/deposit-credited-once.js';
import type { HotWalletCoin } from './domain/checks/hot-wallet-coin-unspent.js';

/** A coin of the cold account, as the saga recorded its sweep's output. */
export interface ColdCoin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
}
import type { BookTotals } from './domain/checks/ledger-zero-sum.js';
import type { OrderEscrowPair } from './domain/checks/order-escrow.js';
import type { PlatformAccount } from './domain/checks/platform-account-sum.js';
import type { TransactionNet } from './domain/checks/transaction-balanced.js';
import type { WithdrawalPair } from './domain/checks/withdrawal-finalized-once.js';

/** One user's balances beside the aggregates the per-user checks judge them against. */
export interface UserBook {
  wallet: WalletBalance;
  nets: BucketNets;
  openEscrowKoinu: bigint;
  activeBidsKoinu: bigint;
}

export interface WalletTotals extends BookTotals {
  entries: number;
  /** Rows of wallet_balances: what the per-user checks examine. */
  users: number;
  /** available + locked + pending of every user: what the chain must cover. */
  userLiabilitiesKoinu: bigint;
}

/** The wallet's book. */
export interface WalletReads {
  /**
   * Users whose balances may not follow from their entries, open escrow and active bid locks, in user
   * id order (candidates: the check decides, as below).
   */
  userCandidates(): AsyncIterable<UserBook>;
  /**
   * Entries whose balance_after may not follow from the previous one. The query narrows a ledger of
   * millions to the candidates; the check decides, so a candidate let through wrongly is never reported.
   */
  continuityCandidates(): AsyncIterable<ChainedEntry>;
  platformAccounts(): Promise<PlatformAccount[]>;
  /** Ledger transactions whose entries may not sum to zero (candidates, as above). */
  unbalancedTransactions(): AsyncIterable<TransactionNet>;
  bookTotals(): Promise<WalletTotals>;
}

/** The watcher's deposits and the saga's withdrawals and coins, each beside the wallet's record. */
export interface CrossServiceReads {
  /** The database's clock: the time every cross-service timestamp is judged against. */
  databaseNow(): Promise<Date>;
  /** The deposits the watcher confirmed: what `deposit-credited-once` examines. */
  confirmedDeposits(): Promise<number>;
  /** The withdrawals the saga confirmed: what `withdrawal-finalized-once` examines. */
  confirmedWithdrawals(): Promise<number>;
  /** Every deposit on which the watcher and the wallet may disagree, with both sides' records. */
  depositPairs(): AsyncIterable<DepositPair>;
  /** Every withdrawal on which the saga and the wallet may disagree, with both sides' records. */
  withdrawalPairs(): AsyncIterable<WithdrawalPair>;
  unspentCoins(): AsyncIterable<HotWalletCoin>;
  /**
   * The cold account's coins the saga's sweeps created (broadcast or confirmed sweeps): counted with the
   * hot coins when they are still unspent on the node. A spent one was moved by a person (a refill).
   */
  coldCoins(): AsyncIterable<ColdCoin>;
  /** Every sweep and refill the saga completed, beside the wallet's bookings of them. */
  coldTransferPairs(): AsyncIterable<ColdTransferPair>;
  /** What users still see as pending for withdrawals whose coins already left the hot wallet. */
  inFlightWithdrawalsKoinu(): Promise<bigint>;
}

/** The order service's orders beside the wallet's escrows. */
export interface OrderReads {
  /** Every order and every escrow, paired by order id, in order id order. */
  orderEscrowPairs(): AsyncIterable<OrderEscrowPair>;
}

/** The order service's auctions and bids beside the wallet's bid locks and escrows. */
export interface AuctionReads {
  /**
   * One book per auction of the order service and per auction the wallet holds an ACTIVE lock on, in
   * auction id order.
   */
  auctionBooks(): AsyncIterable<AuctionBook>;
}

/** The node: an output's value, or null when it is spent or unknown (mempool included). */
export interface ChainReads {
  getTxOut(txid: string, vout: number, includeMempool?: boolean): Promise<{ valueKoinu: bigint } | null>;
}

export interface ReconcilerSources {
  wallet: WalletReads;
  crossService: CrossServiceReads;
  orders: OrderReads;
  auctions: AuctionReads;
}

/** Where findings are recorded (table and event), in bounded batches. */
export interface FindingWriter {
  add(finding: Finding): Promise<void>;
  flush(): Promise<void>;
}
