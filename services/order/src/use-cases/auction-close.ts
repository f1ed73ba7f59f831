/**
 * An auction ends exactly once: the close timer (moved by every soft-close extension) fires in the
 * poller's transaction, which locks the auction row; the domain decides SOLD or UNSOLD on the database
 * clock, and a second attempt finds it no longer OPEN. Sold: the order is created PAID in the same
 * transaction and the wallet is asked to convert the winner's lock into its escrow (the excess over the
 * price goes back to them); every other bid lost. Unsold: the leader's lock is released.
 *
 * A buy-it-now on an auction is paid like a listing (escrow.lock-requested from the buyer's available
 * balance); while its payment is pending, bids and the close wait. When the wallet locks the price, the
 * auction closes as bought now and the leader's lock (a bid below the reserve) is released; when it
 * refuses, the auction goes on.
 */
import type { Knex } from 'knex';
import { enqueueEvent } from '@dbay/platform';
import { buyNow, closeAuction } from '../domain/auction/index.js';
import { auctionConvertKey, wonAuctionOrder, type AuctionRecord } from '../domain/auction-records.js';
import { DAY_MS, type Order } from '../domain/order.js';
import { lockAuctionIfFree, lockAuction, updateAuction } from '../adapters/db/auctions.js';
import { latestMergedRaise, liveBidsOf, updateBid } from '../adapters/db/bids.js';
import { markFired, scheduleAuctionClose, stopAuctionClose } from '../adapters/db/timers.js';
import { saveTransition, type Correlation } from '../adapters/db/transitions.js';
import { enqueueAuctionEvents } from './auctions.js';
import { requestRelease } from './bidding.js';
import type { OrderContext } from './context.js';

export type CloseResult = 'closed' | 'deferred' | 'moved' | 'nothing';

/** The close timer of one auction came due; runs in the poller's transaction. */
export async function fireAuctionClose(
  ctx: OrderContext,
  trx: Knex.Transaction,
  timer: { id: string; auctionId: string },
  now: Date,
): Promise<CloseResult> {
  const record = await lockAuctionIfFree(trx, timer.auctionId);
  // A bid holds the row right now, or a buy-it-now is being paid: the next tick tries again.
  if (!record || record.buyNowOrderId !== null) return 'deferred';
  await markFired(trx, timer.id, now);
  const correlation = { correlationId: `auction-close:${timer.auctionId}`, causationId: null };
  const decision = closeAuction(record.auction, now);
  switch (decision.kind) {
    case 'REFUSED':
      if (decision.error.code === 'AUCTION_CLOSE_NOT_DUE') {
        await scheduleAuctionClose(trx, timer.auctionId, record.auction.endsAt, now);
        return 'moved';
      }
      return 'nothing';
    case 'UNSOLD': {
      await updateAuction(trx, next(record, { auction: decision.auction }, now));
      await loseLiveBids(trx, record, null, now, correlation);
      await enqueueAuctionEvents(trx, decision.events, correlation);
      return 'closed';
    }
    case 'SOLD': {
      const orderId = ctx.newId();
      const shippingDeadline = new Date(now.getTime() + record.shippingDays * DAY_MS);
      const transition = wonAuctionOrder(
        record,
        { bidderId: decision.winner.bidderId, priceKoinu: decision.conversion.priceKoinu },
        orderId,
        ctx.settings.feeBasisPoints,
        shippingDeadline,
        now,
      );
      await updateAuction(trx, next(record, { auction: decision.auction, orderId }, now));
      await saveTransition(trx, transition, correlation);
      ctx.crash.reach('during-auction-close', record.auction.id);
      await requestConversion(trx, record, transition.order, correlation);
      await updateBid(trx, decision.winner.bidId, { outcome: 'WON', lockState: 'CONVERT_REQUESTED' }, now);
      await loseLiveBids(trx, record, decision.winner.bidId, now, correlation);
      await enqueueAuctionEvents(trx, decision.events, correlation);
      return 'closed';
    }
    default: {
      const unknown: never = decision;
      throw new Error(`unknown close ${JSON.stringify(unknown)}`);
    }
  }
}

function next(record: AuctionRecord, changes: Partial<AuctionRecord>, now: Date): AuctionRecord {
  return { ...record, ...changes, version: record.version + 1, updatedAt: now };
}

async function requestConversion(
  trx: Knex.Transaction,
  record: AuctionRecord,
  order: Order,
  correlation: Correlation,
): Promise<void> {
  await enqueueEvent(trx, {
    topic: 'bid.convert-requested',
    key: record.auction.id,
    payload: {
      idempotencyKey: auctionConvertKey(record.auction.id),
      auctionId: record.auction.id,
      userId: order.buyerId,
      orderId: order.id,
      sellerId: order.sellerId,
      amountKoinu: order.amountKoinu.toString(),
      feeKoinu: order.feeKoinu.toString(),
    },
    ...correlation,
  });
}

/**
 * Every bid still LEADING or OUTBID, but the winner's, lost; the leader's (unsold) lock is released,
 * naming the lock of their last raise when one refused at the end topped it up. An OUTBID bid's release
 * was already asked for when it was outbid.
 */
async function loseLiveBids(
  trx: Knex.Transaction,
  record: AuctionRecord,
  winningBidId: string | null,
  now: Date,
  correlation: Correlation,
): Promise<void> {
  for (const bid of await liveBidsOf(trx, record.auction.id)) {
    if (bid.id === winningBidId) continue;
    if (bid.outcome === 'LEADING') {
      await updateBid(trx, bid.id, { outcome: 'LOST', lockState: 'RELEASE_REQUESTED' }, now);
      const raise = await latestMergedRaise(trx, bid);
      await requestRelease(trx, bid, correlation, raise?.id ?? bid.id);
    } else {
      await updateBid(trx, bid.id, { outcome: 'LOST' }, now);
    }
  }
}

/**
 * The wallet locked a buy-it-now's price (its order is now PAID): the auction closes as bought now, at
 * the time the buyer asked, and a leader's lock is released. Runs in the consumer's transaction.
 */
export async function closeBoughtNow(
  trx: Knex.Transaction,
  order: Order,
  now: Date,
  correlation: Correlation,
): Promise<void> {
  if (order.auctionId === null) return;
  const record = await lockAuction(trx, order.auctionId);
  if (!record || record.buyNowOrderId !== order.id) return;
  const decision = buyNow(record.auction, { buyerId: order.buyerId, at: order.createdAt });
  if (decision.kind === 'REFUSED') {
    // Bids and the close waited for this payment, so this cannot happen; say so loudly.
    throw new Error(`auction ${record.auction.id}: a paid buy-it-now was refused: ${decision.error.code}`);
  }
  await updateAuction(
    trx,
    next(record, { auction: decision.auction, buyNowOrderId: null, orderId: order.id }, now),
  );
  await stopAuctionClose(trx, record.auction.id, now);
  await loseLiveBids(trx, record, null, now, correlation);
  await enqueueAuctionEvents(trx, decision.events, correlation);
}

/** The wallet refused a buy-it-now's payment: the auction goes on as before. */
export async function reopenAfterFailedBuyNow(trx: Knex.Transaction, order: Order, now: Date): Promise<void> {
  if (order.auctionId === null) return;
  const record = await lockAuction(trx, order.auctionId);
  if (!record || record.buyNowOrderId !== order.id) return;
  await updateAuction(trx, next(record, { buyNowOrderId: null }, now));
}
