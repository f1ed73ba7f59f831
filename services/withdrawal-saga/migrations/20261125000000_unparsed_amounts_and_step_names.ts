/**
 * Two corrections of what the saga records, both additive for the code already running.
 *
 * A request whose amounts did not parse used to be stored with a made-up amount of 1 koinu. Now its
 * koinu columns are null and the text the wallet sent is kept in amount_text and network_fee_text; a
 * constraint allows that only for a withdrawal FAILED with WITHDRAWAL_AMOUNT_INVALID, so every other
 * withdrawal still has both amounts. Rows written before keep their 1 koinu: their text is gone.
 *
 * The opening steps used to be named from the fraud outcome's text (FRAUD_APPROVE, FRAUD_HOLD,
 * FRAUD_COOL_DOWN, FRAUD_REJECT) against the domain's own step names; the stored ones are renamed. No
 * constraint on the step column yet: a process of the previous version may still write the old names
 * during a rolling deploy, and the reader maps those (src/adapters/db/steps.ts).
 */
import type { Knex } from 'knex';

const SCHEMA = 'withdrawal_saga';

const RENAMED_STEPS: [legacy: string, current: string][] = [
  ['FRAUD_APPROVE', 'FRAUD_APPROVED'],
  ['FRAUD_HOLD', 'FRAUD_HELD'],
  ['FRAUD_COOL_DOWN', 'FRAUD_COOLING_DOWN'],
  ['FRAUD_REJECT', 'FRAUD_REJECTED'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema(SCHEMA).alterTable('withdrawals', (table) => {
    table.setNullable('amount_koinu');
    table.setNullable('network_fee_koinu');
    table.text('amount_text').nullable().comment('the amount as sent, only when the amounts did not parse');
    table
      .text('network_fee_text')
      .nullable()
      .comment('the network fee as sent, only when the amounts did not parse');
  });
  await knex.raw(
    `alter table ${SCHEMA}.withdrawals add constraint withdrawals_amounts_known_or_refused check (
       (amount_koinu is not null and network_fee_koinu is not null and amount_text is null and network_fee_text is null)
       or (amount_koinu is null and network_fee_koinu is null and amount_text is not null and network_fee_text is not null
           and status = 'FAILED' and failure_code = 'WITHDRAWAL_AMOUNT_INVALID'))`,
  );
  for (const [legacy, current] of RENAMED_STEPS) {
    await knex(`${SCHEMA}.withdrawal_steps`).where({ step: legacy }).update({ step: current });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [legacy, current] of RENAMED_STEPS) {
    await knex(`${SCHEMA}.withdrawal_steps`).where({ step: current }).update({ step: legacy });
  }
  // Refuses while a refused request without amounts exists: going back would need an invented amount.
  await knex.raw(`alter table ${SCHEMA}.withdrawals drop constraint withdrawals_amounts_known_or_refused`);
  await knex.schema.withSchema(SCHEMA).alterTable('withdrawals', (table) => {
    table.dropColumn('network_fee_text');
    table.dropColumn('amount_text');
    table.dropNullable('network_fee_koinu');
    table.dropNullable('amount_koinu');
  });
}
