// Proves that nothing between the order service's transaction and the wallet's answer can lose or
// duplicate money: the order service is killed with SIGKILL at each step of a buy (after its transaction
// committed, after the lock request reached Kafka, while applying the wallet's answer, after applying it
// but before its offset commit), restarted, and the buyer retries with the same Idempotency-Key: every
// order ends PAID with exactly one escrow of its price, and no escrow exists without its order. Then
// every order.* and escrow.* message of these flows (a release included) is replayed with kcat: no order,
// escrow or balance moves, and the seller is not paid twice.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createKnex } from '@dbay/platform';
import {
  lastExitCode,
  mintServiceToken,
  servicePid,
  stackEndpoints,
  startService,
  stopService,
  waitFor,
} from '@dbay/testing';
import {
  DOGE,
  WALLET_URL,
  balanceOf,
  call,
  fundedUsers,
  newListing,
  orderStatus,
  waitForOrderStatus,
  type OrderView,
  type User,
} from '../services/order/test/support/marketplace.js';
import { Bus, REPO_ROOT, replayTopics, waitForOutboxesFlushed } from './withdrawal-support.js';

const CRASH_POINTS = [
  'after-order-committed',
  'after-lock-request-published',
  'before-answer-applied',
  'after-answer-committed',
] as const;
const PRICE = '5';

function marketplaceTopics(): string[] {
  return readdirSync(path.join(REPO_ROOT, 'schemas'))
    .filter((file) => /^(order|escrow)\..*\.topic\.json$/.test(file))
    .map((file) => file.slice(0, -'.topic.json'.length))
    .sort();
}

async function walletEscrow(orderId: string): Promise<{ status: string; amount: string } | undefined> {
  const token = await mintServiceToken('order');
  const answer = await call(WALLET_URL, 'GET', `/internal/escrows/${orderId}`, { token });
  if (answer.status === 404) return undefined;
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  const { escrow } = answer.body as unknown as { escrow: { status: string; amountKoinu: string } };
  return { status: escrow.status, amount: escrow.amountKoinu };
}

async function buyThroughCrash(buyer: User, listingId: string, point: string): Promise<string> {
  const key = `crash-${point}-${listingId}`;
  await stopService('order');
  await startService('order', { ORDER_CRASH_AT: point, ORDER_CRASH_FOR: listingId });
  // The service dies while answering (or right after): the buyer sees an error or a pending order.
  await buyer.orders('POST', '/orders', { body: { listingId }, idempotencyKey: key }).catch(() => undefined);
  const exited = await waitFor(
    () => {
      const code = servicePid('order') === undefined ? lastExitCode('order') : undefined;
      return code === undefined ? undefined : { code };
    },
    { timeoutMs: 60_000, description: `the crash at ${point}` },
  );
  expect(exited.code, `exit code after ${point}`).to.equal(137);
  await startService('order');
  // The buyer retries with the same key and gets the one order, whatever happened before.
  const retried = await buyer.orders('POST', '/orders', { body: { listingId }, idempotencyKey: key });
  expect(retried.status, JSON.stringify(retried.body)).to.be.oneOf([201, 202]);
  return (retried.body as unknown as OrderView).id;
}

describe('order service crashes and kcat replays (order, wallet, Kafka)', function () {
  this.timeout(600_000);
  const stack = stackEndpoints();
  const db = createKnex({ connectionString: stack.databaseAdminUrl, schema: 'order', poolMax: 2 });
  const bus = new Bus();

  after(async () => {
    await bus.close();
    await db.destroy();
    if (servicePid('order') === undefined) await startService('order');
  });

  it('pays each order once after a SIGKILL at every step, and a replay of every message changes nothing', async () => {
    const topics = marketplaceTopics();
    const replayFrom = await bus.endOffsets(topics);
    const [seller, ...buyers] = await fundedUsers(['0', ...CRASH_POINTS.map(() => '10')]);
    const orders: string[] = [];
    for (const [index, point] of CRASH_POINTS.entries()) {
      const listingId = await newListing(seller!, PRICE);
      const orderId = await buyThroughCrash(buyers[index]!, listingId, point);
      const paid = await waitForOrderStatus(buyers[index]!, orderId, 'PAID', 60_000);
      expect(
        paid.history.filter((entry) => entry.cause === 'ESCROW_LOCKED'),
        point,
      ).to.have.length(1);
      expect(await walletEscrow(orderId), point).to.deep.equal({
        status: 'LOCKED',
        amount: (5n * DOGE).toString(),
      });
      expect(await balanceOf(buyers[index]!), point).to.deep.equal({
        available: 5n * DOGE,
        locked: 5n * DOGE,
        pending: 0n,
      });
      const ofListing = await db('orders')
        .where({ listing_id: listingId })
        .count<{ count: string }[]>({ count: '*' });
      expect(Number(ofListing[0]!.count), `orders of the listing after ${point}`).to.equal(1);
      orders.push(orderId);
    }

    // One order goes all the way, so the replay carries a release too.
    const released = orders[0]!;
    expect((await seller!.orders('POST', `/orders/${released}/ship`, { body: {} })).status).to.equal(200);
    expect(
      (await buyers[0]!.orders('POST', `/orders/${released}/confirm-receipt`, { body: {} })).status,
    ).to.equal(200);
    await waitForOrderStatus(seller!, released, 'COMPLETED');
    const sellerEarned = 5n * DOGE - (5n * DOGE * 250n) / 10_000n;
    await waitFor(async () => (await balanceOf(seller!)).available === sellerEarned);

    const snapshot = async () => ({
      orders: await Promise.all(
        orders.map(async (orderId, index) => {
          const view = await orderStatus(buyers[index]!, orderId);
          return { status: view.status, history: view.history.length, escrow: await walletEscrow(orderId) };
        }),
      ),
      balances: await Promise.all([seller!, ...buyers].map((each) => balanceOf(each))),
    });
    const before = await snapshot();
    const replayed = await replayTopics(bus, topics, replayFrom);
    expect(replayed.messages).to.be.at.least(CRASH_POINTS.length * 4);
    const groups = {
      order: topics.filter((topic) => topic.startsWith('escrow.') && !topic.endsWith('-requested')),
      wallet: topics.filter((topic) => topic.endsWith('-requested')),
    };
    const caughtUp = () =>
      bus.waitForGroupsCaughtUp(
        Object.fromEntries(
          Object.entries(groups).map(([group, list]) => [group, list.map((topic) => ({ topic }))]),
        ),
        180_000,
      );
    await caughtUp();
    await waitForOutboxesFlushed(db, ['order', 'wallet']);
    await caughtUp();
    expect(await snapshot()).to.deep.equal(before);
    expect((await balanceOf(seller!)).available).to.equal(sellerEarned);
  });
});
