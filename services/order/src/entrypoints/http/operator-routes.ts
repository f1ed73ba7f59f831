/**
 * The operators' API under /ops (operator tokens only: a person decides, recorded by name with the
 * decision): the queue of open disputes, and resolving one as a release, a refund or a split. On a
 * development stack (ORDER_DEV_CLOCK) it also moves the test clock.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  dogeAmountField,
  principalOf,
  requireToken,
  uuidField,
  type RouteDoc,
  type TokenVerifier,
} from '@dbay/platform';
import { resolveDispute, type ResolutionRequest } from '../../domain/decisions.js';
import { advanceClock, databaseNow } from '../../adapters/db/clock.js';
import { decodeCursor } from '../../adapters/db/listings.js';
import { openDisputes } from '../../adapters/db/orders.js';
import type { OrderContext } from '../../use-cases/context.js';
import { actOnOrder, readOrderDetails } from '../../use-cases/orders.js';
import { ORDER_TOKEN_CODES, orderHttpError, type OrderServiceErrorCode } from './error-table.js';
import { presentOrder } from './present.js';
import { clockBody as clockAnswer, disputesBody, orderBody } from './responses.js';
import { respond } from './respond.js';
import { metaOf, parse } from './request.js';

const disputesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
const idParam = z.object({ id: uuidField }).strict();
const resolveBody = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('RELEASE') }).strict(),
  z.object({ outcome: z.literal('REFUND') }).strict(),
  z.object({ outcome: z.literal('SPLIT'), buyerRefund: dogeAmountField }).strict(),
]);
/** At most a year per call: enough for any window, small enough to notice a typo. */
const clockBody = z
  .object({
    advanceMs: z
      .number()
      .int()
      .min(1)
      .max(366 * 86_400_000),
  })
  .strict();

/** The routes below as the OpenAPI document shows them (openapi.ts mounts them at /ops, as main.ts does). */
export const operatorRouteDocs: readonly RouteDoc<OrderServiceErrorCode>[] = [
  {
    method: 'get',
    path: '/disputes',
    summary: 'The queue of open disputes, oldest first',
    auth: 'operator',
    query: disputesQuery,
    responses: { 200: { description: 'A page of disputed orders', schema: disputesBody } },
  },
  {
    method: 'post',
    path: '/orders/:id/resolve',
    summary: 'Resolve a dispute: release to the seller, refund the buyer, or split',
    auth: 'operator',
    idempotencyKey: true,
    params: idParam,
    body: resolveBody,
    responses: { 200: { description: 'The order, resolved', schema: orderBody } },
    errors: ['ORDER_NOT_FOUND', 'ORDER_WRONG_STATE', 'ORDER_DISPUTE_NOT_FROZEN', 'ORDER_SPLIT_INVALID'],
  },
  {
    method: 'post',
    path: '/dev/clock',
    summary: "Move the service's test clock forward",
    description: 'Only on a development stack (ORDER_DEV_CLOCK=true); absent (404) anywhere else.',
    auth: 'operator',
    body: clockBody,
    responses: { 200: { description: 'The clock after the move', schema: clockAnswer } },
  },
];

export function operatorRoutes(ctx: OrderContext, verifier: TokenVerifier, devClock: boolean): Router {
  const router = Router();
  router.use(requireToken(verifier, { kind: 'operator' }, ORDER_TOKEN_CODES));

  router.get('/disputes', async (req, res) => {
    const query = parse(disputesQuery, req.query);
    if (query.cursor !== undefined && !decodeCursor(query.cursor)) {
      throw orderHttpError('ORDER_VALIDATION_FAILED', 'cursor: not a cursor from a previous page');
    }
    const page = await openDisputes(ctx.db, query.limit, query.cursor ?? null);
    const orders = await Promise.all(page.orders.map((order) => readOrderDetails(ctx, order.id)));
    res.json({ disputes: orders.map(presentOrder), nextCursor: page.nextCursor });
  });

  router.post('/orders/:id/resolve', async (req, res) => {
    const { id } = parse(idParam, req.params);
    const body = parse(resolveBody, req.body);
    const principal = principalOf(res);
    if (principal.kind !== 'operator')
      throw orderHttpError('ORDER_FORBIDDEN', 'an operator decides disputes');
    const request: ResolutionRequest =
      body.outcome === 'SPLIT'
        ? { outcome: 'SPLIT', buyerRefundKoinu: body.buyerRefund }
        : { outcome: body.outcome };
    const operator = { kind: 'operator' as const, name: principal.name };
    const outcome = await actOnOrder(
      ctx,
      metaOf(req, res),
      id,
      'order.resolve',
      {
        outcome: body.outcome,
        buyerRefundKoinu: request.outcome === 'SPLIT' ? request.buyerRefundKoinu.toString() : null,
      },
      (order, now) => resolveDispute(order, operator, request, ctx.settings.feeBasisPoints, now),
    );
    respond(res, outcome, 200, presentOrder);
  });

  if (devClock) {
    router.post('/dev/clock', async (req, res) => {
      const { advanceMs } = parse(clockBody, req.body);
      const offsetMs = await advanceClock(ctx.db, advanceMs);
      res.json({ offsetMs, now: (await databaseNow(ctx.db)).toISOString() });
    });
  }
  return router;
}
