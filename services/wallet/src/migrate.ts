/**
 * Applies the wallet's migrations to DATABASE_URL (as the role in it, normally dbay_wallet, which owns
 * the schema). The stack runs the same migrations; this is for local databases and the benchmark.
 */
import { fileURLToPath } from 'node:url';
import { createKnex, runMigrations } from '@dbay/platform';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export async function migrateWallet(databaseUrl: string, schema = 'wallet'): Promise<string[]> {
  const knex = createKnex({ connectionString: databaseUrl, schema, poolMax: 1 });
  try {
    return await runMigrations(knex, { directory: MIGRATIONS_DIR, schema });
  } finally {
    await knex.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must be set');
  console.log(await migrateWallet(url));
}
