/**
 * Buy-it-now on an auction, while it is still offered: an order for the buy-it-now price, paid like a
 * listing (escrow.lock-requested from the buyer's available balance). The auction holds it as pending
 * (bids and the close wait) until the wallet answers: paid, the auction closes as bought now; refused,
 * it goes on (auction-close.ts). The request waits briefly for that answer, as a buy does.
 */
import { buyNow } from '../domain/auction/index.js';
import { buyNowOrder } from '../domain/auction-records.js';
import { orderError } from '../domain/errors.js';
import { lockAuction, updateAuction } from '../adapters/db/auctions.js';
import { hasPendingBid } from '../adapters/db/bids.js';
import { saveTransition } from '../adapters/db/transitions.js';
import type { OrderContext, RequestMeta } from './context.js';
import { runIdempotent } from './idempotent.js';
import { afterPaymentAnswer, type OrderDetails } from './orders.js';
import type { CommandOutcome } from './outcome.js';

export async function buyAuctionNow(
  ctx: OrderContext,
  meta: RequestMeta,
  buyerId: string,
  auctionId: string,
): Promise<CommandOutcome<OrderDetails>> {
  const outcome = await runIdempotent(
    ctx,
    meta,
    'auction.buy-now',
    { auctionId },
    async (trx, now) => {
      const record = await lockAuction(trx, auctionId);
      if (!record)
        return { kind: 'refused', error: orderError('AUCTION_NOT_FOUND', `no auction ${auctionId}`) };
      if (record.buyNowOrderId !== null) {
        return {
          kind: 'refused',
          error: orderError('AUCTION_BUY_NOW_PENDING', 'someone is paying for it right now'),
        };
      }
      // A bid between its record and its lock would be applied after the payment started; it holds the
      // auction's row FOR KEY SHARE while it is recorded, so it is either visible here or sees this.
      if (await hasPendingBid(trx, auctionId)) {
        return {
          kind: 'refused',
          error: orderError('AUCTION_BID_IN_PROGRESS', 'a bid on this auction is being placed; try again'),
        };
      }
      const decision = buyNow(record.auction, { buyerId, at: now });
      if (decision.kind === 'REFUSED') return { kind: 'refused', error: decision.error };
      const orderId = ctx.newId();
      const transition = buyNowOrder(
        record,
        buyerId,
        decision.priceKoinu,
        orderId,
        ctx.settings.feeBasisPoints,
        now,
      );
      await saveTransition(trx, transition, { correlationId: meta.correlationId, causationId: null });
      await updateAuction(trx, {
        ...record,
        buyNowOrderId: orderId,
        version: record.version + 1,
        updatedAt: now,
      });
      return { kind: 'done', resourceId: orderId };
    },
    (orderId) => Promise.resolve(orderId),
  );
  return afterPaymentAnswer(ctx, outcome);
}
