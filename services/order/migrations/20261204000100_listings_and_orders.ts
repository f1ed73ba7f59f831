// The buy-it-now marketplace: fixed-price listings, orders with every transition in their history,
// durable timers, the idempotency store of the user and operator APIs, and the clock the service reads.
// Amounts are BIGINT koinu (never NUMERIC here: the order service does no arithmetic in SQL).
import type { Knex } from 'knex';

const SCHEMA = 'order';

const LISTING_STATUSES = ['OPEN', 'RESERVED', 'SOLD', 'WITHDRAWN'];
const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAYMENT_FAILED',
  'PAID',
  'SHIPPED',
  'DISPUTED',
  'RELEASING',
  'REFUNDING',
  'SPLITTING',
  'COMPLETED',
  'REFUNDED',
  'SPLIT',
];
const TIMER_KINDS = ['SHIPPING_DEADLINE', 'AUTO_RELEASE', 'DISPUTE_FALLBACK'];

const inList = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  // A fresh builder per statement: a SchemaBuilder accumulates, so reusing one would repeat earlier tables.
  const schema = () => knex.schema.withSchema(SCHEMA);

  await schema().createTable('listings', (table) => {
    table.uuid('id').primary();
    table.uuid('seller_id').notNullable();
    table.text('title').notNullable();
    table.text('description').notNullable();
    table.bigInteger('price_koinu').notNullable();
    table.integer('shipping_days').notNullable();
    table.text('status').notNullable();
    /** The order holding the listing while it is RESERVED (payment pending) or SOLD. */
    table.uuid('order_id').nullable();
    table.integer('version').notNullable().defaultTo(1);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['seller_id', 'created_at']);
  });
  await knex.raw(`
    ALTER TABLE "${SCHEMA}".listings
      ADD CONSTRAINT listings_status_check CHECK (status IN (${inList(LISTING_STATUSES)})),
      ADD CONSTRAINT listings_price_positive CHECK (price_koinu > 0),
      ADD CONSTRAINT listings_shipping_days_range CHECK (shipping_days BETWEEN 1 AND 60),
      ADD CONSTRAINT listings_order_when_taken CHECK ((status IN ('RESERVED', 'SOLD')) = (order_id IS NOT NULL))`);
  await knex.raw(
    `CREATE INDEX listings_open_idx ON "${SCHEMA}".listings (created_at DESC, id DESC) WHERE status = 'OPEN'`,
  );

  await schema().createTable('orders', (table) => {
    table.uuid('id').primary();
    table.uuid('listing_id').nullable();
    table.uuid('auction_id').nullable();
    table.uuid('buyer_id').notNullable();
    table.uuid('seller_id').notNullable();
    table.text('title').notNullable();
    table.bigInteger('amount_koinu').notNullable();
    table.bigInteger('fee_koinu').notNullable();
    table.text('status').notNullable();
    /** When the wallet confirmed the escrow (escrow.locked); release, refund and dispute wait for it. */
    table.timestamp('escrow_locked_at', { useTz: true }).nullable();
    /** When the wallet confirmed the freeze of a disputed escrow (escrow.disputed). */
    table.timestamp('escrow_frozen_at', { useTz: true }).nullable();
    table.integer('shipping_days').notNullable();
    table.text('tracking_note').nullable();
    table.text('dispute_reason').nullable();
    table.text('failure_code').nullable();
    table.text('failure_reason').nullable();
    table.text('resolution').nullable();
    table.text('resolved_by').nullable();
    table.bigInteger('buyer_refund_koinu').nullable();
    table.bigInteger('seller_credit_koinu').nullable();
    table.integer('version').notNullable().defaultTo(1);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['buyer_id', 'created_at']);
    table.index(['seller_id', 'created_at']);
  });
  await knex.raw(`
    ALTER TABLE "${SCHEMA}".orders
      ADD CONSTRAINT orders_status_check CHECK (status IN (${inList(ORDER_STATUSES)})),
      ADD CONSTRAINT orders_amount_positive CHECK (amount_koinu > 0),
      ADD CONSTRAINT orders_fee_within_amount CHECK (fee_koinu >= 0 AND fee_koinu <= amount_koinu),
      ADD CONSTRAINT orders_buyer_not_seller CHECK (buyer_id <> seller_id),
      ADD CONSTRAINT orders_one_source CHECK ((listing_id IS NULL) <> (auction_id IS NULL)),
      ADD CONSTRAINT orders_resolution_check CHECK (resolution IS NULL OR resolution IN ('RELEASE', 'REFUND', 'SPLIT'))`);
  // One order per auction, ever; a listing may have several (failed payments), but one at a time.
  await knex.raw(
    `CREATE UNIQUE INDEX orders_one_per_auction ON "${SCHEMA}".orders (auction_id) WHERE auction_id IS NOT NULL`,
  );
  await knex.raw(
    `CREATE INDEX orders_disputed_idx ON "${SCHEMA}".orders (updated_at) WHERE status = 'DISPUTED'`,
  );

  await schema().createTable('order_history', (table) => {
    table.bigIncrements('seq').primary();
    table.uuid('order_id').notNullable().references('id').inTable(`${SCHEMA}.orders`);
    table.text('from_status').nullable();
    table.text('to_status').notNullable();
    /** Why: BUYER_CONFIRMED_RECEIPT, AUTO_RELEASE, ESCROW_LOCK_FAILED, ... (domain/order.ts). */
    table.text('cause').notNullable();
    /** Who: user:<id>, operator:<name>, or system. */
    table.text('actor').notNullable();
    table.text('detail').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['order_id', 'seq']);
  });

  await schema().createTable('timers', (table) => {
    table.bigIncrements('id').primary();
    table.text('kind').notNullable();
    table.uuid('order_id').nullable().references('id').inTable(`${SCHEMA}.orders`);
    table.timestamp('due_at', { useTz: true }).notNullable();
    table.timestamp('fired_at', { useTz: true }).nullable();
    table.timestamp('cancelled_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw(`
    ALTER TABLE "${SCHEMA}".timers
      ADD CONSTRAINT timers_kind_check CHECK (kind IN (${inList(TIMER_KINDS)})),
      ADD CONSTRAINT timers_fired_or_cancelled CHECK (fired_at IS NULL OR cancelled_at IS NULL)`);
  await knex.raw(
    `CREATE INDEX timers_due_idx ON "${SCHEMA}".timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL`,
  );
  // At most one live timer of a kind per order: starting one twice is a bug, not a second deadline.
  await knex.raw(
    `CREATE UNIQUE INDEX timers_one_live_per_order ON "${SCHEMA}".timers (order_id, kind) WHERE fired_at IS NULL AND cancelled_at IS NULL`,
  );

  await schema().createTable('idempotency_keys', (table) => {
    table.text('scope').notNullable();
    table.text('key').notNullable();
    table.text('request_hash').notNullable();
    table.text('operation').notNullable();
    table.text('resource_id').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['scope', 'key']);
  });

  // The service's clock: the database's wall clock (never a replica's), plus an offset that only a
  // development stack can move (the test clock). Every time the service stores or compares comes from
  // order_now(), so two replicas agree and tests can make days pass in a second.
  await schema().createTable('clock_offset', (table) => {
    table.integer('id').primary();
    table.bigInteger('offset_ms').notNullable();
  });
  await knex.raw(
    `ALTER TABLE "${SCHEMA}".clock_offset ADD CONSTRAINT clock_offset_single_row CHECK (id = 1)`,
  );
  await knex(`${SCHEMA}.clock_offset`).insert({ id: 1, offset_ms: 0 });
  await knex.raw(`
    CREATE FUNCTION "${SCHEMA}".order_now() RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
      SELECT clock_timestamp() + make_interval(secs => (SELECT offset_ms FROM "${SCHEMA}".clock_offset WHERE id = 1) / 1000.0)
    $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP FUNCTION IF EXISTS "${SCHEMA}".order_now()`);
  for (const table of ['clock_offset', 'idempotency_keys', 'timers', 'order_history', 'orders', 'listings']) {
    await knex.schema.withSchema(SCHEMA).dropTableIfExists(table);
  }
}
