/**
 * Sweeps to cold storage in the signing log: purpose SWEEP, which pays no withdrawal and names no
 * bumped transaction; like a bump, only its fee counts toward the daily cap (the coins stay the
 * platform's, in the cold account).
 */
import type { Knex } from 'knex';

const SCHEMA = 'signer';

const WITHOUT_SWEEPS = `fee_koinu >= 0 AND size_bytes > 0 AND purpose IN ('WITHDRAWALS', 'FEE_BUMP') AND (
  (purpose = 'WITHDRAWALS' AND outflow_koinu > fee_koinu AND bumped_txid IS NULL)
  OR (purpose = 'FEE_BUMP' AND outflow_koinu = fee_koinu AND fee_koinu > 0 AND bumped_txid IS NOT NULL))`;

const WITH_SWEEPS = `fee_koinu >= 0 AND size_bytes > 0 AND purpose IN ('WITHDRAWALS', 'FEE_BUMP', 'SWEEP') AND (
  (purpose = 'WITHDRAWALS' AND outflow_koinu > fee_koinu AND bumped_txid IS NULL)
  OR (purpose = 'FEE_BUMP' AND outflow_koinu = fee_koinu AND fee_koinu > 0 AND bumped_txid IS NOT NULL)
  OR (purpose = 'SWEEP' AND outflow_koinu = fee_koinu AND bumped_txid IS NULL))`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE ??.signings DROP CONSTRAINT signings_amounts_check`, [SCHEMA]);
  await knex.raw(`ALTER TABLE ??.signings ADD CONSTRAINT signings_amounts_check CHECK (${WITH_SWEEPS})`, [
    SCHEMA,
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE ??.signings DROP CONSTRAINT signings_amounts_check`, [SCHEMA]);
  await knex.raw(`ALTER TABLE ??.signings ADD CONSTRAINT signings_amounts_check CHECK (${WITHOUT_SWEEPS})`, [
    SCHEMA,
  ]);
}
