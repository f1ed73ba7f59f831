// The wallet's money tables: balances, platform accounts, the append-only ledger, escrow, bid locks,
// withdrawal requests, deposits, deposit addresses and the idempotency store. docs/wallet.md explains
// every rule written here; the CHECK constraints are the database's copy of the domain's invariants.
import type { Knex } from 'knex';

const SCHEMA = 'wallet';
const MONEY = 'numeric(20,8)';

/** The entry types this migration allowed; 20261207000000_cold_storage adds to them. */
export const ENTRY_TYPES = [
  'DEPOSIT',
  'WITHDRAWAL_HOLD',
  'WITHDRAWAL',
  'WITHDRAWAL_RELEASE',
  'NETWORK_FEE',
  'MINER_FEE',
  'BID_LOCK',
  'BID_UNLOCK',
  'ESCROW_LOCK',
  'ESCROW_RELEASE',
  'SALE',
  'FEE',
  'ESCROW_REFUND',
];

export const list = (values: readonly string[]): string => values.map((value) => `'${value}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`
    CREATE TABLE wallet_balances (
      user_id uuid PRIMARY KEY,
      available ${MONEY} NOT NULL DEFAULT 0 CONSTRAINT wallet_balances_available_non_negative CHECK (available >= 0),
      locked ${MONEY} NOT NULL DEFAULT 0 CONSTRAINT wallet_balances_locked_non_negative CHECK (locked >= 0),
      pending ${MONEY} NOT NULL DEFAULT 0 CONSTRAINT wallet_balances_pending_non_negative CHECK (pending >= 0),
      version bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

  await knex.raw(`
    CREATE TABLE platform_accounts (
      code text PRIMARY KEY CHECK (code IN ('CHAIN_CLEARING', 'MARKETPLACE_FEES', 'NETWORK_FEES')),
      balance ${MONEY} NOT NULL DEFAULT 0,
      version bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT platform_accounts_marketplace_fees_non_negative CHECK (code <> 'MARKETPLACE_FEES' OR balance >= 0)
    )`);
  await knex.raw(
    `INSERT INTO platform_accounts (code) VALUES ('CHAIN_CLEARING'), ('MARKETPLACE_FEES'), ('NETWORK_FEES')`,
  );

  await knex.raw(`
    CREATE TABLE ledger_entries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      transaction_id uuid NOT NULL,
      user_id uuid REFERENCES wallet_balances (user_id),
      platform_account text REFERENCES platform_accounts (code),
      bucket text NOT NULL CHECK (bucket IN ('AVAILABLE', 'LOCKED', 'PENDING', 'PLATFORM')),
      entry_type text NOT NULL CHECK (entry_type IN (${list(ENTRY_TYPES)})),
      debit ${MONEY} NOT NULL DEFAULT 0 CHECK (debit >= 0),
      credit ${MONEY} NOT NULL DEFAULT 0 CHECK (credit >= 0),
      balance_after ${MONEY} NOT NULL,
      reference_type text NOT NULL CHECK (reference_type IN ('order', 'auction', 'withdrawal', 'tx')),
      reference_id text NOT NULL,
      idempotency_key text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ledger_entries_one_side CHECK ((debit > 0) <> (credit > 0)),
      CONSTRAINT ledger_entries_one_account CHECK ((user_id IS NULL) <> (platform_account IS NULL)),
      CONSTRAINT ledger_entries_bucket_matches_account CHECK ((platform_account IS NULL) = (bucket <> 'PLATFORM')),
      CONSTRAINT ledger_entries_user_bucket_non_negative CHECK (user_id IS NULL OR balance_after >= 0)
    )`);
  await knex.raw(
    `CREATE INDEX ledger_entries_user_seq_idx ON ledger_entries (user_id, seq DESC) WHERE user_id IS NOT NULL`,
  );
  await knex.raw(`CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id)`);
  await knex.raw(
    `CREATE INDEX ledger_entries_platform_seq_idx ON ledger_entries (platform_account, seq) WHERE platform_account IS NOT NULL`,
  );

  // Append-only, twice over. The trigger stops UPDATE, DELETE and TRUNCATE for every role except a
  // superuser with session_replication_role = replica; the REVOKE takes the privileges away from the
  // migrating role and from the service role (which the schema's default privileges would give them).
  // The service role owns nothing, so it can neither GRANT them back nor DROP the trigger.
  await knex.raw(`
    CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger_entries is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege', HINT = 'Correct a ledger mistake with a compensating entry.';
    END $$`);
  await knex.raw(`
    CREATE TRIGGER ledger_entries_no_update_delete BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`);
  await knex.raw(`
    CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()`);
  await knex.raw(`REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries FROM PUBLIC`);
  await knex.raw(`
    DO $$
    BEGIN
      EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries FROM %I', current_user);
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbay_wallet') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries FROM dbay_wallet;
      END IF;
    END $$`);

  await knex.raw(`
    CREATE TABLE escrow (
      id uuid PRIMARY KEY,
      order_id uuid NOT NULL UNIQUE,
      buyer_id uuid NOT NULL REFERENCES wallet_balances (user_id),
      seller_id uuid NOT NULL,
      amount ${MONEY} NOT NULL CHECK (amount > 0),
      fee_amount ${MONEY} NOT NULL CHECK (fee_amount >= 0 AND fee_amount <= amount),
      status text NOT NULL CHECK (status IN ('LOCKED', 'RELEASED', 'REFUNDED', 'DISPUTED')),
      source text NOT NULL CHECK (source IN ('PAY_ORDER', 'BID')),
      auction_id uuid,
      dispute_reason text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CONSTRAINT escrow_buyer_is_not_seller CHECK (buyer_id <> seller_id)
    )`);
  await knex.raw(`CREATE INDEX escrow_buyer_idx ON escrow (buyer_id)`);

  await knex.raw(`
    CREATE TABLE bid_locks (
      auction_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES wallet_balances (user_id),
      amount ${MONEY} NOT NULL CHECK (amount > 0),
      status text NOT NULL CHECK (status IN ('ACTIVE', 'RELEASED', 'CONVERTED')),
      order_id uuid,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (auction_id, user_id)
    )`);

  await knex.raw(`
    CREATE TABLE withdrawal_requests (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES wallet_balances (user_id),
      destination_address text NOT NULL,
      amount ${MONEY} NOT NULL CHECK (amount > 0),
      network_fee ${MONEY} NOT NULL CHECK (network_fee >= 0),
      status text NOT NULL CHECK (status IN ('REQUESTED', 'FINALIZED', 'FAILED')),
      txid text,
      miner_fee_share ${MONEY} CHECK (miner_fee_share >= 0),
      failure_code text,
      failure_reason text,
      requested_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
  await knex.raw(
    `CREATE INDEX withdrawal_requests_user_idx ON withdrawal_requests (user_id, requested_at DESC)`,
  );

  await knex.raw(`
    CREATE TABLE deposits (
      txid text NOT NULL,
      vout integer NOT NULL CHECK (vout >= 0),
      user_id uuid NOT NULL,
      address text NOT NULL,
      amount ${MONEY} NOT NULL CHECK (amount > 0),
      confirmations integer NOT NULL CHECK (confirmations >= 0),
      block_hash text,
      block_height bigint,
      status text NOT NULL CHECK (status IN ('INCOMING', 'CREDITED', 'REVERSED')),
      reversed_after_credit_at timestamptz,
      reversal_reason text,
      reversed_event_at text,
      detected_at timestamptz NOT NULL,
      credited_at timestamptz,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (txid, vout),
      CONSTRAINT deposits_credited_has_time CHECK ((status = 'CREDITED') = (credited_at IS NOT NULL))
    )`);
  await knex.raw(`CREATE INDEX deposits_user_idx ON deposits (user_id, detected_at DESC)`);
  // The review queue for credited deposits that left the chain (no automatic claw-back).
  await knex.raw(`
    CREATE VIEW deposit_reviews AS
      SELECT txid, vout, user_id, address, amount, credited_at, reversed_after_credit_at, reversal_reason
      FROM deposits WHERE reversed_after_credit_at IS NOT NULL`);

  await knex.raw(
    `CREATE SEQUENCE deposit_address_index_seq AS bigint MINVALUE 0 MAXVALUE 2147483647 START 0 NO CYCLE`,
  );
  await knex.raw(`
    CREATE TABLE deposit_addresses (
      user_id uuid PRIMARY KEY,
      address_index bigint NOT NULL UNIQUE CHECK (address_index BETWEEN 0 AND 2147483647),
      address text NOT NULL UNIQUE,
      derivation_path text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

  await knex.raw(`
    CREATE TABLE commands (
      scope text NOT NULL,
      idempotency_key text NOT NULL,
      command_type text NOT NULL,
      request_hash text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('ACCEPTED', 'REJECTED')),
      -- json, not jsonb: a replay must return the first answer byte for byte, key order included.
      response json NOT NULL,
      command_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, idempotency_key)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  for (const statement of [
    'DROP TABLE IF EXISTS commands',
    'DROP TABLE IF EXISTS deposit_addresses',
    'DROP SEQUENCE IF EXISTS deposit_address_index_seq',
    'DROP VIEW IF EXISTS deposit_reviews',
    'DROP TABLE IF EXISTS deposits',
    'DROP TABLE IF EXISTS withdrawal_requests',
    'DROP TABLE IF EXISTS bid_locks',
    'DROP TABLE IF EXISTS escrow',
    'DROP TABLE IF EXISTS ledger_entries',
    'DROP FUNCTION IF EXISTS ledger_entries_append_only()',
    'DROP TABLE IF EXISTS platform_accounts',
    'DROP TABLE IF EXISTS wallet_balances',
  ]) {
    await knex.raw(statement);
  }
}
