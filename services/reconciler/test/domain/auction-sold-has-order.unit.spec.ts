// Proves auction-sold-has-order: a sold auction has its order, of this auction, to the buyer, for the
// final price, and the order's escrow: sold at the close, the winner's lock CONVERTED into that order
// (the conversion still on its way is forgiven while the auction, the order or the lock changed within
// the grace period); bought now, the escrow the buyer paid. A missing order, a lock released or converted
// into another order, and a converted lock without its escrow are reported at once, naming the auction.
import { expect } from 'chai';
import { checkAuctionSoldHasOrder } from '../../src/domain/checks/auction-sold-has-order.js';
import type {
  AuctionBook,
  AuctionEscrowSide,
  AuctionOrderSide,
  AuctionSide,
  SaleChannel,
} from '../../src/domain/checks/auction-book.js';
import { ALICE, AUCTION, BOB, ORDER, lock, openAuction } from '../support/auction-book.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const MAX = 500_000_000n;
const PRICE = 300_000_000n;
const OTHER_ORDER = '00000000-0000-4000-8000-0000000000ee';

const soldAuction = (via: SaleChannel = 'BIDDING', updatedAt: Date = HOUR_AGO): AuctionSide => ({
  status: 'CLOSED',
  leader: { bidderId: ALICE, maxKoinu: MAX },
  sale: { via, buyerId: ALICE, priceKoinu: PRICE },
  orderId: ORDER,
  updatedAt,
});
const theOrder = (overrides: Partial<AuctionOrderSide> = {}): AuctionOrderSide => ({
  orderId: ORDER,
  status: 'PAID',
  buyerId: ALICE,
  amountKoinu: PRICE,
  auctionId: AUCTION,
  updatedAt: HOUR_AGO,
  ...overrides,
});
const theEscrow: AuctionEscrowSide = { status: 'LOCKED', amountKoinu: PRICE, updatedAt: HOUR_AGO };
const converted = lock(ALICE, MAX, HOUR_AGO, 'CONVERTED', ORDER);

function sold(parts: Partial<AuctionBook> = {}): AuctionBook {
  return {
    auctionId: AUCTION,
    auction: soldAuction(),
    locks: [converted],
    bids: [],
    order: theOrder(),
    escrow: theEscrow,
    ...parts,
  };
}
const summary = (found: ReturnType<typeof checkAuctionSoldHasOrder>) =>
  found.map((one) => [one.check, one.subjectType, one.subjectId, one.expected, one.actual]);
const check = (parts: Partial<AuctionBook> = {}) => summary(checkAuctionSoldHasOrder(sold(parts), WINDOW));
const CONVERTED_EXPECTED = `the winner's lock CONVERTED into order ${ORDER}, with its escrow`;

describe('auction-sold-has-order', () => {
  it('accepts an auction sold at the close with its order and the escrow converted from the winning lock', () => {
    expect(check()).to.deep.equal([]);
    // The order may have moved on since (released, refunded): the escrow's status is order-escrow's business.
    expect(
      check({ order: theOrder({ status: 'COMPLETED' }), escrow: { ...theEscrow, status: 'RELEASED' } }),
    ).to.deep.equal([]);
  });

  it('accepts an auction bought now with its order and the escrow its buyer paid, without a converted lock', () => {
    expect(check({ auction: soldAuction('BUY_NOW'), locks: [] })).to.deep.equal([]);
  });

  it('leaves open, unsold and unknown auctions alone', () => {
    const unsold: AuctionSide = { ...soldAuction(), sale: null, orderId: null };
    for (const auction of [openAuction(null), unsold, null]) {
      expect(check({ auction, order: null, escrow: null, locks: [] })).to.deep.equal([]);
    }
  });

  it('reports a sold auction without its order at once, however recent', () => {
    const found = checkAuctionSoldHasOrder(
      sold({ auction: { ...soldAuction('BIDDING', JUST_NOW), orderId: null }, order: null, escrow: null }),
      WINDOW,
    );
    expect(summary(found)).to.deep.equal([
      [
        'auction-sold-has-order',
        'auction',
        AUCTION,
        `an order of this auction to ${ALICE} for ${PRICE} koinu`,
        'no order',
      ],
    ]);
    expect(found[0]!.detail).to.contain('the auction names no order');
  });

  it('reports an order of another buyer, amount or auction', () => {
    expect(check({ order: theOrder({ buyerId: BOB }) }).map((one) => one[4])).to.deep.equal([
      `order to ${BOB}`,
    ]);
    expect(check({ order: theOrder({ amountKoinu: PRICE + 1n }) }).map((one) => one[4])).to.deep.equal([
      `order for ${PRICE + 1n} koinu`,
    ]);
    expect(check({ order: theOrder({ auctionId: null }) }).map((one) => one[4])).to.deep.equal([
      'order of auction none (a listing)',
    ]);
  });

  it('forgives the conversion on its way while the auction, the order or the lock changed within the grace period', () => {
    const active = lock(ALICE, MAX, HOUR_AGO);
    expect(check({ auction: soldAuction('BIDDING', JUST_NOW), locks: [active], escrow: null })).to.deep.equal(
      [],
    );
    expect(check({ order: theOrder({ updatedAt: JUST_NOW }), locks: [active], escrow: null })).to.deep.equal(
      [],
    );
    expect(check({ locks: [lock(ALICE, MAX, JUST_NOW)], escrow: null })).to.deep.equal([]);
  });

  it('reports the same conversion once all three are older than the grace period', () => {
    expect(check({ locks: [lock(ALICE, MAX, HOUR_AGO)], escrow: null })).to.deep.equal([
      ['auction-sold-has-order', 'auction', AUCTION, CONVERTED_EXPECTED, 'lock ACTIVE'],
    ]);
  });

  it("reports at once a winner's lock released, converted into another order, missing, or converted without its escrow", () => {
    expect(check({ locks: [lock(ALICE, MAX, JUST_NOW, 'RELEASED')] })).to.deep.equal([
      ['auction-sold-has-order', 'auction', AUCTION, CONVERTED_EXPECTED, 'lock RELEASED'],
    ]);
    expect(check({ locks: [lock(ALICE, MAX, JUST_NOW, 'CONVERTED', OTHER_ORDER)] })).to.deep.equal([
      [
        'auction-sold-has-order',
        'auction',
        AUCTION,
        CONVERTED_EXPECTED,
        `lock CONVERTED into order ${OTHER_ORDER}`,
      ],
    ]);
    expect(check({ locks: [] })).to.deep.equal([
      ['auction-sold-has-order', 'auction', AUCTION, CONVERTED_EXPECTED, 'no lock'],
    ]);
    expect(check({ escrow: null })).to.deep.equal([
      ['auction-sold-has-order', 'auction', AUCTION, CONVERTED_EXPECTED, 'no escrow'],
    ]);
  });

  it('reports an auction bought now whose order has no escrow', () => {
    expect(check({ auction: soldAuction('BUY_NOW'), locks: [], escrow: null })).to.deep.equal([
      ['auction-sold-has-order', 'auction', AUCTION, `the escrow of order ${ORDER}`, 'no escrow'],
    ]);
  });
});
