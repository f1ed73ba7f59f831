/**
 * `auction-closed-no-lock`: a CLOSED or CANCELLED auction holds no ACTIVE lock in the wallet. The close
 * asks, in its own transaction, for the leader's lock to be released (unsold, bought now) or converted
 * into the order's escrow (sold), so a lock whose bid is moving (auction-book.ts) is forgiven while the
 * bid or the lock changed within the grace period; a lock the order service still counts as leading,
 * or none of whose bids moves it, is reported whatever its age.
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
} from './auction-book.js';

export function checkAuctionClosedNoLock(book: AuctionBook, window: GraceWindow): Finding[] {
  const auction = book.auction;
  if (auction === null || auction.status === 'OPEN') return [];
  return activeLocks(book)
    .filter((lock) => !movingWithinGrace(accountFor(lock, book.bids), lock, window))
    .map((lock) =>
      finding(
        'auction-closed-no-lock',
        'auction',
        book.auctionId,
        'no active lock',
        `${lock.amountKoinu} koinu locked for ${lock.bidderId}`,
        `auction ${auction.status} (changed ${auction.updatedAt.toISOString()}); ${describeLock(lock)}; the order service has ${describeBidsOf(lock.bidderId, book.bids)}`,
      ),
    );
}
