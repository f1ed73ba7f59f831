// The reconciler's own records: one row per run and one per finding, so an operator can see the
// history of the proof and a finding can be followed up after the CronJob pod is gone.
import type { Knex } from 'knex';

const SCHEMA = 'reconciler';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE ${SCHEMA}.runs (
      run_id uuid PRIMARY KEY,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      status text NOT NULL CHECK (status IN ('RUNNING', 'CLEAN', 'DISCREPANCIES', 'FAILED')),
      findings integer NOT NULL DEFAULT 0,
      report jsonb
    )`);
  await knex.raw(`
    CREATE TABLE ${SCHEMA}.findings (
      run_id uuid NOT NULL REFERENCES ${SCHEMA}.runs (run_id),
      seq integer NOT NULL,
      check_name text NOT NULL,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      expected text NOT NULL,
      actual text NOT NULL,
      detail text NOT NULL,
      PRIMARY KEY (run_id, seq)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE IF EXISTS ${SCHEMA}.findings`);
  await knex.raw(`DROP TABLE IF EXISTS ${SCHEMA}.runs`);
}
