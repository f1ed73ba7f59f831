/**
 * Request plumbing shared by the user and internal routers: the platform's token, Idempotency-Key and
 * strict-body readers with the wallet's error codes, and turning an executor outcome into a response.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import {
  type HttpError,
  dogeAmountField,
  idempotencyKeyOf as readIdempotencyKey,
  idempotencyScopeOf,
  isTransientDatabaseError,
  koinuAmountField,
  koinuFeeField,
  parseInput,
  principalOf,
  requireToken,
  uuidField,
  type AccessRule,
  type Principal,
  type TokenVerifier,
} from '@dbay/platform';
import type { CommandResult } from '../../domain/index.js';
import type { CommandExecutor } from '../../command-executor.js';
import { QueueFullError } from '../../use-cases/batch-scheduler.js';
import type { CommandOutcome, CommandRequest } from '../../use-cases/ports.js';
import { walletError } from './error-table.js';

/** A UUID in canonical lower case, so it compares equal to what Postgres returns. */
export const uuid = uuidField;
/** A positive DOGE decimal string ("12.5"): the user API's amounts. */
export const dogeAmount = dogeAmountField;
/** A positive integer koinu string: the internal API's amounts (as in events). */
export const koinuAmount = koinuAmountField;
/** Zero allowed (a fee). */
export const koinuFee = koinuFeeField;

export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  return parseInput(schema, body, {
    validation: 'WALLET_VALIDATION_FAILED',
    amount: 'WALLET_AMOUNT_INVALID',
  });
}

export { principalOf };

export function userIdOf(res: Response): string {
  const principal = principalOf(res);
  if (principal.kind !== 'user') throw walletError('WALLET_FORBIDDEN', 'a user token is required');
  return principal.userId;
}

/** The wallet's codes for the platform's token problems. */
export const WALLET_TOKEN_CODES = {
  UNAUTHENTICATED: 'WALLET_UNAUTHENTICATED',
  EXPIRED: 'WALLET_TOKEN_EXPIRED',
  INVALID: 'WALLET_TOKEN_INVALID',
  FORBIDDEN: 'WALLET_FORBIDDEN',
} as const;

export function authenticate(verifier: TokenVerifier, rule: AccessRule): RequestHandler {
  return requireToken(verifier, rule, WALLET_TOKEN_CODES);
}

export function idempotencyKeyOf(req: Request): string {
  return readIdempotencyKey(req, {
    missing: 'WALLET_IDEMPOTENCY_KEY_MISSING',
    invalid: 'WALLET_IDEMPOTENCY_KEY_INVALID',
  });
}

/** The idempotency scope of the caller: keys of different users or services never collide. */
export function scopeOf(principal: Principal): string {
  return idempotencyScopeOf(principal);
}

export function correlationOf(res: Response): string {
  return typeof res.locals.correlationId === 'string' ? res.locals.correlationId : 'unknown';
}

/** What one command answers over HTTP: the status, whether it replayed, and the body. */
export interface CommandAnswer {
  status: number;
  replayed: boolean;
  body: unknown;
}

type Outcome = { ok: true; answer: CommandAnswer } | { ok: false; error: HttpError; replayed: boolean };

/** Runs the command; its answer, or the coded error of its refusal. Unexpected errors throw. */
async function run(
  executor: CommandExecutor,
  request: CommandRequest,
  successStatus: number,
  present: (result: CommandResult) => unknown,
): Promise<Outcome> {
  let outcome: CommandOutcome;
  try {
    outcome = await executor.execute(request);
  } catch (error) {
    if (error instanceof QueueFullError)
      return { ok: false, error: walletError('WALLET_BUSY', error.message), replayed: false };
    if (isTransientDatabaseError(error))
      return {
        ok: false,
        error: walletError('WALLET_UNAVAILABLE', 'the wallet database is unavailable; nothing changed'),
        replayed: false,
      };
    throw error;
  }
  switch (outcome.kind) {
    case 'accepted':
      return {
        ok: true,
        answer: { status: successStatus, replayed: outcome.replayed, body: present(outcome.result) },
      };
    case 'rejected':
      return {
        ok: false,
        error: walletError(outcome.error.code, outcome.error.message),
        replayed: outcome.replayed,
      };
    case 'key-reused':
      return {
        ok: false,
        error: walletError('WALLET_IDEMPOTENCY_KEY_REUSED', outcome.message),
        replayed: false,
      };
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
    }
  }
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
  const outcome = await run(executor, request, successStatus, present);
  const replayed = outcome.ok ? outcome.answer.replayed : outcome.replayed;
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  if (!outcome.ok) throw outcome.error;
  res.status(outcome.answer.status).json(outcome.answer.body);
}

/**
 * Runs one command of a batch and answers it as a value: exactly the status and body the single route
 * would have answered, a refusal as its coded error body. Unexpected errors still throw.
 */
export async function commandAnswer(
  executor: CommandExecutor,
  request: CommandRequest,
  successStatus: number,
  present: (result: CommandResult) => unknown,
): Promise<CommandAnswer> {
  const outcome = await run(executor, request, successStatus, present);
  if (outcome.ok) return outcome.answer;
  const { status, code, message } = outcome.error;
  return { status, replayed: outcome.replayed, body: { error: { code, message } } };
}
