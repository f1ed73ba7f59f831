// Proves how a buy waits for its payment's answer, on the stack's Postgres: an order already answered is
// seen at once; a NOTIFY on the order's channel is the answer (the service sends it only when an order
// leaves PENDING_PAYMENT, so the waiter does not look again); no answer within the wait, or the process
// stopping, is "not answered". The ids of the last three are new, so only the notification can answer.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import pino from 'pino';
import { OrderChangeWaiter } from '../src/adapters/order-change-waiter.js';
import { ORDER_CHANGED_CHANNEL } from '../src/adapters/db/transitions.js';
import { fundedUsers, newListing, orderDb, type OrderView } from './support/marketplace.js';

describe('waiting for a payment answer (LISTEN/NOTIFY, real Postgres)', function () {
  this.timeout(120_000);
  let db: Knex;
  let waiter: OrderChangeWaiter;

  beforeEach(async () => {
    db = orderDb();
    waiter = new OrderChangeWaiter(db, pino({ level: 'silent' }));
    await waiter.start();
  });
  afterEach(async () => {
    await waiter.stop();
    await db.destroy();
  });

  /** Notifies the order's id until `answer` settles: a notification sent before the wait listened is lost. */
  async function notifyUntil<T>(orderId: string, answer: Promise<T>): Promise<T> {
    let settled = false;
    void answer.finally(() => (settled = true));
    while (!settled) {
      await db.raw('SELECT pg_notify(?, ?)', [ORDER_CHANGED_CHANNEL, orderId]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return answer;
  }

  it('an order already paid is answered at once', async () => {
    const [seller, buyer] = await fundedUsers(['0', '5']);
    const listingId = await newListing(seller!, '2');
    const bought = await buyer!.orders('POST', '/orders', { body: { listingId } });
    expect(bought.status, JSON.stringify(bought.body)).to.equal(201);
    const { id } = bought.body as unknown as OrderView;
    expect(await waiter.waitForPaymentAnswer(id, 60_000)).to.equal(true);
  });

  it('a notification of the order is its answer, without looking the order up again', async () => {
    const orderId = randomUUID(); // in no table: a second look would find it unanswered and wait on
    expect(await notifyUntil(orderId, waiter.waitForPaymentAnswer(orderId, 30_000))).to.equal(true);
  });

  it('a notification of another order does not answer this one; the wait runs out unanswered', async () => {
    const orderId = randomUUID();
    const startedAt = Date.now();
    expect(await notifyUntil(randomUUID(), waiter.waitForPaymentAnswer(orderId, 600))).to.equal(false);
    expect(Date.now() - startedAt).to.be.at.least(590);
  });

  it('stopping the process ends every wait unanswered', async () => {
    const waits = [randomUUID(), randomUUID()].map((orderId) => waiter.waitForPaymentAnswer(orderId, 60_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await waiter.stop();
    expect(await Promise.all(waits)).to.deep.equal([false, false]);
  });
});
