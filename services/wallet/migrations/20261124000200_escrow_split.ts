// A dispute may end in a split (docs/wallet.md, Commands): the escrow's new final status SPLIT, and the
// three parts it was divided into. The CHECK constraints are the database's copy of the domain's rule:
// the parts exist exactly when the status is SPLIT, the buyer's part is strictly between zero and the
// amount, and the three parts add up to the amount.
import type { Knex } from 'knex';

const SCHEMA = 'wallet';
const MONEY = 'numeric(20,8)';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  // The status CHECK was declared on the column in 20261124000100_ledger, so Postgres named it.
  await knex.raw(`ALTER TABLE escrow DROP CONSTRAINT escrow_status_check`);
  await knex.raw(`
    ALTER TABLE escrow
      ADD CONSTRAINT escrow_status_check
        CHECK (status IN ('LOCKED', 'RELEASED', 'REFUNDED', 'DISPUTED', 'SPLIT')),
      ADD COLUMN split_buyer_refund ${MONEY},
      ADD COLUMN split_seller_credit ${MONEY},
      ADD COLUMN split_fee ${MONEY},
      ADD CONSTRAINT escrow_split_parts CHECK (
        CASE WHEN status = 'SPLIT' THEN
          split_buyer_refund IS NOT NULL AND split_seller_credit IS NOT NULL AND split_fee IS NOT NULL
          AND split_buyer_refund > 0 AND split_buyer_refund < amount
          AND split_seller_credit >= 0 AND split_fee >= 0
          AND split_buyer_refund + split_seller_credit + split_fee = amount
        ELSE
          split_buyer_refund IS NULL AND split_seller_credit IS NULL AND split_fee IS NULL
        END)`);
}

/** Refused by the CHECK while any escrow is SPLIT: those rows would lose how they were divided. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL search_path TO ${SCHEMA}`);
  await knex.raw(`
    ALTER TABLE escrow
      DROP CONSTRAINT escrow_split_parts,
      DROP COLUMN split_buyer_refund,
      DROP COLUMN split_seller_credit,
      DROP COLUMN split_fee,
      DROP CONSTRAINT escrow_status_check,
      ADD CONSTRAINT escrow_status_check CHECK (status IN ('LOCKED', 'RELEASED', 'REFUNDED', 'DISPUTED'))`);
}
