/** How listings and orders look on the API: amounts as DOGE strings with 8 decimals, times as ISO. */
import { formatDoge } from '@dbay/money';
import type { Listing } from '../../domain/listing.js';
import type { OrderDetails } from '../../use-cases/orders.js';

export function presentListing(listing: Listing) {
  return {
    id: listing.id,
    sellerId: listing.sellerId,
    title: listing.title,
    description: listing.description,
    price: formatDoge(listing.priceKoinu),
    shippingDays: listing.shippingDays,
    status: listing.status,
    createdAt: listing.createdAt.toISOString(),
    updatedAt: listing.updatedAt.toISOString(),
  };
}

export function presentOrder({ order, history, timers }: OrderDetails) {
  return {
    id: order.id,
    listingId: order.listingId,
    auctionId: order.auctionId,
    buyerId: order.buyerId,
    sellerId: order.sellerId,
    title: order.title,
    amount: formatDoge(order.amountKoinu),
    fee: formatDoge(order.feeKoinu),
    sellerReceives: formatDoge(order.amountKoinu - order.feeKoinu),
    status: order.status,
    escrowConfirmed: order.escrowLockedAt !== null,
    trackingNote: order.trackingNote,
    disputeReason: order.disputeReason,
    failure: order.failureCode === null ? null : { code: order.failureCode, reason: order.failureReason },
    resolution:
      order.resolution === null
        ? null
        : {
            outcome: order.resolution,
            resolvedBy: order.resolvedBy,
            buyerRefund: order.buyerRefundKoinu === null ? null : formatDoge(order.buyerRefundKoinu),
            sellerCredit: order.sellerCreditKoinu === null ? null : formatDoge(order.sellerCreditKoinu),
          },
    deadlines: timers.map((timer) => ({ kind: timer.kind, dueAt: timer.dueAt.toISOString() })),
    history: history.map((entry) => ({
      from: entry.from,
      to: entry.to,
      cause: entry.cause,
      actor: entry.actor,
      detail: entry.detail,
      at: entry.at.toISOString(),
    })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
