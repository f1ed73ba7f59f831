// Proves auction-lock-is-leaders: an open auction's only ACTIVE lock is its leader's, of exactly the
// leader's maximum. A leader without a lock is reported at once (never in flight: the lock comes first);
// another bidder's lock or a leader's lock of another amount is forgiven while its bid is moving and the
// bid or the lock changed within the grace period, and reported after, naming the auction. Closed
// auctions are auction-closed-no-lock's.
import { expect } from 'chai';
import { checkAuctionLockIsLeaders } from '../../src/domain/checks/auction-lock-is-leaders.js';
import { AUCTION, BOB, CAROL, bid, book, lock, openAuction } from '../support/auction-book.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const MAX = 500_000_000n;
const LEADER = { bidderId: BOB, maxKoinu: MAX };
const summary = (found: ReturnType<typeof checkAuctionLockIsLeaders>) =>
  found.map((one) => [one.check, one.subjectType, one.subjectId, one.expected, one.actual]);

describe('auction-lock-is-leaders', () => {
  it("accepts an open auction whose one lock is the leader's maximum, and one without bids or locks", () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED');
    expect(
      checkAuctionLockIsLeaders(book(openAuction(LEADER), [lock(BOB, MAX)], [leading]), WINDOW),
    ).to.deep.equal([]);
    expect(checkAuctionLockIsLeaders(book(openAuction(null), [], []), WINDOW)).to.deep.equal([]);
  });

  it('reports a leader without a lock at once, however recent', () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED', JUST_NOW);
    expect(
      summary(checkAuctionLockIsLeaders(book(openAuction(LEADER), [], [leading]), WINDOW)),
    ).to.deep.equal([['auction-lock-is-leaders', 'auction', AUCTION, MAX.toString(), 'no active lock']]);
  });

  it("reports a leader's lock of another amount, with the leader's maximum and the locked amount", () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED');
    expect(
      summary(checkAuctionLockIsLeaders(book(openAuction(LEADER), [lock(BOB, MAX - 1n)], [leading]), WINDOW)),
    ).to.deep.equal([['auction-lock-is-leaders', 'auction', AUCTION, MAX.toString(), (MAX - 1n).toString()]]);
  });

  it("forgives a leader's raise locked a moment ago and not applied yet; reports it once old", () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED', HOUR_AGO);
    const fresh = bid(BOB, MAX * 2n, 'PENDING', 'NONE', JUST_NOW);
    expect(
      checkAuctionLockIsLeaders(
        book(openAuction(LEADER), [lock(BOB, MAX * 2n, JUST_NOW)], [leading, fresh]),
        WINDOW,
      ),
    ).to.deep.equal([]);
    const stale = bid(BOB, MAX * 2n, 'PENDING', 'NONE', HOUR_AGO);
    expect(
      summary(
        checkAuctionLockIsLeaders(book(openAuction(LEADER), [lock(BOB, MAX * 2n)], [leading, stale]), WINDOW),
      ),
    ).to.deep.equal([['auction-lock-is-leaders', 'auction', AUCTION, MAX.toString(), (MAX * 2n).toString()]]);
  });

  it("forgives an outbid bidder's lock whose release is on its way, from either side, within the grace period", () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED');
    for (const [bidAt, lockAt] of [
      [JUST_NOW, HOUR_AGO],
      [HOUR_AGO, JUST_NOW],
    ] as const) {
      const outbid = bid(CAROL, MAX - 1n, 'OUTBID', 'RELEASE_REQUESTED', bidAt);
      const locks = [lock(BOB, MAX), lock(CAROL, MAX - 1n, lockAt)];
      expect(
        checkAuctionLockIsLeaders(book(openAuction(LEADER), locks, [leading, outbid]), WINDOW),
      ).to.deep.equal([]);
    }
  });

  it('reports a second lock once older than the grace period, or at once when no bid moves it', () => {
    const leading = bid(BOB, MAX, 'LEADING', 'LOCKED');
    const outbid = bid(CAROL, MAX - 1n, 'OUTBID', 'RELEASE_REQUESTED', HOUR_AGO);
    const locks = [lock(BOB, MAX), lock(CAROL, MAX - 1n)];
    const expected = [
      [
        'auction-lock-is-leaders',
        'auction',
        AUCTION,
        `only the leader's lock (${BOB})`,
        `${MAX - 1n} koinu locked for ${CAROL}`,
      ],
    ];
    expect(
      summary(checkAuctionLockIsLeaders(book(openAuction(LEADER), locks, [leading, outbid]), WINDOW)),
    ).to.deep.equal(expected);
    const freshLocks = [lock(BOB, MAX), lock(CAROL, MAX - 1n, JUST_NOW)];
    const released = bid(CAROL, MAX - 1n, 'OUTBID', 'RELEASED', JUST_NOW);
    expect(
      summary(checkAuctionLockIsLeaders(book(openAuction(LEADER), freshLocks, [leading, released]), WINDOW)),
    ).to.deep.equal(expected);
  });

  it('reports a lock on an open auction nobody leads', () => {
    expect(
      summary(checkAuctionLockIsLeaders(book(openAuction(null), [lock(CAROL, MAX)], []), WINDOW)),
    ).to.deep.equal([
      ['auction-lock-is-leaders', 'auction', AUCTION, 'no active lock', `${MAX} koinu locked for ${CAROL}`],
    ]);
  });

  it('leaves closed and cancelled auctions, and locks of unknown auctions, to the other checks', () => {
    const closed = { ...openAuction(LEADER), status: 'CLOSED' as const };
    expect(checkAuctionLockIsLeaders(book(closed, [lock(CAROL, MAX)], []), WINDOW)).to.deep.equal([]);
    expect(checkAuctionLockIsLeaders(book(null, [lock(CAROL, MAX)], []), WINDOW)).to.deep.equal([]);
  });
});
