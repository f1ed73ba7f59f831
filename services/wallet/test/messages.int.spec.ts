// Proves the running wallet's Kafka entry points on the real broker and registry: each command or
// event is applied once however often it arrives (the same message redelivered, or re-emitted under a
// new event id with the same idempotency key or the same chain facts); a refusal on a command topic is
// answered with a failure event; a malformed message or a reused key goes to the topic's DLQ and
// changes nothing; a dispute resolved by a split over Kafka moves the same money as over HTTP and is
// answered with escrow.split; and the withdrawal and deposit events post exactly the ledger entries the design
// names, with their own events queued in the outbox.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { waitFor } from '@dbay/testing';
import {
  DOGE,
  NETWORK_FEE_KOINU,
  api,
  balanceOf,
  depositAddressOf,
  expectReconciled,
  fund,
  moneySnapshot,
  outboxFor,
  randomTxid,
  testExecutor,
  userToken,
  type TestExecutor,
  movedBy,
  WALLET_METRICS_URL,
} from './support/stack.js';
import { WalletBus } from './support/kafka.js';
import { TOPICS } from '@dbay/contracts';

const REGTEST_ADDRESS = 'mnHioPj6vMDGiSUKsXWdX9GEPHoeapF8oi';

/** The running wallet's consumer runs on a topic so far: transactions and the messages they held. */
async function consumerBatches(topic: string): Promise<{ count: number; messages: number }> {
  const text = await (await fetch(WALLET_METRICS_URL)).text();
  const read = (series: string): number => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`dbay_consumer_batch_messages_${series}{`) && l.includes(`topic="${topic}"`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return { count: read('count'), messages: read('sum') };
}

describe('wallet Kafka handlers (running service, real broker)', function () {
  this.timeout(300_000);
  let funder: TestExecutor;
  let bus: WalletBus;
  const buyer = randomUUID();
  const seller = randomUUID();

  before(async () => {
    funder = testExecutor({ poolMax: 2 });
    bus = new WalletBus();
    await bus.connect();
    await fund(funder, buyer, 100n * DOGE);
  });
  after(async () => {
    await expectReconciled(funder.knex, [buyer, seller]);
    await bus.close();
    await funder.close();
  });

  const snapshot = () => moneySnapshot(funder.knex, [buyer, seller]);

  describe('command topics from the order service', () => {
    it('escrow.lock-requested: applied once across redelivery and re-emission; a reused key is dead-lettered', async () => {
      const orderId = randomUUID();
      const idempotencyKey = `order:${orderId}:pay`;
      const payload = {
        idempotencyKey,
        orderId,
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: String(10n * DOGE),
        feeKoinu: String(DOGE),
      };
      const first = bus.event(TOPICS.escrowLockRequested, 'order', payload);
      await bus.sendAndWait(TOPICS.escrowLockRequested, orderId, first);
      expect(await balanceOf(funder.knex, buyer)).to.include({ available: 90n * DOGE, locked: 10n * DOGE });
      expect((await outboxFor(funder.knex, orderId)).map((e) => e.topic)).to.deep.equal([
        TOPICS.escrowLocked,
      ]);
      const after = await snapshot();

      // The same message again (a redelivery or a kcat replay), then the order service re-emitting the
      // command under a new event id after a crash: both change nothing.
      await bus.sendAndWait(TOPICS.escrowLockRequested, orderId, first);
      await bus.sendAndWait(
        TOPICS.escrowLockRequested,
        orderId,
        bus.event(TOPICS.escrowLockRequested, 'order', payload),
      );
      expect(await snapshot()).to.deep.equal(after);
      expect((await outboxFor(funder.knex, orderId)).map((e) => e.topic)).to.deep.equal([
        TOPICS.escrowLocked,
      ]);

      const marks = await bus.dlqMarks(TOPICS.escrowLockRequested);
      const reused = bus.event(TOPICS.escrowLockRequested, 'order', {
        ...payload,
        amountKoinu: String(20n * DOGE),
      });
      await bus.sendAndWait(TOPICS.escrowLockRequested, orderId, reused);
      expect(await snapshot()).to.deep.equal(after);
      const letters = await bus.deadLetters(TOPICS.escrowLockRequested, orderId, marks);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.match(/idempotency key/);
    });

    it('escrow.lock-requested the buyer cannot afford: answered with escrow.lock-failed, nothing moves', async () => {
      const orderId = randomUUID();
      const before = await snapshot();
      const marks = await bus.dlqMarks(TOPICS.escrowLockRequested);
      await bus.sendAndWait(
        TOPICS.escrowLockRequested,
        orderId,
        bus.event(TOPICS.escrowLockRequested, 'order', {
          idempotencyKey: randomUUID(),
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: String(1_000n * DOGE),
          feeKoinu: '0',
        }),
      );
      expect(await snapshot()).to.deep.equal(before);
      const outbox = await outboxFor(funder.knex, orderId);
      expect(outbox.map((e) => e.topic)).to.deep.equal([TOPICS.escrowLockFailed]);
      expect(outbox[0]!.payload).to.include({ reasonCode: 'WALLET_INSUFFICIENT_FUNDS', buyerId: buyer });
      expect(await bus.deadLetters(TOPICS.escrowLockRequested, orderId, marks)).to.deep.equal([]);
    });

    it('a malformed amount on a command topic goes to the DLQ with its reason and changes nothing', async () => {
      const orderId = randomUUID();
      const before = await snapshot();
      const marks = await bus.dlqMarks(TOPICS.escrowLockRequested);
      await bus.sendAndWait(
        TOPICS.escrowLockRequested,
        orderId,
        bus.event(TOPICS.escrowLockRequested, 'order', {
          idempotencyKey: randomUUID(),
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: '1.5',
          feeKoinu: '0',
        }),
      );
      expect(await snapshot()).to.deep.equal(before);
      expect(await outboxFor(funder.knex, orderId)).to.deep.equal([]);
      const letters = await bus.deadLetters(TOPICS.escrowLockRequested, orderId, marks);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.match(/amountKoinu/);
    });

    it('a burst of pay-orders is group-committed: exactly as many as the buyer can afford are locked', async () => {
      const burstBuyer = randomUUID();
      await fund(funder, burstBuyer, 25n * DOGE);
      const batchesBefore = await consumerBatches(TOPICS.escrowLockRequested);
      const orderIds = Array.from({ length: 40 }, () => randomUUID());
      const sent = await bus.sendBurst(
        TOPICS.escrowLockRequested,
        orderIds.map((orderId) => ({
          key: orderId,
          event: bus.event(TOPICS.escrowLockRequested, 'order', {
            idempotencyKey: `order:${orderId}:pay`,
            orderId,
            buyerId: burstBuyer,
            sellerId: seller,
            amountKoinu: String(DOGE),
            feeKoinu: '0',
          }),
        })),
      );
      for (const last of sent) await bus.consumed(last);

      expect(await balanceOf(funder.knex, burstBuyer)).to.include({ available: 0n, locked: 25n * DOGE });
      const answers = await Promise.all(orderIds.map((orderId) => outboxFor(funder.knex, orderId)));
      const topics = answers.map((events) => events.map((event) => event.topic).join(','));
      expect(topics.filter((t) => t === TOPICS.escrowLocked)).to.have.length(25);
      expect(topics.filter((t) => t === TOPICS.escrowLockFailed)).to.have.length(15);
      await expectReconciled(funder.knex, [burstBuyer]);
      // The burst went through in runs, not one message per transaction: some run held several. The
      // consumer observes a run's size just after committing its offset, so the last run may show late.
      const batchesAfter = await waitFor(
        async () => {
          const now = await consumerBatches(TOPICS.escrowLockRequested);
          return now.messages - batchesBefore.messages >= 40 ? now : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 50, description: 'the burst in the consumer batch metric' },
      );
      const runs = batchesAfter.count - batchesBefore.count;
      expect(batchesAfter.messages - batchesBefore.messages).to.equal(40);
      expect(runs).to.be.lessThan(40);
    });

    it('a malformed message inside a burst goes to the DLQ alone; its neighbours are applied', async () => {
      const burstBuyer = randomUUID();
      await fund(funder, burstBuyer, 10n * DOGE);
      const key = `burst-${randomUUID()}`; // one key: one partition, one run with the bad message in it
      const orderIds = [randomUUID(), randomUUID(), randomUUID()];
      const marks = await bus.dlqMarks(TOPICS.escrowLockRequested);
      const sent = await bus.sendBurst(
        TOPICS.escrowLockRequested,
        orderIds.map((orderId, index) => ({
          key,
          event: bus.event(TOPICS.escrowLockRequested, 'order', {
            idempotencyKey: `order:${orderId}:pay`,
            orderId,
            buyerId: burstBuyer,
            sellerId: seller,
            amountKoinu: index === 1 ? '2.5' : String(2n * DOGE),
            feeKoinu: '0',
          }),
        })),
      );
      for (const last of sent) await bus.consumed(last);
      expect(await balanceOf(funder.knex, burstBuyer)).to.include({
        available: 6n * DOGE,
        locked: 4n * DOGE,
      });
      expect((await outboxFor(funder.knex, orderIds[0]!)).map((e) => e.topic)).to.deep.equal([
        TOPICS.escrowLocked,
      ]);
      expect(await outboxFor(funder.knex, orderIds[1]!)).to.deep.equal([]);
      expect((await outboxFor(funder.knex, orderIds[2]!)).map((e) => e.topic)).to.deep.equal([
        TOPICS.escrowLocked,
      ]);
      const letters = await bus.deadLetters(TOPICS.escrowLockRequested, key, marks);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.match(/amountKoinu/);
      await expectReconciled(funder.knex, [burstBuyer]);
    });

    it('escrow.release-requested and bid.lock-requested: redelivered, applied once', async () => {
      const orderId = randomUUID();
      await bus.sendAndWait(
        TOPICS.escrowLockRequested,
        orderId,
        bus.event(TOPICS.escrowLockRequested, 'order', {
          idempotencyKey: randomUUID(),
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: String(4n * DOGE),
          feeKoinu: String(DOGE / 4n),
        }),
      );
      const release = bus.event(TOPICS.escrowReleaseRequested, 'order', {
        idempotencyKey: randomUUID(),
        orderId,
      });
      await bus.sendAndWait(TOPICS.escrowReleaseRequested, orderId, release);
      await bus.sendAndWait(TOPICS.escrowReleaseRequested, orderId, release);
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -4n * DOGE,
        [`${seller}:AVAILABLE`]: 4n * DOGE - DOGE / 4n,
        MARKETPLACE_FEES: DOGE / 4n,
      });
      expect((await outboxFor(funder.knex, orderId)).map((e) => e.topic)).to.deep.equal([
        TOPICS.escrowLocked,
        TOPICS.escrowReleased,
      ]);

      const auctionId = randomUUID();
      const bid = bus.event(TOPICS.bidLockRequested, 'order', {
        idempotencyKey: randomUUID(),
        auctionId,
        userId: buyer,
        amountKoinu: String(3n * DOGE),
      });
      await bus.sendAndWait(TOPICS.bidLockRequested, auctionId, bid);
      const after = await snapshot();
      await bus.sendAndWait(TOPICS.bidLockRequested, auctionId, bid);
      expect(await snapshot()).to.deep.equal(after);
      expect(await movedBy(funder.knex, auctionId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -3n * DOGE,
        [`${buyer}:LOCKED`]: 3n * DOGE,
      });
      expect((await outboxFor(funder.knex, auctionId)).map((e) => e.topic)).to.deep.equal([TOPICS.bidLocked]);
    });
  });

  describe('dispute resolution from the order service', () => {
    /** Pays and disputes a 10 DOGE order over Kafka, as the order service would. */
    const disputedOrder = async (): Promise<string> => {
      const orderId = randomUUID();
      await bus.sendAndWait(
        'escrow.lock-requested',
        orderId,
        bus.event('escrow.lock-requested', 'order', {
          idempotencyKey: `order:${orderId}:pay`,
          orderId,
          buyerId: buyer,
          sellerId: seller,
          amountKoinu: String(10n * DOGE),
          feeKoinu: String(DOGE),
        }),
      );
      await bus.sendAndWait(
        'escrow.dispute-requested',
        orderId,
        bus.event('escrow.dispute-requested', 'order', {
          idempotencyKey: `order:${orderId}:dispute`,
          orderId,
          reason: 'half of it arrived',
        }),
      );
      return orderId;
    };

    it('escrow.dispute-resolution-requested SPLIT: applied once, answered with escrow.split; a reused key is dead-lettered', async () => {
      const orderId = await disputedOrder();
      const payload = {
        idempotencyKey: `order:${orderId}:resolve`,
        orderId,
        outcome: 'SPLIT',
        buyerRefundKoinu: String(4n * DOGE),
        feeKoinu: String(DOGE / 2n),
      };
      const resolution = bus.event('escrow.dispute-resolution-requested', 'order', payload);
      await bus.sendAndWait('escrow.dispute-resolution-requested', orderId, resolution);
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -6n * DOGE,
        [`${seller}:AVAILABLE`]: 6n * DOGE - DOGE / 2n,
        MARKETPLACE_FEES: DOGE / 2n,
      });
      const outbox = await outboxFor(funder.knex, orderId);
      expect(outbox.map((e) => e.topic)).to.deep.equal(['escrow.locked', 'escrow.disputed', 'escrow.split']);
      expect(outbox[2]!.payload).to.include({
        buyerId: buyer,
        sellerId: seller,
        amountKoinu: String(10n * DOGE),
        buyerRefundKoinu: String(4n * DOGE),
        sellerCreditKoinu: String(6n * DOGE - DOGE / 2n),
        feeKoinu: String(DOGE / 2n),
      });
      const after = await snapshot();

      // Redelivered, then re-emitted under a new event id with the same key: nothing changes.
      await bus.sendAndWait('escrow.dispute-resolution-requested', orderId, resolution);
      await bus.sendAndWait(
        'escrow.dispute-resolution-requested',
        orderId,
        bus.event('escrow.dispute-resolution-requested', 'order', payload),
      );
      expect(await snapshot()).to.deep.equal(after);
      const marks = await bus.dlqMarks('escrow.dispute-resolution-requested');
      await bus.sendAndWait(
        'escrow.dispute-resolution-requested',
        orderId,
        bus.event('escrow.dispute-resolution-requested', 'order', {
          ...payload,
          buyerRefundKoinu: String(5n * DOGE),
        }),
      );
      expect(await snapshot()).to.deep.equal(after);
      const letters = await bus.deadLetters('escrow.dispute-resolution-requested', orderId, marks);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.match(/idempotency key/);
      expect((await outboxFor(funder.knex, orderId)).map((e) => e.topic)).to.deep.equal([
        'escrow.locked',
        'escrow.disputed',
        'escrow.split',
      ]);
    });

    it('a split that does not fit the escrow is answered with escrow.command-failed; RELEASE without the split fields still works', async () => {
      const orderId = await disputedOrder();
      const before = await snapshot();
      const marks = await bus.dlqMarks('escrow.dispute-resolution-requested');
      await bus.sendAndWait(
        'escrow.dispute-resolution-requested',
        orderId,
        bus.event('escrow.dispute-resolution-requested', 'order', {
          idempotencyKey: randomUUID(),
          orderId,
          outcome: 'SPLIT',
          buyerRefundKoinu: String(10n * DOGE),
          feeKoinu: '0',
        }),
      );
      expect(await snapshot()).to.deep.equal(before);
      const failed = (await outboxFor(funder.knex, orderId)).filter(
        (e) => e.topic === 'escrow.command-failed',
      );
      expect(failed.map((e) => [e.payload.command, e.payload.reasonCode])).to.deep.equal([
        ['RESOLVE_DISPUTE', 'WALLET_SPLIT_REFUND_OUT_OF_RANGE'],
      ]);
      expect(await bus.deadLetters('escrow.dispute-resolution-requested', orderId, marks)).to.deep.equal([]);

      // A RELEASE as it was sent before splits existed: no split fields, which Avro's defaults make null.
      await bus.sendAndWait(
        'escrow.dispute-resolution-requested',
        orderId,
        bus.event('escrow.dispute-resolution-requested', 'order', {
          idempotencyKey: randomUUID(),
          orderId,
          outcome: 'RELEASE',
        }),
      );
      expect(await movedBy(funder.knex, orderId)).to.deep.equal({
        [`${buyer}:AVAILABLE`]: -10n * DOGE,
        [`${seller}:AVAILABLE`]: 9n * DOGE,
        MARKETPLACE_FEES: DOGE,
      });
      expect((await outboxFor(funder.knex, orderId)).map((e) => e.topic)).to.deep.equal([
        'escrow.locked',
        'escrow.disputed',
        'escrow.command-failed',
        'escrow.released',
      ]);
    });
  });

  // These withdrawals are 1000 DOGE or more, which the stack's real withdrawal saga holds for review
  // (FRAUD_SINGLE_AMOUNT_HOLD_KOINU): it never pays or fails them itself, so the withdrawal.confirmed
  // and withdrawal.failed this spec sends in its name are the only outcomes they get.
  describe('withdrawal events from the withdrawal saga', () => {
    const user = randomUUID();
    let token: string;

    before(async () => {
      await fund(funder, user, 5_000n * DOGE);
      token = await userToken(user);
    });
    after(async () => {
      await expectReconciled(funder.knex, [user]);
    });

    const requestWithdrawal = async (amount: string): Promise<string> => {
      const response = await api('POST', '/v1/withdrawals', {
        token,
        idempotencyKey: randomUUID(),
        body: { destinationAddress: REGTEST_ADDRESS, amount },
      });
      expect(response.status, response.text).to.equal(201);
      return response.body.withdrawalId as string;
    };

    it('request holds amount + fee in pending and queues withdrawal.requested', async () => {
      const withdrawalId = await requestWithdrawal('1500');
      expect(await movedBy(funder.knex, withdrawalId)).to.deep.equal({
        [`${user}:AVAILABLE`]: -(1_500n * DOGE + NETWORK_FEE_KOINU),
        [`${user}:PENDING`]: 1_500n * DOGE + NETWORK_FEE_KOINU,
      });
      const [requested] = await outboxFor(funder.knex, withdrawalId);
      expect(requested?.topic).to.equal(TOPICS.withdrawalRequested);
      expect(requested?.payload).to.include({
        withdrawalId,
        userId: user,
        destinationAddress: REGTEST_ADDRESS,
        amountKoinu: String(1_500n * DOGE),
        networkFeeKoinu: String(NETWORK_FEE_KOINU),
      });
    });

    it('withdrawal.confirmed finalizes once: pending leaves, the fee goes to NETWORK_FEES, the miner fee to the chain', async () => {
      const withdrawalId = await requestWithdrawal('1500');
      const minerFee = 22_600_000n;
      const txid = randomTxid();
      const confirmed = bus.event(TOPICS.withdrawalConfirmed, 'withdrawal-saga', {
        withdrawalId,
        userId: user,
        txid,
        blockHash: randomTxid(),
        blockHeight: 1234,
        confirmations: 6,
        minerFeeShareKoinu: minerFee.toString(),
      });
      await bus.sendAndWait(TOPICS.withdrawalConfirmed, withdrawalId, confirmed);
      expect(await movedBy(funder.knex, withdrawalId)).to.deep.equal({
        [`${user}:AVAILABLE`]: -(1_500n * DOGE + NETWORK_FEE_KOINU),
        CHAIN_CLEARING: 1_500n * DOGE + minerFee,
        NETWORK_FEES: NETWORK_FEE_KOINU - minerFee,
      });
      const status = await api('GET', `/v1/withdrawals/${withdrawalId}`, { token });
      expect(status.body).to.include({ status: 'FINALIZED', txid });
      const after = await moneySnapshot(funder.knex, [user]);

      // Redelivered, then re-emitted by the saga under a new event id: nothing moves twice, no DLQ.
      const marks = await bus.dlqMarks(TOPICS.withdrawalConfirmed);
      await bus.sendAndWait(TOPICS.withdrawalConfirmed, withdrawalId, confirmed);
      await bus.sendAndWait(
        TOPICS.withdrawalConfirmed,
        withdrawalId,
        bus.event(
          TOPICS.withdrawalConfirmed,
          'withdrawal-saga',
          confirmed.payload as Record<string, unknown>,
        ),
      );
      expect(await moneySnapshot(funder.knex, [user])).to.deep.equal(after);
      expect(await bus.deadLetters(TOPICS.withdrawalConfirmed, withdrawalId, marks)).to.deep.equal([]);
      expect((await outboxFor(funder.knex, withdrawalId)).map((e) => e.topic)).to.deep.equal([
        TOPICS.withdrawalRequested,
        TOPICS.withdrawalFinalized,
      ]);

      // A failure reported for a finalized withdrawal is a contract violation: DLQ, nothing changes.
      const failMarks = await bus.dlqMarks(TOPICS.withdrawalFailed);
      await bus.sendAndWait(
        TOPICS.withdrawalFailed,
        withdrawalId,
        bus.event(TOPICS.withdrawalFailed, 'withdrawal-saga', {
          withdrawalId,
          userId: user,
          reasonCode: 'LATE',
          reason: 'late',
        }),
      );
      expect(await moneySnapshot(funder.knex, [user])).to.deep.equal(after);
      const letters = await bus.deadLetters(TOPICS.withdrawalFailed, withdrawalId, failMarks);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.match(/WALLET_WITHDRAWAL_WRONG_STATE/);
    });

    it('withdrawal.failed returns pending to available once', async () => {
      const withdrawalId = await requestWithdrawal('1200');
      const before = (await balanceOf(funder.knex, user))!;
      const failed = bus.event(TOPICS.withdrawalFailed, 'withdrawal-saga', {
        withdrawalId,
        userId: user,
        reasonCode: 'FRAUD_REJECTED',
        reason: 'velocity limit',
      });
      await bus.sendAndWait(TOPICS.withdrawalFailed, withdrawalId, failed);
      expect(await balanceOf(funder.knex, user)).to.include({
        available: before.available + 1_200n * DOGE + NETWORK_FEE_KOINU,
        pending: before.pending - 1_200n * DOGE - NETWORK_FEE_KOINU,
      });
      expect(await movedBy(funder.knex, withdrawalId)).to.deep.equal({});
      const after = await moneySnapshot(funder.knex, [user]);
      await bus.sendAndWait(TOPICS.withdrawalFailed, withdrawalId, failed);
      await bus.sendAndWait(
        TOPICS.withdrawalFailed,
        withdrawalId,
        bus.event(TOPICS.withdrawalFailed, 'withdrawal-saga', failed.payload as Record<string, unknown>),
      );
      expect(await moneySnapshot(funder.knex, [user])).to.deep.equal(after);
      const outbox = await outboxFor(funder.knex, withdrawalId);
      expect(outbox.map((e) => e.topic)).to.deep.equal([
        TOPICS.withdrawalRequested,
        TOPICS.withdrawalReleased,
      ]);
      expect(outbox[1]!.payload).to.include({ reasonCode: 'FRAUD_REJECTED' });
      const status = await api('GET', `/v1/withdrawals/${withdrawalId}`, { token });
      expect(status.body).to.include({ status: 'FAILED', failureCode: 'FRAUD_REJECTED' });
    });
  });

  // The spec speaks for the deposit watcher on the sandboxed wallet's own broker. (Crediting through the
  // real watcher, and the saga's hot-wallet coins, are proven in e2e/deposit-flow.e2e.spec.ts.)
  describe('deposit events from the deposit watcher', () => {
    it("deposit.detected and deposit.confirmed at an address that is not the user's go to the DLQ and credit nothing", async () => {
      const user = randomUUID();
      const other = randomUUID();
      const othersAddress = await depositAddressOf(funder, other);
      await depositAddressOf(funder, user);
      const before = await moneySnapshot(funder.knex, [user, other]);
      // Another user's assigned address, and a valid address the wallet never handed out.
      for (const address of [othersAddress, REGTEST_ADDRESS]) {
        const seen = {
          userId: user,
          address,
          txid: randomTxid(),
          vout: 0,
          amountKoinu: String(9n * DOGE),
          blockHash: randomTxid(),
          blockHeight: 90,
        };
        for (const [topic, payload] of [
          [TOPICS.depositDetected, { ...seen, confirmations: 1 }],
          [
            TOPICS.depositConfirmed,
            { ...seen, confirmations: 6, derivationPath: "m/44'/3'/0'/0/7", rawTransactionHex: '00' },
          ],
        ] as const) {
          const marks = await bus.dlqMarks(topic);
          await bus.sendAndWait(topic, user, bus.event(topic, 'deposit-watcher', payload));
          const letters = await bus.deadLetters(topic, user, marks);
          expect(letters, `${topic} to ${address}`).to.have.length(1);
          expect(letters[0]).to.match(/WALLET_DEPOSIT_ADDRESS_NOT_USERS/);
        }
      }
      expect(await moneySnapshot(funder.knex, [user, other])).to.deep.equal(before);
    });

    it("deposit.confirmed at the user's own address is credited once, however often it arrives", async () => {
      const user = randomUUID();
      const payload = {
        userId: user,
        address: await depositAddressOf(funder, user),
        txid: randomTxid(),
        vout: 1,
        amountKoinu: String(4n * DOGE),
        confirmations: 6,
        blockHash: randomTxid(),
        blockHeight: 91,
        derivationPath: "m/44'/3'/0'/0/8",
        rawTransactionHex: '00',
      };
      const confirmed = bus.event(TOPICS.depositConfirmed, 'deposit-watcher', payload);
      await bus.sendAndWait(TOPICS.depositConfirmed, user, confirmed);
      await bus.sendAndWait(TOPICS.depositConfirmed, user, confirmed);
      // The same deposit under a new event id (the watcher re-emitting it): past the inbox, the
      // domain's once-per-txid:vout answers it.
      await bus.sendAndWait(
        TOPICS.depositConfirmed,
        user,
        bus.event(TOPICS.depositConfirmed, 'deposit-watcher', payload),
      );
      expect(await balanceOf(funder.knex, user)).to.include({ available: 4n * DOGE });
      await expectReconciled(funder.knex, [user]);
    });

    it('deposit.detected records one incoming deposit however often it arrives; it is not spendable', async () => {
      const user = randomUUID();
      const token = await userToken(user);
      const txid = randomTxid();
      const payload = {
        userId: user,
        address: await depositAddressOf(funder, user),
        txid,
        vout: 2,
        amountKoinu: String(7n * DOGE),
        confirmations: 0,
        blockHash: null,
        blockHeight: null,
      };
      const detected = bus.event(TOPICS.depositDetected, 'deposit-watcher', payload);
      await bus.sendAndWait(TOPICS.depositDetected, user, detected);
      const after = await moneySnapshot(funder.knex, [user]);
      await bus.sendAndWait(TOPICS.depositDetected, user, detected);
      await bus.sendAndWait(
        TOPICS.depositDetected,
        user,
        bus.event(TOPICS.depositDetected, 'deposit-watcher', payload),
      );
      expect(await moneySnapshot(funder.knex, [user])).to.deep.equal(after);
      const deposits = (await api('GET', '/v1/deposits', { token })).body.deposits as Record<
        string,
        unknown
      >[];
      expect(deposits.map((d) => [d.txid, d.vout, d.amount, d.status, d.confirmations])).to.deep.equal([
        [txid, 2, '7.00000000', 'INCOMING', 0],
      ]);
      // Seen on chain is not credited: no ledger entry, nothing available.
      expect(await movedBy(funder.knex, `${txid}:2`)).to.deep.equal({});
      const balance = await balanceOf(funder.knex, user);
      expect(balance === undefined || balance.available === 0n).to.equal(true);

      await bus.sendAndWait(
        TOPICS.depositConfirmationsChanged,
        user,
        bus.event(TOPICS.depositConfirmationsChanged, 'deposit-watcher', {
          userId: user,
          txid,
          vout: 2,
          confirmations: 3,
          blockHash: randomTxid(),
          blockHeight: 77,
        }),
      );
      const updated = (await api('GET', '/v1/deposits', { token })).body.deposits as Record<
        string,
        unknown
      >[];
      expect(updated.map((d) => [d.status, d.confirmations, d.blockHeight])).to.deep.equal([
        ['INCOMING', 3, 77],
      ]);
    });
  });

  it('the outbox relay publishes what the handlers queued', async () => {
    await waitFor(
      async () => {
        const unsent = await funder
          .knex('outbox')
          .whereIn('message_key', [buyer, seller])
          .whereNull('sent_at')
          .count<{ n: string }[]>({ n: '*' });
        return Number(unsent[0]!.n) === 0;
      },
      { timeoutMs: 30_000, description: 'the relay to send the wallet events of this spec' },
    );
  });
});
