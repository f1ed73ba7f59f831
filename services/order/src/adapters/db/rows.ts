/**
 * Rows of the order schema and their domain values, converted here once: BIGINT koinu columns arrive
 * from pg as strings and become bigint through @dbay/money; statuses are checked against the domain's
 * closed lists, so a row the code does not understand fails loudly instead of flowing on.
 */
import { koinuFromBigintColumn } from '@dbay/money';
import { LISTING_STATUSES, type Listing, type ListingStatus } from '../../domain/listing.js';
import { ORDER_STATUSES, type Order, type OrderStatus, type Resolution } from '../../domain/order.js';

export interface ListingRow {
  id: string;
  seller_id: string;
  title: string;
  description: string;
  price_koinu: string;
  shipping_days: number;
  status: string;
  order_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface OrderRow {
  id: string;
  listing_id: string | null;
  auction_id: string | null;
  buyer_id: string;
  seller_id: string;
  title: string;
  amount_koinu: string;
  fee_koinu: string;
  status: string;
  escrow_locked_at: Date | null;
  escrow_frozen_at: Date | null;
  shipping_days: number;
  tracking_note: string | null;
  dispute_reason: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  resolution: string | null;
  resolved_by: string | null;
  buyer_refund_koinu: string | null;
  seller_credit_koinu: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

function member<T extends string>(values: readonly T[], value: string, what: string): T {
  if (!(values as readonly string[]).includes(value))
    throw new Error(`unknown ${what} in the database: ${value}`);
  return value as T;
}

const koinuOrNull = (value: string | null): bigint | null =>
  value === null ? null : koinuFromBigintColumn(value);

export function listingFromRow(row: ListingRow): Listing {
  return {
    id: row.id,
    sellerId: row.seller_id,
    title: row.title,
    description: row.description,
    priceKoinu: koinuFromBigintColumn(row.price_koinu),
    shippingDays: row.shipping_days,
    status: member<ListingStatus>(LISTING_STATUSES, row.status, 'listing status'),
    orderId: row.order_id,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listingToRow(listing: Listing): ListingRow {
  return {
    id: listing.id,
    seller_id: listing.sellerId,
    title: listing.title,
    description: listing.description,
    price_koinu: listing.priceKoinu.toString(),
    shipping_days: listing.shippingDays,
    status: listing.status,
    order_id: listing.orderId,
    version: listing.version,
    created_at: listing.createdAt,
    updated_at: listing.updatedAt,
  };
}

export function orderFromRow(row: OrderRow): Order {
  return {
    id: row.id,
    listingId: row.listing_id,
    auctionId: row.auction_id,
    buyerId: row.buyer_id,
    sellerId: row.seller_id,
    title: row.title,
    amountKoinu: koinuFromBigintColumn(row.amount_koinu),
    feeKoinu: koinuFromBigintColumn(row.fee_koinu),
    status: member<OrderStatus>(ORDER_STATUSES, row.status, 'order status'),
    escrowLockedAt: row.escrow_locked_at,
    escrowFrozenAt: row.escrow_frozen_at,
    shippingDays: row.shipping_days,
    trackingNote: row.tracking_note,
    disputeReason: row.dispute_reason,
    failureCode: row.failure_code,
    failureReason: row.failure_reason,
    resolution:
      row.resolution === null
        ? null
        : member<Resolution>(['RELEASE', 'REFUND', 'SPLIT'], row.resolution, 'resolution'),
    resolvedBy: row.resolved_by,
    buyerRefundKoinu: koinuOrNull(row.buyer_refund_koinu),
    sellerCreditKoinu: koinuOrNull(row.seller_credit_koinu),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function orderToRow(order: Order): OrderRow {
  return {
    id: order.id,
    listing_id: order.listingId,
    auction_id: order.auctionId,
    buyer_id: order.buyerId,
    seller_id: order.sellerId,
    title: order.title,
    amount_koinu: order.amountKoinu.toString(),
    fee_koinu: order.feeKoinu.toString(),
    status: order.status,
    escrow_locked_at: order.escrowLockedAt,
    escrow_frozen_at: order.escrowFrozenAt,
    shipping_days: order.shippingDays,
    tracking_note: order.trackingNote,
    dispute_reason: order.disputeReason,
    failure_code: order.failureCode,
    failure_reason: order.failureReason,
    resolution: order.resolution,
    resolved_by: order.resolvedBy,
    buyer_refund_koinu: order.buyerRefundKoinu?.toString() ?? null,
    seller_credit_koinu: order.sellerCreditKoinu?.toString() ?? null,
    version: order.version,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
  };
}
