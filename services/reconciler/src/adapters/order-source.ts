/**
 * The order service's orders beside the wallet's escrows, through the reconciler's read-only role.
 * Every order and every escrow is streamed through a cursor, paired by order id: which pairs agree
 * depends on statuses and the grace period, so the whole comparison is the check's (domain/checks/
 * order-escrow.ts). orders.amount_koinu is BIGINT koinu; wallet.escrow.amount is NUMERIC(20,8) DOGE.
 *
 * The order service stamps its rows with its own clock, order_now(): the database's clock plus an
 * offset that only a development stack's test clock moves, and only forward. The pairs come out with
 * the order's times put back on the database's clock, the one every other timestamp is judged by, so an
 * order changed a moment ago is a moment old even on a stack whose test clock ran days ahead.
 */
import type { Knex } from 'knex';
import { koinuFromBigintColumn, koinuFromDecimalColumn } from '@dbay/money';
import { ESCROW_STATUSES, ORDER_STATUSES, type OrderEscrowPair } from '../domain/checks/order-escrow.js';
import type { OrderReads } from '../ports.js';
import { quoted, select, statusFrom, stream } from './sql.js';

interface PairRow {
  order_id: string;
  order_status: string | null;
  amount_koinu: string | null;
  auction_id: string | null;
  order_updated_at: Date | null;
  escrow_status: string | null;
  escrow_amount: string | null;
  escrow_buyer_id: string | null;
  escrow_updated_at: Date | null;
}

/**
 * How far the order service's clock runs ahead of the database's (0 outside a development stack):
 * subtracted from every time the order service stamped.
 */
export async function orderClockOffsetMs(knex: Knex, orderSchema: string): Promise<number> {
  const [row] = await select<{ order_now: Date; database_now: Date }>(
    knex,
    `SELECT ${orderSchema}.order_now() AS order_now, clock_timestamp() AS database_now`,
  );
  if (!row) throw new Error("the order service's clock did not answer");
  return row.order_now.getTime() - row.database_now.getTime();
}

export class OrderSource implements OrderReads {
  private readonly o: string;
  private readonly w: string;

  constructor(
    private readonly knex: Knex,
    schemas: { order: string; wallet: string },
  ) {
    this.o = quoted(schemas.order);
    this.w = quoted(schemas.wallet);
  }

  async *orderEscrowPairs(): AsyncGenerator<OrderEscrowPair> {
    const offsetMs = await orderClockOffsetMs(this.knex, this.o);
    const sql = `
      SELECT COALESCE(o.id, e.order_id) AS order_id,
             o.status AS order_status, o.amount_koinu, o.auction_id, o.updated_at AS order_updated_at,
             e.status AS escrow_status, e.amount AS escrow_amount, e.buyer_id AS escrow_buyer_id,
             e.updated_at AS escrow_updated_at
      FROM ${this.o}.orders o FULL OUTER JOIN ${this.w}.escrow e ON e.order_id = o.id
      ORDER BY 1`;
    for await (const row of stream<PairRow>(this.knex, sql)) {
      yield {
        orderId: row.order_id,
        order:
          row.order_status === null
            ? null
            : {
                status: statusFrom(ORDER_STATUSES, row.order_status, 'orders.status'),
                amountKoinu: koinuFromBigintColumn(row.amount_koinu!),
                auctionId: row.auction_id,
                updatedAt: new Date(row.order_updated_at!.getTime() - offsetMs),
              },
        escrow:
          row.escrow_status === null
            ? null
            : {
                status: statusFrom(ESCROW_STATUSES, row.escrow_status, 'escrow.status'),
                amountKoinu: koinuFromDecimalColumn(row.escrow_amount!),
                buyerId: row.escrow_buyer_id!,
                updatedAt: row.escrow_updated_at!,
              },
      };
    }
  }
}
