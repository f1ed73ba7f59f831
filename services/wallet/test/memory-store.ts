/**
 * An in-memory LedgerStore for the use case's unit tests: the tables as maps, reads that hand out
 * copies (as rows from SQL would be), and a write that applies a BatchWrite the way the SQL does,
 * including the version guard. It records every call, so a test can see what the use case asked for.
 */
import {
  PLATFORM_ACCOUNT_CODES,
  bidLockKey,
  depositKey,
  type BidLock,
  type Deposit,
  type Escrow,
  type PlatformAccount,
  type PlatformAccountCode,
  type Wallet,
  type Withdrawal,
} from '../src/domain/index.js';
import type {
  BatchWrite,
  CommandKey,
  LedgerEntryRecord,
  LedgerStore,
  OutgoingEvent,
  StoredCommand,
} from '../src/use-cases/ports.js';

const copy = <T>(value: T): T => structuredClone(value);
const commandKey = (key: CommandKey) => `${key.scope}/${key.idempotencyKey}`;

export class MemoryStore implements LedgerStore {
  readonly wallets = new Map<string, Wallet>();
  readonly platformAccounts = new Map<PlatformAccountCode, PlatformAccount>();
  readonly escrows = new Map<string, Escrow>();
  readonly bidLocks = new Map<string, BidLock>();
  readonly withdrawals = new Map<string, Withdrawal>();
  readonly deposits = new Map<string, Deposit>();
  /** deposit_addresses: address -> the user it was assigned to. */
  readonly depositAddresses = new Map<string, string>();
  readonly commands = new Map<string, StoredCommand>();
  readonly ledger: LedgerEntryRecord[] = [];
  readonly outbox: OutgoingEvent[] = [];
  /** Every call in order, with what it was asked for. */
  readonly calls: { method: keyof LedgerStore; argument: unknown }[] = [];
  readonly writes: BatchWrite[] = [];

  constructor(funds: Record<string, bigint> = {}) {
    for (const code of PLATFORM_ACCOUNT_CODES)
      this.platformAccounts.set(code, { code, balanceKoinu: 0n, version: 0 });
    for (const [userId, availableKoinu] of Object.entries(funds))
      this.wallets.set(userId, { userId, availableKoinu, lockedKoinu: 0n, pendingKoinu: 0n, version: 0 });
  }

  private read<K, T>(method: keyof LedgerStore, keys: K[], table: Map<string, T>, keyOf: (key: K) => string) {
    this.calls.push({ method, argument: keys });
    return Promise.resolve(
      keys.flatMap((key) => {
        const row = table.get(keyOf(key));
        return row === undefined ? [] : [copy(row)];
      }),
    );
  }

  findCommands(keys: CommandKey[]) {
    return this.read('findCommands', keys, this.commands, commandKey);
  }
  lockEscrows(orderIds: string[]) {
    return this.read('lockEscrows', orderIds, this.escrows, (id) => id);
  }
  lockBidLocks(keys: { auctionId: string; userId: string }[]) {
    return this.read('lockBidLocks', keys, this.bidLocks, (k) => bidLockKey(k.auctionId, k.userId));
  }
  lockWithdrawals(ids: string[]) {
    return this.read('lockWithdrawals', ids, this.withdrawals, (id) => id);
  }
  lockDeposits(keys: { txid: string; vout: number }[]) {
    return this.read('lockDeposits', keys, this.deposits, (k) => depositKey(k.txid, k.vout));
  }
  depositAddressOwners(addresses: string[]) {
    this.calls.push({ method: 'depositAddressOwners', argument: addresses });
    return Promise.resolve(
      addresses.flatMap((address) => {
        const userId = this.depositAddresses.get(address);
        return userId === undefined ? [] : [{ address, userId }];
      }),
    );
  }
  lockWallets(userIds: string[]) {
    return this.read('lockWallets', userIds, this.wallets, (id) => id);
  }
  lockPlatformAccounts(codes: PlatformAccountCode[]) {
    return this.read('lockPlatformAccounts', codes, this.platformAccounts, (code) => code);
  }

  write(batch: BatchWrite): Promise<void> {
    this.calls.push({ method: 'write', argument: batch });
    this.writes.push(batch);
    for (const wallet of batch.createdWallets) {
      if (this.wallets.has(wallet.userId)) throw new Error(`wallet ${wallet.userId} exists`);
      this.wallets.set(wallet.userId, copy(wallet));
    }
    for (const { value, previousVersion } of batch.updatedWallets) {
      if (this.wallets.get(value.userId)?.version !== previousVersion) throw new Error('version guard');
      this.wallets.set(value.userId, copy(value));
    }
    for (const { value, previousVersion } of batch.platformAccounts) {
      if (this.platformAccounts.get(value.code)?.version !== previousVersion)
        throw new Error('version guard');
      this.platformAccounts.set(value.code, copy(value));
    }
    this.ledger.push(...batch.ledgerEntries);
    const save = <T>(
      table: Map<string, T>,
      rows: { created: T[]; updated: T[] },
      keyOf: (row: T) => string,
    ) => {
      for (const row of rows.created) {
        if (table.has(keyOf(row))) throw new Error(`${keyOf(row)} exists`);
        table.set(keyOf(row), copy(row));
      }
      for (const row of rows.updated) {
        if (!table.has(keyOf(row))) throw new Error(`${keyOf(row)} is missing`);
        table.set(keyOf(row), copy(row));
      }
    };
    save(this.escrows, batch.escrows, (e) => e.orderId);
    save(this.bidLocks, batch.bidLocks, (b) => bidLockKey(b.auctionId, b.userId));
    save(this.withdrawals, batch.withdrawals, (w) => w.id);
    save(this.deposits, batch.deposits, (d) => depositKey(d.txid, d.vout));
    this.outbox.push(...batch.events);
    for (const record of batch.commands) this.commands.set(commandKey(record), copy(record));
    return Promise.resolve();
  }
}
