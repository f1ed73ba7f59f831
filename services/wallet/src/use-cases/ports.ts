/**
 * What the command use case needs from outside the domain, as interfaces the adapters implement: the
 * ledger's tables as one transaction sees them (reads that row-lock, then one write), and the redis
 * lock taken before that transaction. The requests, answers and records that cross these ports are
 * defined here too, so the use case and the adapters agree without importing each other.
 */
import type {
  BidLock,
  Command,
  CommandResult,
  Deposit,
  DomainError,
  DomainEvent,
  Escrow,
  LedgerEntryDraft,
  PlatformAccount,
  PlatformAccountCode,
  Wallet,
  Withdrawal,
} from '../domain/index.js';

export interface CommandRequest {
  command: Command;
  /** Whose key space the idempotency key lives in: `user:<id>`, `service:<name>` or `kafka:<topic>`. */
  scope: string;
  idempotencyKey: string;
  correlationId: string;
  causationId: string | null;
}

export type CommandOutcome =
  | { kind: 'accepted'; result: CommandResult; replayed: boolean }
  | { kind: 'rejected'; error: DomainError; replayed: boolean }
  | { kind: 'key-reused'; message: string };

export interface CommandKey {
  scope: string;
  idempotencyKey: string;
}

/** An idempotency record: what the first run of a key was asked and what it answered. */
export interface StoredCommand extends CommandKey {
  commandType: string;
  requestHash: string;
  outcome: 'ACCEPTED' | 'REJECTED';
  response: unknown;
  commandId: string;
}

export interface LedgerEntryRecord extends LedgerEntryDraft {
  transactionId: string;
  idempotencyKey: string;
}

export type OutgoingEvent = DomainEvent & {
  correlationId: string;
  causationId: string | null;
};

/** Rows of one aggregate a batch writes: new ones (which must not exist yet) and known, locked ones. */
export interface RowChanges<T> {
  created: T[];
  updated: T[];
}

/** A row written under the version guard: the write only lands if the row still has `previousVersion`. */
export interface Versioned<T> {
  value: T;
  previousVersion: number;
}

/** Everything one batch writes. The store sends it as ONE statement, each part's row count checked. */
export interface BatchWrite {
  createdWallets: Wallet[];
  updatedWallets: Versioned<Wallet>[];
  platformAccounts: Versioned<PlatformAccount>[];
  ledgerEntries: LedgerEntryRecord[];
  escrows: RowChanges<Escrow>;
  bidLocks: RowChanges<BidLock>;
  withdrawals: RowChanges<Withdrawal>;
  deposits: RowChanges<Deposit>;
  events: OutgoingEvent[];
  /** The batch's clock, recorded as the events' occurredAt. */
  occurredAt: Date;
  commands: StoredCommand[];
}

/**
 * The wallet's tables inside one transaction. The lock methods take `SELECT ... FOR UPDATE` and must be
 * called in the global lock order (escrows, bid locks, withdrawals, deposits, wallets, platform
 * accounts), so two batches never wait on each other in a cycle; a missing row is simply not returned.
 */
export interface LedgerStore {
  findCommands(keys: CommandKey[]): Promise<StoredCommand[]>;
  lockEscrows(orderIds: string[]): Promise<Escrow[]>;
  lockBidLocks(keys: { auctionId: string; userId: string }[]): Promise<BidLock[]>;
  lockWithdrawals(ids: string[]): Promise<Withdrawal[]>;
  lockDeposits(keys: { txid: string; vout: number }[]): Promise<Deposit[]>;
  /** Who each of these addresses was assigned to (deposit_addresses); unassigned ones are absent. */
  depositAddressOwners(addresses: string[]): Promise<{ address: string; userId: string }[]>;
  lockWallets(userIds: string[]): Promise<Wallet[]>;
  lockPlatformAccounts(codes: PlatformAccountCode[]): Promise<PlatformAccount[]>;
  /** One round trip. Throws when another writer got there first, which a retry on fresh state resolves. */
  write(batch: BatchWrite): Promise<void>;
}

export type LockOutcome =
  { kind: 'locked'; release: () => Promise<void> } | { kind: 'degraded'; reason: string };

/**
 * The lock taken on a batch's resources before its transaction. It only reduces contention between
 * replicas; the row locks and the version guard are what keep balances right, so `degraded` (no lock)
 * is an answer to proceed on, not an error.
 */
export interface WalletLocks {
  acquire(resources: string[]): Promise<LockOutcome>;
  close(): Promise<void>;
}
