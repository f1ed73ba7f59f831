/** Request plumbing of the order service's routers: the platform's readers with the order's error codes. */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { idempotencyKeyOf, idempotencyScopeOf, parseInput, principalOf } from '@dbay/platform';
import type { Actor } from '../../domain/order.js';
import { decodeCursor } from '../../adapters/db/listings.js';
import type { RequestMeta } from '../../use-cases/context.js';
import { ORDER_BODY_CODES, ORDER_IDEMPOTENCY_CODES, orderHttpError } from './error-table.js';

export function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  return parseInput(schema, input, ORDER_BODY_CODES);
}

export function cursorOf(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  if (!decodeCursor(cursor))
    throw orderHttpError('ORDER_VALIDATION_FAILED', 'cursor: not a cursor from a previous page');
  return cursor;
}

export function userOf(res: Response): Actor & { kind: 'user' } {
  const principal = principalOf(res);
  if (principal.kind !== 'user') throw orderHttpError('ORDER_FORBIDDEN', 'a user token is required');
  return { kind: 'user', userId: principal.userId };
}

export function metaOf(req: Request, res: Response): RequestMeta {
  return {
    scope: idempotencyScopeOf(principalOf(res)),
    idempotencyKey: idempotencyKeyOf(req, ORDER_IDEMPOTENCY_CODES),
    correlationId: typeof res.locals.correlationId === 'string' ? res.locals.correlationId : 'unknown',
  };
}
