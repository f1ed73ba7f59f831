// Proves the order lifecycle's rules as pure decisions, given an order, an actor and the clock: who may
// do what in which state, what each step asks of the wallet and which timers it starts and stops, that a
// late or repeated wallet answer changes nothing, that timers act only while their order waits for them,
// and that a split pays the platform fee on the seller's part only.
import { expect } from 'chai';
import {
  cancelBySeller,
  confirmReceipt,
  onEscrowLocked,
  onEscrowLockFailed,
  onEscrowReleased,
  onTimer,
  openDispute,
  resolveDispute,
  ship,
  type Decision,
  type Transition,
} from '../src/domain/decisions.js';
import { placeOrder, type Listing } from '../src/domain/listing.js';
import { DAY_MS, feeFor, type Actor, type Order } from '../src/domain/order.js';

const DOGE = 100_000_000n;
const NOW = new Date('2026-12-04T12:00:00Z');
const LATER = new Date(NOW.getTime() + 60_000);
const WINDOWS = { autoReleaseMs: 7 * DAY_MS, disputeFallbackMs: 30 * DAY_MS };
const SELLER: Actor = { kind: 'user', userId: '00000000-0000-4000-8000-000000000001' };
const BUYER = { kind: 'user' as const, userId: '00000000-0000-4000-8000-000000000002' };
const STRANGER: Actor = { kind: 'user', userId: '00000000-0000-4000-8000-000000000003' };
const OPERATOR: Actor = { kind: 'operator', name: 'ops-alice' };

const LISTING: Listing = {
  id: '00000000-0000-4000-8000-0000000000aa',
  sellerId: '00000000-0000-4000-8000-000000000001',
  title: 'a lamp',
  description: '',
  priceKoinu: 40n * DOGE,
  shippingDays: 3,
  status: 'OPEN',
  orderId: null,
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
};

function accepted(decision: Decision): Transition {
  if (decision.kind !== 'ACCEPTED') throw new Error(`expected ACCEPTED, got ${JSON.stringify(decision)}`);
  return decision.transition;
}

function refusal(decision: Decision): string {
  if (decision.kind !== 'REFUSED') throw new Error(`expected REFUSED, got ${decision.kind}`);
  return decision.error.code;
}

function newOrder(): Order {
  return accepted(placeOrder(LISTING, BUYER, '00000000-0000-4000-8000-0000000000bb', 250, NOW)).order;
}

function paidOrder(): Order {
  return accepted(onEscrowLocked(newOrder(), NOW)).order;
}

function shippedOrder(): Order {
  return accepted(ship(paidOrder(), SELLER, 'DHL 1', NOW, WINDOWS)).order;
}

function disputedOrder(frozen = true): Order {
  const order = accepted(openDispute(shippedOrder(), BUYER, 'broken', NOW, WINDOWS)).order;
  return frozen ? { ...order, escrowFrozenAt: NOW } : order;
}

describe('order decisions', () => {
  it('places an order for an open listing: PENDING_PAYMENT, a lock request, the listing reserved, fee 2.5 %', () => {
    const transition = accepted(placeOrder(LISTING, BUYER, 'order-1', 250, NOW));
    expect(transition.order).to.include({
      status: 'PENDING_PAYMENT',
      amountKoinu: 40n * DOGE,
      feeKoinu: DOGE,
    });
    expect(transition.commands).to.deep.equal([{ kind: 'LOCK' }]);
    expect(transition.listing).to.equal('RESERVED');
    expect(transition.events).to.deep.equal(['order.created']);
  });

  it('refuses the seller buying their own item and a listing that is not open', () => {
    expect(refusal(placeOrder(LISTING, { kind: 'user', userId: LISTING.sellerId }, 'x', 250, NOW))).to.equal(
      'ORDER_OWN_LISTING',
    );
    expect(refusal(placeOrder({ ...LISTING, status: 'RESERVED' }, BUYER, 'x', 250, NOW))).to.equal(
      'LISTING_NOT_AVAILABLE',
    );
  });

  it('becomes PAID on escrow.locked, sells the listing and starts the shipping deadline of the listing', () => {
    const transition = accepted(onEscrowLocked(newOrder(), NOW));
    expect(transition.order.status).to.equal('PAID');
    expect(transition.listing).to.equal('SOLD');
    expect(transition.startTimers).to.deep.equal([
      { kind: 'SHIPPING_DEADLINE', dueAt: new Date(NOW.getTime() + 3 * DAY_MS) },
    ]);
  });

  it('changes nothing on a repeated or late escrow.locked, or a lock failure after payment', () => {
    expect(onEscrowLocked(paidOrder(), LATER).kind).to.equal('UNCHANGED');
    expect(onEscrowLockFailed(paidOrder(), 'WALLET_INSUFFICIENT_FUNDS', 'no', LATER).kind).to.equal(
      'UNCHANGED',
    );
  });

  it('fails the payment with the wallet’s reason and puts the listing on sale again', () => {
    const transition = accepted(onEscrowLockFailed(newOrder(), 'WALLET_INSUFFICIENT_FUNDS', 'too poor', NOW));
    expect(transition.order).to.include({
      status: 'PAYMENT_FAILED',
      failureCode: 'WALLET_INSUFFICIENT_FUNDS',
    });
    expect(transition.listing).to.equal('OPEN');
  });

  it('lets only the seller ship, stopping the shipping deadline and starting the 7-day auto-release', () => {
    expect(refusal(ship(paidOrder(), BUYER, null, NOW, WINDOWS))).to.equal('ORDER_NOT_SELLER');
    expect(refusal(ship(paidOrder(), STRANGER, null, NOW, WINDOWS))).to.equal('ORDER_NOT_FOUND');
    expect(refusal(ship(newOrder(), SELLER, null, NOW, WINDOWS))).to.equal('ORDER_WRONG_STATE');
    const transition = accepted(ship(paidOrder(), SELLER, 'DHL 1', NOW, WINDOWS));
    expect(transition.stopTimers).to.deep.equal(['SHIPPING_DEADLINE']);
    expect(transition.startTimers).to.deep.equal([
      { kind: 'AUTO_RELEASE', dueAt: new Date(NOW.getTime() + 7 * DAY_MS) },
    ]);
  });

  it('lets only the buyer confirm receipt, once shipped; confirming what auto-release started changes nothing', () => {
    expect(refusal(confirmReceipt(shippedOrder(), SELLER, NOW))).to.equal('ORDER_NOT_BUYER');
    expect(refusal(confirmReceipt(paidOrder(), BUYER, NOW))).to.equal('ORDER_WRONG_STATE');
    const transition = accepted(confirmReceipt(shippedOrder(), BUYER, NOW));
    expect(transition.order.status).to.equal('RELEASING');
    expect(transition.commands).to.deep.equal([{ kind: 'RELEASE' }]);
    const released = accepted(onTimer(shippedOrder(), 'AUTO_RELEASE', LATER)).order;
    expect(confirmReceipt(released, BUYER, LATER).kind).to.equal('UNCHANGED');
  });

  it('refunds a cancel by the seller before shipping, not after', () => {
    expect(accepted(cancelBySeller(paidOrder(), SELLER, NOW)).commands).to.deep.equal([{ kind: 'REFUND' }]);
    expect(refusal(cancelBySeller(shippedOrder(), SELLER, NOW))).to.equal('ORDER_WRONG_STATE');
    expect(refusal(cancelBySeller(paidOrder(), BUYER, NOW))).to.equal('ORDER_NOT_SELLER');
  });

  it('opens a dispute for the buyer, stops the release and starts the fallback', () => {
    const transition = accepted(openDispute(shippedOrder(), BUYER, 'broken', NOW, WINDOWS));
    expect(transition.order.status).to.equal('DISPUTED');
    expect(transition.stopTimers).to.include('AUTO_RELEASE');
    expect(transition.startTimers).to.deep.equal([
      { kind: 'DISPUTE_FALLBACK', dueAt: new Date(NOW.getTime() + 30 * DAY_MS) },
    ]);
    expect(transition.commands).to.deep.equal([{ kind: 'DISPUTE', reason: 'broken' }]);
    expect(refusal(openDispute(shippedOrder(), SELLER, 'x', NOW, WINDOWS))).to.equal('ORDER_NOT_BUYER');
  });

  it('acts on a timer only while its order still waits for it', () => {
    expect(accepted(onTimer(paidOrder(), 'SHIPPING_DEADLINE', LATER)).commands).to.deep.equal([
      { kind: 'REFUND' },
    ]);
    expect(onTimer(shippedOrder(), 'SHIPPING_DEADLINE', LATER).kind).to.equal('UNCHANGED');
    expect(onTimer(disputedOrder(), 'AUTO_RELEASE', LATER).kind).to.equal('UNCHANGED');
    const fallback = accepted(onTimer(disputedOrder(), 'DISPUTE_FALLBACK', LATER));
    expect(fallback.order).to.include({ status: 'REFUNDING', resolution: 'REFUND' });
    expect(fallback.commands[0]).to.deep.include({ kind: 'RESOLVE', outcome: 'REFUND' });
    // An escrow the wallet never froze is refunded directly.
    expect(accepted(onTimer(disputedOrder(false), 'DISPUTE_FALLBACK', LATER)).commands).to.deep.equal([
      { kind: 'REFUND' },
    ]);
  });

  it('lets operators resolve a frozen dispute, by name, and pays the fee on the seller’s part of a split', () => {
    expect(
      refusal(resolveDispute(disputedOrder(false), OPERATOR, { outcome: 'RELEASE' }, 250, NOW)),
    ).to.equal('ORDER_DISPUTE_NOT_FROZEN');
    expect(refusal(resolveDispute(disputedOrder(), BUYER, { outcome: 'REFUND' }, 250, NOW))).to.equal(
      'ORDER_NOT_FOUND',
    );
    const release = accepted(resolveDispute(disputedOrder(), OPERATOR, { outcome: 'RELEASE' }, 250, NOW));
    expect(release.order).to.include({ status: 'RELEASING', resolvedBy: 'ops-alice' });
    const split = accepted(
      resolveDispute(disputedOrder(), OPERATOR, { outcome: 'SPLIT', buyerRefundKoinu: 10n * DOGE }, 250, NOW),
    );
    expect(split.commands).to.deep.equal([
      { kind: 'RESOLVE', outcome: 'SPLIT', buyerRefundKoinu: 10n * DOGE, feeKoinu: feeFor(30n * DOGE, 250) },
    ]);
    for (const bad of [0n, 40n * DOGE, 41n * DOGE]) {
      expect(
        refusal(
          resolveDispute(disputedOrder(), OPERATOR, { outcome: 'SPLIT', buyerRefundKoinu: bad }, 250, NOW),
        ),
      ).to.equal('ORDER_SPLIT_INVALID');
    }
  });

  it('completes on escrow.released with the seller’s credit, once', () => {
    const releasing = accepted(confirmReceipt(shippedOrder(), BUYER, NOW)).order;
    const completed = accepted(onEscrowReleased(releasing, 39n * DOGE, LATER));
    expect(completed.order).to.include({ status: 'COMPLETED', sellerCreditKoinu: 39n * DOGE });
    expect(completed.events).to.deep.equal(['order.completed']);
    expect(onEscrowReleased(completed.order, 39n * DOGE, LATER).kind).to.equal('UNCHANGED');
  });
});
