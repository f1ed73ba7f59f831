// Proves buy-it-now on the real stack: a buyer with deposited DOGE buys an open listing and the wallet
// locks the price (201 PAID), a buyer without funds gets a clear refusal and the item goes back on sale
// for the next, twenty buyers racing for one item produce exactly one paid order (the others are refused
// at once and have nothing locked), and the seller is paid the price minus the fee once the buyer
// confirms receipt, or the buyer is refunded when the seller cancels.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { formatDoge } from '@dbay/money';
import { waitFor, type OpenApiDocument } from '@dbay/testing';
import {
  DOGE,
  ORDER_URL,
  balanceOf,
  call,
  documented,
  fundedUsers,
  newListing,
  operator,
  orderOpenApi,
  orderStatus,
  user,
  waitForOrderStatus,
  type OrderView,
  type User,
} from './support/marketplace.js';

const FEE_BASIS_POINTS = 250n;

describe('buy it now (order service, wallet, Kafka)', function () {
  this.timeout(180_000);

  it('pays an order at once from the buyer’s deposit: 201 PAID, price locked, listing sold', async () => {
    const [seller, buyer] = await fundedUsers(['0', '50']);
    const listingId = await newListing(seller!, '12.5');
    const answer = await buyer!.orders('POST', '/orders', { body: { listingId } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const order = answer.body as unknown as OrderView;
    expect(order.status).to.equal('PAID');
    expect(order.amount).to.equal('12.50000000');
    expect(order.fee).to.equal(formatDoge((1_250_000_000n * FEE_BASIS_POINTS) / 10_000n));
    expect(order.history.map((entry) => entry.cause)).to.deep.equal(['ORDER_PLACED', 'ESCROW_LOCKED']);
    expect(order.deadlines.map((deadline) => deadline.kind)).to.deep.equal(['SHIPPING_DEADLINE']);
    expect(await balanceOf(buyer!)).to.deep.equal({
      available: 3_750_000_000n,
      locked: 1_250_000_000n,
      pending: 0n,
    });
    const listing = await buyer!.orders('GET', `/listings/${listingId}`);
    expect((listing.body as unknown as { status: string }).status).to.equal('SOLD');
  });

  it('refuses a buyer without the money with ORDER_INSUFFICIENT_FUNDS, and the listing sells to the next', async () => {
    const [seller, poor, rich] = await fundedUsers(['0', '3', '20']);
    const listingId = await newListing(seller!, '10');
    const refused = await poor!.orders('POST', '/orders', { body: { listingId } });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
    expect(refused.body.error?.code).to.equal('ORDER_INSUFFICIENT_FUNDS');
    const failed = (refused.body as unknown as { order: OrderView }).order;
    expect(failed.status).to.equal('PAYMENT_FAILED');
    expect(failed.failure?.code).to.equal('WALLET_INSUFFICIENT_FUNDS');
    expect(await balanceOf(poor!)).to.deep.equal({ available: 3n * DOGE, locked: 0n, pending: 0n });
    expect(
      ((await poor!.orders('GET', `/listings/${listingId}`)).body as { status?: string }).status,
    ).to.equal('OPEN');

    const bought = await rich!.orders('POST', '/orders', { body: { listingId } });
    expect(bought.status, JSON.stringify(bought.body)).to.equal(201);
    expect((bought.body as unknown as OrderView).status).to.equal('PAID');
  });

  it('lets exactly one of twenty racing buyers pay; the others are refused and have nothing locked', async () => {
    const amounts = ['0', ...Array.from({ length: 20 }, () => '30')];
    const [seller, ...buyers] = await fundedUsers(amounts);
    const listingId = await newListing(seller!, '25');
    const answers = await Promise.all(
      buyers.map((buyer) => buyer.orders('POST', '/orders', { body: { listingId } })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).to.have.length(1);
    expect(statuses.filter((status) => status === 409)).to.have.length(19);
    for (const answer of answers.filter((each) => each.status === 409)) {
      expect(answer.body.error?.code).to.equal('LISTING_NOT_AVAILABLE');
    }
    const balances = await Promise.all(buyers.map((buyer) => balanceOf(buyer)));
    expect(balances.filter((balance) => balance.locked === 25n * DOGE)).to.have.length(1);
    expect(
      balances.filter((balance) => balance.locked === 0n && balance.available === 30n * DOGE),
    ).to.have.length(19);
  });

  it('ships, confirms receipt and pays the seller the price minus the fee, once', async () => {
    const [seller, buyer] = await fundedUsers(['0', '40']);
    const listingId = await newListing(seller!, '40');
    const { body } = await buyer!.orders('POST', '/orders', { body: { listingId } });
    const orderId = (body as unknown as OrderView).id;
    const shipped = await seller!.orders('POST', `/orders/${orderId}/ship`, {
      body: { trackingNote: 'DHL 123' },
    });
    expect(shipped.status, JSON.stringify(shipped.body)).to.equal(200);
    expect((shipped.body as unknown as OrderView).deadlines.map((deadline) => deadline.kind)).to.deep.equal([
      'AUTO_RELEASE',
    ]);
    const confirmed = await buyer!.orders('POST', `/orders/${orderId}/confirm-receipt`, { body: {} });
    expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);
    const completed = await waitForOrderStatus(seller!, orderId, 'COMPLETED');
    const fee = (40n * DOGE * FEE_BASIS_POINTS) / 10_000n;
    expect(completed.sellerReceives).to.equal(formatDoge(40n * DOGE - fee));
    await waitFor(async () => (await balanceOf(seller!)).available === 40n * DOGE - fee, {
      description: 'the seller to be paid',
    });
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 0n, locked: 0n, pending: 0n });
    expect(completed.history.map((entry) => entry.cause)).to.deep.equal([
      'ORDER_PLACED',
      'ESCROW_LOCKED',
      'SELLER_SHIPPED',
      'BUYER_CONFIRMED_RECEIPT',
      'ESCROW_RELEASED',
    ]);
    const again = await buyer!.orders('POST', `/orders/${orderId}/confirm-receipt`, { body: {} });
    expect(again.status).to.equal(200);
    expect((await balanceOf(seller!)).available).to.equal(40n * DOGE - fee);
  });

  it('refunds the buyer when the seller cancels before shipping', async () => {
    const [seller, buyer] = await fundedUsers(['0', '15']);
    const listingId = await newListing(seller!, '15');
    const { body } = await buyer!.orders('POST', '/orders', { body: { listingId } });
    const orderId = (body as unknown as OrderView).id;
    const cancelled = await seller!.orders('POST', `/orders/${orderId}/cancel`, { body: {} });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    await waitForOrderStatus(buyer!, orderId, 'REFUNDED');
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 15n * DOGE, locked: 0n, pending: 0n });
    expect((await orderStatus(seller!, orderId)).deadlines).to.deep.equal([]);
  });

  it('answers a replayed buy with the same order and refuses the key for another listing', async () => {
    const [seller, buyer] = await fundedUsers(['0', '10']);
    const listingId = await newListing(seller!, '4');
    const other = await newListing(seller!, '4');
    const key = `buy-${listingId}`;
    const first = await buyer!.orders('POST', '/orders', { body: { listingId }, idempotencyKey: key });
    const replay = await buyer!.orders('POST', '/orders', { body: { listingId }, idempotencyKey: key });
    expect(replay.status).to.equal(201);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect((replay.body as unknown as OrderView).id).to.equal((first.body as unknown as OrderView).id);
    const reused = await buyer!.orders('POST', '/orders', {
      body: { listingId: other },
      idempotencyKey: key,
    });
    expect(reused.status).to.equal(409);
    expect(reused.body.error?.code).to.equal('ORDER_IDEMPOTENCY_KEY_REUSED');
    expect(await balanceOf(buyer!)).to.deep.equal({ available: 6n * DOGE, locked: 4n * DOGE, pending: 0n });
    const stranger = await user();
    expect(
      (await stranger.orders('GET', `/orders/${(first.body as unknown as OrderView).id}`)).status,
    ).to.equal(404);
  });
  describe('answers match the OpenAPI document the order service serves at /openapi.json', () => {
    let doc: OpenApiDocument;
    before(async () => {
      doc = await orderOpenApi();
    });
    /** A user's call under /v1, checked against the document. */
    const v1 = async (who: User, method: 'GET' | 'POST' | 'PATCH', route: string, body?: unknown) =>
      documented(
        doc,
        method,
        `/v1${route}`,
        await who.orders(method, route, body === undefined ? {} : { body }),
      );

    it('serves an OpenAPI 3.1 document without a token', () => {
      expect(doc.openapi).to.equal('3.1.0');
      expect(doc.paths).to.include.keys('/v1/orders', '/v1/auctions/{id}/bids', '/ops/orders/{id}/resolve');
    });

    it('listings: each route answers its documented success and a coded refusal', async () => {
      const [seller, other] = [await user(), await user()];
      const created = await v1(seller, 'POST', '/listings', { title: 'a lamp', price: '2' });
      expect(created.status).to.equal(201);
      const id = created.body.id as string;
      expect((await v1(seller, 'POST', '/listings', { title: '', price: '2' })).status).to.equal(400);
      expect((await v1(other, 'GET', '/listings?limit=5')).status).to.equal(200);
      expect((await v1(other, 'GET', '/listings?limit=0')).status).to.equal(400);
      expect((await v1(other, 'GET', `/listings/${id}`)).status).to.equal(200);
      expect((await v1(other, 'GET', `/listings/${randomUUID()}`)).status).to.equal(404);
      expect((await v1(seller, 'PATCH', `/listings/${id}`, { price: '3' })).status).to.equal(200);
      expect((await v1(other, 'PATCH', `/listings/${id}`, { price: '1' })).status).to.be.within(400, 499);
      expect((await v1(seller, 'POST', `/listings/${id}/withdraw`, {})).status).to.equal(200);
      expect((await v1(seller, 'POST', `/listings/${id}/withdraw`, {})).status).to.be.within(400, 499);
    });

    it('orders and disputes: each route answers its documented success and a coded refusal', async () => {
      const [seller, buyer] = await fundedUsers(['0', '50']);
      const stranger = await user();
      const ops = await operator();
      const buy = async (): Promise<string> => {
        const listingId = await newListing(seller!, '2');
        const answer = await v1(buyer!, 'POST', '/orders', { listingId });
        expect(answer.status, JSON.stringify(answer.body)).to.be.oneOf([201, 202]);
        const orderId = answer.body.id as string;
        await waitForOrderStatus(buyer!, orderId, 'PAID');
        expect((await v1(stranger, 'POST', '/orders', { listingId })).status).to.be.within(400, 499);
        return orderId;
      };

      const shipped = await buy();
      expect((await v1(buyer!, 'GET', '/orders')).status).to.equal(200);
      expect((await v1(buyer!, 'GET', '/orders?role=owner')).status).to.equal(400);
      expect((await v1(buyer!, 'GET', `/orders/${shipped}`)).status).to.equal(200);
      expect((await v1(stranger, 'GET', `/orders/${shipped}`)).status).to.equal(404);
      expect((await v1(buyer!, 'POST', `/orders/${shipped}/ship`, {})).status).to.be.within(400, 499);
      expect(
        (await v1(seller!, 'POST', `/orders/${shipped}/ship`, { trackingNote: 'parcel 1' })).status,
      ).to.equal(200);
      expect((await v1(buyer!, 'POST', `/orders/${shipped}/confirm-receipt`, {})).status).to.equal(200);
      // Confirming again is not an error (docs/order.md): the same 200, the money released once.
      expect((await v1(buyer!, 'POST', `/orders/${shipped}/confirm-receipt`, {})).status).to.equal(200);

      const cancelled = await buy();
      expect((await v1(seller!, 'POST', `/orders/${cancelled}/cancel`, {})).status).to.equal(200);
      expect((await v1(seller!, 'POST', `/orders/${cancelled}/cancel`, {})).status).to.be.within(400, 499);

      const disputed = await buy();
      expect(
        (await v1(stranger, 'POST', `/orders/${disputed}/dispute`, { reason: 'x' })).status,
      ).to.be.within(400, 499);
      expect(
        (await v1(buyer!, 'POST', `/orders/${disputed}/dispute`, { reason: 'never arrived' })).status,
      ).to.equal(200);
      const operatorCall = async (method: 'GET' | 'POST', route: string, body?: unknown) =>
        documented(doc, method, `/ops${route}`, await ops(method, route, body === undefined ? {} : { body }));
      expect((await operatorCall('GET', '/disputes')).status).to.equal(200);
      expect((await operatorCall('GET', '/disputes?limit=0')).status).to.equal(400);
      const asUser = documented(
        doc,
        'GET',
        '/ops/disputes',
        await call(ORDER_URL, 'GET', '/ops/disputes', { token: buyer!.token }),
      );
      expect(asUser.status).to.equal(403);
      await waitFor(async () => (await orderStatus(buyer!, disputed)).status === 'DISPUTED', {
        timeoutMs: 30_000,
        description: 'the dispute to be recorded',
      });
      const resolve = (outcome: string) => operatorCall('POST', `/orders/${disputed}/resolve`, { outcome });
      // 409 ORDER_DISPUTE_NOT_FROZEN until the wallet has frozen the escrow; each try is checked too.
      await waitFor(async () => (await resolve('RELEASE')).status === 200, {
        timeoutMs: 30_000,
        description: 'the dispute to be resolved',
      });
      expect((await resolve('REFUND')).status).to.be.within(400, 499);
    });
  });
});
