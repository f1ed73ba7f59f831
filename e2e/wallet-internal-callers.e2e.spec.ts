/**
 * Least privilege on the stack's wallet /internal (issue 16.4): each money command names the services that
 * may send it over HTTP (INTERNAL_COMMAND_CALLERS), and by default only the order service's real HTTP calls
 * are allowed (bid-lock, bid-unlock). Its escrow commands travel over Kafka, where the topic ACLs name it,
 * so a stolen order-service token cannot pay, release or refund an escrow over HTTP, and nothing changes.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { mintServiceToken } from '@dbay/testing';
import { WALLET_URL, call, fundedUsers, type User } from '../services/order/test/support/marketplace.js';

describe("the stack wallet's internal API: callers per command (e2e)", function () {
  this.timeout(120_000);
  let buyer: User;
  let seller: User;

  before(async () => {
    [buyer, seller] = (await fundedUsers(['20', '0'])) as [User, User];
  });

  for (const [route, body] of [
    [
      'pay-order',
      () => ({
        orderId: randomUUID(),
        buyerId: buyer.userId,
        sellerId: seller.userId,
        amountKoinu: '100000000',
        feeKoinu: '0',
      }),
    ],
    ['release-escrow', () => ({ orderId: randomUUID() })],
    ['refund-escrow', () => ({ orderId: randomUUID() })],
    [
      'bid-convert',
      () => ({
        auctionId: randomUUID(),
        userId: buyer.userId,
        orderId: randomUUID(),
        sellerId: seller.userId,
        amountKoinu: '1',
        feeKoinu: '0',
      }),
    ],
  ] as const) {
    it(`refuses ${route} from the order service over HTTP with 403 WALLET_FORBIDDEN, and moves nothing`, async () => {
      const token = await mintServiceToken('order');
      const before = await call(WALLET_URL, 'GET', `/internal/wallets/${buyer.userId}/balance`, { token });
      const answer = await call(WALLET_URL, 'POST', `/internal/${route}`, { token, body: body() });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(403);
      expect((answer.body as { error?: { code?: string } }).error?.code).to.equal('WALLET_FORBIDDEN');
      const after = await call(WALLET_URL, 'GET', `/internal/wallets/${buyer.userId}/balance`, { token });
      expect(after.status).to.equal(200);
      expect(after.body).to.deep.equal(before.body);
    });
  }

  it('lets the order service lock and unlock a bid over HTTP, as it does in production', async () => {
    const token = await mintServiceToken('order');
    const auctionId = randomUUID();
    const locked = await call(WALLET_URL, 'POST', '/internal/bid-lock', {
      token,
      body: { auctionId, userId: buyer.userId, amountKoinu: '100000000' },
    });
    expect(locked.status, JSON.stringify(locked.body)).to.be.oneOf([200, 201]);
    const unlocked = await call(WALLET_URL, 'POST', '/internal/bid-unlock', {
      token,
      body: { auctionId, userId: buyer.userId },
    });
    expect(unlocked.status, JSON.stringify(unlocked.body)).to.equal(200);
  });

  it('holds every command of a batch to the same rule: one forbidden command refuses the whole request', async () => {
    const token = await mintServiceToken('order');
    const balance = () => call(WALLET_URL, 'GET', `/internal/wallets/${buyer.userId}/balance`, { token });
    const before = await balance();
    const lock = (auctionId: string) => ({
      command: 'bid-lock',
      idempotencyKey: randomUUID(),
      body: { auctionId, userId: buyer.userId, amountKoinu: '100000000' },
    });
    const refused = await call(WALLET_URL, 'POST', '/internal/commands', {
      token,
      body: {
        commands: [
          lock(randomUUID()),
          {
            command: 'pay-order',
            idempotencyKey: randomUUID(),
            body: {
              orderId: randomUUID(),
              buyerId: buyer.userId,
              sellerId: seller.userId,
              amountKoinu: '100000000',
              feeKoinu: '0',
            },
          },
        ],
      },
    });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(403);
    expect((refused.body as { error?: { code?: string; message?: string } }).error).to.include({
      code: 'WALLET_FORBIDDEN',
    });
    expect((await balance()).body, 'the allowed bid lock did not run either').to.deep.equal(before.body);

    // Allowed commands only: each answered on its own, in order.
    const [first, second] = [randomUUID(), randomUUID()];
    const allowed = await call(WALLET_URL, 'POST', '/internal/commands', {
      token,
      body: { commands: [lock(first), lock(second)] },
    });
    expect(allowed.status, JSON.stringify(allowed.body)).to.equal(200);
    const results = (
      allowed.body as { results: { status: number; body: { bidLock?: { auctionId: string } } }[] }
    ).results;
    expect(results.map((result) => [result.status, result.body.bidLock?.auctionId])).to.deep.equal([
      [200, first],
      [200, second],
    ]);
    for (const auctionId of [first, second]) {
      const unlocked = await call(WALLET_URL, 'POST', '/internal/bid-unlock', {
        token,
        body: { auctionId, userId: buyer.userId },
      });
      expect(unlocked.status, JSON.stringify(unlocked.body)).to.equal(200);
    }
    const amounts = ({ body }: { body: unknown }) => {
      const { availableKoinu, lockedKoinu, pendingKoinu } = body as Record<string, string>;
      return { availableKoinu, lockedKoinu, pendingKoinu };
    };
    expect(amounts(await balance())).to.deep.equal(amounts(before));
  });
});
