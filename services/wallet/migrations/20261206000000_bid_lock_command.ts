// A bid lock remembers which lock command last set its amount (a bid, or a leader's raise), so a
// release sent for an earlier bid of the same bidder cannot take the money a later raise now holds
// (docs/wallet.md, Bid locks). Locks written before this column are NULL: any release frees them.
import type { Knex } from 'knex';

const SCHEMA = 'wallet';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`ALTER TABLE bid_locks ADD COLUMN lock_command_id uuid`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`ALTER TABLE bid_locks DROP COLUMN lock_command_id`);
}
