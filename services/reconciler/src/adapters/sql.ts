/**
 * The adapters' few SQL helpers. pg returns NUMERIC and BIGINT as strings; each source converts its
 * money columns once with @dbay/money: koinuFromDecimalColumn for a NUMERIC(20,8) column (DOGE),
 * koinuFromBigintColumn for a BIGINT one (koinu), as the owning service's migrations declare them.
 */
import type { Knex } from 'knex';

export interface SchemaNames {
  wallet: string;
  depositWatcher: string;
  withdrawalSaga: string;
  order: string;
}

/**
 * A schema name as an SQL identifier. The names are validated at boot as lower-case identifiers, but
 * one of them is `order`, a reserved word, so every schema is quoted.
 */
export const quoted = (schema: string): string => `"${schema}"`;

/** The rows of a raw query, typed by the caller. */
export async function select<Row>(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[] = [],
): Promise<Row[]> {
  const result = await knex.raw<{ rows: Row[] }>(sql, bindings);
  return result.rows;
}

/** The rows of a raw query through a cursor, so only a few are in memory at a time. */
export function stream<Row>(
  knex: Knex,
  sql: string,
  bindings: readonly Knex.RawBinding[] = [],
): AsyncIterable<Row> {
  return knex.raw(sql, bindings).stream() as AsyncIterable<Row>;
}

/** A count (pg returns COUNT(*) as a bigint string); counts here stay far below 2^53. */
export const count = (value: string | number): number => Number(value);

/**
 * A status column read against its owner's vocabulary. The owner's CHECK constraint keeps the column
 * inside it, so an unknown value is schema drift the checks cannot judge: a bug, stopped loudly.
 */
export function statusFrom<Status extends string>(
  vocabulary: readonly Status[],
  value: string,
  column: string,
): Status {
  const known = vocabulary.find((status) => status === value);
  if (known === undefined) throw new Error(`unexpected ${column} value from the database: ${value}`);
  return known;
}
