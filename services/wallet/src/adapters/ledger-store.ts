/**
 * The wallet's SQL for one batch of commands: row-locking reads in the global lock order, and bulk
 * writes (one statement per table, the rows passed as one JSON array) so that a batch of a hundred
 * commands costs about as many round trips as a batch of one. Every bulk INSERT of a row that may be
 * created concurrently elsewhere uses ON CONFLICT DO NOTHING and checks the count: a shortfall means
 * another transaction won the race, and the batch is retried on fresh state (ConcurrentWriteError).
 */
import type { Knex } from 'knex';
import type {
  BidLock,
  Deposit,
  Escrow,
  LedgerEntryDraft,
  PlatformAccount,
  PlatformAccountCode,
  Wallet,
  Withdrawal,
} from '../domain/index.js';
import {
  bidLockFromRow,
  bidLockToRow,
  column,
  depositFromRow,
  depositToRow,
  escrowFromRow,
  escrowToRow,
  platformAccountFromRow,
  walletFromRow,
  withdrawalFromRow,
  withdrawalToRow,
  type BidLockRow,
  type DepositRow,
  type EscrowRow,
  type PlatformAccountRow,
  type WalletRow,
  type WithdrawalRow,
} from './rows.js';

/** Another transaction created or changed a row this batch expected to own: retry on fresh state. */
export class ConcurrentWriteError extends Error {
  constructor(what: string) {
    super(`concurrent write detected: ${what}`);
    this.name = 'ConcurrentWriteError';
  }
}

type Trx = Knex.Transaction;
const json = (value: unknown): string => JSON.stringify(value);

interface Statement {
  what: string;
  /** Rows it must write, or null when any count is fine. */
  expected: number | null;
  sql: string;
  bindings: readonly unknown[];
}

/**
 * The writes of one batch, collected and then sent as ONE statement: each write becomes a
 * data-modifying CTE (`WITH s0 AS (INSERT ... RETURNING 1), s1 AS (UPDATE ... RETURNING 1) ...`) and
 * the statement returns how many rows each wrote, checked as before. The writes touch different rows
 * (new aggregates are inserted, known ones updated, each once), so one snapshot serves them all, and
 * foreign keys are checked at the end of the statement. One round trip instead of one per table.
 */
export class WriteBatch {
  private readonly statements: Statement[] = [];

  add(statement: Statement): void {
    if (statement.expected === 0) return;
    this.statements.push(statement);
  }

  async run(trx: Trx): Promise<void> {
    const statements = this.statements.splice(0);
    if (statements.length === 0) return;
    const ctes = statements.map((statement, index) => `s${index} AS (${statement.sql} RETURNING 1)`);
    const counts = statements.map((_, index) => `(SELECT COUNT(*) FROM s${index})::int AS c${index}`);
    const [written] = await rows<Record<string, number>>(
      trx,
      `WITH ${ctes.join(',\n')}\nSELECT ${counts.join(', ')}`,
      statements.flatMap((statement) => statement.bindings),
    );
    statements.forEach((statement, index) => {
      const count = written?.[`c${index}`] ?? 0;
      if (statement.expected !== null && count !== statement.expected)
        throw new ConcurrentWriteError(`${statement.what}: wrote ${count} of ${statement.expected}`);
    });
  }
}

type Target = Trx | WriteBatch;

async function rows<T>(trx: Trx, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const result = await trx.raw<{ rows: T[] }>(sql, bindings as Knex.RawBinding[]);
  return result.rows;
}

async function rowCount(trx: Trx, sql: string, bindings: readonly unknown[]): Promise<number> {
  const result = await trx.raw<{ rowCount: number | null }>(sql, bindings as Knex.RawBinding[]);
  return result.rowCount ?? 0;
}

/** Runs a write now (a transaction) or adds it to a WriteBatch; either way the count is checked. */
async function expectCount(
  target: Target,
  expected: number | null,
  what: string,
  sql: string,
  bindings: readonly unknown[],
): Promise<void> {
  if (expected === 0) return;
  if (target instanceof WriteBatch) {
    target.add({ what, expected, sql, bindings });
    return;
  }
  const written = await rowCount(target, sql, bindings);
  if (expected !== null && written !== expected)
    throw new ConcurrentWriteError(`${what}: wrote ${written} of ${expected}`);
}

// ---- Reads that lock, in the global lock order: escrows, bid locks, withdrawals, deposits, wallets,
// platform accounts; within a table by primary key. Every batch everywhere locks in this order, so
// two batches never wait on each other in a cycle.

export async function lockEscrows(trx: Trx, orderIds: string[]): Promise<Escrow[]> {
  if (orderIds.length === 0) return [];
  const found = await rows<EscrowRow>(
    trx,
    `SELECT * FROM escrow WHERE order_id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY order_id FOR UPDATE`,
    [json(orderIds)],
  );
  return found.map(escrowFromRow);
}

export async function lockBidLocks(
  trx: Trx,
  keys: { auctionId: string; userId: string }[],
): Promise<BidLock[]> {
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

export async function lockWithdrawals(trx: Trx, ids: string[]): Promise<Withdrawal[]> {
  if (ids.length === 0) return [];
  const found = await rows<WithdrawalRow>(
    trx,
    `SELECT * FROM withdrawal_requests WHERE id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY id FOR UPDATE`,
    [json(ids)],
  );
  return found.map(withdrawalFromRow);
}

export async function lockDeposits(trx: Trx, keys: { txid: string; vout: number }[]): Promise<Deposit[]> {
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

export async function lockWallets(trx: Trx, userIds: string[]): Promise<Wallet[]> {
  if (userIds.length === 0) return [];
  const found = await rows<WalletRow>(
    trx,
    `SELECT user_id, available, locked, pending, version FROM wallet_balances
     WHERE user_id IN (SELECT jsonb_array_elements_text(?::jsonb)::uuid) ORDER BY user_id FOR UPDATE`,
    [json(userIds)],
  );
  return found.map(walletFromRow);
}

export async function lockPlatformAccounts(
  trx: Trx,
  codes: PlatformAccountCode[],
): Promise<PlatformAccount[]> {
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

export interface StoredCommand {
  scope: string;
  idempotencyKey: string;
  commandType: string;
  requestHash: string;
  outcome: 'ACCEPTED' | 'REJECTED';
  response: unknown;
}

export async function findCommands(
  trx: Trx | Knex,
  keys: { scope: string; idempotencyKey: string }[],
): Promise<StoredCommand[]> {
  if (keys.length === 0) return [];
  const found = await rows<{
    scope: string;
    idempotency_key: string;
    command_type: string;
    request_hash: string;
    outcome: 'ACCEPTED' | 'REJECTED';
    response: unknown;
  }>(
    trx as Trx,
    `SELECT c.scope, c.idempotency_key, c.command_type, c.request_hash, c.outcome, c.response FROM commands c
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
  }));
}

export interface NewCommandRecord extends StoredCommand {
  commandId: string;
}

export async function insertCommands(trx: Target, records: NewCommandRecord[]): Promise<void> {
  await expectCount(
    trx,
    records.length,
    'idempotency keys',
    `INSERT INTO commands (scope, idempotency_key, command_type, request_hash, outcome, response, command_id)
     SELECT scope, "idempotencyKey", "commandType", "requestHash", outcome, response, "commandId"
     FROM json_to_recordset(?::json) AS x(scope text, "idempotencyKey" text, "commandType" text,
       "requestHash" text, outcome text, response json, "commandId" uuid)
     ON CONFLICT (scope, idempotency_key) DO NOTHING`,
    [json(records)],
  );
}

// ---- Balances.

const walletJson = (wallet: Wallet, previousVersion: number) => ({
  user_id: wallet.userId,
  available: column(wallet.availableKoinu),
  locked: column(wallet.lockedKoinu),
  pending: column(wallet.pendingKoinu),
  version: wallet.version,
  previous_version: previousVersion,
});

export async function insertWallets(trx: Target, wallets: Wallet[]): Promise<void> {
  const sorted = [...wallets].sort((a, b) => (a.userId < b.userId ? -1 : 1));
  await expectCount(
    trx,
    sorted.length,
    'new wallets',
    `INSERT INTO wallet_balances (user_id, available, locked, pending, version)
     SELECT user_id, available, locked, pending, version
     FROM jsonb_to_recordset(?::jsonb) AS x(user_id uuid, available numeric, locked numeric, pending numeric, version bigint)
     ON CONFLICT (user_id) DO NOTHING`,
    [json(sorted.map((wallet) => walletJson(wallet, 0)))],
  );
}

/** Writes the new balances; the version guard catches any writer that bypassed the row lock. */
export async function updateWallets(
  trx: Target,
  wallets: { wallet: Wallet; previousVersion: number }[],
): Promise<void> {
  await expectCount(
    trx,
    wallets.length,
    'wallet versions',
    `UPDATE wallet_balances w
        SET available = x.available, locked = x.locked, pending = x.pending, version = x.version, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS x(user_id uuid, available numeric, locked numeric, pending numeric,
            version bigint, previous_version bigint)
      WHERE w.user_id = x.user_id AND w.version = x.previous_version`,
    [json(wallets.map(({ wallet, previousVersion }) => walletJson(wallet, previousVersion)))],
  );
}

export async function updatePlatformAccounts(
  trx: Target,
  accounts: { account: PlatformAccount; previousVersion: number }[],
): Promise<void> {
  await expectCount(
    trx,
    accounts.length,
    'platform account versions',
    `UPDATE platform_accounts p SET balance = x.balance, version = x.version, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS x(code text, balance numeric, version bigint, previous_version bigint)
      WHERE p.code = x.code AND p.version = x.previous_version`,
    [
      json(
        accounts.map(({ account, previousVersion }) => ({
          code: account.code,
          balance: column(account.balanceKoinu),
          version: account.version,
          previous_version: previousVersion,
        })),
      ),
    ],
  );
}

// ---- The ledger.

export interface LedgerEntryRecord extends LedgerEntryDraft {
  transactionId: string;
  idempotencyKey: string;
}

export async function insertLedgerEntries(trx: Target, entries: LedgerEntryRecord[]): Promise<void> {
  if (entries.length === 0) return;
  await expectCount(
    trx,
    null,
    'ledger entries',
    `INSERT INTO ledger_entries (transaction_id, user_id, platform_account, bucket, entry_type, debit, credit,
       balance_after, reference_type, reference_id, idempotency_key)
     SELECT transaction_id, user_id, platform_account, bucket, entry_type, debit, credit, balance_after,
       reference_type, reference_id, idempotency_key
     FROM jsonb_to_recordset(?::jsonb) AS x(transaction_id uuid, user_id uuid, platform_account text, bucket text,
       entry_type text, debit numeric, credit numeric, balance_after numeric, reference_type text,
       reference_id text, idempotency_key text)`,
    [
      json(
        entries.map((entry) => ({
          transaction_id: entry.transactionId,
          user_id: entry.userId,
          platform_account: entry.platformAccount,
          bucket: entry.bucket,
          entry_type: entry.entryType,
          debit: column(entry.debitKoinu),
          credit: column(entry.creditKoinu),
          balance_after: column(entry.balanceAfterKoinu),
          reference_type: entry.referenceType,
          reference_id: entry.referenceId,
          idempotency_key: entry.idempotencyKey,
        })),
      ),
    ],
  );
}

// ---- Aggregates: new rows are inserted (and must not exist), known rows updated (they are locked).

const ESCROW_COLUMNS = `id uuid, order_id uuid, buyer_id uuid, seller_id uuid, amount numeric, fee_amount numeric,
  status text, source text, auction_id uuid, dispute_reason text, created_at timestamptz, updated_at timestamptz`;

export async function saveEscrows(trx: Target, created: Escrow[], updated: Escrow[]): Promise<void> {
  await expectCount(
    trx,
    created.length,
    'new escrows',
    `INSERT INTO escrow SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(${ESCROW_COLUMNS}) ON CONFLICT DO NOTHING`,
    [json(created.map(escrowToRow))],
  );
  await expectCount(
    trx,
    updated.length,
    'escrow updates',
    `UPDATE escrow e SET status = x.status, dispute_reason = x.dispute_reason, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${ESCROW_COLUMNS}) WHERE e.order_id = x.order_id`,
    [json(updated.map(escrowToRow))],
  );
}

const BID_LOCK_COLUMNS = `auction_id uuid, user_id uuid, amount numeric, status text, order_id uuid, updated_at timestamptz`;

export async function saveBidLocks(trx: Target, created: BidLock[], updated: BidLock[]): Promise<void> {
  await expectCount(
    trx,
    created.length,
    'new bid locks',
    `INSERT INTO bid_locks SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(${BID_LOCK_COLUMNS}) ON CONFLICT DO NOTHING`,
    [json(created.map(bidLockToRow))],
  );
  await expectCount(
    trx,
    updated.length,
    'bid lock updates',
    `UPDATE bid_locks b SET amount = x.amount, status = x.status, order_id = x.order_id, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${BID_LOCK_COLUMNS})
      WHERE b.auction_id = x.auction_id AND b.user_id = x.user_id`,
    [json(updated.map(bidLockToRow))],
  );
}

const WITHDRAWAL_COLUMNS = `id uuid, user_id uuid, destination_address text, amount numeric, network_fee numeric,
  status text, txid text, miner_fee_share numeric, failure_code text, failure_reason text,
  requested_at timestamptz, updated_at timestamptz`;

export async function saveWithdrawals(
  trx: Target,
  created: Withdrawal[],
  updated: Withdrawal[],
): Promise<void> {
  await expectCount(
    trx,
    created.length,
    'new withdrawals',
    `INSERT INTO withdrawal_requests SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(${WITHDRAWAL_COLUMNS})
     ON CONFLICT DO NOTHING`,
    [json(created.map(withdrawalToRow))],
  );
  await expectCount(
    trx,
    updated.length,
    'withdrawal updates',
    `UPDATE withdrawal_requests w SET status = x.status, txid = x.txid, miner_fee_share = x.miner_fee_share,
            failure_code = x.failure_code, failure_reason = x.failure_reason, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${WITHDRAWAL_COLUMNS}) WHERE w.id = x.id`,
    [json(updated.map(withdrawalToRow))],
  );
}

const DEPOSIT_COLUMNS = `txid text, vout integer, user_id uuid, address text, amount numeric, confirmations integer,
  block_hash text, block_height bigint, status text, reversed_after_credit_at timestamptz, reversal_reason text,
  reversed_event_at text, detected_at timestamptz, credited_at timestamptz, updated_at timestamptz`;

export async function saveDeposits(trx: Target, created: Deposit[], updated: Deposit[]): Promise<void> {
  await expectCount(
    trx,
    created.length,
    'new deposits',
    `INSERT INTO deposits SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(${DEPOSIT_COLUMNS}) ON CONFLICT DO NOTHING`,
    [json(created.map(depositToRow))],
  );
  await expectCount(
    trx,
    updated.length,
    'deposit updates',
    `UPDATE deposits d SET user_id = x.user_id, address = x.address, amount = x.amount,
            confirmations = x.confirmations, block_hash = x.block_hash, block_height = x.block_height,
            status = x.status, reversed_after_credit_at = x.reversed_after_credit_at,
            reversal_reason = x.reversal_reason, reversed_event_at = x.reversed_event_at,
            detected_at = x.detected_at, credited_at = x.credited_at, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${DEPOSIT_COLUMNS}) WHERE d.txid = x.txid AND d.vout = x.vout`,
    [json(updated.map(depositToRow))],
  );
}
