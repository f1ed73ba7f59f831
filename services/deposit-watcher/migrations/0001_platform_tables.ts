// The event platform's outbox and inbox in the deposit_watcher schema (see @dbay/platform).
import type { Knex } from 'knex';
import { createPlatformTables, dropPlatformTables } from '@dbay/platform';

const SCHEMA = 'deposit_watcher';

export async function up(knex: Knex): Promise<void> {
  await createPlatformTables(knex, SCHEMA);
}

export async function down(knex: Knex): Promise<void> {
  await dropPlatformTables(knex, SCHEMA);
}
