/** The listings table: read, lock, write (with a version guard), and page through open listings. */
import type { Knex } from 'knex';
import type { Listing } from '../../domain/listing.js';
import { listingFromRow, listingToRow, type ListingRow } from './rows.js';

const TABLE = 'listings';

export async function insertListing(trx: Knex.Transaction, listing: Listing): Promise<void> {
  const row = listingToRow(listing);
  await trx(TABLE).insert({
    id: row.id,
    seller_id: row.seller_id,
    title: row.title,
    description: row.description,
    price_koinu: row.price_koinu,
    shipping_days: row.shipping_days,
    status: row.status,
    order_id: row.order_id,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

export async function findListing(db: Knex, id: string): Promise<Listing | undefined> {
  const row = await db<ListingRow>(TABLE).where({ id }).first();
  return row && listingFromRow(row);
}

export async function lockListing(trx: Knex.Transaction, id: string): Promise<Listing | undefined> {
  const row = await trx<ListingRow>(TABLE).where({ id }).forUpdate().first();
  return row && listingFromRow(row);
}

/** Saves a changed listing; the version guard turns a lost update into a loud failure. */
export async function updateListing(trx: Knex.Transaction, listing: Listing): Promise<void> {
  const row = listingToRow(listing);
  const updated = await trx(TABLE)
    .where({ id: row.id, version: row.version - 1 })
    .update({
      title: row.title,
      description: row.description,
      price_koinu: row.price_koinu,
      shipping_days: row.shipping_days,
      status: row.status,
      order_id: row.order_id,
      version: row.version,
      updated_at: row.updated_at,
    });
  if (updated !== 1)
    throw new Error(`listing ${listing.id} changed concurrently (version ${row.version - 1})`);
}

/** Moves a listing with its order: reserved by it, sold to it, or back on sale. */
export async function setListingStatus(
  trx: Knex.Transaction,
  listingId: string,
  status: 'OPEN' | 'RESERVED' | 'SOLD',
  orderId: string,
  now: Date,
): Promise<void> {
  const updated = await trx(TABLE)
    .where({ id: listingId })
    .update({
      status,
      order_id: status === 'OPEN' ? null : orderId,
      version: trx.raw('version + 1'),
      updated_at: now,
    });
  if (updated !== 1) throw new Error(`listing ${listingId} does not exist`);
}

export interface ListingPage {
  listings: Listing[];
  nextCursor: string | null;
}

/** Open listings, newest first; the cursor is the last row's (created_at, id), opaque to clients. */
export async function openListings(db: Knex, limit: number, cursor: string | null): Promise<ListingPage> {
  const query = db<ListingRow>(TABLE)
    .where({ status: 'OPEN' })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit + 1);
  const after = cursor === null ? null : decodeCursor(cursor);
  if (after) query.whereRaw('(created_at, id) < (?, ?)', [after.createdAt, after.id]);
  const rows = await query;
  const page = rows.slice(0, limit).map(listingFromRow);
  const last = page[page.length - 1];
  return {
    listings: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

/** Undefined for a cursor that is not one of ours (the route answers 400). */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !id || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return { createdAt, id };
}
