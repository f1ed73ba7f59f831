/**
 * What every repository module of the saga's schema shares: the table names, the connection type, and
 * the two conversions at the row boundary. Vocabulary columns (statuses, steps, codes) are text in
 * Postgres; `oneOf` turns them into the domain's closed unions once, and refuses loudly anything the
 * code does not know instead of letting it travel on as a string.
 */
import type { Knex } from 'knex';

export const SCHEMA = 'withdrawal_saga';

export const TABLES = {
  withdrawals: `${SCHEMA}.withdrawals`,
  steps: `${SCHEMA}.withdrawal_steps`,
  batches: `${SCHEMA}.batches`,
  coins: `${SCHEMA}.coins`,
  previousTransactions: `${SCHEMA}.previous_transactions`,
} as const;

/** A connection or a transaction: reads take either, writes take the caller's transaction. */
export type Db = Knex | Knex.Transaction;

/** `value` as a member of `vocabulary`; anything else in the column is a bug or a foreign write. */
export function oneOf<T extends string>(vocabulary: readonly T[], value: string, column: string): T {
  if (!(vocabulary as readonly string[]).includes(value))
    throw new Error(`unexpected ${column} in the ${SCHEMA} schema: ${value}`);
  return value as T;
}

/** JSON text for a jsonb column; bigint koinu become integer strings, as everywhere on the wire. */
export function jsonColumn(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'bigint' ? inner.toString() : inner,
  );
}
