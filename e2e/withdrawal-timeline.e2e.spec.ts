// Proves that the wallet tells a user the truth about a withdrawal at every moment, across the real
// wallet, deposit watcher, signer and withdrawal saga on the regtest simulator: once the saga broadcast
// the transaction, and before anything is mined, GET /v1/withdrawals/:id shows the txid of the
// transaction sitting in the node's mempool, a count of 0 and a timeline from REQUESTED through the
// saga's steps to BROADCAST, while the status is still REQUESTED; each block mined then shows as the
// next confirmation count; at the confirmation depth the withdrawal is FINALIZED with the same txid and
// the timeline ends with CONFIRMED. Nothing else mines on the stack while this runs (the tier is serial).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { importPKCS8, SignJWT } from 'jose';
import { ECPair, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { parseDoge } from '@dbay/money';
import { Chain, sagaAlive, stackEnv, stackScript, waitUntil } from './withdrawal-support.js';

const WALLET_URL = 'http://127.0.0.1:7101';
/** The saga's REQUIRED_CONFIRMATIONS on the stack (its default, the platform's confirmation depth). */
const DEPTH = 6;

interface TimelineEntry {
  step: string;
  at: string;
  txid?: string;
  confirmations?: number;
  reason?: string;
}
interface WalletWithdrawal {
  withdrawalId: string;
  status: string;
  txid: string | null;
  confirmations: number | null;
  timeline: TimelineEntry[];
}

async function userToken(userId: string): Promise<string> {
  const env = stackEnv();
  const key = await importPKCS8(
    readFileSync(path.join(env.STACK_SECRETS_DIR!, 'user-jwt-private.pem'), 'utf8'),
    'ES256',
  );
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(userId)
    .setIssuer('dbay-auth')
    .setAudience('dbay-wallet')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

class User {
  readonly id = randomUUID();
  private token: string | undefined;

  async call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T }> {
    this.token ??= await userToken(this.id);
    const response = await fetch(`${WALLET_URL}/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async withdrawal(withdrawalId: string): Promise<WalletWithdrawal> {
    const answer = await this.call<WalletWithdrawal>('GET', `/withdrawals/${withdrawalId}`);
    if (answer.status !== 200) throw new Error(`withdrawal: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  waitForWithdrawal(
    what: string,
    withdrawalId: string,
    done: (withdrawal: WalletWithdrawal) => boolean,
    timeoutMs = 90_000,
  ): Promise<WalletWithdrawal> {
    return waitUntil(
      `wallet withdrawal ${withdrawalId} ${what}`,
      async () => {
        const withdrawal = await this.withdrawal(withdrawalId);
        return done(withdrawal) ? withdrawal : undefined;
      },
      timeoutMs,
    );
  }
}

/** Credits `amount` DOGE to a new user through the real deposit flow (address, chain, watcher, wallet). */
async function fundedUser(chain: Chain, amount: string): Promise<User> {
  const user = new User();
  const assigned = await user.call<{ address: string }>('POST', '/deposit-address', {});
  expect(assigned.status, JSON.stringify(assigned.body)).to.be.oneOf([200, 201]);
  await chain.fund(assigned.body.address, amount);
  await chain.mine(7);
  await waitUntil(
    `deposit of ${amount} credited`,
    async () => {
      const answer = await user.call<{ available: string }>('GET', '/balance');
      return answer.status === 200 && parseDoge(answer.body.available) >= parseDoge(amount);
    },
    120_000,
  );
  return user;
}

const steps = (withdrawal: WalletWithdrawal) => withdrawal.timeline.map((entry) => entry.step);

describe('withdrawal timeline: the wallet shows what the saga knows (wallet, watcher, signer, saga, simulator)', function () {
  this.timeout(300_000);
  let chain: Chain;

  before(async () => {
    chain = Chain.fromStack();
    if (!(await sagaAlive())) await stackScript(['start-service', 'withdrawal-saga']);
  });

  it('shows the txid and BROADCAST before finalization, counts confirmations up, then the final state', async () => {
    const user = await fundedUser(chain, '50');
    const destination = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
    const requested = await user.call<{ withdrawalId: string }>('POST', '/withdrawals', {
      destinationAddress: destination,
      amount: '12.5',
    });
    expect(requested.status, JSON.stringify(requested.body)).to.equal(201);
    const { withdrawalId } = requested.body;

    // Broadcast, nothing mined yet: the wallet has not finalized, but it already knows the txid.
    const broadcast = await user.waitForWithdrawal('broadcast', withdrawalId, (w) =>
      steps(w).includes('BROADCAST'),
    );
    expect(broadcast.status).to.equal('REQUESTED');
    expect(broadcast.txid).to.match(/^[0-9a-f]{64}$/);
    expect(await chain.inMempool(broadcast.txid!), 'the shown txid is the one in the mempool').to.equal(true);
    expect(broadcast.confirmations).to.equal(0);
    const shown = steps(broadcast);
    expect(shown[0]).to.equal('REQUESTED');
    // Held for its new destination or not (stack policy), it was approved, then signed and sent.
    expect(shown).to.include('APPROVED');
    expect(shown.slice(-3)).to.deep.equal(['SIGNING', 'SIGNED', 'BROADCAST']);
    const broadcastEntry = broadcast.timeline.at(-1)!;
    expect(broadcastEntry.txid).to.equal(broadcast.txid);

    // Each block mined shows as the next count, still before finalization.
    for (let count = 1; count < DEPTH; count++) {
      await chain.mine(1);
      const confirming = await user.waitForWithdrawal(
        `at ${count} confirmations`,
        withdrawalId,
        (w) => w.confirmations === count,
      );
      expect(confirming.status).to.equal('REQUESTED');
      expect(confirming.txid).to.equal(broadcast.txid);
      expect(confirming.timeline.at(-1)).to.include({ step: 'CONFIRMATIONS', confirmations: count });
    }

    // At the depth: confirmed by the saga, finalized by the wallet, the same txid.
    await chain.mine(1);
    const finalized = await user.waitForWithdrawal(
      'finalized',
      withdrawalId,
      (w) => w.status === 'FINALIZED',
    );
    expect(finalized.txid).to.equal(broadcast.txid);
    expect(finalized.confirmations).to.equal(DEPTH);
    expect(finalized.timeline.at(-1)).to.deep.include({
      step: 'CONFIRMED',
      txid: broadcast.txid,
      confirmations: DEPTH,
    });
    const counts = finalized.timeline
      .filter((entry) => entry.step === 'CONFIRMATIONS')
      .map((entry) => entry.confirmations);
    expect(counts).to.deep.equal([1, 2, 3, 4, 5]);

    // The list shows the same txid and count.
    const list = await user.call<{ withdrawals: WalletWithdrawal[] }>('GET', '/withdrawals');
    expect(list.body.withdrawals.find((w) => w.withdrawalId === withdrawalId)).to.include({
      txid: broadcast.txid,
      confirmations: DEPTH,
    });
  });
});
