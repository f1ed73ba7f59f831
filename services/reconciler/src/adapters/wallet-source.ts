/**
 * The wallet's book, read through the reconciler's read-only role. Per-user checks walk
 * wallet_balances in keyset chunks (user_id > last ORDER BY user_id LIMIT n) and ask Postgres for the
 * aggregates of just that chunk, so the process holds one chunk at a time whatever the ledger's size.
 * Whole-ledger checks stream, through a cursor, only the rows that may break their rule.
 * Every money column of the wallet is NUMERIC(20,8) DOGE.
 */
import type { Knex } from 'knex';
import { koinuFromDecimalColumn as koinu } from '@dbay/money';
import type { Bucket, BucketNets } from '../domain/book.js';
import type { ChainedEntry } from '../domain/checks/balance-after-continuity.js';
import type { PlatformAccount } from '../domain/checks/platform-account-sum.js';
import type { TransactionNet } from '../domain/checks/transaction-balanced.js';
import type { UserChunk, WalletReads, WalletTotals } from '../ports.js';
import { count, quoted, select, stream } from './sql.js';

type BalanceRow = { user_id: string; available: string; locked: string; pending: string };
type TotalRow = { user_id: string; total: string };

export class WalletSource implements WalletReads {
  private readonly w: string;

  constructor(
    private readonly knex: Knex,
    walletSchema: string,
  ) {
    this.w = quoted(walletSchema);
  }

  async *userChunks(chunkSize: number): AsyncGenerator<UserChunk> {
    let after: string | null = null;
    for (;;) {
      const rows: BalanceRow[] = await select<BalanceRow>(
        this.knex,
        `SELECT user_id, available, locked, pending FROM ${this.w}.wallet_balances
         ${after === null ? '' : 'WHERE user_id > ?'} ORDER BY user_id LIMIT ?`,
        after === null ? [chunkSize] : [after, chunkSize],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.user_id;
      yield await this.chunkOf(rows);
    }
  }

  private async chunkOf(rows: BalanceRow[]): Promise<UserChunk> {
    const ids = rows.map((row) => row.user_id);
    const [netRows, escrowRows, bidRows] = await Promise.all([
      select<{ user_id: string; bucket: Bucket; net: string }>(
        this.knex,
        `SELECT user_id, bucket, SUM(credit) - SUM(debit) AS net FROM ${this.w}.ledger_entries
         WHERE user_id = ANY(?::uuid[]) GROUP BY user_id, bucket`,
        [ids],
      ),
      select<TotalRow>(
        this.knex,
        `SELECT buyer_id AS user_id, SUM(amount) AS total FROM ${this.w}.escrow
         WHERE buyer_id = ANY(?::uuid[]) AND status IN ('LOCKED', 'DISPUTED') GROUP BY buyer_id`,
        [ids],
      ),
      select<TotalRow>(
        this.knex,
        `SELECT user_id, SUM(amount) AS total FROM ${this.w}.bid_locks
         WHERE user_id = ANY(?::uuid[]) AND status = 'ACTIVE' GROUP BY user_id`,
        [ids],
      ),
    ]);
    const nets = new Map<string, BucketNets>();
    for (const row of netRows) {
      const entry = nets.get(row.user_id) ?? {};
      entry[row.bucket] = koinu(row.net);
      nets.set(row.user_id, entry);
    }
    const totals = (totalRows: TotalRow[]) =>
      new Map(totalRows.map((row) => [row.user_id, koinu(row.total)]));
    return {
      wallets: rows.map((row) => ({
        userId: row.user_id,
        availableKoinu: koinu(row.available),
        lockedKoinu: koinu(row.locked),
        pendingKoinu: koinu(row.pending),
      })),
      nets,
      openEscrowKoinu: totals(escrowRows),
      activeBidsKoinu: totals(bidRows),
    };
  }

  async *continuityCandidates(): AsyncGenerator<ChainedEntry> {
    const sql = `
      SELECT account, account_type, bucket, id, seq, previous, debit, credit, balance_after FROM (
        SELECT COALESCE(user_id::text, platform_account) AS account,
               CASE WHEN user_id IS NULL THEN 'platform-account' ELSE 'user' END AS account_type,
               bucket, id, seq, debit, credit, balance_after,
               COALESCE(LAG(balance_after) OVER (PARTITION BY user_id, platform_account, bucket ORDER BY seq), 0) AS previous
        FROM ${this.w}.ledger_entries) chained
      WHERE previous + credit - debit <> balance_after
      ORDER BY account, bucket, seq`;
    type Row = Record<
      | 'account'
      | 'account_type'
      | 'bucket'
      | 'id'
      | 'seq'
      | 'previous'
      | 'debit'
      | 'credit'
      | 'balance_after',
      string
    >;
    for await (const row of stream<Row>(this.knex, sql)) {
      yield {
        account: row.account,
        accountType: row.account_type === 'user' ? 'user' : 'platform-account',
        bucket: row.bucket,
        entryId: row.id,
        seq: row.seq,
        previousBalanceKoinu: koinu(row.previous),
        debitKoinu: koinu(row.debit),
        creditKoinu: koinu(row.credit),
        balanceAfterKoinu: koinu(row.balance_after),
      };
    }
  }

  async platformAccounts(): Promise<PlatformAccount[]> {
    const rows = await select<{ code: string; balance: string; net: string }>(
      this.knex,
      `SELECT p.code, p.balance, COALESCE(SUM(e.credit) - SUM(e.debit), 0) AS net
       FROM ${this.w}.platform_accounts p LEFT JOIN ${this.w}.ledger_entries e ON e.platform_account = p.code
       GROUP BY p.code, p.balance ORDER BY p.code`,
    );
    return rows.map((row) => ({
      code: row.code,
      balanceKoinu: koinu(row.balance),
      netKoinu: koinu(row.net),
    }));
  }

  async *unbalancedTransactions(): AsyncGenerator<TransactionNet> {
    const sql = `SELECT transaction_id, SUM(credit) - SUM(debit) AS net FROM ${this.w}.ledger_entries
                 GROUP BY transaction_id HAVING SUM(credit) <> SUM(debit) ORDER BY transaction_id`;
    for await (const row of stream<{ transaction_id: string; net: string }>(this.knex, sql)) {
      yield { transactionId: row.transaction_id, netKoinu: koinu(row.net) };
    }
  }

  async bookTotals(): Promise<WalletTotals> {
    const [row] = await select<{ users: string; platform: string; entries_net: string; entries: string }>(
      this.knex,
      `SELECT (SELECT COALESCE(SUM(available + locked + pending), 0) FROM ${this.w}.wallet_balances) AS users,
              (SELECT COALESCE(SUM(balance), 0) FROM ${this.w}.platform_accounts) AS platform,
              (SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM ${this.w}.ledger_entries) AS entries_net,
              (SELECT COUNT(*) FROM ${this.w}.ledger_entries) AS entries`,
    );
    if (!row) throw new Error('the book totals query returned no row');
    const userLiabilitiesKoinu = koinu(row.users);
    return {
      balancesKoinu: userLiabilitiesKoinu + koinu(row.platform),
      entriesNetKoinu: koinu(row.entries_net),
      entries: count(row.entries),
      userLiabilitiesKoinu,
    };
  }
}
