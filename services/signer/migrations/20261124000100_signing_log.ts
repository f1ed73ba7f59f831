/**
 * The signing log: every transaction the signer signed (signings), the withdrawals each one pays
 * (signed_withdrawals, whose primary key is what makes "each withdrawal id is signed at most once"
 * hold even under concurrent requests), and every refusal. The log is append-only: UPDATE and DELETE
 * are blocked by triggers, because it is the evidence of what the key was used for and the base of
 * the rolling daily cap. Amounts are BIGINT koinu.
 */
import type { Knex } from 'knex';

const SCHEMA = 'signer';
const APPEND_ONLY_TABLES = ['signings', 'signed_withdrawals', 'refusals'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).createTable('signings', (table) => {
    table.bigIncrements('id').primary();
    table
      .text('request_id')
      .notNullable()
      .comment('the requestId of the signing request that was signed first');
    table
      .text('unsigned_tx_sha256')
      .notNullable()
      .unique()
      .comment('SHA-256 of the unsigned transaction in the PSBT');
    table.text('txid').notNullable().unique();
    table.text('raw_tx_hex').notNullable();
    table.bigInteger('fee_koinu').notNullable();
    table
      .bigInteger('outflow_koinu')
      .notNullable()
      .comment('withdrawals plus fee: counts toward the daily cap');
    table.integer('size_bytes').notNullable();
    table.integer('change_output_index').nullable();
    table.uuid('request_event_id').notNullable();
    table.text('correlation_id').notNullable();
    table.timestamp('signed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['signed_at'], 'signings_signed_at_idx');
  });
  await knex.raw(
    `ALTER TABLE ??.signings ADD CONSTRAINT signings_amounts_check CHECK (fee_koinu >= 0 AND outflow_koinu > fee_koinu AND size_bytes > 0)`,
    [SCHEMA],
  );

  await knex.schema.withSchema(SCHEMA).createTable('signed_withdrawals', (table) => {
    table.text('withdrawal_id').primary();
    table.bigInteger('signing_id').notNullable().references('id').inTable(`${SCHEMA}.signings`);
    table.text('destination_address').notNullable();
    table.bigInteger('amount_koinu').notNullable();
    table.index(['signing_id'], 'signed_withdrawals_signing_idx');
  });
  await knex.raw(
    `ALTER TABLE ??.signed_withdrawals ADD CONSTRAINT signed_withdrawals_amount_check CHECK (amount_koinu > 0)`,
    [SCHEMA],
  );

  await knex.schema.withSchema(SCHEMA).createTable('refusals', (table) => {
    table.bigIncrements('id').primary();
    table.text('request_id').notNullable();
    table.specificType('withdrawal_ids', 'text[]').notNullable();
    table.text('code').notNullable();
    table.text('reason').notNullable();
    table.uuid('request_event_id').notNullable();
    table.text('correlation_id').notNullable();
    table.timestamp('refused_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.raw(
    `CREATE FUNCTION ??.forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'the signing log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
     END $$`,
    [SCHEMA],
  );
  for (const table of APPEND_ONLY_TABLES) {
    await knex.raw(
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ??.?? FOR EACH STATEMENT EXECUTE FUNCTION ??.forbid_change()`,
      [SCHEMA, table, SCHEMA],
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['refusals', 'signed_withdrawals', 'signings']) {
    await knex.schema.withSchema(SCHEMA).dropTableIfExists(table);
  }
  await knex.raw('DROP FUNCTION IF EXISTS ??.forbid_change()', [SCHEMA]);
}
