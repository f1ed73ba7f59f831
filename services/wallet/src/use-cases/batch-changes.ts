/**
 * What a batch will write, collected while its commands are decided one after another: the ledger
 * entries and events of each decision, the idempotency record of each new key, and which wallets,
 * platform accounts and aggregates changed. At the end it becomes one BatchWrite, so the whole batch
 * costs one write however many commands it holds.
 */
import {
  applyDecision,
  bidLockKey,
  depositKey,
  type Accepted,
  type AggregateChange,
  type Book,
  type DomainEvent,
  type PlatformAccountCode,
} from '../domain/index.js';
import type { LoadedBook } from './load-book.js';
import type {
  BatchWrite,
  CommandRequest,
  LedgerEntryRecord,
  StoredCommand,
  OutgoingEvent,
  RowChanges,
} from './ports.js';

export class BatchChanges {
  private readonly entries: LedgerEntryRecord[] = [];
  private readonly events: OutgoingEvent[] = [];
  private readonly records: StoredCommand[] = [];
  private readonly touchedWallets = new Set<string>();
  private readonly createdWallets = new Set<string>();
  private readonly touchedPlatform = new Set<PlatformAccountCode>();
  private readonly changed = {
    escrows: new Set<string>(),
    bidLocks: new Set<string>(),
    withdrawals: new Set<string>(),
    deposits: new Set<string>(),
  };

  constructor(private readonly loaded: LoadedBook) {}

  /** The in-memory book the batch's commands are decided against, with every earlier effect applied. */
  get book(): Book {
    return this.loaded.book;
  }

  /** Applies an accepted decision to the book (asserting the money rules) and keeps what it wrote. */
  accept(request: CommandRequest, decision: Accepted, commandId: string): void {
    const applied = applyDecision(this.loaded.book, decision);
    applied.entries.forEach((entry, index) =>
      this.entries.push({
        ...entry,
        transactionId: commandId,
        idempotencyKey: `${request.scope}/${request.idempotencyKey}#${index}`,
      }),
    );
    this.addEvents(request, applied.events);
    for (const userId of applied.touchedUserIds) this.touchedWallets.add(userId);
    for (const userId of applied.createdUserIds) this.createdWallets.add(userId);
    for (const posting of decision.postings)
      if (posting.account.kind === 'platform') this.touchedPlatform.add(posting.account.code);
    for (const change of applied.changes) this.markChanged(change);
  }

  /** The failure events a refused command answers with (escrow.lock-failed, ...). */
  refuse(request: CommandRequest, events: DomainEvent[]): void {
    this.addEvents(request, events);
  }

  record(record: StoredCommand): void {
    this.records.push(record);
  }

  toWrite(occurredAt: Date): BatchWrite {
    const { book, existing, walletVersions, platformVersions } = this.loaded;
    const wallet = (userId: string) => book.wallets.get(userId)!;
    return {
      createdWallets: [...this.createdWallets].map(wallet),
      updatedWallets: [...this.touchedWallets]
        .filter((userId) => !this.createdWallets.has(userId))
        .map((userId) => ({ value: wallet(userId), previousVersion: walletVersions.get(userId)! })),
      platformAccounts: [...this.touchedPlatform].map((code) => ({
        value: book.platformAccounts.get(code)!,
        previousVersion: platformVersions.get(code)!,
      })),
      ledgerEntries: this.entries,
      escrows: split(this.changed.escrows, existing.escrows, (key) => book.escrows.get(key)!),
      bidLocks: split(this.changed.bidLocks, existing.bidLocks, (key) => book.bidLocks.get(key)!),
      withdrawals: split(this.changed.withdrawals, existing.withdrawals, (key) => book.withdrawals.get(key)!),
      deposits: split(this.changed.deposits, existing.deposits, (key) => book.deposits.get(key)!),
      events: this.events,
      occurredAt,
      commands: this.records,
    };
  }

  private markChanged(change: AggregateChange): void {
    switch (change.kind) {
      case 'escrow':
        this.changed.escrows.add(change.value.orderId);
        return;
      case 'bidLock':
        this.changed.bidLocks.add(bidLockKey(change.value.auctionId, change.value.userId));
        return;
      case 'withdrawal':
        this.changed.withdrawals.add(change.value.id);
        return;
      case 'deposit':
        this.changed.deposits.add(depositKey(change.value.txid, change.value.vout));
        return;
      default: {
        const unknown: never = change;
        throw new Error(`unknown aggregate change ${JSON.stringify(unknown)}`);
      }
    }
  }

  private addEvents(request: CommandRequest, events: DomainEvent[]): void {
    for (const event of events)
      this.events.push({ ...event, correlationId: request.correlationId, causationId: request.causationId });
  }
}

/** Changed aggregates the database did not hold before the batch are created; the rest are updated. */
function split<T>(changed: Set<string>, existing: Set<string>, get: (key: string) => T): RowChanges<T> {
  return {
    created: [...changed].filter((key) => !existing.has(key)).map(get),
    updated: [...changed].filter((key) => existing.has(key)).map(get),
  };
}
