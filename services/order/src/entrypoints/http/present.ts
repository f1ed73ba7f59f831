/** How listings and orders look on the API: amounts as DOGE strings with 8 decimals, times as ISO. */
import { formatDoge } from '@dbay/money';
import type { Listing } from '../../domain/listing.js';
import { minimumBidKoinu, type IncrementLadder } from '../../domain/auction/index.js';
import type { AuctionRecord, BidRecord } from '../../domain/auction-records.js';
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

/** Bidders other than the viewer are numbered in the order they first bid: "bidder 1", "bidder 2". */
function aliases(bids: readonly BidRecord[], viewerId: string | null): (bidderId: string) => string {
  const numbers = new Map<string, number>();
  for (const bid of bids) if (!numbers.has(bid.bidderId)) numbers.set(bid.bidderId, numbers.size + 1);
  return (bidderId) =>
    bidderId === viewerId ? 'you' : `bidder ${numbers.get(bidderId) ?? numbers.size + 1}`;
}

export function presentAuction(
  record: AuctionRecord,
  bids: readonly BidRecord[],
  viewerId: string | null,
  ladder: IncrementLadder,
) {
  const { auction } = record;
  const alias = aliases(bids, viewerId);
  const leader = auction.leader;
  const ending = auction.ending;
  return {
    id: auction.id,
    sellerId: auction.sellerId,
    title: record.title,
    description: record.description,
    shippingDays: record.shippingDays,
    status: auction.status,
    startPrice: formatDoge(auction.startPriceKoinu),
    price: auction.priceKoinu === null ? null : formatDoge(auction.priceKoinu),
    minimumBid: auction.status === 'OPEN' ? formatDoge(minimumBidKoinu(auction, ladder)) : null,
    bidCount: auction.bidCount,
    endsAt: auction.endsAt.toISOString(),
    buyNow: auction.buyNowKoinu === null ? null : formatDoge(auction.buyNowKoinu),
    buyNowPending: record.buyNowOrderId !== null,
    reserve: { hasReserve: auction.reserveKoinu !== null, met: auction.reserveMet },
    leader:
      leader === null
        ? null
        : {
            bidder: alias(leader.bidderId),
            // The leader's own maximum is theirs to see; nobody else's.
            maximum: leader.bidderId === viewerId ? formatDoge(leader.maxKoinu) : null,
          },
    ending:
      ending === null
        ? null
        : ending.kind === 'SOLD'
          ? {
              outcome: 'SOLD' as const,
              via: ending.via,
              price: formatDoge(ending.priceKoinu),
              winner: alias(ending.buyerId),
              at: ending.at.toISOString(),
            }
          : { outcome: 'UNSOLD' as const, reason: ending.reason, at: ending.at.toISOString() },
    orderId:
      viewerId !== null &&
      (viewerId === auction.sellerId || (ending?.kind === 'SOLD' && ending.buyerId === viewerId))
        ? record.orderId
        : null,
    history: bids.map((bid) => ({
      bidder: alias(bid.bidderId),
      price: bid.priceAfterKoinu === null ? null : formatDoge(bid.priceAfterKoinu),
      outcome: bid.outcome,
      at: bid.placedAt?.toISOString() ?? null,
    })),
    createdAt: record.createdAt.toISOString(),
  };
}

/** A bid as its bidder sees it: their maximum, what became of it, and the auction's price. */
export function presentBid(bid: BidRecord, record: AuctionRecord) {
  return {
    id: bid.id,
    auctionId: bid.auctionId,
    auctionTitle: record.title,
    maximum: formatDoge(bid.maxKoinu),
    outcome: bid.outcome,
    leading: bid.outcome === 'LEADING',
    refusalCode: bid.refusalCode,
    priceAfterBid: bid.priceAfterKoinu === null ? null : formatDoge(bid.priceAfterKoinu),
    auctionPrice: record.auction.priceKoinu === null ? null : formatDoge(record.auction.priceKoinu),
    auctionStatus: record.auction.status,
    endsAt: record.auction.endsAt.toISOString(),
    placedAt: bid.placedAt?.toISOString() ?? null,
  };
}
