// Proves the withdrawal saga's contract on real parts (Kafka, schema registry, Postgres, the regtest
// simulator and the real signer), driving it through its topics directly: the wallet and the deposit
// watcher are stood in for by producing their events (withdrawal.requested, deposit.confirmed) the way
// they do. Because it stands in for them, the saga and signer are its own (e2e/saga-sandbox.ts: a
// throwaway database and broker), so the stack's books never hold withdrawals no wallet requested. A destination is paid exactly once and exactly the amount, holds are decided by
// hand through the review API, a signer refusal fails the withdrawal with the reason and frees the
// coins (a refused batch is split, so a withdrawal within the signer's limits is still paid), two
// withdrawals share one transaction, crashes at each step outside a database transaction (signing
// requested, answer being stored, stored, broadcast) pay once, a withdrawal the hot wallet cannot
// cover waits visibly instead of failing, a transaction the network dropped is sent again byte for
// byte, one that can never confirm fails and frees the funds, a confirmed one whose input a deep
// reorganisation took away is reported CONFLICTED and never refunded, a reversed deposit confirmed
// again is spendable again only when its output is unspent on chain, and a request whose amount does not
// parse is refused with the same withdrawal.failed as ever but stored without a made-up amount. (The
// kcat replay of every withdrawal.* topic is in withdrawal-wallet.e2e.spec.ts, where balances and
// ledger are visible.)
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { ECPair, outputScriptForAddress, p2pkhAddress, regtest } from '@dbay/dogecoin';
import { formatDoge, parseDoge } from '@dbay/money';
import {
  Bus,
  Chain,
  DOGE,
  fundHotWallet,
  sagaAlive,
  sagaApi,
  sagaWithdrawal,
  waitForSagaStatus,
  waitUntil,
} from './withdrawal-support.js';
import { TOPICS } from '@dbay/contracts';
import { SagaSandbox } from './saga-sandbox.js';

const WITHDRAWAL_TOPICS = [
  TOPICS.withdrawalRequested,
  TOPICS.withdrawalApproved,
  TOPICS.withdrawalHeld,
  TOPICS.withdrawalSigningRequested,
  TOPICS.withdrawalSigned,
  TOPICS.withdrawalSigningRefused,
  TOPICS.withdrawalBroadcast,
  TOPICS.withdrawalConfirmed,
  TOPICS.withdrawalFailed,
  TOPICS.withdrawalReorged,
];

function newDestination(): { address: string; scriptHex: string } {
  const address = p2pkhAddress(ECPair.makeRandom({ network: regtest }).publicKey, regtest);
  return { address, scriptHex: Buffer.from(outputScriptForAddress(address, regtest)).toString('hex') };
}

describe('withdrawal saga contract (Kafka, simulator, signer)', function () {
  this.timeout(180_000);
  let sandbox: SagaSandbox;
  let bus: Bus;
  let chain: Chain;
  let db: Knex;

  /** The sandboxed saga's review API (every answer checked against its OpenAPI document). */
  const reviewApi = <T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown, token?: string) =>
    sagaApi<T>(method, route, body, token, sandbox.url);

  async function request(amountDoge: string, destination = newDestination().address, userId = randomUUID()) {
    const withdrawalId = randomUUID();
    await bus.produce(
      TOPICS.withdrawalRequested,
      withdrawalId,
      {
        withdrawalId,
        userId,
        destinationAddress: destination,
        amountKoinu: parseDoge(amountDoge).toString(),
        networkFeeKoinu: '1000000',
        requestedAt: new Date().toISOString(),
      },
      withdrawalId,
    );
    return { withdrawalId, userId };
  }

  /** Mines until the saga reports the withdrawal confirmed; returns the withdrawal.confirmed event payload. */
  async function mineToConfirmation(withdrawalId: string) {
    await chain.mine(6);
    const confirmed = await bus.waitForEvent(TOPICS.withdrawalConfirmed, withdrawalId, 60_000);
    return confirmed.event.payload;
  }

  before(async () => {
    chain = Chain.fromStack();
    sandbox = await SagaSandbox.start();
    bus = sandbox.bus();
    db = sandbox.db();
    await bus.collect(WITHDRAWAL_TOPICS);
    for (const amount of ['5000', '5000', '5000', '200000']) await fundHotWallet(chain, bus, amount);
    await waitUntil('hot wallet coins', async () => {
      const row = await db('withdrawal_saga.coins')
        .where({ status: 'AVAILABLE' })
        .count<{ count: string }[]>({ count: '*' });
      return Number(row[0]!.count) >= 4;
    });
  });

  after(async () => {
    await bus?.close();
    await db?.destroy();
    await sandbox?.stop();
  });

  it('pays a new destination exactly the amount after its cool-down, once, and confirms at 6', async () => {
    const heightBefore = await chain.height();
    const destination = newDestination();
    const { withdrawalId } = await request('12.34567891', destination.address);
    const held = await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId);
    expect(held.event.payload).to.include({ holdKind: 'COOL_DOWN' });
    const approved = await bus.waitForEvent(TOPICS.withdrawalApproved, withdrawalId);
    expect(approved.event.payload).to.include({ approvedBy: 'COOL_DOWN_ELAPSED' });
    const broadcast = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId)).event.payload;
    const payments = await chain.paymentsTo(destination.scriptHex, heightBefore);
    expect(payments).to.deep.equal([
      { txid: broadcast.txid, vout: payments[0]!.vout, valueKoinu: 1_234_567_891n },
    ]);
    const confirmed = await mineToConfirmation(withdrawalId);
    expect(confirmed).to.include({ txid: broadcast.txid, withdrawalId });
    expect(confirmed.confirmations).to.be.at.least(6);
    const batch = await db('withdrawal_saga.batches')
      .where({ txid: broadcast.txid })
      .first<{ fee_koinu: string; signed_size_bytes: number }>();
    expect(confirmed.minerFeeShareKoinu).to.equal(batch.fee_koinu);
    // The fee is the recommended 0.01 DOGE/kB of the real size, with at most 2 bytes per input of margin.
    expect(BigInt(batch.fee_koinu) >= BigInt(batch.signed_size_bytes) * 1000n).to.equal(true);
    expect((await chain.paymentsTo(destination.scriptHex, heightBefore)).length).to.equal(1);
  });

  it('holds a large withdrawal for review; approved by hand it is paid', async () => {
    const unauthenticated = await fetch(`${sandbox.url}/internal/withdrawals`);
    expect(unauthenticated.status).to.equal(401);
    // Coded refusals, checked against the review API's OpenAPI document like every sagaApi answer.
    expect((await reviewApi('GET', '/internal/withdrawals/no-such-withdrawal')).status).to.equal(404);
    expect((await reviewApi('GET', '/internal/withdrawals?status=NOT_A_STATUS')).status).to.equal(400);
    expect(
      (await reviewApi('POST', '/internal/withdrawals/no-such-withdrawal/approve', { note: 5 })).status,
    ).to.equal(400);
    const heightBefore = await chain.height();
    const destination = newDestination();
    const { withdrawalId } = await request('1500', destination.address);
    const held = (await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId)).event.payload;
    expect(held.holdKind).to.equal('REVIEW');
    expect((held.reasons as { code: string }[]).map((r) => r.code)).to.include('FRAUD_SINGLE_AMOUNT_HOLD');
    const list = await reviewApi<{ withdrawals: { withdrawalId: string; status: string }[] }>(
      'GET',
      '/internal/withdrawals?status=HELD',
    );
    expect(list.status).to.equal(200);
    expect(list.body.withdrawals.map((w) => w.withdrawalId)).to.include(withdrawalId);
    const approved = await reviewApi<{ withdrawal: { status: string; reviewedBy: string } }>(
      'POST',
      `/internal/withdrawals/${withdrawalId}/approve`,
      { note: 'checked' },
    );
    expect(approved.status).to.equal(200);
    expect(approved.body.withdrawal).to.include({ status: 'APPROVED', reviewedBy: 'e2e-reviewer' });
    const again = await reviewApi<{ error: { code: string } }>(
      'POST',
      `/internal/withdrawals/${withdrawalId}/approve`,
      {},
    );
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('WITHDRAWAL_NOT_UNDER_REVIEW');
    const broadcast = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId)).event.payload;
    const payments = await chain.paymentsTo(destination.scriptHex, heightBefore);
    expect(payments.map((p) => p.valueKoinu)).to.deep.equal([1500n * DOGE]);
    expect((await mineToConfirmation(withdrawalId)).txid).to.equal(broadcast.txid);
  });

  it('fails a held withdrawal rejected by hand, without reserving or paying anything', async () => {
    const heightBefore = await chain.height();
    const destination = newDestination();
    const { withdrawalId } = await request('2000', destination.address);
    await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId);
    const rejected = await reviewApi<{ withdrawal: { status: string } }>(
      'POST',
      `/internal/withdrawals/${withdrawalId}/reject`,
      { note: 'unknown destination' },
    );
    expect(rejected.status).to.equal(200);
    const failed = (await bus.waitForEvent(TOPICS.withdrawalFailed, withdrawalId)).event.payload;
    expect(failed).to.include({ reasonCode: 'WITHDRAWAL_REJECTED_IN_REVIEW' });
    expect(String(failed.reason)).to.contain('unknown destination');
    expect((await sagaWithdrawal(db, withdrawalId))!.batch_id).to.equal(null);
    expect(await chain.paymentsTo(destination.scriptHex, heightBefore)).to.deep.equal([]);
  });

  it('returns the funds with the signer reason when the signer refuses, and frees the reserved coins', async () => {
    const { withdrawalId } = await request('150000');
    await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId);
    expect((await reviewApi('POST', `/internal/withdrawals/${withdrawalId}/approve`, {})).status).to.equal(
      200,
    );
    const failed = (await bus.waitForEvent(TOPICS.withdrawalFailed, withdrawalId, 90_000)).event.payload;
    expect(failed.reasonCode).to.equal('WITHDRAWAL_SIGNER_REFUSED');
    expect(String(failed.reason)).to.match(/^SIGNER_[A-Z_]+: /);
    const refusedBatch = await db('withdrawal_saga.batches')
      .where({ status: 'REFUSED' })
      .orderBy('created_at', 'desc')
      .first<{ batch_id: string }>();
    const stillReserved = await db('withdrawal_saga.coins').where({ batch_id: refusedBatch.batch_id });
    expect(stillReserved).to.deep.equal([]);
  });

  it('splits a batch the signer refuses: the withdrawal within its limits is paid alone, the one over them fails', async () => {
    await fundHotWallet(chain, bus, '160000');
    const heightBefore = await chain.height();
    const destination = newDestination();
    const within = await request('1001', destination.address);
    const over = await request('150000');
    await bus.waitForEvent(TOPICS.withdrawalHeld, within.withdrawalId);
    await bus.waitForEvent(TOPICS.withdrawalHeld, over.withdrawalId);
    // Approved together, they fall into one batching window and so into one signing request.
    const approvals = await Promise.all(
      [within, over].map(({ withdrawalId }) =>
        reviewApi('POST', `/internal/withdrawals/${withdrawalId}/approve`, {}),
      ),
    );
    expect(approvals.map((answer) => answer.status)).to.deep.equal([200, 200]);
    const failed = (await bus.waitForEvent(TOPICS.withdrawalFailed, over.withdrawalId, 90_000)).event.payload;
    expect(failed.reasonCode).to.equal('WITHDRAWAL_SIGNER_REFUSED');
    const broadcast = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, within.withdrawalId, 90_000)).event
      .payload;
    expect(broadcast.withdrawalsInTransaction).to.equal(1);
    const batchesOf = async (withdrawalId: string) =>
      (
        await db('withdrawal_saga.withdrawal_steps')
          .where({ withdrawal_id: withdrawalId, to_status: 'AWAITING_SIGNATURE' })
          .orderBy('step_id')
          .select<{ detail: { batchId: string } }[]>('detail')
      ).map((step) => step.detail.batchId);
    const [sharedBatchId, ownBatchId] = await batchesOf(within.withdrawalId);
    expect(await batchesOf(over.withdrawalId), 'both in the refused batch, then each alone').to.have.length(
      2,
    );
    expect((await batchesOf(over.withdrawalId))[0]).to.equal(sharedBatchId);
    const shared = await db('withdrawal_saga.batches')
      .where({ batch_id: sharedBatchId })
      .first<{ status: string; refusal_code: string }>();
    expect(shared.status).to.equal('REFUSED');
    expect(ownBatchId).to.equal(broadcast.batchId);
    expect(bus.events(TOPICS.withdrawalFailed, within.withdrawalId)).to.deep.equal([]);
    const payments = await chain.paymentsTo(destination.scriptHex, heightBefore);
    expect(payments.map((p) => [p.txid, p.valueKoinu])).to.deep.equal([[broadcast.txid, 1001n * DOGE]]);
  });

  it('refuses requests it can never pay with a coded withdrawal.failed and reserves nothing', async () => {
    const invalid = await request('10', 'DBus3bamQjgJULBJtYXpEzDWQRwF5iwxgC');
    const dust = await request('0.001');
    expect(
      (await bus.waitForEvent(TOPICS.withdrawalFailed, invalid.withdrawalId)).event.payload.reasonCode,
    ).to.equal('WITHDRAWAL_ADDRESS_INVALID');
    expect(
      (await bus.waitForEvent(TOPICS.withdrawalFailed, dust.withdrawalId)).event.payload.reasonCode,
    ).to.equal('WITHDRAWAL_AMOUNT_BELOW_DUST');
    expect((await sagaWithdrawal(db, dust.withdrawalId))!.batch_id).to.equal(null);
  });

  it('refuses an amount that does not parse without recording a made-up amount', async () => {
    const withdrawalId = randomUUID();
    const userId = randomUUID();
    await bus.produce(
      'withdrawal.requested',
      withdrawalId,
      {
        withdrawalId,
        userId,
        destinationAddress: newDestination().address,
        amountKoinu: '12.5',
        networkFeeKoinu: '1000000',
        requestedAt: new Date().toISOString(),
      },
      withdrawalId,
    );
    const failed = (await bus.waitForEvent('withdrawal.failed', withdrawalId)).event.payload;
    expect(failed).to.include({
      withdrawalId,
      userId,
      reasonCode: 'WITHDRAWAL_AMOUNT_INVALID',
      reason: 'amount "12.5" is not an integer koinu string',
    });
    expect(await sagaWithdrawal(db, withdrawalId)).to.include({
      status: 'FAILED',
      amount_koinu: null,
      network_fee_koinu: null,
      amount_text: '12.5',
      network_fee_text: '1000000',
    });
    const shown = await reviewApi<{
      withdrawal: { amountKoinu: string | null; failureCode: string };
      steps: { step: string; to_status: string }[];
    }>('GET', `/internal/withdrawals/${withdrawalId}`);
    expect(shown.body.withdrawal).to.include({ amountKoinu: null, failureCode: 'WITHDRAWAL_AMOUNT_INVALID' });
    expect(shown.body.steps.map((step) => [step.step, step.to_status])).to.deep.equal([
      ['REQUEST_REFUSED', 'FAILED'],
    ]);
  });

  it('pays two withdrawals approved together in one transaction, and both confirm', async () => {
    const first = newDestination();
    const second = newDestination();
    const a = await request('3', first.address);
    const b = await request('4', second.address);
    const broadcastA = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, a.withdrawalId)).event.payload;
    const broadcastB = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, b.withdrawalId)).event.payload;
    expect(broadcastA.txid).to.equal(broadcastB.txid);
    expect(broadcastA.withdrawalsInTransaction).to.equal(2);
    const confirmedA = await mineToConfirmation(a.withdrawalId);
    const confirmedB = (await bus.waitForEvent(TOPICS.withdrawalConfirmed, b.withdrawalId)).event.payload;
    expect(confirmedB.txid).to.equal(confirmedA.txid);
    const batch = await db('withdrawal_saga.batches')
      .where({ txid: broadcastA.txid })
      .first<{ fee_koinu: string }>();
    expect(
      BigInt(String(confirmedA.minerFeeShareKoinu)) + BigInt(String(confirmedB.minerFeeShareKoinu)),
    ).to.equal(BigInt(batch.fee_koinu));
  });

  // Every point of a withdrawal's path where the saga does something outside its own database
  // transaction: after committing the batch and its signing request, while storing the signer's answer
  // (rolled back, the answer redelivered), after storing the signed transaction, and after the node
  // accepted it. The crash is aimed at this test's destination, so no other batch on the shared stack
  // can set it off.
  const crashes = [
    { point: 'after-signing-requested', statusAtDeath: 'AWAITING_SIGNATURE', stored: false },
    { point: 'after-signed-before-store', statusAtDeath: 'AWAITING_SIGNATURE', stored: false },
    { point: 'after-store-before-broadcast', statusAtDeath: 'SIGNED', stored: true },
    { point: 'after-broadcast-before-record', statusAtDeath: 'SIGNED', stored: true },
  ] as const;
  for (const { point, statusAtDeath, stored } of crashes) {
    it(`pays exactly once when the saga is killed ${point}`, async () => {
      const heightBefore = await chain.height();
      const destination = newDestination();
      await sandbox.startSaga({ SAGA_CRASH_AT: point, SAGA_CRASH_FOR_ADDRESS: destination.address });
      const { withdrawalId } = await request('7.5', destination.address);
      await waitUntil(
        'the saga to die at its crash point',
        async () => !(await sagaAlive(sandbox.url)),
        90_000,
      );
      const row = await sagaWithdrawal(db, withdrawalId);
      expect(row!.status).to.equal(statusAtDeath);
      const batchAtDeath = await db('withdrawal_saga.batches')
        .where({ batch_id: row!.batch_id })
        .first<{ status: string; raw_tx_hex: string | null }>();
      // The signed transaction is stored before any broadcast, or not at all.
      expect(batchAtDeath.raw_tx_hex !== null, 'raw transaction stored at death').to.equal(stored);
      await sandbox.startSaga();
      const broadcast = (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId)).event.payload;
      expect(broadcast.batchId, 'the batch built before the crash is the one paid').to.equal(row!.batch_id);
      const confirmed = await mineToConfirmation(withdrawalId);
      expect(confirmed.txid).to.equal(broadcast.txid);
      const payments = await chain.paymentsTo(destination.scriptHex, heightBefore);
      expect(payments.map((p) => [p.txid, p.valueKoinu])).to.deep.equal([[broadcast.txid, 750_000_000n]]);
      expect(bus.events(TOPICS.withdrawalConfirmed, withdrawalId)).to.have.length(1);
      expect(bus.events(TOPICS.withdrawalBroadcast, withdrawalId)).to.have.length(1);
      expect(bus.events(TOPICS.withdrawalFailed, withdrawalId)).to.deep.equal([]);
      const steps = await db('withdrawal_saga.withdrawal_steps')
        .where({ withdrawal_id: withdrawalId })
        .select<{ to_status: string }[]>('to_status');
      expect(steps.filter((step) => step.to_status === 'AWAITING_SIGNATURE')).to.have.length(1);
      expect(steps.filter((step) => step.to_status === 'SIGNED')).to.have.length(1);
    });
  }

  it('keeps a withdrawal the hot wallet cannot cover WAITING_FOR_FUNDS, visible, and takes it up when coins arrive', async () => {
    const hotWallet = async () =>
      (await reviewApi<{ coins: { status: string; totalKoinu: string }[] }>('GET', '/internal/hot-wallet'))
        .body.coins;
    // Everything the hot wallet holds or will hold without new deposits: spendable coins, coins reserved
    // by a batch in flight, and change still to confirm.
    const holds = (await hotWallet())
      .filter((coin) => ['AVAILABLE', 'RESERVED', 'UNCONFIRMED_CHANGE'].includes(coin.status))
      .reduce((sum, coin) => sum + BigInt(coin.totalKoinu), 0n);
    const amountKoinu = holds + 100_000n * DOGE;
    const { withdrawalId } = await request(formatDoge(amountKoinu));
    // So large an amount is held for review first; approved, it must wait for coins, not fail.
    await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId);
    expect((await reviewApi('POST', `/internal/withdrawals/${withdrawalId}/approve`, {})).status).to.equal(
      200,
    );
    await waitForSagaStatus(db, withdrawalId, 'WAITING_FOR_FUNDS');
    const listed = await reviewApi<{ withdrawals: { withdrawalId: string; status: string }[] }>(
      'GET',
      '/internal/withdrawals?status=WAITING_FOR_FUNDS',
    );
    expect(listed.body.withdrawals.map((w) => w.withdrawalId)).to.include(withdrawalId);
    const shown = await reviewApi<{ withdrawal: { status: string } }>(
      'GET',
      `/internal/withdrawals/${withdrawalId}`,
    );
    expect(shown.body.withdrawal.status).to.equal('WAITING_FOR_FUNDS');
    // It blocks nobody: a smaller withdrawal requested behind it is paid meanwhile.
    const small = await request('2.5');
    await bus.waitForEvent(TOPICS.withdrawalBroadcast, small.withdrawalId);
    expect((await sagaWithdrawal(db, withdrawalId))!.status).to.equal('WAITING_FOR_FUNDS');
    expect(bus.events(TOPICS.withdrawalFailed, withdrawalId)).to.deep.equal([]);

    // Coins arrive: the saga takes it up by itself and sends it to the signer. On this stack the signer
    // refuses any single withdrawal over 100,000 DOGE (SIGNER_MAX_WITHDRAWAL_KOINU), and the shared hot
    // wallet holds far more than that, so the proof ends at the signer's answer, not on chain. One coin
    // covers it alone: a batch spending every coin of the shared stack would carry more previous
    // transactions than one signing request may (BATCH_MAX_PREVIOUS_TX_BYTES), and keep waiting.
    await fundHotWallet(chain, bus, formatDoge(amountKoinu + 1_000n * DOGE));
    const failed = (await bus.waitForEvent(TOPICS.withdrawalFailed, withdrawalId, 90_000)).event.payload;
    expect(failed.reasonCode).to.equal('WITHDRAWAL_SIGNER_REFUSED');
    const steps = await db('withdrawal_saga.withdrawal_steps')
      .where({ withdrawal_id: withdrawalId })
      .orderBy('step_id')
      .select<{ from_status: string | null; to_status: string }[]>('from_status', 'to_status');
    expect(steps.map((step) => step.to_status)).to.include.ordered.members([
      'HELD',
      'APPROVED',
      'WAITING_FOR_FUNDS',
      'AWAITING_SIGNATURE',
      'FAILED',
    ]);
    expect(steps.find((step) => step.to_status === 'AWAITING_SIGNATURE')!.from_status).to.equal(
      'WAITING_FOR_FUNDS',
    );
  });

  it('fails a withdrawal that waited for coins longer than WITHDRAWAL_FUNDS_TIMEOUT_MS, and reserves nothing for it', async () => {
    // This saga is the spec's own, so it can run with a 4 s wait instead of the hour the stack's has.
    await sandbox.startSaga({ WITHDRAWAL_FUNDS_TIMEOUT_MS: '4000' });
    try {
      const coins = (
        await reviewApi<{ coins: { status: string; totalKoinu: string }[] }>('GET', '/internal/hot-wallet')
      ).body.coins;
      const holds = coins
        .filter((coin) => ['AVAILABLE', 'RESERVED', 'UNCONFIRMED_CHANGE'].includes(coin.status))
        .reduce((sum, coin) => sum + BigInt(coin.totalKoinu), 0n);
      const { withdrawalId } = await request(formatDoge(holds + 100_000n * DOGE));
      await bus.waitForEvent(TOPICS.withdrawalHeld, withdrawalId);
      expect((await reviewApi('POST', `/internal/withdrawals/${withdrawalId}/approve`, {})).status).to.equal(
        200,
      );
      const failed = (await bus.waitForEvent(TOPICS.withdrawalFailed, withdrawalId, 60_000)).event.payload;
      expect(failed.reasonCode).to.equal('WITHDRAWAL_FUNDS_WAIT_EXPIRED');
      const row = await sagaWithdrawal(db, withdrawalId);
      expect(row).to.include({ status: 'FAILED', batch_id: null });
      const steps = await db('withdrawal_saga.withdrawal_steps')
        .where({ withdrawal_id: withdrawalId })
        .orderBy('step_id')
        .select<{ to_status: string }[]>('to_status');
      const statuses = steps.map((step) => step.to_status);
      expect(statuses).to.include.ordered.members(['HELD', 'APPROVED', 'WAITING_FOR_FUNDS', 'FAILED']);
      expect(statuses).to.not.include('AWAITING_SIGNATURE');
      expect(statuses.at(-1)).to.equal('FAILED');
      expect(bus.events(TOPICS.withdrawalFailed, withdrawalId)).to.have.length(1);
    } finally {
      await sandbox.startSaga();
    }
  });

  /** A random amount under the review threshold that no spendable coin covers within `margin` above it. */
  async function amountNoCoinFits(margin: bigint): Promise<bigint> {
    const coins = (
      await db('withdrawal_saga.coins')
        .whereIn('status', ['AVAILABLE', 'UNCONFIRMED_CHANGE'])
        .select<{ amount_koinu: string }[]>('amount_koinu')
    ).map((coin) => BigInt(coin.amount_koinu));
    for (;;) {
      const amount = 100n * DOGE + BigInt(Math.floor(Math.random() * 800e8));
      if (!coins.some((coin) => coin >= amount && coin <= amount + margin)) return amount;
    }
  }

  /** Runs `stage` up to three times: another test on the shared chain may mine a block at the wrong moment. */
  async function staged<T>(what: string, stage: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const staged = await stage();
      if (staged !== undefined) return staged;
    }
    throw new Error(`could not stage ${what}: other activity on the shared chain got in the way every time`);
  }

  it('sends the same stored bytes again when the network drops the broadcast transaction, and pays once', async () => {
    const heightBefore = await chain.height();
    const { withdrawalId, destination, txid, rawHex } = await staged('a dropped transaction', async () => {
      const destination = newDestination();
      const { withdrawalId } = await request('7.77', destination.address);
      const txid = String(
        (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId)).event.payload.txid,
      );
      const rawHex = await chain.rawTransaction(txid);
      try {
        expect((await chain.dropFromMempool(txid)).dropped).to.include(txid);
      } catch (error) {
        if (!(await chain.inMempool(txid))) return undefined; // mined by someone else first
        throw error;
      }
      return { withdrawalId, destination, txid, rawHex };
    });
    // The tracker finds the transaction unknown and sends the stored raw transaction again.
    await waitUntil(
      'the dropped transaction back in the mempool',
      async () => (await chain.inMempool(txid)) || undefined,
      30_000,
    );
    expect(await chain.rawTransaction(txid)).to.equal(rawHex);
    const batch = await db('withdrawal_saga.batches')
      .where({ txid })
      .first<{ raw_tx_hex: string; status: string }>();
    expect(batch.raw_tx_hex).to.equal(rawHex);
    const steps = await db('withdrawal_saga.withdrawal_steps')
      .where({ withdrawal_id: withdrawalId })
      .select<{ to_status: string }[]>('to_status');
    // Signed once, never re-signed with other inputs.
    expect(steps.filter((step) => step.to_status === 'AWAITING_SIGNATURE')).to.have.length(1);
    expect(steps.filter((step) => step.to_status === 'SIGNED')).to.have.length(1);
    const confirmed = await mineToConfirmation(withdrawalId);
    expect(confirmed.txid).to.equal(txid);
    const payments = await chain.paymentsTo(destination.scriptHex, heightBefore);
    expect(payments.map((p) => [p.txid, p.valueKoinu])).to.deep.equal([[txid, 777_000_000n]]);
    expect(bus.events(TOPICS.withdrawalFailed, withdrawalId)).to.deep.equal([]);
  });

  it('fails a dropped transaction that can never confirm (its input is gone) and pays nothing', async () => {
    const heightBefore = await chain.height();
    const { withdrawalId, destination, txid } = await staged('an unconfirmable transaction', async () => {
      // A hot-wallet coin whose funding transaction is still in the mempool when the withdrawal spends it
      // (the stand-in for the watcher announces it early), so dropping the funding transaction leaves the
      // withdrawal's input gone for good: the transaction can never confirm.
      // The hot wallet prefers the smallest single coin that pays everything, so the amount is chosen
      // where no coin already there (other tests' change, leftovers of earlier runs) could pay it.
      const amountKoinu = await amountNoCoinFits(DOGE);
      const fundingKoinu = amountKoinu + DOGE / 2n;
      const funded = await fundHotWallet(chain, bus, formatDoge(fundingKoinu), undefined, {
        announceUnconfirmed: true,
      });
      await waitUntil(
        'the coin in the hot wallet',
        async () =>
          (await db('withdrawal_saga.coins')
            .where({ txid: funded.txid, vout: funded.vout })
            .first()) as unknown,
      );
      const destination = newDestination();
      const { withdrawalId } = await request(formatDoge(amountKoinu), destination.address);
      const txid = String(
        (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId)).event.payload.txid,
      );
      const batch = await db('withdrawal_saga.batches')
        .where({ txid })
        .first<{ inputs: { txid: string; vout: number }[] }>();
      // A coin that arrived meanwhile paid it instead: nothing to drop, stage again.
      if (!batch.inputs.some((input) => input.txid === funded.txid)) return undefined;
      try {
        expect((await chain.dropFromMempool(funded.txid)).dropped).to.include.members([funded.txid, txid]);
      } catch (error) {
        if (!(await chain.inMempool(funded.txid))) return undefined; // mined by someone else first
        throw error;
      }
      return { withdrawalId, destination, txid };
    });
    const failed = (await bus.waitForEvent(TOPICS.withdrawalFailed, withdrawalId, 60_000)).event.payload;
    expect(failed.reasonCode).to.equal('WITHDRAWAL_DROPPED_BY_NETWORK');
    expect(String(failed.reason)).to.contain(txid);
    expect((await db('withdrawal_saga.batches').where({ txid }).first<{ status: string }>()).status).to.equal(
      'DROPPED',
    );
    expect((await sagaWithdrawal(db, withdrawalId))!.status).to.equal('FAILED');
    await chain.mine(1);
    expect(await chain.paymentsTo(destination.scriptHex, heightBefore)).to.deep.equal([]);
    expect(bus.events(TOPICS.withdrawalConfirmed, withdrawalId)).to.deep.equal([]);
  });

  it('a confirmed withdrawal whose input a 7-block reorg took away: CONFLICTED, never refunded, back in the chain once its parent is', async () => {
    const staging = await staged('a confirmed transaction over a vanishing coin', async () => {
      // As above, the coin's funding transaction is still in the mempool when the withdrawal spends it,
      // so both are mined in the same block, and a reorganisation that drops the funding transaction
      // takes the withdrawal's only input with it, after withdrawal.confirmed.
      const amountKoinu = await amountNoCoinFits(DOGE);
      const funded = await fundHotWallet(chain, bus, formatDoge(amountKoinu + DOGE / 2n), undefined, {
        announceUnconfirmed: true,
      });
      const fundingHex = await chain.rawTransaction(funded.txid);
      await waitUntil(
        'the coin in the hot wallet',
        async () =>
          (await db('withdrawal_saga.coins')
            .where({ txid: funded.txid, vout: funded.vout })
            .first()) as unknown,
      );
      const destination = newDestination();
      const { withdrawalId } = await request(formatDoge(amountKoinu), destination.address);
      const txid = String(
        (await bus.waitForEvent(TOPICS.withdrawalBroadcast, withdrawalId)).event.payload.txid,
      );
      const batch = await db('withdrawal_saga.batches')
        .where({ txid })
        .first<{ inputs: { txid: string; vout: number }[] }>();
      if (!batch.inputs.some((input) => input.txid === funded.txid)) return undefined;
      if (!(await chain.inMempool(funded.txid))) return undefined; // mined by someone else first
      return { withdrawalId, destination, txid, funded, fundingHex, amountKoinu };
    });
    const { withdrawalId, destination, txid, funded, fundingHex, amountKoinu } = staging;
    const heightBefore = (await chain.height()) - 1;
    await chain.mine(7);
    const confirmed = (await bus.waitForEvent(TOPICS.withdrawalConfirmed, withdrawalId, 60_000)).event
      .payload;

    const reorg = await chain.reorg({ depth: 7, blocks: 8, drop: [funded.txid] });
    expect(reorg.disconnected).to.include(confirmed.blockHash);
    expect(reorg.dropped).to.include.members([funded.txid, txid]);
    const conflicted = await bus.waitForEventWith(TOPICS.withdrawalReorged, txid, 'stage', 'CONFLICTED');
    expect(conflicted.event.payload).to.deep.include({
      txid,
      withdrawalIds: [withdrawalId],
      paidKoinu: amountKoinu.toString(),
      confirmedBlockHash: confirmed.blockHash,
      blockHash: null,
      confirmations: 0,
      inputsSpentElsewhere: [`${funded.txid}:${funded.vout}`],
    });
    // Final for the user: no refund, no second payment, nothing re-signed; a person decides.
    expect((await sagaWithdrawal(db, withdrawalId))!.status).to.equal('CONFIRMED');
    expect(bus.events(TOPICS.withdrawalFailed, withdrawalId)).to.deep.equal([]);
    expect(
      await db('withdrawal_saga.batches').where({ txid }).first<{ status: string; chain_exit: string }>(),
    ).to.include({ status: 'CONFIRMED', chain_exit: 'CONFLICTED' });
    expect(await chain.paymentsTo(destination.scriptHex, heightBefore)).to.deep.equal([]);

    // The runbook's first remedy: the missing parent is sent again, and the saga's next look gets the
    // same signed withdrawal accepted (LEFT_CHAIN), then confirmed again (BACK_IN_CHAIN).
    await chain.rpc('sendrawtransaction', [fundingHex]);
    await bus.waitForEventWith(TOPICS.withdrawalReorged, txid, 'stage', 'LEFT_CHAIN');
    await chain.mine(6);
    await bus.waitForEventWith(TOPICS.withdrawalReorged, txid, 'stage', 'BACK_IN_CHAIN');
    expect(
      (await chain.paymentsTo(destination.scriptHex, heightBefore)).map((p) => [p.txid, p.valueKoinu]),
    ).to.deep.equal([[txid, amountKoinu]]);
    expect(bus.events(TOPICS.withdrawalConfirmed, withdrawalId)).to.have.length(1);
    expect(
      bus.events(TOPICS.withdrawalReorged, txid).map((entry) => entry.event.payload.stage),
    ).to.deep.equal(['CONFLICTED', 'LEFT_CHAIN', 'BACK_IN_CHAIN']);

    // The watch ends at REORG_WATCH_CONFIRMATIONS (20 on the local stack): nothing is looked at after that.
    await chain.mine(20);
    await waitUntil(
      'the end of the watch',
      async () =>
        (
          await db('withdrawal_saga.batches')
            .where({ txid })
            .first<{ watch_ended_at: Date | null; chain_exits: number }>()
        ).watch_ended_at,
      30_000,
    );
  });

  it('takes a reversed deposit back when it is confirmed again and unspent on chain; not one whose output is gone', async () => {
    const coinStatus = async (coin: { txid: string; vout: number }) =>
      (
        await db('withdrawal_saga.coins')
          .where({ txid: coin.txid, vout: coin.vout })
          .first<{ status: string } | undefined>()
      )?.status;
    const reverse = (funded: Awaited<ReturnType<typeof fundHotWallet>>) =>
      bus.produce(TOPICS.depositReversed, funded.confirmed.userId, {
        userId: funded.confirmed.userId,
        address: funded.address,
        txid: funded.txid,
        vout: funded.vout,
        amountKoinu: funded.amountKoinu.toString(),
        wasConfirmed: true,
        reason: 'DEPOSIT_LEFT_CHAIN',
      });
    const userId = `hot-wallet-${randomUUID()}`;
    // A deposit a deep reorganisation took away and the new branch brought back.
    const back = await fundHotWallet(chain, bus, '3.21', userId);
    await waitUntil('the coin AVAILABLE', async () => (await coinStatus(back)) === 'AVAILABLE');
    await reverse(back);
    await waitUntil('the coin REVERSED', async () => (await coinStatus(back)) === 'REVERSED');
    await bus.produce(TOPICS.depositConfirmed, userId, back.confirmed);
    await waitUntil('the coin AVAILABLE again', async () => (await coinStatus(back)) === 'AVAILABLE', 30_000);

    // A deposit whose funding transaction is really gone: its confirmation replayed changes nothing.
    const gone = await fundHotWallet(chain, bus, '3.22', userId, { announceUnconfirmed: true });
    await waitUntil('the second coin AVAILABLE', async () => (await coinStatus(gone)) === 'AVAILABLE');
    expect((await chain.dropFromMempool(gone.txid)).dropped).to.include(gone.txid);
    await reverse(gone);
    await waitUntil('the second coin REVERSED', async () => (await coinStatus(gone)) === 'REVERSED');
    await bus.produce(TOPICS.depositConfirmed, userId, gone.confirmed);
    // Same key, same partition: once a later deposit of the user is in, the replay was handled before it.
    const later = await fundHotWallet(chain, bus, '3.23', userId);
    await waitUntil('the later coin', async () => (await coinStatus(later)) === 'AVAILABLE', 30_000);
    expect(await coinStatus(gone)).to.equal('REVERSED');
  });
});
