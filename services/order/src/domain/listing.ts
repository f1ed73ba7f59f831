/**
 * A fixed-price listing (quantity 1) and buying it. A buy reserves the listing for the one order whose
 * payment is pending, so two buyers racing for one item never both reach the wallet: the second is
 * refused at once (LISTING_NOT_AVAILABLE) and has nothing locked. A failed payment puts the listing on
 * sale again; a paid one sells it.
 *
 *   OPEN --buy--> RESERVED --escrow.locked--> SOLD
 *     |              '--escrow.lock-failed--> OPEN
 *     '--seller withdraws--> WITHDRAWN
 */
import { orderError, type OrderError } from './errors.js';
import type { Decision } from './decisions.js';
import { feeFor, type Actor, type Order } from './order.js';

export const LISTING_STATUSES = ['OPEN', 'RESERVED', 'SOLD', 'WITHDRAWN'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export interface Listing {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  priceKoinu: bigint;
  /** Days the seller has to ship once paid; then the order is refunded automatically. */
  shippingDays: number;
  status: ListingStatus;
  orderId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ListingEdit {
  title?: string;
  description?: string;
  priceKoinu?: bigint;
  shippingDays?: number;
}

export type ListingDecision = { kind: 'ACCEPTED'; listing: Listing } | { kind: 'REFUSED'; error: OrderError };

function sellerOnly(listing: Listing, sellerId: string): ListingDecision | null {
  if (listing.sellerId !== sellerId) {
    return {
      kind: 'REFUSED',
      error: orderError('LISTING_NOT_SELLER', 'only the seller can change a listing'),
    };
  }
  if (listing.status !== 'OPEN') {
    return {
      kind: 'REFUSED',
      error: orderError(
        'LISTING_WRONG_STATE',
        `the listing is ${listing.status}; only an open listing changes`,
      ),
    };
  }
  return null;
}

/** The seller edits an unsold listing; a listing whose payment is pending is not open, so it waits. */
export function editListing(
  listing: Listing,
  sellerId: string,
  edit: ListingEdit,
  now: Date,
): ListingDecision {
  const refused = sellerOnly(listing, sellerId);
  if (refused) return refused;
  return {
    kind: 'ACCEPTED',
    listing: { ...listing, ...edit, version: listing.version + 1, updatedAt: now },
  };
}

export function withdrawListing(listing: Listing, sellerId: string, now: Date): ListingDecision {
  const refused = sellerOnly(listing, sellerId);
  if (refused) return refused;
  return {
    kind: 'ACCEPTED',
    listing: { ...listing, status: 'WITHDRAWN', version: listing.version + 1, updatedAt: now },
  };
}

/** A buyer buys an open listing: the order starts PENDING_PAYMENT and the wallet is asked to lock the price. */
export function placeOrder(
  listing: Listing,
  buyer: Actor & { kind: 'user' },
  orderId: string,
  feeBasisPoints: number,
  now: Date,
): Decision {
  if (listing.sellerId === buyer.userId) {
    return { kind: 'REFUSED', error: orderError('ORDER_OWN_LISTING', 'a seller cannot buy their own item') };
  }
  if (listing.status !== 'OPEN') {
    return {
      kind: 'REFUSED',
      error: orderError('LISTING_NOT_AVAILABLE', `the item is no longer for sale (${listing.status})`),
    };
  }
  const order: Order = {
    id: orderId,
    listingId: listing.id,
    auctionId: null,
    buyerId: buyer.userId,
    sellerId: listing.sellerId,
    title: listing.title,
    amountKoinu: listing.priceKoinu,
    feeKoinu: feeFor(listing.priceKoinu, feeBasisPoints),
    status: 'PENDING_PAYMENT',
    escrowLockedAt: null,
    escrowFrozenAt: null,
    shippingDays: listing.shippingDays,
    trackingNote: null,
    disputeReason: null,
    failureCode: null,
    failureReason: null,
    resolution: null,
    resolvedBy: null,
    buyerRefundKoinu: null,
    sellerCreditKoinu: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return {
    kind: 'ACCEPTED',
    transition: {
      order,
      from: null,
      cause: 'ORDER_PLACED',
      actor: buyer,
      detail: null,
      startTimers: [],
      stopTimers: [],
      commands: [{ kind: 'LOCK' }],
      events: ['order.created'],
      listing: 'RESERVED',
    },
  };
}
