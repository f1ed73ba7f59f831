/**
 * The idempotency store of the user and operator APIs: a key, in its caller's scope, names the resource
 * its first request created or changed, with a hash of that request. The same key and body again
 * answers with the same resource (its state now); the same key with another body is a 409.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

const TABLE = 'idempotency_keys';

export interface IdempotencyClaim {
  scope: string;
  key: string;
  operation: string;
  request: unknown;
}

export type PriorUse = { kind: 'new' } | { kind: 'replay'; resourceId: string } | { kind: 'reused' };

export function requestHash(operation: string, request: unknown): string {
  return createHash('sha256').update(operation).update('\0').update(stableJson(request)).digest('hex');
}

/** JSON with sorted keys, so the same body hashes the same whatever its key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${stableJson(field)}`).join(',')}}`;
  }
  return typeof value === 'bigint' ? JSON.stringify(value.toString()) : JSON.stringify(value);
}

/**
 * Looks the key up inside the transaction, locking it so a concurrent first use waits for this one. The
 * lookup also reads the database clock (order_now(), see clock.ts), so a command's time costs no round
 * trip of its own. It is a statement after the lock, so its snapshot sees a first use that committed
 * while this one waited.
 */
export async function priorUse(
  trx: Knex.Transaction,
  claim: IdempotencyClaim,
): Promise<{ prior: PriorUse; now: Date }> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [`${claim.scope}|${claim.key}`]);
  const { rows } = await trx.raw<{
    rows: { now: Date; request_hash: string | null; resource_id: string | null }[];
  }>(
    `SELECT order_now() AS now, k.request_hash, k.resource_id
       FROM (VALUES (1)) AS one (x) LEFT JOIN ${TABLE} k ON k.scope = ? AND k.key = ?`,
    [claim.scope, claim.key],
  );
  const row = rows[0];
  if (!row) throw new Error('the idempotency lookup answered no row');
  const { now } = row;
  if (row.request_hash === null || row.resource_id === null) return { prior: { kind: 'new' }, now };
  const prior: PriorUse =
    row.request_hash === requestHash(claim.operation, claim.request)
      ? { kind: 'replay', resourceId: row.resource_id }
      : { kind: 'reused' };
  return { prior, now };
}

export async function recordUse(
  trx: Knex.Transaction,
  claim: IdempotencyClaim,
  resourceId: string,
  now: Date,
): Promise<void> {
  await trx(TABLE).insert({
    scope: claim.scope,
    key: claim.key,
    request_hash: requestHash(claim.operation, claim.request),
    operation: claim.operation,
    resource_id: resourceId,
    created_at: now,
  });
}
