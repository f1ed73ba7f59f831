/** Sellers list, edit and withdraw fixed-price items. */
import { editListing, withdrawListing, type Listing, type ListingEdit } from '../domain/listing.js';
import { orderError } from '../domain/errors.js';
import { findListing, insertListing, lockListing, updateListing } from '../adapters/db/listings.js';
import type { OrderContext, RequestMeta } from './context.js';
import { runIdempotent } from './idempotent.js';
import type { CommandOutcome } from './outcome.js';

export interface NewListing {
  title: string;
  description: string;
  priceKoinu: bigint;
  shippingDays: number;
}

async function readListing(ctx: OrderContext, id: string): Promise<Listing> {
  const listing = await findListing(ctx.db, id);
  if (!listing) throw new Error(`listing ${id} vanished`);
  return listing;
}

export function createListing(
  ctx: OrderContext,
  meta: RequestMeta,
  sellerId: string,
  input: NewListing,
): Promise<CommandOutcome<Listing>> {
  return runIdempotent(
    ctx,
    meta,
    'listing.create',
    input,
    async (trx, now) => {
      const listing: Listing = {
        id: ctx.newId(),
        sellerId,
        ...input,
        status: 'OPEN',
        orderId: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await insertListing(trx, listing);
      return { kind: 'done', resourceId: listing.id };
    },
    (id) => readListing(ctx, id),
  );
}

export function changeListing(
  ctx: OrderContext,
  meta: RequestMeta,
  sellerId: string,
  listingId: string,
  change: { kind: 'edit'; edit: ListingEdit } | { kind: 'withdraw' },
): Promise<CommandOutcome<Listing>> {
  return runIdempotent(
    ctx,
    meta,
    `listing.${change.kind}`,
    { listingId, ...(change.kind === 'edit' ? change.edit : {}) },
    async (trx, now) => {
      const listing = await lockListing(trx, listingId);
      if (!listing)
        return { kind: 'refused', error: orderError('LISTING_NOT_FOUND', `no listing ${listingId}`) };
      const decision =
        change.kind === 'edit'
          ? editListing(listing, sellerId, change.edit, now)
          : withdrawListing(listing, sellerId, now);
      if (decision.kind === 'REFUSED') return { kind: 'refused', error: decision.error };
      await updateListing(trx, decision.listing);
      return { kind: 'done', resourceId: listingId };
    },
    (id) => readListing(ctx, id),
  );
}
