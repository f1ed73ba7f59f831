// Proves the internal API of the running wallet (service tokens only) moves money exactly as the
// seed's flows say: pay-order locks the buyer's funds in escrow; release pays the seller minus the fee
// and the fee to the platform; refund returns the funds; a disputed escrow moves only through its
// resolution, which may split it (the buyer's part back, the seller's part less the fee, the fee to the
// platform); bids lock, raise, unlock and convert into escrow; a wrong state is a coded 409, a bad
// amount a coded 400, a split that does not fit the escrow a coded 422, and none of them changes
// anything. Every answer replays under its key.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  DOGE,
  api,
  balanceOf,
  expectReconciled,
  fund,
  moneySnapshot,
  serviceToken,
  testExecutor,
  type ApiResponse,
  type TestExecutor,
  documentedApi,
  movedBy,
  outboxFor,
  userToken,
  walletOpenApi,
} from './support/stack.js';
import type { OpenApiDocument } from '@dbay/testing';

function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response.status, response.text).to.equal(status);
  expect(response.body.error?.code, response.text).to.equal(code);
}

describe('wallet internal API (running service)', function () {
  this.timeout(60_000);
  let funder: TestExecutor;
  let token: string;
  const buyer = randomUUID();
  const seller = randomUUID();

  before(async () => {
    funder = testExecutor({ poolMax: 2 });
    await fund(funder, buyer, 1_000n * DOGE);
    token = await serviceToken('order');
  });
  after(async () => {
    await expectReconciled(funder.knex, [buyer, seller]);
    await funder.close();
  });

  const post = (route: string, body: unknown, idempotencyKey: string = randomUUID()) =>
    api('POST', `/internal/${route}`, { token, idempotencyKey, body });
  const payOrder = (orderId: string, amount = 10n * DOGE, fee = DOGE) =>
    post('pay-order', {
      orderId,
      buyerId: buyer,
      sellerId: seller,
      amountKoinu: amount.toString(),
      feeKoinu: fee.toString(),
    });
  const unchanged = async <T>(action: () => Promise<T>): Promise<T> => {
    const before = await moneySnapshot(funder.knex, [buyer, seller]);
    const result = await action();
    expect(await moneySnapshot(funder.knex, [buyer, seller])).to.deep.equal(before);
    return result;
  };
  const escrowStatus = async (orderId: string) =>
    (
      (await api('GET', `/internal/escrows/${orderId}`, { token })).body.escrow as
        { status: string } | undefined
    )?.status;

  describe('who may call', () => {
    it('only the services in INTERNAL_CALLERS: the signer is refused with 403', async () => {
      const signer = await serviceToken('signer');
      expectError(
        await unchanged(() =>
          api('POST', '/internal/pay-order', {
            token: signer,
            idempotencyKey: randomUUID(),
            body: {
              orderId: randomUUID(),
              buyerId: buyer,
              sellerId: seller,
              amountKoinu: '1',
              feeKoinu: '0',
            },
          }),
        ),
        403,
        'WALLET_FORBIDDEN',
      );
    });

    it('no token: 401; an expired service token: 401 WALLET_TOKEN_EXPIRED', async () => {
      expectError(await api('GET', `/internal/wallets/${buyer}/balance`), 401, 'WALLET_UNAUTHENTICATED');
      const expired = await serviceToken('order', { expiresIn: Math.floor(Date.now() / 1000) - 60 });
      expectError(
        await api('GET', `/internal/wallets/${buyer}/balance`, { token: expired }),
        401,
        'WALLET_TOKEN_EXPIRED',
      );
    });
  });

  describe('buy it now: pay, release, refund', () => {
    it('pay-order moves available to locked and creates a LOCKED escrow; a replay answers the same', async () => {
      const orderId = randomUUID();
      const key = randomUUID();
      const before = (await balanceOf(funder.knex, buyer))!;
      const first = await post(
        'pay-order',
        {
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: String(10n * DOGE),
          feeKoinu: String(DOGE),
        },
        key,
      );
      expect(first.status, first.text).to.equal(201);
      expect(first.body.escrow).to.include({
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: String(10n * DOGE),
        status: 'LOCKED',
      });
      const replay = await post(
        'pay-order',
        {
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: String(10n * DOGE),
          feeKoinu: String(DOGE),
        },
        key,
      );
      expect([replay.status, replay.body]).to.deep.equal([201, first.body]);
      expect(await balanceOf(funder.knex, buyer)).to.include({
        available: before.available - 10n * DOGE,
        locked: before.locked + 10n * DOGE,
        version: before.version + 1,
      });
      const reused = await unchanged(() =>
        post(
          'pay-order',
          {
            orderId,
            buyerId: buyer,
            sellerId: seller,
            amountKoinu: String(11n * DOGE),
            feeKoinu: String(DOGE),
          },
          key,
        ),
      );
      expectError(reused, 409, 'WALLET_IDEMPOTENCY_KEY_REUSED');
      // The same order under a new key is a second payment of an order that already has its escrow.
      expectError(await unchanged(() => payOrder(orderId)), 409, 'WALLET_ESCROW_ALREADY_EXISTS');
    });

    it('release: buyer locked -amount, seller available +amount-fee, fee to MARKETPLACE_FEES', async () => {
      const orderId = randomUUID();
      expect((await payOrder(orderId, 10n * DOGE, 75_000_000n)).status).to.equal(201);
      const released = await post('release-escrow', { orderId });
      expect(released.status, released.text).to.equal(200);
      expect(released.body.escrow).to.include({ status: 'RELEASED' });
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -10n * DOGE,
        [`${seller}:AVAILABLE`]: 10n * DOGE - 75_000_000n,
        MARKETPLACE_FEES: 75_000_000n,
      });
      expect(await escrowStatus(orderId)).to.equal('RELEASED');
      // Released once: releasing or refunding it again is a wrong state.
      expectError(
        await unchanged(() => post('release-escrow', { orderId })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
      expectError(
        await unchanged(() => post('refund-escrow', { orderId })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
    });

    it('refund returns locked to available; releasing a refunded escrow is 409 and changes nothing', async () => {
      const orderId = randomUUID();
      expect((await payOrder(orderId)).status).to.equal(201);
      const refunded = await post('refund-escrow', { orderId });
      expect(refunded.status, refunded.text).to.equal(200);
      expect(refunded.body.escrow).to.include({ status: 'REFUNDED' });
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({});
      expectError(
        await unchanged(() => post('release-escrow', { orderId })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
      expectError(
        await unchanged(() => post('dispute-escrow', { orderId, reason: 'late' })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
      expect(await escrowStatus(orderId)).to.equal('REFUNDED');
    });

    it('an unknown order: 404; a buyer without a wallet: 404; more than available: 422; nothing changes', async () => {
      expectError(
        await unchanged(() => post('release-escrow', { orderId: randomUUID() })),
        404,
        'WALLET_ESCROW_NOT_FOUND',
      );
      expectError(
        await unchanged(() =>
          post('pay-order', {
            orderId: randomUUID(),
            buyerId: randomUUID(),
            sellerId: seller,
            amountKoinu: '100',
            feeKoinu: '0',
          }),
        ),
        404,
        'WALLET_NOT_FOUND',
      );
      const available = (await balanceOf(funder.knex, buyer))!.available;
      expectError(
        await unchanged(() => payOrder(randomUUID(), available + 1n, 0n)),
        422,
        'WALLET_INSUFFICIENT_FUNDS',
      );
    });
  });

  describe('disputes', () => {
    it('a DISPUTED escrow cannot be released or refunded; resolving to RELEASE pays the seller', async () => {
      const orderId = randomUUID();
      expect((await payOrder(orderId, 20n * DOGE, 2n * DOGE)).status).to.equal(201);
      const disputed = await post('dispute-escrow', { orderId, reason: 'item not as described' });
      expect(disputed.status, disputed.text).to.equal(200);
      expect(disputed.body.escrow).to.include({ status: 'DISPUTED' });
      expectError(await unchanged(() => post('release-escrow', { orderId })), 409, 'WALLET_ESCROW_DISPUTED');
      expectError(await unchanged(() => post('refund-escrow', { orderId })), 409, 'WALLET_ESCROW_DISPUTED');
      expectError(
        await unchanged(() => post('dispute-escrow', { orderId, reason: 'again' })),
        409,
        'WALLET_ESCROW_DISPUTED',
      );
      // A split names its amounts; without them it is bad input.
      expectError(
        await unchanged(() => post('resolve-dispute', { orderId, outcome: 'SPLIT' })),
        400,
        'WALLET_AMOUNT_INVALID',
      );
      expectError(
        await unchanged(() => post('resolve-dispute', { orderId, outcome: 'HALF' })),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      const resolved = await post('resolve-dispute', { orderId, outcome: 'RELEASE' });
      expect(resolved.status, resolved.text).to.equal(200);
      expect(resolved.body.escrow).to.include({ status: 'RELEASED' });
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -20n * DOGE,
        [`${seller}:AVAILABLE`]: 18n * DOGE,
        MARKETPLACE_FEES: 2n * DOGE,
      });
      expectError(
        await unchanged(() => post('resolve-dispute', { orderId, outcome: 'REFUND' })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
    });

    it('resolving to REFUND gives the buyer the money back; a LOCKED escrow has no dispute to resolve', async () => {
      const orderId = randomUUID();
      expect((await payOrder(orderId)).status).to.equal(201);
      expectError(
        await unchanged(() => post('resolve-dispute', { orderId, outcome: 'REFUND' })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
      expect((await post('dispute-escrow', { orderId, reason: 'never arrived' })).status).to.equal(200);
      const before = (await balanceOf(funder.knex, buyer))!;
      const resolved = await post('resolve-dispute', { orderId, outcome: 'REFUND' });
      expect(resolved.body.escrow).to.include({ status: 'REFUNDED' });
      expect(await balanceOf(funder.knex, buyer)).to.include({
        available: before.available + 10n * DOGE,
        locked: before.locked - 10n * DOGE,
      });
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({});
    });
  });

  describe('disputes resolved by a split', () => {
    /** A 20 DOGE order (2 DOGE fee at payment) whose escrow is DISPUTED. */
    const disputedOrder = async (): Promise<string> => {
      const orderId = randomUUID();
      expect((await payOrder(orderId, 20n * DOGE, 2n * DOGE)).status).to.equal(201);
      expect((await post('dispute-escrow', { orderId, reason: 'half of it arrived' })).status).to.equal(200);
      return orderId;
    };
    const split = (orderId: string, buyerRefund: bigint, fee: bigint, key?: string) =>
      post(
        'resolve-dispute',
        { orderId, outcome: 'SPLIT', buyerRefundKoinu: buyerRefund.toString(), feeKoinu: fee.toString() },
        key,
      );

    it('pays the buyer x, the seller amount - x - fee and the fee to MARKETPLACE_FEES, once; the escrow ends SPLIT', async () => {
      const orderId = await disputedOrder();
      const before = {
        buyer: (await balanceOf(funder.knex, buyer))!,
        seller: await balanceOf(funder.knex, seller),
      };
      const key = randomUUID();
      const resolved = await split(orderId, 6n * DOGE, DOGE, key);
      expect(resolved.status, resolved.text).to.equal(200);
      expect(resolved.body.escrow).to.deep.include({
        status: 'SPLIT',
        amountKoinu: String(20n * DOGE),
        split: {
          buyerRefundKoinu: String(6n * DOGE),
          sellerCreditKoinu: String(13n * DOGE),
          feeKoinu: String(DOGE),
        },
      });
      // Net over the order's life: the buyer paid 20 and got 6 back, the seller 13, the platform 1.
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -14n * DOGE,
        [`${seller}:AVAILABLE`]: 13n * DOGE,
        MARKETPLACE_FEES: DOGE,
      });
      expect(await balanceOf(funder.knex, buyer)).to.include({
        available: before.buyer.available + 6n * DOGE,
        locked: before.buyer.locked - 20n * DOGE,
        version: before.buyer.version + 1,
      });
      expect((await balanceOf(funder.knex, seller))!.available).to.equal(
        (before.seller?.available ?? 0n) + 13n * DOGE,
      );
      const splitEvents = (await outboxFor(funder.knex, orderId)).filter((e) => e.topic === 'escrow.split');
      expect(splitEvents.map((e) => e.payload)).to.deep.equal([
        {
          orderId,
          escrowId: (resolved.body.escrow as { escrowId: string }).escrowId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: String(20n * DOGE),
          buyerRefundKoinu: String(6n * DOGE),
          sellerCreditKoinu: String(13n * DOGE),
          feeKoinu: String(DOGE),
        },
      ]);
      // balance.changed for both users: the buyer's refund and the seller's sale (the buyer's lock came before).
      const causes = async (userId: string) =>
        (await outboxFor(funder.knex, userId))
          .filter((e) => e.topic === 'balance.changed' && e.payload.referenceId === orderId)
          .map((e) => e.payload.cause);
      expect(await causes(buyer)).to.deep.equal(['ESCROW_LOCK', 'ESCROW_REFUND']);
      expect(await causes(seller)).to.deep.equal(['SALE']);

      // The same key and body replays; another body under it is a 409; a second resolution is a 409.
      const replay = await unchanged(() => split(orderId, 6n * DOGE, DOGE, key));
      expect([replay.status, replay.body, replay.headers.get('idempotent-replayed')]).to.deep.equal([
        200,
        resolved.body,
        'true',
      ]);
      expectError(
        await unchanged(() => split(orderId, 5n * DOGE, DOGE, key)),
        409,
        'WALLET_IDEMPOTENCY_KEY_REUSED',
      );
      expectError(await unchanged(() => split(orderId, 6n * DOGE, DOGE)), 409, 'WALLET_ESCROW_WRONG_STATE');
      expectError(
        await unchanged(() => post('resolve-dispute', { orderId, outcome: 'REFUND' })),
        409,
        'WALLET_ESCROW_WRONG_STATE',
      );
      expect(await escrowStatus(orderId)).to.equal('SPLIT');
    });

    it('refuses a split that does not fit the escrow, or of an escrow not in dispute, and changes nothing', async () => {
      const orderId = await disputedOrder();
      expectError(await unchanged(() => split(orderId, 0n, 0n)), 400, 'WALLET_AMOUNT_INVALID');
      expectError(await unchanged(() => split(orderId, DOGE, -1n)), 400, 'WALLET_AMOUNT_INVALID');
      expectError(
        await unchanged(() =>
          post('resolve-dispute', { orderId, outcome: 'RELEASE', buyerRefundKoinu: '1', feeKoinu: '0' }),
        ),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      expectError(
        await unchanged(() => split(orderId, 20n * DOGE, 0n)),
        422,
        'WALLET_SPLIT_REFUND_OUT_OF_RANGE',
      );
      expectError(
        await unchanged(() => split(orderId, 15n * DOGE, 5n * DOGE + 1n)),
        422,
        'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART',
      );
      const failed = (await outboxFor(funder.knex, orderId)).filter(
        (e) => e.topic === 'escrow.command-failed',
      );
      expect(failed.map((e) => [e.payload.command, e.payload.reasonCode])).to.deep.equal([
        ['RESOLVE_DISPUTE', 'WALLET_SPLIT_REFUND_OUT_OF_RANGE'],
        ['RESOLVE_DISPUTE', 'WALLET_SPLIT_FEE_EXCEEDS_SELLER_PART'],
      ]);
      expect(await escrowStatus(orderId)).to.equal('DISPUTED');
      // The whole seller part as the fee is allowed: the seller gets nothing, the platform all of it.
      const allFee = await split(orderId, 15n * DOGE, 5n * DOGE);
      expect(allFee.status, allFee.text).to.equal(200);
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -5n * DOGE,
        MARKETPLACE_FEES: 5n * DOGE,
      });

      const locked = randomUUID();
      expect((await payOrder(locked)).status).to.equal(201);
      expectError(await unchanged(() => split(locked, DOGE, 0n)), 409, 'WALLET_ESCROW_WRONG_STATE');
      expectError(await unchanged(() => split(randomUUID(), DOGE, 0n)), 404, 'WALLET_ESCROW_NOT_FOUND');
    });
  });

  describe('auction bids', () => {
    it('lock, raise by the difference, refuse a lower bid, unlock; then lock again and convert to escrow', async () => {
      const auctionId = randomUUID();
      const bid = (amount: bigint) =>
        post('bid-lock', { auctionId, userId: buyer, amountKoinu: amount.toString() });
      const start = (await balanceOf(funder.knex, buyer))!;

      const first = await bid(5n * DOGE);
      expect(first.status, first.text).to.equal(200);
      expect(first.body.bidLock).to.include({ amountKoinu: String(5n * DOGE), status: 'ACTIVE' });
      const raised = await bid(8n * DOGE);
      expect(raised.body.bidLock).to.include({ amountKoinu: String(8n * DOGE) });
      expect(await balanceOf(funder.knex, buyer)).to.include({
        available: start.available - 8n * DOGE,
        locked: start.locked + 8n * DOGE,
      });
      expectError(await unchanged(() => bid(7n * DOGE)), 409, 'WALLET_BID_NOT_HIGHER');
      expectError(await unchanged(() => bid(8n * DOGE)), 409, 'WALLET_BID_NOT_HIGHER');
      expectError(await unchanged(() => bid(start.available + 1n)), 422, 'WALLET_INSUFFICIENT_FUNDS');

      const unlocked = await post('bid-unlock', { auctionId, userId: buyer });
      expect(unlocked.body.bidLock).to.include({ status: 'RELEASED' });
      expect(await balanceOf(funder.knex, buyer)).to.include({
        available: start.available,
        locked: start.locked,
      });
      expectError(
        await unchanged(() => post('bid-unlock', { auctionId, userId: buyer })),
        409,
        'WALLET_BID_LOCK_WRONG_STATE',
      );
      expectError(
        await unchanged(() => post('bid-unlock', { auctionId: randomUUID(), userId: buyer })),
        404,
        'WALLET_BID_LOCK_NOT_FOUND',
      );

      // Outbid and back in: the auction closes with this user winning at 6 DOGE (0.5 DOGE fee).
      expect((await bid(10n * DOGE)).status).to.equal(200);
      const orderId = randomUUID();
      const convert = (amount: bigint, order = orderId) =>
        post('bid-convert', {
          auctionId,
          userId: buyer,
          orderId: order,
          sellerId: seller,
          amountKoinu: amount.toString(),
          feeKoinu: String(DOGE / 2n),
        });
      expectError(await unchanged(() => convert(11n * DOGE)), 422, 'WALLET_BID_AMOUNT_EXCEEDS_LOCK');
      const converted = await convert(6n * DOGE);
      expect(converted.status, converted.text).to.equal(200);
      expect(converted.body.bidLock).to.include({ status: 'CONVERTED', orderId });
      expect(converted.body.escrow).to.include({ orderId, amountKoinu: String(6n * DOGE), status: 'LOCKED' });
      // The 4 DOGE locked above the price went back to available.
      expect(await balanceOf(funder.knex, buyer)).to.include({
        available: start.available - 6n * DOGE,
        locked: start.locked + 6n * DOGE,
      });
      expectError(
        await unchanged(() => convert(6n * DOGE, randomUUID())),
        409,
        'WALLET_BID_LOCK_WRONG_STATE',
      );
      expectError(await unchanged(() => bid(20n * DOGE)), 409, 'WALLET_BID_LOCK_WRONG_STATE');

      // From here the buy-it-now release flow follows.
      expect((await post('release-escrow', { orderId })).status).to.equal(200);
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:LOCKED`]: -6n * DOGE,
        [`${seller}:AVAILABLE`]: 6n * DOGE - DOGE / 2n,
        MARKETPLACE_FEES: DOGE / 2n,
      });
    });
  });

  describe('several commands in one request (POST /internal/commands)', () => {
    const batch = (commands: unknown[]) => api('POST', '/internal/commands', { token, body: { commands } });
    const payItem = (orderId: string, idempotencyKey: string, amount: bigint) => ({
      command: 'pay-order',
      idempotencyKey,
      body: {
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: amount.toString(),
        feeKoinu: '0',
      },
    });

    it('answers each command with its own status and body, in order, each under its own key', async () => {
      const before = (await balanceOf(funder.knex, buyer))!;
      const [first, second] = [randomUUID(), randomUUID()];
      const [firstKey, secondKey] = [randomUUID(), randomUUID()];
      const items = [
        payItem(first, firstKey, 3n * DOGE),
        payItem(second, secondKey, before.available * 2n), // more than available
        payItem(first, firstKey, 3n * DOGE), // the first key again, in the same request
      ];
      const response = await batch(items);
      expect(response.status, response.text).to.equal(200);
      const results = response.body.results as {
        status: number;
        replayed: boolean;
        body: { escrow?: Record<string, unknown>; error?: { code: string } };
      }[];
      expect(results.map((r) => [r.status, r.replayed])).to.deep.equal([
        [201, false],
        [422, false],
        [201, true],
      ]);
      expect(results[0]!.body.escrow).to.include({
        orderId: first,
        status: 'LOCKED',
        amountKoinu: (3n * DOGE).toString(),
      });
      expect(results[1]!.body.error?.code).to.equal('WALLET_INSUFFICIENT_FUNDS');
      expect(results[2]!.body).to.deep.equal(results[0]!.body);
      expect((await balanceOf(funder.knex, buyer))!.locked - before.locked).to.equal(3n * DOGE);
      // The whole request again: every answer replays, nothing moves again.
      const again = await unchanged(() => batch(items));
      expect(
        (again.body.results as { status: number; replayed: boolean }[]).map((r) => [r.status, r.replayed]),
      ).to.deep.equal([
        [201, true],
        [422, true],
        [201, true],
      ]);
      // A single route with one of those keys answers the same stored result.
      const single = await post('pay-order', items[0]!.body, firstKey);
      expect([single.status, single.headers.get('idempotent-replayed')]).to.deep.equal([201, 'true']);
      expect(single.body).to.deep.equal(results[0]!.body);
      expect(await escrowStatus(first)).to.equal('LOCKED');
      expect(await escrowStatus(second)).to.equal(undefined);
    });

    it('refuses the whole request, running none of it, on any bad command', async () => {
      const good = payItem(randomUUID(), randomUUID(), DOGE);
      const cases: [unknown, number, string, RegExp][] = [
        [
          [good, { ...payItem(randomUUID(), randomUUID(), DOGE), body: { ...good.body, orderId: 'x' } }],
          400,
          'WALLET_VALIDATION_FAILED',
          /commands\[1\] \(pay-order\)/,
        ],
        [[good, payItem(randomUUID(), randomUUID(), 0n)], 400, 'WALLET_AMOUNT_INVALID', /commands\[1\]/],
        [[good, { ...good, command: 'mint-money' }], 400, 'WALLET_VALIDATION_FAILED', /command/],
        [
          [good, { ...good, idempotencyKey: 'has spaces' }],
          400,
          'WALLET_VALIDATION_FAILED',
          /idempotencyKey/,
        ],
        [
          [good, payItem(randomUUID(), good.idempotencyKey, DOGE)],
          400,
          'WALLET_VALIDATION_FAILED',
          /commands\[1\] reuses the idempotencyKey of commands\[0\]/,
        ],
        [[], 400, 'WALLET_VALIDATION_FAILED', /commands/],
        [Array.from({ length: 201 }, () => good), 400, 'WALLET_VALIDATION_FAILED', /commands/],
      ];
      for (const [commands, status, code, message] of cases) {
        const response = await unchanged(() => batch(commands as unknown[]));
        expectError(response, status, code);
        expect(response.body.error?.message).to.match(message);
      }
      expect(await escrowStatus(good.body.orderId)).to.equal(undefined);
    });
  });

  describe('bad input: a coded 400 and nothing changes', () => {
    const amounts: [string, unknown][] = [
      ['a DOGE decimal instead of koinu', '1.5'],
      ['negative', '-5'],
      ['zero', '0'],
      ['an exponent', '1e8'],
      ['a JSON number', 100000000],
      ['absurdly large', '1'.repeat(30)],
      ['over the 10 billion DOGE limit', '1000000000000000001'],
      ['missing', undefined],
    ];
    for (const [name, amountKoinu] of amounts) {
      it(`amountKoinu ${name}, on pay-order and bid-lock: 400 WALLET_AMOUNT_INVALID`, async () => {
        expectError(
          await unchanged(() =>
            post('pay-order', {
              orderId: randomUUID(),
              buyerId: buyer,
              sellerId: seller,
              amountKoinu,
              feeKoinu: '0',
            }),
          ),
          400,
          'WALLET_AMOUNT_INVALID',
        );
        expectError(
          await unchanged(() => post('bid-lock', { auctionId: randomUUID(), userId: buyer, amountKoinu })),
          400,
          'WALLET_AMOUNT_INVALID',
        );
      });
    }

    it('a negative fee, a fee above the amount, buyer = seller, a non-UUID id, an unknown field: 400', async () => {
      const order = { orderId: randomUUID(), buyerId: buyer, sellerId: seller, amountKoinu: '1000' };
      expectError(
        await unchanged(() => post('pay-order', { ...order, feeKoinu: '-1' })),
        400,
        'WALLET_AMOUNT_INVALID',
      );
      expectError(
        await unchanged(() => post('pay-order', { ...order, feeKoinu: '1001' })),
        400,
        'WALLET_FEE_EXCEEDS_AMOUNT',
      );
      expectError(
        await unchanged(() => post('pay-order', { ...order, sellerId: buyer, feeKoinu: '0' })),
        400,
        'WALLET_SAME_BUYER_AND_SELLER',
      );
      expectError(
        await unchanged(() => post('pay-order', { ...order, orderId: 'order-1', feeKoinu: '0' })),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      expectError(
        await unchanged(() => post('pay-order', { ...order, feeKoinu: '0', currency: 'DOGE' })),
        400,
        'WALLET_VALIDATION_FAILED',
      );
      expectError(
        await api('GET', '/internal/escrows/not-a-uuid', { token }),
        400,
        'WALLET_VALIDATION_FAILED',
      );
    });
  });
  describe('answers match the OpenAPI document the wallet serves at /openapi.json', () => {
    let doc: OpenApiDocument;
    // Their own users, so the money of the specs above is left as they expect it.
    const payer = randomUUID();
    const payee = randomUUID();
    before(async () => {
      doc = await walletOpenApi();
      await fund(funder, payer, 100n * DOGE);
    });
    after(async () => {
      await expectReconciled(funder.knex, [payer, payee]);
    });

    const command = (route: string, body: unknown) =>
      documentedApi(doc, 'POST', `/internal/${route}`, { token, idempotencyKey: randomUUID(), body });
    const escrowFor = (orderId: string, sellerId = payee) => ({
      orderId,
      buyerId: payer,
      sellerId,
      amountKoinu: (2n * DOGE).toString(),
      feeKoinu: '0',
    });

    it('escrow commands: each success body and a coded refusal of each', async () => {
      const [disputed, refunded, released] = [randomUUID(), randomUUID(), randomUUID()];
      expect((await command('pay-order', escrowFor(disputed))).status).to.equal(201);
      expect((await command('pay-order', escrowFor(randomUUID(), payer))).status).to.equal(400);
      expect(
        (await command('dispute-escrow', { orderId: disputed, reason: 'not as described' })).status,
      ).to.equal(200);
      expect((await command('dispute-escrow', { orderId: randomUUID(), reason: 'x' })).status).to.equal(404);
      expect((await command('release-escrow', { orderId: disputed })).status).to.equal(409);
      expect((await command('resolve-dispute', { orderId: disputed, outcome: 'RELEASE' })).status).to.equal(
        200,
      );
      expect((await command('resolve-dispute', { orderId: disputed, outcome: 'REFUND' })).status).to.equal(
        409,
      );
      expect((await command('pay-order', escrowFor(refunded))).status).to.equal(201);
      expect((await command('refund-escrow', { orderId: refunded })).status).to.equal(200);
      expect((await command('refund-escrow', { orderId: refunded })).status).to.equal(409);
      expect((await command('pay-order', escrowFor(released))).status).to.equal(201);
      expect((await command('release-escrow', { orderId: released })).status).to.equal(200);
      const noKey = await documentedApi(doc, 'POST', '/internal/release-escrow', {
        token,
        body: { orderId: released },
      });
      expect(noKey.status).to.equal(400);
    });

    it('bid commands: each success body and a coded refusal of each', async () => {
      const [unlocked, converted] = [randomUUID(), randomUUID()];
      const lock = (auctionId: string, amountKoinu: string) =>
        command('bid-lock', { auctionId, userId: payer, amountKoinu });
      expect((await lock(unlocked, (3n * DOGE).toString())).status).to.equal(200);
      expect((await lock(unlocked, '0')).status).to.equal(400);
      expect((await command('bid-unlock', { auctionId: unlocked, userId: payer })).status).to.equal(200);
      expect((await command('bid-unlock', { auctionId: randomUUID(), userId: payer })).status).to.equal(404);
      expect((await lock(converted, (3n * DOGE).toString())).status).to.equal(200);
      const convert = (auctionId: string) =>
        command('bid-convert', {
          auctionId,
          userId: payer,
          orderId: randomUUID(),
          sellerId: payee,
          amountKoinu: (3n * DOGE).toString(),
          feeKoinu: '0',
        });
      expect((await convert(converted)).status).to.equal(200);
      const unknownLock = await convert(randomUUID());
      expect(unknownLock.status).to.be.within(400, 499);
    });

    it('reads: an escrow and a balance, and their 404s; a user token is refused', async () => {
      const orderId = randomUUID();
      expect((await command('pay-order', escrowFor(orderId))).status).to.equal(201);
      expect((await command('refund-escrow', { orderId })).status).to.equal(200);
      expect((await documentedApi(doc, 'GET', `/internal/escrows/${orderId}`, { token })).status).to.equal(
        200,
      );
      expect(
        (await documentedApi(doc, 'GET', `/internal/escrows/${randomUUID()}`, { token })).status,
      ).to.equal(404);
      const balance = await documentedApi(doc, 'GET', `/internal/wallets/${payer}/balance`, { token });
      expect(balance.status).to.equal(200);
      const none = await documentedApi(doc, 'GET', `/internal/wallets/${randomUUID()}/balance`, { token });
      expect(none.status).to.equal(404);
      const asUser = await documentedApi(doc, 'GET', `/internal/wallets/${payer}/balance`, {
        token: await userToken(payer),
      });
      expect(asUser.status).to.equal(403);
    });
  });
});
