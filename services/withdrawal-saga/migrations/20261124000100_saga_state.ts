/**
 * The saga's own state: withdrawals with their steps, batches (one hot-wallet transaction each), the
 * hot wallet's coins and the previous transactions the signer needs. Amounts are BIGINT koinu.
 * Statuses are CHECK-constrained text so a typo can never store a state the code does not know.
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

const WITHDRAWAL_STATUSES = [
  'HELD',
  'COOLING_DOWN',
  'APPROVED',
  'WAITING_FOR_FUNDS',
  'AWAITING_SIGNATURE',
  'SIGNED',
  'BROADCAST',
  'CONFIRMED',
  'FAILED',
];
const BATCH_STATUSES = [
  'AWAITING_SIGNATURE',
  'SIGNED',
  'BROADCAST',
  'CONFIRMED',
  'REFUSED',
  'CANCELLED',
  'DROPPED',
];
const COIN_STATUSES = ['UNCONFIRMED_CHANGE', 'AVAILABLE', 'RESERVED', 'SPENT', 'REVERSED'];

const inList = (column: string, values: string[]) =>
  `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).createTable('batches', (table) => {
    table.uuid('batch_id').primary();
    table.text('status').notNullable();
    table.text('psbt_base64').notNullable();
    table.jsonb('inputs').notNullable().comment('[{txid, vout, amountKoinu, derivationPath}] in input order');
    table
      .jsonb('outputs')
      .notNullable()
      .comment('[{scriptHex, amountKoinu, withdrawalId|null}] in output order; null = change');
    table.bigInteger('fee_koinu').notNullable();
    table.integer('estimated_size_bytes').notNullable();
    table.integer('change_index').nullable().unique();
    table.text('change_derivation_path').nullable();
    table.bigInteger('change_koinu').notNullable();
    table.text('raw_tx_hex').nullable();
    table.text('txid').nullable().unique();
    table.integer('signed_size_bytes').nullable();
    table.integer('broadcast_attempts').notNullable().defaultTo(0);
    table.text('last_broadcast_error').nullable();
    table.timestamp('broadcast_at', { useTz: true }).nullable();
    table.integer('confirmations').notNullable().defaultTo(0);
    table.text('block_hash').nullable();
    table.bigInteger('block_height').nullable();
    table.integer('drop_checks').notNullable().defaultTo(0);
    table.text('refusal_code').nullable();
    table.text('refusal_reason').nullable();
    table.text('correlation_id').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['status']);
  });
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_status_check check (${inList('status', BATCH_STATUSES)})`,
  );
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_signed_has_tx check (status in ('AWAITING_SIGNATURE', 'REFUSED', 'CANCELLED') or (raw_tx_hex is not null and txid is not null))`,
  );
  await knex.raw(
    `alter table ${SCHEMA}.batches add constraint batches_money_check check (fee_koinu > 0 and change_koinu >= 0)`,
  );

  await knex.schema.withSchema(SCHEMA).createTable('withdrawals', (table) => {
    table.text('withdrawal_id').primary();
    table.text('user_id').notNullable();
    table.text('destination_address').notNullable();
    table.text('destination_script_hex').notNullable();
    table.bigInteger('amount_koinu').notNullable();
    table.bigInteger('network_fee_koinu').notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.text('status').notNullable();
    table.timestamp('status_changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.text('fraud_outcome').notNullable();
    table.jsonb('fraud_reasons').notNullable();
    table.timestamp('approved_at', { useTz: true }).nullable();
    table.timestamp('release_at', { useTz: true }).nullable();
    table.text('reviewed_by').nullable();
    table.text('review_note').nullable();
    table
      .boolean('solo')
      .notNullable()
      .defaultTo(false)
      .comment('pay alone: a batch it was in was refused by the signer');
    table.uuid('batch_id').nullable().references('batch_id').inTable(`${SCHEMA}.batches`);
    table.bigInteger('miner_fee_share_koinu').nullable();
    table.text('failure_code').nullable();
    table.text('failure_reason').nullable();
    table.text('correlation_id').notNullable();
    table.text('requested_event_id').notNullable();
    table.index(['status', 'approved_at']);
    table.index(['user_id', 'requested_at']);
    table.index(['batch_id']);
  });
  await knex.raw(
    `alter table ${SCHEMA}.withdrawals add constraint withdrawals_status_check check (${inList('status', WITHDRAWAL_STATUSES)})`,
  );
  await knex.raw(
    `alter table ${SCHEMA}.withdrawals add constraint withdrawals_amount_check check (amount_koinu > 0 and network_fee_koinu >= 0)`,
  );

  await knex.schema.withSchema(SCHEMA).createTable('withdrawal_steps', (table) => {
    table.bigIncrements('step_id');
    table.text('withdrawal_id').notNullable().references('withdrawal_id').inTable(`${SCHEMA}.withdrawals`);
    table.text('step').notNullable();
    table.text('from_status').nullable();
    table.text('to_status').notNullable();
    table.jsonb('detail').notNullable().defaultTo('{}');
    table.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['withdrawal_id', 'step_id']);
  });

  await knex.schema.withSchema(SCHEMA).createTable('previous_transactions', (table) => {
    table.text('txid').primary();
    table.text('raw_hex').notNullable();
  });

  await knex.schema.withSchema(SCHEMA).createTable('coins', (table) => {
    table.text('txid').notNullable();
    table.integer('vout').notNullable();
    table.primary(['txid', 'vout']);
    table.bigInteger('amount_koinu').notNullable();
    table.text('address').notNullable();
    table.text('derivation_path').notNullable();
    table.text('source').notNullable().comment('DEPOSIT or CHANGE');
    table.text('status').notNullable();
    table.uuid('batch_id').nullable().comment('the batch that reserved or spent the coin');
    table
      .uuid('created_by_batch_id')
      .nullable()
      .comment('for change: the batch whose transaction created it');
    table.text('source_event_id').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['status']);
    table.index(['batch_id']);
  });
  await knex.raw(
    `alter table ${SCHEMA}.coins add constraint coins_status_check check (${inList('status', COIN_STATUSES)})`,
  );
  await knex.raw(`alter table ${SCHEMA}.coins add constraint coins_amount_check check (amount_koinu > 0)`);
  await knex.raw(
    `alter table ${SCHEMA}.coins add constraint coins_reserved_has_batch check (status not in ('RESERVED', 'SPENT') or batch_id is not null)`,
  );

  // Change indexes come from a sequence: a rolled-back transaction leaves a gap, never a reuse.
  await knex.raw(`create sequence ${SCHEMA}.change_index_seq minvalue 0 start with 0`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop sequence if exists ${SCHEMA}.change_index_seq`);
  for (const table of ['coins', 'previous_transactions', 'withdrawal_steps', 'withdrawals', 'batches']) {
    await knex.schema.withSchema(SCHEMA).dropTableIfExists(table);
  }
}
