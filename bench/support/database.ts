/**
 * What the benchmarks put in their throwaway databases (@dbay/testing's ThrowawayDatabase): funded
 * wallets, seeded with set-based SQL, and the books' check.
 */
import { createHash } from 'node:crypto';
import { formatDoge } from '@dbay/money';
import { onDatabase, type ThrowawayDatabase } from '@dbay/testing';

/** The benchmarks' user ids: md5('<prefix>-<n>') as a uuid, the same here and in SQL. */
export function benchUserId(prefix: string, n: number): string {
  const hex = createHash('md5').update(`${prefix}-${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `count` wallets with ids benchUserId(prefix, 1..count), each holding `balanceKoinu` available. */
export interface FundedWallets {
  prefix: string;
  count: number;
  balanceKoinu: bigint;
}

/**
 * Wallets, their deposit entries and the clearing account's mirror, in a few set-based statements, as the
 * wallet's role on its schema. Balanced books: every user's entries sum to their balance, and the
 * CHAIN_CLEARING account holds minus the total. Call once per database.
 */
export async function seedFundedWallets(
  database: ThrowawayDatabase,
  groups: readonly FundedWallets[],
): Promise<void> {
  await onDatabase(database.urlOf('wallet'), async (db) => {
    await db.transaction(async (trx) => {
      await trx.raw('SET LOCAL search_path TO wallet');
      for (const { prefix, count, balanceKoinu } of groups) {
        await trx.raw(
          `INSERT INTO wallet_balances (user_id, available)
           SELECT md5(?::text || '-' || n)::uuid, ?::numeric FROM generate_series(1, ?::int) AS n`,
          [prefix, formatDoge(balanceKoinu), count],
        );
      }
      await trx.raw(
        `INSERT INTO ledger_entries (transaction_id, user_id, bucket, entry_type, credit, balance_after,
           reference_type, reference_id, idempotency_key)
         SELECT gen_random_uuid(), user_id, 'AVAILABLE', 'DEPOSIT', available, available, 'tx',
           'bench-seed:' || user_id, 'bench-seed:' || user_id
         FROM wallet_balances`,
      );
      await trx.raw(
        `INSERT INTO ledger_entries (transaction_id, platform_account, bucket, entry_type, debit, balance_after,
           reference_type, reference_id, idempotency_key)
         SELECT gen_random_uuid(), 'CHAIN_CLEARING', 'PLATFORM', 'DEPOSIT', SUM(available), -SUM(available), 'tx',
           'bench-seed', 'bench-seed:clearing'
         FROM wallet_balances`,
      );
      await trx.raw(
        `UPDATE platform_accounts SET balance = -(SELECT SUM(available) FROM wallet_balances), version = 1
         WHERE code = 'CHAIN_CLEARING'`,
      );
    });
  });
  // Statistics for the planner: ANALYZE is the tables' owner's (or a superuser's), not the service's.
  await onDatabase(database.adminUrl, (db) =>
    db.raw('ANALYZE wallet.wallet_balances, wallet.ledger_entries'),
  );
}

/** The wallet's books: every user's ledger equals their balance, nothing negative. */
export async function checkWalletBooks(walletUrl: string): Promise<string> {
  return onDatabase(walletUrl, async (db) => {
    const [check] = (
      await db.raw<{ rows: { escrows: string; unbalanced: string; negative: string }[] }>(
        `SELECT (SELECT COUNT(*) FROM wallet.escrow) AS escrows,
                (SELECT COUNT(*) FROM (SELECT user_id FROM wallet.ledger_entries WHERE user_id IS NOT NULL
                   GROUP BY user_id HAVING SUM(credit) - SUM(debit) <>
                   (SELECT available + locked + pending FROM wallet.wallet_balances w WHERE w.user_id = ledger_entries.user_id)) bad) AS unbalanced,
                (SELECT COUNT(*) FROM wallet.wallet_balances WHERE available < 0 OR locked < 0) AS negative`,
      )
    ).rows;
    return `${check?.escrows} escrows, ${check?.unbalanced} users whose ledger differs from their balance, ${check?.negative} negative balances`;
  });
}
