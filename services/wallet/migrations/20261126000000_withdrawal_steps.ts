// What the withdrawal saga reported about each withdrawal (withdrawal.step-recorded), so the user API can
// show the txid, the confirmation count and the timeline before the withdrawal is finalized. Not money:
// nothing here moves a balance, and the ledger never reads it.
//
// One row per (withdrawal, step, confirmation count): the unique constraint treats NULLs as equal
// (Postgres 15), so a step reported twice (two saga replicas tracking one transaction, a replay under a
// new event id) stays one row; the handler keeps its latest time. No foreign key to withdrawal_requests:
// the handler checks the withdrawal exists, and a key would make each insert lock the request row
// against the executor's FOR UPDATE, in message order rather than the executor's global order.
//
// The migrations run as the schema's owner role; the service role gets rows (SELECT, INSERT, UPDATE,
// DELETE) and the reconciler's read-only role SELECT, through the default privileges the stack sets on
// the schema.
import type { Knex } from 'knex';

const SCHEMA = 'wallet';

/** The symbols of the contract's WithdrawalReportedStep enum (schemas/withdrawal.step-recorded.avsc). */
const STEPS = [
  'HELD_FOR_REVIEW',
  'COOLING_DOWN',
  'APPROVED',
  'REJECTED',
  'WAITING_FOR_FUNDS',
  'SIGNING',
  'SIGNED',
  'BROADCAST',
  'CONFIRMATIONS',
  'CONFIRMED',
  'FAILED',
];

const list = (values: string[]): string => values.map((value) => `'${value}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`
    CREATE TABLE withdrawal_steps (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      withdrawal_id uuid NOT NULL,
      step text NOT NULL CHECK (step IN (${list(STEPS)})),
      confirmations integer CHECK (confirmations >= 0),
      txid text CHECK (txid ~ '^[0-9a-f]{64}$'),
      reason text,
      at timestamptz NOT NULL,
      source_event_id text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT withdrawal_steps_count_only_when_counting
        CHECK ((confirmations IS NOT NULL) = (step IN ('CONFIRMATIONS', 'CONFIRMED'))),
      CONSTRAINT withdrawal_steps_once UNIQUE NULLS NOT DISTINCT (withdrawal_id, step, confirmations)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw('DROP TABLE IF EXISTS withdrawal_steps');
}
