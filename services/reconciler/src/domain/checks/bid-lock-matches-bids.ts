/**
 * `bid-lock-matches-bids`: every ACTIVE bid lock in the wallet is held by a bid of the same bidder on the
 * same auction that the order service counts as LEADING with its lock LOCKED, for exactly the lock's
 * amount (the bid's maximum). A lock whose bid is moving (auction-book.ts) is forgiven while the bid or
 * the lock changed within the grace period; a lock no bid accounts for is reported at once, whatever
 * its age: the wallet locks a maximum only for a bid the order service recorded first.
 */
import { finding, type Finding } from '../findings.js';
import type { GraceWindow } from '../grace.js';
import {
  accountFor,
  activeLocks,
  describeBid,
  describeBidsOf,
  describeLock,
  lockSubject,
  movingWithinGrace,
  type AuctionBook,
  type WalletBidLock,
} from './auction-book.js';

function judgeLock(book: AuctionBook, lock: WalletBidLock, window: GraceWindow): Finding[] {
  const account = accountFor(lock, book.bids);
  if (account.kind === 'held' || movingWithinGrace(account, lock, window)) return [];
  const subject = lockSubject(book.auctionId, lock);
  if (account.kind === 'moving') {
    return [
      finding(
        'bid-lock-matches-bids',
        'bid-lock',
        subject,
        `bid and lock agreeing within ${window.graceSeconds} s`,
        `bid ${account.bid.outcome} with its lock ${account.bid.lockState}, wallet lock ACTIVE`,
        `${describeLock(lock)}; ${describeBid(account.bid)}: a move between the services older than the grace period`,
      ),
    ];
  }
  const leading = book.bids.find((bid) => bid.bidderId === lock.bidderId && bid.outcome === 'LEADING');
  const where = book.auction === null ? 'an auction the order service does not have' : 'the auction';
  return [
    finding(
      'bid-lock-matches-bids',
      'bid-lock',
      subject,
      leading ? leading.maxKoinu : 'a LEADING bid of this bidder',
      lock.amountKoinu,
      `${describeLock(lock)} on ${where}; the order service has ${describeBidsOf(lock.bidderId, book.bids)}`,
    ),
  ];
}

export function checkBidLocksMatchBids(book: AuctionBook, window: GraceWindow): Finding[] {
  return activeLocks(book).flatMap((lock) => judgeLock(book, lock, window));
}
