/**
 * Cold storage. Batches may now have purpose SWEEP (no withdrawal, no bumped batch). A SWEEP batch moves hot-wallet coins above HOT_WALLET_CEILING_KOINU to the cold
 * account (its own xpub; its keys are never on a machine of the platform). Each cold output is
 * recorded in cold_coins when its sweep is broadcast, so the reconciler counts hot + cold coins on chain
 * against the users' liabilities. cold_index_seq hands out the cold account's receive indexes: a
 * rolled-back sweep skips one, none is reused.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table ${SCHEMA}.batches drop constraint batches_purpose_known`);
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_purpose_known check (
       (purpose in ('WITHDRAWALS', 'SWEEP') and bumps_batch_id is null) or (purpose = 'FEE_BUMP' and bumps_batch_id is not null))`,
  );
  await knex.schema.withSchema(SCHEMA).createTable('cold_coins', (table) => {
    table.text('txid').notNullable();
    table.integer('vout').notNullable();
    table.bigInteger('amount_koinu').notNullable();
    table.text('address').notNullable();
    table.integer('cold_index').notNullable().unique().comment("m/44'/3'/0'/0/<cold_index> of the cold xpub");
    table
      .uuid('batch_id')
      .notNullable()
      .references('batch_id')
      .inTable(`${SCHEMA}.batches`)
      .comment('the sweep that created it');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['txid', 'vout']);
  });
  await knex.raw(
    `alter table ${SCHEMA}.cold_coins add constraint cold_coins_amount_positive check (amount_koinu > 0)`,
  );
  await knex.raw(`create sequence ${SCHEMA}.cold_index_seq minvalue 0 start 0`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop sequence ${SCHEMA}.cold_index_seq`);
  await knex.schema.withSchema(SCHEMA).dropTable('cold_coins');
  // Refuses while a SWEEP batch exists: going back would need to forget it.
  await knex.raw(`alter table ${SCHEMA}.batches drop constraint batches_purpose_known`);
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_purpose_known check (
       (purpose = 'WITHDRAWALS' and bumps_batch_id is null) or (purpose = 'FEE_BUMP' and bumps_batch_id is not null))`,
  );
}
