/**
 * Refill reports the saga could not take in yet. The deposit watcher reports a transfer to a refill
 * address once it is deep enough by its own count (DEPOSIT_CONFIRMATIONS, on its node); the saga checks
 * it again on its node against REQUIRED_CONFIRMATIONS. When the two disagree (a deeper setting here, or a
 * node behind the watcher's), the report used to be logged and dropped, so the coin sat at the refill
 * address unrecorded while the floor alarm kept asking for money. A refused report is now kept here and
 * checked again until the refill is recorded (by that check or an operator's declaration), which deletes
 * the row in the same transaction. The gauge dbay_withdrawal_saga_refill_reports_pending counts the rows.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).createTable('refill_reports_pending', (table) => {
    table.text('txid').notNullable();
    table.integer('vout').notNullable();
    table.text('reported_by').notNullable().comment('the service that reported the transfer');
    table.timestamp('reported_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('checked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.integer('checks').notNullable().defaultTo(1);
    table.text('code').notNullable().comment("the last check's refusal code");
    table.text('reason').notNullable();
    table.primary(['txid', 'vout']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).dropTable('refill_reports_pending');
}
