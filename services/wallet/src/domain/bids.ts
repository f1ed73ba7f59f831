/**
 * Auction bids: lock (available -> locked), raise the same user's lock by the difference, unlock when
 * outbid or cancelled, and convert the winner's lock into the escrow of the auction's order.
 */
import { reject, type DecisionContext, type Decision } from './decision.js';
import type { ConvertBid, LockBid, UnlockBid } from './commands.js';
import type { DomainErrorCode } from './errors.js';
import {
  bidCommandFailed,
  bidConverted,
  bidLocked,
  bidLockFailed,
  bidUnlocked,
  escrowLocked,
} from './events.js';
import { moveBetweenBuckets, type Posting } from './postings.js';
import { bidLockKey, type BidLock, type Book, type Escrow } from './types.js';
import { bidLockView, escrowView } from './views.js';

export function decideLockBid(book: Book, command: LockBid, ctx: DecisionContext): Decision {
  const { auctionId, userId, amountKoinu } = command;
  const fail = (code: DomainErrorCode, message: string): Decision =>
    reject(code, message, [bidLockFailed(auctionId, userId, amountKoinu, code, message)]);
  if (amountKoinu <= 0n) return fail('WALLET_AMOUNT_INVALID', 'bid amount must be greater than zero');
  const wallet = book.wallets.get(userId);
  if (!wallet) return fail('WALLET_NOT_FOUND', `bidder ${userId} has no wallet`);
  const existing = book.bidLocks.get(bidLockKey(auctionId, userId));
  if (existing?.status === 'CONVERTED')
    return fail('WALLET_BID_LOCK_WRONG_STATE', 'this bid lock was already converted into an escrow');
  const alreadyLocked = existing?.status === 'ACTIVE' ? existing.amountKoinu : 0n;
  if (amountKoinu <= alreadyLocked) {
    return fail(
      'WALLET_BID_NOT_HIGHER',
      `a bid of ${alreadyLocked} koinu is already locked; a new bid must be higher`,
    );
  }
  const increase = amountKoinu - alreadyLocked;
  if (wallet.availableKoinu < increase)
    return fail('WALLET_INSUFFICIENT_FUNDS', 'available balance is lower than the bid');
  const lock: BidLock = {
    auctionId,
    userId,
    amountKoinu,
    status: 'ACTIVE',
    orderId: null,
    lockCommandId: ctx.commandId,
    updatedAt: ctx.now,
  };
  return {
    ok: true,
    postings: moveBetweenBuckets(userId, 'AVAILABLE', 'LOCKED', increase, 'BID_LOCK'),
    reference: { type: 'auction', id: auctionId },
    changes: [{ kind: 'bidLock', value: lock }],
    events: [bidLocked(auctionId, userId, amountKoinu, increase)],
    result: { kind: 'bidLock', bidLock: bidLockView(lock), escrow: null },
  };
}

function activeLock(
  book: Book,
  auctionId: string,
  userId: string,
): BidLock | { code: DomainErrorCode; message: string } {
  const lock = book.bidLocks.get(bidLockKey(auctionId, userId));
  if (!lock)
    return {
      code: 'WALLET_BID_LOCK_NOT_FOUND',
      message: `user ${userId} has no bid lock on auction ${auctionId}`,
    };
  if (lock.status !== 'ACTIVE')
    return { code: 'WALLET_BID_LOCK_WRONG_STATE', message: `the bid lock is ${lock.status}, not ACTIVE` };
  return lock;
}

/**
 * A release names the lock of its bid: if a later lock command of the same bidder (a raise) set the
 * lock's amount since, the lock is that bid's, and releasing it would leave the later bid unbacked.
 * A release that names no lock, or a lock from before locks recorded their command, frees the lock.
 */
function supersededFor(lock: BidLock, command: UnlockBid): boolean {
  return (
    command.lockCommandId !== undefined &&
    lock.lockCommandId !== null &&
    lock.lockCommandId !== command.lockCommandId
  );
}

export function decideUnlockBid(book: Book, command: UnlockBid, ctx: DecisionContext): Decision {
  const { auctionId, userId } = command;
  const found = activeLock(book, auctionId, userId);
  const lock: BidLock | { code: DomainErrorCode; message: string } =
    'code' in found || !supersededFor(found, command)
      ? found
      : {
          code: 'WALLET_BID_LOCK_SUPERSEDED',
          message: 'a later lock of this bidder set the amount; it holds the money now',
        };
  if ('code' in lock) {
    return reject(lock.code, lock.message, [
      bidCommandFailed(auctionId, userId, 'UNLOCK', null, lock.code, lock.message),
    ]);
  }
  const released: BidLock = { ...lock, status: 'RELEASED', updatedAt: ctx.now };
  return {
    ok: true,
    postings: moveBetweenBuckets(userId, 'LOCKED', 'AVAILABLE', lock.amountKoinu, 'BID_UNLOCK'),
    reference: { type: 'auction', id: auctionId },
    changes: [{ kind: 'bidLock', value: released }],
    events: [bidUnlocked(auctionId, userId, lock.amountKoinu)],
    result: { kind: 'bidLock', bidLock: bidLockView(released), escrow: null },
  };
}

export function decideConvertBid(book: Book, command: ConvertBid, ctx: DecisionContext): Decision {
  const { auctionId, userId, orderId } = command;
  const fail = (code: DomainErrorCode, message: string): Decision =>
    reject(code, message, [bidCommandFailed(auctionId, userId, 'CONVERT', orderId, code, message)]);
  const lock = activeLock(book, auctionId, userId);
  if ('code' in lock) return fail(lock.code, lock.message);
  if (command.amountKoinu <= 0n) return fail('WALLET_AMOUNT_INVALID', 'price must be greater than zero');
  if (command.amountKoinu > lock.amountKoinu) {
    return fail(
      'WALLET_BID_AMOUNT_EXCEEDS_LOCK',
      `the price exceeds the ${lock.amountKoinu} koinu locked for this bid`,
    );
  }
  if (command.feeKoinu < 0n || command.feeKoinu > command.amountKoinu) {
    return fail('WALLET_FEE_EXCEEDS_AMOUNT', 'fee must be between zero and the price');
  }
  if (command.sellerId === userId) return fail('WALLET_SAME_BUYER_AND_SELLER', 'the winner is the seller');
  if (book.escrows.has(orderId))
    return fail('WALLET_ESCROW_ALREADY_EXISTS', `order ${orderId} already has an escrow`);
  const escrow: Escrow = {
    id: ctx.commandId,
    orderId,
    buyerId: userId,
    sellerId: command.sellerId,
    amountKoinu: command.amountKoinu,
    feeKoinu: command.feeKoinu,
    status: 'LOCKED',
    source: 'BID',
    auctionId,
    disputeReason: null,
    split: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const converted: BidLock = { ...lock, status: 'CONVERTED', orderId, updatedAt: ctx.now };
  const unlocked = lock.amountKoinu - command.amountKoinu;
  const postings: Posting[] =
    unlocked > 0n ? moveBetweenBuckets(userId, 'LOCKED', 'AVAILABLE', unlocked, 'BID_UNLOCK') : [];
  return {
    ok: true,
    postings,
    reference: { type: 'auction', id: auctionId },
    changes: [
      { kind: 'bidLock', value: converted },
      { kind: 'escrow', value: escrow },
    ],
    events: [bidConverted(escrow, unlocked), escrowLocked(escrow)],
    result: { kind: 'bidLock', bidLock: bidLockView(converted), escrow: escrowView(escrow) },
  };
}
