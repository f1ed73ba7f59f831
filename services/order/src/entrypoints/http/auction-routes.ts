/**
 * The auction API under /v1 (user tokens, the same rules as the rest of the marketplace). Reading open
 * auctions needs no login; a signed-in reader sees which bids are theirs. Bidders are pseudonymous to
 * everyone else ("bidder 2"), and a bidder's maximum is never shown to anyone but them.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  dogeAmountField,
  requireToken,
  uuidField,
  type Principal,
  type RouteDoc,
  type TokenVerifier,
} from '@dbay/platform';
import { findAuction, openAuctions } from '../../adapters/db/auctions.js';
import { bidsOfAuction, bidsOfBidder } from '../../adapters/db/bids.js';
import { databaseNow } from '../../adapters/db/clock.js';
import { buyAuctionNow } from '../../use-cases/auction-buy-now.js';
import { cancelAuction, openAuction } from '../../use-cases/auctions.js';
import { placeBid } from '../../use-cases/bidding.js';
import type { OrderContext } from '../../use-cases/context.js';
import {
  ORDER_TOKEN_CODES,
  orderHttpError,
  paymentFailureCode,
  type OrderServiceErrorCode,
} from './error-table.js';
import { presentAuction, presentBid, presentOrder } from './present.js';
import {
  auctionBody,
  auctionsBody,
  bidsBody,
  orderBody,
  paymentFailedBody,
  placedBidBody,
} from './responses.js';
import { cursorOf, metaOf, parse, userOf } from './request.js';
import { respond } from './respond.js';

const MINUTE_MS = 60_000;
const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();
const idParam = z.object({ id: uuidField }).strict();
const openBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(5_000).default(''),
    startPrice: dogeAmountField,
    reserve: dogeAmountField.optional(),
    buyNow: dogeAmountField.optional(),
    /** Either an end time or a duration. */
    endsAt: z.iso.datetime({ offset: true }).optional(),
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 60)
      .optional(),
    shippingDays: z.number().int().min(1).max(60).default(14),
  })
  .strict()
  .refine((body) => (body.endsAt === undefined) !== (body.durationMinutes === undefined), {
    message: 'give either endsAt or durationMinutes',
  });
const bidBody = z.object({ maximum: dogeAmountField }).strict();
const emptyBody = z.object({}).strict();
const limitQuery = pageQuery.pick({ limit: true });

/** The routes below as the OpenAPI document shows them (openapi.ts mounts them at /v1, as main.ts does). */
export const auctionRouteDocs: readonly RouteDoc<OrderServiceErrorCode>[] = [
  {
    method: 'get',
    path: '/auctions',
    summary: 'Open auctions (no login needed; a signed-in reader sees which bids are theirs)',
    auth: 'optional-user',
    query: pageQuery,
    responses: { 200: { description: 'A page of auctions', schema: auctionsBody } },
  },
  {
    method: 'get',
    path: '/auctions/:id',
    summary: 'One auction with its bid history (bidders pseudonymous)',
    auth: 'optional-user',
    params: idParam,
    responses: { 200: { description: 'The auction', schema: auctionBody } },
    errors: ['AUCTION_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/auctions',
    summary: 'Open an auction (an end time or a duration; optional reserve and buy-it-now price)',
    auth: 'user',
    idempotencyKey: true,
    body: openBody,
    responses: { 201: { description: 'The auction, OPEN', schema: auctionBody } },
    errors: [
      'AUCTION_START_PRICE_NOT_POSITIVE',
      'AUCTION_RESERVE_BELOW_START',
      'AUCTION_BUY_NOW_TOO_LOW',
      'AUCTION_BUY_NOW_BELOW_RESERVE',
      'AUCTION_END_INVALID',
      'AUCTION_END_TOO_SOON',
      'AUCTION_END_TOO_LATE',
    ],
  },
  {
    method: 'post',
    path: '/auctions/:id/cancel',
    summary: 'Seller: cancel an auction that has no bids',
    auth: 'user',
    idempotencyKey: true,
    params: idParam,
    body: emptyBody,
    responses: { 200: { description: 'The auction, ended UNSOLD', schema: auctionBody } },
    errors: [
      'AUCTION_NOT_FOUND',
      'AUCTION_NOT_SELLER',
      'AUCTION_CLOSED',
      'AUCTION_HAS_BIDS',
      'AUCTION_BUY_NOW_PENDING',
    ],
  },
  {
    method: 'post',
    path: '/auctions/:id/bids',
    summary: 'Bid your maximum (the wallet locks it first; proxy bidding prices it)',
    auth: 'user',
    idempotencyKey: true,
    params: idParam,
    body: bidBody,
    responses: {
      201: { description: 'Your bid and the auction after it', schema: placedBidBody },
      202: {
        description:
          'A replay (same Idempotency-Key) of a bid still being placed: its request died or the wallet did not answer; GET /v1/bids follows it',
        schema: placedBidBody,
      },
    },
    errors: [
      'AUCTION_NOT_FOUND',
      'AUCTION_CLOSED',
      'AUCTION_OWN_AUCTION',
      'AUCTION_BID_IN_PROGRESS',
      'AUCTION_BID_NOT_HIGHER',
      'AUCTION_BID_INTERRUPTED',
      'AUCTION_BID_TOO_LOW',
      'AUCTION_INSUFFICIENT_FUNDS',
      'AUCTION_WALLET_UNAVAILABLE',
    ],
  },
  {
    method: 'post',
    path: '/auctions/:id/buy-now',
    summary: "Buy at the auction's buy-it-now price (paid like a listing)",
    auth: 'user',
    idempotencyKey: true,
    params: idParam,
    body: emptyBody,
    responses: {
      201: { description: 'The order, PAID', schema: orderBody },
      202: {
        description: "The order, PENDING_PAYMENT: the wallet's answer is on its way",
        schema: orderBody,
      },
      422: { description: 'The payment failed; the order is PAYMENT_FAILED', schema: paymentFailedBody },
    },
    errors: [
      'AUCTION_NOT_FOUND',
      'AUCTION_CLOSED',
      'AUCTION_OWN_AUCTION',
      'AUCTION_BUY_NOW_NOT_OFFERED',
      'AUCTION_BUY_NOW_PENDING',
      'AUCTION_BID_IN_PROGRESS',
      'ORDER_UNAVAILABLE',
    ],
  },
  {
    method: 'get',
    path: '/bids',
    summary: 'Your bids, newest first, with what became of each',
    auth: 'user',
    query: limitQuery,
    responses: { 200: { description: 'Your bids', schema: bidsBody } },
  },
];

/** The reader of a public page, when they sent a valid user token; anonymous otherwise. */
function optionalUser(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header) {
      try {
        res.locals.viewer = await verifier.authenticate(header, { kind: 'user' });
      } catch {
        // A public page does not fail on a stale token: it is shown as to anyone.
      }
    }
    next();
  };
}

function viewerOf(res: { locals: Record<string, unknown> }): string | null {
  const viewer = res.locals.viewer as Principal | undefined;
  return viewer?.kind === 'user' ? viewer.userId : null;
}

async function endOf(ctx: OrderContext, body: z.output<typeof openBody>): Promise<Date> {
  if (body.endsAt !== undefined) return new Date(body.endsAt);
  const now = await databaseNow(ctx.db);
  return new Date(now.getTime() + (body.durationMinutes ?? 0) * MINUTE_MS);
}

export function auctionRoutes(ctx: OrderContext, verifier: TokenVerifier): Router {
  const router = Router();
  const user: RequestHandler = requireToken(verifier, { kind: 'user' }, ORDER_TOKEN_CODES);
  const reader = optionalUser(verifier);
  const { ladder } = ctx.settings.auctions;

  router.get('/auctions', reader, async (req, res) => {
    const query = parse(pageQuery, req.query);
    const page = await openAuctions(ctx.db, query.limit, cursorOf(query.cursor));
    res.json({
      auctions: page.auctions.map((record) => presentAuction(record, [], viewerOf(res), ladder)),
      nextCursor: page.nextCursor,
    });
  });

  router.get('/auctions/:id', reader, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const record = await findAuction(ctx.db, id);
    if (!record) throw orderHttpError('AUCTION_NOT_FOUND', `no auction ${id}`);
    res.json(presentAuction(record, await bidsOfAuction(ctx.db, id), viewerOf(res), ladder));
  });

  router.post('/auctions', user, async (req: Request, res) => {
    const body = parse(openBody, req.body);
    const outcome = await openAuction(ctx, metaOf(req, res), userOf(res).userId, {
      title: body.title,
      description: body.description,
      shippingDays: body.shippingDays,
      startPriceKoinu: body.startPrice,
      reserveKoinu: body.reserve ?? null,
      buyNowKoinu: body.buyNow ?? null,
      endsAt: await endOf(ctx, body),
    });
    respond(res, outcome, 201, (record) => presentAuction(record, [], userOf(res).userId, ladder));
  });

  router.post('/auctions/:id/cancel', user, async (req, res) => {
    const { id } = parse(idParam, req.params);
    parse(emptyBody, req.body);
    const outcome = await cancelAuction(ctx, metaOf(req, res), userOf(res).userId, id);
    respond(res, outcome, 200, (record) => presentAuction(record, [], userOf(res).userId, ladder));
  });

  router.post('/auctions/:id/bids', user, async (req, res) => {
    const { id } = parse(idParam, req.params);
    const { maximum } = parse(bidBody, req.body);
    const bidderId = userOf(res).userId;
    const outcome = await placeBid(ctx, metaOf(req, res), { auctionId: id, bidderId, maxKoinu: maximum });
    if (outcome.kind === 'done') {
      const bids = await bidsOfAuction(ctx.db, id);
      if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
      // A replay of a bid still being placed (its request died or the wallet did not answer): 202.
      res.status(outcome.value.bid.outcome === 'PENDING' ? 202 : 201).json({
        bid: presentBid(outcome.value.bid, outcome.value.auction),
        auction: presentAuction(outcome.value.auction, bids, bidderId, ladder),
      });
      return;
    }
    respond(res, outcome, 201, () => undefined);
  });

  router.post('/auctions/:id/buy-now', user, async (req, res) => {
    const { id } = parse(idParam, req.params);
    parse(emptyBody, req.body);
    const outcome = await buyAuctionNow(ctx, metaOf(req, res), userOf(res).userId, id);
    if (outcome.kind === 'done' && outcome.value.order.status === 'PAYMENT_FAILED') {
      const { order } = outcome.value;
      res.status(422).json({
        error: {
          code: paymentFailureCode(order.failureCode),
          message: order.failureReason ?? 'the payment failed',
          walletCode: order.failureCode,
        },
        order: presentOrder(outcome.value),
      });
      return;
    }
    const pending = outcome.kind === 'done' && outcome.value.order.status === 'PENDING_PAYMENT';
    respond(res, outcome, pending ? 202 : 201, presentOrder);
  });

  router.get('/bids', user, async (req, res) => {
    const { limit } = parse(limitQuery, req.query);
    const bids = await bidsOfBidder(ctx.db, userOf(res).userId, limit);
    const auctions = new Map<string, Awaited<ReturnType<typeof findAuction>>>();
    for (const bid of bids)
      if (!auctions.has(bid.auctionId)) auctions.set(bid.auctionId, await findAuction(ctx.db, bid.auctionId));
    res.json({
      bids: bids.flatMap((bid) => {
        const record = auctions.get(bid.auctionId);
        return record ? [presentBid(bid, record)] : [];
      }),
    });
  });

  return router;
}
