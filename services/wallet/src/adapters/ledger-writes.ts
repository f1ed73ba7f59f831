/**
 * The SQL of a batch's writes, one statement per table, each added to the batch's WriteBatch (which
 * sends them all as one). Rows travel as one JSON array per table. Every INSERT names its columns, the
 * same list it reads from the JSON, so a column added to a table later cannot shift a value into the
 * wrong place. An INSERT of a row that may be created concurrently elsewhere uses ON CONFLICT DO
 * NOTHING and must write exactly its rows: a shortfall means another transaction won the race, and
 * the batch is retried on fresh state.
 */
import type { BidLock, Deposit, Escrow, PlatformAccount, Wallet, Withdrawal } from '../domain/index.js';
import type { LedgerEntryRecord, StoredCommand, RowChanges, Versioned } from '../use-cases/ports.js';
import { bidLockToRow, column, depositToRow, escrowToRow, withdrawalToRow } from './rows.js';
import type { WriteBatch } from './write-batch.js';

const json = (value: unknown): string => JSON.stringify(value);

/** Columns as `name type` pairs, listed once: the INSERT's column list and the JSON record type. */
class Columns {
  readonly names: string;
  readonly recordType: string;

  constructor(spec: Record<string, string>) {
    this.names = Object.keys(spec).join(', ');
    this.recordType = Object.entries(spec)
      .map(([name, type]) => `${name} ${type}`)
      .join(', ');
  }
}

/** Inserts rows that must not exist yet (ON CONFLICT DO NOTHING, then the count says if one did). */
function insertNew(batch: WriteBatch, table: string, columns: Columns, what: string, rows: unknown[]): void {
  batch.add({
    what,
    expected: rows.length,
    sql: `INSERT INTO ${table} (${columns.names})
     SELECT ${columns.names} FROM jsonb_to_recordset(?::jsonb) AS x(${columns.recordType})
     ON CONFLICT DO NOTHING`,
    bindings: [json(rows)],
  });
}

// ---- The idempotency store.

export function addCommandRecords(batch: WriteBatch, records: StoredCommand[]): void {
  batch.add({
    what: 'idempotency keys',
    expected: records.length,
    sql: `INSERT INTO commands (scope, idempotency_key, command_type, request_hash, outcome, response, command_id)
     SELECT scope, "idempotencyKey", "commandType", "requestHash", outcome, response, "commandId"
     FROM json_to_recordset(?::json) AS x(scope text, "idempotencyKey" text, "commandType" text,
       "requestHash" text, outcome text, response json, "commandId" uuid)
     ON CONFLICT (scope, idempotency_key) DO NOTHING`,
    bindings: [json(records)],
  });
}

// ---- Balances.

const WALLET_COLUMNS = new Columns({
  user_id: 'uuid',
  available: 'numeric',
  locked: 'numeric',
  pending: 'numeric',
  version: 'bigint',
});

const walletJson = (wallet: Wallet, previousVersion: number) => ({
  user_id: wallet.userId,
  available: column(wallet.availableKoinu),
  locked: column(wallet.lockedKoinu),
  pending: column(wallet.pendingKoinu),
  version: wallet.version,
  previous_version: previousVersion,
});

export function addNewWallets(batch: WriteBatch, wallets: Wallet[]): void {
  const sorted = [...wallets].sort((a, b) => (a.userId < b.userId ? -1 : 1));
  batch.add({
    what: 'new wallets',
    expected: sorted.length,
    sql: `INSERT INTO wallet_balances (${WALLET_COLUMNS.names})
     SELECT ${WALLET_COLUMNS.names} FROM jsonb_to_recordset(?::jsonb) AS x(${WALLET_COLUMNS.recordType})
     ON CONFLICT (user_id) DO NOTHING`,
    bindings: [json(sorted.map((wallet) => walletJson(wallet, 0)))],
  });
}

/** Writes the new balances; the version guard catches any writer that bypassed the row lock. */
export function addWalletUpdates(batch: WriteBatch, wallets: Versioned<Wallet>[]): void {
  batch.add({
    what: 'wallet versions',
    expected: wallets.length,
    sql: `UPDATE wallet_balances w
        SET available = x.available, locked = x.locked, pending = x.pending, version = x.version, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS x(${WALLET_COLUMNS.recordType}, previous_version bigint)
      WHERE w.user_id = x.user_id AND w.version = x.previous_version`,
    bindings: [json(wallets.map(({ value, previousVersion }) => walletJson(value, previousVersion)))],
  });
}

export function addPlatformAccountUpdates(batch: WriteBatch, accounts: Versioned<PlatformAccount>[]): void {
  batch.add({
    what: 'platform account versions',
    expected: accounts.length,
    sql: `UPDATE platform_accounts p SET balance = x.balance, version = x.version, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS x(code text, balance numeric, version bigint, previous_version bigint)
      WHERE p.code = x.code AND p.version = x.previous_version`,
    bindings: [
      json(
        accounts.map(({ value, previousVersion }) => ({
          code: value.code,
          balance: column(value.balanceKoinu),
          version: value.version,
          previous_version: previousVersion,
        })),
      ),
    ],
  });
}

// ---- The ledger: append only, so any count is what was asked.

const LEDGER_COLUMNS = new Columns({
  transaction_id: 'uuid',
  user_id: 'uuid',
  platform_account: 'text',
  bucket: 'text',
  entry_type: 'text',
  debit: 'numeric',
  credit: 'numeric',
  balance_after: 'numeric',
  reference_type: 'text',
  reference_id: 'text',
  idempotency_key: 'text',
});

export function addLedgerEntries(batch: WriteBatch, entries: LedgerEntryRecord[]): void {
  if (entries.length === 0) return;
  batch.add({
    what: 'ledger entries',
    expected: null,
    sql: `INSERT INTO ledger_entries (${LEDGER_COLUMNS.names})
     SELECT ${LEDGER_COLUMNS.names} FROM jsonb_to_recordset(?::jsonb) AS x(${LEDGER_COLUMNS.recordType})`,
    bindings: [
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
  });
}

// ---- Aggregates: new rows are inserted (and must not exist), known rows updated (they are locked).

const ESCROW_COLUMNS = new Columns({
  id: 'uuid',
  order_id: 'uuid',
  buyer_id: 'uuid',
  seller_id: 'uuid',
  amount: 'numeric',
  fee_amount: 'numeric',
  status: 'text',
  source: 'text',
  auction_id: 'uuid',
  dispute_reason: 'text',
  split_buyer_refund: 'numeric',
  split_seller_credit: 'numeric',
  split_fee: 'numeric',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
});

export function addEscrows(batch: WriteBatch, { created, updated }: RowChanges<Escrow>): void {
  insertNew(batch, 'escrow', ESCROW_COLUMNS, 'new escrows', created.map(escrowToRow));
  batch.add({
    what: 'escrow updates',
    expected: updated.length,
    sql: `UPDATE escrow e SET status = x.status, dispute_reason = x.dispute_reason,
            split_buyer_refund = x.split_buyer_refund, split_seller_credit = x.split_seller_credit,
            split_fee = x.split_fee, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${ESCROW_COLUMNS.recordType}) WHERE e.order_id = x.order_id`,
    bindings: [json(updated.map(escrowToRow))],
  });
}

const BID_LOCK_COLUMNS = new Columns({
  auction_id: 'uuid',
  user_id: 'uuid',
  amount: 'numeric',
  status: 'text',
  order_id: 'uuid',
  lock_command_id: 'uuid',
  updated_at: 'timestamptz',
});

export function addBidLocks(batch: WriteBatch, { created, updated }: RowChanges<BidLock>): void {
  insertNew(batch, 'bid_locks', BID_LOCK_COLUMNS, 'new bid locks', created.map(bidLockToRow));
  batch.add({
    what: 'bid lock updates',
    expected: updated.length,
    sql: `UPDATE bid_locks b SET amount = x.amount, status = x.status, order_id = x.order_id,
           lock_command_id = x.lock_command_id, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${BID_LOCK_COLUMNS.recordType})
      WHERE b.auction_id = x.auction_id AND b.user_id = x.user_id`,
    bindings: [json(updated.map(bidLockToRow))],
  });
}

const WITHDRAWAL_COLUMNS = new Columns({
  id: 'uuid',
  user_id: 'uuid',
  destination_address: 'text',
  amount: 'numeric',
  network_fee: 'numeric',
  status: 'text',
  txid: 'text',
  miner_fee_share: 'numeric',
  failure_code: 'text',
  failure_reason: 'text',
  requested_at: 'timestamptz',
  updated_at: 'timestamptz',
});

export function addWithdrawals(batch: WriteBatch, { created, updated }: RowChanges<Withdrawal>): void {
  insertNew(
    batch,
    'withdrawal_requests',
    WITHDRAWAL_COLUMNS,
    'new withdrawals',
    created.map(withdrawalToRow),
  );
  batch.add({
    what: 'withdrawal updates',
    expected: updated.length,
    sql: `UPDATE withdrawal_requests w SET status = x.status, txid = x.txid, miner_fee_share = x.miner_fee_share,
            failure_code = x.failure_code, failure_reason = x.failure_reason, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${WITHDRAWAL_COLUMNS.recordType}) WHERE w.id = x.id`,
    bindings: [json(updated.map(withdrawalToRow))],
  });
}

const DEPOSIT_COLUMNS = new Columns({
  txid: 'text',
  vout: 'integer',
  user_id: 'uuid',
  address: 'text',
  amount: 'numeric',
  confirmations: 'integer',
  block_hash: 'text',
  block_height: 'bigint',
  status: 'text',
  reversed_after_credit_at: 'timestamptz',
  reversal_reason: 'text',
  reversed_event_at: 'text',
  detected_at: 'timestamptz',
  credited_at: 'timestamptz',
  updated_at: 'timestamptz',
});

export function addDeposits(batch: WriteBatch, { created, updated }: RowChanges<Deposit>): void {
  insertNew(batch, 'deposits', DEPOSIT_COLUMNS, 'new deposits', created.map(depositToRow));
  batch.add({
    what: 'deposit updates',
    expected: updated.length,
    sql: `UPDATE deposits d SET user_id = x.user_id, address = x.address, amount = x.amount,
            confirmations = x.confirmations, block_hash = x.block_hash, block_height = x.block_height,
            status = x.status, reversed_after_credit_at = x.reversed_after_credit_at,
            reversal_reason = x.reversal_reason, reversed_event_at = x.reversed_event_at,
            detected_at = x.detected_at, credited_at = x.credited_at, updated_at = x.updated_at
       FROM jsonb_to_recordset(?::jsonb) AS x(${DEPOSIT_COLUMNS.recordType}) WHERE d.txid = x.txid AND d.vout = x.vout`,
    bindings: [json(updated.map(depositToRow))],
  });
}
