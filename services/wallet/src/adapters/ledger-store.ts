/**
 * The wallet's ledger tables as the command use case sees them inside one transaction (the
 * LedgerStore port): reads that row-lock, in the global lock order, and one write per batch. Rows
 * cross as one JSON array per statement, so a batch of a hundred commands costs about as many round
 * trips as a batch of one.
 */
import type { Knex } from 'knex';
import { isTransientDatabaseError } from '@dbay/platform';
import type {
  BidLock,
  Deposit,
  Escrow,
  PlatformAccount,
  PlatformAccountCode,
  Wallet,
  Withdrawal,
} from '../domain/index.js';
import type { BatchWrite, CommandKey, LedgerStore, StoredCommand } from '../use-cases/ports.js';
import {
  addBidLocks,
  addCommandRecords,
  addDeposits,
  addEscrows,
  addLedgerEntries,
  addNewWallets,
  addPlatformAccountUpdates,
  addWalletUpdates,
  addWithdrawals,
} from './ledger-writes.js';
import { addEvents } from './outbox-writer.js';
import {
  bidLockFromRow,
  depositFromRow,
  escrowFromRow,
  platformAccountFromRow,
  walletFromRow,
  withdrawalFromRow,
  type BidLockRow,
  type DepositRow,
  type EscrowRow,
  type PlatformAccountRow,
  type WalletRow,
  type WithdrawalRow,
} from './rows.js';
import { ConcurrentWriteError, WriteBatch } from './write-batch.js';

type Trx = Knex.Transaction;
const json = (value: unknown): string => JSON.stringify(value);

async function rows<T>(trx: Trx, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const result = await trx.raw<{ rows: T[] }>(sql, bindings as Knex.RawBinding[]);
  return result.rows;
}

/** The store of one transaction: the consumer's (Kafka) or one the executor opened (HTTP). */
export function ledgerStoreIn(trx: Trx): LedgerStore {
  return {
    findCommands: (keys) => findCommands(trx, keys),
    lockEscrows: (orderIds) => lockEscrows(trx, orderIds),
    lockBidLocks: (keys) => lockBidLocks(trx, keys),
    lockWithdrawals: (ids) => lockWithdrawals(trx, ids),
    lockDeposits: (keys) => lockDeposits(trx, keys),
    depositAddressOwners: (addresses) => depositAddressOwners(trx, addresses),
    lockWallets: (userIds) => lockWallets(trx, userIds),
    lockPlatformAccounts: (codes) => lockPlatformAccounts(trx, codes),
    write: (batch) => write(trx, batch),
  };
}

/**
 * Why a failed batch may succeed on fresh state: another transaction created or changed a row first
 * (a count off, or a unique violation: it committed the same key or row), or the database asked for a
 * retry (deadlock, serialization failure, a lost connection). Anything else would fail again.
 */
export function retryReasonOf(error: unknown): 'concurrent-write' | 'transient' | undefined {
  if (error instanceof ConcurrentWriteError) return 'concurrent-write';
  if ((error as { code?: unknown } | null)?.code === '23505') return 'transient';
  return isTransientDatabaseError(error) ? 'transient' : undefined;
}

/** Every write of the batch as ONE statement (see WriteBatch), each part's row count checked. */
async function write(trx: Trx, batch: BatchWrite): Promise<void> {
  const writes = new WriteBatch();
  addNewWallets(writes, batch.createdWallets);
  addWalletUpdates(writes, batch.updatedWallets);
  addPlatformAccountUpdates(writes, batch.platformAccounts);
  addLedgerEntries(writes, batch.ledgerEntries);
  addEscrows(writes, batch.escrows);
  addBidLocks(writes, batch.bidLocks);
  addWithdrawals(writes, batch.withdrawals);
  addDeposits(writes, batch.deposits);
  addEvents(writes, batch.events, batch.occurredAt);
  addCommandRecords(writes, batch.commands);
  await writes.run(trx);
}

// ---- Reads that lock, in the global lock order: escrows, bid locks, withdrawals, deposits, wallets,
// platform accounts; within a table by primary key. Every batch everywhere locks in this order, so
// two batches never wait on each other in a cycle.

async function lockEscrows(trx: Trx, orderIds: string[]): Promise<Escrow[]> {
  if (orderIds.length === 0) return [];
  const found = await rows<EscrowRow>(
    trx,
    `SELECT * FROM escrow WHERE order_id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY order_id FOR UPDATE`,
    [json(orderIds)],
  );
  return found.map(escrowFromRow);
}

async function lockBidLocks(trx: Trx, keys: { auctionId: string; userId: string }[]): Promise<BidLock[]> {
  if (keys.length === 0) return [];
  const found = await rows<BidLockRow>(
    trx,
    `SELECT b.* FROM bid_locks b
       JOIN jsonb_to_recordset(?::jsonb) AS k("auctionId" uuid, "userId" uuid)
         ON b.auction_id = k."auctionId" AND b.user_id = k."userId"
     ORDER BY b.auction_id, b.user_id FOR UPDATE OF b`,
    [json(keys)],
  );
  return found.map(bidLockFromRow);
}

async function lockWithdrawals(trx: Trx, ids: string[]): Promise<Withdrawal[]> {
  if (ids.length === 0) return [];
  const found = await rows<WithdrawalRow>(
    trx,
    `SELECT * FROM withdrawal_requests WHERE id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY id FOR UPDATE`,
    [json(ids)],
  );
  return found.map(withdrawalFromRow);
}

async function lockDeposits(trx: Trx, keys: { txid: string; vout: number }[]): Promise<Deposit[]> {
  if (keys.length === 0) return [];
  const found = await rows<DepositRow>(
    trx,
    `SELECT d.* FROM deposits d
       JOIN jsonb_to_recordset(?::jsonb) AS k(txid text, vout integer) ON d.txid = k.txid AND d.vout = k.vout
     ORDER BY d.txid, d.vout FOR UPDATE OF d`,
    [json(keys)],
  );
  return found.map(depositFromRow);
}

async function depositAddressOwners(
  trx: Trx,
  addresses: string[],
): Promise<{ address: string; userId: string }[]> {
  if (addresses.length === 0) return [];
  const found = await rows<{ address: string; user_id: string }>(
    trx,
    `SELECT address, user_id FROM deposit_addresses WHERE address = ANY(?::text[])`,
    [addresses],
  );
  return found.map((row) => ({ address: row.address, userId: row.user_id }));
}

async function lockWallets(trx: Trx, userIds: string[]): Promise<Wallet[]> {
  if (userIds.length === 0) return [];
  const found = await rows<WalletRow>(
    trx,
    `SELECT user_id, available, locked, pending, version FROM wallet_balances
     WHERE user_id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY user_id FOR UPDATE`,
    [json(userIds)],
  );
  return found.map(walletFromRow);
}

async function lockPlatformAccounts(trx: Trx, codes: PlatformAccountCode[]): Promise<PlatformAccount[]> {
  if (codes.length === 0) return [];
  const found = await rows<PlatformAccountRow>(
    trx,
    `SELECT code, balance, version FROM platform_accounts
     WHERE code IN (SELECT jsonb_array_elements_text(?::jsonb)) ORDER BY code FOR UPDATE`,
    [json(codes)],
  );
  return found.map(platformAccountFromRow);
}

// ---- The idempotency store.

async function findCommands(trx: Trx, keys: CommandKey[]): Promise<StoredCommand[]> {
  if (keys.length === 0) return [];
  const found = await rows<{
    scope: string;
    idempotency_key: string;
    command_type: string;
    request_hash: string;
    outcome: 'ACCEPTED' | 'REJECTED';
    response: unknown;
    command_id: string;
  }>(
    trx,
    `SELECT c.scope, c.idempotency_key, c.command_type, c.request_hash, c.outcome, c.response, c.command_id
       FROM commands c
       JOIN jsonb_to_recordset(?::jsonb) AS k(scope text, "idempotencyKey" text)
         ON c.scope = k.scope AND c.idempotency_key = k."idempotencyKey"`,
    [json(keys)],
  );
  return found.map((row) => ({
    scope: row.scope,
    idempotencyKey: row.idempotency_key,
    commandType: row.command_type,
    requestHash: row.request_hash,
    outcome: row.outcome,
    response: row.response,
    commandId: row.command_id,
  }));
}
