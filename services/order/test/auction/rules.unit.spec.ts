// Proves the auction rules one by one, as a seller and bidders meet them: opening checks, eBay's
// proxy bidding (second-highest maximum plus one increment, ties to the earlier bid, the reserve lift,
// the leader's raise), buy-it-now, soft close, the close and the cancel, with the lock each bidder
// must hold after every step and the events published. Amounts are koinu; the start price is 10 DOGE
// unless said otherwise, so the increment is 0.5 DOGE up to 25 DOGE and 1 DOGE from there.
import { expect } from 'chai';
import {
  AuctionInvariantViolation,
  buyNow,
  cancelAuction,
  closeAuction,
  openAuction,
  placeBid,
  type Auction,
  type AuctionErrorCode,
  type NewAuction,
} from '../../src/domain/auction/index.js';
import {
  accepted,
  afterBids,
  ALICE,
  anAuction,
  at,
  AUCTION_ID,
  BOB,
  CAROL,
  DOGE,
  HOUR_MS,
  MINUTE_MS,
  OPENING,
  SELLER,
  SETTINGS,
  T0,
} from './fixtures.js';

const END_MS = HOUR_MS;

function refusedBid(auction: Auction, bidderId: string, maxKoinu: bigint, when = at(10 * MINUTE_MS)) {
  const decision = placeBid(auction, { bidId: 'refused-bid', bidderId, maxKoinu, at: when }, SETTINGS);
  if (decision.kind !== 'REFUSED') expect.fail('the bid was accepted');
  return decision.error;
}

function openingCode(overrides: Partial<NewAuction>): AuctionErrorCode | 'OPENED' {
  const command: NewAuction & { auctionId: string } = {
    auctionId: AUCTION_ID,
    sellerId: SELLER,
    startPriceKoinu: 10n * DOGE,
    reserveKoinu: null,
    buyNowKoinu: null,
    endsAt: at(END_MS),
    ...overrides,
  };
  const decision = openAuction(command, OPENING);
  return decision.kind === 'OPENED' ? 'OPENED' : decision.error.code;
}

describe('auction rules', () => {
  describe('opening', () => {
    it('an auction opens with no leader and no price, and auction.opened does not reveal the reserve', () => {
      const decision = openAuction(
        {
          auctionId: AUCTION_ID,
          sellerId: SELLER,
          startPriceKoinu: 10n * DOGE,
          reserveKoinu: 40n * DOGE,
          buyNowKoinu: 60n * DOGE,
          endsAt: at(END_MS),
        },
        OPENING,
      );
      if (decision.kind !== 'OPENED') expect.fail(decision.error.message);
      expect(decision.auction).to.include({ status: 'OPEN', leader: null, priceKoinu: null, bidCount: 0 });
      expect(decision.events).to.deep.equal([
        {
          topic: 'auction.opened',
          key: AUCTION_ID,
          payload: {
            auctionId: AUCTION_ID,
            sellerId: SELLER,
            startPriceKoinu: '1000000000',
            buyNowKoinu: '6000000000',
            hasReserve: true,
            endsAt: at(END_MS).toISOString(),
          },
        },
      ]);
    });

    it('the start price must be above zero', () => {
      expect(openingCode({ startPriceKoinu: 0n })).to.equal('AUCTION_START_PRICE_NOT_POSITIVE');
      expect(openingCode({ startPriceKoinu: 1n })).to.equal('OPENED');
    });

    it('the reserve must be at least the start price', () => {
      expect(openingCode({ reserveKoinu: 10n * DOGE - 1n })).to.equal('AUCTION_RESERVE_BELOW_START');
      expect(openingCode({ reserveKoinu: 10n * DOGE })).to.equal('OPENED');
    });

    it('buy-it-now must be at least 30% above the start price, rounded up to the koinu', () => {
      expect(openingCode({ buyNowKoinu: 13n * DOGE - 1n })).to.equal('AUCTION_BUY_NOW_TOO_LOW');
      expect(openingCode({ buyNowKoinu: 13n * DOGE })).to.equal('OPENED');
      // 7 koinu * 1.3 = 9.1 koinu: 9 is too low, 10 is the least.
      expect(openingCode({ startPriceKoinu: 7n, buyNowKoinu: 9n })).to.equal('AUCTION_BUY_NOW_TOO_LOW');
      expect(openingCode({ startPriceKoinu: 7n, buyNowKoinu: 10n })).to.equal('OPENED');
    });

    it('buy-it-now must be at least the reserve', () => {
      const reserveKoinu = 20n * DOGE;
      expect(openingCode({ reserveKoinu, buyNowKoinu: reserveKoinu - 1n })).to.equal(
        'AUCTION_BUY_NOW_BELOW_RESERVE',
      );
      expect(openingCode({ reserveKoinu, buyNowKoinu: reserveKoinu })).to.equal('OPENED');
    });

    it('the end must be between the minimum and the maximum duration from now', () => {
      expect(openingCode({ endsAt: at(OPENING.minDurationMs - 1) })).to.equal('AUCTION_END_TOO_SOON');
      expect(openingCode({ endsAt: at(OPENING.minDurationMs) })).to.equal('OPENED');
      expect(openingCode({ endsAt: at(OPENING.maxDurationMs) })).to.equal('OPENED');
      expect(openingCode({ endsAt: at(OPENING.maxDurationMs + 1) })).to.equal('AUCTION_END_TOO_LATE');
      expect(openingCode({ endsAt: new Date('not a time') })).to.equal('AUCTION_END_INVALID');
    });
  });

  describe('bidding', () => {
    it('the first bid sets the price to the start price and locks the bidder’s maximum', () => {
      const bid = accepted(anAuction(), ALICE, 50n * DOGE);
      expect(bid.outcome).to.deep.equal({ kind: 'LEADING', priceKoinu: 10n * DOGE });
      expect(bid.auction.leader).to.include({ bidderId: ALICE, maxKoinu: 50n * DOGE });
      expect(bid.locks).to.deep.equal({ bidderLockKoinu: 50n * DOGE, release: null });
      expect(bid.auction.bidCount).to.equal(1);
    });

    it('the first bid must reach the start price', () => {
      const error = refusedBid(anAuction(), ALICE, 10n * DOGE - 1n);
      expect(error).to.include({ code: 'AUCTION_BID_TOO_LOW', minimumBidKoinu: 10n * DOGE });
    });

    it('a later bid must reach the price plus the increment at that price', () => {
      const auction = afterBids(anAuction(), [[ALICE, 50n * DOGE]]);
      const error = refusedBid(auction, BOB, 1_050_000_000n - 1n);
      expect(error).to.include({ code: 'AUCTION_BID_TOO_LOW', minimumBidKoinu: 1_050_000_000n });
      expect(accepted(auction, BOB, 1_050_000_000n).auction.bidCount).to.equal(2);
    });

    it('the price is the second-highest maximum plus one increment at that maximum', () => {
      const auction = afterBids(anAuction(), [[ALICE, 50n * DOGE]]);
      const bob = accepted(auction, BOB, 30n * DOGE);
      expect(bob.auction.priceKoinu).to.equal(31n * DOGE);
    });

    it('the price never exceeds the leader’s maximum', () => {
      const auction = afterBids(anAuction(), [[ALICE, 20n * DOGE]]);
      const bob = accepted(auction, BOB, 1_980_000_000n);
      expect(bob.auction.priceKoinu).to.equal(20n * DOGE);
    });

    it('a higher maximum takes the lead at one increment over the displaced maximum, whose lock is released', () => {
      const auction = afterBids(anAuction(), [[ALICE, 20n * DOGE]]);
      const bob = accepted(auction, BOB, 50n * DOGE);
      expect(bob.outcome).to.deep.equal({ kind: 'LEADING', priceKoinu: 2_050_000_000n });
      expect(bob.displaced).to.include({ bidderId: ALICE, maxKoinu: 20n * DOGE });
      expect(bob.locks).to.deep.equal({
        bidderLockKoinu: 50n * DOGE,
        release: { bidderId: ALICE, amountKoinu: 20n * DOGE },
      });
      expect(bob.events.map((event) => event.topic)).to.deep.equal(['auction.bid-placed', 'auction.outbid']);
      expect(bob.events[1]!.payload).to.include({ bidderId: ALICE, leaderId: BOB, priceKoinu: '2050000000' });
    });

    it('a new leader pays no more than their own maximum', () => {
      const auction = afterBids(anAuction(), [[ALICE, 20n * DOGE]]);
      const bob = accepted(auction, BOB, 20n * DOGE + 1n);
      expect(bob.auction.priceKoinu).to.equal(20n * DOGE + 1n);
    });

    it('a tie goes to the earlier bid, at a price equal to the tied maximum', () => {
      const auction = afterBids(anAuction(), [[ALICE, 20n * DOGE]]);
      const bob = accepted(auction, BOB, 20n * DOGE);
      expect(bob.outcome).to.deep.equal({ kind: 'OUTBID', priceKoinu: 20n * DOGE });
      expect(bob.auction.leader).to.include({ bidderId: ALICE, maxKoinu: 20n * DOGE });
      expect(bob.displaced).to.equal(null);
    });

    it('a challenger who loses at once pushes the price up, counts as a bid, and keeps no lock', () => {
      const auction = afterBids(anAuction(), [[ALICE, 50n * DOGE]]);
      const bob = accepted(auction, BOB, 12n * DOGE);
      expect(bob.outcome).to.deep.equal({ kind: 'OUTBID', priceKoinu: 1_250_000_000n });
      expect(bob.auction.bidCount).to.equal(2);
      expect(bob.locks).to.deep.equal({ bidderLockKoinu: 0n, release: null });
      expect(bob.events.map((event) => event.topic)).to.deep.equal(['auction.bid-placed', 'auction.outbid']);
      expect(bob.events[1]!.payload).to.include({ bidderId: BOB, leaderId: ALICE });
    });

    it('the leader raising their maximum does not raise the price', () => {
      const tied = afterBids(anAuction(), [
        [ALICE, 20n * DOGE],
        [BOB, 20n * DOGE],
      ]);
      const raise = accepted(tied, ALICE, 30n * DOGE);
      expect(raise.outcome).to.deep.equal({ kind: 'LEADING', priceKoinu: 20n * DOGE });
      expect(raise.auction.leader).to.include({ bidderId: ALICE, maxKoinu: 30n * DOGE });
      expect(raise.locks).to.deep.equal({ bidderLockKoinu: 30n * DOGE, release: null });
      expect(raise.events.map((event) => event.topic)).to.deep.equal(['auction.bid-placed']);
      expect(raise.auction.bidCount).to.equal(3);
    });

    it('the leader must raise above their own maximum', () => {
      const auction = afterBids(anAuction(), [[ALICE, 20n * DOGE]]);
      const error = refusedBid(auction, ALICE, 20n * DOGE);
      expect(error).to.include({ code: 'AUCTION_BID_NOT_HIGHER', currentMaxKoinu: 20n * DOGE });
    });

    it('the seller cannot bid on their own auction', () => {
      expect(refusedBid(anAuction(), SELLER, 50n * DOGE).code).to.equal('AUCTION_OWN_AUCTION');
    });

    it('a bid at or after the end is refused, and so is a bid on a closed auction', () => {
      expect(refusedBid(anAuction(), ALICE, 50n * DOGE, at(END_MS)).code).to.equal('AUCTION_CLOSED');
      expect(accepted(anAuction(), ALICE, 50n * DOGE, at(END_MS - 1)).outcome.kind).to.equal('LEADING');
      const closed = closeAuction(anAuction(), at(END_MS));
      if (closed.kind === 'REFUSED') expect.fail(closed.error.message);
      expect(refusedBid(closed.auction, ALICE, 50n * DOGE, at(END_MS - 1)).code).to.equal('AUCTION_CLOSED');
    });

    it('the bid-placed event carries the price, never a maximum', () => {
      const bid = accepted(anAuction(), ALICE, 50n * DOGE);
      expect(bid.events[0]).to.deep.equal({
        topic: 'auction.bid-placed',
        key: AUCTION_ID,
        payload: {
          auctionId: AUCTION_ID,
          bidId: bid.auction.leader!.bidId,
          bidderId: ALICE,
          outcome: 'LEADING',
          leaderId: ALICE,
          priceKoinu: '1000000000',
          bidCount: 1,
          reserveMet: true,
          buyNowRemoved: false,
          placedAt: at(10 * MINUTE_MS).toISOString(),
        },
      });
    });
  });

  describe('the reserve', () => {
    const withReserve = () => anAuction({ reserveKoinu: 40n * DOGE, buyNowKoinu: 60n * DOGE });

    it('a bid meeting the reserve lifts the price to the reserve', () => {
      const alice = accepted(withReserve(), ALICE, 50n * DOGE);
      expect(alice.auction.priceKoinu).to.equal(40n * DOGE);
      expect(alice.auction.reserveMet).to.equal(true);
    });

    it('a maximum exactly at the reserve pays the reserve, not more', () => {
      expect(accepted(withReserve(), ALICE, 40n * DOGE).auction.priceKoinu).to.equal(40n * DOGE);
    });

    it('a bid below the reserve is accepted but cannot win', () => {
      const alice = accepted(withReserve(), ALICE, 30n * DOGE);
      expect(alice.outcome).to.deep.equal({ kind: 'LEADING', priceKoinu: 10n * DOGE });
      expect(alice.auction.reserveMet).to.equal(false);
      const close = closeAuction(alice.auction, at(END_MS));
      if (close.kind !== 'UNSOLD') expect.fail(`expected UNSOLD, got ${close.kind}`);
      expect(close.reason).to.equal('RESERVE_NOT_MET');
    });

    it('a challenger meeting the reserve over a leader below it takes the lead at the reserve', () => {
      const auction = afterBids(withReserve(), [[ALICE, 30n * DOGE]]);
      const bob = accepted(auction, BOB, 45n * DOGE);
      expect(bob.outcome).to.deep.equal({ kind: 'LEADING', priceKoinu: 40n * DOGE });
    });

    it('a raise that meets the reserve lifts the price to the reserve', () => {
      const auction = afterBids(withReserve(), [[ALICE, 30n * DOGE]]);
      const raise = accepted(auction, ALICE, 45n * DOGE);
      expect(raise.outcome).to.deep.equal({ kind: 'LEADING', priceKoinu: 40n * DOGE });
      expect(raise.buyNowRemoved).to.equal(true);
    });

    it('above the reserve the price follows the second-highest maximum again', () => {
      const auction = afterBids(withReserve(), [[ALICE, 50n * DOGE]]);
      expect(accepted(auction, BOB, 44n * DOGE).auction.priceKoinu).to.equal(45n * DOGE);
    });
  });

  describe('buy it now', () => {
    it('the first bid removes buy-it-now when there is no reserve', () => {
      const alice = accepted(anAuction({ buyNowKoinu: 30n * DOGE }), ALICE, 11n * DOGE);
      expect(alice.buyNowRemoved).to.equal(true);
      expect(alice.auction.buyNowKoinu).to.equal(null);
      expect(alice.events[0]!.payload).to.include({ buyNowRemoved: true });
    });

    it('with a reserve, only the first bid that meets it removes buy-it-now', () => {
      const auction = anAuction({ reserveKoinu: 40n * DOGE, buyNowKoinu: 60n * DOGE });
      const alice = accepted(auction, ALICE, 30n * DOGE);
      expect(alice.buyNowRemoved).to.equal(false);
      expect(alice.auction.buyNowKoinu).to.equal(60n * DOGE);
      const bob = accepted(alice.auction, BOB, 40n * DOGE);
      expect(bob.buyNowRemoved).to.equal(true);
      expect(bob.auction.buyNowKoinu).to.equal(null);
    });

    it('buying now closes the auction, sold to the buyer at the buy-it-now price', () => {
      const decision = buyNow(anAuction({ buyNowKoinu: 30n * DOGE }), { buyerId: CAROL, at: at(MINUTE_MS) });
      if (decision.kind !== 'SOLD') expect.fail(decision.error.message);
      expect(decision.auction.status).to.equal('CLOSED');
      expect(decision.auction.ending).to.deep.equal({
        kind: 'SOLD',
        via: 'BUY_NOW',
        buyerId: CAROL,
        priceKoinu: 30n * DOGE,
        at: at(MINUTE_MS),
      });
      expect(decision.release).to.equal(null);
      expect(decision.events[0]!.payload).to.include({ outcome: 'SOLD', via: 'BUY_NOW', winnerId: CAROL });
    });

    it('buying now releases the lock of a leader below the reserve', () => {
      const auction = afterBids(anAuction({ reserveKoinu: 40n * DOGE, buyNowKoinu: 60n * DOGE }), [
        [ALICE, 30n * DOGE],
      ]);
      const decision = buyNow(auction, { buyerId: CAROL, at: at(20 * MINUTE_MS) });
      if (decision.kind !== 'SOLD') expect.fail(decision.error.message);
      expect(decision.release).to.deep.equal({ bidderId: ALICE, amountKoinu: 30n * DOGE });
    });

    it('buy-it-now is refused to the seller, when not offered, and after the end', () => {
      const offered = anAuction({ buyNowKoinu: 30n * DOGE });
      const code = (auction: Auction, buyerId: string, when: Date) => {
        const decision = buyNow(auction, { buyerId, at: when });
        return decision.kind === 'REFUSED' ? decision.error.code : decision.kind;
      };
      expect(code(offered, SELLER, at(MINUTE_MS))).to.equal('AUCTION_OWN_AUCTION');
      expect(code(anAuction(), CAROL, at(MINUTE_MS))).to.equal('AUCTION_BUY_NOW_NOT_OFFERED');
      expect(code(afterBids(offered, [[ALICE, 11n * DOGE]]), CAROL, at(MINUTE_MS))).to.equal(
        'AUCTION_BUY_NOW_NOT_OFFERED',
      );
      expect(code(offered, CAROL, at(END_MS))).to.equal('AUCTION_CLOSED');
    });
  });

  describe('soft close', () => {
    it('a bid in the last 2 minutes extends the end to 2 minutes after it', () => {
      const bidAt = at(END_MS - 30 * 1000);
      const alice = accepted(anAuction(), ALICE, 50n * DOGE, bidAt);
      expect(alice.extended).to.equal(true);
      expect(alice.auction.endsAt).to.deep.equal(at(END_MS + 90 * 1000));
      expect(alice.events.at(-1)).to.deep.equal({
        topic: 'auction.extended',
        key: AUCTION_ID,
        payload: {
          auctionId: AUCTION_ID,
          bidId: alice.auction.leader!.bidId,
          previousEndsAt: at(END_MS).toISOString(),
          endsAt: at(END_MS + 90 * 1000).toISOString(),
        },
      });
    });

    it('a bid exactly 2 minutes before the end, or earlier, does not move the end', () => {
      for (const bidAt of [at(END_MS - 2 * MINUTE_MS), at(END_MS - 5 * MINUTE_MS)]) {
        const alice = accepted(anAuction(), ALICE, 50n * DOGE, bidAt);
        expect(alice.extended).to.equal(false);
        expect(alice.auction.endsAt).to.deep.equal(at(END_MS));
      }
    });

    it('bids inside an extension keep extending it, and a losing bid extends it too', () => {
      const first = accepted(anAuction(), ALICE, 50n * DOGE, at(END_MS - MINUTE_MS));
      expect(first.auction.endsAt).to.deep.equal(at(END_MS + MINUTE_MS));
      const second = accepted(first.auction, BOB, 20n * DOGE, at(END_MS + 30 * 1000));
      expect(second.outcome.kind).to.equal('OUTBID');
      expect(second.auction.endsAt).to.deep.equal(at(END_MS + 2 * MINUTE_MS + 30 * 1000));
    });

    it('a decision never changes the auction it was given', () => {
      const auction = afterBids(anAuction({ buyNowKoinu: 30n * DOGE, reserveKoinu: 20n * DOGE }), [
        [ALICE, 15n * DOGE],
      ]);
      const snapshot = structuredClone(auction);
      accepted(auction, BOB, 50n * DOGE, at(END_MS - MINUTE_MS));
      accepted(auction, ALICE, 25n * DOGE, at(END_MS - MINUTE_MS));
      buyNow(auction, { buyerId: CAROL, at: at(END_MS - MINUTE_MS) });
      closeAuction(auction, at(END_MS));
      expect(auction).to.deep.equal(snapshot);
    });
  });

  describe('closing', () => {
    it('an auction cannot close before its end', () => {
      const decision = closeAuction(anAuction(), at(END_MS - 1));
      expect(decision.kind === 'REFUSED' && decision.error.code).to.equal('AUCTION_CLOSE_NOT_DUE');
    });

    it('the leader wins at the visible price: their lock becomes escrow and the excess returns', () => {
      const auction = afterBids(anAuction(), [
        [ALICE, 50n * DOGE],
        [BOB, 30n * DOGE],
      ]);
      const decision = closeAuction(auction, at(END_MS));
      if (decision.kind !== 'SOLD') expect.fail(`expected SOLD, got ${decision.kind}`);
      expect(decision.conversion).to.deep.equal({
        bidderId: ALICE,
        lockedKoinu: 50n * DOGE,
        priceKoinu: 31n * DOGE,
        returnedKoinu: 19n * DOGE,
      });
      expect(decision.auction.status).to.equal('CLOSED');
      expect(decision.events).to.deep.equal([
        {
          topic: 'auction.closed',
          key: AUCTION_ID,
          payload: {
            auctionId: AUCTION_ID,
            outcome: 'SOLD',
            via: 'BIDDING',
            winnerId: ALICE,
            priceKoinu: '3100000000',
            unsoldReason: null,
            closedAt: at(END_MS).toISOString(),
          },
        },
      ]);
    });

    it('an auction without bids closes unsold, releasing nothing', () => {
      const decision = closeAuction(anAuction(), at(END_MS));
      if (decision.kind !== 'UNSOLD') expect.fail(`expected UNSOLD, got ${decision.kind}`);
      expect(decision.reason).to.equal('NO_BIDS');
      expect(decision.release).to.equal(null);
      expect(decision.events[0]!.payload).to.include({ outcome: 'UNSOLD', unsoldReason: 'NO_BIDS' });
    });

    it('a reserve not met closes unsold and releases the leader’s lock', () => {
      const auction = afterBids(anAuction({ reserveKoinu: 40n * DOGE }), [[ALICE, 39n * DOGE]]);
      const decision = closeAuction(auction, at(END_MS));
      if (decision.kind !== 'UNSOLD') expect.fail(`expected UNSOLD, got ${decision.kind}`);
      expect(decision.reason).to.equal('RESERVE_NOT_MET');
      expect(decision.release).to.deep.equal({ bidderId: ALICE, amountKoinu: 39n * DOGE });
    });

    it('an auction closes once: closing it again is answered AUCTION_CLOSED', () => {
      const first = closeAuction(anAuction(), at(END_MS));
      if (first.kind === 'REFUSED') expect.fail(first.error.message);
      const second = closeAuction(first.auction, at(END_MS + 1));
      expect(second.kind === 'REFUSED' && second.error.code).to.equal('AUCTION_CLOSED');
    });

    it('an extended auction closes at its new end, not the original one', () => {
      const auction = accepted(anAuction(), ALICE, 50n * DOGE, at(END_MS - 1000)).auction;
      const early = closeAuction(auction, at(END_MS));
      expect(early.kind === 'REFUSED' && early.error.code).to.equal('AUCTION_CLOSE_NOT_DUE');
      expect(closeAuction(auction, at(END_MS + 2 * MINUTE_MS - 1000)).kind).to.equal('SOLD');
    });
  });

  describe('cancelling', () => {
    const code = (auction: Auction, by: string, when = at(MINUTE_MS)) => {
      const decision = cancelAuction(auction, { by, at: when });
      return decision.kind === 'REFUSED' ? decision.error.code : decision.kind;
    };

    it('the seller may cancel an auction without bids', () => {
      const decision = cancelAuction(anAuction(), { by: SELLER, at: at(MINUTE_MS) });
      if (decision.kind !== 'CANCELLED') expect.fail(decision.error.message);
      expect(decision.auction.status).to.equal('CANCELLED');
      expect(decision.events[0]!.payload).to.include({
        outcome: 'UNSOLD',
        unsoldReason: 'CANCELLED_BY_SELLER',
      });
    });

    it('only the seller may cancel', () => {
      expect(code(anAuction(), ALICE)).to.equal('AUCTION_NOT_SELLER');
    });

    it('an auction with a bid cannot be cancelled', () => {
      expect(code(afterBids(anAuction(), [[ALICE, 11n * DOGE]]), SELLER)).to.equal('AUCTION_HAS_BIDS');
    });

    it('an auction past its end or closed cannot be cancelled', () => {
      expect(code(anAuction(), SELLER, at(END_MS))).to.equal('AUCTION_CLOSED');
      const closed = closeAuction(anAuction(), at(END_MS));
      if (closed.kind === 'REFUSED') expect.fail(closed.error.message);
      expect(code(closed.auction, SELLER, at(MINUTE_MS))).to.equal('AUCTION_CLOSED');
    });
  });

  describe('invariants', () => {
    it('a stored auction whose price exceeds the leader’s maximum stops the decision loudly', () => {
      const auction = afterBids(anAuction(), [[ALICE, 20n * DOGE]]);
      const corrupted: Auction = { ...auction, priceKoinu: 21n * DOGE };
      expect(() =>
        placeBid(corrupted, { bidId: 'x', bidderId: BOB, maxKoinu: 50n * DOGE, at: T0 }, SETTINGS),
      ).to.throw(AuctionInvariantViolation);
    });
  });
});
