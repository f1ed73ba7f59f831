// The cold account in the books (docs/wallet.md, Platform accounts): COLD_STORAGE mirrors the coins the
// saga swept to the cold account, as CHAIN_CLEARING mirrors the hot wallet's; sweeps (SWEEP) and refills
// (REFILL) move custody between the two without touching any user's balance. The CHECKs were declared
// on their columns in 20261124000100_ledger, so Postgres named them.
import type { Knex } from 'knex';
import { ENTRY_TYPES, list } from './20261124000100_ledger.js';

const SCHEMA = 'wallet';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`
    ALTER TABLE platform_accounts
      DROP CONSTRAINT platform_accounts_code_check,
      ADD CONSTRAINT platform_accounts_code_check
        CHECK (code IN ('CHAIN_CLEARING', 'COLD_STORAGE', 'MARKETPLACE_FEES', 'NETWORK_FEES'))`);
  await knex.raw(`INSERT INTO platform_accounts (code) VALUES ('COLD_STORAGE')`);
  await knex.raw(`
    ALTER TABLE ledger_entries
      DROP CONSTRAINT ledger_entries_entry_type_check,
      ADD CONSTRAINT ledger_entries_entry_type_check
        CHECK (entry_type IN (${list([...ENTRY_TYPES, 'SWEEP', 'REFILL'])}))`);
}

/** Refused by the CHECKs once a sweep or refill was booked: those entries would lose their meaning. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`
    ALTER TABLE ledger_entries
      DROP CONSTRAINT ledger_entries_entry_type_check,
      ADD CONSTRAINT ledger_entries_entry_type_check CHECK (entry_type IN (${list(ENTRY_TYPES)}))`);
  await knex.raw(`DELETE FROM platform_accounts WHERE code = 'COLD_STORAGE' AND version = 0`);
  await knex.raw(`
    ALTER TABLE platform_accounts
      DROP CONSTRAINT platform_accounts_code_check,
      ADD CONSTRAINT platform_accounts_code_check
        CHECK (code IN ('CHAIN_CLEARING', 'MARKETPLACE_FEES', 'NETWORK_FEES'))`);
}
