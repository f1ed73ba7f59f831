// The event platform's outbox and inbox in the order schema (see @dbay/platform createPlatformTables).
import type { Knex } from 'knex';
import { createPlatformTables, dropPlatformTables } from '@dbay/platform';

const SCHEMA = 'order';

export async function up(knex: Knex): Promise<void> {
  await createPlatformTables(knex, SCHEMA);
}

export async function down(knex: Knex): Promise<void> {
  await dropPlatformTables(knex, SCHEMA);
}
