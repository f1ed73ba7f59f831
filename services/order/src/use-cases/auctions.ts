/**
 * Sellers open and cancel auctions; anyone reads them. The pure rules are in domain/auction; here each
 * command is one transaction: lock the auction, decide, save it with its events (outbox) and its close
 * timer, which moves with every soft-close extension.
 */
import type { Knex } from 'knex';
import { enqueueEvent } from '@dbay/platform';
import {
  cancelAuction as decideCancel,
  openAuction as decideOpen,
  type AuctionEvent,
  type BiddingSettings,
} from '../domain/auction/index.js';
import type { AuctionRecord } from '../domain/auction-records.js';
import { orderError } from '../domain/errors.js';
import { findAuction, insertAuction, lockAuction, updateAuction } from '../adapters/db/auctions.js';
import { scheduleAuctionClose, stopAuctionClose } from '../adapters/db/timers.js';
import type { Correlation } from '../adapters/db/transitions.js';
import type { OrderContext, RequestMeta } from './context.js';
import { runIdempotent } from './idempotent.js';
import type { CommandOutcome } from './outcome.js';

export interface AuctionSettings extends BiddingSettings {
  minDurationMs: number;
  maxDurationMs: number;
  /** A bid still PENDING this long after it was made lost its request; the sweeper settles it. */
  bidPendingTimeoutMs: number;
}

export interface NewAuctionInput {
  title: string;
  description: string;
  shippingDays: number;
  startPriceKoinu: bigint;
  reserveKoinu: bigint | null;
  buyNowKoinu: bigint | null;
  endsAt: Date;
}

export async function enqueueAuctionEvents(
  trx: Knex.Transaction,
  events: readonly AuctionEvent[],
  correlation: Correlation,
): Promise<void> {
  for (const event of events) {
    await enqueueEvent(trx, { topic: event.topic, key: event.key, payload: event.payload, ...correlation });
  }
}

export async function readAuction(ctx: OrderContext, auctionId: string): Promise<AuctionRecord> {
  const record = await findAuction(ctx.db, auctionId);
  if (!record) throw new Error(`auction ${auctionId} vanished`);
  return record;
}

export function openAuction(
  ctx: OrderContext,
  meta: RequestMeta,
  sellerId: string,
  input: NewAuctionInput,
): Promise<CommandOutcome<AuctionRecord>> {
  const { auctions } = ctx.settings;
  return runIdempotent(
    ctx,
    meta,
    'auction.open',
    { ...input, endsAt: input.endsAt.toISOString() },
    async (trx, now) => {
      const auctionId = ctx.newId();
      const decision = decideOpen(
        { auctionId, sellerId, ...input },
        { now, minDurationMs: auctions.minDurationMs, maxDurationMs: auctions.maxDurationMs },
      );
      if (decision.kind === 'REFUSED') return { kind: 'refused', error: decision.error };
      const record: AuctionRecord = {
        auction: decision.auction,
        title: input.title,
        description: input.description,
        shippingDays: input.shippingDays,
        buyNowOfferedKoinu: input.buyNowKoinu,
        buyNowOrderId: null,
        orderId: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await insertAuction(trx, record);
      await scheduleAuctionClose(trx, auctionId, decision.auction.endsAt, now);
      await enqueueAuctionEvents(trx, decision.events, {
        correlationId: meta.correlationId,
        causationId: null,
      });
      return { kind: 'done', resourceId: auctionId };
    },
    (id) => readAuction(ctx, id),
  );
}

export function cancelAuction(
  ctx: OrderContext,
  meta: RequestMeta,
  sellerId: string,
  auctionId: string,
): Promise<CommandOutcome<AuctionRecord>> {
  return runIdempotent(
    ctx,
    meta,
    'auction.cancel',
    { auctionId },
    async (trx, now) => {
      const record = await lockAuction(trx, auctionId);
      if (!record)
        return { kind: 'refused', error: orderError('AUCTION_NOT_FOUND', `no auction ${auctionId}`) };
      if (record.buyNowOrderId !== null) {
        return {
          kind: 'refused',
          error: orderError('AUCTION_BUY_NOW_PENDING', 'a buy-it-now payment is pending'),
        };
      }
      const decision = decideCancel(record.auction, { by: sellerId, at: now });
      if (decision.kind === 'REFUSED') return { kind: 'refused', error: decision.error };
      await updateAuction(trx, {
        ...record,
        auction: decision.auction,
        version: record.version + 1,
        updatedAt: now,
      });
      await stopAuctionClose(trx, auctionId, now);
      await enqueueAuctionEvents(trx, decision.events, {
        correlationId: meta.correlationId,
        causationId: null,
      });
      return { kind: 'done', resourceId: auctionId };
    },
    (id) => readAuction(ctx, id),
  );
}
