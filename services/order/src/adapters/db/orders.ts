/** The orders table and each order's history: read, lock, write (version guarded), list by party. */
import type { Knex } from 'knex';
import { actorLabel, type Order, type OrderStatus, type TimerKind } from '../../domain/order.js';
import type { Transition } from '../../domain/decisions.js';
import { decodeCursor, encodeCursor } from './listings.js';
import { orderFromRow, orderToRow, type OrderRow } from './rows.js';
import type { LiveTimer } from './timers.js';

const TABLE = 'orders';
const HISTORY = 'order_history';
const TIMERS = 'timers';

export async function lockOrder(trx: Knex.Transaction, id: string): Promise<Order | undefined> {
  const row = await trx<OrderRow>(TABLE).where({ id }).forUpdate().first();
  return row && orderFromRow(row);
}

/** The order locked for this transaction, or undefined when another transaction holds it now. */
export async function lockOrderIfFree(trx: Knex.Transaction, id: string): Promise<Order | undefined> {
  const row = await trx<OrderRow>(TABLE).where({ id }).forUpdate().skipLocked().first();
  return row && orderFromRow(row);
}

export async function insertOrder(trx: Knex.Transaction, order: Order): Promise<void> {
  const row = orderToRow(order);
  await trx(TABLE).insert({
    id: row.id,
    listing_id: row.listing_id,
    auction_id: row.auction_id,
    buyer_id: row.buyer_id,
    seller_id: row.seller_id,
    title: row.title,
    amount_koinu: row.amount_koinu,
    fee_koinu: row.fee_koinu,
    status: row.status,
    escrow_locked_at: row.escrow_locked_at,
    escrow_frozen_at: row.escrow_frozen_at,
    shipping_days: row.shipping_days,
    tracking_note: row.tracking_note,
    dispute_reason: row.dispute_reason,
    failure_code: row.failure_code,
    failure_reason: row.failure_reason,
    resolution: row.resolution,
    resolved_by: row.resolved_by,
    buyer_refund_koinu: row.buyer_refund_koinu,
    seller_credit_koinu: row.seller_credit_koinu,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

/** Saves an order a decision changed; the version guard makes a lost update a loud failure. */
export async function updateOrder(trx: Knex.Transaction, order: Order): Promise<void> {
  const row = orderToRow(order);
  const updated = await trx(TABLE)
    .where({ id: row.id, version: row.version - 1 })
    .update({
      status: row.status,
      escrow_locked_at: row.escrow_locked_at,
      escrow_frozen_at: row.escrow_frozen_at,
      tracking_note: row.tracking_note,
      dispute_reason: row.dispute_reason,
      failure_code: row.failure_code,
      failure_reason: row.failure_reason,
      resolution: row.resolution,
      resolved_by: row.resolved_by,
      buyer_refund_koinu: row.buyer_refund_koinu,
      seller_credit_koinu: row.seller_credit_koinu,
      version: row.version,
      updated_at: row.updated_at,
    });
  if (updated !== 1) throw new Error(`order ${order.id} changed concurrently (version ${row.version - 1})`);
}

export async function appendHistory(trx: Knex.Transaction, transition: Transition): Promise<void> {
  await trx(HISTORY).insert({
    order_id: transition.order.id,
    from_status: transition.from,
    to_status: transition.order.status,
    cause: transition.cause,
    actor: actorLabel(transition.actor),
    detail: transition.detail,
    at: transition.order.updatedAt,
  });
}

export interface HistoryEntry {
  from: OrderStatus | null;
  to: OrderStatus;
  cause: string;
  actor: string;
  detail: string | null;
  at: Date;
}

/** An order with its history (oldest first) and its live timers (soonest first). */
export interface OrderWithHistory {
  order: Order;
  history: HistoryEntry[];
  timers: LiveTimer[];
}

/**
 * The order, its history and its live timers in one statement: a buy is answered with all three, and
 * under load each round trip to Postgres costs more than the rows. The history and the timers come as
 * JSON arrays (no amount is in them; their times are ISO strings, read to the millisecond as pg reads
 * a timestamptz).
 */
export async function findOrderWithHistory(db: Knex, id: string): Promise<OrderWithHistory | undefined> {
  const { rows } = await db.raw<{
    rows: (OrderRow & {
      history_json: {
        from: OrderStatus | null;
        to: OrderStatus;
        cause: string;
        actor: string;
        detail: string | null;
        at: string;
      }[];
      timers_json: { kind: TimerKind; dueAt: string }[];
    })[];
  }>(
    `SELECT o.*,
            (SELECT coalesce(json_agg(json_build_object('from', h.from_status, 'to', h.to_status,
                       'cause', h.cause, 'actor', h.actor, 'detail', h.detail, 'at', h.at) ORDER BY h.seq), '[]')
               FROM ${HISTORY} h WHERE h.order_id = o.id) AS history_json,
            (SELECT coalesce(json_agg(json_build_object('kind', t.kind, 'dueAt', t.due_at) ORDER BY t.due_at), '[]')
               FROM ${TIMERS} t
              WHERE t.order_id = o.id AND t.fired_at IS NULL AND t.cancelled_at IS NULL) AS timers_json
       FROM ${TABLE} o
      WHERE o.id = ?`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { history_json: history, timers_json: timers, ...orderRow } = row;
  return {
    order: orderFromRow(orderRow),
    history: history.map((entry) => ({ ...entry, at: new Date(entry.at) })),
    timers: timers.map((timer) => ({ kind: timer.kind, dueAt: new Date(timer.dueAt) })),
  };
}

export interface OrderPage {
  orders: Order[];
  nextCursor: string | null;
}

/** A user's orders as buyer or seller, newest first. */
export async function ordersOf(
  db: Knex,
  party: { role: 'buyer' | 'seller'; userId: string },
  limit: number,
  cursor: string | null,
): Promise<OrderPage> {
  const query = db<OrderRow>(TABLE)
    .where(party.role === 'buyer' ? { buyer_id: party.userId } : { seller_id: party.userId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  return page(query, limit, cursor);
}

/** Open disputes, oldest first (the operators' queue). */
export async function openDisputes(db: Knex, limit: number, cursor: string | null): Promise<OrderPage> {
  const query = db<OrderRow>(TABLE)
    .where({ status: 'DISPUTED' })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  return page(query, limit, cursor);
}

async function page(
  query: Knex.QueryBuilder<OrderRow, OrderRow[]>,
  limit: number,
  cursor: string | null,
): Promise<OrderPage> {
  const after = cursor === null ? null : decodeCursor(cursor);
  if (after) void query.whereRaw('(created_at, id) < (?, ?)', [after.createdAt, after.id]);
  const rows = await query;
  const orders = rows.slice(0, limit).map(orderFromRow);
  const last = orders[orders.length - 1];
  return { orders, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}
