/**
 * The marketplace's user API under /v1 (user tokens; the same JWT rules, Idempotency-Key semantics and
 * coded errors as the wallet's). Reading open listings needs no login; everything else does. Amounts are
 * DOGE decimal strings. Thin handlers: parse, call the use case, map the outcome.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { dogeAmountField, requireToken, uuidField, type RouteDoc, type TokenVerifier } from '@dbay/platform';
import { cancelBySeller, confirmReceipt, openDispute, ship, type Decision } from '../../domain/decisions.js';
import type { Actor, Order } from '../../domain/order.js';
import { findListing, openListings } from '../../adapters/db/listings.js';
import { ordersOf } from '../../adapters/db/orders.js';
import type { OrderContext } from '../../use-cases/context.js';
import { changeListing, createListing } from '../../use-cases/listings.js';
import { actOnOrder, buyListing, orderVisibleTo, readOrderDetails } from '../../use-cases/orders.js';
import {
  ORDER_TOKEN_CODES,
  orderHttpError,
  paymentFailureCode,
  type OrderServiceErrorCode,
} from './error-table.js';
import { presentListing, presentOrder } from './present.js';
import {
  listingBody as listingAnswer,
  listingsBody,
  orderBody,
  ordersBody,
  paymentFailedBody,
} from './responses.js';
import { respond } from './respond.js';
import { cursorOf, metaOf, parse, userOf } from './request.js';

const PAGE_MAX = 100;
const PAGE_DEFAULT = 20;
const text = (max: number) => z.string().trim().min(1).max(max);

const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT),
    cursor: z.string().max(200).optional(),
  })
  .strict();
const listingBody = z
  .object({
    title: text(200),
    description: z.string().trim().max(5_000).default(''),
    price: dogeAmountField,
    shippingDays: z.number().int().min(1).max(60).default(14),
  })
  .strict();
const listingEditBody = listingBody
  .partial()
  .strict()
  .refine((edit) => Object.keys(edit).length > 0, 'nothing to change');
const idParam = z.object({ id: uuidField }).strict();
const buyBody = z.object({ listingId: uuidField }).strict();
const shipBody = z.object({ trackingNote: z.string().trim().max(500).nullable().default(null) }).strict();
const disputeBody = z.object({ reason: text(2_000) }).strict();
const emptyBody = z.object({}).strict();
const ordersQuery = pageQuery.extend({ role: z.enum(['buyer', 'seller']).default('buyer') }).strict();

const LISTING_CHANGE_ERRORS: OrderServiceErrorCode[] = [
  'LISTING_NOT_FOUND',
  'LISTING_NOT_SELLER',
  'LISTING_WRONG_STATE',
];
const ORDER_ACTION_ERRORS: OrderServiceErrorCode[] = [
  'ORDER_NOT_FOUND',
  'ORDER_NOT_BUYER',
  'ORDER_NOT_SELLER',
  'ORDER_WRONG_STATE',
  'ORDER_ESCROW_PENDING',
];
const orderAction = (path: string, summary: string, body: z.ZodType): RouteDoc<OrderServiceErrorCode> => ({
  method: 'post',
  path: `/orders/:id/${path}`,
  summary,
  auth: 'user',
  idempotencyKey: true,
  params: idParam,
  body,
  responses: { 200: { description: 'The order after the step', schema: orderBody } },
  errors: ORDER_ACTION_ERRORS,
});

/** The routes below as the OpenAPI document shows them (openapi.ts mounts them at /v1, as main.ts does). */
export const userRouteDocs: readonly RouteDoc<OrderServiceErrorCode>[] = [
  {
    method: 'get',
    path: '/listings',
    summary: 'Open listings, newest first (no login needed)',
    auth: 'none',
    query: pageQuery,
    responses: { 200: { description: 'A page of listings', schema: listingsBody } },
  },
  {
    method: 'get',
    path: '/listings/:id',
    summary: 'One listing (no login needed)',
    auth: 'none',
    params: idParam,
    responses: { 200: { description: 'The listing', schema: listingAnswer } },
    errors: ['LISTING_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/listings',
    summary: 'List an item at a fixed price (buy it now)',
    auth: 'user',
    idempotencyKey: true,
    body: listingBody,
    responses: { 201: { description: 'The listing, OPEN', schema: listingAnswer } },
  },
  {
    method: 'patch',
    path: '/listings/:id',
    summary: 'Edit your open listing',
    auth: 'user',
    idempotencyKey: true,
    params: idParam,
    body: listingEditBody,
    responses: { 200: { description: 'The listing', schema: listingAnswer } },
    errors: LISTING_CHANGE_ERRORS,
  },
  {
    method: 'post',
    path: '/listings/:id/withdraw',
    summary: 'Take your open listing off sale',
    auth: 'user',
    idempotencyKey: true,
    params: idParam,
    body: emptyBody,
    responses: { 200: { description: 'The listing, WITHDRAWN', schema: listingAnswer } },
    errors: LISTING_CHANGE_ERRORS,
  },
  {
    method: 'post',
    path: '/orders',
    summary: 'Buy a listing: the wallet locks its price in escrow',
    auth: 'user',
    idempotencyKey: true,
    body: buyBody,
    responses: {
      201: { description: 'The order, PAID', schema: orderBody },
      202: {
        description: "The order, PENDING_PAYMENT: the wallet's answer is on its way",
        schema: orderBody,
      },
      422: { description: 'The payment failed; the order is PAYMENT_FAILED', schema: paymentFailedBody },
    },
    errors: ['LISTING_NOT_FOUND', 'LISTING_NOT_AVAILABLE', 'ORDER_OWN_LISTING', 'ORDER_UNAVAILABLE'],
  },
  {
    method: 'get',
    path: '/orders',
    summary: 'Your orders as buyer (or seller), newest first',
    auth: 'user',
    query: ordersQuery,
    responses: { 200: { description: 'A page of orders', schema: ordersBody } },
  },
  {
    method: 'get',
    path: '/orders/:id',
    summary: 'One of your orders (as buyer or seller), with its history and deadlines',
    auth: 'user',
    params: idParam,
    responses: { 200: { description: 'The order', schema: orderBody } },
    errors: ['ORDER_NOT_FOUND'],
  },
  orderAction('ship', 'Seller: mark the order shipped (optional tracking note)', shipBody),
  orderAction('cancel', 'Seller: cancel before shipping (the buyer is refunded)', emptyBody),
  orderAction('confirm-receipt', 'Buyer: confirm receipt (the escrow is released to the seller)', emptyBody),
  orderAction('dispute', 'Buyer: open a dispute before release (the escrow is frozen)', disputeBody),
];

export function userRoutes(ctx: OrderContext, verifier: TokenVerifier): Router {
  const router = Router();
  const user: RequestHandler = requireToken(verifier, { kind: 'user' }, ORDER_TOKEN_CODES);

  // ------------------------------------------------------------ listings (reading needs no login)
  router.get('/listings', async (req, res) => {
    const query = parse(pageQuery, req.query);
    const page = await openListings(ctx.db, query.limit, cursorOf(query.cursor));
    res.json({ listings: page.listings.map(presentListing), nextCursor: page.nextCursor });
  });

  router.get('/listings/:id', async (req, res) => {
    const { id } = parse(idParam, req.params);
    const listing = await findListing(ctx.db, id);
    if (!listing || listing.status === 'WITHDRAWN')
      throw orderHttpError('LISTING_NOT_FOUND', `no listing ${id}`);
    res.json(presentListing(listing));
  });

  router.post('/listings', user, async (req, res) => {
    const body = parse(listingBody, req.body);
    const outcome = await createListing(ctx, metaOf(req, res), userOf(res).userId, {
      title: body.title,
      description: body.description,
      priceKoinu: body.price,
      shippingDays: body.shippingDays,
    });
    respond(res, outcome, 201, presentListing);
  });

  router.patch('/listings/:id', user, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const body = parse(listingEditBody, req.body);
    const edit = {
      ...(body.title === undefined ? {} : { title: body.title }),
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.price === undefined ? {} : { priceKoinu: body.price }),
      ...(body.shippingDays === undefined ? {} : { shippingDays: body.shippingDays }),
    };
    const outcome = await changeListing(ctx, metaOf(req, res), userOf(res).userId, id, {
      kind: 'edit',
      edit,
    });
    respond(res, outcome, 200, presentListing);
  });

  router.post('/listings/:id/withdraw', user, async (req, res) => {
    const { id } = parse(idParam, req.params);
    parse(emptyBody, req.body);
    const outcome = await changeListing(ctx, metaOf(req, res), userOf(res).userId, id, { kind: 'withdraw' });
    respond(res, outcome, 200, presentListing);
  });

  // ------------------------------------------------------------ orders
  router.post('/orders', user, async (req, res) => {
    const { listingId } = parse(buyBody, req.body);
    const outcome = await buyListing(ctx, metaOf(req, res), userOf(res).userId, listingId);
    if (outcome.kind === 'done') {
      const { order } = outcome.value;
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      if (order.status === 'PAYMENT_FAILED') {
        // A clear refusal that still names the order, so the buyer can look at it later.
        const code = paymentFailureCode(order.failureCode);
        res.status(422).json({
          error: {
            code,
            message: order.failureReason ?? 'the payment failed',
            walletCode: order.failureCode,
          },
          order: presentOrder(outcome.value),
        });
        return;
      }
      // 201 once paid; 202 while the wallet's answer is still on its way (GET the order to follow it).
      res.status(order.status === 'PENDING_PAYMENT' ? 202 : 201).json(presentOrder(outcome.value));
      return;
    }
    respond(res, outcome, 201, presentOrder);
  });

  router.get('/orders', user, async (req, res) => {
    const query = parse(ordersQuery, req.query);
    const page = await ordersOf(
      ctx.db,
      { role: query.role, userId: userOf(res).userId },
      query.limit,
      cursorOf(query.cursor),
    );
    const orders = await Promise.all(page.orders.map((order) => readOrderDetails(ctx, order.id)));
    res.json({ orders: orders.map(presentOrder), nextCursor: page.nextCursor });
  });

  router.get('/orders/:id', user, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const details = await orderVisibleTo(ctx, userOf(res), id);
    if (!details) throw orderHttpError('ORDER_NOT_FOUND', `no order ${id}`);
    res.json(presentOrder(details));
  });

  const action = <Schema extends z.ZodType<Record<string, unknown>>>(
    path: string,
    schema: Schema,
    decide: (body: z.output<Schema>, actor: Actor) => (order: Order, now: Date) => Decision,
  ) => {
    router.post(`/orders/:id/${path}`, user, async (req, res) => {
      const { id } = parse(idParam, req.params);
      const body = parse(schema, req.body);
      const actor = userOf(res);
      const outcome = await actOnOrder(ctx, metaOf(req, res), id, `order.${path}`, body, decide(body, actor));
      respond(res, outcome, 200, presentOrder);
    });
  };
  const { windows } = ctx.settings;
  action(
    'ship',
    shipBody,
    (body, actor) => (order, now) => ship(order, actor, body.trackingNote, now, windows),
  );
  action('cancel', emptyBody, (_body, actor) => (order, now) => cancelBySeller(order, actor, now));
  action('confirm-receipt', emptyBody, (_body, actor) => (order, now) => confirmReceipt(order, actor, now));
  action(
    'dispute',
    disputeBody,
    (body, actor) => (order, now) => openDispute(order, actor, body.reason, now, windows),
  );

  return router;
}
