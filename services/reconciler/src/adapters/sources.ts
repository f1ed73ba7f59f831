/**
 * The reconciler's reads, all through its read-only role. Per-user checks walk wallet_balances in
 * keyset chunks (user_id > last ORDER BY user_id LIMIT n) and ask Postgres for the aggregates of just
 * that chunk, so the process holds one chunk at a time whatever the ledger's size. Whole-ledger checks
 * return only the rows that break a rule and are streamed with a cursor.
 */
import type { Knex } from 'knex';
import { koinuFromDecimalColumn } from '@dbay/money';
import type { Bucket, BucketNets, WalletBalance } from '../domain/rules.js';

export interface SchemaNames {
  wallet: string;
  depositWatcher: string;
  withdrawalSaga: string;
}

const money = (value: string | null | undefined): bigint =>
  value == null ? 0n : koinuFromDecimalColumn(value);

/** The rows of a raw query, typed by the caller (pg returns numerics and bigints as strings). */
async function select<Row>(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[] = [],
): Promise<Row[]> {
  const result = await knex.raw<{ rows: Row[] }>(sql, bindings);
  return result.rows;
}

export interface UserChunk {
  wallets: WalletBalance[];
  nets: Map<string, BucketNets>;
  openEscrow: Map<string, bigint>;
  activeBids: Map<string, bigint>;
}

export interface ContinuityBreak {
  account: string;
  accountType: 'user' | 'platform-account';
  bucket: string;
  entryId: string;
  seq: string;
  previousBalance: bigint;
  debit: bigint;
  credit: bigint;
  balanceAfter: bigint;
}

export class WalletSource {
  constructor(
    private readonly knex: Knex,
    private readonly schemas: SchemaNames,
  ) {}

  /** Yields the wallets in user_id order, chunkSize at a time, with their aggregates. */
  async *userChunks(chunkSize: number): AsyncGenerator<UserChunk> {
    const w = this.schemas.wallet;
    let after: string | null = null;
    for (;;) {
      type BalanceRow = { user_id: string; available: string; locked: string; pending: string };
      const rows: BalanceRow[] = await select<BalanceRow>(
        this.knex,
        `SELECT user_id, available, locked, pending FROM ${w}.wallet_balances
         ${after === null ? '' : 'WHERE user_id > ?'} ORDER BY user_id LIMIT ?`,
        after === null ? [chunkSize] : [after, chunkSize],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.user_id;
      const ids = rows.map((row) => row.user_id);
      const wallets = rows.map((row) => ({
        userId: row.user_id,
        availableKoinu: money(row.available),
        lockedKoinu: money(row.locked),
        pendingKoinu: money(row.pending),
      }));
      type Total = { user_id: string; total: string };
      const [netRows, escrowRows, bidRows] = await Promise.all([
        select<{ user_id: string; bucket: Bucket; net: string }>(
          this.knex,
          `SELECT user_id, bucket, SUM(credit) - SUM(debit) AS net FROM ${w}.ledger_entries
           WHERE user_id = ANY(?::uuid[]) GROUP BY user_id, bucket`,
          [ids],
        ),
        select<Total>(
          this.knex,
          `SELECT buyer_id AS user_id, SUM(amount) AS total FROM ${w}.escrow
           WHERE buyer_id = ANY(?::uuid[]) AND status IN ('LOCKED', 'DISPUTED') GROUP BY buyer_id`,
          [ids],
        ),
        select<Total>(
          this.knex,
          `SELECT user_id, SUM(amount) AS total FROM ${w}.bid_locks
           WHERE user_id = ANY(?::uuid[]) AND status = 'ACTIVE' GROUP BY user_id`,
          [ids],
        ),
      ]);
      const nets = new Map<string, BucketNets>();
      for (const row of netRows) {
        const entry = nets.get(row.user_id) ?? {};
        entry[row.bucket] = money(row.net);
        nets.set(row.user_id, entry);
      }
      const totals = (rows: Total[]) => new Map(rows.map((row) => [row.user_id, money(row.total)]));
      yield { wallets, nets, openEscrow: totals(escrowRows), activeBids: totals(bidRows) };
    }
  }

  /**
   * Entries whose balance_after does not follow from the previous entry of the same account and
   * bucket (the first entry follows from zero), for users and platform accounts alike.
   */
  async *continuityBreaks(): AsyncGenerator<ContinuityBreak> {
    const sql = `
      SELECT account, account_type, bucket, id, seq, previous, debit, credit, balance_after FROM (
        SELECT COALESCE(user_id::text, platform_account) AS account,
               CASE WHEN user_id IS NULL THEN 'platform-account' ELSE 'user' END AS account_type,
               bucket, id, seq, debit, credit, balance_after,
               COALESCE(LAG(balance_after) OVER (PARTITION BY user_id, platform_account, bucket ORDER BY seq), 0) AS previous
        FROM ${this.schemas.wallet}.ledger_entries) chained
      WHERE previous + credit - debit <> balance_after
      ORDER BY account, bucket, seq`;
    for await (const row of this.knex.raw(sql).stream() as AsyncIterable<Record<string, string>>) {
      yield {
        account: row.account!,
        accountType: row.account_type as 'user' | 'platform-account',
        bucket: row.bucket!,
        entryId: row.id!,
        seq: row.seq!,
        previousBalance: money(row.previous),
        debit: money(row.debit),
        credit: money(row.credit),
        balanceAfter: money(row.balance_after),
      };
    }
  }

  /** Each platform account's balance column against the net of its entries. */
  async platformAccounts(): Promise<Array<{ code: string; balance: bigint; net: bigint }>> {
    const w = this.schemas.wallet;
    const rows = await select<{ code: string; balance: string; net: string }>(
      this.knex,
      `SELECT p.code, p.balance, COALESCE(SUM(e.credit) - SUM(e.debit), 0) AS net
       FROM ${w}.platform_accounts p LEFT JOIN ${w}.ledger_entries e ON e.platform_account = p.code
       GROUP BY p.code, p.balance ORDER BY p.code`,
    );
    return rows.map((row) => ({
      code: row.code,
      balance: money(row.balance),
      net: money(row.net),
    }));
  }

  /** Ledger transactions whose entries do not sum to zero (double entry broken). */
  async *unbalancedTransactions(): AsyncGenerator<{ transactionId: string; net: bigint }> {
    const sql = `SELECT transaction_id, SUM(credit) - SUM(debit) AS net FROM ${this.schemas.wallet}.ledger_entries
                 GROUP BY transaction_id HAVING SUM(credit) <> SUM(debit) ORDER BY transaction_id`;
    for await (const row of this.knex.raw(sql).stream() as AsyncIterable<{
      transaction_id: string;
      net: string;
    }>) {
      yield { transactionId: row.transaction_id, net: money(row.net) };
    }
  }

  /** Whole-book totals: every account's balance and every entry's net must each sum to zero. */
  async bookTotals(): Promise<{
    balances: bigint;
    entriesNet: bigint;
    entries: bigint;
    userLiabilities: bigint;
  }> {
    const w = this.schemas.wallet;
    const [row] = await select<{ users: string; platform: string; entries_net: string; entries: string }>(
      this.knex,
      `SELECT (SELECT COALESCE(SUM(available + locked + pending), 0) FROM ${w}.wallet_balances) AS users,
              (SELECT COALESCE(SUM(balance), 0) FROM ${w}.platform_accounts) AS platform,
              (SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM ${w}.ledger_entries) AS entries_net,
              (SELECT COUNT(*) FROM ${w}.ledger_entries) AS entries`,
    );
    if (!row) throw new Error('the book totals query returned no row');
    return {
      balances: money(row.users) + money(row.platform),
      entriesNet: money(row.entries_net),
      entries: BigInt(row.entries),
      userLiabilities: money(row.users),
    };
  }
}

export interface DepositMismatch {
  depositKey: string;
  watcherUserId: string | null;
  watcherAmount: bigint | null;
  creditedUserIds: string | null;
  credits: number;
  creditedAmount: bigint;
}

export interface WithdrawalMismatch {
  withdrawalId: string;
  sagaStatus: string | null;
  walletStatus: string | null;
  finalizations: number;
}

export interface HotWalletCoin {
  txid: string;
  vout: number;
  amountKoinu: bigint;
  status: string;
}

/** Reads across service schemas: the watcher's deposits, the saga's withdrawals and coins. */
export class CrossServiceSource {
  constructor(
    private readonly knex: Knex,
    private readonly schemas: SchemaNames,
  ) {}

  /**
   * Confirmed deposits against DEPOSIT credits in the wallet ledger: each confirmed deposit is
   * credited exactly once, for its amount, to its user; no credit lacks a confirmed deposit. Deposits
   * confirmed less than `graceSeconds` ago are left out (their event may still be in flight).
   */
  async *depositMismatches(graceSeconds: number): AsyncGenerator<DepositMismatch> {
    const { wallet: w, depositWatcher: d } = this.schemas;
    const sql = `
      WITH confirmed AS (
        SELECT txid || ':' || vout AS deposit_key, user_id, amount_koinu, confirmed_at
        FROM ${d}.deposits WHERE status = 'confirmed'),
      credits AS (
        SELECT reference_id AS deposit_key, COUNT(*) AS credits, SUM(credit) AS amount,
               MIN(user_id::text) AS first_user, MAX(user_id::text) AS last_user
        FROM ${w}.ledger_entries
        WHERE entry_type = 'DEPOSIT' AND user_id IS NOT NULL AND reference_type = 'tx'
        GROUP BY reference_id)
      SELECT COALESCE(confirmed.deposit_key, credits.deposit_key) AS deposit_key,
             confirmed.user_id AS watcher_user_id, confirmed.amount_koinu AS watcher_amount,
             CASE WHEN credits.first_user = credits.last_user THEN credits.first_user
                  ELSE credits.first_user || ',' || credits.last_user END AS user_ids,
             COALESCE(credits.credits, 0) AS credits, COALESCE(credits.amount, 0) AS credited_amount
      FROM confirmed FULL OUTER JOIN credits ON credits.deposit_key = confirmed.deposit_key
      WHERE (confirmed.deposit_key IS NULL
             OR credits.deposit_key IS NULL
             OR credits.credits <> 1
             OR credits.amount * 100000000 <> confirmed.amount_koinu
             OR credits.first_user <> confirmed.user_id OR credits.last_user <> confirmed.user_id)
        AND (confirmed.confirmed_at IS NULL OR confirmed.confirmed_at < now() - make_interval(secs => ?))
      ORDER BY 1`;
    const stream = this.knex.raw(sql, [graceSeconds]).stream() as AsyncIterable<
      Record<string, string | null>
    >;
    for await (const row of stream) {
      yield {
        depositKey: row.deposit_key!,
        watcherUserId: row.watcher_user_id ?? null,
        watcherAmount: row.watcher_amount == null ? null : BigInt(row.watcher_amount),
        creditedUserIds: row.user_ids ?? null,
        credits: Number(row.credits),
        creditedAmount: money(row.credited_amount),
      };
    }
  }

  /** How many confirmed deposits and withdrawals (past the grace period) the cross-service checks compare. */
  async crossServiceCounts(graceSeconds: number): Promise<{ deposits: number; withdrawals: number }> {
    const { depositWatcher: d, withdrawalSaga: s } = this.schemas;
    const [row] = await select<{ deposits: string; withdrawals: string }>(
      this.knex,
      `SELECT (SELECT COUNT(*) FROM ${d}.deposits
                WHERE status = 'confirmed' AND confirmed_at < now() - make_interval(secs => ?)) AS deposits,
              (SELECT COUNT(*) FROM ${s}.withdrawals
                WHERE status = 'CONFIRMED' AND status_changed_at < now() - make_interval(secs => ?)) AS withdrawals`,
      [graceSeconds, graceSeconds],
    );
    return { deposits: Number(row?.deposits ?? 0), withdrawals: Number(row?.withdrawals ?? 0) };
  }

  /**
   * Withdrawals the saga saw confirmed against the wallet's finalizations: each is FINALIZED once
   * (one WITHDRAWAL entry leaving the pending bucket), and nothing is finalized without a confirmation.
   */
  async *withdrawalMismatches(graceSeconds: number): AsyncGenerator<WithdrawalMismatch> {
    const { wallet: w, withdrawalSaga: s } = this.schemas;
    const sql = `
      WITH confirmed AS (
        SELECT withdrawal_id, status FROM ${s}.withdrawals
        WHERE status = 'CONFIRMED' AND status_changed_at < now() - make_interval(secs => ?)),
      finalized AS (
        SELECT r.id::text AS withdrawal_id, r.status,
               (SELECT COUNT(*) FROM ${w}.ledger_entries e
                 WHERE e.entry_type = 'WITHDRAWAL' AND e.reference_type = 'withdrawal'
                   AND e.reference_id = r.id::text AND e.bucket = 'PENDING') AS finalizations
        FROM ${w}.withdrawal_requests r WHERE r.status = 'FINALIZED'
           OR EXISTS (SELECT 1 FROM ${w}.ledger_entries e WHERE e.entry_type = 'WITHDRAWAL'
                        AND e.reference_type = 'withdrawal' AND e.reference_id = r.id::text))
      SELECT COALESCE(confirmed.withdrawal_id, finalized.withdrawal_id) AS withdrawal_id,
             confirmed.status AS saga_status, finalized.status AS wallet_status,
             COALESCE(finalized.finalizations, 0) AS finalizations
      FROM confirmed FULL OUTER JOIN finalized ON finalized.withdrawal_id = confirmed.withdrawal_id
      WHERE confirmed.withdrawal_id IS NULL OR finalized.withdrawal_id IS NULL
         OR finalized.finalizations <> 1 OR finalized.status <> 'FINALIZED'
      ORDER BY 1`;
    const stream = this.knex.raw(sql, [graceSeconds]).stream() as AsyncIterable<
      Record<string, string | null>
    >;
    for await (const row of stream) {
      yield {
        withdrawalId: row.withdrawal_id!,
        sagaStatus: row.saga_status ?? null,
        walletStatus: row.wallet_status ?? null,
        finalizations: Number(row.finalizations),
      };
    }
  }

  /**
   * Coins the saga holds as unspent: available, unconfirmed change, and coins reserved by a batch that
   * has not been broadcast. Coins of a broadcast batch are legitimately spent on the node already.
   */
  async *unspentCoins(): AsyncGenerator<HotWalletCoin> {
    const s = this.schemas.withdrawalSaga;
    const sql = `
      SELECT c.txid, c.vout, c.amount_koinu, c.status FROM ${s}.coins c
      LEFT JOIN ${s}.batches b ON b.batch_id = c.batch_id
      WHERE c.status IN ('AVAILABLE', 'UNCONFIRMED_CHANGE')
         OR (c.status = 'RESERVED' AND b.status IN ('AWAITING_SIGNATURE', 'SIGNED'))
      ORDER BY c.txid, c.vout`;
    for await (const row of this.knex.raw(sql).stream() as AsyncIterable<Record<string, string>>) {
      yield {
        txid: row.txid!,
        vout: Number(row.vout),
        amountKoinu: BigInt(row.amount_koinu!),
        status: row.status!,
      };
    }
  }

  /**
   * What users still see as pending for withdrawals whose coins already left the hot wallet (the
   * saga broadcast them; the wallet finalizes at 6 confirmations).
   */
  async inFlightWithdrawalsKoinu(): Promise<bigint> {
    const { wallet: w, withdrawalSaga: s } = this.schemas;
    const rows = await select<{ total: string }>(
      this.knex,
      `SELECT COALESCE(SUM(r.amount + r.network_fee), 0) AS total
       FROM ${w}.withdrawal_requests r JOIN ${s}.withdrawals sw ON sw.withdrawal_id = r.id::text
       WHERE r.status = 'REQUESTED' AND sw.status IN ('BROADCAST', 'CONFIRMED')`,
    );
    return money(rows[0]?.total);
  }
}
