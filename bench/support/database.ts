/**
 * Throwaway databases on the stack's Postgres (the stack's `dbay` database is never touched): created
 * with one schema per service, each owned by that service's own login role and migrated by that role
 * with the service's own migrations, as scripts/migrate.ts does for the stack; dropped at the end. And
 * what the benchmarks put in them: funded wallets, seeded with set-based SQL, and the books' check.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createKnex, runMigrations } from '@dbay/platform';
import { formatDoge } from '@dbay/money';
import { REPO_ROOT, stackEndpoints, type ServiceName } from '@dbay/testing';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A one-connection pool for a benchmark's own statements. */
export function connect(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
}

/** Runs `work` on a pool of its own, closed afterwards however `work` ends. */
export async function onDatabase<T>(url: string, work: (db: Knex) => Promise<T>): Promise<T> {
  const db = connect(url);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export interface ThrowawayDatabaseSpec {
  /** dbay_bench_<something>_<random>: shown in the output, kept with BENCH_KEEP_DB=1. */
  name: string;
  /** The database's owner role (default: the admin user that creates it). */
  owner?: string;
  /** One schema per service, owned and migrated by the service's role, in this order. */
  services: readonly ServiceName[];
}

export class ThrowawayDatabase {
  private constructor(readonly name: string) {}

  /** Creates, adds the schemas and migrates them; drops what it made if any step fails. */
  static async create(spec: ThrowawayDatabaseSpec): Promise<ThrowawayDatabase> {
    const database = new ThrowawayDatabase(spec.name);
    await onDatabase(stackEndpoints().databaseAdminUrl, async (admin) => {
      if (spec.owner) await admin.raw('CREATE DATABASE ?? OWNER ??', [spec.name, spec.owner]);
      else await admin.raw('CREATE DATABASE ??', [spec.name]);
    });
    try {
      for (const service of spec.services) await database.addSchema(service);
    } catch (error) {
      await database.drop();
      throw error;
    }
    return database;
  }

  /** The superuser on this database: for checks that read more than one service's schema. */
  get adminUrl(): string {
    return withDatabase(stackEndpoints().databaseAdminUrl, this.name);
  }

  /** The service's own login role on this database (the stack's URL for it, pointed here). */
  urlOf(service: ServiceName): string {
    return withDatabase(stackEndpoints().services[service].databaseUrl, this.name);
  }

  async drop(): Promise<void> {
    await onDatabase(stackEndpoints().databaseAdminUrl, async (admin) => {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [this.name]);
    });
  }

  private async addSchema(service: ServiceName): Promise<void> {
    const { schema } = stackEndpoints().services[service];
    const url = this.urlOf(service);
    const role = decodeURIComponent(new URL(url).username);
    // What scripts/lib/parts.sh grants each role on the stack's database, whatever PUBLIC may do here.
    await onDatabase(this.adminUrl, async (admin) => {
      await admin.raw('GRANT CONNECT, TEMPORARY ON DATABASE ?? TO ??', [this.name, role]);
      await admin.raw('CREATE SCHEMA ?? AUTHORIZATION ??', [schema, role]);
    });
    const migrator = createKnex({ connectionString: url, schema, poolMax: 1 });
    try {
      await runMigrations(migrator, {
        directory: path.join(REPO_ROOT, 'services', service, 'migrations'),
        schema,
      });
    } finally {
      await migrator.destroy();
    }
  }
}

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
export async function seedFundedWallets(walletUrl: string, groups: readonly FundedWallets[]): Promise<void> {
  await onDatabase(walletUrl, async (db) => {
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
    await db.raw('ANALYZE wallet.wallet_balances, wallet.ledger_entries');
  });
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
