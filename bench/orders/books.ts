/**
 * What bench:orders checks after its run: the wallet's books, the order service's orders against the
 * wallet's escrows (read as the superuser, the only role that sees both schemas), and what either
 * service dead-lettered (none, when the order service never saw the baseline's answers).
 */
import { onDatabase, type ThrowawayDatabase } from '@dbay/testing';
import { checkWalletBooks } from '../support/database.js';
import { messagesOn, topicsConsumedBy } from '../support/kafka.js';

const SETTLE_TIMEOUT_MS = 60_000;
const SETTLE_POLL_MS = 200;

/** Waits until no order awaits the wallet's answer (or time runs out); resolves with how many still do. */
export async function waitUntilNoPaymentPending(database: ThrowawayDatabase): Promise<number> {
  return onDatabase(database.adminUrl, async (db) => {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const [row] = (
        await db.raw<{ rows: { pending: string }[] }>(
          `SELECT COUNT(*) AS pending FROM "order".orders WHERE status = 'PENDING_PAYMENT'`,
        )
      ).rows;
      const pending = Number(row?.pending ?? 0);
      if (pending === 0 || Date.now() > deadline) return pending;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  });
}

interface OrderBooks {
  paid: string;
  failed: string;
  other: string;
  sold: string;
  paid_without_their_escrow: string;
  without_escrow: string;
  failed_with_escrow: string;
}

/**
 * Every PAID order has exactly one LOCKED escrow of its amount, fee, buyer and seller (escrow amounts
 * are DOGE, order amounts koinu); no order but a failed one is without an escrow; no failed one has one.
 */
export async function checkOrderBooks(database: ThrowawayDatabase): Promise<string[]> {
  const wallet = await checkWalletBooks(database.urlOf('wallet'));
  const books = await onDatabase(database.adminUrl, async (db) => {
    const [row] = (
      await db.raw<{ rows: OrderBooks[] }>(
        `SELECT
           (SELECT COUNT(*) FROM "order".orders WHERE status = 'PAID') AS paid,
           (SELECT COUNT(*) FROM "order".orders WHERE status = 'PAYMENT_FAILED') AS failed,
           (SELECT COUNT(*) FROM "order".orders WHERE status NOT IN ('PAID', 'PAYMENT_FAILED')) AS other,
           (SELECT COUNT(*) FROM "order".listings WHERE status = 'SOLD') AS sold,
           (SELECT COUNT(*) FROM "order".orders o WHERE o.status = 'PAID' AND (
              SELECT COUNT(*) FROM wallet.escrow e
              WHERE e.order_id = o.id AND e.status = 'LOCKED' AND e.amount * 100000000 = o.amount_koinu
                AND e.fee_amount * 100000000 = o.fee_koinu AND e.buyer_id = o.buyer_id AND e.seller_id = o.seller_id
           ) <> 1) AS paid_without_their_escrow,
           (SELECT COUNT(*) FROM "order".orders o WHERE o.status <> 'PAYMENT_FAILED'
              AND NOT EXISTS (SELECT 1 FROM wallet.escrow e WHERE e.order_id = o.id)) AS without_escrow,
           (SELECT COUNT(*) FROM "order".orders o WHERE o.status = 'PAYMENT_FAILED'
              AND EXISTS (SELECT 1 FROM wallet.escrow e WHERE e.order_id = o.id)) AS failed_with_escrow`,
      )
    ).rows;
    if (!row) throw new Error('the books query returned nothing');
    return row;
  });
  return [
    `books, wallet: ${wallet}`,
    `books, orders: ${books.paid} PAID (${books.sold} listings SOLD), ${books.failed} PAYMENT_FAILED, ${books.other} in another state; ` +
      `${books.paid_without_their_escrow} PAID without exactly one LOCKED escrow of their amount, ` +
      `${books.without_escrow} orders without an escrow, ${books.failed_with_escrow} failed orders with one`,
  ];
}

/** Messages on the dead-letter topics of what the order service and the wallet consume. */
export async function deadLettered(brokers: string): Promise<string> {
  const dlq = async (service: string) =>
    messagesOn(
      brokers,
      (await topicsConsumedBy(service)).map((topic) => `${topic}.dlq`),
    );
  return `dead-lettered: ${await dlq('order')} by the order service, ${await dlq('wallet')} by the wallet`;
}
