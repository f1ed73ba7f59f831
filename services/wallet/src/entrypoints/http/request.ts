/**
 * Request plumbing shared by the user and internal routers: authentication, the Idempotency-Key
 * header, strict body parsing with zod (unknown fields refused), money fields, and turning an
 * executor outcome into a response.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { isTransientDatabaseError } from '@dbay/platform';
import { MoneyError, parseDoge, parseKoinu } from '@dbay/money';
import type { CommandResult } from '../../domain/index.js';
import {
  ExecutorOverloadedError,
  type CommandExecutor,
  type CommandOutcome,
  type CommandRequest,
} from '../../adapters/command-executor.js';
import { TokenError, type Principal, type TokenVerifier } from '../../adapters/tokens.js';
import { walletError } from './error-table.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;
const UUID_ANY_CASE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A UUID in canonical lower case, so it compares equal to what Postgres returns. */
export const uuid = z
  .string()
  .regex(UUID_ANY_CASE, 'must be a UUID')
  .transform((value) => value.toLowerCase());

const moneyField = (parse: (value: unknown) => bigint) =>
  z.unknown().transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      ctx.addIssue({
        code: 'custom',
        message: `${error.code}: ${error.message}`,
        params: { wallet: 'WALLET_AMOUNT_INVALID' },
      });
      return z.NEVER;
    }
  });

/** A positive DOGE decimal string ("12.5"): the user API's amounts. */
export const dogeAmount = moneyField((value) => parseDoge(value));
/** A positive integer koinu string: the internal API's amounts (as in events). */
export const koinuAmount = moneyField((value) => parseKoinu(value));
/** Zero allowed (a fee). */
export const koinuFee = moneyField((value) => parseKoinu(value, { allowZero: true }));

export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const amountIssue = result.error.issues.some(
    (issue) =>
      issue.code === 'custom' &&
      (issue.params as { wallet?: string } | undefined)?.wallet === 'WALLET_AMOUNT_INVALID',
  );
  const message = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
  throw walletError(amountIssue ? 'WALLET_AMOUNT_INVALID' : 'WALLET_VALIDATION_FAILED', message);
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

export function userIdOf(res: Response): string {
  const principal = principalOf(res);
  if (principal.kind !== 'user') throw walletError('WALLET_FORBIDDEN', 'a user token is required');
  return principal.userId;
}

export function authenticate(verifier: TokenVerifier, api: 'user' | 'service'): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.principal = await verifier.authenticate(req.get('authorization'), api);
    } catch (error) {
      if (error instanceof TokenError) throw walletError(error.code, error.message);
      throw error;
    }
    next();
  };
}

export function idempotencyKeyOf(req: Request): string {
  const key = req.get('idempotency-key');
  if (key === undefined)
    throw walletError(
      'WALLET_IDEMPOTENCY_KEY_MISSING',
      'an Idempotency-Key header is required on every POST',
    );
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw walletError(
      'WALLET_IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key must be 1-200 characters of A-Z a-z 0-9 _ . : -',
    );
  }
  return key;
}

/** The idempotency scope of the caller: keys of different users or services never collide. */
export function scopeOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `service:${principal.name}`;
}

export function correlationOf(res: Response): string {
  return typeof res.locals.correlationId === 'string' ? res.locals.correlationId : 'unknown';
}

/**
 * Runs the command and answers. A replay answers exactly as the first time (same status, same body);
 * only the Idempotent-Replayed header tells them apart.
 */
export async function respondWithCommand(
  executor: CommandExecutor,
  request: CommandRequest,
  res: Response,
  successStatus: number,
  present: (result: CommandResult) => unknown,
): Promise<void> {
  let outcome: CommandOutcome;
  try {
    outcome = await executor.execute(request);
  } catch (error) {
    if (error instanceof ExecutorOverloadedError) throw walletError('WALLET_BUSY', error.message);
    if (isTransientDatabaseError(error))
      throw walletError('WALLET_UNAVAILABLE', 'the wallet database is unavailable; nothing changed');
    throw error;
  }
  switch (outcome.kind) {
    case 'accepted':
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(successStatus).json(present(outcome.result));
      return;
    case 'rejected':
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      throw walletError(outcome.error.code, outcome.error.message);
    case 'key-reused':
      throw walletError('WALLET_IDEMPOTENCY_KEY_REUSED', outcome.message);
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
}
