// Proves bid-lock-matches-bids: every ACTIVE lock in the wallet is held by the same bidder's LEADING bid
// of exactly the lock's amount. A lock whose bid is moving between the services (pending, a release or
// conversion asked for, a leader's raise refused at the end) is forgiven while the
// bid or the lock changed within the grace period, in either direction, and reported after; a lock no
// bid accounts for is reported at once, with the bidder's LEADING maximum against the locked amount.
import { expect } from 'chai';
import { checkBidLocksMatchBids } from '../../src/domain/checks/bid-lock-matches-bids.js';
import type { BidLockState, BidOutcome } from '../../src/domain/checks/auction-book.js';
import { AUCTION, BOB, CAROL, bid, book, lock, openAuction } from '../support/auction-book.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const MAX = 500_000_000n;
const summary = (found: ReturnType<typeof checkBidLocksMatchBids>) =>
  found.map((one) => [one.check, one.subjectType, one.subjectId, one.expected, one.actual]);

const MOVING: Array<[BidOutcome, BidLockState]> = [
  ['PENDING', 'NONE'],
  ['OUTBID', 'RELEASE_REQUESTED'],
  ['LOST', 'RELEASE_REQUESTED'],
  ['REFUSED', 'RELEASE_REQUESTED'],
  ['WON', 'CONVERT_REQUESTED'],
  ['REFUSED', 'MERGED'],
];

describe('bid-lock-matches-bids', () => {
  it("accepts a lock held by the bidder's LEADING bid of the same maximum", () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED');
    expect(
      checkBidLocksMatchBids(book(openAuction(null), [lock(BOB, MAX)], [leading]), WINDOW),
    ).to.deep.equal([]);
  });

  it('judges only ACTIVE locks: released and converted ones are the other checks’ business', () => {
    const locks = [lock(BOB, MAX, HOUR_AGO, 'RELEASED'), lock(CAROL, MAX, HOUR_AGO, 'CONVERTED')];
    expect(checkBidLocksMatchBids(book(openAuction(null), locks, []), WINDOW)).to.deep.equal([]);
  });

  it("reports a lock of another amount than the bidder's LEADING maximum, with both amounts", () => {
    const leading = bid(BOB, MAX + 1n, 'LEADING', 'LOCKED');
    const found = checkBidLocksMatchBids(book(openAuction(null), [lock(BOB, MAX)], [leading]), WINDOW);
    expect(summary(found)).to.deep.equal([
      ['bid-lock-matches-bids', 'bid-lock', `${AUCTION}:${BOB}`, (MAX + 1n).toString(), MAX.toString()],
    ]);
    expect(found[0]!.detail).to.contain(`bid ${leading.bidId} LEADING with its lock LOCKED`);
  });

  it('reports a lock no bid accounts for, at once, on a known auction or one the order service does not have', () => {
    for (const auction of [openAuction(null), null]) {
      const found = checkBidLocksMatchBids(book(auction, [lock(BOB, MAX, JUST_NOW)], []), WINDOW);
      expect(summary(found)).to.deep.equal([
        [
          'bid-lock-matches-bids',
          'bid-lock',
          `${AUCTION}:${BOB}`,
          'a LEADING bid of this bidder',
          MAX.toString(),
        ],
      ]);
      expect(found[0]!.detail).to.contain('no bid that holds a lock');
    }
  });

  it('reports a lock whose only bid of its amount says the lock was already released or never taken', () => {
    for (const [outcome, lockState] of [
      ['OUTBID', 'RELEASED'],
      ['REFUSED', 'RELEASED'],
      ['REFUSED', 'NONE'],
      ['SUPERSEDED', 'MERGED'],
    ] as const) {
      const settled = bid(BOB, MAX, outcome, lockState, JUST_NOW);
      const found = checkBidLocksMatchBids(
        book(openAuction(null), [lock(BOB, MAX, JUST_NOW)], [settled]),
        WINDOW,
      );
      expect(summary(found), `${outcome}/${lockState}`).to.have.length(1);
    }
  });

  it('forgives a lock whose bid is moving while either side changed within the grace period', () => {
    for (const [outcome, lockState] of MOVING) {
      for (const [bidAt, lockAt] of [
        [JUST_NOW, HOUR_AGO],
        [HOUR_AGO, JUST_NOW],
      ] as const) {
        const moving = bid(BOB, MAX, outcome, lockState, bidAt);
        expect(
          checkBidLocksMatchBids(book(openAuction(null), [lock(BOB, MAX, lockAt)], [moving]), WINDOW),
          `${outcome}/${lockState}`,
        ).to.deep.equal([]);
      }
    }
  });

  it('reports the same move once both sides are older than the grace period', () => {
    for (const [outcome, lockState] of MOVING) {
      const moving = bid(BOB, MAX, outcome, lockState, HOUR_AGO);
      const found = checkBidLocksMatchBids(
        book(openAuction(null), [lock(BOB, MAX, HOUR_AGO)], [moving]),
        WINDOW,
      );
      expect(summary(found), `${outcome}/${lockState}`).to.deep.equal([
        [
          'bid-lock-matches-bids',
          'bid-lock',
          `${AUCTION}:${BOB}`,
          'bid and lock agreeing within 300 s',
          `bid ${outcome} with its lock ${lockState}, wallet lock ACTIVE`,
        ],
      ]);
    }
  });

  it("forgives a leader's raise being applied: the lock is the new maximum, the LEADING bid the old one", () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED', HOUR_AGO);
    const raise = bid(BOB, MAX * 2n, 'PENDING', 'NONE', JUST_NOW);
    expect(
      checkBidLocksMatchBids(
        book(openAuction(null), [lock(BOB, MAX * 2n, JUST_NOW)], [leading, raise]),
        WINDOW,
      ),
    ).to.deep.equal([]);
  });

  it('judges each lock of an auction on its own', () => {
    const locks = [lock(BOB, MAX), lock(CAROL, MAX)];
    const found = checkBidLocksMatchBids(
      book(openAuction(null), locks, [bid(BOB, MAX, 'LEADING', 'LOCKED')]),
      WINDOW,
    );
    expect(found.map((one) => one.subjectId)).to.deep.equal([`${AUCTION}:${CAROL}`]);
  });
});
