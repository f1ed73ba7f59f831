// Proves auctions with bids backed by real money on the stack: a bid counts only once the wallet locked
// its maximum, an outbid bidder's lock is released, so an open auction holds exactly one lock (the
// leader's maximum); a bid that loses at once releases its own; a raise locks only the difference; every
// refusal is coded and leaves nothing locked; soft close moves the end; the close (on the test clock)
// converts the winner's lock into the escrow of a PAID order at the final price and returns the rest;
// unsold auctions release the leader; buy-it-now sells at once; 200 concurrent bidders on one auction
// end with the leader and price of the reference model on the same accepted bids.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '@dbay/platform';
import { koinuFromBigintColumn, koinuFromDecimalColumn } from '@dbay/money';
import { stackEndpoints, waitFor } from '@dbay/testing';
import { DEFAULT_INCREMENT_LADDER } from '../src/domain/auction/index.js';
import { referenceLeader, referencePrice, type Reference } from './auction/reference.js';
import {
  DOGE,
  advanceClock,
  documented,
  orderOpenApi,
  balanceOf,
  fundedUsers,
  orderDb,
  orderStatus,
  type OrderView,
  type User,
  waitForOrderStatus,
} from './support/marketplace.js';

const MINUTE_MS = 60_000;
const FEE = (amount: bigint) => (amount * 250n) / 10_000n;

interface AuctionView {
  id: string;
  status: string;
  price: string | null;
  minimumBid: string | null;
  bidCount: number;
  endsAt: string;
  buyNow: string | null;
  leader: { bidder: string; maximum: string | null } | null;
  ending: { outcome: string; via?: string; price?: string; reason?: string } | null;
  orderId: string | null;
  history: Array<{ bidder: string; price: string | null; outcome: string }>;
}

interface BidAnswer {
  bid: { id: string; outcome: string; leading: boolean; maximum: string };
  auction: AuctionView;
}

async function openAuction(seller: User, body: Record<string, unknown>): Promise<AuctionView> {
  const answer = await seller.orders('POST', '/auctions', {
    body: { title: 'a rare Shiba figurine', startPrice: '5', durationMinutes: 60, ...body },
  });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return answer.body as unknown as AuctionView;
}

async function bid(bidder: User, auctionId: string, maximum: string) {
  return bidder.orders('POST', `/auctions/${auctionId}/bids`, { body: { maximum } });
}

async function accepted(bidder: User, auctionId: string, maximum: string): Promise<BidAnswer> {
  const answer = await bid(bidder, auctionId, maximum);
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return answer.body as unknown as BidAnswer;
}

/** The wallet's ACTIVE bid locks on an auction: bidder -> amount. */
async function activeLocks(wallet: Knex, auctionId: string): Promise<Map<string, bigint>> {
  const rows = await wallet('wallet.bid_locks')
    .where({ auction_id: auctionId, status: 'ACTIVE' })
    .select<{ user_id: string; amount: string }[]>('user_id', 'amount');
  return new Map(rows.map((row) => [row.user_id, koinuFromDecimalColumn(row.amount)]));
}

/** Waits until every release the order service asked for has been applied by the wallet. */
async function releasesSettled(db: Knex, auctionId: string): Promise<void> {
  await waitFor(
    async () => {
      const rows = await db('bids')
        .where({ auction_id: auctionId, lock_state: 'RELEASE_REQUESTED' })
        .count<{ count: string }[]>({ count: '*' });
      return Number(rows[0]!.count) === 0;
    },
    { timeoutMs: 30_000, description: `the releases of auction ${auctionId}` },
  );
}

describe('auctions (order service, wallet, Kafka)', function () {
  this.timeout(240_000);
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
  });

  it('refuses auctions that break the rules, with coded 400s', async () => {
    const [seller] = await fundedUsers(['0']);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ startPrice: '0' }, 'ORDER_AMOUNT_INVALID'],
      [{ reserve: '4' }, 'AUCTION_RESERVE_BELOW_START'],
      [{ buyNow: '6' }, 'AUCTION_BUY_NOW_TOO_LOW'],
      [
        { durationMinutes: undefined, endsAt: new Date(Date.now() - MINUTE_MS).toISOString() },
        'AUCTION_END_TOO_SOON',
      ],
      [{ durationMinutes: 60, endsAt: new Date().toISOString() }, 'ORDER_VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const answer = await seller!.orders('POST', '/auctions', {
        body: { title: 'x', startPrice: '5', durationMinutes: 60, ...body },
      });
      expect([answer.status, answer.body.error?.code], JSON.stringify(body)).to.deep.equal([400, code]);
    }
  });

  it('locks each bid’s maximum, prices by proxy and releases the outbid, so one lock is left: the leader’s', async () => {
    const [seller, alice, bob] = await fundedUsers(['0', '100', '100']);
    const auction = await openAuction(seller!, {});
    const first = await accepted(alice!, auction.id, '20');
    expect(first.bid).to.include({ outcome: 'LEADING', leading: true });
    expect(first.auction.price).to.equal('5.00000000');
    expect(await balanceOf(alice!)).to.deep.equal({ available: 80n * DOGE, locked: 20n * DOGE, pending: 0n });

    const second = await accepted(bob!, auction.id, '30');
    expect(second.bid.outcome).to.equal('LEADING');
    // 20 DOGE is on the 5-25 step of the ladder: +0.5.
    expect(second.auction.price).to.equal('20.50000000');
    await releasesSettled(db, auction.id);
    expect(await activeLocks(wallet, auction.id)).to.deep.equal(new Map([[bob!.userId, 30n * DOGE]]));
    expect(await balanceOf(alice!)).to.deep.equal({ available: 100n * DOGE, locked: 0n, pending: 0n });

    const lost = await accepted(alice!, auction.id, '25');
    expect(lost.bid.outcome).to.equal('OUTBID');
    // 25 DOGE is on the 25-100 step: +1.
    expect(lost.auction.price).to.equal('26.00000000');
    await releasesSettled(db, auction.id);
    expect(await activeLocks(wallet, auction.id)).to.deep.equal(new Map([[bob!.userId, 30n * DOGE]]));

    const raise = await accepted(bob!, auction.id, '45');
    expect(raise.bid.outcome).to.equal('LEADING');
    expect(raise.auction.price).to.equal('26.00000000');
    expect(await balanceOf(bob!)).to.deep.equal({ available: 55n * DOGE, locked: 45n * DOGE, pending: 0n });
    expect(await activeLocks(wallet, auction.id)).to.deep.equal(new Map([[bob!.userId, 45n * DOGE]]));
    expect(raise.auction.leader).to.deep.equal({ bidder: 'you', maximum: '45.00000000' });
    const asAlice = await alice!.orders('GET', `/auctions/${auction.id}`);
    expect((asAlice.body as unknown as AuctionView).leader).to.deep.equal({
      bidder: 'bidder 2',
      maximum: null,
    });
  });

  it('answers every refused bid with a coded reason and leaves nothing locked', async () => {
    const [seller, alice, poor] = await fundedUsers(['0', '100', '3']);
    const auction = await openAuction(seller!, { startPrice: '10' });
    const cases: Array<[User, string, number, string]> = [
      [seller!, '50', 409, 'AUCTION_OWN_AUCTION'],
      [alice!, '9.99', 422, 'AUCTION_BID_TOO_LOW'],
      [poor!, '10', 422, 'AUCTION_INSUFFICIENT_FUNDS'],
      [alice!, '-1', 400, 'ORDER_AMOUNT_INVALID'],
    ];
    for (const [who, maximum, status, code] of cases) {
      const answer = await bid(who, auction.id, maximum);
      expect([answer.status, answer.body.error?.code], maximum).to.deep.equal([status, code]);
    }
    // The same key again answers the same refusal, not the refused bid as if it had been placed.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const again = await poor!.orders('POST', `/auctions/${auction.id}/bids`, {
        body: { maximum: '10' },
        idempotencyKey: `poor-bid-${auction.id}`,
      });
      expect([again.status, again.body.error?.code], `attempt ${attempt}`).to.deep.equal([
        422,
        'AUCTION_INSUFFICIENT_FUNDS',
      ]);
    }
    await accepted(alice!, auction.id, '20');
    const notHigher = await bid(alice!, auction.id, '15');
    expect([notHigher.status, notHigher.body.error?.code]).to.deep.equal([409, 'AUCTION_BID_NOT_HIGHER']);
    expect(await balanceOf(poor!)).to.deep.equal({ available: 3n * DOGE, locked: 0n, pending: 0n });
    expect(await activeLocks(wallet, auction.id)).to.deep.equal(new Map([[alice!.userId, 20n * DOGE]]));
  });

  it('closes once on the clock: the winner pays the price from their lock, gets the rest back, and the order follows', async () => {
    const [seller, alice, bob] = await fundedUsers(['0', '100', '100']);
    const auction = await openAuction(seller!, { durationMinutes: 10 });
    await accepted(alice!, auction.id, '40');
    await accepted(bob!, auction.id, '30');
    await advanceClock(9 * MINUTE_MS);
    const late = await accepted(bob!, auction.id, '35');
    const endsAt = new Date(late.auction.endsAt).getTime();
    expect(endsAt).to.be.greaterThan(new Date(auction.endsAt).getTime());
    await advanceClock(3 * MINUTE_MS);
    const closed = await waitFor(
      async () => {
        const view = (await alice!.orders('GET', `/auctions/${auction.id}`)).body as unknown as AuctionView;
        return view.status === 'CLOSED' ? view : undefined;
      },
      { timeoutMs: 30_000, description: 'the auction to close' },
    );
    // Bob's 35 DOGE is on the 25-100 step: the price is 35 + 1.
    expect(closed.ending).to.deep.include({ outcome: 'SOLD', via: 'BIDDING', price: '36.00000000' });
    expect(closed.orderId).to.be.a('string');
    const order = await waitFor(async () => {
      const view = await orderStatus(alice!, closed.orderId!);
      return view.escrowConfirmed ? view : undefined;
    });
    expect(order).to.include({ status: 'PAID', amount: '36.00000000' });
    expect(await balanceOf(alice!)).to.deep.equal({
      available: 100n * DOGE - 3_600_000_000n,
      locked: 3_600_000_000n,
      pending: 0n,
    });
    await releasesSettled(db, auction.id);
    expect(await balanceOf(bob!)).to.deep.equal({ available: 100n * DOGE, locked: 0n, pending: 0n });
    expect(await activeLocks(wallet, auction.id)).to.deep.equal(new Map());

    expect((await seller!.orders('POST', `/orders/${order.id}/ship`, { body: {} })).status).to.equal(200);
    expect(
      (await alice!.orders('POST', `/orders/${order.id}/confirm-receipt`, { body: {} })).status,
    ).to.equal(200);
    await waitForOrderStatus(seller!, order.id, 'COMPLETED');
    await waitFor(async () => (await balanceOf(seller!)).available === 36n * DOGE - FEE(36n * DOGE));
    const orders = await db('orders')
      .where({ auction_id: auction.id })
      .count<{ count: string }[]>({ count: '*' });
    expect(Number(orders[0]!.count)).to.equal(1);
  });

  it('closes unsold when the reserve is not met, and releases the leader', async () => {
    const [seller, alice] = await fundedUsers(['0', '50']);
    const auction = await openAuction(seller!, { reserve: '30', durationMinutes: 5 });
    await accepted(alice!, auction.id, '20');
    await advanceClock(6 * MINUTE_MS);
    const closed = await waitFor(async () => {
      const view = (await alice!.orders('GET', `/auctions/${auction.id}`)).body as unknown as AuctionView;
      return view.status === 'CLOSED' ? view : undefined;
    });
    expect(closed.ending).to.deep.include({ outcome: 'UNSOLD', reason: 'RESERVE_NOT_MET' });
    await releasesSettled(db, auction.id);
    expect(await balanceOf(alice!)).to.deep.equal({ available: 50n * DOGE, locked: 0n, pending: 0n });
  });

  it('sells at the buy-it-now price at once, until the first bid removes it', async () => {
    const [seller, alice, bob] = await fundedUsers(['0', '50', '50']);
    const offered = await openAuction(seller!, { buyNow: '10' });
    expect(offered.buyNow).to.equal('10.00000000');
    const bought = await bob!.orders('POST', `/auctions/${offered.id}/buy-now`, { body: {} });
    expect(bought.status, JSON.stringify(bought.body)).to.equal(201);
    expect((bought.body as unknown as OrderView).status).to.equal('PAID');
    const sold = (await bob!.orders('GET', `/auctions/${offered.id}`)).body as unknown as AuctionView;
    expect(sold.ending).to.deep.include({ outcome: 'SOLD', via: 'BUY_NOW', price: '10.00000000' });
    expect(await balanceOf(bob!)).to.deep.equal({ available: 40n * DOGE, locked: 10n * DOGE, pending: 0n });

    const other = await openAuction(seller!, { buyNow: '10' });
    const first = await accepted(alice!, other.id, '6');
    expect(first.auction.buyNow).to.equal(null);
    const tooLate = await bob!.orders('POST', `/auctions/${other.id}/buy-now`, { body: {} });
    expect([tooLate.status, tooLate.body.error?.code]).to.deep.equal([409, 'AUCTION_BUY_NOW_NOT_OFFERED']);
  });

  it('agrees with the reference model after 200 concurrent bidders on one auction, with one lock left', async () => {
    const bidders = 200;
    const [seller, ...users] = await fundedUsers(['0', ...Array.from({ length: bidders }, () => '500')]);
    const auction = await openAuction(seller!, { startPrice: '1', durationMinutes: 60 });
    const maxima = users.map((_, index) => `${1 + ((index * 37) % 400)}.${(index * 13) % 100}`);
    const answers = await Promise.all(users.map((user, index) => bid(user, auction.id, maxima[index]!)));
    const statuses = new Map<number, number>();
    for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    for (const answer of answers.filter((each) => each.status !== 201)) {
      expect(['AUCTION_BID_TOO_LOW'], JSON.stringify(answer.body)).to.include(answer.body.error?.code);
    }
    await releasesSettled(db, auction.id);

    const rows = await db('bids')
      .where({ auction_id: auction.id })
      .whereNotIn('outcome', ['PENDING', 'REFUSED'])
      .orderBy([{ column: 'placed_at' }, { column: 'id' }])
      .select<{ bidder_id: string; max_koinu: string; placed_at: Date }[]>(
        'bidder_id',
        'max_koinu',
        'placed_at',
      );
    const model: Reference = {
      scenario: {
        startPriceKoinu: DOGE,
        reserveKoinu: null,
        buyNowKoinu: null,
        durationMs: 60 * MINUTE_MS,
        softCloseWindowMs: 2 * MINUTE_MS,
        ladder: DEFAULT_INCREMENT_LADDER,
      },
      bids: [],
      ending: null,
      cancelled: false,
    };
    for (const row of rows) {
      const leader = referenceLeader(model.bids);
      model.bids.push({
        bidderId: row.bidder_id,
        maxKoinu: koinuFromBigintColumn(row.max_koinu),
        atMs: row.placed_at.getTime(),
        raise: leader?.bidderId === row.bidder_id,
      });
    }
    const view = (await seller!.orders('GET', `/auctions/${auction.id}`)).body as unknown as AuctionView;
    const stored = await db('auctions')
      .where({ id: auction.id })
      .first<{ leader_bidder_id: string; price_koinu: string; leader_max_koinu: string }>();
    expect(stored.leader_bidder_id).to.equal(referenceLeader(model.bids)!.bidderId);
    expect(koinuFromBigintColumn(stored.price_koinu)).to.equal(referencePrice(model));
    expect(view.bidCount).to.equal(rows.length);
    expect(await activeLocks(wallet, auction.id)).to.deep.equal(
      new Map([[stored.leader_bidder_id, koinuFromBigintColumn(stored.leader_max_koinu)]]),
    );
    const balances = await Promise.all(users.map((user) => balanceOf(user)));
    const locked = balances.filter((balance) => balance.locked > 0n);
    expect(locked).to.have.length(1);
    expect(statuses.get(201)).to.equal(rows.length);
  });
  it('answers every auction route with its documented success and a coded refusal (GET /openapi.json)', async () => {
    const doc = await orderOpenApi();
    const v1 = async (who: User, method: 'GET' | 'POST', route: string, body?: unknown) =>
      documented(
        doc,
        method,
        `/v1${route}`,
        await who.orders(method, route, body === undefined ? {} : { body }),
      );
    const [seller, bidder, buyer] = await fundedUsers(['0', '30', '30']);
    const opened = await v1(seller!, 'POST', '/auctions', {
      title: 'a documented figurine',
      startPrice: '5',
      buyNow: '20',
      durationMinutes: 60,
    });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const id = opened.body.id as string;
    expect((await v1(seller!, 'POST', '/auctions', { title: 'x', startPrice: '5' })).status).to.equal(400);
    expect((await v1(bidder!, 'GET', '/auctions?limit=5')).status).to.equal(200);
    expect((await v1(bidder!, 'GET', '/auctions?limit=0')).status).to.equal(400);
    expect((await v1(bidder!, 'GET', `/auctions/${id}`)).status).to.equal(200);
    expect((await v1(bidder!, 'GET', `/auctions/${randomUUID()}`)).status).to.equal(404);
    expect((await v1(seller!, 'POST', `/auctions/${id}/bids`, { maximum: '6' })).status).to.be.within(
      400,
      499,
    );
    expect((await v1(bidder!, 'POST', `/auctions/${id}/bids`, { maximum: '6' })).status).to.equal(201);
    expect((await v1(bidder!, 'GET', '/bids')).status).to.equal(200);
    expect((await v1(bidder!, 'GET', '/bids?limit=1000')).status).to.equal(400);
    // A bid removes buy-it-now and makes the auction uncancellable.
    expect((await v1(buyer!, 'POST', `/auctions/${id}/buy-now`, {})).status).to.be.within(400, 499);
    expect((await v1(seller!, 'POST', `/auctions/${id}/cancel`, {})).status).to.be.within(400, 499);

    const other = await openAuction(seller!, { buyNow: '10' });
    const bought = await v1(buyer!, 'POST', `/auctions/${other.id}/buy-now`, {});
    expect(bought.status, JSON.stringify(bought.body)).to.be.oneOf([201, 202]);
    const unbid = await openAuction(seller!, {});
    expect((await v1(seller!, 'POST', `/auctions/${unbid.id}/cancel`, {})).status).to.equal(200);
    await releasesSettled(db, id);
  });
});
