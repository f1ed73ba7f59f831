// Proof-of-reserves snapshots (docs/reserves.md): the published root and total of each snapshot, the
// per-snapshot salt secret (never published: each user gets only their own salt, in their proof), every
// user's liability as the tree's leaves, the platform's coins on chain with their addresses, and the
// comparison of the total with those coins. Rows are written once, in one transaction per snapshot.
import type { Knex } from 'knex';

const SCHEMA = 'reconciler';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE ${SCHEMA}.reserve_snapshots (
      snapshot_id uuid PRIMARY KEY,
      created_at timestamptz NOT NULL,
      run_id uuid NOT NULL REFERENCES ${SCHEMA}.runs (run_id),
      root_hash text NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
      total_koinu bigint NOT NULL CHECK (total_koinu >= 0),
      users integer NOT NULL CHECK (users >= 0),
      salt_secret bytea NOT NULL CHECK (octet_length(salt_secret) = 32),
      chain_koinu bigint NOT NULL CHECK (chain_koinu >= 0),
      in_flight_koinu bigint NOT NULL CHECK (in_flight_koinu >= 0),
      covered boolean NOT NULL
    )`);
  await knex.raw(
    `CREATE INDEX reserve_snapshots_created_at ON ${SCHEMA}.reserve_snapshots (created_at DESC)`,
  );
  await knex.raw(`
    CREATE TABLE ${SCHEMA}.reserve_snapshot_liabilities (
      snapshot_id uuid NOT NULL REFERENCES ${SCHEMA}.reserve_snapshots (snapshot_id),
      user_id uuid NOT NULL,
      balance_koinu bigint NOT NULL CHECK (balance_koinu >= 0),
      PRIMARY KEY (snapshot_id, user_id)
    )`);
  await knex.raw(`
    CREATE TABLE ${SCHEMA}.reserve_snapshot_coins (
      snapshot_id uuid NOT NULL REFERENCES ${SCHEMA}.reserve_snapshots (snapshot_id),
      txid text NOT NULL,
      vout integer NOT NULL,
      address text,
      amount_koinu bigint NOT NULL CHECK (amount_koinu > 0),
      confirmations integer NOT NULL,
      PRIMARY KEY (snapshot_id, txid, vout)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE IF EXISTS ${SCHEMA}.reserve_snapshot_coins`);
  await knex.raw(`DROP TABLE IF EXISTS ${SCHEMA}.reserve_snapshot_liabilities`);
  await knex.raw(`DROP TABLE IF EXISTS ${SCHEMA}.reserve_snapshots`);
}
