/**
 * The timer poller's step: in one transaction, claim the due timers (FOR UPDATE SKIP LOCKED, so two
 * replicas never take the same one), lock each timer's subject without waiting (an order or auction
 * someone is changing right now is left for the next tick, which also keeps the lock orders from
 * deadlocking), apply the domain's rule, and mark the timer fired. A timer whose order has moved on
 * decides UNCHANGED and is marked fired all the same: it fires once, and did nothing.
 */
import type { Knex } from 'knex';
import { onTimer } from '../domain/decisions.js';
import { databaseNow } from '../adapters/db/clock.js';
import { lockOrderIfFree } from '../adapters/db/orders.js';
import { claimDueTimers, markFired, type DueTimer } from '../adapters/db/timers.js';
import { saveTransition } from '../adapters/db/transitions.js';
import { fireAuctionClose } from './auction-close.js';
import type { OrderContext } from './context.js';

export interface TimerReport {
  fired: number;
  applied: number;
  deferred: number;
}

type Fired = 'applied' | 'nothing' | 'deferred';

async function fireOrderTimer(
  trx: Knex.Transaction,
  timer: Extract<DueTimer, { orderId: string }>,
  now: Date,
): Promise<Fired> {
  const order = await lockOrderIfFree(trx, timer.orderId);
  if (!order) return 'deferred';
  await markFired(trx, timer.id, now);
  const decision = onTimer(order, timer.kind, now);
  if (decision.kind !== 'ACCEPTED') return 'nothing';
  await saveTransition(trx, decision.transition, { correlationId: `timer:${timer.id}`, causationId: null });
  return 'applied';
}

export async function fireDueTimers(ctx: OrderContext): Promise<TimerReport> {
  return ctx.db.transaction(async (trx) => {
    const due = await claimDueTimers(trx, ctx.settings.timerBatchSize);
    const report: TimerReport = { fired: 0, applied: 0, deferred: 0 };
    if (due.length === 0) return report;
    const now = await databaseNow(trx);
    for (const timer of due) {
      let fired: Fired;
      if (timer.auctionId !== null) {
        const result = await fireAuctionClose(ctx, trx, { id: timer.id, auctionId: timer.auctionId }, now);
        fired = result === 'deferred' ? 'deferred' : result === 'closed' ? 'applied' : 'nothing';
      } else {
        fired = await fireOrderTimer(trx, timer, now);
      }
      if (fired === 'deferred') report.deferred += 1;
      else report.fired += 1;
      if (fired === 'applied') report.applied += 1;
    }
    return report;
  });
}
