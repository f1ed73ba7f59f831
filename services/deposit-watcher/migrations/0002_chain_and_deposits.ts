// The watcher's own state: the addresses it watches, the chain it has scanned (hash links, so a
// reorg is noticed), its scan cursor, and every deposit it has seen with where it is in its life.
// (A knex SchemaBuilder collects statements, so each table gets its own `knex.schema` builder.)
import type { Knex } from 'knex';

const SCHEMA = 'deposit_watcher';

export async function up(knex: Knex): Promise<void> {
  // Fed by deposit-address.assigned. pubkey_hash is what a P2PKH output script pays: matching a
  // block's outputs is one indexed lookup of their hashes, with no base58 per output.
  await knex.schema.withSchema(SCHEMA).createTable('watched_addresses', (table) => {
    table.text('address').primary();
    table.specificType('pubkey_hash', 'char(40)').notNullable().unique();
    table.text('user_id').notNullable();
    table.text('derivation_path').notNullable();
    table.bigInteger('address_index').notNullable();
    // The wallet's envelope.occurredAt: from then on a payment to the address can exist.
    table.timestamp('assigned_at', { useTz: true }).notNullable();
    table.timestamp('watched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // False until the scanner has looked for payments it may have scanned past before it knew the
    // address (see docs/deposit-watcher.md, "Addresses learned late").
    table.boolean('backfilled').notNullable().defaultTo(false);
    table.uuid('assigned_event_id').notNullable();
  });
  await knex.raw(
    `CREATE INDEX watched_addresses_backfill_idx ON ${SCHEMA}.watched_addresses (assigned_at) WHERE NOT backfilled`,
  );

  // Every scanned block of the best chain as the watcher last saw it.
  await knex.schema.withSchema(SCHEMA).createTable('chain_blocks', (table) => {
    table.bigInteger('height').primary();
    table.specificType('hash', 'char(64)').notNullable().unique();
    table.specificType('previous_hash', 'char(64)').nullable();
    table.timestamp('scanned_at', { useTz: true }).notNullable();
    table.integer('transaction_count').notNullable();
    table.index(['scanned_at'], 'chain_blocks_scanned_at_idx');
  });

  // One row: the stored tip. Locked FOR UPDATE by every scan step, so two watchers can never
  // interleave; tip_hash null means "nothing scanned yet, accept any parent for tip_height + 1".
  await knex.schema.withSchema(SCHEMA).createTable('chain_cursor', (table) => {
    table.smallint('id').primary();
    table.bigInteger('tip_height').notNullable();
    table.specificType('tip_hash', 'char(64)').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE ${SCHEMA}.chain_cursor ADD CONSTRAINT chain_cursor_singleton CHECK (id = 1)`);

  await knex.schema.withSchema(SCHEMA).createTable('deposits', (table) => {
    table.specificType('txid', 'char(64)').notNullable();
    table.integer('vout').notNullable();
    table.text('user_id').notNullable();
    table.text('address').notNullable().references('address').inTable(`${SCHEMA}.watched_addresses`);
    table.text('derivation_path').notNullable();
    table.bigInteger('amount_koinu').notNullable();
    table.text('status').notNullable();
    table.specificType('block_hash', 'char(64)').nullable();
    table.bigInteger('block_height').nullable();
    table.integer('confirmations').notNullable();
    table.text('raw_transaction_hex').notNullable();
    table.integer('missing_polls').notNullable().defaultTo(0);
    table.boolean('left_chain').notNullable().defaultTo(false);
    // Shared by every event of this deposit, so its whole story can be followed across services.
    table.uuid('correlation_id').notNullable();
    table.timestamp('detected_at', { useTz: true }).notNullable();
    table.timestamp('confirmed_at', { useTz: true }).nullable();
    table.timestamp('reversed_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['txid', 'vout']);
  });
  await knex.raw(`
    ALTER TABLE ${SCHEMA}.deposits
      ADD CONSTRAINT deposits_status_check CHECK (status IN ('pending', 'confirmed', 'reversed')),
      ADD CONSTRAINT deposits_amount_positive CHECK (amount_koinu > 0),
      ADD CONSTRAINT deposits_vout_check CHECK (vout >= 0),
      ADD CONSTRAINT deposits_block_pair CHECK ((block_hash IS NULL) = (block_height IS NULL)),
      ADD CONSTRAINT deposits_confirmations_check CHECK (confirmations >= 0),
      ADD CONSTRAINT deposits_reversed_out_of_chain CHECK (status <> 'reversed' OR block_hash IS NULL)`);
  // The deposits a scan step or a mempool poll touches: pending ones, and confirmed ones a reorg
  // took out of the chain. Never the settled history.
  await knex.raw(
    `CREATE INDEX deposits_open_idx ON ${SCHEMA}.deposits (block_height)
       WHERE status = 'pending' OR (status = 'confirmed' AND block_hash IS NULL)`,
  );
  await knex.raw(
    `CREATE INDEX deposits_block_height_idx ON ${SCHEMA}.deposits (block_height) WHERE block_height IS NOT NULL`,
  );
  await knex.raw(`CREATE INDEX deposits_user_idx ON ${SCHEMA}.deposits (user_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).dropTableIfExists('deposits');
  await knex.schema.withSchema(SCHEMA).dropTableIfExists('chain_cursor');
  await knex.schema.withSchema(SCHEMA).dropTableIfExists('chain_blocks');
  await knex.schema.withSchema(SCHEMA).dropTableIfExists('watched_addresses');
}
