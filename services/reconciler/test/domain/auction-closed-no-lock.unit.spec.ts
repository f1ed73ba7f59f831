// Proves auction-closed-no-lock: a CLOSED or CANCELLED auction holds no ACTIVE lock. The close asks the
// wallet to release the leader's lock or convert the winner's; while that request (or a bid that raced
// the close) is on its way and the bid or the lock changed within the grace period, the lock is
// forgiven; older, or held by a bid the order service still counts as leading, it is reported, naming
// the auction and the locked amount.
import { expect } from 'chai';
import { checkAuctionClosedNoLock } from '../../src/domain/checks/auction-closed-no-lock.js';
import type { AuctionSide } from '../../src/domain/checks/auction-book.js';
import { AUCTION, BOB, CAROL, bid, book, lock, openAuction } from '../support/auction-book.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const MAX = 500_000_000n;
const closed: AuctionSide = {
  status: 'CLOSED',
  leader: { bidderId: BOB, maxKoinu: MAX },
  sale: null,
  orderId: null,
  updatedAt: HOUR_AGO,
};
const cancelled: AuctionSide = { ...closed, status: 'CANCELLED', leader: null };
const summary = (found: ReturnType<typeof checkAuctionClosedNoLock>) =>
  found.map((one) => [one.check, one.subjectType, one.subjectId, one.expected, one.actual]);

describe('auction-closed-no-lock', () => {
  it('accepts a closed or cancelled auction without active locks (released and converted ones are fine)', () => {
    for (const auction of [closed, cancelled]) {
      const locks = [lock(BOB, MAX, HOUR_AGO, 'RELEASED'), lock(CAROL, MAX, HOUR_AGO, 'CONVERTED')];
      expect(checkAuctionClosedNoLock(book(auction, locks, []), WINDOW)).to.deep.equal([]);
    }
  });

  it("forgives the close's release or conversion on its way, and a bid that raced the close, within the grace period", () => {
    for (const moving of [
      bid(BOB, MAX, 'LOST', 'RELEASE_REQUESTED', JUST_NOW),
      bid(BOB, MAX, 'WON', 'CONVERT_REQUESTED', JUST_NOW),
      bid(BOB, MAX, 'PENDING', 'NONE', JUST_NOW),
    ]) {
      expect(
        checkAuctionClosedNoLock(book(closed, [lock(BOB, MAX)], [moving]), WINDOW),
        moving.outcome,
      ).to.deep.equal([]);
    }
    const lost = bid(BOB, MAX, 'LOST', 'RELEASE_REQUESTED', HOUR_AGO);
    expect(checkAuctionClosedNoLock(book(closed, [lock(BOB, MAX, JUST_NOW)], [lost]), WINDOW)).to.deep.equal(
      [],
    );
  });

  it('reports the same lock once both sides are older than the grace period', () => {
    const lost = bid(BOB, MAX, 'LOST', 'RELEASE_REQUESTED', HOUR_AGO);
    const found = checkAuctionClosedNoLock(book(closed, [lock(BOB, MAX)], [lost]), WINDOW);
    expect(summary(found)).to.deep.equal([
      ['auction-closed-no-lock', 'auction', AUCTION, 'no active lock', `${MAX} koinu locked for ${BOB}`],
    ]);
    expect(found[0]!.detail)
      .to.contain('auction CLOSED')
      .and.to.contain('LOST with its lock RELEASE_REQUESTED');
  });

  it('reports at once a lock the order service still counts as leading, or that no bid accounts for', () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED', JUST_NOW);
    expect(
      summary(checkAuctionClosedNoLock(book(closed, [lock(BOB, MAX, JUST_NOW)], [leading]), WINDOW)),
    ).to.have.length(1);
    expect(
      summary(checkAuctionClosedNoLock(book(cancelled, [lock(CAROL, MAX, JUST_NOW)], []), WINDOW)),
    ).to.deep.equal([
      ['auction-closed-no-lock', 'auction', AUCTION, 'no active lock', `${MAX} koinu locked for ${CAROL}`],
    ]);
  });

  it('leaves open auctions and unknown ones to the other checks', () => {
    expect(checkAuctionClosedNoLock(book(openAuction(null), [lock(BOB, MAX)], []), WINDOW)).to.deep.equal([]);
    expect(checkAuctionClosedNoLock(book(null, [lock(BOB, MAX)], []), WINDOW)).to.deep.equal([]);
  });
});
