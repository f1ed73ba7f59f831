/**
 * Throwaway databases on the stack's Postgres (the stack's `dbay` database is never touched): created
 * with one schema per service, owned by the service's owner role (dbay_<schema>_owner) and migrated by
 * it with the service's own migrations, the service's own role getting rows only, as scripts/migrate.ts
 * and scripts/lib/parts.sh do for the stack; dropped at the end. For
 * benchmarks, and for tests that stand in for another service and so must not write into the stack's
 * books (the reconciler reads those).
 */
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createKnex, runMigrations } from '@dbay/platform';
import { REPO_ROOT, stackEndpoints, type ServiceName } from './stack-env.js';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A one-connection pool for a few statements of one's own. */
function connectOnce(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
}

/** Runs `work` on a pool of its own, closed afterwards however `work` ends. */
export async function onDatabase<T>(url: string, work: (db: Knex) => Promise<T>): Promise<T> {
  const db = connectOnce(url);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export interface ThrowawayDatabaseSpec {
  /** dbay_bench_<something>_<random> or dbay_test_<something>_<random>: unique to the run. */
  name: string;
  /** The database's owner role (default: the admin user that creates it). */
  owner?: string;
  /** One schema per service, owned and migrated by the service's role, in this order. */
  services: readonly ServiceName[];
  /**
   * Services whose role may read every other schema, as the stack grants the reconciler
   * (scripts/lib/parts.sh): USAGE and SELECT on all tables, once every schema is migrated.
   */
  readers?: readonly ServiceName[];
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
      for (const reader of spec.readers ?? []) await database.grantReads(reader, spec.services);
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

  /** The owner role of the service's schema (dbay_<schema>_owner), which runs its migrations. */
  ownerUrlOf(service: ServiceName): string {
    const url = new URL(this.urlOf(service));
    url.username = `${decodeURIComponent(url.username)}_owner`;
    return url.toString();
  }

  async drop(): Promise<void> {
    await onDatabase(stackEndpoints().databaseAdminUrl, async (admin) => {
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [this.name]);
    });
  }

  private async grantReads(reader: ServiceName, services: readonly ServiceName[]): Promise<void> {
    const role = decodeURIComponent(new URL(this.urlOf(reader)).username);
    await onDatabase(this.adminUrl, async (admin) => {
      for (const service of services.filter((each) => each !== reader)) {
        const { schema } = stackEndpoints().services[service];
        await admin.raw('GRANT USAGE ON SCHEMA ?? TO ??', [schema, role]);
        await admin.raw('GRANT SELECT ON ALL TABLES IN SCHEMA ?? TO ??', [schema, role]);
      }
    });
  }

  private async addSchema(service: ServiceName): Promise<void> {
    const { schema } = stackEndpoints().services[service];
    const role = decodeURIComponent(new URL(this.urlOf(service)).username);
    const ownerUrl = this.ownerUrlOf(service);
    const owner = decodeURIComponent(new URL(ownerUrl).username);
    // What scripts/lib/parts.sh sets up on the stack's database, whatever PUBLIC may do here: the owner
    // role owns the schema and migrates it; the service's role gets rows, not tables.
    await onDatabase(this.adminUrl, async (admin) => {
      await admin.raw('GRANT CONNECT, TEMPORARY ON DATABASE ?? TO ??', [this.name, role]);
      await admin.raw('GRANT CONNECT ON DATABASE ?? TO ??', [this.name, owner]);
      await admin.raw('CREATE SCHEMA ?? AUTHORIZATION ??', [schema, owner]);
      await admin.raw('GRANT USAGE ON SCHEMA ?? TO ??', [schema, role]);
      await admin.raw(
        'ALTER DEFAULT PRIVILEGES FOR ROLE ?? IN SCHEMA ?? GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ??',
        [owner, schema, role],
      );
      await admin.raw(
        'ALTER DEFAULT PRIVILEGES FOR ROLE ?? IN SCHEMA ?? GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ??',
        [owner, schema, role],
      );
    });
    const migrator = createKnex({ connectionString: ownerUrl, schema, poolMax: 1 });
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
