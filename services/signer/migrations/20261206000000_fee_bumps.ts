/**
 * Child-pays-for-parent bumps in the signing log. A bump pays no withdrawal, so its outflow is its fee
 * alone (the old check wanted more); `purpose` says which kind a signing is, and `bumped_txid` names
 * the transaction a bump pays for, unique: the signer bumps a transaction at most once, even when two
 * replicas decide at the same moment. The log stays append-only; these are additive columns.
 */
import type { Knex } from 'knex';

const SCHEMA = 'signer';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).alterTable('signings', (table) => {
    table.text('purpose').notNullable().defaultTo('WITHDRAWALS').comment('WITHDRAWALS or FEE_BUMP');
    table.text('bumped_txid').nullable().comment('FEE_BUMP: the unconfirmed transaction it pays for');
  });
  await knex.raw(`ALTER TABLE ??.signings DROP CONSTRAINT signings_amounts_check`, [SCHEMA]);
  await knex.raw(
    `ALTER TABLE ??.signings ADD CONSTRAINT signings_amounts_check CHECK (
       fee_koinu >= 0 AND size_bytes > 0 AND purpose IN ('WITHDRAWALS', 'FEE_BUMP') AND (
         (purpose = 'WITHDRAWALS' AND outflow_koinu > fee_koinu AND bumped_txid IS NULL)
         OR (purpose = 'FEE_BUMP' AND outflow_koinu = fee_koinu AND fee_koinu > 0 AND bumped_txid IS NOT NULL)))`,
    [SCHEMA],
  );
  await knex.raw(
    `CREATE UNIQUE INDEX signings_bumped_txid_key ON ??.signings (bumped_txid) WHERE bumped_txid IS NOT NULL`,
    [SCHEMA],
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX ??.signings_bumped_txid_key`, [SCHEMA]);
  await knex.raw(`ALTER TABLE ??.signings DROP CONSTRAINT signings_amounts_check`, [SCHEMA]);
  await knex.raw(
    `ALTER TABLE ??.signings ADD CONSTRAINT signings_amounts_check CHECK (fee_koinu >= 0 AND outflow_koinu > fee_koinu AND size_bytes > 0)`,
    [SCHEMA],
  );
  await knex.schema.withSchema(SCHEMA).alterTable('signings', (table) => {
    table.dropColumn('bumped_txid');
    table.dropColumn('purpose');
  });
}
