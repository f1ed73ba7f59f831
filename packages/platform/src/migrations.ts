// Migrations: each service keeps knex migrations (TypeScript, ESM) in services/<name>/migrations and
// runs them against its own schema. `createPlatformTables` is what every service's first migration
// calls: the outbox and inbox the event platform needs, inside that service's schema.
import type { Knex } from 'knex';

export const OUTBOX_TABLE = 'outbox';
export const INBOX_TABLE = 'inbox';
export const MIGRATIONS_TABLE = 'knex_migrations';

/** The LISTEN/NOTIFY channel the outbox trigger signals; one per schema because channels are per database. */
export function outboxChannel(schema: string): string {
  return `dbay_outbox_${schema}`;
}

export interface MigrationOptions {
  directory: string;
  schema: string;
}

/** Applies every pending migration; returns the names applied by this call. */
export async function runMigrations(knex: Knex, { directory, schema }: MigrationOptions): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({
    directory,
    schemaName: schema,
    tableName: MIGRATIONS_TABLE,
    loadExtensions: ['.ts'],
  })) as [number, string[]];
  await keepMigrationTablesToOwner(knex, schema);
  return applied;
}

/**
 * After migrating: knex's own tables (knex_migrations and its lock) are written by the migrations only.
 * The schema's default privileges give the service's role INSERT, UPDATE and DELETE on every table the
 * owner creates, these two included; with them a service could lock out the next migration or make its
 * own boot check pass on a schema it does not match. This takes every write on them back from every
 * role but the one migrating (SELECT stays: a service checks at boot that nothing is pending).
 */
export async function keepMigrationTablesToOwner(knex: Knex, schema: string): Promise<void> {
  const { rows } = await knex.raw<{ rows: { table_name: string; grantee: string }[] }>(
    `SELECT DISTINCT c.relname AS table_name, r.rolname AS grantee
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL aclexplode(c.relacl) AS acl
       JOIN pg_roles r ON r.oid = acl.grantee
      WHERE n.nspname = ? AND c.relname IN (?, ?)
        AND acl.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
        AND r.rolname <> current_user`,
    [schema, MIGRATIONS_TABLE, `${MIGRATIONS_TABLE}_lock`],
  );
  for (const { table_name: table, grantee } of rows) {
    await knex.raw('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ??.?? FROM ??', [schema, table, grantee]);
  }
}

/**
 * The names of the migrations in `directory` that are not applied to `schema` yet. A service checks this
 * at boot and refuses to run on a schema older than its code; it never migrates by itself (the one
 * migration policy: scripts/migrate.ts locally, the migrate Job in Kubernetes).
 */
export async function pendingMigrations(
  knex: Knex,
  { directory, schema }: MigrationOptions,
): Promise<string[]> {
  const [, pending] = (await knex.migrate.list({
    directory,
    schemaName: schema,
    tableName: MIGRATIONS_TABLE,
    loadExtensions: ['.ts'],
  })) as [unknown[], Array<{ file: string } | string>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : entry.file));
}

/**
 * Creates the outbox and inbox in `schema`.
 *
 * outbox: one row per event committed with a state change. `id` orders publication; `sent_at` marks
 * it published; `parked_at`/`last_error` hold a row the relay cannot encode (a producer bug), so it
 * waits for an operator instead of blocking every event behind it. A statement trigger NOTIFYs the
 * relay on commit (never on rollback), so publication does not wait for the next poll.
 *
 * inbox: the event ids each consumer has applied, written in the same transaction as the effect.
 */
export async function createPlatformTables(knex: Knex, schema: string): Promise<void> {
  await knex.schema.withSchema(schema).createTable(OUTBOX_TABLE, (table) => {
    table.bigIncrements('id').primary();
    table.uuid('event_id').notNullable().unique();
    table.text('topic').notNullable();
    table.text('message_key').notNullable();
    table.jsonb('payload').notNullable();
    table.text('correlation_id').notNullable();
    table.text('causation_id').nullable();
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.timestamp('sent_at', { useTz: true }).nullable();
    table.timestamp('parked_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
  });
  await knex.raw(`CREATE INDEX outbox_unsent_idx ON ??.?? (id) WHERE sent_at IS NULL AND parked_at IS NULL`, [
    schema,
    OUTBOX_TABLE,
  ]);
  await knex.raw(
    `CREATE FUNCTION ??.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('dbay_outbox_' || TG_TABLE_SCHEMA, '');
       RETURN NULL;
     END $$`,
    [schema],
  );
  await knex.raw(
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ??.?? FOR EACH STATEMENT EXECUTE FUNCTION ??.outbox_notify()`,
    [schema, OUTBOX_TABLE, schema],
  );

  await knex.schema.withSchema(schema).createTable(INBOX_TABLE, (table) => {
    table.text('consumer_name').notNullable();
    table.uuid('event_id').notNullable();
    table.text('topic').notNullable();
    table.integer('partition').notNullable();
    table.bigInteger('offset').notNullable();
    table.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['consumer_name', 'event_id']);
  });
}

/** The reverse of `createPlatformTables`, for a first migration's `down`. */
export async function dropPlatformTables(knex: Knex, schema: string): Promise<void> {
  await knex.schema.withSchema(schema).dropTableIfExists(INBOX_TABLE);
  await knex.schema.withSchema(schema).dropTableIfExists(OUTBOX_TABLE);
  await knex.raw('DROP FUNCTION IF EXISTS ??.outbox_notify()', [schema]);
}
