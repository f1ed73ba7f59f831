/**
 * Child-pays-for-parent fee bumps. A bump is a batch of its own (purpose FEE_BUMP) that pays no
 * withdrawal: it spends the unconfirmed change of the stuck transaction (or of the previous bump) to a
 * fresh change address, with a fee that lifts the whole package's fee rate. bumps_batch_id names the
 * stuck withdrawals batch it pays for; broadcast_height is the tip when a batch was broadcast, from
 * which "stuck for N blocks" is counted. Batches broadcast before this migration have no height and
 * are never bumped.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).alterTable('batches', (table) => {
    table.text('purpose').notNullable().defaultTo('WITHDRAWALS').comment('WITHDRAWALS or FEE_BUMP');
    table
      .uuid('bumps_batch_id')
      .nullable()
      .references('batch_id')
      .inTable(`${SCHEMA}.batches`)
      .comment('FEE_BUMP: the stuck withdrawals batch whose package it pays for');
    table.bigInteger('broadcast_height').nullable().comment('the best chain height when it was broadcast');
    table.index(['bumps_batch_id'], 'batches_bumps_batch_idx');
  });
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_purpose_known check (
       (purpose = 'WITHDRAWALS' and bumps_batch_id is null) or (purpose = 'FEE_BUMP' and bumps_batch_id is not null))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table ${SCHEMA}.batches drop constraint batches_purpose_known`);
  await knex.schema.withSchema(SCHEMA).alterTable('batches', (table) => {
    table.dropIndex(['bumps_batch_id'], 'batches_bumps_batch_idx');
    table.dropColumn('broadcast_height');
    table.dropColumn('bumps_batch_id');
    table.dropColumn('purpose');
  });
}
