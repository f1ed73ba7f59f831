// Auctions with bids backed by money the wallet has locked: the auction row (its leader, visible price,
// end and ending), every bid kept with its maximum, time, outcome and the state of its lock in the
// wallet, and the close timer beside the orders' timers.
import type { Knex } from 'knex';

const SCHEMA = 'order';

const AUCTION_STATUSES = ['OPEN', 'CLOSED', 'CANCELLED'];
const BID_OUTCOMES = ['PENDING', 'LEADING', 'OUTBID', 'REFUSED', 'WON', 'LOST', 'SUPERSEDED'];
const LOCK_STATES = [
  'NONE',
  'LOCKED',
  'RELEASE_REQUESTED',
  'RELEASED',
  'CONVERT_REQUESTED',
  'CONVERTED',
  'MERGED',
];
const TIMER_KINDS = ['SHIPPING_DEADLINE', 'AUTO_RELEASE', 'DISPUTE_FALLBACK', 'AUCTION_CLOSE'];

const inList = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  const schema = () => knex.schema.withSchema(SCHEMA);

  await schema().createTable('auctions', (table) => {
    table.uuid('id').primary();
    table.uuid('seller_id').notNullable();
    table.text('title').notNullable();
    table.text('description').notNullable();
    table.integer('shipping_days').notNullable();
    table.text('status').notNullable();
    table.bigInteger('start_price_koinu').notNullable();
    table.bigInteger('reserve_koinu').nullable();
    /** Offered at creation; kept for the record. */
    table.bigInteger('buy_now_offered_koinu').nullable();
    /** Still offered (null once a bid removed it). */
    table.bigInteger('buy_now_koinu').nullable();
    table.timestamp('ends_at', { useTz: true }).notNullable();
    table.uuid('leader_bid_id').nullable();
    table.uuid('leader_bidder_id').nullable();
    table.bigInteger('leader_max_koinu').nullable();
    table.timestamp('leader_placed_at', { useTz: true }).nullable();
    table.bigInteger('price_koinu').nullable();
    table.integer('bid_count').notNullable().defaultTo(0);
    table.boolean('reserve_met').notNullable().defaultTo(false);
    /** While a buy-it-now payment is pending: its order; bids wait until the wallet answers. */
    table.uuid('buy_now_order_id').nullable();
    table.text('ending_kind').nullable();
    table.text('ending_via').nullable();
    table.uuid('ending_buyer_id').nullable();
    table.bigInteger('ending_price_koinu').nullable();
    table.text('ending_reason').nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    /** The order of a sold auction. */
    table.uuid('order_id').nullable();
    table.integer('version').notNullable().defaultTo(1);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['seller_id', 'created_at']);
  });
  await knex.raw(`
    ALTER TABLE "${SCHEMA}".auctions
      ADD CONSTRAINT auctions_status_check CHECK (status IN (${inList(AUCTION_STATUSES)})),
      ADD CONSTRAINT auctions_start_positive CHECK (start_price_koinu > 0),
      ADD CONSTRAINT auctions_price_within_max CHECK (price_koinu IS NULL OR price_koinu <= leader_max_koinu),
      ADD CONSTRAINT auctions_leader_whole CHECK ((leader_bid_id IS NULL) = (leader_max_koinu IS NULL)),
      ADD CONSTRAINT auctions_shipping_days_range CHECK (shipping_days BETWEEN 1 AND 60)`);
  await knex.raw(
    `CREATE INDEX auctions_open_idx ON "${SCHEMA}".auctions (ends_at, id) WHERE status = 'OPEN'`,
  );

  await schema().createTable('bids', (table) => {
    table.uuid('id').primary();
    table.uuid('auction_id').notNullable().references('id').inTable(`${SCHEMA}.auctions`);
    table.uuid('bidder_id').notNullable();
    table.bigInteger('max_koinu').notNullable();
    table.text('outcome').notNullable();
    table.text('lock_state').notNullable();
    table.text('refusal_code').nullable();
    /** The visible price right after this bid was applied. */
    table.bigInteger('price_after_koinu').nullable();
    /** When the bid was applied (the database clock, under the auction's row lock). */
    table.timestamp('placed_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['auction_id', 'created_at']);
    table.index(['bidder_id', 'created_at']);
  });
  await knex.raw(`
    ALTER TABLE "${SCHEMA}".bids
      ADD CONSTRAINT bids_outcome_check CHECK (outcome IN (${inList(BID_OUTCOMES)})),
      ADD CONSTRAINT bids_lock_state_check CHECK (lock_state IN (${inList(LOCK_STATES)})),
      ADD CONSTRAINT bids_max_positive CHECK (max_koinu > 0)`);
  // One bid of a bidder on one auction in flight at a time: the wallet keeps one lock per bidder and
  // auction, so two bids racing would each read the other's lock.
  await knex.raw(
    `CREATE UNIQUE INDEX bids_one_pending ON "${SCHEMA}".bids (auction_id, bidder_id) WHERE outcome = 'PENDING'`,
  );
  await knex.raw(`CREATE INDEX bids_pending_idx ON "${SCHEMA}".bids (created_at) WHERE outcome = 'PENDING'`);

  await knex.raw(
    `ALTER TABLE "${SCHEMA}".timers ADD COLUMN auction_id uuid REFERENCES "${SCHEMA}".auctions (id)`,
  );
  await knex.raw(`ALTER TABLE "${SCHEMA}".timers DROP CONSTRAINT timers_kind_check`);
  await knex.raw(`
    ALTER TABLE "${SCHEMA}".timers
      ADD CONSTRAINT timers_kind_check CHECK (kind IN (${inList(TIMER_KINDS)})),
      ADD CONSTRAINT timers_one_subject CHECK ((order_id IS NULL) <> (auction_id IS NULL))`);
  await knex.raw(
    `CREATE UNIQUE INDEX timers_one_live_per_auction ON "${SCHEMA}".timers (auction_id, kind) WHERE fired_at IS NULL AND cancelled_at IS NULL AND auction_id IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS "${SCHEMA}".timers_one_live_per_auction`);
  await knex.raw(`ALTER TABLE "${SCHEMA}".timers DROP CONSTRAINT IF EXISTS timers_one_subject`);
  await knex.raw(`ALTER TABLE "${SCHEMA}".timers DROP CONSTRAINT IF EXISTS timers_kind_check`);
  await knex.raw(`ALTER TABLE "${SCHEMA}".timers DROP COLUMN IF EXISTS auction_id`);
  await knex.raw(
    `ALTER TABLE "${SCHEMA}".timers ADD CONSTRAINT timers_kind_check CHECK (kind IN ('SHIPPING_DEADLINE', 'AUTO_RELEASE', 'DISPUTE_FALLBACK'))`,
  );
  await knex.schema.withSchema(SCHEMA).dropTableIfExists('bids');
  await knex.schema.withSchema(SCHEMA).dropTableIfExists('auctions');
}
