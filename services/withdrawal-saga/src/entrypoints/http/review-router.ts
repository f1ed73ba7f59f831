/**
 * The operators' review API (operator tokens only: a person decides, and is recorded by name): list
 * withdrawals by status (HELD by default), show one with its steps, approve or reject a held one,
 * show the hot wallet's coins, declare a refill from cold, and list reported refills not taken in yet. Thin: parse, call the use case, map coded errors to statuses in one table.
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ApiDoc, HttpError, principalOf, type RouteDoc } from '@dbay/platform';
import { WITHDRAWAL_STATUSES, type Step, type Withdrawal } from '../../domain/withdrawal.js';
import { hotWalletSummary } from '../../adapters/db/coins.js';
import { stepsOf } from '../../adapters/db/steps.js';
import { countByStatus, findWithdrawal, listWithdrawals } from '../../adapters/db/withdrawals.js';
import { reviewWithdrawal, type ReviewResult } from '../../use-cases/review.js';
import {
  declareRefill,
  pendingRefillReports,
  type PendingRefillReport,
  type Refill,
  type RefillResult,
} from '../../use-cases/refills.js';
import type { SagaContext } from '../../use-cases/ports.js';

const LIST_LIMIT_MAX = 500;

/** The platform's token problems, in the review API's words. */
export const REVIEW_TOKEN_CODES = {
  UNAUTHENTICATED: 'AUTH_TOKEN_MISSING',
  EXPIRED: 'AUTH_TOKEN_EXPIRED',
  INVALID: 'AUTH_TOKEN_INVALID',
  FORBIDDEN: 'AUTH_FORBIDDEN',
} as const;

const ERROR_STATUS: Record<
  Extract<ReviewResult, { ok: false }>['code'] | Extract<RefillResult, { ok: false }>['code'],
  number
> = {
  WITHDRAWAL_NOT_FOUND: 404,
  WITHDRAWAL_NOT_UNDER_REVIEW: 409,
  HOT_WALLET_REFILL_NOT_FOUND: 404,
  HOT_WALLET_REFILL_UNCONFIRMED: 409,
  HOT_WALLET_REFILL_ALREADY_A_COIN: 409,
  HOT_WALLET_REFILL_NOT_OURS: 422,
};

type ReviewTokenCode = (typeof REVIEW_TOKEN_CODES)[keyof typeof REVIEW_TOKEN_CODES];
/** Every code the review API answers, for its OpenAPI document. */
const REVIEW_ERROR_STATUS: Record<keyof typeof ERROR_STATUS | ReviewTokenCode | 'REQUEST_INVALID', number> = {
  ...ERROR_STATUS,
  REQUEST_INVALID: 400,
  AUTH_TOKEN_MISSING: 401,
  AUTH_TOKEN_EXPIRED: 401,
  AUTH_TOKEN_INVALID: 401,
  AUTH_FORBIDDEN: 403,
};
type ReviewErrorCode = keyof typeof REVIEW_ERROR_STATUS;

const listQuery = z.object({
  status: z
    .string()
    .default('HELD,COOLING_DOWN')
    .transform((text) => text.split(','))
    .pipe(z.array(z.enum(WITHDRAWAL_STATUSES)).min(1)),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(100),
});

const reviewBody = z.object({ note: z.string().max(1000).nullable().default(null) });
const refillBody = z.strictObject({
  txid: z.string().regex(/^[0-9a-f]{64}$/, 'a txid: 64 lower-case hex digits'),
  vout: z.number().int().min(0).max(0xffff),
  note: z.string().max(1000).nullable().default(null),
});

/**
 * A withdrawal as the API shows it. A request refused because its amounts did not parse has no amounts
 * (null): the saga never invents one.
 */
export function view(withdrawal: Withdrawal) {
  const { amounts } = withdrawal;
  return {
    withdrawalId: withdrawal.withdrawalId,
    userId: withdrawal.userId,
    destinationAddress: withdrawal.destinationAddress,
    amountKoinu: amounts.kind === 'parsed' ? amounts.amountKoinu.toString() : null,
    networkFeeKoinu: amounts.kind === 'parsed' ? amounts.networkFeeKoinu.toString() : null,
    status: withdrawal.status,
    requestedAt: withdrawal.requestedAt.toISOString(),
    statusChangedAt: withdrawal.statusChangedAt.toISOString(),
    fraudOutcome: withdrawal.fraudOutcome,
    fraudReasons: withdrawal.fraudReasons,
    releaseAt: withdrawal.releaseAt?.toISOString() ?? null,
    reviewedBy: withdrawal.reviewedBy,
    reviewNote: withdrawal.reviewNote,
    batchId: withdrawal.batchId,
    minerFeeShareKoinu: withdrawal.minerFeeShareKoinu?.toString() ?? null,
    failureCode: withdrawal.failure?.code ?? null,
    failureReason: withdrawal.failure?.reason ?? null,
  };
}

/** A step as the API shows it, in the column names it has always used. */
function stepView(step: Step) {
  return {
    step: step.step,
    from_status: step.fromStatus,
    to_status: step.toStatus,
    detail: step.detail,
    occurred_at: step.occurredAt.toISOString(),
  };
}

const timestamp = z.string().meta({ description: 'ISO-8601 time (UTC)' });
const koinu = z.string().regex(/^\d+$/).meta({ description: 'integer koinu' });
const refillResponse = z.strictObject({
  txid: z.string(),
  vout: z.number().int(),
  amountKoinu: koinu,
  address: z.string(),
  declaredBy: z.string(),
  note: z.string().nullable(),
  declaredAt: timestamp,
});
const refillCodes = [
  'HOT_WALLET_REFILL_NOT_FOUND',
  'HOT_WALLET_REFILL_UNCONFIRMED',
  'HOT_WALLET_REFILL_NOT_OURS',
  'HOT_WALLET_REFILL_ALREADY_A_COIN',
] as const satisfies readonly Extract<RefillResult, { ok: false }>['code'][];
const refillReportBody = z.strictObject({
  txid: z.string(),
  vout: z.number().int(),
  reportedBy: z.string(),
  reportedAt: timestamp,
  checkedAt: timestamp.meta({ description: 'when the node was last asked' }),
  checks: z.number().int(),
  code: z.enum(refillCodes).meta({ description: "the last check's refusal" }),
  reason: z.string(),
});
const withdrawalBody = z
  .strictObject({
    withdrawalId: z.string(),
    userId: z.string(),
    destinationAddress: z.string(),
    amountKoinu: koinu.nullable().meta({ description: "null when the request's amounts did not parse" }),
    networkFeeKoinu: koinu.nullable(),
    status: z.enum(WITHDRAWAL_STATUSES),
    requestedAt: timestamp,
    statusChangedAt: timestamp,
    fraudOutcome: z.string().nullable(),
    fraudReasons: z.array(z.strictObject({ code: z.string(), message: z.string() })),
    releaseAt: timestamp.nullable(),
    reviewedBy: z.string().nullable(),
    reviewNote: z.string().nullable(),
    batchId: z.string().nullable(),
    minerFeeShareKoinu: koinu.nullable(),
    failureCode: z.string().nullable(),
    failureReason: z.string().nullable(),
  })
  .meta({ id: 'ReviewWithdrawal' });
const stepBody = z.strictObject({
  step: z.string(),
  from_status: z.enum(WITHDRAWAL_STATUSES).nullable(),
  to_status: z.enum(WITHDRAWAL_STATUSES),
  detail: z.record(z.string(), z.unknown()),
  occurred_at: timestamp,
});
const refillReportView = (report: PendingRefillReport) => ({
  txid: report.txid,
  vout: report.vout,
  reportedBy: report.reportedBy,
  reportedAt: report.reportedAt.toISOString(),
  checkedAt: report.checkedAt.toISOString(),
  checks: report.checks,
  code: report.code,
  reason: report.reason,
});
/** Compile-time: the views above are values of the documented schemas. */
export const presenterChecks: [
  [ReturnType<typeof view>] extends [z.output<typeof withdrawalBody>] ? true : never,
  [ReturnType<typeof stepView>] extends [z.output<typeof stepBody>] ? true : never,
  [ReturnType<typeof refillReportView>] extends [z.output<typeof refillReportBody>] ? true : never,
] = [true, true, true];

const reviewDoc = (decision: 'approve' | 'reject'): RouteDoc<ReviewErrorCode> => ({
  method: 'post',
  path: `/internal/withdrawals/:withdrawalId/${decision}`,
  summary:
    decision === 'approve'
      ? 'Approve a held or cooling-down withdrawal (it goes on to be signed and sent)'
      : 'Reject a held or cooling-down withdrawal (the wallet returns the funds)',
  auth: 'operator',
  body: reviewBody,
  responses: {
    200: {
      description: 'The withdrawal after the decision',
      schema: z.strictObject({ withdrawal: withdrawalBody }),
    },
  },
  errors: ['WITHDRAWAL_NOT_FOUND', 'WITHDRAWAL_NOT_UNDER_REVIEW'],
});

const refillView = (refill: Refill) => ({
  txid: refill.txid,
  vout: refill.vout,
  amountKoinu: refill.amountKoinu.toString(),
  address: refill.address,
  declaredBy: refill.declaredBy,
  note: refill.note,
  declaredAt: refill.declaredAt.toISOString(),
});

/** The review API as the OpenAPI document shows it (routes at the root, as main.ts mounts the router). */
export const reviewRouteDocs: readonly RouteDoc<ReviewErrorCode>[] = [
  {
    method: 'get',
    path: '/internal/withdrawals',
    summary: 'Withdrawals by status (HELD and COOLING_DOWN by default), with counts per status',
    auth: 'operator',
    query: listQuery,
    responses: {
      200: {
        description: 'The withdrawals',
        schema: z.strictObject({
          withdrawals: z.array(withdrawalBody),
          countsByStatus: z.partialRecord(z.enum(WITHDRAWAL_STATUSES), z.number().int()),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/internal/withdrawals/:withdrawalId',
    summary: 'One withdrawal with every step it went through',
    auth: 'operator',
    responses: {
      200: {
        description: 'The withdrawal and its steps',
        schema: z.strictObject({ withdrawal: withdrawalBody, steps: z.array(stepBody) }),
      },
    },
    errors: ['WITHDRAWAL_NOT_FOUND'],
  },
  reviewDoc('approve'),
  reviewDoc('reject'),
  {
    method: 'get',
    path: '/internal/hot-wallet',
    summary: "The hot wallet's coins: count and total per status",
    auth: 'operator',
    responses: {
      200: {
        description: 'The coins by status',
        schema: z.strictObject({
          coins: z.array(z.strictObject({ status: z.string(), count: z.number().int(), totalKoinu: koinu })),
        }),
      },
    },
  },
  {
    method: 'post',
    path: '/internal/hot-wallet/refills',
    summary:
      'Declare a refill from cold: an output paying a refill address the saga issued (hot-wallet.refill-needed), ' +
      'unspent and confirmed, becomes a hot-wallet coin; recorded with the operator. The same output again answers 200',
    auth: 'operator',
    body: refillBody,
    responses: {
      201: {
        description: 'The refill, now a hot-wallet coin',
        schema: z.strictObject({ refill: refillResponse }),
      },
      200: {
        description: 'The refill, declared before',
        schema: z.strictObject({ refill: refillResponse }),
      },
    },
    errors: [...refillCodes],
  },
  {
    method: 'get',
    path: '/internal/hot-wallet/refill-reports',
    summary:
      'Refills from cold the deposit watcher reported that the saga has not taken in yet, with the last ' +
      "check's refusal; each is checked on the node again until it is taken in or an operator declares it",
    auth: 'operator',
    responses: {
      200: {
        description: 'The pending reports, oldest first',
        schema: z.strictObject({ reports: z.array(refillReportBody) }),
      },
    },
  },
];

/** The review API's OpenAPI 3.1 document (main.ts serves it at GET /openapi.json). */
export function reviewApiDoc(): ApiDoc<ReviewErrorCode> {
  return new ApiDoc<ReviewErrorCode>({
    title: 'DBay withdrawal saga: review API',
    version: '1',
    description:
      'For operators (operator tokens): withdrawals held by the fraud rules, approving or rejecting them, ' +
      'and the hot wallet. Amounts are integer koinu strings.',
    errorStatus: REVIEW_ERROR_STATUS,
    tokenCodes: REVIEW_TOKEN_CODES,
    inputCodes: ['REQUEST_INVALID'],
  }).mount('', reviewRouteDocs);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HttpError(
      400,
      'REQUEST_INVALID',
      result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return result.data;
}

function idOf(req: Request): string {
  const id = req.params.withdrawalId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 100)
    throw new HttpError(400, 'REQUEST_INVALID', 'bad withdrawal id');
  return id;
}

export function reviewRouter(ctx: SagaContext): Router {
  const router = Router();

  router.get('/internal/withdrawals', async (req, res) => {
    const query = parse(listQuery, req.query);
    const withdrawals = await listWithdrawals(ctx.db, query.status, query.limit);
    res.json({ withdrawals: withdrawals.map(view), countsByStatus: await countByStatus(ctx.db) });
  });

  router.get('/internal/withdrawals/:withdrawalId', async (req, res) => {
    const withdrawal = await findWithdrawal(ctx.db, idOf(req));
    if (!withdrawal) throw new HttpError(404, 'WITHDRAWAL_NOT_FOUND', 'no such withdrawal');
    const steps = await stepsOf(ctx.db, withdrawal.withdrawalId);
    res.json({ withdrawal: view(withdrawal), steps: steps.map(stepView) });
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/internal/withdrawals/:withdrawalId/${decision}`, async (req, res) => {
      const body = parse(reviewBody, req.body ?? {});
      const reviewer = principalOf(res);
      if (reviewer.kind !== 'operator') throw new HttpError(403, 'AUTH_FORBIDDEN', 'an operator decides');
      const result = await reviewWithdrawal(ctx, idOf(req), { decision, note: body.note }, reviewer.name);
      if (!result.ok) throw new HttpError(ERROR_STATUS[result.code], result.code, result.message);
      res.json({ withdrawal: view(result.withdrawal) });
    });
  }

  router.get('/internal/hot-wallet', async (_req, res) => {
    const summary = await hotWalletSummary(ctx.db);
    res.json({
      coins: summary.map((row) => ({
        status: row.status,
        count: row.count,
        totalKoinu: row.totalKoinu.toString(),
      })),
    });
  });

  router.post('/internal/hot-wallet/refills', async (req, res) => {
    const body = parse(refillBody, req.body ?? {});
    const operator = principalOf(res);
    if (operator.kind !== 'operator')
      throw new HttpError(403, 'AUTH_FORBIDDEN', 'an operator declares a refill');
    const result = await declareRefill(ctx, body, operator.name);
    if (!result.ok) throw new HttpError(ERROR_STATUS[result.code], result.code, result.message);
    res.status(result.created ? 201 : 200).json({ refill: refillView(result.refill) });
  });

  router.get('/internal/hot-wallet/refill-reports', async (_req, res) => {
    res.json({ reports: (await pendingRefillReports(ctx.db)).map(refillReportView) });
  });

  return router;
}
