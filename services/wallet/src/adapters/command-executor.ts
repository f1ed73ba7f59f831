/**
 * Runs wallet commands with group commit. Commands queue up; a batch takes what is queued (up to
 * maxBatchSize, and with batches already running only commands that conflict with none of them), takes
 * the redis lock on every resource the batch names, and runs the batch in ONE database transaction:
 * row-lock everything in the global order, decide each command in order against the in-memory book (so
 * each keeps its own idempotency key, its own answer and its own error), then write all balances,
 * ledger entries, aggregates, outbox events and idempotency records in one statement (a WriteBatch of
 * data-modifying CTEs), and commit once. While batches commit the next one fills, so the fsync of a
 * commit is shared by every command in the batch (TigerBeetle-style batching).
 *
 * A batch that hits a concurrent writer (another replica created the same row) or a deadlock is
 * retried on fresh state. A batch that fails otherwise is split and each command runs alone, so one
 * bad command cannot fail its neighbours.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { isTransientDatabaseError } from '@dbay/platform';
import {
  applyDecision,
  bidLockKey,
  decide,
  depositKey,
  emptyBook,
  footprintOf,
  type Book,
  type Command,
  type CommandResult,
  type DomainError,
  type PlatformAccountCode,
  type WalletPolicy,
  type Wallet,
  type Escrow,
  type BidLock,
  type Withdrawal,
  type Deposit,
  type DomainEvent,
} from '../domain/index.js';
import { commandHash } from './command-hash.js';
import {
  ConcurrentWriteError,
  findCommands,
  insertCommands,
  insertLedgerEntries,
  insertWallets,
  lockBidLocks,
  lockDeposits,
  lockEscrows,
  lockPlatformAccounts,
  lockWallets,
  lockWithdrawals,
  saveBidLocks,
  saveDeposits,
  saveEscrows,
  saveWithdrawals,
  updatePlatformAccounts,
  updateWallets,
  WriteBatch,
  type LedgerEntryRecord,
  type NewCommandRecord,
  type StoredCommand,
} from './ledger-store.js';
import { addEvents, type OutgoingEvent } from './outbox-writer.js';
import type { WalletLocks } from './wallet-locks.js';

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

export interface ExecutorSettings {
  maxBatchSize: number;
  /**
   * Batches that may run at once, each on its own connection. A batch only takes queued commands whose
   * wallets, orders, bid locks, withdrawals, deposits, platform accounts and idempotency keys no running
   * batch holds, so concurrent batches never wait on each other's redis lock; a command that conflicts
   * waits (in arrival order) for the next batch.
   */
  maxConcurrentBatches: number;
  /** Commands waiting beyond this are refused (WALLET_BUSY) instead of growing latency without bound. */
  maxQueueLength: number;
  /** Attempts of one batch on retryable failures (deadlock, concurrent insert) before it is split. */
  maxAttempts: number;
  retryBackoffMs: number;
}

export const DEFAULT_EXECUTOR_SETTINGS: ExecutorSettings = {
  maxBatchSize: 200,
  maxConcurrentBatches: 1,
  maxQueueLength: 20_000,
  maxAttempts: 4,
  retryBackoffMs: 5,
};

export class ExecutorOverloadedError extends Error {
  constructor(queued: number) {
    super(`the wallet has ${queued} commands queued; try again shortly`);
    this.name = 'ExecutorOverloadedError';
  }
}

export interface ExecutorMetrics {
  batchSize: Histogram;
  batchDuration: Histogram;
  outcomes: Counter<'type' | 'outcome'>;
  retries: Counter<'reason'>;
}

export function createExecutorMetrics(registry: Registry): ExecutorMetrics {
  const registers = [registry];
  return {
    batchSize: new Histogram({
      name: 'dbay_wallet_batch_commands',
      help: 'Commands per group-commit transaction.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'dbay_wallet_batch_duration_seconds',
      help: 'Lock, transaction and commit time of one batch.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    outcomes: new Counter({
      name: 'dbay_wallet_commands_total',
      help: 'Wallet commands by type and outcome.',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'dbay_wallet_batch_retries_total',
      help: 'Batches retried on fresh state, by reason.',
      labelNames: ['reason'],
      registers,
    }),
  };
}

interface Pending {
  request: CommandRequest;
  /** What the command may touch, plus its idempotency key: what a concurrent batch must not hold. */
  claims: string[];
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: unknown) => void;
}

export interface ExecutorDeps {
  knex: Knex;
  locks: WalletLocks;
  policy: WalletPolicy;
  logger: Logger;
  metrics: ExecutorMetrics;
  settings?: Partial<ExecutorSettings>;
}

const keyOf = (scope: string, idempotencyKey: string): string => `${scope}\u0000${idempotencyKey}`;
const unique = <T>(values: T[]): T[] => [...new Set(values)];

function resourcesOf(requests: CommandRequest[]): string[] {
  const resources = new Set<string>();
  for (const { command } of requests) {
    const footprint = footprintOf(command);
    for (const userId of footprint.userIds) resources.add(`wallet:${userId}`);
    for (const orderId of footprint.escrowOrderIds) resources.add(`order:${orderId}`);
    for (const lock of footprint.bidLocks) resources.add(`bid:${lock.auctionId}:${lock.userId}`);
    for (const id of footprint.withdrawalIds) resources.add(`withdrawal:${id}`);
    for (const deposit of footprint.deposits) resources.add(`deposit:${deposit.txid}:${deposit.vout}`);
  }
  return [...resources].sort();
}

function claimsOf(request: CommandRequest): string[] {
  const platform = footprintOf(request.command).platformAccounts.map((code) => `platform:${code}`);
  return [...resourcesOf([request]), ...platform, `key:${keyOf(request.scope, request.idempotencyKey)}`];
}

/** How far down the queue a new batch looks for commands that do not conflict with running batches. */
const MAX_SCAN = 2_000;

function isRetryable(error: unknown): boolean {
  if (error instanceof ConcurrentWriteError) return true;
  // A unique violation means another transaction committed the same key or row first.
  if ((error as { code?: unknown }).code === '23505') return true;
  return isTransientDatabaseError(error);
}

function replay(stored: Pick<StoredCommand, 'outcome' | 'response'>): CommandOutcome {
  return stored.outcome === 'ACCEPTED'
    ? { kind: 'accepted', result: stored.response as CommandResult, replayed: true }
    : { kind: 'rejected', error: stored.response as DomainError, replayed: true };
}

/** The book loaded for one batch, with what the database held before the batch changed anything. */
interface LoadedBook {
  book: Book;
  walletVersions: Map<string, number>;
  platformVersions: Map<PlatformAccountCode, number>;
  existing: { escrows: Set<string>; bidLocks: Set<string>; withdrawals: Set<string>; deposits: Set<string> };
}

export class CommandExecutor {
  private readonly settings: ExecutorSettings;
  private readonly queue: Pending[] = [];
  private running = 0;
  /** Claims of the running batches. */
  private readonly held = new Set<string>();
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(private readonly deps: ExecutorDeps) {
    this.settings = { ...DEFAULT_EXECUTOR_SETTINGS, ...deps.settings };
  }

  /** Queues a command for the next batch; resolves with its own outcome once its batch committed. */
  execute(request: CommandRequest): Promise<CommandOutcome> {
    if (this.queue.length >= this.settings.maxQueueLength) {
      return Promise.reject(new ExecutorOverloadedError(this.queue.length));
    }
    return new Promise<CommandOutcome>((resolve, reject) => {
      this.queue.push({ request, claims: claimsOf(request), resolve, reject });
      this.pump();
    });
  }

  /**
   * Group commit for a caller that owns the transaction (a batch of Kafka messages and their inbox
   * rows): the redis lock on every resource of the batch, then the same load, decide-in-order and
   * one-statement write as a queued batch. One outcome per request, in order.
   */
  async executeAllInTransaction(
    trx: Knex.Transaction,
    requests: CommandRequest[],
  ): Promise<CommandOutcome[]> {
    const stopTimer = this.deps.metrics.batchDuration.startTimer();
    this.deps.metrics.batchSize.observe(requests.length);
    const lock = await this.deps.locks.acquire(resourcesOf(requests));
    try {
      return await this.runInTransaction(trx, requests);
    } finally {
      if (lock.kind === 'locked') await lock.release();
      stopTimer();
    }
  }

  /** Resolves when the queue is empty and no batch runs (for a graceful shutdown). */
  async drain(): Promise<void> {
    await this.idle;
  }

  private pump(): void {
    while (this.running < this.settings.maxConcurrentBatches && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      if (this.running === 0) this.idle = new Promise((resolve) => (this.markIdle = resolve));
      this.running += 1;
      const claims = [...new Set(batch.flatMap((pending) => pending.claims))];
      for (const claim of claims) this.held.add(claim);
      void this.runBatch(batch).finally(() => {
        for (const claim of claims) this.held.delete(claim);
        this.running -= 1;
        if (this.running === 0 && this.queue.length === 0) this.markIdle();
        this.pump();
      });
    }
  }

  /**
   * The next batch: queued commands in arrival order that conflict with no running batch. A command
   * passed over also blocks later commands that share a claim with it, so commands on one wallet (or
   * with one idempotency key) still run in the order they arrived.
   */
  private takeBatch(): Pending[] {
    if (this.running === 0) return this.queue.splice(0, this.settings.maxBatchSize);
    const blocked = new Set(this.held);
    const taken: Pending[] = [];
    const kept: Pending[] = [];
    const scan = Math.min(this.queue.length, MAX_SCAN);
    for (let index = 0; index < scan; index += 1) {
      const pending = this.queue[index]!;
      if (taken.length < this.settings.maxBatchSize && !pending.claims.some((c) => blocked.has(c))) {
        // Later commands on the same claims may join this batch: it decides its commands in order.
        taken.push(pending);
      } else {
        kept.push(pending);
        for (const claim of pending.claims) blocked.add(claim);
      }
    }
    this.queue.splice(0, scan, ...kept);
    return taken;
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcomes = await this.runLockedBatch(batch.map((pending) => pending.request));
        batch.forEach((pending, index) => pending.resolve(outcomes[index]!));
        return;
      } catch (error) {
        if (isRetryable(error) && attempt < this.settings.maxAttempts) {
          this.deps.metrics.retries.inc({
            reason: error instanceof ConcurrentWriteError ? 'concurrent-write' : 'transient',
          });
          await sleep(this.settings.retryBackoffMs * attempt);
          continue;
        }
        if (batch.length > 1) {
          this.deps.logger.warn(
            { err: error, size: batch.length },
            'batch failed; running its commands one by one',
          );
          for (const pending of batch) await this.runBatch([pending]);
          return;
        }
        this.deps.logger.error({ err: error, type: batch[0]?.request.command.type }, 'wallet command failed');
        batch[0]?.reject(error);
        return;
      }
    }
  }

  private async runLockedBatch(requests: CommandRequest[]): Promise<CommandOutcome[]> {
    const stopTimer = this.deps.metrics.batchDuration.startTimer();
    this.deps.metrics.batchSize.observe(requests.length);
    const lock = await this.deps.locks.acquire(resourcesOf(requests));
    try {
      return await this.deps.knex.transaction((trx) => this.runInTransaction(trx, requests));
    } finally {
      if (lock.kind === 'locked') await lock.release();
      stopTimer();
    }
  }

  private async load(trx: Knex.Transaction, commands: Command[]): Promise<LoadedBook> {
    const footprints = commands.map(footprintOf);
    const escrows = await lockEscrows(trx, unique(footprints.flatMap((f) => f.escrowOrderIds)));
    const bidLockKeys = new Map(
      footprints.flatMap((f) => f.bidLocks).map((k) => [bidLockKey(k.auctionId, k.userId), k]),
    );
    const bidLocks = await lockBidLocks(trx, [...bidLockKeys.values()]);
    const withdrawals = await lockWithdrawals(trx, unique(footprints.flatMap((f) => f.withdrawalIds)));
    const depositKeys = new Map(
      footprints.flatMap((f) => f.deposits).map((k) => [depositKey(k.txid, k.vout), k]),
    );
    const deposits = await lockDeposits(trx, [...depositKeys.values()]);
    const userIds = unique([
      ...footprints.flatMap((f) => f.userIds),
      ...escrows.flatMap((e) => [e.buyerId, e.sellerId]),
      ...withdrawals.map((w) => w.userId),
    ]);
    const wallets = await lockWallets(trx, userIds);
    const platformAccounts = await lockPlatformAccounts(
      trx,
      unique(footprints.flatMap((f) => f.platformAccounts)),
    );

    const book = emptyBook();
    for (const wallet of wallets) book.wallets.set(wallet.userId, wallet);
    for (const account of platformAccounts) book.platformAccounts.set(account.code, account);
    for (const escrow of escrows) book.escrows.set(escrow.orderId, escrow);
    for (const lock of bidLocks) book.bidLocks.set(bidLockKey(lock.auctionId, lock.userId), lock);
    for (const withdrawal of withdrawals) book.withdrawals.set(withdrawal.id, withdrawal);
    for (const deposit of deposits) book.deposits.set(depositKey(deposit.txid, deposit.vout), deposit);
    return {
      book,
      walletVersions: new Map(wallets.map((w) => [w.userId, w.version])),
      platformVersions: new Map(platformAccounts.map((a) => [a.code, a.version])),
      existing: {
        escrows: new Set(book.escrows.keys()),
        bidLocks: new Set(book.bidLocks.keys()),
        withdrawals: new Set(book.withdrawals.keys()),
        deposits: new Set(book.deposits.keys()),
      },
    };
  }

  /** The heart of the wallet: load and lock, decide each command in order, write everything once. */
  async runInTransaction(trx: Knex.Transaction, requests: CommandRequest[]): Promise<CommandOutcome[]> {
    const now = new Date();
    const stored = await findCommands(
      trx,
      unique(requests.map((r) => keyOf(r.scope, r.idempotencyKey))).map((key) => {
        const [scope = '', idempotencyKey = ''] = key.split('\u0000');
        return { scope, idempotencyKey };
      }),
    );
    const seen = new Map<
      string,
      { commandType: string; requestHash: string; outcome: 'ACCEPTED' | 'REJECTED'; response: unknown }
    >(stored.map((s) => [keyOf(s.scope, s.idempotencyKey), s]));
    const fresh = requests.filter((r) => !seen.has(keyOf(r.scope, r.idempotencyKey)));
    const loaded = await this.load(
      trx,
      fresh.map((r) => r.command),
    );
    const { book } = loaded;

    const outcomes: CommandOutcome[] = [];
    const entries: LedgerEntryRecord[] = [];
    const events: OutgoingEvent[] = [];
    const records: NewCommandRecord[] = [];
    const touchedWallets = new Set<string>();
    const createdWallets = new Set<string>();
    const touchedPlatform = new Set<PlatformAccountCode>();
    const changed = {
      escrows: new Set<string>(),
      bidLocks: new Set<string>(),
      withdrawals: new Set<string>(),
      deposits: new Set<string>(),
    };

    for (const request of requests) {
      const key = keyOf(request.scope, request.idempotencyKey);
      const requestHash = commandHash(request.command);
      const prior = seen.get(key);
      if (prior) {
        outcomes.push(
          prior.requestHash === requestHash
            ? replay(prior)
            : {
                kind: 'key-reused',
                message: `idempotency key was first used for a different ${prior.commandType} request`,
              },
        );
        continue;
      }
      const commandId = randomUUID();
      const decision = decide(book, request.command, {
        now: now.toISOString(),
        commandId,
        policy: this.deps.policy,
      });
      const route = (list: DomainEvent[]): OutgoingEvent[] =>
        list.map((event) => ({
          ...event,
          correlationId: request.correlationId,
          causationId: request.causationId,
        }));
      let outcome: CommandOutcome;
      let record: Pick<StoredCommand, 'outcome' | 'response'>;
      if (!decision.ok) {
        events.push(...route(decision.events));
        outcome = { kind: 'rejected', error: decision.error, replayed: false };
        record = { outcome: 'REJECTED', response: decision.error };
      } else {
        const applied = applyDecision(book, decision);
        applied.entries.forEach((entry, index) =>
          entries.push({
            ...entry,
            transactionId: commandId,
            idempotencyKey: `${request.scope}/${request.idempotencyKey}#${index}`,
          }),
        );
        events.push(...route(applied.events));
        for (const userId of applied.touchedUserIds) touchedWallets.add(userId);
        for (const userId of applied.createdUserIds) createdWallets.add(userId);
        for (const posting of decision.postings)
          if (posting.account.kind === 'platform') touchedPlatform.add(posting.account.code);
        for (const change of applied.changes) {
          if (change.kind === 'escrow') changed.escrows.add(change.value.orderId);
          else if (change.kind === 'bidLock')
            changed.bidLocks.add(bidLockKey(change.value.auctionId, change.value.userId));
          else if (change.kind === 'withdrawal') changed.withdrawals.add(change.value.id);
          else changed.deposits.add(depositKey(change.value.txid, change.value.vout));
        }
        outcome = { kind: 'accepted', result: decision.result, replayed: false };
        record = { outcome: 'ACCEPTED', response: decision.result };
      }
      outcomes.push(outcome);
      const commandRecord: NewCommandRecord = {
        scope: request.scope,
        idempotencyKey: request.idempotencyKey,
        commandType: request.command.type,
        requestHash,
        commandId,
        ...record,
      };
      records.push(commandRecord);
      seen.set(key, commandRecord);
      this.deps.metrics.outcomes.inc({ type: request.command.type, outcome: outcome.kind });
    }

    const writes = new WriteBatch();
    await this.write(writes, loaded, { touchedWallets, createdWallets, touchedPlatform, changed, entries });
    addEvents(writes, events, now);
    await insertCommands(writes, records);
    await writes.run(trx);
    return outcomes;
  }

  /** Adds every write of the batch to `trx`, a WriteBatch sent as one statement by the caller. */
  private async write(
    trx: WriteBatch,
    loaded: LoadedBook,
    work: {
      touchedWallets: Set<string>;
      createdWallets: Set<string>;
      touchedPlatform: Set<PlatformAccountCode>;
      changed: {
        escrows: Set<string>;
        bidLocks: Set<string>;
        withdrawals: Set<string>;
        deposits: Set<string>;
      };
      entries: LedgerEntryRecord[];
    },
  ): Promise<void> {
    const { book, existing } = loaded;
    const wallet = (userId: string): Wallet => book.wallets.get(userId)!;
    const created = [...work.createdWallets].map(wallet);
    const updated = [...work.touchedWallets]
      .filter((userId) => !work.createdWallets.has(userId))
      .map((userId) => ({ wallet: wallet(userId), previousVersion: loaded.walletVersions.get(userId)! }));
    await insertWallets(trx, created);
    await updateWallets(trx, updated);
    await updatePlatformAccounts(
      trx,
      [...work.touchedPlatform].map((code) => ({
        account: book.platformAccounts.get(code)!,
        previousVersion: loaded.platformVersions.get(code)!,
      })),
    );
    await insertLedgerEntries(trx, work.entries);
    const split = <T>(keys: Set<string>, known: Set<string>, get: (key: string) => T): [T[], T[]] => [
      [...keys].filter((key) => !known.has(key)).map(get),
      [...keys].filter((key) => known.has(key)).map(get),
    ];
    await saveEscrows(
      trx,
      ...split<Escrow>(work.changed.escrows, existing.escrows, (k) => book.escrows.get(k)!),
    );
    await saveBidLocks(
      trx,
      ...split<BidLock>(work.changed.bidLocks, existing.bidLocks, (k) => book.bidLocks.get(k)!),
    );
    await saveWithdrawals(
      trx,
      ...split<Withdrawal>(work.changed.withdrawals, existing.withdrawals, (k) => book.withdrawals.get(k)!),
    );
    await saveDeposits(
      trx,
      ...split<Deposit>(work.changed.deposits, existing.deposits, (k) => book.deposits.get(k)!),
    );
  }
}
