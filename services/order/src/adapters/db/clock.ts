/**
 * The service's clock is the database's (order_now(): clock_timestamp() plus the test clock's offset),
 * so replicas agree and a bid or a timer is stamped with the time it was applied, not the time some
 * process thought it was. Only a development stack moves the offset (the dev clock route).
 */
import type { Knex } from 'knex';

export async function databaseNow(db: Knex | Knex.Transaction): Promise<Date> {
  const result = await db.raw<{ rows: { now: Date }[] }>('SELECT order_now() AS now');
  const now = result.rows[0]?.now;
  if (!now) throw new Error('order_now() answered nothing');
  return now;
}

/** Moves the test clock forward; returns the new offset. Never wired in production. */
export async function advanceClock(db: Knex, milliseconds: number): Promise<number> {
  const result = await db.raw<{ rows: { offset_ms: string }[] }>(
    'UPDATE clock_offset SET offset_ms = offset_ms + ? WHERE id = 1 RETURNING offset_ms',
    [milliseconds],
  );
  return Number(result.rows[0]?.offset_ms ?? 0);
}
