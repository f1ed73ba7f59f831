/**
 * Saves one decided transition in the caller's transaction: the order (new or changed), its history
 * row, the timers it starts and stops, the listing it moves, the wallet commands and order events in
 * the outbox, and, once the order has left PENDING_PAYMENT, a NOTIFY that wakes any request waiting for
 * the payment's answer (delivered on commit only).
 */
import type { Knex } from 'knex';
import { enqueueEvents } from '@dbay/platform';
import type { Transition } from '../../domain/decisions.js';
import { orderEventMessage, walletCommandMessage, type OutboundMessage } from '../../domain/messages.js';
import { setListingStatus } from './listings.js';
import { appendHistory, insertOrder, updateOrder } from './orders.js';
import { startTimer, stopTimers } from './timers.js';

/** The NOTIFY channel of order changes; the payload is the order id. */
export const ORDER_CHANGED_CHANNEL = 'dbay_order_changed';

export interface Correlation {
  correlationId: string;
  causationId: string | null;
}

export async function saveTransition(
  trx: Knex.Transaction,
  transition: Transition,
  correlation: Correlation,
): Promise<void> {
  const { order } = transition;
  const now = order.updatedAt;
  if (transition.from === null) await insertOrder(trx, order);
  else await updateOrder(trx, order);
  await appendHistory(trx, transition);
  await stopTimers(trx, order.id, transition.stopTimers, now);
  for (const timer of transition.startTimers) await startTimer(trx, { ...timer, orderId: order.id }, now);
  if (transition.listing !== null && order.listingId !== null) {
    await setListingStatus(trx, order.listingId, transition.listing, order.id, now);
  }
  const messages: OutboundMessage[] = [
    ...transition.commands.map((command) => walletCommandMessage(order, command)),
    ...transition.events.map((event) => orderEventMessage(order, event)),
  ];
  await enqueueEvents(
    trx,
    messages.map((message) => ({ ...message, ...correlation })),
  );
  // Only a request waiting for the payment's answer listens (order-change-waiter.ts), and it waits for
  // the order to leave PENDING_PAYMENT: a new order's NOTIFY would only wake it to look again.
  if (order.status !== 'PENDING_PAYMENT') {
    await trx.raw('SELECT pg_notify(?, ?)', [ORDER_CHANGED_CHANNEL, order.id]);
  }
}
