// Proves the scanner against a real regtest simulator and a real PostgreSQL: a deposit is detected
// once (mempool, then block), reported at each confirmation, confirmed exactly at the 6th with the
// raw transaction, several outputs to several users in one transaction each become a deposit,
// payments to unknown addresses and the coinbase's P2PK/OP_RETURN outputs are ignored, and every
// event is in the outbox in the transaction that changed the state.
import { expect } from 'chai';
import { Transaction } from 'bitcoinjs-lib';
import {
  assignAddress,
  buildWatcher,
  createTestDatabase,
  outboxEvents,
  pollUntilCaughtUp,
  refillNeeded,
  startTestSimulator,
  type TestDatabase,
  type TestSimulator,
} from '../support/harness.js';
import { newRegtestAddress } from '../support/addresses.js';
import { TOPICS } from '@dbay/contracts';

describe('deposit watcher scan (simulator + PostgreSQL)', function () {
  this.timeout(60_000);
  let simulator: TestSimulator;
  let database: TestDatabase;

  beforeEach(async () => {
    simulator = await startTestSimulator();
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
    await simulator.stop();
  });

  it("reports a confirmed payment to the hot wallet's refill address to the saga, never as a user's deposit", async () => {
    const watcher = await buildWatcher(database.knex, simulator.url);
    const refill = newRegtestAddress();
    await refillNeeded(database.knex, refill.address, 7);
    await refillNeeded(database.knex, refill.address, 7); // the same alert again: still one address
    // A user's deposit address cannot be taken over as a refill address, nor a path off the change chain.
    const user = newRegtestAddress();
    await assignAddress(database.knex, { userId: 'user-1', address: user.address, addressIndex: 3 });
    let refused = 0;
    for (const [address, index] of [
      [user.address, 3],
      [newRegtestAddress().address, -1],
    ] as const) {
      await refillNeeded(database.knex, address, index).catch(() => (refused += 1));
    }
    expect(refused).to.equal(2);
    expect(
      await database.knex('watched_addresses').where({ user_id: 'platform:hot-wallet' }).select('address'),
    ).to.deep.equal([{ address: refill.address }]);

    const funded = await simulator.control.fund([
      { address: refill.address, amount: '60' },
      { address: user.address, amount: '1' },
    ]);
    await simulator.control.mine(6);
    await pollUntilCaughtUp(watcher);
    const refills = await outboxEvents(database.knex, TOPICS.hotWalletRefillReceived);
    const vout = Transaction.fromHex(funded.hex).outs.findIndex((out) => out.value === 6_000_000_000n);
    expect(refills).to.have.length(1);
    expect(refills[0]).to.deep.include({ key: funded.txid });
    expect(refills[0]!.payload).to.include({
      txid: funded.txid,
      vout,
      address: refill.address,
      derivationPath: "m/44'/3'/0'/1/7",
      amountKoinu: '6000000000',
      confirmations: 6,
    });
    // The user's deposit in the same transaction goes its usual way; the refill emits no deposit.* event.
    const deposits = await outboxEvents(database.knex);
    expect(deposits.filter((event) => event.payload.address === refill.address)).to.deep.equal([]);
    expect(deposits.filter((event) => event.topic === TOPICS.depositConfirmed)).to.have.length(1);
    await simulator.control.mine(1);
    await pollUntilCaughtUp(watcher);
    expect(await outboxEvents(database.knex, TOPICS.hotWalletRefillReceived)).to.have.length(1);
  });

  it('matches a payment to an address assigned after the scanner loaded its watched set', async () => {
    // Margin 0: the backfill of late-learned addresses cannot find this block, so only the scan's
    // refreshed in-memory set can.
    const watcher = await buildWatcher(database.knex, simulator.url, { backfillMarginMs: 0 });
    await assignAddress(database.knex, {
      userId: 'user-0',
      address: newRegtestAddress().address,
      addressIndex: 0,
    });
    await simulator.control.mine(1);
    await pollUntilCaughtUp(watcher);

    const user = newRegtestAddress();
    await assignAddress(database.knex, { userId: 'user-late', address: user.address, addressIndex: 9 });
    await simulator.control.fund([{ address: user.address, amount: '7' }]);
    await simulator.control.mine(1);
    await pollUntilCaughtUp(watcher);
    const detected = (await outboxEvents(database.knex)).filter(
      (event) => event.topic === TOPICS.depositDetected,
    );
    expect(detected.map((event) => event.payload)).to.deep.include.members([
      { ...detected[0]!.payload, userId: 'user-late', address: user.address, amountKoinu: '700000000' },
    ]);
    expect(detected).to.have.length(1);
  });

  it('detects in the mempool, counts confirmations, and confirms once at the 6th', async () => {
    const watcher = await buildWatcher(database.knex, simulator.url);
    const user = newRegtestAddress();
    await assignAddress(database.knex, { userId: 'user-1', address: user.address, addressIndex: 1 });
    await pollUntilCaughtUp(watcher);

    const { txid, hex } = await simulator.control.fund([{ address: user.address, amount: '123.45678901' }]);
    await pollUntilCaughtUp(watcher);
    const vout = Transaction.fromHex(hex).outs.findIndex((out) =>
      Buffer.from(out.script).toString('hex').includes(user.pubkeyHash),
    );
    let events = await outboxEvents(database.knex);
    expect(events).to.deep.equal([
      {
        topic: TOPICS.depositDetected,
        key: 'user-1',
        payload: {
          userId: 'user-1',
          address: user.address,
          txid,
          vout,
          amountKoinu: '12345678901',
          confirmations: 0,
          blockHash: null,
          blockHeight: null,
        },
      },
    ]);

    const [minedIn] = await simulator.control.mine(1);
    await pollUntilCaughtUp(watcher);
    await simulator.control.mine(4);
    await pollUntilCaughtUp(watcher);
    events = await outboxEvents(database.knex);
    expect(events.map((event) => [event.topic, event.payload.confirmations])).to.deep.equal([
      [TOPICS.depositDetected, 0],
      [TOPICS.depositConfirmationsChanged, 1],
      [TOPICS.depositConfirmationsChanged, 2],
      [TOPICS.depositConfirmationsChanged, 3],
      [TOPICS.depositConfirmationsChanged, 4],
      [TOPICS.depositConfirmationsChanged, 5],
    ]);
    expect(
      events.some((event) => event.topic === TOPICS.depositConfirmed),
      'not confirmed at 5',
    ).to.equal(false);

    await simulator.control.mine(1);
    await pollUntilCaughtUp(watcher);
    await simulator.control.mine(3);
    await pollUntilCaughtUp(watcher);
    events = await outboxEvents(database.knex);
    const confirmed = events.filter((event) => event.topic === TOPICS.depositConfirmed);
    expect(confirmed).to.have.length(1);
    const status = await simulator.control.status();
    expect(confirmed[0]!.payload).to.deep.equal({
      userId: 'user-1',
      address: user.address,
      derivationPath: "m/44'/3'/0'/0/1",
      txid,
      vout,
      amountKoinu: '12345678901',
      blockHash: minedIn,
      blockHeight: status.height - 8,
      confirmations: 6,
      rawTransactionHex: hex,
    });
    expect(events).to.have.length(7);
  });

  it('credits two outputs to two users and two outputs to one user separately, and ignores strangers', async () => {
    const watcher = await buildWatcher(database.knex, simulator.url);
    const alice = newRegtestAddress();
    const bob = newRegtestAddress();
    const stranger = newRegtestAddress();
    await assignAddress(database.knex, { userId: 'alice', address: alice.address, addressIndex: 10 });
    await assignAddress(database.knex, { userId: 'bob', address: bob.address, addressIndex: 11 });
    await pollUntilCaughtUp(watcher);

    const first = await simulator.control.fund([
      { address: alice.address, amount: '10' },
      { address: bob.address, amount: '20' },
      { address: stranger.address, amount: '30' },
    ]);
    const second = await simulator.control.fund([
      { address: bob.address, amount: '1.5' },
      { address: bob.address, amount: '2.5' },
    ]);
    await simulator.control.mine(6);
    await pollUntilCaughtUp(watcher);

    const confirmed = (await outboxEvents(database.knex)).filter(
      (event) => event.topic === TOPICS.depositConfirmed,
    );
    const summary = confirmed
      .map(
        (event) =>
          `${String(event.payload.userId)} ${String(event.payload.amountKoinu)} ${event.payload.txid === first.txid ? 'first' : 'second'}`,
      )
      .sort();
    expect(summary).to.deep.equal([
      'alice 1000000000 first',
      'bob 150000000 second',
      'bob 2000000000 first',
      'bob 250000000 second',
    ]);
    const outpoints = new Set(
      confirmed.map((event) => `${String(event.payload.txid)}:${String(event.payload.vout)}`),
    );
    expect(outpoints.size).to.equal(4);
    expect(second.txid).to.not.equal(first.txid);
    const detected = (await outboxEvents(database.knex)).filter(
      (event) => event.topic === TOPICS.depositDetected,
    );
    expect(detected).to.have.length(4);
  });
});
