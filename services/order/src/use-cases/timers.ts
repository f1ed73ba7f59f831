/**
 * The timer poller's step: in one transaction, claim the due timers (FOR UPDATE SKIP LOCKED, so two
 * replicas never take the same one), lock each timer's order without waiting (an order a person is
 * changing right now is left for the next tick, which also keeps the two lock orders from deadlocking),
 * apply the domain's rule, and mark the timer fired. A timer whose order has moved on decides UNCHANGED
 * and is marked fired all the same: it fires once, and did nothing.
 */
import { onTimer } from '../domain/decisions.js';
import { databaseNow } from '../adapters/db/clock.js';
import { lockOrderIfFree } from '../adapters/db/orders.js';
import { claimDueTimers, markFired } from '../adapters/db/timers.js';
import { saveTransition } from '../adapters/db/transitions.js';
import type { OrderContext } from './context.js';

export interface TimerReport {
  fired: number;
  applied: number;
  deferred: number;
}

export async function fireDueTimers(ctx: OrderContext): Promise<TimerReport> {
  return ctx.db.transaction(async (trx) => {
    const due = await claimDueTimers(trx, ctx.settings.timerBatchSize);
    const report: TimerReport = { fired: 0, applied: 0, deferred: 0 };
    if (due.length === 0) return report;
    const now = await databaseNow(trx);
    for (const timer of due) {
      const order = await lockOrderIfFree(trx, timer.orderId);
      if (!order) {
        report.deferred += 1;
        continue;
      }
      await markFired(trx, timer.id, now);
      report.fired += 1;
      const decision = onTimer(order, timer.kind, now);
      if (decision.kind !== 'ACCEPTED') continue;
      await saveTransition(trx, decision.transition, {
        correlationId: `timer:${timer.id}`,
        causationId: null,
      });
      report.applied += 1;
    }
    return report;
  });
}
