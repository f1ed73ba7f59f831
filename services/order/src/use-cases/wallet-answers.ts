/**
 * The wallet's answers (escrow.locked, escrow.lock-failed, escrow.released, ...), applied inside the
 * consumer's inbox transaction: lock the order, let the domain decide (a duplicate or a late answer
 * decides UNCHANGED), save. An answer about an order this service never made is dead-lettered.
 */
import type { Knex } from 'knex';
import { PermanentEventError } from '@dbay/platform';
import type { Decision } from '../domain/decisions.js';
import type { Order } from '../domain/order.js';
import { databaseNow } from '../adapters/db/clock.js';
import type { CrashPoints } from '../adapters/crash-points.js';
import { closeBoughtNow, reopenAfterFailedBuyNow } from './auction-close.js';
import { lockOrder } from '../adapters/db/orders.js';
import { saveTransition, type Correlation } from '../adapters/db/transitions.js';

/** A buy-it-now on an auction was paid or refused: the auction closes or goes on with it. */
async function settleAuctionBuyNow(
  trx: Knex.Transaction,
  order: Order,
  correlation: Correlation,
): Promise<void> {
  if (order.auctionId === null) return;
  if (order.status === 'PAID') await closeBoughtNow(trx, order, order.updatedAt, correlation);
  if (order.status === 'PAYMENT_FAILED') await reopenAfterFailedBuyNow(trx, order, order.updatedAt);
}

export async function applyWalletAnswer(
  trx: Knex.Transaction,
  orderId: string,
  correlation: Correlation,
  decide: (order: Order, now: Date) => Decision,
  crash: CrashPoints,
): Promise<Decision['kind']> {
  const order = await lockOrder(trx, orderId);
  if (!order) throw new PermanentEventError(`no order ${orderId} in this service`);
  crash.reach('before-answer-applied', order.listingId);
  const decision = decide(order, await databaseNow(trx));
  if (decision.kind === 'REFUSED') {
    // An answer the domain cannot apply is a contract break between the services, not a retryable error.
    throw new PermanentEventError(`order ${orderId}: ${decision.error.code}: ${decision.error.message}`);
  }
  if (decision.kind === 'ACCEPTED') {
    await saveTransition(trx, decision.transition, correlation);
    await settleAuctionBuyNow(trx, decision.transition.order, correlation);
  }
  return decision.kind;
}
