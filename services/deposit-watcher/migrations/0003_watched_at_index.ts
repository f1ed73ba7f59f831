// The scanner keeps the watched public key hashes in memory and refreshes them before each block
// from the rows watched since its last refresh (WatchedHashes in adapters/db/watched-addresses.ts):
// that read is a range scan of watched_at.
import type { Knex } from 'knex';

const SCHEMA = 'deposit_watcher';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX watched_addresses_watched_at_idx ON ${SCHEMA}.watched_addresses (watched_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX ${SCHEMA}.watched_addresses_watched_at_idx`);
}
