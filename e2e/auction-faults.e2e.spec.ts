// Proves that an auction closes exactly once and leaves no lock behind under the faults that matter: a
// burst of last-second bids racing the close (soft close), two order-service replicas polling the close
// timers, a SIGKILL inside the close's transaction, and a SIGKILL between a bid's lock in the wallet and
// its record in the auction (the sweeper releases the lock, or completes the leader's raise). The whole
// auction story runs too: deposit, bid, outbid, raise, win, ship, confirm, the seller paid.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '@dbay/platform';
import { koinuFromDecimalColumn } from '@dbay/money';
import {
  lastExitCode,
  mintServiceToken,
  servicePid,
  stackEndpoints,
  startReplica,
  startService,
  stopService,
  waitFor,
  type Replica,
} from '@dbay/testing';
import {
  DOGE,
  WALLET_URL,
  advanceClock,
  call,
  balanceOf,
  fundedUsers,
  orderDb,
  waitForOrderStatus,
  type User,
} from '../services/order/test/support/marketplace.js';

const MINUTE_MS = 60_000;

interface AuctionView {
  id: string;
  status: string;
  endsAt: string;
  price: string | null;
  orderId: string | null;
  ending: { outcome: string; price?: string } | null;
}

async function open(
  seller: User,
  minutes: number,
  extra: { reserve?: string; buyNow?: string } = {},
): Promise<AuctionView> {
  const answer = await seller.orders('POST', '/auctions', {
    body: { title: 'a signed Doge print', startPrice: '2', durationMinutes: minutes, ...extra },
  });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return answer.body as unknown as AuctionView;
}

async function closedView(reader: User, auctionId: string): Promise<AuctionView> {
  return waitFor(
    async () => {
      const view = (await reader.orders('GET', `/auctions/${auctionId}`)).body as unknown as AuctionView;
      return view.status === 'CLOSED' ? view : undefined;
    },
    { timeoutMs: 60_000, description: `auction ${auctionId} to close` },
  );
}

describe('auction faults and the auction story (order, wallet, Kafka)', function () {
  this.timeout(600_000);
  const stack = stackEndpoints();
  let db: Knex;
  let wallet: Knex;

  before(() => {
    db = orderDb();
    wallet = createKnex({ connectionString: stack.databaseAdminUrl, schema: 'wallet', poolMax: 2 });
  });
  after(async () => {
    await db.destroy();
    await wallet.destroy();
    if (servicePid('order') === undefined) await startService('order');
  });

  /** One close, one order, its escrow converted, and no ACTIVE lock left on the auction. */
  async function closedOnce(auctionId: string): Promise<void> {
    const orders = await db('orders')
      .where({ auction_id: auctionId })
      .count<{ count: string }[]>({ count: '*' });
    const closes = await db('timers').where({ auction_id: auctionId }).whereNotNull('fired_at');
    expect(Number(orders[0]!.count), `orders of ${auctionId}`).to.be.at.most(1);
    await waitFor(
      async () => {
        const pending = await db('bids')
          .where({ auction_id: auctionId })
          .whereIn('lock_state', ['RELEASE_REQUESTED', 'CONVERT_REQUESTED'])
          .count<{ count: string }[]>({ count: '*' });
        return Number(pending[0]!.count) === 0;
      },
      { timeoutMs: 60_000, description: `the wallet to settle the locks of ${auctionId}` },
    );
    const active = await wallet('wallet.bid_locks').where({ auction_id: auctionId, status: 'ACTIVE' });
    expect(active, `active locks of ${auctionId}`).to.deep.equal([]);
    const escrows = await wallet('wallet.escrow').where({ auction_id: auctionId });
    expect(escrows.length, `escrows of ${auctionId}`).to.equal(Number(orders[0]!.count));
    expect(closes.length, `fired close timers of ${auctionId}`).to.be.at.least(1);
  }

  it('closes once when last-second bids race the close, extending it as they come', async () => {
    const [seller, ...bidders] = await fundedUsers(['0', ...Array.from({ length: 8 }, () => '100')]);
    const auction = await open(seller!, 3);
    // Inside the soft-close window with room to spare: on a loaded machine 8 concurrent bids can take seconds.
    await advanceClock(3 * MINUTE_MS - 20_000);
    const answers = await Promise.all(
      bidders.map((bidder, index) =>
        bidder.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: `${10 + index * 5}` } }),
      ),
    );
    for (const answer of answers)
      expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 409, 422]);
    await advanceClock(3 * MINUTE_MS);
    const closed = await closedView(seller!, auction.id);
    expect(closed.ending?.outcome).to.equal('SOLD');
    await closedOnce(auction.id);
  });

  it('closes each auction once with two replicas polling', async () => {
    const [seller, ...bidders] = await fundedUsers(['0', '100', '100', '100']);
    const auctions = [];
    for (const bidder of bidders) {
      const auction = await open(seller!, 2);
      const answer = await bidder.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '7' } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      auctions.push(auction);
    }
    let replica: Replica | undefined;
    try {
      replica = await startReplica('order');
      await advanceClock(3 * MINUTE_MS);
      for (const auction of auctions) await closedView(seller!, auction.id);
    } finally {
      await replica?.stop();
    }
    for (const auction of auctions) await closedOnce(auction.id);
  });

  it('closes once after a SIGKILL inside the close’s transaction', async () => {
    const [seller, bidder] = await fundedUsers(['0', '100']);
    const auction = await open(seller!, 2);
    expect(
      (await bidder!.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '9' } })).status,
    ).to.equal(201);
    await stopService('order');
    await startService('order', { ORDER_CRASH_AT: 'during-auction-close', ORDER_CRASH_FOR: auction.id });
    await advanceClock(3 * MINUTE_MS);
    const exited = await waitFor(
      () => {
        const code = servicePid('order') === undefined ? lastExitCode('order') : undefined;
        return code === undefined ? undefined : { code };
      },
      { timeoutMs: 60_000, description: 'the crash inside the close' },
    );
    expect(exited.code).to.equal(137);
    await startService('order');
    const closed = await closedView(seller!, auction.id);
    expect(closed.ending?.outcome).to.equal('SOLD');
    await closedOnce(auction.id);
    expect(await balanceOf(bidder!)).to.deep.equal({ available: 98n * DOGE, locked: 2n * DOGE, pending: 0n });
  });

  it('releases the lock of a bid whose request died after the lock, and completes a leader’s raise', async () => {
    const [seller, leader, challenger] = await fundedUsers(['0', '100', '100']);
    const auction = await open(seller!, 60);
    expect(
      (await leader!.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '20' } })).status,
    ).to.equal(201);
    const sweeper = { ORDER_BID_PENDING_TIMEOUT_MS: '1000', ORDER_BID_SWEEP_INTERVAL_MS: '300' };
    for (const [who, maximum] of [
      [challenger!, '30'],
      [leader!, '50'],
    ] as const) {
      await stopService('order');
      await startService('order', {
        ORDER_CRASH_AT: 'after-bid-locked',
        ORDER_CRASH_FOR: auction.id,
        ...sweeper,
      });
      await who.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum } }).catch(() => undefined);
      await waitFor(() => servicePid('order') === undefined && lastExitCode('order') !== undefined, {
        timeoutMs: 60_000,
        description: 'the crash after the lock',
      });
      await startService('order', sweeper);
      await waitFor(
        async () => {
          const pending = await db('bids')
            .where({ auction_id: auction.id })
            .whereRaw(`(outcome = 'PENDING' OR lock_state = 'RELEASE_REQUESTED')`)
            .count<{ count: string }[]>({ count: '*' });
          return Number(pending[0]!.count) === 0;
        },
        { timeoutMs: 60_000, description: 'the sweeper to settle the bid and the wallet its release' },
      );
    }
    await stopService('order');
    await startService('order');
    // The challenger's interrupted bid holds nothing; the leader's raise to 50 was completed.
    expect(await balanceOf(challenger!)).to.deep.equal({ available: 100n * DOGE, locked: 0n, pending: 0n });
    const locks = await wallet('wallet.bid_locks').where({ auction_id: auction.id, status: 'ACTIVE' });
    expect(
      locks.map((lock: { user_id: string; amount: string }) => [
        lock.user_id,
        koinuFromDecimalColumn(lock.amount),
      ]),
    ).to.deep.equal([[leader!.userId, 50n * DOGE]]);
    const stored = await db('auctions')
      .where({ id: auction.id })
      .first<{ leader_bidder_id: string; leader_max_koinu: string }>();
    expect([stored.leader_bidder_id, stored.leader_max_koinu]).to.deep.equal([
      leader!.userId,
      (50n * DOGE).toString(),
    ]);
  });

  it('refuses a bid’s lock that reaches the wallet after the sweeper released the bid', async () => {
    // A request that outlives its caller: the order service dies before its lock request leaves, the
    // sweeper settles the bid and releases it, and then the lock request arrives after all (here sent
    // as the order service would have sent it). It must not lock money for a bid that no longer exists.
    const [seller, bidder] = await fundedUsers(['0', '100']);
    const auction = await open(seller!, 60);
    const sweeper = { ORDER_BID_PENDING_TIMEOUT_MS: '1000', ORDER_BID_SWEEP_INTERVAL_MS: '300' };
    await stopService('order');
    await startService('order', {
      ORDER_CRASH_AT: 'before-bid-lock',
      ORDER_CRASH_FOR: auction.id,
      ...sweeper,
    });
    await bidder!
      .orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '8' } })
      .catch(() => undefined);
    await waitFor(() => servicePid('order') === undefined && lastExitCode('order') !== undefined, {
      timeoutMs: 60_000,
      description: 'the crash before the lock',
    });
    const bid = await db('bids')
      .where({ auction_id: auction.id, bidder_id: bidder!.userId })
      .first<{ id: string; outcome: string; lock_state: string }>();
    expect(bid).to.include({ outcome: 'PENDING', lock_state: 'NONE' });
    await startService('order', sweeper);
    await waitFor(
      async () => {
        const settled = await db('bids')
          .where({ id: bid.id })
          .first<{ outcome: string; lock_state: string }>();
        return settled.outcome === 'REFUSED' && settled.lock_state === 'RELEASED';
      },
      {
        timeoutMs: 60_000,
        description: 'the sweeper to refuse the bid and the wallet to answer its release',
      },
    );

    const late = await call(WALLET_URL, 'POST', '/internal/bid-lock', {
      token: await mintServiceToken('order'),
      idempotencyKey: `bid:${bid.id}:lock`,
      body: { auctionId: auction.id, userId: bidder!.userId, amountKoinu: (8n * DOGE).toString() },
    });
    expect(late.status, JSON.stringify(late.body)).to.equal(409);
    expect(late.body.error?.code).to.equal('WALLET_BID_LOCK_RELEASED');
    expect(await balanceOf(bidder!)).to.deep.equal({ available: 100n * DOGE, locked: 0n, pending: 0n });
    const active = await wallet('wallet.bid_locks').where({ auction_id: auction.id, status: 'ACTIVE' });
    expect(active).to.deep.equal([]);

    // The bidder's next bid locks as usual.
    await stopService('order');
    await startService('order');
    const next = await bidder!.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '9' } });
    expect(next.status, JSON.stringify(next.body)).to.equal(201);
    expect(await balanceOf(bidder!)).to.deep.equal({ available: 91n * DOGE, locked: 9n * DOGE, pending: 0n });
  });

  it('releases a leader’s raise that the end of the auction refused, when it closes unsold', async () => {
    // The raise's lock tops up the leader's one lock in the wallet; the auction ends before the raise is
    // applied, so it is refused and stays with that lock (MERGED). The unsold close must release the lock
    // naming the raise, whose lock command set it last: a release naming the leading bid only is left
    // alone by the wallet (WALLET_BID_LOCK_SUPERSEDED), and 50 DOGE would stay locked.
    const [seller, leader] = await fundedUsers(['0', '100']);
    const auction = await open(seller!, 60, { reserve: '80' });
    const first = await leader!.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '20' } });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    await stopService('order');
    await startService('order', { ORDER_CRASH_AT: 'after-bid-locked', ORDER_CRASH_FOR: auction.id });
    await leader!
      .orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '50' } })
      .catch(() => undefined);
    await waitFor(() => servicePid('order') === undefined && lastExitCode('order') !== undefined, {
      timeoutMs: 60_000,
      description: 'the crash after the raise’s lock',
    });
    expect(await balanceOf(leader!)).to.deep.equal({
      available: 50n * DOGE,
      locked: 50n * DOGE,
      pending: 0n,
    });

    // The close timer stays asleep while the auction ends and the sweeper completes the raise: refused.
    const quietCloses = { ORDER_TIMER_POLL_MS: '3600000', ORDER_BID_SWEEP_INTERVAL_MS: '300' };
    await startService('order', { ...quietCloses, ORDER_BID_PENDING_TIMEOUT_MS: '3600000' });
    await advanceClock(61 * MINUTE_MS);
    const raise = await waitFor(
      async () => {
        const bid = await db('bids')
          .where({ auction_id: auction.id, bidder_id: leader!.userId })
          .whereNot({ outcome: 'LEADING' })
          .first<{ outcome: string; lock_state: string; refusal_code: string | null } | undefined>();
        return bid?.outcome === 'REFUSED' ? bid : undefined;
      },
      { timeoutMs: 60_000, description: 'the sweeper to apply the raise after the end' },
    );
    expect(raise).to.include({ lock_state: 'MERGED', refusal_code: 'AUCTION_CLOSED' });

    await stopService('order');
    await startService('order');
    const closed = await closedView(seller!, auction.id);
    expect(closed.ending).to.include({ outcome: 'UNSOLD' });
    await closedOnce(auction.id);
    expect(await balanceOf(leader!)).to.deep.equal({ available: 100n * DOGE, locked: 0n, pending: 0n });
  });

  it('refuses a buy-it-now while a bid on the auction is between its record and its lock', async () => {
    // Applied after the payment started, such a bid would take the buy-it-now offer away from a buyer
    // whose money the wallet is already locking, and the paid buy-it-now could never close the auction.
    const [seller, bidder, buyer] = await fundedUsers(['0', '100', '100']);
    const auction = await open(seller!, 60, { buyNow: '40' });
    await stopService('order');
    await startService('order', { ORDER_CRASH_AT: 'before-bid-lock', ORDER_CRASH_FOR: auction.id });
    const bidKey = `half-placed-${auction.id}`;
    await bidder!
      .orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum: '8' }, idempotencyKey: bidKey })
      .catch(() => undefined);
    await waitFor(() => servicePid('order') === undefined && lastExitCode('order') !== undefined, {
      timeoutMs: 60_000,
      description: 'the crash before the lock',
    });
    await startService('order', { ORDER_BID_PENDING_TIMEOUT_MS: '3600000' });
    // The bidder asking again with the same key learns the bid is still being placed.
    const replay = await bidder!.orders('POST', `/auctions/${auction.id}/bids`, {
      body: { maximum: '8' },
      idempotencyKey: bidKey,
    });
    expect(replay.status, JSON.stringify(replay.body)).to.equal(202);
    expect((replay.body as unknown as { bid: { outcome: string } }).bid.outcome).to.equal('PENDING');
    const refused = await buyer!.orders('POST', `/auctions/${auction.id}/buy-now`);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(refused.body.error?.code).to.equal('AUCTION_BID_IN_PROGRESS');
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 100n * DOGE, locked: 0n, pending: 0n });

    // Once the sweeper has settled the bid, the buyer gets the item.
    await stopService('order');
    await startService('order', { ORDER_BID_PENDING_TIMEOUT_MS: '1000', ORDER_BID_SWEEP_INTERVAL_MS: '300' });
    await waitFor(
      async () => {
        const pending = await db('bids')
          .where({ auction_id: auction.id, outcome: 'PENDING' })
          .first<{ id: string } | undefined>('id');
        return pending === undefined;
      },
      { timeoutMs: 60_000, description: 'the sweeper to settle the bid' },
    );
    await stopService('order');
    await startService('order');
    const bought = await buyer!.orders('POST', `/auctions/${auction.id}/buy-now`);
    // 202 when the wallet's answer takes longer than the request waits (the restarted consumer rejoins).
    expect(bought.status, JSON.stringify(bought.body)).to.be.oneOf([201, 202]);
    await waitForOrderStatus(buyer!, (bought.body as unknown as { id: string }).id, 'PAID', 60_000);
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 60n * DOGE, locked: 40n * DOGE, pending: 0n });
  });

  it('tells the whole story: deposit, bid, outbid, raise, win, ship, confirm, the seller paid', async () => {
    const [seller, alice, bob] = await fundedUsers(['0', '80', '80']);
    const auction = await open(seller!, 30);
    const bid = (who: User, maximum: string) =>
      who.orders('POST', `/auctions/${auction.id}/bids`, { body: { maximum } });
    expect((await bid(alice!, '20')).status).to.equal(201);
    const outbid = await bid(bob!, '25');
    expect((outbid.body as { bid?: { outcome: string } }).bid?.outcome).to.equal('LEADING');
    const raised = await bid(alice!, '40');
    expect((raised.body as { bid?: { outcome: string } }).bid?.outcome).to.equal('LEADING');
    await advanceClock(31 * MINUTE_MS);
    const closed = await closedView(alice!, auction.id);
    expect(closed.ending).to.deep.include({ outcome: 'SOLD', price: '26.00000000' });
    const orderId = closed.orderId!;
    await waitFor(async () => (await balanceOf(alice!)).locked === 2_600_000_000n);
    expect((await seller!.orders('POST', `/orders/${orderId}/ship`, { body: {} })).status).to.equal(200);
    await waitFor(
      async () =>
        (await alice!.orders('POST', `/orders/${orderId}/confirm-receipt`, { body: {} })).status === 200,
    );
    await waitForOrderStatus(seller!, orderId, 'COMPLETED');
    const earned = 2_600_000_000n - (2_600_000_000n * 250n) / 10_000n;
    await waitFor(async () => (await balanceOf(seller!)).available === earned);
    expect(await balanceOf(alice!)).to.deep.equal({
      available: 80n * DOGE - 2_600_000_000n,
      locked: 0n,
      pending: 0n,
    });
    expect(await balanceOf(bob!)).to.deep.equal({ available: 80n * DOGE, locked: 0n, pending: 0n });
  });
});
