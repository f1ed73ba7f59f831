/**
 * The watch after withdrawal.confirmed. A CONFIRMED batch stays CONFIRMED (its withdrawals are final
 * and paid once), but the saga keeps looking at its transaction until it is REORG_WATCH_CONFIRMATIONS
 * deep (watch_ended_at). If a reorganisation takes it out of the chain, chain_exit says where it
 * stands (LEFT_CHAIN: sent again and waiting to be mined; CONFLICTED: an input is spent by another
 * transaction, a person must decide) until it is back at the confirmation depth; chain_exits counts
 * the times it left. Batches confirmed before this migration are watched too: the deep ones end their
 * watch on the first look.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).alterTable('batches', (table) => {
    table
      .timestamp('watch_ended_at', { useTz: true })
      .nullable()
      .comment('CONFIRMED batches only: when the transaction was buried deep enough to stop watching it');
    table
      .text('chain_exit')
      .nullable()
      .comment('LEFT_CHAIN or CONFLICTED while a confirmed transaction is out of the chain');
    table.timestamp('left_chain_at', { useTz: true }).nullable().comment('when it last left the chain');
    table
      .integer('chain_exits')
      .notNullable()
      .defaultTo(0)
      .comment('times a confirmed transaction left the chain');
  });
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_chain_exit_known check (
       chain_exit is null or (chain_exit in ('LEFT_CHAIN', 'CONFLICTED') and status = 'CONFIRMED'))`,
  );
  await knex.raw(
    `create index batches_reorg_watch on ${SCHEMA}.batches (block_height)
       where status = 'CONFIRMED' and watch_ended_at is null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${SCHEMA}.batches_reorg_watch`);
  await knex.raw(`alter table ${SCHEMA}.batches drop constraint batches_chain_exit_known`);
  await knex.schema.withSchema(SCHEMA).alterTable('batches', (table) => {
    table.dropColumn('chain_exits');
    table.dropColumn('left_chain_at');
    table.dropColumn('chain_exit');
    table.dropColumn('watch_ended_at');
  });
}
