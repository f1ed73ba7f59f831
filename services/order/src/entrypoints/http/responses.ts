/**
 * The response bodies of the order service's HTTP API as zod schemas, for its OpenAPI document
 * (openapi.ts) and the specs that check real answers against it. Production never parses with them.
 * Each is checked at compile time against what present.ts returns (`presenterChecks`), and the objects
 * are strict, so a field the presenters add without documenting it fails the integration specs.
 */
import { z } from 'zod';
import { LISTING_STATUSES } from '../../domain/listing.js';
import { ORDER_STATUSES } from '../../domain/order.js';
import type { presentAuction, presentBid, presentListing, presentOrder } from './present.js';

const doge = z
  .string()
  .regex(/^\d+\.\d{8}$/)
  .meta({ description: 'DOGE, 8 decimals', examples: ['12.50000000'] });
const timestamp = z.string().meta({ description: 'ISO-8601 time (UTC)' });
const cursor = z
  .string()
  .nullable()
  .meta({ description: 'pass as `cursor` for the next page; null at the end' });

/** Compile-time: every answer the presenter can give is a value of the schema. */
type Fits<Presented, Schema extends z.ZodType> = [Presented] extends [z.output<Schema>] ? true : never;

export const listingBody = z
  .strictObject({
    id: z.string(),
    sellerId: z.string(),
    title: z.string(),
    description: z.string(),
    price: doge,
    shippingDays: z.number().int(),
    status: z.enum(LISTING_STATUSES),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Listing' });
export const listingsBody = z.strictObject({ listings: z.array(listingBody), nextCursor: cursor });

const orderStatus = z.enum(ORDER_STATUSES);
export const orderBody = z
  .strictObject({
    id: z.string(),
    listingId: z.string().nullable(),
    auctionId: z.string().nullable(),
    buyerId: z.string(),
    sellerId: z.string(),
    title: z.string(),
    amount: doge,
    fee: doge,
    sellerReceives: doge,
    status: orderStatus,
    escrowConfirmed: z.boolean(),
    trackingNote: z.string().nullable(),
    disputeReason: z.string().nullable(),
    failure: z.strictObject({ code: z.string(), reason: z.string().nullable() }).nullable(),
    resolution: z
      .strictObject({
        outcome: z.string(),
        resolvedBy: z.string().nullable(),
        buyerRefund: doge.nullable(),
        sellerCredit: doge.nullable(),
      })
      .nullable(),
    deadlines: z.array(z.strictObject({ kind: z.string(), dueAt: timestamp })),
    history: z.array(
      z.strictObject({
        from: orderStatus.nullable(),
        to: orderStatus,
        cause: z.string(),
        actor: z.string(),
        detail: z.string().nullable(),
        at: timestamp,
      }),
    ),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Order' });
export const ordersBody = z.strictObject({ orders: z.array(orderBody), nextCursor: cursor });
export const disputesBody = z.strictObject({ disputes: z.array(orderBody), nextCursor: cursor });

/** A refused payment still names its order, so the buyer can look at it later. */
export const paymentFailedBody = z.strictObject({
  error: z.strictObject({
    code: z.enum(['ORDER_INSUFFICIENT_FUNDS', 'ORDER_PAYMENT_FAILED']),
    message: z.string(),
    walletCode: z.string().nullable(),
  }),
  order: orderBody,
});

export const auctionBody = z
  .strictObject({
    id: z.string(),
    sellerId: z.string(),
    title: z.string(),
    description: z.string(),
    shippingDays: z.number().int(),
    status: z.string(),
    startPrice: doge,
    price: doge.nullable(),
    minimumBid: doge.nullable(),
    bidCount: z.number().int(),
    endsAt: timestamp,
    buyNow: doge.nullable(),
    buyNowPending: z.boolean(),
    reserve: z.strictObject({ hasReserve: z.boolean(), met: z.boolean() }),
    leader: z
      .strictObject({
        bidder: z.string().meta({ description: '"you", or a pseudonym: "bidder 2"' }),
        maximum: doge.nullable().meta({ description: "the leader's maximum, shown to the leader alone" }),
      })
      .nullable(),
    ending: z
      .discriminatedUnion('outcome', [
        z.strictObject({
          outcome: z.literal('SOLD'),
          via: z.enum(['BIDDING', 'BUY_NOW']),
          price: doge,
          winner: z.string(),
          at: timestamp,
        }),
        z.strictObject({ outcome: z.literal('UNSOLD'), reason: z.string(), at: timestamp }),
      ])
      .nullable(),
    orderId: z.string().nullable(),
    history: z.array(
      z.strictObject({
        bidder: z.string(),
        price: doge.nullable(),
        outcome: z.string(),
        at: timestamp.nullable(),
      }),
    ),
    createdAt: timestamp,
  })
  .meta({ id: 'Auction' });
export const auctionsBody = z.strictObject({ auctions: z.array(auctionBody), nextCursor: cursor });

export const bidBody = z
  .strictObject({
    id: z.string(),
    auctionId: z.string(),
    auctionTitle: z.string(),
    maximum: doge,
    outcome: z.string(),
    leading: z.boolean(),
    refusalCode: z.string().nullable(),
    priceAfterBid: doge.nullable(),
    auctionPrice: doge.nullable(),
    auctionStatus: z.string(),
    endsAt: timestamp,
    placedAt: timestamp.nullable(),
  })
  .meta({ id: 'Bid' });
export const placedBidBody = z.strictObject({ bid: bidBody, auction: auctionBody });
export const bidsBody = z.strictObject({ bids: z.array(bidBody) });

export const clockBody = z.strictObject({ offsetMs: z.number().int(), now: timestamp });

export const presenterChecks: [
  Fits<ReturnType<typeof presentListing>, typeof listingBody>,
  Fits<ReturnType<typeof presentOrder>, typeof orderBody>,
  Fits<ReturnType<typeof presentAuction>, typeof auctionBody>,
  Fits<ReturnType<typeof presentBid>, typeof bidBody>,
] = [true, true, true, true];
