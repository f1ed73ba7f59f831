/**
 * Refills of the hot wallet from cold. When the hot wallet falls below its floor the saga issues a
 * fresh address of our change chain (refill_addresses) and names it in the hot-wallet.refill-needed
 * alert. A person sends cold coins there, offline, and then declares the transfer through the operator
 * API: the saga checks it on the node (unspent, confirmed, paying an issued refill address) and takes it
 * into the hot wallet as a coin of source REFILL. Each declaration is recorded with the operator's name
 * (refills). No ledger entry: the coins move between the platform's own hot and cold holdings.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).createTable('refill_addresses', (table) => {
    table.text('address').primary();
    table.text('derivation_path').notNullable();
    table.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.withSchema(SCHEMA).createTable('refills', (table) => {
    table.text('txid').notNullable();
    table.integer('vout').notNullable();
    table.bigInteger('amount_koinu').notNullable();
    table.text('address').notNullable().references('address').inTable(`${SCHEMA}.refill_addresses`);
    table.text('declared_by').notNullable().comment('the operator who declared it');
    table.text('note').nullable();
    table.timestamp('declared_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['txid', 'vout']);
  });
  await knex.raw(
    `alter table ${SCHEMA}.refills add constraint refills_amount_positive check (amount_koinu > 0)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).dropTable('refills');
  await knex.schema.withSchema(SCHEMA).dropTable('refill_addresses');
}
