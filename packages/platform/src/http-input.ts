// What every HTTP API of the platform reads from a request, read one way: the bearer token (through the
// one TokenVerifier), the Idempotency-Key header, and strict JSON bodies parsed with zod, with amounts
// parsed by @dbay/money. Each service passes its own error codes (WALLET_..., ORDER_...), so the codes
// stay in the service's one error table while the behaviour is shared.
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { MoneyError, parseDoge, parseKoinu } from '@dbay/money';
import { HttpError, RATE_LIMITS_LOCAL } from './http.js';
import type { RateLimits } from './rate-limits.js';
import {
  TOKEN_PROBLEM_STATUS,
  TokenError,
  type AccessRule,
  type Principal,
  type TokenProblem,
  type TokenVerifier,
} from './tokens.js';

/** 1-200 characters of A-Z a-z 0-9 _ . : - (a UUID, a client-made key, an order id with a suffix). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;
const UUID_ANY_CASE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A UUID in canonical lower case, so it compares equal to what Postgres returns. */
export const uuidField = z
  .string()
  .regex(UUID_ANY_CASE, 'must be a UUID')
  .transform((value) => value.toLowerCase());

const AMOUNT_ISSUE = 'amount';

function amountField(parse: (value: unknown) => bigint) {
  return z.unknown().transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      ctx.addIssue({
        code: 'custom',
        message: `${error.code}: ${error.message}`,
        params: { [AMOUNT_ISSUE]: true },
      });
      return z.NEVER;
    }
  });
}

// The parsers take unknown input (so their own errors name the problem); `meta` tells the OpenAPI
// document what they accept.
/** A positive DOGE decimal string ("12.5"): the user APIs' amounts. */
export const dogeAmountField = amountField((value) => parseDoge(value)).meta({
  type: 'string',
  pattern: '^[0-9]+(\\.[0-9]{1,8})?$',
  description: 'A positive DOGE amount as a decimal string, at most 8 decimals.',
  examples: ['12.5'],
});
/** A positive integer koinu string: the internal APIs' amounts (as in events). */
export const koinuAmountField = amountField((value) => parseKoinu(value)).meta({
  type: 'string',
  pattern: '^[0-9]+$',
  description: 'A positive amount in integer koinu (1 DOGE = 100000000), as a string.',
  examples: ['1250000000'],
});
/** Integer koinu, zero allowed (a fee). */
export const koinuFeeField = amountField((value) => parseKoinu(value, { allowZero: true })).meta({
  type: 'string',
  pattern: '^[0-9]+$',
  description: 'An amount in integer koinu, zero allowed, as a string.',
  examples: ['0'],
});

export interface BodyErrorCodes {
  /** Any other problem with the body (400). */
  validation: string;
  /** An amount that @dbay/money refuses (400). */
  amount: string;
}

/** Parses a body (or query) with `schema`; a failure is a 400 naming every bad field, nothing else. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  codes: BodyErrorCodes,
): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const amountIssue = result.error.issues.some(
    (issue) =>
      issue.code === 'custom' &&
      (issue.params as Record<string, unknown> | undefined)?.[AMOUNT_ISSUE] === true,
  );
  const message = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
  throw new HttpError(400, amountIssue ? codes.amount : codes.validation, message);
}

export interface IdempotencyKeyCodes {
  missing: string;
  invalid: string;
}

/** The Idempotency-Key header every POST must carry; 400 with the service's code when it does not. */
export function idempotencyKeyOf(req: Request, codes: IdempotencyKeyCodes): string {
  const key = req.get('idempotency-key');
  if (key === undefined) {
    throw new HttpError(400, codes.missing, 'an Idempotency-Key header is required on every POST');
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new HttpError(
      400,
      codes.invalid,
      'Idempotency-Key must be 1-200 characters of A-Z a-z 0-9 _ . : -',
    );
  }
  return key;
}

/** The idempotency scope of a caller: keys of different users, services or operators never collide. */
export function idempotencyScopeOf(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `${principal.kind}:${principal.name}`;
}

/**
 * Middleware: verifies the bearer token against `rule` and puts the principal in res.locals; refuses with
 * the service's code for the problem (401 or 403). It also keeps the app's request budgets
 * (rate-limits.ts): a source over its budget of 401s gets 429 without its token being verified, and a
 * POST of a user or operator over their budget gets 429 after it.
 */
export function requireToken(
  verifier: TokenVerifier,
  rule: AccessRule,
  codes: Record<TokenProblem, string>,
): RequestHandler {
  if (rule.kind === 'service' && rule.services.length === 0) {
    throw new Error('a service route needs a non-empty allow-list of callers');
  }
  return async (req, res, next) => {
    const limits = req.app.locals[RATE_LIMITS_LOCAL] as RateLimits | undefined;
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    await limits?.refuseBlockedSource(source);
    let principal: Principal;
    try {
      principal = await verifier.authenticate(req.get('authorization'), rule);
    } catch (error) {
      if (error instanceof TokenError) {
        const status = TOKEN_PROBLEM_STATUS[error.problem];
        if (status === 401) await limits?.chargeAuthFailure(source);
        throw new HttpError(status, codes[error.problem], error.message);
      }
      throw error;
    }
    if (req.method === 'POST' && principal.kind !== 'service') {
      await limits?.chargePost(idempotencyScopeOf(principal));
    }
    res.locals.principal = principal;
    next();
  };
}

/** The principal requireToken admitted. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('principalOf called on a route without requireToken');
  return principal;
}
