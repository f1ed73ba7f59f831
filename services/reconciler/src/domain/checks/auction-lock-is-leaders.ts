/**
 * `auction-lock-is-leaders`: an OPEN auction has at most one ACTIVE lock in the wallet, the leader's, of
 * exactly the leader's maximum; an auction with a leader has that lock. The leader's lock is never in
 * flight: the wallet locks a maximum before the bid leads, and the order service asks for its release
 * only once someone else leads. Another bidder's lock, or a leader's lock of another amount (a raise
 * locked and not yet applied), is forgiven while its bid is moving (auction-book.ts) and the bid or the
 * lock changed within the grace period.
 */
import { finding, type Finding } from '../findings.js';
import type { GraceWindow } from '../grace.js';
import {
  accountFor,
  activeLocks,
  describeBidsOf,
  describeLock,
  movingWithinGrace,
  type AuctionBook,
  type WalletBidLock,
} from './auction-book.js';

const inFlight = (book: AuctionBook, lock: WalletBidLock, window: GraceWindow): boolean =>
  movingWithinGrace(accountFor(lock, book.bids), lock, window);

export function checkAuctionLockIsLeaders(book: AuctionBook, window: GraceWindow): Finding[] {
  const auction = book.auction;
  if (auction?.status !== 'OPEN') return [];
  const leader = auction.leader;
  const locks = activeLocks(book);
  const found: Finding[] = [];
  const report = (expected: bigint | string, actual: bigint | string, detail: string): void => {
    found.push(finding('auction-lock-is-leaders', 'auction', book.auctionId, expected, actual, detail));
  };
  if (leader !== null) {
    const leaderLock = locks.find((lock) => lock.bidderId === leader.bidderId);
    if (!leaderLock) {
      report(
        leader.maxKoinu,
        'no active lock',
        `the leader ${leader.bidderId} bids up to ${leader.maxKoinu} koinu and the wallet holds no active lock of theirs`,
      );
    } else if (leaderLock.amountKoinu !== leader.maxKoinu && !inFlight(book, leaderLock, window)) {
      report(
        leader.maxKoinu,
        leaderLock.amountKoinu,
        `the leader's maximum vs ${describeLock(leaderLock)}; the order service has ${describeBidsOf(leader.bidderId, book.bids)}`,
      );
    }
  }
  for (const lock of locks) {
    if (lock.bidderId === leader?.bidderId || inFlight(book, lock, window)) continue;
    report(
      leader === null ? 'no active lock' : `only the leader's lock (${leader.bidderId})`,
      `${lock.amountKoinu} koinu locked for ${lock.bidderId}`,
      `${describeLock(lock)} on an open auction it does not lead; the order service has ${describeBidsOf(lock.bidderId, book.bids)}`,
    );
  }
  return found;
}
