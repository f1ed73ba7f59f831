/**
 * Buying a listing and acting on an order (ship, cancel, confirm receipt, dispute, resolve): each is
 * one transaction that locks the order, asks the domain, and saves the transition with its commands
 * and events. A buy then waits (briefly) for the wallet's answer, so the buyer usually learns at once
 * whether they paid.
 */
import type { Knex } from 'knex';
import type { Decision } from '../domain/decisions.js';
import { orderError } from '../domain/errors.js';
import { placeOrder } from '../domain/listing.js';
import { roleOf, type Actor, type Order } from '../domain/order.js';
import { lockListing } from '../adapters/db/listings.js';
import { findOrderWithHistory, lockOrder, type OrderWithHistory } from '../adapters/db/orders.js';
import { saveTransition } from '../adapters/db/transitions.js';
import type { OrderContext, RequestMeta } from './context.js';
import { runIdempotent, type Step } from './idempotent.js';
import type { CommandOutcome } from './outcome.js';

export type OrderDetails = OrderWithHistory;

export async function readOrderDetails(ctx: OrderContext, orderId: string): Promise<OrderDetails> {
  const details = await findOrderWithHistory(ctx.db, orderId);
  if (!details) throw new Error(`order ${orderId} vanished`);
  return details;
}

/** The order if the actor may see it (a party, or an operator); strangers learn nothing. */
export async function orderVisibleTo(
  ctx: OrderContext,
  actor: Actor,
  orderId: string,
): Promise<OrderDetails | undefined> {
  const details = await findOrderWithHistory(ctx.db, orderId);
  if (!details || roleOf(details.order, actor) === 'stranger') return undefined;
  return details;
}

async function saveDecision(
  trx: Knex.Transaction,
  decision: Decision,
  orderId: string,
  meta: RequestMeta,
): Promise<Step> {
  switch (decision.kind) {
    case 'REFUSED':
      return { kind: 'refused', error: decision.error };
    case 'UNCHANGED':
      return { kind: 'done', resourceId: orderId };
    case 'ACCEPTED':
      await saveTransition(trx, decision.transition, {
        correlationId: meta.correlationId,
        causationId: null,
      });
      return { kind: 'done', resourceId: decision.transition.order.id };
    default: {
      const unknown: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
    }
  }
}

export async function buyListing(
  ctx: OrderContext,
  meta: RequestMeta,
  buyerId: string,
  listingId: string,
): Promise<CommandOutcome<OrderDetails>> {
  const outcome = await runIdempotent(
    ctx,
    meta,
    'order.buy',
    { listingId },
    async (trx, now) => {
      const listing = await lockListing(trx, listingId);
      if (!listing)
        return { kind: 'refused', error: orderError('LISTING_NOT_FOUND', `no listing ${listingId}`) };
      const orderId = ctx.newId();
      const decision = placeOrder(
        listing,
        { kind: 'user', userId: buyerId },
        orderId,
        ctx.settings.feeBasisPoints,
        now,
      );
      return saveDecision(trx, decision, orderId, meta);
    },
    (orderId) => Promise.resolve(orderId),
  );
  if (outcome.kind === 'done' && !outcome.replayed) ctx.crash.reach('after-order-committed', listingId);
  return afterPaymentAnswer(ctx, outcome);
}

/**
 * The answer to a buy: the order (new or replayed) once the wallet has answered its payment, or as it
 * stands when `paymentWaitMs` ran out first (still PENDING_PAYMENT, which the API answers 202). The
 * order is read once, after the wait: a buy under load is a handful of statements, and reading it before
 * the wait as well would add three.
 */
export async function afterPaymentAnswer(
  ctx: OrderContext,
  outcome: CommandOutcome<string>,
): Promise<CommandOutcome<OrderDetails>> {
  if (outcome.kind !== 'done') return outcome;
  await ctx.waiter.waitForPaymentAnswer(outcome.value, ctx.settings.paymentWaitMs);
  return { ...outcome, value: await readOrderDetails(ctx, outcome.value) };
}

/** One action by a person on one order; `decide` is the domain's rule for it. */
export function actOnOrder(
  ctx: OrderContext,
  meta: RequestMeta,
  orderId: string,
  operation: string,
  request: Record<string, unknown>,
  decide: (order: Order, now: Date) => Decision,
): Promise<CommandOutcome<OrderDetails>> {
  return runIdempotent(
    ctx,
    meta,
    operation,
    { orderId, ...request },
    async (trx, now) => {
      const order = await lockOrder(trx, orderId);
      if (!order) return { kind: 'refused', error: orderError('ORDER_NOT_FOUND', `no order ${orderId}`) };
      return saveDecision(trx, decide(order, now), orderId, meta);
    },
    (id) => readOrderDetails(ctx, id),
  );
}
