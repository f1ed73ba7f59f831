/**
 * Durable timers: a row written in the transaction of the state change that starts it, stopped in the
 * transaction of the change that ends its watch, and claimed by the poller with FOR UPDATE SKIP LOCKED
 * so that two replicas never fire the same timer; firing marks it in the same transaction as its effect.
 */
import type { Knex } from 'knex';
import { TIMER_KINDS, type TimerKind } from '../../domain/order.js';

/** The auction's one timer: its close at the (possibly extended) end. */
export const AUCTION_CLOSE = 'AUCTION_CLOSE';
export type AuctionTimerKind = typeof AUCTION_CLOSE;

const TABLE = 'timers';

export async function startTimer(
  trx: Knex.Transaction,
  timer: { kind: TimerKind; orderId: string; dueAt: Date },
  now: Date,
): Promise<void> {
  await trx(TABLE).insert({
    kind: timer.kind,
    order_id: timer.orderId,
    due_at: timer.dueAt,
    created_at: now,
  });
}

export async function stopTimers(
  trx: Knex.Transaction,
  orderId: string,
  kinds: readonly TimerKind[],
  now: Date,
): Promise<void> {
  if (kinds.length === 0) return;
  await trx(TABLE)
    .where({ order_id: orderId })
    .whereIn('kind', [...kinds])
    .whereNull('fired_at')
    .whereNull('cancelled_at')
    .update({ cancelled_at: now });
}

export type DueTimer =
  | { id: string; kind: TimerKind; orderId: string; auctionId: null }
  | { id: string; kind: AuctionTimerKind; orderId: null; auctionId: string };

/** Claims up to `limit` due timers for this transaction; other replicas skip them. */
export async function claimDueTimers(trx: Knex.Transaction, limit: number): Promise<DueTimer[]> {
  const rows = await trx<{
    id: string;
    kind: string;
    order_id: string | null;
    auction_id: string | null;
    fired_at: Date | null;
    cancelled_at: Date | null;
  }>(TABLE)
    .select('id', 'kind', 'order_id', 'auction_id')
    .whereNull('fired_at')
    .whereNull('cancelled_at')
    .whereRaw('due_at <= order_now()')
    .orderBy('due_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  return rows.map((row): DueTimer => {
    if (row.kind === AUCTION_CLOSE && row.auction_id !== null) {
      return { id: row.id, kind: AUCTION_CLOSE, orderId: null, auctionId: row.auction_id };
    }
    if ((TIMER_KINDS as readonly string[]).includes(row.kind) && row.order_id !== null) {
      return { id: row.id, kind: row.kind as TimerKind, orderId: row.order_id, auctionId: null };
    }
    throw new Error(`timer ${row.id} has an unknown kind ${row.kind} or no subject`);
  });
}

/** Marks a claimed timer fired; the guard (not yet fired or stopped) makes a second firing impossible. */
export async function markFired(trx: Knex.Transaction, timerId: string, now: Date): Promise<void> {
  const updated = await trx(TABLE)
    .where({ id: timerId })
    .whereNull('fired_at')
    .whereNull('cancelled_at')
    .update({
      fired_at: now,
    });
  if (updated !== 1) throw new Error(`timer ${timerId} was fired or stopped by someone else`);
}

/** (Re)schedules an auction's close at its end: the live close timer moves, one live at a time. */
export async function scheduleAuctionClose(
  trx: Knex.Transaction,
  auctionId: string,
  dueAt: Date,
  now: Date,
): Promise<void> {
  await stopAuctionClose(trx, auctionId, now);
  await trx(TABLE).insert({ kind: AUCTION_CLOSE, auction_id: auctionId, due_at: dueAt, created_at: now });
}

export async function stopAuctionClose(trx: Knex.Transaction, auctionId: string, now: Date): Promise<void> {
  await trx(TABLE)
    .where({ auction_id: auctionId, kind: AUCTION_CLOSE })
    .whereNull('fired_at')
    .whereNull('cancelled_at')
    .update({ cancelled_at: now });
}

export interface LiveTimer {
  kind: TimerKind;
  dueAt: Date;
}
