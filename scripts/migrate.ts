/**
 * Runs every service's knex migrations (services/<name>/migrations), connected as the owner role of the
 * service's schema (dbay_<schema>_owner), so that role owns every table and the service's own login role,
 * which only reads and writes rows, owns nothing (scripts/lib/parts.sh, docker/postgres-init.sql).
 * Called by `scripts/stack.sh up`, the compose `migrate` service and the Kubernetes migrate Job; safe to
 * run again (knex applies only what is new).
 *
 * Connection: DATABASE_URL_<SERVICE> (e.g. DATABASE_URL_DEPOSIT_WATCHER, the owner's credentials) when
 * set, as outside the local stack every role has a password; otherwise the local stack's trust-auth
 * Postgres at PGHOST, PGPORT, DBAY_DB_NAME (defaults of docs/CONVENTIONS.md) as the owner role. Optional
 * argument: the names of the services to migrate (default: all that have migration files).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knex, { type Knex } from 'knex';
import { keepMigrationTablesToOwner } from '@dbay/platform';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIGRATION_FILE = /\.(ts|js|mjs|cjs)$/;
const MIGRATION_TIMEOUT_MS = 60_000;

interface ServiceMigrations {
  service: string;
  schema: string;
  /** The schema's owner role, as the connection names it. */
  role: string;
  connection: string | Knex.PgConnectionConfig;
  directory: string;
}

/** DATABASE_URL_<SERVICE> if set, else the local stack's owner role without a password. */
function connectionOf(schema: string): { role: string; connection: string | Knex.PgConnectionConfig } {
  const url = process.env[`DATABASE_URL_${schema.toUpperCase()}`];
  if (url) return { role: decodeURIComponent(new URL(url).username), connection: url };
  const role = `dbay_${schema}_owner`;
  return {
    role,
    connection: {
      host: process.env.PGHOST ?? '127.0.0.1',
      port: Number(process.env.PGPORT ?? '5432'),
      database: process.env.DBAY_DB_NAME ?? 'dbay',
      user: role,
    },
  };
}

async function servicesWithMigrations(only: string[]): Promise<ServiceMigrations[]> {
  const servicesDir = path.join(repoRoot, 'services');
  const names = (await readdir(servicesDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => only.length === 0 || only.includes(name))
    .sort();
  const found: ServiceMigrations[] = [];
  for (const service of names) {
    const directory = path.join(servicesDir, service, 'migrations');
    const files = await readdir(directory).catch(() => [] as string[]);
    if (!files.some((file) => MIGRATION_FILE.test(file) && !file.endsWith('.d.ts'))) continue;
    const schema = service.replaceAll('-', '_');
    found.push({ service, schema, ...connectionOf(schema), directory });
  }
  return found;
}

async function migrate(target: ServiceMigrations): Promise<string[]> {
  const db = knex({
    client: 'pg',
    connection:
      typeof target.connection === 'string'
        ? { connectionString: target.connection, statement_timeout: MIGRATION_TIMEOUT_MS }
        : { ...target.connection, statement_timeout: MIGRATION_TIMEOUT_MS },
    searchPath: [target.schema],
    pool: { min: 0, max: 1 },
  });
  try {
    const [, applied] = (await db.migrate.latest({
      directory: target.directory,
      schemaName: target.schema,
      tableName: 'knex_migrations',
      loadExtensions: ['.ts', '.js', '.mjs', '.cjs'],
    })) as [number, string[]];
    await keepMigrationTablesToOwner(db, target.schema);
    return applied;
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const targets = await servicesWithMigrations(process.argv.slice(2));
  // Every service is tried, so one broken migration does not hide the state of the others.
  for (const target of targets) {
    try {
      const applied = await migrate(target);
      const what = applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`;
      console.log(
        `    migrations of ${target.service} (schema ${target.schema}, role ${target.role}): ${what}`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(
        `migrations of ${target.service} failed (${path.relative(repoRoot, target.directory)}): ${message}`,
      );
      process.exitCode = 1;
    }
  }
  if (targets.length === 0) console.log('    no service has migrations yet');
}

await main();
