// Proves the marketplace rules between the order service and the wallet, each finding naming the order
// id: a paid, shipped or disputed order has its escrow LOCKED or DISPUTED for its amount
// (order-escrow-held); a final order has the escrow its outcome says, and a failed payment none
// (order-escrow-settled); no escrow exists without an order (escrow-has-order). Orders between two
// states, and a PAID auction order waiting for its bid's conversion, are forgiven while the order or
// the escrow changed within the grace period, in either direction, and reported once both are older.
import { expect } from 'chai';
import {
  ESCROW_STATUSES,
  ORDER_STATUSES,
  checkOrderEscrow,
  checksExamining,
  expectationFor,
  type EscrowRecord,
  type EscrowStatus,
  type OrderEscrowPair,
  type OrderRecord,
  type OrderStatus,
} from '../../src/domain/checks/order-escrow.js';
import { HOUR_AGO, JUST_NOW, WINDOW } from '../support/grace.js';

const ORDER = '00000000-0000-4000-8000-00000000000d';
const AUCTION = '00000000-0000-4000-8000-0000000000ac';
const BUYER = '00000000-0000-4000-8000-0000000000b1';
const AMOUNT = 3_000_000_000n;

const order = (status: OrderStatus, updatedAt: Date, overrides: Partial<OrderRecord> = {}): OrderRecord => ({
  status,
  amountKoinu: AMOUNT,
  auctionId: null,
  updatedAt,
  ...overrides,
});
const escrow = (
  status: EscrowStatus,
  updatedAt: Date,
  overrides: Partial<EscrowRecord> = {},
): EscrowRecord => ({
  status,
  amountKoinu: AMOUNT,
  buyerId: BUYER,
  updatedAt,
  ...overrides,
});
const pair = (orderSide: OrderRecord | null, escrowSide: EscrowRecord | null): OrderEscrowPair => ({
  orderId: ORDER,
  order: orderSide,
  escrow: escrowSide,
});
const check = (orderSide: OrderRecord | null, escrowSide: EscrowRecord | null) =>
  checkOrderEscrow(pair(orderSide, escrowSide), WINDOW);
const summary = (orderSide: OrderRecord | null, escrowSide: EscrowRecord | null) =>
  check(orderSide, escrowSide).map((found) => [found.check, found.expected, found.actual]);

describe('orders against escrows', () => {
  it('has an expectation for every order status', () => {
    for (const status of ORDER_STATUSES) {
      const expectation = expectationFor(order(status, HOUR_AGO));
      expect(expectation.agreed.length + expectation.inFlight.length, status).to.be.greaterThan(0);
    }
  });

  describe('order-escrow-held', () => {
    it('accepts a paid, shipped or disputed order whose escrow is LOCKED or DISPUTED for its amount', () => {
      for (const status of ['PAID', 'SHIPPED', 'DISPUTED'] as const) {
        for (const held of ['LOCKED', 'DISPUTED'] as const) {
          expect(check(order(status, HOUR_AGO), escrow(held, HOUR_AGO)), `${status}/${held}`).to.deep.equal(
            [],
          );
        }
      }
    });

    it('reports a shipped order without an escrow, with both sides in the detail', () => {
      expect(check(order('SHIPPED', HOUR_AGO), null)).to.deep.equal([
        {
          check: 'order-escrow-held',
          subjectType: 'order',
          subjectId: ORDER,
          expected: 'escrow LOCKED or DISPUTED',
          actual: 'no escrow',
          detail: `order SHIPPED for ${AMOUNT} koinu (changed ${HOUR_AGO.toISOString()}); no escrow`,
        },
      ]);
    });

    it('reports a paid order whose escrow was already released or refunded, however recent', () => {
      expect(summary(order('PAID', JUST_NOW), escrow('RELEASED', JUST_NOW))).to.deep.equal([
        ['order-escrow-held', 'escrow LOCKED or DISPUTED', 'escrow RELEASED'],
      ]);
      expect(summary(order('DISPUTED', JUST_NOW), escrow('REFUNDED', JUST_NOW))).to.have.length(1);
    });

    it('reports an escrow of another amount than the order, in koinu', () => {
      expect(
        check(order('PAID', HOUR_AGO), escrow('LOCKED', HOUR_AGO, { amountKoinu: AMOUNT + 200_000_000n })),
      ).to.deep.equal([
        {
          check: 'order-escrow-held',
          subjectType: 'order',
          subjectId: ORDER,
          expected: '3000000000',
          actual: '3200000000',
          detail: `amount of the order vs its escrow: order PAID for 3000000000 koinu (changed ${HOUR_AGO.toISOString()}); escrow LOCKED for 3200000000 koinu (changed ${HOUR_AGO.toISOString()})`,
        },
      ]);
    });

    describe('a payment in flight (PENDING_PAYMENT)', () => {
      it('forgives an order placed moments ago whose escrow the wallet has not locked yet', () => {
        expect(check(order('PENDING_PAYMENT', JUST_NOW), null)).to.deep.equal([]);
      });

      it('forgives an escrow locked moments ago whose answer the order has not applied yet', () => {
        expect(check(order('PENDING_PAYMENT', HOUR_AGO), escrow('LOCKED', JUST_NOW))).to.deep.equal([]);
      });

      it('reports an order still waiting for its payment once both sides are older than the grace period', () => {
        expect(summary(order('PENDING_PAYMENT', HOUR_AGO), null)).to.deep.equal([
          [
            'order-escrow-held',
            'order and escrow agreeing within 300 s',
            'order PENDING_PAYMENT with no escrow',
          ],
        ]);
        expect(summary(order('PENDING_PAYMENT', HOUR_AGO), escrow('LOCKED', HOUR_AGO))).to.deep.equal([
          [
            'order-escrow-held',
            'order and escrow agreeing within 300 s',
            'order PENDING_PAYMENT with escrow LOCKED',
          ],
        ]);
      });

      it('reports a payment in flight whose escrow has another amount', () => {
        expect(
          summary(order('PENDING_PAYMENT', JUST_NOW), escrow('LOCKED', JUST_NOW, { amountKoinu: 1n })),
        ).to.deep.equal([['order-escrow-held', '3000000000', '1']]);
      });

      it('reports an escrow a pending order could not have, however recent', () => {
        expect(summary(order('PENDING_PAYMENT', JUST_NOW), escrow('RELEASED', JUST_NOW))).to.deep.equal([
          ['order-escrow-held', 'no escrow or escrow LOCKED', 'escrow RELEASED'],
        ]);
      });
    });

    describe("an auction's order (its escrow is converted from the winning bid)", () => {
      it('forgives a PAID auction order created moments ago without its escrow yet', () => {
        expect(check(order('PAID', JUST_NOW, { auctionId: AUCTION }), null)).to.deep.equal([]);
      });

      it('reports it once older than the grace period', () => {
        expect(summary(order('PAID', HOUR_AGO, { auctionId: AUCTION }), null)).to.deep.equal([
          ['order-escrow-held', 'order and escrow agreeing within 300 s', 'order PAID with no escrow'],
        ]);
      });

      it('does not forgive a missing escrow for a buy-it-now order, however recent', () => {
        expect(summary(order('PAID', JUST_NOW), null)).to.deep.equal([
          ['order-escrow-held', 'escrow LOCKED or DISPUTED', 'no escrow'],
        ]);
      });
    });
  });

  describe('order-escrow-settled', () => {
    it('accepts COMPLETED with RELEASED, REFUNDED with REFUNDED, SPLIT with SPLIT, PAYMENT_FAILED with none', () => {
      expect(check(order('COMPLETED', HOUR_AGO), escrow('RELEASED', HOUR_AGO))).to.deep.equal([]);
      expect(check(order('REFUNDED', HOUR_AGO), escrow('REFUNDED', HOUR_AGO))).to.deep.equal([]);
      expect(check(order('SPLIT', HOUR_AGO), escrow('SPLIT', HOUR_AGO))).to.deep.equal([]);
      expect(check(order('PAYMENT_FAILED', HOUR_AGO), null)).to.deep.equal([]);
    });

    it('reports a final order whose escrow says otherwise, however recent', () => {
      expect(summary(order('COMPLETED', JUST_NOW), escrow('LOCKED', JUST_NOW))).to.deep.equal([
        ['order-escrow-settled', 'escrow RELEASED', 'escrow LOCKED'],
      ]);
      expect(summary(order('REFUNDED', HOUR_AGO), escrow('RELEASED', HOUR_AGO))).to.deep.equal([
        ['order-escrow-settled', 'escrow REFUNDED', 'escrow RELEASED'],
      ]);
      expect(summary(order('SPLIT', HOUR_AGO), escrow('REFUNDED', HOUR_AGO))).to.deep.equal([
        ['order-escrow-settled', 'escrow SPLIT', 'escrow REFUNDED'],
      ]);
      expect(summary(order('COMPLETED', HOUR_AGO), null)).to.deep.equal([
        ['order-escrow-settled', 'escrow RELEASED', 'no escrow'],
      ]);
    });

    it('reports a failed payment that left an escrow behind, however recent', () => {
      expect(summary(order('PAYMENT_FAILED', JUST_NOW), escrow('LOCKED', JUST_NOW))).to.deep.equal([
        ['order-escrow-settled', 'no escrow', 'escrow LOCKED'],
      ]);
    });

    it('reports a settled escrow of another amount than its order', () => {
      expect(
        summary(order('COMPLETED', HOUR_AGO), escrow('RELEASED', HOUR_AGO, { amountKoinu: AMOUNT - 1n })),
      ).to.deep.equal([['order-escrow-settled', '3000000000', '2999999999']]);
    });

    const moves: Array<[OrderStatus, EscrowStatus[], EscrowStatus, EscrowStatus, string]> = [
      // order status, escrow statuses before the wallet applied the move, after it, one never allowed,
      // and how a finding states what was allowed
      ['RELEASING', ['LOCKED', 'DISPUTED'], 'RELEASED', 'REFUNDED', 'escrow LOCKED, DISPUTED or RELEASED'],
      ['REFUNDING', ['LOCKED', 'DISPUTED'], 'REFUNDED', 'RELEASED', 'escrow LOCKED, DISPUTED or REFUNDED'],
      ['SPLITTING', ['DISPUTED'], 'SPLIT', 'LOCKED', 'escrow DISPUTED or SPLIT'],
    ];
    for (const [status, before, after, foreign, allowed] of moves) {
      describe(`a move in flight (${status})`, () => {
        it('forgives an order that asked the wallet moments ago, before the wallet applied it', () => {
          for (const state of before) {
            expect(check(order(status, JUST_NOW), escrow(state, HOUR_AGO)), state).to.deep.equal([]);
          }
        });

        it('forgives an escrow the wallet settled moments ago, before the order applied the answer', () => {
          expect(check(order(status, HOUR_AGO), escrow(after, JUST_NOW))).to.deep.equal([]);
        });

        it('reports either side of the move once both are older than the grace period', () => {
          for (const state of [...before, after]) {
            expect(summary(order(status, HOUR_AGO), escrow(state, HOUR_AGO)), state).to.deep.equal([
              [
                'order-escrow-settled',
                'order and escrow agreeing within 300 s',
                `order ${status} with escrow ${state}`,
              ],
            ]);
          }
        });

        it('reports an escrow that is on neither side of the move, however recent', () => {
          expect(summary(order(status, JUST_NOW), escrow(foreign, JUST_NOW))).to.deep.equal([
            ['order-escrow-settled', allowed, `escrow ${foreign}`],
          ]);
          expect(check(order(status, JUST_NOW), null).map((f) => f.actual)).to.deep.equal(['no escrow']);
        });
      });
    }
  });

  describe('escrow-has-order', () => {
    it('reports an escrow whose order the order service does not have, however recent', () => {
      expect(check(null, escrow('LOCKED', JUST_NOW))).to.deep.equal([
        {
          check: 'escrow-has-order',
          subjectType: 'order',
          subjectId: ORDER,
          expected: 'an order',
          actual: 'no order',
          detail: `escrow LOCKED for ${AMOUNT} koinu of buyer ${BUYER} (changed ${JUST_NOW.toISOString()}) has no order in the order service`,
        },
      ]);
    });

    it('reports one in any status, settled ones included', () => {
      for (const status of ESCROW_STATUSES) {
        expect(
          check(null, escrow(status, HOUR_AGO)).map((f) => f.check),
          status,
        ).to.deep.equal(['escrow-has-order']);
      }
    });
  });

  it('counts each order under its own check and each escrow under escrow-has-order', () => {
    expect(checksExamining(pair(order('SHIPPED', HOUR_AGO), escrow('LOCKED', HOUR_AGO)))).to.deep.equal([
      'order-escrow-held',
      'escrow-has-order',
    ]);
    expect(checksExamining(pair(order('PAYMENT_FAILED', HOUR_AGO), null))).to.deep.equal([
      'order-escrow-settled',
    ]);
    expect(checksExamining(pair(null, escrow('RELEASED', HOUR_AGO)))).to.deep.equal(['escrow-has-order']);
  });
});
