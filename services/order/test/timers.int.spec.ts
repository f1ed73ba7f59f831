// Proves the order service's durable timers on the real stack, with its test clock (days pass in a
// second): the escrow is released automatically 7 days after shipping, an order not shipped within the
// listing's window is refunded, a dispute nobody decides is refunded after 30 days; with two replicas of
// the service polling and one of them restarted in between, every timer fires exactly once and moves
// the money once; and a buyer confirming receipt at the moment the auto-release fires releases once.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { restartService, startReplica, waitFor, type Replica } from '@dbay/testing';
import {
  DOGE,
  advanceClock,
  balanceOf,
  fundedUsers,
  newListing,
  orderDb,
  type OrderView,
  type User,
  waitForOrderStatus,
} from './support/marketplace.js';

const DAY_MS = 86_400_000;
const FEE = (amount: bigint) => (amount * 250n) / 10_000n;

async function paidOrder(seller: User, buyer: User, price: string, shippingDays = 14): Promise<string> {
  const listingId = await newListing(seller, price, { shippingDays });
  const answer = await buyer.orders('POST', '/orders', { body: { listingId } });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return (answer.body as unknown as OrderView).id;
}

async function ship(seller: User, orderId: string): Promise<void> {
  const answer = await seller.orders('POST', `/orders/${orderId}/ship`, { body: {} });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
}

function causes(view: OrderView): string[] {
  return view.history.map((entry) => entry.cause);
}

async function timerRows(db: Knex, orderIds: string[]) {
  return db('timers').whereIn('order_id', orderIds).select('order_id', 'kind', 'fired_at', 'cancelled_at');
}

describe('order timers (durable, on the test clock)', function () {
  this.timeout(240_000);
  let db: Knex;

  before(() => {
    db = orderDb();
  });
  after(async () => {
    await db.destroy();
  });

  it('releases the escrow to the seller 7 days after shipping, once', async () => {
    const [seller, buyer] = await fundedUsers(['0', '20']);
    const orderId = await paidOrder(seller!, buyer!, '20');
    await ship(seller!, orderId);
    await advanceClock(7 * DAY_MS + 60_000);
    const completed = await waitForOrderStatus(buyer!, orderId, 'COMPLETED');
    expect(causes(completed).filter((cause) => cause === 'AUTO_RELEASE')).to.have.length(1);
    await waitFor(async () => (await balanceOf(seller!)).available === 20n * DOGE - FEE(20n * DOGE));
  });

  it('refunds an order the seller did not ship within the listing’s window', async () => {
    const [seller, buyer] = await fundedUsers(['0', '9']);
    const orderId = await paidOrder(seller!, buyer!, '9', 3);
    await advanceClock(2 * DAY_MS);
    expect(
      (await timerRows(db, [orderId])).every((row: { fired_at: Date | null }) => row.fired_at === null),
    ).to.equal(true);
    await advanceClock(DAY_MS + 60_000);
    const refunded = await waitForOrderStatus(buyer!, orderId, 'REFUNDED');
    expect(causes(refunded)).to.include('SHIPPING_DEADLINE');
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 9n * DOGE, locked: 0n, pending: 0n });
  });

  it('refunds a dispute nobody decided after 30 days', async () => {
    const [seller, buyer] = await fundedUsers(['0', '11']);
    const orderId = await paidOrder(seller!, buyer!, '11');
    await ship(seller!, orderId);
    const disputed = await buyer!.orders('POST', `/orders/${orderId}/dispute`, {
      body: { reason: 'never arrived' },
    });
    expect(disputed.status, JSON.stringify(disputed.body)).to.equal(200);
    await waitFor(async () =>
      causes(await waitForOrderStatus(buyer!, orderId, 'DISPUTED')).includes('ESCROW_FROZEN'),
    );
    await advanceClock(8 * DAY_MS);
    expect((await waitForOrderStatus(buyer!, orderId, 'DISPUTED')).status).to.equal('DISPUTED');
    await advanceClock(22 * DAY_MS + 60_000);
    const refunded = await waitForOrderStatus(buyer!, orderId, 'REFUNDED');
    expect(causes(refunded)).to.include('DISPUTE_FALLBACK');
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 11n * DOGE, locked: 0n, pending: 0n });
    expect(await balanceOf(seller!)).to.deep.equal({ available: 0n, locked: 0n, pending: 0n });
  });

  it('fires every timer exactly once with two replicas polling and one of them restarted', async () => {
    const count = 6;
    const [seller, ...buyers] = await fundedUsers(['0', ...Array.from({ length: count }, () => '5')]);
    const orders: string[] = [];
    for (const [index, buyer] of buyers.entries()) {
      const orderId = await paidOrder(seller!, buyer, '5', 2);
      if (index % 2 === 0) await ship(seller!, orderId);
      orders.push(orderId);
    }
    let replica: Replica | undefined;
    try {
      replica = await startReplica('order');
      await advanceClock(8 * DAY_MS);
      await restartService('order');
      for (const [index, orderId] of orders.entries()) {
        await waitForOrderStatus(buyers[index]!, orderId, index % 2 === 0 ? 'COMPLETED' : 'REFUNDED', 60_000);
      }
    } finally {
      await replica?.stop();
    }
    const timers = (await timerRows(db, orders)) as Array<{
      order_id: string;
      kind: string;
      fired_at: Date | null;
    }>;
    for (const orderId of orders) {
      const fired = timers.filter((row) => row.order_id === orderId && row.fired_at !== null);
      expect(fired, `fired timers of ${orderId}`).to.have.length(1);
    }
    const shippedPrice = 5n * DOGE;
    expect((await balanceOf(seller!)).available).to.equal(
      BigInt(count / 2) * (shippedPrice - FEE(shippedPrice)),
    );
    for (const [index, buyer] of buyers.entries()) {
      const expected = index % 2 === 0 ? 0n : 5n * DOGE;
      expect((await balanceOf(buyer)).available, `buyer ${index}`).to.equal(expected);
    }
  });

  it('releases once when the buyer confirms receipt just as the auto-release fires', async () => {
    const count = 4;
    const [seller, ...buyers] = await fundedUsers(['0', ...Array.from({ length: count }, () => '3')]);
    const orders: string[] = [];
    for (const buyer of buyers) {
      const orderId = await paidOrder(seller!, buyer, '3');
      await ship(seller!, orderId);
      orders.push(orderId);
    }
    await advanceClock(7 * DAY_MS + 1_000);
    const confirmations = await Promise.all(
      orders.map((orderId, index) =>
        buyers[index]!.orders('POST', `/orders/${orderId}/confirm-receipt`, { body: {} }),
      ),
    );
    for (const answer of confirmations) expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    for (const [index, orderId] of orders.entries()) {
      const view = await waitForOrderStatus(buyers[index]!, orderId, 'COMPLETED');
      const releases = causes(view).filter(
        (cause) => cause === 'AUTO_RELEASE' || cause === 'BUYER_CONFIRMED_RECEIPT',
      );
      expect(releases, `order ${orderId}`).to.have.length(1);
    }
    await waitFor(
      async () => (await balanceOf(seller!)).available === BigInt(count) * (3n * DOGE - FEE(3n * DOGE)),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await balanceOf(seller!)).available).to.equal(BigInt(count) * (3n * DOGE - FEE(3n * DOGE)));
  });
});
