/**
 * Runs a user or operator command once per idempotency key, in one transaction with its effect: a key
 * seen before with the same request answers with the resource it named (as it is now), with another
 * request it is refused (key reused), and a refusal is not recorded, so the same key may try again once
 * the state allows it.
 */
import type { Knex } from 'knex';
import type { OrderError } from '../domain/errors.js';
import { priorUse, recordUse } from '../adapters/db/idempotency.js';
import type { OrderContext, RequestMeta } from './context.js';
import type { CommandOutcome } from './outcome.js';

export type Step = { kind: 'done'; resourceId: string } | { kind: 'refused'; error: OrderError };

export async function runIdempotent<T>(
  ctx: OrderContext,
  meta: RequestMeta,
  operation: string,
  request: unknown,
  step: (trx: Knex.Transaction, now: Date) => Promise<Step>,
  read: (resourceId: string) => Promise<T>,
): Promise<CommandOutcome<T>> {
  const claim = { scope: meta.scope, key: meta.idempotencyKey, operation, request };
  const result = await ctx.db.transaction(
    async (trx): Promise<Step | { kind: 'replay'; resourceId: string } | { kind: 'key-reused' }> => {
      const { prior, now } = await priorUse(trx, claim);
      if (prior.kind === 'replay') return prior;
      if (prior.kind === 'reused') return { kind: 'key-reused' };
      const outcome = await step(trx, now);
      if (outcome.kind === 'done') await recordUse(trx, claim, outcome.resourceId, now);
      return outcome;
    },
  );
  switch (result.kind) {
    case 'done':
      return { kind: 'done', value: await read(result.resourceId), replayed: false };
    case 'replay':
      return { kind: 'done', value: await read(result.resourceId), replayed: true };
    case 'refused':
      return { kind: 'refused', error: result.error };
    case 'key-reused':
      return { kind: 'key-reused' };
    default: {
      const unknown: never = result;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}
