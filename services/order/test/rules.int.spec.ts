// Proves who may do what on the marketplace, and that bad input changes nothing: a seller cannot buy
// their own item; only the buyer confirms or disputes, only the seller ships, cancels or edits; other
// users' orders are 404 to them; operators (and only operators, by name) resolve disputes, which are
// recorded with their name; every malformed request gets a coded 4xx and leaves the state as it was.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { mintServiceToken } from '@dbay/testing';
import {
  DOGE,
  ORDER_URL,
  balanceOf,
  call,
  fundedUsers,
  newListing,
  operator,
  orderStatus,
  user,
  type OrderView,
  type User,
  waitForOrderStatus,
} from './support/marketplace.js';

async function buy(buyer: User, listingId: string): Promise<string> {
  const answer = await buyer.orders('POST', '/orders', { body: { listingId } });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
  return (answer.body as unknown as OrderView).id;
}

async function frozenDispute(seller: User, buyer: User, price: string): Promise<string> {
  const orderId = await buy(buyer, await newListing(seller, price));
  const answer = await buyer.orders('POST', `/orders/${orderId}/dispute`, {
    body: { reason: 'broken on arrival' },
  });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const view = await orderStatus(buyer, orderId);
    if (view.history.some((entry) => entry.cause === 'ESCROW_FROZEN')) return orderId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the wallet never froze the escrow');
}

describe('marketplace rules (who may do what; bad input)', function () {
  this.timeout(180_000);
  let seller: User;
  let buyer: User;
  let stranger: User;

  before(async () => {
    [seller, buyer] = (await fundedUsers(['0', '200'])) as [User, User];
    stranger = await user();
  });

  it('refuses a seller buying their own item, and changes nothing', async () => {
    const listingId = await newListing(seller, '1');
    const answer = await seller.orders('POST', '/orders', { body: { listingId } });
    expect(answer.status).to.equal(409);
    expect(answer.body.error?.code).to.equal('ORDER_OWN_LISTING');
    expect(
      ((await seller.orders('GET', `/listings/${listingId}`)).body as { status?: string }).status,
    ).to.equal('OPEN');
  });

  it('lets only the seller ship or cancel and only the buyer confirm or dispute; strangers get 404', async () => {
    const orderId = await buy(buyer, await newListing(seller, '2'));
    const cases: Array<[User, string, number, string]> = [
      [buyer, 'ship', 403, 'ORDER_NOT_SELLER'],
      [buyer, 'cancel', 403, 'ORDER_NOT_SELLER'],
      [seller, 'confirm-receipt', 403, 'ORDER_NOT_BUYER'],
      [seller, 'dispute', 403, 'ORDER_NOT_BUYER'],
      [stranger, 'ship', 404, 'ORDER_NOT_FOUND'],
      [stranger, 'dispute', 404, 'ORDER_NOT_FOUND'],
      [buyer, 'confirm-receipt', 409, 'ORDER_WRONG_STATE'],
    ];
    for (const [who, action, status, code] of cases) {
      const body = action === 'dispute' ? { reason: 'why not' } : {};
      const answer = await who.orders('POST', `/orders/${orderId}/${action}`, { body });
      expect([answer.status, answer.body.error?.code], `${action}`).to.deep.equal([status, code]);
    }
    expect((await stranger.orders('GET', `/orders/${orderId}`)).status).to.equal(404);
    const view = await orderStatus(buyer, orderId);
    expect(view.status).to.equal('PAID');
    expect(view.history).to.have.length(2);
  });

  it('keeps listings to their seller: edits by others are 403, edits of a sold one 409', async () => {
    const listingId = await newListing(seller, '3');
    const byOther = await buyer.orders('PATCH', `/listings/${listingId}`, { body: { price: '1' } });
    expect([byOther.status, byOther.body.error?.code]).to.deep.equal([403, 'LISTING_NOT_SELLER']);
    const edited = await seller.orders('PATCH', `/listings/${listingId}`, {
      body: { price: '2.5', title: 'renamed' },
    });
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body).to.include({ price: '2.50000000', title: 'renamed' });
    await buy(buyer, listingId);
    const afterSale = await seller.orders('PATCH', `/listings/${listingId}`, { body: { price: '9' } });
    expect([afterSale.status, afterSale.body.error?.code]).to.deep.equal([409, 'LISTING_WRONG_STATE']);
    const withdrawn = await newListing(seller, '1');
    expect((await seller.orders('POST', `/listings/${withdrawn}/withdraw`, { body: {} })).status).to.equal(
      200,
    );
    expect((await buyer.orders('GET', `/listings/${withdrawn}`)).status).to.equal(404);
    const bought = await buyer.orders('POST', '/orders', { body: { listingId: withdrawn } });
    expect([bought.status, bought.body.error?.code]).to.deep.equal([409, 'LISTING_NOT_AVAILABLE']);
  });

  it('answers malformed requests with coded 4xx and changes nothing', async () => {
    const before = await balanceOf(buyer);
    const listingId = await newListing(seller, '1');
    const bad: Array<[() => ReturnType<User['orders']>, number, string]> = [
      [
        () => seller.orders('POST', '/listings', { body: { title: 'x', price: '-1' } }),
        400,
        'ORDER_AMOUNT_INVALID',
      ],
      [
        () => seller.orders('POST', '/listings', { body: { title: 'x', price: '1.123456789' } }),
        400,
        'ORDER_AMOUNT_INVALID',
      ],
      [
        () => seller.orders('POST', '/listings', { body: { title: 'x', price: 1.5 } }),
        400,
        'ORDER_AMOUNT_INVALID',
      ],
      [() => seller.orders('POST', '/listings', { body: { price: '1' } }), 400, 'ORDER_VALIDATION_FAILED'],
      [
        () =>
          seller.orders('POST', '/listings', { body: { title: 'x', price: '1', sellerId: buyer.userId } }),
        400,
        'ORDER_VALIDATION_FAILED',
      ],
      [
        () => seller.orders('POST', '/listings', { body: { title: 'x', price: '1', shippingDays: 0 } }),
        400,
        'ORDER_VALIDATION_FAILED',
      ],
      [
        () => seller.orders('POST', '/listings', { body: '{"title":', idempotencyKey: randomUUID() }),
        400,
        'REQUEST_MALFORMED_JSON',
      ],
      [
        () => buyer.orders('POST', '/orders', { body: { listingId: 'not-a-uuid' } }),
        400,
        'ORDER_VALIDATION_FAILED',
      ],
      [
        () => buyer.orders('POST', '/orders', { body: { listingId }, idempotencyKey: null }),
        400,
        'ORDER_IDEMPOTENCY_KEY_MISSING',
      ],
      [
        () => buyer.orders('POST', '/orders', { body: { listingId }, idempotencyKey: 'spaces are bad' }),
        400,
        'ORDER_IDEMPOTENCY_KEY_INVALID',
      ],
      [
        () => buyer.orders('POST', '/orders', { body: { listingId: randomUUID() } }),
        404,
        'LISTING_NOT_FOUND',
      ],
      [() => buyer.orders('GET', '/orders?role=owner'), 400, 'ORDER_VALIDATION_FAILED'],
      [() => buyer.orders('GET', '/listings?cursor=bogus'), 400, 'ORDER_VALIDATION_FAILED'],
      [() => buyer.orders('GET', '/orders/12'), 400, 'ORDER_VALIDATION_FAILED'],
      [() => call(ORDER_URL, 'POST', '/v1/orders', { body: { listingId } }), 401, 'ORDER_UNAUTHENTICATED'],
      [
        () => call(ORDER_URL, 'POST', '/v1/orders', { body: { listingId }, token: 'a.b.c' }),
        401,
        'ORDER_TOKEN_INVALID',
      ],
    ];
    for (const [request, status, code] of bad) {
      const answer = await request();
      expect([answer.status, answer.body.error?.code], JSON.stringify(answer.body)).to.deep.equal([
        status,
        code,
      ]);
    }
    expect(await balanceOf(buyer)).to.deep.equal(before);
    expect(
      ((await buyer.orders('GET', `/listings/${listingId}`)).body as { status?: string }).status,
    ).to.equal('OPEN');
  });

  it('lets operators, by name, resolve a dispute; users and services cannot', async () => {
    const orderId = await frozenDispute(seller, buyer, '10');
    const ops = await operator('ops-alice');
    const queue = await ops('GET', '/disputes');
    expect(queue.status).to.equal(200);
    expect((queue.body as unknown as { disputes: OrderView[] }).disputes.map((order) => order.id)).to.include(
      orderId,
    );

    const asUser = await call(ORDER_URL, 'POST', `/ops/orders/${orderId}/resolve`, {
      token: buyer.token,
      body: { outcome: 'REFUND' },
    });
    expect([asUser.status, asUser.body.error?.code]).to.deep.equal([403, 'ORDER_FORBIDDEN']);
    const asService = await call(ORDER_URL, 'POST', `/ops/orders/${orderId}/resolve`, {
      token: await mintServiceToken('wallet', { audience: 'dbay-order-ops' }),
      body: { outcome: 'REFUND' },
    });
    expect(asService.status).to.equal(401);
    const badSplit = await ops('POST', `/orders/${orderId}/resolve`, {
      body: { outcome: 'SPLIT', buyerRefund: '10' },
    });
    expect([badSplit.status, badSplit.body.error?.code]).to.deep.equal([400, 'ORDER_SPLIT_INVALID']);

    const resolved = await ops('POST', `/orders/${orderId}/resolve`, { body: { outcome: 'RELEASE' } });
    expect(resolved.status, JSON.stringify(resolved.body)).to.equal(200);
    const completed = await waitForOrderStatus(buyer, orderId, 'COMPLETED');
    const decision = completed.history.find((entry) => entry.cause === 'OPERATOR_RESOLVED');
    expect(decision?.actor).to.equal('operator:ops-alice');
    expect((completed as unknown as { resolution: { resolvedBy: string } }).resolution.resolvedBy).to.equal(
      'ops-alice',
    );
  });

  it('refunds a dispute an operator decides for the buyer', async () => {
    const [shop, customer] = (await fundedUsers(['0', '7'])) as [User, User];
    const orderId = await frozenDispute(shop, customer, '7');
    const ops = await operator('ops-bob');
    expect(
      (await ops('POST', `/orders/${orderId}/resolve`, { body: { outcome: 'REFUND' } })).status,
    ).to.equal(200);
    await waitForOrderStatus(customer, orderId, 'REFUNDED');
    expect(await balanceOf(customer)).to.deep.equal({ available: 7n * DOGE, locked: 0n, pending: 0n });
    expect(await balanceOf(shop)).to.deep.equal({ available: 0n, locked: 0n, pending: 0n });
  });

  it('splits a dispute: the buyer gets their part back, the seller the rest minus the fee on it', async () => {
    const [shop, customer] = (await fundedUsers(['0', '10'])) as [User, User];
    const orderId = await frozenDispute(shop, customer, '10');
    const ops = await operator('ops-carol');
    const answer = await ops('POST', `/orders/${orderId}/resolve`, {
      body: { outcome: 'SPLIT', buyerRefund: '4' },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const split = await waitForOrderStatus(customer, orderId, 'SPLIT');
    const sellerPart = 6n * DOGE;
    const fee = (sellerPart * 250n) / 10_000n;
    expect((split as unknown as { resolution: Record<string, string> }).resolution).to.include({
      outcome: 'SPLIT',
      resolvedBy: 'ops-carol',
      buyerRefund: '4.00000000',
    });
    expect(await balanceOf(customer)).to.deep.equal({ available: 4n * DOGE, locked: 0n, pending: 0n });
    expect(await balanceOf(shop)).to.deep.equal({ available: sellerPart - fee, locked: 0n, pending: 0n });
  });
});
