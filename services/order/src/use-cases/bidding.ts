/**
 * Placing a bid, so that a bid counts only once the wallet has locked its maximum and the bidder gets a
 * definite answer in the same request:
 *
 *  1. record the bid PENDING (one in flight per bidder and auction) after the cheap checks (closed, own
 *     auction, too low: refused without touching the wallet);
 *  2. make sure the bidder's earlier released bids are released in the wallet (the wallet keeps one lock
 *     per bidder and auction, so a queued release must not land after the new lock), then lock the
 *     bid's maximum in the wallet over HTTP (a leader's raise locks only the difference);
 *  3. under the auction's row lock and the database clock, apply proxy bidding; save the auction, the
 *     bid's outcome, the displaced leader's release (bid.unlock-requested, through the outbox), the
 *     events, and the moved close timer. A bid outbid at once releases its own lock the same way.
 *
 * A request that dies between 2 and 3 leaves a PENDING bid; the sweeper settles it: a leader's raise
 * is completed (its lock is asked again with the same key, then applied), any other bid's lock is
 * released. So for an open auction exactly one lock exists in the end: the leader's, of their maximum.
 */
import type { Knex } from 'knex';
import { enqueueEvent } from '@dbay/platform';
import { placeBid as decideBid, type BidDecision } from '../domain/auction/index.js';
import { bidLockKey, bidRelease, type AuctionRecord, type BidRecord } from '../domain/auction-records.js';
import { orderError, type OrderError, type OrderErrorCode } from '../domain/errors.js';
import { findAuction, findAuctionForBid, lockAuction, updateAuction } from '../adapters/db/auctions.js';
import {
  bidsWithLock,
  findBid,
  insertPendingBid,
  isBidInFlightConflict,
  lockBid,
  stalePendingBids,
  updateBid,
} from '../adapters/db/bids.js';
import { databaseNow } from '../adapters/db/clock.js';
import { priorUse, recordUse } from '../adapters/db/idempotency.js';
import { scheduleAuctionClose } from '../adapters/db/timers.js';
import type { Correlation } from '../adapters/db/transitions.js';
import { WalletUnavailableError } from '../adapters/wallet-client.js';
import { enqueueAuctionEvents } from './auctions.js';
import type { OrderContext, RequestMeta } from './context.js';
import type { CommandOutcome } from './outcome.js';

export interface BidAnswer {
  bid: BidRecord;
  auction: AuctionRecord;
}

/**
 * Asks the wallet, through the outbox, to release a bidder's whole lock on an auction. The release
 * retires the bid's lock key in the wallet, so the bid's own lock cannot land after it.
 */
export async function requestRelease(
  trx: Knex.Transaction,
  bid: { id: string; auctionId: string; bidderId: string },
  correlation: Correlation,
  lockHolderId: string = bid.id,
): Promise<void> {
  await enqueueEvent(trx, {
    topic: 'bid.unlock-requested',
    key: bid.auctionId,
    payload: bidRelease(bid, lockHolderId),
    ...correlation,
  });
}

async function readAnswer(ctx: OrderContext, bidId: string): Promise<BidAnswer> {
  const bid = await findBid(ctx.db, bidId);
  if (!bid) throw new Error(`bid ${bidId} vanished`);
  const auction = await findAuction(ctx.db, bid.auctionId);
  if (!auction) throw new Error(`auction ${bid.auctionId} vanished`);
  return { bid, auction };
}

type Recorded =
  | { kind: 'new'; bidId: string; releases: BidRecord[] }
  | { kind: 'replay'; bidId: string }
  | { kind: 'key-reused' }
  | { kind: 'refused'; error: OrderError };

/** Step 1: the cheap checks and the PENDING bid, with the idempotency record, in one transaction. */
async function recordPendingBid(
  ctx: OrderContext,
  meta: RequestMeta,
  bid: { auctionId: string; bidderId: string; maxKoinu: bigint },
): Promise<Recorded> {
  const claim = {
    scope: meta.scope,
    key: meta.idempotencyKey,
    operation: 'auction.bid',
    request: { auctionId: bid.auctionId, maxKoinu: bid.maxKoinu.toString() },
  };
  try {
    return await ctx.db.transaction(async (trx): Promise<Recorded> => {
      const { prior } = await priorUse(trx, claim);
      if (prior.kind === 'replay') return { kind: 'replay', bidId: prior.resourceId };
      if (prior.kind === 'reused') return { kind: 'key-reused' };
      const record = await findAuctionForBid(trx, bid.auctionId);
      if (!record)
        return { kind: 'refused', error: orderError('AUCTION_NOT_FOUND', `no auction ${bid.auctionId}`) };
      if (record.buyNowOrderId !== null) {
        return {
          kind: 'refused',
          error: orderError('AUCTION_BUY_NOW_PENDING', 'a buy-it-now payment is pending'),
        };
      }
      // The bid's time is read after the auction's row, which may have waited for a bid being applied.
      const now = await databaseNow(trx);
      const bidId = ctx.newId();
      const precheck = decideBid(record.auction, { bidId, ...bid, at: now }, ctx.settings.auctions);
      if (precheck.kind === 'REFUSED') return { kind: 'refused', error: precheck.error };
      await insertPendingBid(trx, { id: bidId, ...bid }, now);
      await recordUse(trx, claim, bidId, now);
      const releases = await bidsWithLock(trx, bid.auctionId, bid.bidderId, 'RELEASE_REQUESTED');
      return { kind: 'new', bidId, releases };
    });
  } catch (error) {
    if (isBidInFlightConflict(error)) {
      return {
        kind: 'refused',
        error: orderError(
          'AUCTION_BID_IN_PROGRESS',
          'your previous bid on this auction is still being placed',
        ),
      };
    }
    throw error;
  }
}

/** The codes a stored refusal is answered with again; anything else is the wallet's, interrupted. */
const REPLAYED_REFUSALS = new Set<string>([
  'AUCTION_CLOSED',
  'AUCTION_OWN_AUCTION',
  'AUCTION_BID_TOO_LOW',
  'AUCTION_BID_NOT_HIGHER',
  'AUCTION_INSUFFICIENT_FUNDS',
  'AUCTION_BID_INTERRUPTED',
] satisfies OrderErrorCode[]);

function refusalOf(bid: BidRecord): OrderError {
  const code = bid.refusalCode ?? 'AUCTION_BID_INTERRUPTED';
  return REPLAYED_REFUSALS.has(code)
    ? orderError(code as OrderErrorCode, `this bid was refused: ${code}`)
    : orderError('AUCTION_BID_INTERRUPTED', `this bid was refused: the wallet answered ${code}`);
}

/** Step 2a: the wallet has released each earlier lock of this bidder before a new one is taken. */
async function settleReleases(ctx: OrderContext, releases: readonly BidRecord[]): Promise<void> {
  for (const bid of releases) {
    await ctx.wallet.unlockBid(bidRelease(bid));
    await ctx.db.transaction(async (trx) => {
      const current = await lockBid(trx, bid.id);
      if (current?.lockState === 'RELEASE_REQUESTED') {
        await updateBid(trx, bid.id, { lockState: 'RELEASED' }, await databaseNow(trx));
      }
    });
  }
}

/**
 * Settles a PENDING bid as refused: with nothing locked for it (the wallet refused the lock), or with
 * its release asked through the outbox in the same transaction (the wallet may have locked it).
 */
async function refuseBid(
  ctx: OrderContext,
  bidId: string,
  code: string,
  lock: 'NONE' | 'RELEASE',
  correlation: Correlation,
): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    const bid = await lockBid(trx, bidId);
    if (bid?.outcome !== 'PENDING') return;
    const lockState = lock === 'NONE' ? 'NONE' : 'RELEASE_REQUESTED';
    await updateBid(trx, bidId, { outcome: 'REFUSED', refusalCode: code, lockState }, await databaseNow(trx));
    if (lock === 'RELEASE') await requestRelease(trx, bid, correlation);
  });
}

export async function placeBid(
  ctx: OrderContext,
  meta: RequestMeta,
  bid: { auctionId: string; bidderId: string; maxKoinu: bigint },
): Promise<CommandOutcome<BidAnswer>> {
  const recorded = await recordPendingBid(ctx, meta, bid);
  switch (recorded.kind) {
    case 'replay': {
      // The same key again answers what the bid came to: a refusal is answered as the refusal it was.
      const answer = await readAnswer(ctx, recorded.bidId);
      if (answer.bid.outcome === 'REFUSED') return { kind: 'refused', error: refusalOf(answer.bid) };
      return { kind: 'done', value: answer, replayed: true };
    }
    case 'key-reused':
      return recorded;
    case 'refused':
      return recorded;
    case 'new':
      break;
    default: {
      const unknown: never = recorded;
      throw new Error(`unknown ${JSON.stringify(unknown)}`);
    }
  }
  const { bidId } = recorded;
  try {
    await settleReleases(ctx, recorded.releases);
    ctx.crash.reach('before-bid-lock', bid.auctionId);
    const lock = await ctx.wallet.lockBid({
      ...bid,
      userId: bid.bidderId,
      amountKoinu: bid.maxKoinu,
      idempotencyKey: bidLockKey(bidId),
    });
    if (lock.kind === 'refused') {
      const code = lock.code === 'WALLET_INSUFFICIENT_FUNDS' ? 'AUCTION_INSUFFICIENT_FUNDS' : lock.code;
      await refuseBid(ctx, bidId, code, 'NONE', { correlationId: meta.correlationId, causationId: null });
      const error =
        code === 'AUCTION_INSUFFICIENT_FUNDS'
          ? orderError('AUCTION_INSUFFICIENT_FUNDS', 'your available balance is lower than your maximum bid')
          : orderError('AUCTION_BID_INTERRUPTED', `the wallet refused the lock: ${lock.message}`);
      return { kind: 'refused', error };
    }
  } catch (error) {
    // The bid stays PENDING: the sweeper releases whatever the wallet may have locked for it.
    if (error instanceof WalletUnavailableError) {
      return {
        kind: 'refused',
        error: orderError('AUCTION_WALLET_UNAVAILABLE', 'the wallet did not answer; try again'),
      };
    }
    throw error;
  }
  ctx.crash.reach('after-bid-locked', bid.auctionId);
  const applied = await applyLockedBid(ctx, bidId, { correlationId: meta.correlationId, causationId: null });
  if (applied !== null) return { kind: 'refused', error: applied };
  return { kind: 'done', value: await readAnswer(ctx, bidId), replayed: false };
}

/**
 * Step 3, for a bid whose maximum the wallet has locked: under the auction's row lock and the database
 * clock, apply proxy bidding and save everything it changes. Returns the refusal, if any (its lock is
 * then released, unless it is the leader's raising an auction that just ended: the close settles that).
 */
export async function applyLockedBid(
  ctx: OrderContext,
  bidId: string,
  correlation: Correlation,
): Promise<OrderError | null> {
  return ctx.db.transaction(async (trx) => {
    const pending = await lockBid(trx, bidId);
    if (!pending || pending.outcome !== 'PENDING') {
      return orderError(
        'AUCTION_BID_INTERRUPTED',
        'this bid was settled while it waited; nothing is locked for it',
      );
    }
    const record = await lockAuction(trx, pending.auctionId);
    if (!record) throw new Error(`bid ${bidId} names no auction`);
    const now = await databaseNow(trx);
    const decision = decideBid(
      record.auction,
      { bidId, bidderId: pending.bidderId, maxKoinu: pending.maxKoinu, at: now },
      ctx.settings.auctions,
    );
    if (decision.kind === 'REFUSED') {
      const merged = leaderKeepsRaise(record.auction, pending.bidderId);
      await updateBid(
        trx,
        bidId,
        {
          outcome: 'REFUSED',
          refusalCode: decision.error.code,
          lockState: merged ? 'MERGED' : 'RELEASE_REQUESTED',
        },
        now,
      );
      if (!merged) await requestRelease(trx, pending, correlation);
      return decision.error;
    }
    await saveAcceptedBid(trx, record, pending, decision, now, correlation);
    return null;
  });
}

/**
 * A leader's raise refused at step 3 (the auction has just ended) locked its maximum into the leader's one
 * lock. It stays with that lock (MERGED) while the close is still to come, which converts the lock or
 * releases it naming this raise (auction-close.ts), and when the close made the leader the winner (the
 * conversion takes the whole lock). When the close already released the leader's lock, or sold to someone
 * else, the raise is released by itself: the close's release named the earlier bid, whose lock this
 * raise has topped up (the wallet leaves it alone) or locked afresh after.
 */
function leaderKeepsRaise(auction: AuctionRecord['auction'], bidderId: string): boolean {
  if (auction.leader?.bidderId !== bidderId) return false;
  if (auction.status === 'OPEN') return true;
  const ending = auction.ending;
  return ending?.kind === 'SOLD' && ending.via === 'BIDDING' && ending.buyerId === bidderId;
}

async function saveAcceptedBid(
  trx: Knex.Transaction,
  record: AuctionRecord,
  bid: BidRecord,
  decision: Extract<BidDecision, { kind: 'ACCEPTED' }>,
  now: Date,
  correlation: Correlation,
): Promise<void> {
  const before = record.auction;
  await updateAuction(trx, {
    ...record,
    auction: decision.auction,
    version: record.version + 1,
    updatedAt: now,
  });
  const leading = decision.outcome.kind === 'LEADING';
  await updateBid(
    trx,
    bid.id,
    {
      outcome: leading ? 'LEADING' : 'OUTBID',
      lockState: leading ? 'LOCKED' : 'RELEASE_REQUESTED',
      priceAfterKoinu: decision.outcome.priceKoinu,
      placedAt: now,
    },
    now,
  );
  if (!leading) await requestRelease(trx, bid, correlation);
  const previous = before.leader;
  if (previous && previous.bidderId === bid.bidderId) {
    // A raise: the leader's earlier bid is carried by this one, and so is its lock.
    await updateBid(trx, previous.bidId, { outcome: 'SUPERSEDED', lockState: 'MERGED' }, now);
  }
  if (decision.displaced) {
    const displaced = {
      id: decision.displaced.bidId,
      auctionId: before.id,
      bidderId: decision.displaced.bidderId,
    };
    await updateBid(trx, displaced.id, { outcome: 'OUTBID', lockState: 'RELEASE_REQUESTED' }, now);
    await requestRelease(trx, displaced, correlation);
  }
  if (decision.extended) await scheduleAuctionClose(trx, before.id, decision.auction.endsAt, now);
  await enqueueAuctionEvents(trx, decision.events, correlation);
}

/**
 * The sweeper: bids left PENDING past the timeout (their request died between the lock and the record).
 * The current leader's raise is completed: its lock is asked again with the same key (the wallet answers
 * what it did, or does it now) and the bid applied. Any other bid is marked interrupted, so a late step 3
 * cannot apply it, and its release goes through the outbox in the same transaction: it lands even if the
 * wallet is down now, and it retires the bid's lock key there, so a lock request still on its way (the
 * dead request's, held up in the wallet's queue) is refused instead of locking after the release.
 */
export async function sweepPendingBids(ctx: OrderContext, limit: number): Promise<number> {
  const stale = await stalePendingBids(ctx.db, ctx.settings.auctions.bidPendingTimeoutMs, limit);
  for (const bid of stale) {
    const record = await findAuction(ctx.db, bid.auctionId);
    const correlation = { correlationId: `sweeper:${bid.id}`, causationId: null };
    if (record?.auction.status === 'OPEN' && record.auction.leader?.bidderId === bid.bidderId) {
      const lock = await ctx.wallet.lockBid({
        auctionId: bid.auctionId,
        userId: bid.bidderId,
        amountKoinu: bid.maxKoinu,
        idempotencyKey: bidLockKey(bid.id),
      });
      if (lock.kind === 'locked') await applyLockedBid(ctx, bid.id, correlation);
      else await refuseBid(ctx, bid.id, lock.code, 'NONE', correlation);
      continue;
    }
    await refuseBid(ctx, bid.id, 'AUCTION_BID_INTERRUPTED', 'RELEASE', correlation);
  }
  return stale.length;
}
